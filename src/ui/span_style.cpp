// Span dressing. See span_style.h.
#include "ui/span_style.h"

#include <cmath>

#include "ui/timeline_patterns.h"

namespace interleave::ui {

uint32_t SpanLabelColor(trace::SpanState state, uint32_t fill, uint32_t themeText) {
    if (StatePattern(state) == PatternKind::HalfHeight) return themeText;
    const float luma =
        0.299f * float(fill & 0xff) + 0.587f * float((fill >> 8) & 0xff) + 0.114f * float((fill >> 16) & 0xff);
    // IM_COL32(20, 20, 20, 255) and IM_COL32(255, 255, 255, 240), written out: this file needs no ImGui.
    return luma > 150 ? 0xff141414u : 0xf0ffffffu;
}

float PatternAnchor(double leftPx) {
    constexpr double kPatternPeriod = 12.0;
    return float(leftPx - kPatternPeriod * std::floor(leftPx / kPatternPeriod));
}

}  // namespace interleave::ui
