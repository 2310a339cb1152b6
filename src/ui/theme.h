#pragma once
// Colours of the span states and the two themes. The palette is chosen so that the states a reader
// compares (running Python vs waiting for the GIL vs I/O) differ in hue and in lightness.
#include <cstdint>

#include "trace/trace.h"
#include "ui/view_state.h"

namespace interleave::ui {

// ImGui's packed ABGR colour (IM_COL32) of a span state in a theme.
uint32_t StateColor(trace::SpanState state, Theme theme);
// Short human name for the legend and tooltips: "running Python", "waiting for the GIL".
const char* StateLabel(trace::SpanState state);
// Applies ImGui's dark or light style, scaled by `contentScale` (from a fresh style each time, so
// calling it again with another scale does not compound).
void ApplyTheme(Theme theme, float contentScale);

}  // namespace interleave::ui
