// Posters for embeds. See picture_poster.h.
#include "ui/picture_poster.h"

#include <cstdio>

#include "ui/picture_export.h"
#include "ui/svg_writer.h"

namespace interleave::ui {

std::string SvgDataUri(std::string_view svg) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out = "data:image/svg+xml,";
    out.reserve(out.size() + svg.size() + svg.size() / 4);
    for (char ch : svg) {
        const auto c = static_cast<unsigned char>(ch);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_' || c == '.' || c == '~' || c == '!' || c == '$' || c == '(' || c == ')' ||
                           c == '*' || c == '+' || c == ',' || c == ';' || c == '=' || c == ':' || c == '@' ||
                           c == '/' || c == '?';
        if (plain) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

namespace {
PosterPicture OneTrace(const trace::Trace& trace, const PosterView& poster) {
    return [section = PictureSection{&trace, {}, poster.tracks, {}}, poster](float width, const TextMetrics& metrics) {
        PictureView view;
        view.range = poster.range;
        view.width = width;
        view.height = float(kPosterHeight);
        view.theme = poster.theme;
        view.selectedTask = poster.selectedTask;
        view.arrows = false;  // see PosterPicture
        return BuildPicture({section}, view, metrics);
    };
}
std::string PosterAt(const PosterPicture& picture, float width) {
    return SvgDataUri(PictureSvg([&](const TextMetrics& metrics) { return picture(width, metrics); }));
}
std::string TooBig(size_t bytes) {
    return "the picture of this view is " + std::to_string(bytes / 1024) + " KB even 400 px wide (at most " +
           std::to_string(kMaxPosterUriBytes / 1024) + " KB in a snippet)";
}
}  // namespace

std::string PosterDataUri(const trace::Trace& trace, const PosterView& view, std::string& why) {
    const PosterPicture picture = OneTrace(trace, view);
    // Narrower pictures fold more spans into runs: fewer elements, a smaller file.
    std::string uri;
    for (float width : {760.0f, 560.0f, 400.0f}) {
        uri = PosterAt(picture, width);
        if (uri.size() <= kMaxPosterUriBytes) return uri;
    }
    why = TooBig(uri.size());
    return {};
}

bool MakePoster(const PosterPicture& picture, Theme theme, Poster& out, std::string& why) {
    out = Poster{};
    const PictureColors colors = ColorsFor(theme);
    char background[8];
    std::snprintf(background, sizeof background, "#%02x%02x%02x", unsigned(colors.background & 0xff),
                  unsigned((colors.background >> 8) & 0xff), unsigned((colors.background >> 16) & 0xff));
    out.background = background;
    // The phone's poster first: it is the one a narrow column cannot do without (a wide one shrunk to a phone's
    // width has unreadable text). Then the widest desktop poster that fits beside it.
    std::string narrow = PosterAt(picture, 400.0f);
    if (narrow.size() > kMaxPosterUriBytes) {
        why = TooBig(narrow.size());
        return false;
    }
    for (float width : {760.0f, 560.0f}) {
        std::string wide = PosterAt(picture, width);
        if (wide.size() + narrow.size() <= kMaxPosterUriBytes) {
            out.wide = std::move(wide);
            out.narrow = std::move(narrow);
            return true;
        }
    }
    out.wide = std::move(narrow);  // one poster for every width
    return true;
}

std::string EmbedSnippet(const EmbedSnippetParts& parts) {
    const std::string frameStyle = "border: 1px solid #3b4252; border-radius: 6px";
    if (parts.posterUri.empty()) {
        return "<iframe src=\"" + XmlEscape(parts.embedUrl) + "\" title=\"" + XmlEscape(parts.title) +
               "\" width=\"100%\" height=\"" + std::to_string(kPosterHeight) + "\" loading=\"lazy\" style=\"" +
               frameStyle + "\"></iframe>";
    }
    const std::string height = std::to_string(kPosterHeight) + "px";
    std::string out;
    out += "<div class=\"interleave-embed\" style=\"position: relative; height: " + height + "\">";
    out += "<a href=\"" + XmlEscape(parts.fullUrl) + "\">";
    // A phone's column gets the narrow poster (a srcset URL ends at whitespace: SvgDataUri leaves none).
    if (!parts.posterNarrowUri.empty())
        out += "<picture><source media=\"(max-width: 560px)\" srcset=\"" + XmlEscape(parts.posterNarrowUri) + "\">";
    out += "<img src=\"" + XmlEscape(parts.posterUri) + "\" alt=\"" +
           XmlEscape(parts.title + ": a timeline of who runs when (open the link for the interactive view)") +
           "\" style=\"display: block; width: 100%; height: " + height +
           "; object-fit: contain; object-position: left top; box-sizing: border-box; " +
           (parts.posterBackground.empty() ? "" : "background: " + XmlEscape(parts.posterBackground) + "; ") +
           frameStyle + "\">";
    if (!parts.posterNarrowUri.empty()) out += "</picture>";
    out += "</a>";
    // The frame's name tells its page (window.name, web/loader.js) that the poster is below it: its placeholder is
    // then transparent, with the Load button over the poster.
    out += "<iframe src=\"" + XmlEscape(parts.embedUrl) + "\" name=\"" + kPosterBelowFrameName + "\" title=\"" +
           XmlEscape(parts.title) +
           "\" loading=\"lazy\" style=\"position: absolute; top: 0; left: 0; width: 100%; height: 100%; box-sizing: "
           "border-box; " +
           frameStyle + "\"></iframe>";
    out += "</div>";
    return out;
}

}  // namespace interleave::ui
