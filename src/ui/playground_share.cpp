// [SECTION] Index
//   Metrics line ...... one line of a run's figures (the results panel, the embed view, the test hook)
//   Share and embed ... Share / Embed buttons (share_links.h keeps their links), the snippet modal, the link-error
//                       banner, the embed layout
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "ui/picture_poster.h"
#include "ui/explain.h"
#include "ui/playground.h"
#include "ui/widgets.h"

namespace interleave::ui {

// [SECTION] Metrics line

std::string MetricsLine(const trace::Metrics& m) {
    char buffer[256];
    // No speedup without a finished sequential baseline (a pipeline's tasks deadlock one after another).
    const std::string speedup = m.sequentialMakespan > 0 ? scenario::FormatRatio(m.speedup) : "n/a";
    std::snprintf(buffer, sizeof buffer, "makespan %s   speedup %s   CPU %s   GIL wait %s   GIL switches %lld",
                  FormatTime(double(m.makespan)).c_str(), speedup.c_str(), FormatShare(m.cpuUtilisation).c_str(),
                  FormatTime(double(m.gilWait)).c_str(),
                  (long long)m.gilSwitches);
    return buffer;
}

// [SECTION] Share and embed

void Playground::Share() { m_share.Share(ViewStateJson()); }

void Playground::ShowEmbedSnippet() {
    m_share.MakeEmbedSnippet(ViewStateJson(), [this](EmbedSnippetParts& parts, std::string& posterNote) {
        parts.title = "Interleave: " + (m_scenario.name.empty() ? std::string("Python concurrency") : m_scenario.name);
        // The poster: a picture of this view (its range, theme, highlighted task) that readers without JavaScript,
        // RSS readers and printed pages see; the embed's placeholder shows it through until the view loads.
        // The tab the reader's embed opens on, as it opens: the view's range, a story step's lanes, the compared
        // models shown, the scaling plot.
        if (const TabPictureFn build = TabPicture(true, posterNote)) {
            PictureView view;
            view.range = m_view.visible;  // the scaling plot has no time axis: not read there
            view.theme = m_view.theme;
            view.selectedTask = m_view.selectedTask;
            view.arrows = false;  // a poster leaves the arrows out (PosterPicture says why)
            const PosterPicture picture = [build, view](float width, const TextMetrics& metrics) {
                PictureView at = view;
                at.width = width;
                at.height = float(kPosterHeight);
                return build(at, metrics);
            };
            Poster poster;
            if (MakePoster(picture, m_view.theme, poster, posterNote)) {
                parts.posterUri = poster.wide;
                parts.posterNarrowUri = poster.narrow;
                parts.posterBackground = poster.background;
            }
        }
    });
}

void Playground::EmbedModal() {
    if (m_share.TakeModalRequest()) ImGui::OpenPopup("Embed this view");
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, io.DisplaySize.x * 0.9f), 0), ImGuiCond_Appearing);
    m_share.SetModalOpen(false);
    if (ImGui::BeginPopupModal("Embed this view", nullptr, ImGuiWindowFlags_NoSavedSettings)) {
        m_share.SetModalOpen(true);
        ImGui::TextWrapped("Paste this into a page (copied to the clipboard). It shows a picture of this view and "
                           "loads the timeline when scrolled into view; readers without JavaScript, RSS readers and "
                           "printed pages see the picture. It needs no special headers. See docs/authoring.md.");
        if (!m_share.PosterNote().empty())
            ImGui::TextDisabled("No picture in this snippet: %s.", m_share.PosterNote().c_str());
        std::string& snippet = m_share.SnippetText();
        ImGui::InputTextMultiline("##snippet", snippet.data(), snippet.size() + 1,
                                  ImVec2(-1, ImGui::GetTextLineHeight() * 6), ImGuiInputTextFlags_ReadOnly);
        Remember("embed_snippet");
        if (ImGui::Button("Copy again")) m_share.CopySnippetAgain();
        ImGui::SameLine();
        if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape, false)) ImGui::CloseCurrentPopup();
        Remember("embed_close");
        ImGui::EndPopup();
    }
}

namespace {
// "the simulation passed its time limit..." -> "The simulation passed its time limit..." (messages are
// written to follow a "path: " or a "sim: " prefix; the banner shows one alone).
std::string SentenceCase(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = char(text[0] - 'a' + 'A');
    return text;
}
}  // namespace

void Playground::Banner() {
    const std::string& linkError = m_share.LinkError();
    if (linkError.empty() && m_openError.empty() && m_simError.empty()) return;
    const std::string text = !linkError.empty()
                                 ? "Could not open this link: " + linkError + ". Showing the default scenario instead."
                             : !m_openError.empty() ? m_openError
                                                    : SentenceCase(m_simError) + ".";
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttonW = ImGui::CalcTextSize("x").x + style.FramePadding.x * 2 + style.ItemSpacing.x;
    const float wrap = std::max(100.0f, ImGui::GetContentRegionAvail().x - buttonW - style.WindowPadding.x * 2);
    const float textH = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap).y;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.45f, 0.12f, 0.12f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.92f, 0.9f, 1.0f));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(style.WindowPadding.x, 4));
    ImGui::BeginChild("banner", ImVec2(0, std::max(textH, ImGui::GetFrameHeight()) + 8), ImGuiChildFlags_AlwaysUseWindowPadding);
    if (ImGui::SmallButton("x")) {
        if (!linkError.empty()) m_share.ClearLinkError();
        else if (!m_openError.empty()) m_openError.clear();
        else m_simError.clear();
    }
    Remember("banner_dismiss");
    ButtonHint("Dismiss");
    ImGui::SameLine();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    Remember("banner");
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor(2);
}

void Playground::EmbedLayout() {
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("##embed", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    Banner();
    if (ImGui::Button(m_view.playing ? "Pause" : "Play")) {
        m_view.playing = !m_view.playing;
        if (m_view.playing && (m_view.playbackTime < 0 || m_view.playbackTime >= double(m_trace.EndTime()))) m_view.playbackTime = 0;
    }
    Remember("play");
    ImGui::SameLine();
    if (ImGui::Button("Fit")) FitView();
    Remember("fit");
    // The page puts its "Open in the playground" link at the top right of this row; the metrics get their own line.
    if (m_haveTrace) TextWrappedAtSpaces(MetricsLine(m_trace.metrics));
    else ImGui::TextDisabled("%s", Busy() ? "simulating..." : !m_simError.empty() ? "no run: the simulation stopped" : "no run yet");
    Remember("metrics");
    StoryBar();
    // The timeline gets the rest.
    const float rest = std::max(40.0f, ImGui::GetContentRegionAvail().y);
    if (m_view.tab == Tab::Compare) CompareView(rest);
    else TimelineView(rest);
    ImGui::End();
}

}  // namespace interleave::ui
