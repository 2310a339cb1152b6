#include "ui/headless.h"

namespace interleave::ui {

HeadlessContext::HeadlessContext() {
    IMGUI_CHECKVERSION();
    m_context = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    PrepareFonts();
    // The pixels a renderer would upload: what the platform's backend asks for, so the same work is measured.
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.DeltaTime = 1.0f / 60.0f;
    io.DisplaySize = ImVec2(1280, 800);
}

HeadlessContext::~HeadlessContext() { ImGui::DestroyContext(m_context); }

void HeadlessContext::SetDisplay(float width, float height, bool vtxOffset) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(width, height);
    if (vtxOffset) io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    else io.BackendFlags &= ~ImGuiBackendFlags_RendererHasVtxOffset;
}

}  // namespace interleave::ui
