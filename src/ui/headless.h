#pragma once
// Dear ImGui with no backend and no GPU: a context with its font atlas built, for the headless UI tests,
// the frame benchmark (bench/ui_frame_bench.cpp) and interleave_uibench (natively and as wasm). It holds the
// app's own faces (ui/fonts.h), so tests measure the text widths the app draws.
#include <imgui.h>

#include "ui/fonts.h"

namespace interleave::ui {

// Creates an ImGui context (no .ini file, the UI's fonts built at content scale 1 and pixel density 1, 60 Hz
// frames) and destroys it when it goes.
class HeadlessContext {
public:
    HeadlessContext();
    ~HeadlessContext();
    HeadlessContext(const HeadlessContext&) = delete;
    HeadlessContext& operator=(const HeadlessContext&) = delete;

    // Sets the display size and whether the "renderer" supports ImDrawCmd::VtxOffset (WebGL2 does
    // not: then a draw list must stay under 64K vertices).
    static void SetDisplay(float width, float height, bool vtxOffset = false);

private:
    ImGuiContext* m_context = nullptr;
};

// One whole frame: the fonts rebuilt if the last frame asked for another content scale (ApplyTheme; as the
// platform does between frames), ImGui::NewFrame(), `draw()`, ImGui::Render(). Returns the frame's draw data.
template <typename Draw>
const ImDrawData* HeadlessFrame(Draw&& draw) {
    PrepareFonts();
    ImGui::NewFrame();
    draw();
    ImGui::Render();
    return ImGui::GetDrawData();
}

}  // namespace interleave::ui
