#pragma once
// How a span is dressed, as pure functions of its state and colours, for every drawing of the timeline: the live
// view (ui/timeline.cpp) and the exported pictures (ui/picture.h). One rule each, so the two cannot drift apart.
#include <cstdint>

#include "trace/trace.h"

namespace interleave::ui {

// The colour of a span's name drawn inside it (packed ABGR): dark text on light fills (ready, holding the GIL),
// white on dark ones; over a half-height bar (idle), which leaves the lane's background around the name, the
// theme's own text colour `themeText`, which reads on both.
uint32_t SpanLabelColor(trace::SpanState state, uint32_t fill, uint32_t themeText);

// Patterns repeat every 12 units (timeline.frag and ui/timeline_patterns.h): the anchor of a span's pattern, its
// unclipped left edge `leftPx` (from the lane's left) taken modulo that, keeps patterns where the GPU path draws
// them and moving with the span when panning, and keeps precision for spans that start far off to the left.
float PatternAnchor(double leftPx);

}  // namespace interleave::ui
