#include "ui/widgets.h"

#include "ui/test_probe.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

namespace {

// "s", "ms", "us", "ns", "MB"..., with the punctuation after it: a word that means nothing without the figure before.
bool IsUnitWord(std::string_view word) {
    while (!word.empty() && (word.back() == ',' || word.back() == '.' || word.back() == ';' || word.back() == ':' ||
                             word.back() == ')'))
        word.remove_suffix(1);
    for (std::string_view unit : {"s", "ms", "us", "ns", "B", "KB", "MB", "GB", "KiB", "MiB", "GiB"})
        if (word == unit) return true;
    return false;
}

// How much of `word` (wider than `width`) goes on a line: at least one character.
size_t BreakInsideWord(std::string_view word, float width, const std::function<float(std::string_view)>& widthOf) {
    size_t fits = 0;  // the longest prefix that fits, on a character boundary
    for (size_t end = 1; end <= word.size(); ++end) {
        if (end < word.size() && IsContinuationByte(word[end])) continue;
        if (widthOf(word.substr(0, end)) > width) break;
        fits = end;
    }
    if (fits == 0) {  // not even one character fits: that character alone
        fits = 1;
        while (fits < word.size() && IsContinuationByte(word[fits])) ++fits;
        return fits;
    }
    for (size_t at = fits; at > fits / 2; --at) {
        const char c = word[at - 1];
        if (c == '.' || c == '(' || c == ',' || c == '_' || c == '/' || c == '=') return at;
    }
    return fits;
}

}  // namespace

std::vector<std::string_view> WrapAtSpaces(std::string_view text, float width,
                                           const std::function<float(std::string_view)>& widthOf) {
    std::vector<std::string_view> lines;
    size_t paragraph = 0;
    while (paragraph <= text.size()) {
        size_t paragraphEnd = text.find('\n', paragraph);
        if (paragraphEnd == std::string_view::npos) paragraphEnd = text.size();
        // Greedy: as many whole words on a line as fit, measured as they will be drawn (with the spaces between);
        // a word wider than the line gets a line of its own. A line never starts with a space.
        size_t lineStart = paragraph, lineEnd = paragraph;
        size_t previousWord = paragraph, beforePrevious = paragraph;  // the line's last word, and where the line ended before it
        for (size_t word = paragraph; word < paragraphEnd;) {
            size_t wordEnd = text.find(' ', word);
            if (wordEnd == std::string_view::npos || wordEnd > paragraphEnd) wordEnd = paragraphEnd;
            if (wordEnd > word) {
                if (lineEnd > lineStart && widthOf(text.substr(lineStart, wordEnd - lineStart)) > width) {
                    // A unit stays with its figure: "2.554 s" moves to the next line whole.
                    if (IsUnitWord(text.substr(word, wordEnd - word)) && previousWord > lineStart) {
                        lines.push_back(text.substr(lineStart, beforePrevious - lineStart));
                        lineStart = previousWord;
                    } else {
                        lines.push_back(text.substr(lineStart, lineEnd - lineStart));
                        lineEnd = lineStart;
                    }
                }
                beforePrevious = lineEnd;
                previousWord = word;
                if (lineEnd == lineStart) {
                    // A word wider than a whole line ("multiprocessing.Pool(processes=5).map(fetch_sync,") is broken
                    // after the last '.', '(', ',' or '_' that fits, or else where it must.
                    while (widthOf(text.substr(word, wordEnd - word)) > width) {
                        const size_t cut = BreakInsideWord(text.substr(word, wordEnd - word), width, widthOf);
                        lines.push_back(text.substr(word, cut));
                        word += cut;
                    }
                    lineStart = word;
                }
                lineEnd = wordEnd;
            }
            word = wordEnd + 1;
        }
        lines.push_back(text.substr(lineStart, lineEnd - lineStart));
        paragraph = paragraphEnd + 1;
    }
    return lines;
}

void RememberItem(TestProbe& probe, const char* id) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    probe.Remember(id, {a.x, a.y, b.x - a.x, b.y - a.y}, ImGui::GetScrollMaxY() > 0 || ImGui::GetScrollMaxX() > 0);
}

void TextWrappedAtSpaces(std::string_view text) {
    const auto widthOf = [](std::string_view part) { return ImGui::CalcTextSize(part.data(), part.data() + part.size()).x; };
    for (std::string_view line : WrapAtSpaces(text, ImGui::GetContentRegionAvail().x, widthOf))
        ImGui::TextUnformatted(line.data(), line.data() + line.size());
}

}  // namespace interleave::ui
