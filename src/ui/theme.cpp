// Theme colours. See theme.h.
#include "ui/theme.h"

#include <imgui.h>

namespace interleave::ui {

using trace::SpanState;

namespace {

constexpr uint32_t Rgb(uint32_t rgb) {
    return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, 0xff);
}

}  // namespace

uint32_t StateColor(SpanState state, Theme theme) {
    const bool dark = theme == Theme::Dark;
    switch (state) {
        case SpanState::RunningPython: return Rgb(dark ? 0x4caf50 : 0x2e7d32);
        case SpanState::RunningC: return Rgb(dark ? 0x26c6da : 0x00838f);
        case SpanState::WaitingGil: return Rgb(dark ? 0xef5350 : 0xc62828);
        case SpanState::WaitingCore: return Rgb(dark ? 0xff9800 : 0xe65100);
        case SpanState::BlockedIo: return Rgb(dark ? 0x5c6bc0 : 0x3949ab);
        case SpanState::Awaiting: return Rgb(dark ? 0x7e57c2 : 0x5e35b1);
        case SpanState::Ready: return Rgb(dark ? 0xffd54f : 0xf9a825);
        case SpanState::StartingProcess: return Rgb(dark ? 0x8d6e63 : 0x6d4c41);
        case SpanState::Pickling: return Rgb(dark ? 0xec407a : 0xad1457);
        case SpanState::Unpickling: return Rgb(dark ? 0xf48fb1 : 0xd81b60);
        case SpanState::WaitingLock: return Rgb(dark ? 0xd4e157 : 0x9e9d24);
        case SpanState::HoldingGil: return Rgb(dark ? 0x81c784 : 0x66bb6a);
        case SpanState::Idle: return Rgb(dark ? 0x546e7a : 0xb0bec5);
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
    ImGui::GetIO().FontGlobalScale = contentScale > 0 ? contentScale : 1.0f;
}

}  // namespace interleave::ui
