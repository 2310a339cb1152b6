#pragma once
// Colours of the span states and the two themes. The states that share a lane stay apart for readers with
// the common colour-vision deficiencies too, and every state stands 3:1 off its theme's background
// (theme.cpp says how the palette was chosen; tests/unit/ui/palette_test.cpp checks it).
#include <cstdint>

#include "trace/trace.h"
#include "ui/view_state.h"

namespace interleave::ui {

// ImGui's packed ABGR colour (IM_COL32) of a span state in a theme.
uint32_t StateColor(trace::SpanState state, Theme theme);
// Short human name for the legend and tooltips: "running Python", "waiting for the GIL".
const char* StateLabel(trace::SpanState state);
// Applies ImGui's dark or light style, scaled by `contentScale` (from a fresh style each time, so
// calling it again with another scale does not compound), and asks for the fonts at that scale: the atlas
// is rebuilt before the next frame (ui/fonts.h, PrepareFonts); io.FontGlobalScale stays 1.
void ApplyTheme(Theme theme, float contentScale);

}  // namespace interleave::ui
