// Temporary minimal playground until the timeline views land.
#include "ui/playground.h"
#include <imgui.h>
#include <cstdio>

namespace interleave::ui {

Playground::Playground() = default;

void Playground::Frame() {
    ++m_frame;
    ImGui::SetNextWindowPos(ImVec2(20, 20), ImGuiCond_FirstUseEver);
    ImGui::Begin("Interleave");
    ImGui::TextUnformatted("Python concurrency playground");
    if (ImGui::Button(m_playing ? "Pause" : "Play")) m_playing = !m_playing;
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    m_playRect[0] = min.x; m_playRect[1] = min.y; m_playRect[2] = max.x - min.x; m_playRect[3] = max.y - min.y;
    ImGui::End();
}

std::string Playground::TestStateJson() const {
    char buffer[256];
    std::snprintf(buffer, sizeof buffer, "{\"frame\":%ld,\"playing\":%s,\"widgets\":{\"play\":[%.1f,%.1f,%.1f,%.1f]}}",
                  m_frame, m_playing ? "true" : "false", m_playRect[0], m_playRect[1], m_playRect[2], m_playRect[3]);
    return buffer;
}

}  // namespace interleave::ui
