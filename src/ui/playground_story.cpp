// [SECTION] Index
//   Steps ....... going to a story step: its model (simulated again when it changes), its lanes, its range
//   Story bar ... previous / next, "2 / 5", the caption (plain text, wrapped), in the playground and the embed
#include <imgui.h>

#include <algorithm>

#include "ui/playground.h"
#include "ui/story_view.h"
#include "ui/widgets.h"

namespace interleave::ui {

// [SECTION] Steps

bool Playground::GoToStoryStep(int step) {
    if (m_scenario.story.Empty()) return false;
    m_view.storyStep = StoryStepIndex(m_scenario.story, step);
    ApplyStoryStep(true);
    return true;
}

void Playground::StartStory(int step, bool withRange) {
    m_storyBaseModel = m_scenario.model;
    m_view.storyStep = StoryStepIndex(m_scenario.story, step);
    if (m_view.storyStep < 0) {
        m_timeline.SetLaneFilter({});
        m_storyRangePending = false;
        return;
    }
    ApplyStoryStep(withRange);
}

void Playground::ApplyStoryStep(bool withRange) {
    const int index = StoryStepIndex(m_scenario.story, m_view.storyStep);
    if (index < 0) return;
    const scenario::StoryStep& step = m_scenario.story.steps[size_t(index)];
    m_timeline.SetLaneFilter(step.lanes);
    m_storyRangePending = withRange;
    if (withRange) m_fitPending = false;  // the step's range replaces "zoom to fit" once its run is in
    const scenario::Model model = scenario::StoryStepModel(m_storyBaseModel, step);
    if (StoryModelsDiffer(model, m_scenario.model)) {
        m_scenario.model = model;
        ScenarioChanged();  // the run on screen belongs to the other model: simulate this one
    }
}

void Playground::StoryEdited() {
    const int index = StoryStepIndex(m_scenario.story, m_view.storyStep < 0 ? 0 : m_view.storyStep);
    m_view.storyStep = index;
    if (index < 0) {
        m_timeline.SetLaneFilter({});
        return;
    }
    const scenario::StoryStep& step = m_scenario.story.steps[size_t(index)];
    if (!step.ChangesModel()) m_storyBaseModel = m_scenario.model;
    m_timeline.SetLaneFilter(step.lanes);
}

// [SECTION] Story bar

void Playground::StoryBar() {
    const int index = m_view.storyStep < 0 ? -1 : StoryStepIndex(m_scenario.story, m_view.storyStep);
    if (index < 0) return;
    const scenario::StoryStep& step = m_scenario.story.steps[size_t(index)];
    if (m_storyRangePending && m_haveTrace && !m_jobs.HasRun()) {
        m_view.visible = StoryStepRange(step, m_trace.EndTime());
        m_storyRangePending = false;
    }
    const ImGuiStyle& style = ImGui::GetStyle();
    const float scale = m_settings.contentScale > 0 ? m_settings.contentScale : 1.0f;
    // Touch targets: a thumb needs more than a text line's height.
    const float buttonH = std::max(ImGui::GetFrameHeight(), 30.0f * scale);
    const char* previous = "< Previous";
    const char* next = "Next >";
    const std::string indicator = StoryIndicator(m_scenario.story, index);
    const float controlsW = ImGui::CalcTextSize(previous).x + ImGui::CalcTextSize(next).x +
                            ImGui::CalcTextSize("32 / 32").x + style.FramePadding.x * 4 + style.ItemSpacing.x * 2;
    const float innerW = ImGui::GetContentRegionAvail().x - style.WindowPadding.x * 2;
    // The caption beside the controls where a line of it fits there (a desktop), under them on a phone.
    const bool beside = innerW - controlsW - style.ItemSpacing.x * 2 >= 260.0f * scale;
    const float captionW = std::max(60.0f, beside ? innerW - controlsW - style.ItemSpacing.x * 2 : innerW);
    const float captionH = ImGui::CalcTextSize(step.caption.c_str(), nullptr, false, captionW).y;
    const float height =
        (beside ? std::max(buttonH, captionH) : buttonH + style.ItemSpacing.y + captionH) + style.WindowPadding.y * 2;
    ImGui::BeginChild("story", ImVec2(0, height), ImGuiChildFlags_Border, ImGuiWindowFlags_NoScrollbar);
    const float top = ImGui::GetCursorPosY();
    ImGui::BeginDisabled(index == 0);
    if (ImGui::Button(previous, ImVec2(0, buttonH))) GoToStoryStep(index - 1);
    ImGui::EndDisabled();
    Remember("story_prev");
    ButtonHint("Previous step (Left)", ImGuiHoveredFlags_AllowWhenDisabled);
    ImGui::SameLine();
    // The indicator centred on the buttons' height, in a fixed width so the buttons stay put from step to step.
    const float indicatorW = ImGui::CalcTextSize("32 / 32").x;
    const float x = ImGui::GetCursorPosX();
    ImGui::SetCursorPos(ImVec2(x + (indicatorW - ImGui::CalcTextSize(indicator.c_str()).x) * 0.5f,
                               top + (buttonH - ImGui::GetTextLineHeight()) * 0.5f));
    ImGui::TextUnformatted(indicator.c_str());
    Remember("story_step");
    ImGui::SameLine();
    ImGui::SetCursorPos(ImVec2(x + indicatorW + style.ItemSpacing.x, top));
    ImGui::BeginDisabled(index + 1 >= int(m_scenario.story.steps.size()));
    if (ImGui::Button(next, ImVec2(0, buttonH))) GoToStoryStep(index + 1);
    ImGui::EndDisabled();
    Remember("story_next");
    ButtonHint("Next step (Right)", ImGuiHoveredFlags_AllowWhenDisabled);
    if (beside) {
        ImGui::SameLine(0, style.ItemSpacing.x * 2);
        // One line of caption sits on the buttons' middle; more lines start at their top.
        if (captionH < buttonH) ImGui::SetCursorPosY(top + (buttonH - captionH) * 0.5f);
    }
    // The caption is a stranger's text: drawn as text, never as a format string.
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + captionW);
    ImGui::TextUnformatted(step.caption.c_str());
    ImGui::PopTextWrapPos();
    Remember("story_caption");
    ImGui::EndChild();
    Remember("story_bar");
    m_storyBarRect = m_probe.RectOf("story_bar");
}

void Playground::CommitStory(scenario::Story story) {
    if (m_scenario.story.Empty()) m_storyBaseModel = m_scenario.model;  // the model before the story switched any
    m_scenario.story = std::move(story);
    m_view.preset.clear();  // edited: no longer the preset
    m_editor.ForgetJsonText();  // the JSON editor shows the new story
    if (m_scenario.story.Empty()) {
        m_view.storyStep = -1;
        m_timeline.SetLaneFilter({});
        if (StoryModelsDiffer(m_storyBaseModel, m_scenario.model)) {
            m_scenario.model = m_storyBaseModel;  // the last step's switch goes with it
            ScenarioChanged();
        }
        return;
    }
    // The step shown keeps being shown: its lanes and its model now (simulated again only when the model changed);
    // its range waits for Go to, so that editing a range does not pull the view from under the pointer.
    m_view.storyStep = StoryStepIndex(m_scenario.story, std::max(0, m_view.storyStep));
    ApplyStoryStep(false);
}

}  // namespace interleave::ui
