// Zoom, pan and tick maths of the timeline. Pure: see timeline_math.h for the contracts.
#include "ui/timeline_math.h"

#include <cctype>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace interleave::ui {

double PxPerNs(const TimeRange& range, float widthPx) {
    return range.Width() > 0 ? double(widthPx) / range.Width() : 0.0;
}

double TimeAtPx(const TimeRange& range, float widthPx, float x) {
    if (widthPx <= 0) return range.t0;
    return range.t0 + double(x) / double(widthPx) * range.Width();
}

float PxAtTime(const TimeRange& range, float widthPx, double t) {
    if (range.Width() <= 0) return 0;
    return float((t - range.t0) / range.Width() * double(widthPx));
}

TimeRange ZoomAround(const TimeRange& range, float widthPx, float cursorX, double scale) {
    if (widthPx <= 0 || !(scale > 0)) return range;
    const double frac = std::clamp(double(cursorX) / double(widthPx), 0.0, 1.0);
    const double pivot = range.t0 + frac * range.Width();
    const double width = std::clamp(range.Width() * scale, kMinVisibleNs, kMaxVisibleNs);
    TimeRange out;
    out.t0 = pivot - frac * width;
    out.t1 = out.t0 + width;
    return out;
}

double WheelZoomScale(float wheel) {
    // One notch zooms by 20%; fractional trackpad deltas compose to the same total.
    return std::pow(0.8, double(wheel));
}

TimeRange PanByPixels(const TimeRange& range, float widthPx, float dxPx) {
    if (widthPx <= 0) return range;
    const double dt = double(dxPx) / double(widthPx) * range.Width();
    return {range.t0 - dt, range.t1 - dt};
}

TimeRange FitRange(int64_t start, int64_t end) {
    double a = double(start), b = double(end);
    if (b - a < kMinVisibleNs) b = a + 1e6;  // empty trace: show a millisecond
    const double margin = (b - a) * 0.02;
    return {a - margin, b + margin};
}

TimeRange RangeFromPixels(const TimeRange& range, float widthPx, float xa, float xb) {
    double a = TimeAtPx(range, widthPx, std::min(xa, xb));
    double b = TimeAtPx(range, widthPx, std::max(xa, xb));
    if (b - a < kMinVisibleNs) {
        const double mid = (a + b) / 2;
        a = mid - kMinVisibleNs / 2;
        b = mid + kMinVisibleNs / 2;
    }
    return {a, b};
}

double TickStep(const TimeRange& range, float widthPx, float minSpacingPx) {
    if (widthPx <= 0 || range.Width() <= 0) return 1;
    minSpacingPx = std::max(minSpacingPx, 1.0f);
    const double minStep = range.Width() * double(minSpacingPx) / double(widthPx);
    double step = 1;
    // 1, 2, 5, 10, 20, 50, ... ns until the spacing is enough.
    for (int i = 0; i < 64; ++i) {
        for (double m : {1.0, 2.0, 5.0}) {
            if (step * m >= minStep) return step * m;
        }
        step *= 10;
    }
    return step;
}

std::vector<Tick> MakeTicks(const TimeRange& range, float widthPx, float minSpacingPx) {
    std::vector<Tick> ticks;
    const double step = TickStep(range, widthPx, minSpacingPx);
    if (!(step > 0)) return ticks;
    const double first = std::ceil(range.t0 / step);
    const double last = std::floor(range.t1 / step);
    if (last < first) return ticks;
    const double count = last - first + 1;
    const double bound = double(widthPx) / double(std::max(minSpacingPx, 1.0f)) + 2;
    if (count > bound) return ticks;  // cannot happen with TickStep's choice; a guard, not a path
    ticks.reserve(size_t(count));
    for (double i = first; i <= last; i += 1) {
        const auto index = static_cast<long long>(i);
        ticks.push_back({i * step, index % 5 == 0});
    }
    return ticks;
}

namespace {

struct Unit {
    double ns;
    const char* name;
};

Unit UnitFor(double magnitudeNs) {
    if (magnitudeNs >= 1e9) return {1e9, "s"};
    if (magnitudeNs >= 1e6) return {1e6, "ms"};
    if (magnitudeNs >= 1e3) return {1e3, "us"};
    return {1, "ns"};
}

}  // namespace

