#pragma once
// How a span is dressed, as pure functions of its state and colours, for every drawing of the timeline: the live
// view (ui/timeline.cpp) and the exported pictures (ui/picture.h). One rule each, so the two cannot drift apart.
#include <cstdint>

#include "trace/trace.h"

namespace interleave::ui {

// The colour of a span's name drawn inside it (packed ABGR): black or white, whichever stands further off the fill
// by WCAG's contrast ratio (at least 4.58:1 for any fill); over a half-height bar (idle) or a hollow state (blocked on
// I/O: a faint fill), where the lane's background shows under the name, the theme's own text colour `themeText`.
uint32_t SpanLabelColor(trace::SpanState state, uint32_t fill, uint32_t themeText);

// Patterns repeat every 12 units (timeline.frag and ui/timeline_patterns.h): the anchor of a span's pattern, its
// unclipped left edge `leftPx` (from the lane's left) taken modulo that, keeps patterns where the GPU path draws
// them and moving with the span when panning, and keeps precision for spans that start far off to the left.
float PatternAnchor(double leftPx);

}  // namespace interleave::ui
