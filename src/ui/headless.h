#pragma once
// Dear ImGui with no backend and no GPU: a context with its font atlas built, for the headless UI tests,
// the frame benchmark (bench/ui_frame_bench.cpp) and interleave_uibench (natively and as wasm).
#include <imgui.h>

namespace interleave::ui {

// Creates an ImGui context (no .ini file, fonts built, 60 Hz frames) and destroys it when it goes.
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

// One whole frame: ImGui::NewFrame(), `draw()`, ImGui::Render(). Returns the frame's draw data.
template <typename Draw>
const ImDrawData* HeadlessFrame(Draw&& draw) {
    ImGui::NewFrame();
    draw();
    ImGui::Render();
    return ImGui::GetDrawData();
}

}  // namespace interleave::ui