std::string FormatTickLabel(double timeNs, double stepNs) {
    if (std::abs(timeNs) < stepNs * 1e-6) return "0";
    // The unit follows the step so that neighbouring labels share it; enough decimals to tell
    // neighbours apart (step 0.5 ms -> one decimal).
    // A step of 0.5 ms reads better as "12.5 ms" than as "12500 us": promote once the step is a tenth
    // of the next unit.
    Unit unit = UnitFor(std::max(stepNs * 10, 1.0));
    if (unit.ns == 1 && std::abs(timeNs) >= 1e3) unit = UnitFor(std::abs(timeNs) >= 1e6 ? 1e6 : 1e3);
    const double stepInUnit = stepNs / unit.ns;
    // As many decimals as the step needs to be a whole number: 0.5 ms -> 1, 2.5 ms -> 1, 0.25 -> 2.
    int decimals = 0;
    for (; decimals < 6; ++decimals) {
        const double x = stepInUnit * std::pow(10.0, decimals);
        if (std::abs(x - std::round(x)) < 1e-6 * std::max(1.0, x)) break;
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f %s", decimals, timeNs / unit.ns, unit.name);
    return buffer;
}

std::string FormatTime(double ns) {
    const double mag = std::abs(ns);
    char buffer[64];
    if (mag >= 1e9) std::snprintf(buffer, sizeof buffer, "%.3f s", ns / 1e9);
    else if (mag >= 1e6) std::snprintf(buffer, sizeof buffer, "%.3f ms", ns / 1e6);
    else if (mag >= 1e3) std::snprintf(buffer, sizeof buffer, "%.1f us", ns / 1e3);
    else std::snprintf(buffer, sizeof buffer, "%.0f ns", ns);
    return buffer;
}

// [SECTION] Labels

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string FitSpanLabel(std::string_view label, float maxWidth, const std::function<float(std::string_view)>& widthOf) {
    if (maxWidth <= 0 || label.empty()) return {};
    if (widthOf(label) <= maxWidth) return std::string(label);
    constexpr std::string_view kEllipsis = "\u2026";
    const auto withEllipsis = [&](size_t end) { return std::string(label.substr(0, end)).append(kEllipsis); };
    size_t firstCharacterEnd = 1;  // a prefix longer than this holds at least two characters
    while (firstCharacterEnd < label.size() && IsContinuationByte(label[firstCharacterEnd]))
        ++firstCharacterEnd;
    // Whole words: the longest prefix that ends before a space.
    for (size_t space = label.rfind(' '); space != std::string_view::npos && space > 0;
         space = label.rfind(' ', space - 1)) {
        size_t end = space;
        while (end > 0 && label[end - 1] == ' ')
            --end;
        if (end <= firstCharacterEnd) break;  // fewer than two characters: "a…" says nothing
        std::string shown = withEllipsis(end);
        if (widthOf(shown) <= maxWidth) return shown;
    }
    // Characters of the first word: the longest prefix of at least two characters (binary search on boundaries).
    const size_t firstWord = std::min(label.find(' '), label.size());
    std::vector<size_t> ends;  // byte offsets just after each character of the first word
    for (size_t i = 1; i <= firstWord; ++i)
        if (i == firstWord || !IsContinuationByte(label[i])) ends.push_back(i);
    size_t lo = 0, hi = ends.size();  // ends[k] fits for k < lo; does not for k >= hi
    while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (widthOf(withEllipsis(ends[mid])) <= maxWidth) lo = mid + 1;
        else hi = mid;
    }
    if (lo < 2) return {};  // not even two characters and the ellipsis
    return withEllipsis(ends[lo - 1]);
}

std::string ElideMiddle(std::string_view text, float maxWidth, const std::function<float(std::string_view)>& widthOf) {
    if (widthOf(text) <= maxWidth) return std::string(text);
    const std::string_view dots = "..";
    // Keeping one more character adds it to the start or the end, so the candidates nest and their widths only
    // grow with `keep`: a binary search finds the longest that fits (a few measurements a label, each frame).
    const auto candidate = [&](size_t keep) {
        size_t head = keep / 3;
        size_t tailStart = text.size() - (keep - head);
        while (head > 0 && IsContinuationByte(text[head])) --head;
        while (tailStart < text.size() && IsContinuationByte(text[tailStart])) ++tailStart;
        std::string out;
        out.reserve(head + dots.size() + (text.size() - tailStart));
        out.append(text.substr(0, head)).append(dots).append(text.substr(tailStart));
        return out;
    };
    size_t fits = 0, tooWide = text.size();  // candidate(fits) fits (0: the dots alone); candidate(tooWide) does not
    while (tooWide - fits > 1) {
        const size_t keep = fits + (tooWide - fits) / 2;
        (widthOf(candidate(keep)) <= maxWidth ? fits : tooWide) = keep;
    }
    return candidate(fits);
}

std::vector<std::string> ShorterLaneNames(std::string_view name) {
    std::vector<std::string> out;
    const auto add = [&](std::string_view shorter) {
        if (!shorter.empty() && shorter.size() < (out.empty() ? name.size() : out.back().size()))
            out.emplace_back(shorter);
    };
    const size_t paren = name.find(" (");
    std::string_view base = name;
    if (paren != std::string_view::npos && paren > 0 && name.back() == ')') {
        base = name.substr(0, paren);
        add(base);
    }
    // The first word's CamelCase words: where an upper-case letter follows a lower-case one.
    const size_t space = base.find(' ');
    const std::string_view first = base.substr(0, space);
    std::vector<size_t> starts;
    for (size_t i = 1; i < first.size(); ++i)
        if (std::isupper(static_cast<unsigned char>(first[i])) && std::islower(static_cast<unsigned char>(first[i - 1])))
            starts.push_back(i);
    if (starts.size() >= 2 && std::isupper(static_cast<unsigned char>(first[0])))
        for (const size_t start : starts)
            add(base.substr(start));
    // "Task-5 site[0]/page[0]": the runtime's name (a word ending in "-<digits>") before the task's own.
    if (space != std::string_view::npos) {
        const size_t dash = first.rfind('-');
        const bool numbered = dash != std::string_view::npos && dash + 1 < first.size() &&
                              std::all_of(first.begin() + std::ptrdiff_t(dash + 1), first.end(),
                                          [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
        if (numbered) add(base.substr(space + 1));
    }
    return out;
}

std::string FitLaneLabel(std::string_view name, float maxWidth, const std::function<float(std::string_view)>& widthOf) {
    if (widthOf(name) <= maxWidth) return std::string(name);
    const std::vector<std::string> shorter = ShorterLaneNames(name);
    for (const std::string& candidate : shorter)
        if (widthOf(candidate) <= maxWidth) return candidate;
    return ElideMiddle(shorter.empty() ? name : std::string_view(shorter.back()), maxWidth, widthOf);
}

}  // namespace interleave::ui
