// Theme colours. See theme.h.
#include "ui/theme.h"

#include <imgui.h>

#include "ui/fonts.h"

namespace interleave::ui {

using trace::SpanState;

namespace {

constexpr uint32_t Rgb(uint32_t rgb) {
    return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, 0xff);
}

}  // namespace

// The palette starts from Okabe & Ito's "Color Universal Design" set (2008: bluish green #009E73, vermillion
// #D55E00, sky blue #56B4E9, blue #0072B2, orange #E69F00, reddish purple #CC79A7, yellow #F0E442), which
// readers with deuteranopia and protanopia tell apart: running Python is bluish green and waiting for the GIL
// vermillion, never red against green. The dark theme uses those colours as published (blue lightened so it
// stands 3:1 off the near-black background); the light theme keeps each one's hue and darkens it until it
// stands 3:1 off the near-white background. The states beyond Okabe-Ito's seven are neutrals (idle, starting
// a process), a violet (awaiting), a periwinkle or royal blue (waiting on a queue), pale or khaki tints
// (pickling, unpickling) and a lighter bluish green (holding the GIL: the GIL lane in running Python's hue).
// tests/unit/ui/palette_test.cpp checks, with and without simulated deuteranopia, protanopia and tritanopia,
// that states sharing a lane stay apart, and each state's contrast against the lanes.
uint32_t StateColor(SpanState state, Theme theme) {
    const bool dark = theme == Theme::Dark;
    switch (state) {
        case SpanState::RunningPython: return Rgb(dark ? 0x009e73 : 0x00633d);
        case SpanState::RunningC: return Rgb(dark ? 0x56b4e9 : 0x3a87b8);
        case SpanState::WaitingGil: return Rgb(dark ? 0xd55e00 : 0xb85200);
        case SpanState::WaitingCore: return Rgb(dark ? 0xe69f00 : 0x543904);
        case SpanState::BlockedIo: return Rgb(dark ? 0x2e6d99 : 0x004f83);
        case SpanState::Awaiting: return Rgb(dark ? 0x8c3bff : 0x5b3fd4);
        case SpanState::Ready: return Rgb(dark ? 0xf0e442 : 0x867a00);
        case SpanState::StartingProcess: return Rgb(dark ? 0xe0e0e0 : 0x313131);
        case SpanState::Pickling: return Rgb(dark ? 0xf7eba8 : 0x928950);
        case SpanState::Unpickling: return Rgb(dark ? 0xa4c1ac : 0x78775e);
        case SpanState::WaitingLock: return Rgb(dark ? 0xcc79a7 : 0x832d56);
        case SpanState::HoldingGil: return Rgb(dark ? 0xa8ffd8 : 0x00916c);
        case SpanState::Idle: return Rgb(dark ? 0x6f6f6f : 0x74797f);
        case SpanState::WaitingQueue: return Rgb(dark ? 0x6078f8 : 0x2860d0);
        default: return Rgb(0x888888);
    }
}

const char* StateLabel(SpanState state) {
    switch (state) {
        case SpanState::RunningPython: return "running Python";
        case SpanState::RunningC: return "running C (GIL released)";
        case SpanState::WaitingGil: return "waiting for the GIL";
        case SpanState::WaitingCore: return "waiting for a core";
        case SpanState::BlockedIo: return "blocked on I/O";
        case SpanState::Awaiting: return "awaiting";
        case SpanState::Ready: return "ready (in the loop's queue)";
        case SpanState::StartingProcess: return "starting the process";
        case SpanState::Pickling: return "pickling";
        case SpanState::Unpickling: return "unpickling";
        case SpanState::WaitingLock: return "waiting for a lock";
        case SpanState::HoldingGil: return "holding the GIL";
        case SpanState::Idle: return "idle";
        case SpanState::WaitingQueue: return "waiting on a queue or event";
        default: return "?";
    }
}

void ApplyTheme(Theme theme, float contentScale) {
    ImGuiStyle style;
    if (theme == Theme::Light) ImGui::StyleColorsLight(&style);
    else ImGui::StyleColorsDark(&style);
    style.WindowRounding = 0;
    style.FrameRounding = 2;
    style.WindowBorderSize = 1;
    style.ItemSpacing = ImVec2(6, 4);
    style.FramePadding = ImVec2(5, 3);
    if (contentScale > 0 && contentScale != 1.0f) style.ScaleAllSizes(contentScale);
    ImGui::GetStyle() = style;
    // Text follows through its size, not FontGlobalScale (which would stretch glyphs rasterised for 1x): the
    // atlas is rebuilt at this scale before the next frame (fonts.h).
    RequestFontScale(contentScale > 0 ? contentScale : 1.0f);
}

}  // namespace interleave::ui
