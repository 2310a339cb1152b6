// Span dressing. See span_style.h.
#include "ui/span_style.h"

#include <cmath>

#include "ui/timeline_patterns.h"

namespace interleave::ui {

namespace {

// WCAG 2.1 relative luminance of a packed ABGR colour's sRGB channels.
double RelativeLuminance(uint32_t abgr) {
    const auto linear = [](uint32_t channel) {
        const double c = double(channel & 0xff) / 255.0;
        return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(abgr) + 0.7152 * linear(abgr >> 8) + 0.0722 * linear(abgr >> 16);
}

}  // namespace

uint32_t SpanLabelColor(trace::SpanState state, uint32_t fill, uint32_t themeText) {
    const PatternKind pattern = StatePattern(state);
    if (pattern == PatternKind::HalfHeight || pattern == PatternKind::Outline) return themeText;
    // Contrast against black, (L + 0.05) / 0.05, against white, 1.05 / (L + 0.05): black wins while L + 0.05 is above
    // sqrt(1.05 * 0.05). Packed as IM_COL32(0, 0, 0, 255) and IM_COL32(255, 255, 255, 255): this file needs no ImGui.
    const double l = RelativeLuminance(fill) + 0.05;
    return l * l > 1.05 * 0.05 ? 0xff000000u : 0xffffffffu;
}

float PatternAnchor(double leftPx) {
    constexpr double kPatternPeriod = 12.0;
    return float(leftPx - kPatternPeriod * std::floor(leftPx / kPatternPeriod));
}

}  // namespace interleave::ui
