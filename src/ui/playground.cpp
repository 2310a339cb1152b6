// [SECTION] Index
//   Jobs ............ starting jobs (jobs.h runs them) and taking what they finished
//   Construction .... presets, view state
//   Frame ........... layout, toolbar, keyboard, playback
//   Run for real .... the native "Run for real" button and its job (the real trace beside the simulated one)
//   Test hook
#include "ui/playground.h"

#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "scenario/presets.h"
#include "ui/explain.h"
#include "ui/story_view.h"
#include "ui/theme.h"
#include "ui/widgets.h"

namespace interleave::ui {

using scenario::ModelKind;

std::string DefaultPresetId() {
    if (scenario::FindPreset(kDefaultPreset)) return std::string(kDefaultPreset);
    return scenario::Presets().empty() ? std::string() : std::string(scenario::Presets().front().id);
}

void Playground::Remember(const char* id) { RememberItem(m_probe, id); }

// [SECTION] Construction

Playground::Playground() : Playground(PlaygroundSettings{}) {}

Playground::Playground(PlaygroundSettings settings)
    : m_settings(std::move(settings)),
      m_jobs(m_settings.backgroundThreads, m_settings.simulationTimeLimitSeconds),
      m_share(m_settings.makeLink, m_settings.copyToClipboard,
              [this](std::string notice) { m_notice = std::move(notice); }) {
    m_view.models = {"sequential", "threads", "processes", "asyncio", "free_threaded"};
    if (m_settings.loadPresetOnStart) LoadStartPreset();
}

void Playground::LoadStartPreset() {
    const std::string id = m_settings.initialPreset.empty() ? DefaultPresetId() : m_settings.initialPreset;
    std::string error;
    if (!LoadPreset(id, error)) {
        // An unknown preset (a bad ?preset= link): say so, and show the default one rather than nothing.
        std::string fallback;
        LoadPreset(DefaultPresetId(), fallback);
        m_share.ShowLinkError(error);
    }
}

Playground::~Playground() = default;  // m_jobs stops what runs in the background

// The compare tab's runs start in the next frame's PollJobs: counted from the moment the tab asks for them.
bool Playground::Busy() const { return m_jobs.Busy() || (m_view.tab == Tab::Compare && m_compareStale); }

bool Playground::LoadPreset(std::string_view id, std::string& error) {
    const scenario::PresetFile* preset = scenario::FindPreset(id);
    if (!preset) {
        error = "no preset named \"" + std::string(id) + "\"";
        return false;
    }
    scenario::ParseError parseError;
    auto parsed = scenario::ParseScenario(preset->json, parseError);
    if (!parsed) {
        error = "preset " + std::string(id) + ": " + parseError.Message();
        return false;
    }
    m_scenario = std::move(*parsed);
    m_view.preset = std::string(id);
    m_view.selectedTask = trace::TaskId::None();
    m_view.playbackTime = -1;
    m_view.playing = false;
    m_fitPending = true;
    ScenarioChanged();
    StartStory(0, true);
    return true;
}

void Playground::ShowRun(const scenario::Scenario& scenario, trace::Trace trace) {
    m_jobs.DropRun();
    m_scenario = scenario;
    // Shown as given: no story step's lanes or model on top of it.
    m_storyBaseModel = m_scenario.model;
    m_view.storyStep = -1;
    m_timeline.SetLaneFilter({});
    m_trace = std::move(trace);
    if (!m_trace.IsFinished()) m_trace.Finish();
    m_traceScenario = m_scenario;
    m_haveTrace = true;
    m_explain = Explain(m_scenario, m_trace);
    m_explainMoments = ExplainMoments(m_scenario, m_trace);
    m_compareStale = m_scalingStale = false;  // shown as given; an edit re-simulates everything
    m_timelinesStale = true;
    m_fitPending = true;
    m_editor.ClearError();
}

std::string Playground::ComparisonRowName(size_t row) const {
    if (row < m_comparison.releases.size()) return scenario::PythonVersionName(m_comparison.releases[row]);
    return row < m_comparison.models.size() ? std::string(scenario::ModelKindName(m_comparison.models[row].kind)) : std::string();
}

void Playground::ShowComparison(models::Comparison comparison) {
    m_jobs.DropComparison();
    m_comparison = std::move(comparison);
    for (auto& r : m_comparison.results)
        if (!r.trace.IsFinished()) r.trace.Finish();
    m_haveComparison = true;
    m_compareStale = false;
    m_timelinesStale = true;
}

void Playground::ShowScaling(std::vector<ScalingSeries> series) {
    m_jobs.DropSweep();
    m_scaling = std::move(series);
    m_scalingStale = false;
}

std::string Playground::ViewStateJson() const {
    ViewState state = m_view;
    state.arrows = m_timeline.ShowArrows();
    state.collapsed = m_timeline.CollapsedGroups();
    // The pinned run as what made it (a link's still being simulated counts), so the link's reader sees it too.
    const scenario::Scenario* pinned = m_jobs.PinnedScenario();
    if (!pinned && m_havePinned && m_pinnedFromScenario) pinned = &m_pinnedScenario;
    return ViewStateToJson(LinkViewState(std::move(state), m_scenario, m_storyBaseModel, pinned, m_pinnedPreset));
}

bool Playground::ApplyViewStateJson(std::string_view json, std::string& error) {
    // Every part of the link is checked before anything changes: a link refused for any of it leaves the view.
    OpenedLink link;
    if (!ReadLink(json, m_view, link, error)) return false;
    const ViewState& state = link.state;
    const bool linkHasRange = link.hasRange;
    const std::optional<scenario::Scenario>& pinned = link.pinned;
    const bool newScenario = link.scenario.has_value();
    if (link.scenario) {
        m_scenario = std::move(*link.scenario);
        ScenarioChanged();
    }
    if (state.compareReleases != m_view.compareReleases) CompareByChanged();
    m_view = state;
    m_view.pinnedScenarioJson.clear();  // kept as the pinned run's own state (ViewStateJson writes it from there)
    m_view.pinnedPreset.clear();
    for (TimelineController* timeline : {&m_timeline, &m_compareTimeline}) {
        timeline->SetShowArrows(state.arrows);
        timeline->SetCollapsedGroups(state.collapsed);
    }
    m_tabRequest = int(m_view.tab);
    // The state's visible range; a new scenario without one is fitted once its run is in (a story step's range,
    // below, still wins).
    m_fitPending = newScenario && !linkHasRange;
    if (pinned) {
        // A link's pinned run: its scenario simulated (bounded as every run is), then shown as the pinned run.
        m_jobs.SimulatePinned(*pinned);
        m_pinnedPreset = state.pinnedPreset;
    }
    // A story opens on the link's step (its first when the link names none), keeping the link's range if it has one.
    if (newScenario) {
        StartStory(std::max(0, state.storyStep), !linkHasRange);
    } else if (!m_scenario.story.Empty()) {
        m_view.storyStep = StoryStepIndex(m_scenario.story, state.storyStep);
        ApplyStoryStep(!linkHasRange);
    } else {
        m_view.storyStep = -1;  // no story to be on
    }
    return true;
}

// A new scenario (edited or loaded): everything derived from it is stale.
void Playground::ScenarioChanged() {
    m_editor.ClearError();
    // A real run belongs to the scenario it ran.
    m_jobs.DropRealRun();
    m_haveReal = false;
    m_realError.clear();
    m_editor.ForgetJsonText();
    m_compareStale = true;
    m_scalingStale = true;
    StartSimulation();
}

// [SECTION] Jobs

void Playground::StartSimulation() {
    m_simError.clear();
    m_jobs.Simulate(m_scenario);
}

void Playground::CancelSimulations() {
    if (m_jobs.CancelSimulations())
        m_simError = "the simulation was cancelled: edit the scenario or pick a preset to simulate again";
}

void Playground::CompareByChanged() {
    m_jobs.DropComparison();
    m_haveComparison = false;
    m_compareStale = true;
    m_timelinesStale = true;
}

void Playground::StartCompare() {
    m_jobs.Compare(m_scenario, m_view.compareReleases);
    m_compareStale = false;
}

void Playground::PollJobs() {
    Jobs::Finished finished = m_jobs.Poll(m_scaling);
    if (finished.run) {
        Jobs::FinishedRun& run = *finished.run;
        if (run.result.ok) {
            m_trace = std::move(run.result.trace);
            m_traceScenario = std::move(run.scenario);
            m_haveTrace = true;
            m_explain = Explain(m_traceScenario, m_trace);
            m_explainMoments = ExplainMoments(m_traceScenario, m_trace);
            m_timelinesStale = true;
            if (!m_speedTouched) m_view.playbackSpeed = std::max(1e-6, double(m_trace.EndTime()) / 8e9);
        } else {
            // Shown in a banner above the timeline (the panel may be hidden: an embed, a phone).
            m_simError = run.result.error;
            m_haveTrace = false;
            m_timelinesStale = true;
        }
    }
    if (finished.pinned) {
        Jobs::FinishedRun& run = *finished.pinned;
        if (run.result.ok) {
            ShowPinnedRun(PinnedRunTitle(m_pinnedPreset, run.scenario), std::move(run.result.trace));
            m_pinnedFromScenario = true;
            m_pinnedScenario = std::move(run.scenario);
            // The view stays as the link has it: its range was chosen with the pinned run on screen.
        } else {
            m_simError = "the link's pinned run: " + run.result.error;
        }
    }
    if (finished.comparison) {
        m_comparison = std::move(*finished.comparison);
        m_haveComparison = true;
        m_timelinesStale = true;
        if (m_view.tab == Tab::Compare) m_fitPending = true;  // the compared runs may be longer
    }
    if (finished.real) {
        if (finished.real->outcome.ok) {
            m_realTrace = std::move(finished.real->outcome.trace);
            if (!m_realTrace.IsFinished()) m_realTrace.Finish();
            m_haveReal = true;
            m_realKind = finished.real->kind;
            m_realError.clear();
            m_timelinesStale = true;
            m_fitPending = true;  // the real run may be longer than the simulated one
        } else {
            m_realError = finished.real->outcome.error.empty() ? "the real run failed" : finished.real->outcome.error;
        }
    }
    for (Jobs::FinishedRead& read : finished.reads) TakeReadTrace(std::move(read));
    // What the visible tab needs, computed when first looked at.
    if (m_view.tab == Tab::Compare && m_compareStale && !m_jobs.Comparing()) StartCompare();
    if (m_view.tab == Tab::Scaling && m_scalingStale) {
        m_scaling = m_jobs.Sweep(m_scenario);
        m_scalingStale = false;
    }
}

void Playground::RebuildTimelines() {
    m_timelinesStale = false;
    m_timeline.Clear();
    if (m_haveTrace) m_timeline.AddSection(RunSectionTitle(m_haveReal), &m_trace);
    if (m_haveReal) {
        std::string title = std::string("real run (") + (m_realKind == 0 ? "C++ runtime" : "CPython") + ")  -  makespan " +
                            FormatTime(double(m_realTrace.metrics.makespan));
        m_timeline.AddSection(std::move(title), &m_realTrace);
    }
    // The pinned run under the current one (its own lanes, the same time axis): "compare across runs".
    if (m_havePinned) m_timeline.AddSection(PinnedSectionTitle(), &m_pinnedTrace);
    for (const auto& opened : m_opened)
        m_timeline.AddSection(std::string("opened: ")
                                  .append(opened->title)
                                  .append("  -  ")
                                  .append(FormatTime(double(opened->trace.metrics.makespan))),
                              &opened->trace);
    m_compareTimeline.Clear();
    if (m_haveComparison) {
        const bool byRelease = !m_comparison.releases.empty();
        const std::vector<std::string>& shownNames = byRelease ? m_view.releases : m_view.models;
        for (size_t i = 0; i < m_comparison.results.size(); ++i) {
            const std::string name = ComparisonRowName(i);
            if (std::find(shownNames.begin(), shownNames.end(), name) == shownNames.end()) continue;
            const auto& result = m_comparison.results[i];
            std::string title = byRelease ? "Python " + name : name;
            if (int(i) == m_comparison.recommended) title += byRelease ? "  (fastest)" : "  (recommended)";
            title += result.ok ? "  -  makespan " + FormatTime(double(result.trace.metrics.makespan)) : "  -  failed: " + result.error;
            m_compareTimeline.AddSection(std::move(title), result.ok ? &result.trace : nullptr);
        }
    }
    std::vector<const trace::Trace*> shown;
    if (m_haveTrace) shown.push_back(&m_trace);
    if (m_haveReal) shown.push_back(&m_realTrace);
    if (m_havePinned) shown.push_back(&m_pinnedTrace);
    for (const auto& opened : m_opened) shown.push_back(&opened->trace);
    m_runStates = StatesPresent(shown);
    shown.clear();
    if (m_haveComparison)
        for (const auto& r : m_comparison.results)
            if (r.ok) shown.push_back(&r.trace);
    m_compareStates = StatesPresent(shown);
    if (m_fitPending && (m_haveTrace || !m_opened.empty())) {
        FitView();
        m_fitPending = false;
    }
}

std::string Playground::RunSectionTitle(bool besideReal) const {
    std::string title = m_trace.label.empty() ? std::string(scenario::ModelKindName(m_scenario.model.kind)) : m_trace.label;
    title += "  -  makespan " + FormatTime(double(m_trace.metrics.makespan));
    return besideReal ? "simulated: " + title : title;
}

std::string Playground::PinnedSectionTitle() const {
    return "pinned: " + m_pinnedTitle + "  -  " + FormatTime(double(m_pinnedTrace.metrics.makespan));
}

void Playground::FitView() {
    int64_t end = 0;
    if (m_view.tab == Tab::Compare) end = m_compareTimeline.EndTime();
    if (end <= 0 && m_haveTrace) end = m_trace.EndTime();
    if (m_view.tab == Tab::Timeline && m_haveReal) end = std::max(end, m_realTrace.EndTime());
    if (m_view.tab == Tab::Timeline && m_havePinned) end = std::max(end, m_pinnedTrace.EndTime());
    if (m_view.tab == Tab::Timeline)
        for (const auto& opened : m_opened) end = std::max(end, opened->trace.EndTime());
    m_view.visible = FitRange(0, end);
}

// [SECTION] Frame

void Playground::Frame() {
    ++m_frame;
    if (!m_themeApplied || m_appliedTheme != m_view.theme) {
        ApplyTheme(m_view.theme, m_settings.contentScale);
        m_appliedTheme = m_view.theme;
        m_themeApplied = true;
    }
    PollJobs();
    if (m_timelinesStale) RebuildTimelines();
    HandleKeys();
    AdvancePlayback();
    m_probe.BeginFrame();  // the widgets drawn in this frame, no others (TestStateJson)
    m_storyBarRect = {0, 0, 0, 0};  // no story bar unless this frame draws one
    if (m_settings.embed) {
        EmbedLayout();
    } else {
        Layout();
        EmbedModal();
    }
    if (m_showHelp) HelpOverlay();
    if (m_dirty) {
        m_dirty = false;
        m_view.preset.clear();
        std::string error;
        if (CheckEditedScenario(m_scenario, error)) {
            StoryEdited();
            ScenarioChanged();
        } else {
            m_editor.ShowError(error);
        }
    }
}

void Playground::Layout() {
    const ImGuiIO& io = ImGui::GetIO();
    const float scale = m_settings.contentScale > 0 ? m_settings.contentScale : 1.0f;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4 * scale, 4 * scale));
    ImGui::Begin("##playground", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PopStyleVar();
    // Below 720 px (a phone held upright) a side panel would leave the timeline half the screen: the scenario
    // opens over the whole window instead, from the toolbar's Scenario button, and closes back to the timeline.
    m_narrow = io.DisplaySize.x < 720.0f * scale;
    if (!m_narrow) m_scenarioOpen = false;
    if (!m_narrow || m_scenarioOpen) {
        const float leftW = std::clamp(io.DisplaySize.x * 0.28f, 230.0f * scale, 400.0f * scale);
        ImGui::BeginChild("scenario", ImVec2(m_narrow ? 0.0f : std::min(leftW, io.DisplaySize.x * 0.45f), 0), true);
        if (m_narrow) {
            if (ImGui::Button("Back to the timeline")) m_scenarioOpen = false;
            Remember("scenario_close");
        }
        {
            // Where the panel's widgets may go (inside its padding and scroll bar), for the tests.
            const ImVec2 origin = ImGui::GetWindowPos(), a = ImGui::GetWindowContentRegionMin(),
                         b = ImGui::GetWindowContentRegionMax();
            m_probe.Remember("scenario_content", {origin.x + a.x, origin.y + a.y, b.x - a.x, b.y - a.y}, false);
        }
        ScenarioPanel();
        m_probe.SetScenarioOverflowX(ImGui::GetScrollMaxX());  // > 0: some row is wider than the panel
        ImGui::EndChild();
        if (m_narrow) {
            ImGui::End();
            return;
        }
        ImGui::SameLine();
    }
    ImGui::BeginChild("main", ImVec2(0, 0), false);
    Banner();
    Toolbar();
    StoryBar();
    if (ImGui::BeginTabBar("views")) {
        const char* names[] = {"Timeline", "Compare", "Scaling"};
        const char* ids[] = {"tab_timeline", "tab_compare", "tab_scaling"};
        for (int t = 0; t < 3; ++t) {
            const ImGuiTabItemFlags flags = m_tabRequest == t ? ImGuiTabItemFlags_SetSelected : 0;
            const bool open = ImGui::BeginTabItem(names[t], nullptr, flags);
            Remember(ids[t]);
            if (open) {
                if (m_tabRequest < 0 && m_view.tab != Tab(t)) {
                    m_view.tab = Tab(t);
                    m_fitPending = false;
                }
                ImGui::EndTabItem();
            }
        }
        m_tabRequest = -1;
        ImGui::EndTabBar();
    }
    const float bottomH = std::clamp(io.DisplaySize.y * 0.27f, 130.0f * scale, 330.0f * scale);
    const float viewH = std::max(60.0f * scale, ImGui::GetContentRegionAvail().y - bottomH - ImGui::GetStyle().ItemSpacing.y);
    switch (m_view.tab) {
        case Tab::Timeline: TimelineView(viewH); break;
        case Tab::Compare: CompareView(viewH); break;
        case Tab::Scaling: ScalingView(viewH); break;
    }
    ImGui::BeginChild("results", ImVec2(0, 0), true);
    ResultsPanel();
    ImGui::EndChild();
    ImGui::EndChild();
    ImGui::End();
}

void Playground::ScenarioPanel() {
    EditorView view;
    view.preset = m_view.preset;
    view.storyStep = m_view.storyStep;
    view.visible = m_view.visible;
    view.lanes = m_timeline.LaneFilter();
    view.storyBaseModel = m_storyBaseModel;
    EditorOutcome outcome = m_editor.Draw(m_scenario, view, m_probe);
    if (!outcome.presetChosen.empty()) {
        std::string error;
        if (!LoadPreset(outcome.presetChosen, error)) m_editor.ShowError(error);
    }
    if (outcome.story) CommitStory(std::move(*outcome.story));
    if (outcome.goToStoryStep >= 0) GoToStoryStep(outcome.goToStoryStep);
    if (outcome.edited) m_dirty = true;  // checked and simulated again at the end of the frame (Frame)
}

void Playground::Toolbar() {
    if (m_narrow) {
        if (ImGui::Button("Scenario")) m_scenarioOpen = true;
        Remember("scenario_open");
        ButtonHint("Edit the scenario: model, tasks, machine");
        ImGui::SameLine();
    }
    if (ImGui::Button(m_view.playing ? "Pause" : "Play")) {
        m_view.playing = !m_view.playing;
        if (m_view.playing && (m_view.playbackTime < 0 || m_view.playbackTime >= double(m_trace.EndTime()))) m_view.playbackTime = 0;
    }
    Remember("play");
    ButtonHint("Play the schedule (Space)");
    SameLineIfFits(ButtonWidth("Stop"));
    if (ImGui::Button("Stop")) {
        m_view.playing = false;
        m_view.playbackTime = -1;
    }
    Remember("stop");
    // The speed: a bare slider and its value beside it, not in it (ImGui draws a slider's text over its grab,
    // which hid a digit wherever the grab stood). Ctrl+click on the slider still types a value.
    float speed = float(m_view.playbackSpeed);
    char speedText[32];
    std::snprintf(speedText, sizeof speedText, "%.3gx", speed);
    const float sliderW = ImGui::GetFontSize() * 5;
    SameLineIfFits(sliderW + ImGui::GetStyle().ItemSpacing.x + ImGui::CalcTextSize(speedText).x);
    ImGui::SetNextItemWidth(sliderW);
    if (ImGui::SliderFloat("##speed", &speed, 1e-5f, 100.0f, "", ImGuiSliderFlags_Logarithmic)) {
        m_view.playbackSpeed = std::max(1e-6, double(speed));
        m_speedTouched = true;
        std::snprintf(speedText, sizeof speedText, "%.3gx", speed);
    }
    Remember("speed");
    const char* speedHint = "Playback speed: simulated seconds per real second (drag, or Ctrl+click to type)";
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", speedHint);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(speedText);
    Remember("speed_value");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", speedHint);
    SameLineIfFits(ButtonWidth("Fit"));
    if (ImGui::Button("Fit")) FitView();
    Remember("fit");
    ButtonHint("Zoom to fit (F / Home)");
    SameLineIfFits(ButtonWidth("Light"));
    if (ImGui::Button(m_view.theme == Theme::Dark ? "Light" : "Dark")) m_view.theme = m_view.theme == Theme::Dark ? Theme::Light : Theme::Dark;
    Remember("theme");
    SameLineIfFits(ButtonWidth("?"));
    if (ImGui::Button("?")) m_showHelp = !m_showHelp;
    Remember("help");
    if (m_share.Available()) {
        SameLineIfFits(ButtonWidth("Share"));
        if (ImGui::Button("Share")) Share();
        Remember("share");
        ButtonHint("Copy a link to this exact view");
        SameLineIfFits(ButtonWidth("Embed"));
        if (ImGui::Button("Embed")) ShowEmbedSnippet();
        Remember("embed");
        ButtonHint("Copy an <iframe> snippet of this view for a blog post");
    }
    if (m_settings.runForReal) RealRunControls();
    if (!m_notice.empty()) {
        SameLineIfFits(ImGui::CalcTextSize(m_notice.c_str()).x);
        ImGui::TextDisabled("%s", m_notice.c_str());
    }
    // Progress of whatever runs in the background.
    const bool simulating = m_jobs.Simulating();
    if (simulating || m_jobs.Comparing() || m_jobs.Sweeping() || m_jobs.RealRunning()) {
        float fraction = 0;
        const char* what = "simulating...";
        if (simulating) {
            fraction = m_jobs.SimulationProgress();
        } else if (m_jobs.Comparing()) {
            fraction = m_jobs.ComparisonProgress();
            what = "comparing...";
        } else if (m_jobs.RealRunning()) {
            fraction = m_jobs.RealRunProgress();
            what = "running for real...";
        } else {
            fraction = m_jobs.SweepProgress();
            what = "sweeping...";
        }
        const char* cancelLabel = "Cancel";
        const float cancelW = ImGui::CalcTextSize(cancelLabel).x + ImGui::GetStyle().FramePadding.x * 2;
        const bool cancellable = simulating || m_jobs.Comparing() || m_jobs.Sweeping();
        // On the toolbar's line when the bar (as wide as its text) and the button fit there, else on a line of their
        // own: on a phone the toolbar fills its lines, and a bar squeezed into what is left pushed Cancel off the edge.
        const ImGuiStyle& style = ImGui::GetStyle();
        SameLineIfFits(ImGui::CalcTextSize(what).x + style.FramePadding.x * 4 + (cancellable ? cancelW + style.ItemSpacing.x : 0));
        ImGui::ProgressBar(fraction, ImVec2(cancellable ? -(cancelW + ImGui::GetStyle().ItemSpacing.x) : -1, 0), what);
        Remember("progress");
        if (cancellable) {
            ImGui::SameLine();
            if (ImGui::Button(cancelLabel)) CancelSimulations();
            Remember("cancel");
            ButtonHint("Stop simulating (the scenario stays as it is)");
        }
    }
}

bool Playground::Touch(int64_t finger, float x, float y, TouchPhase phase) {
    const std::optional<Pinch> pinch = m_pinch.Touch(finger, x, y, phase);
    // A swipe starts on the story bar with one finger and ends a fifth of the window's width away, mostly sideways.
    if (phase == TouchPhase::Down) {
        const auto& bar = m_storyBarRect;
        const bool onBar = bar[2] > 0 && x >= bar[0] && x <= bar[0] + bar[2] && y >= bar[1] && y <= bar[1] + bar[3];
        m_swipe = onBar && m_pinch.Fingers() == 1 ? Swipe{finger, x, y} : Swipe{};
    } else if (m_pinch.Pinching()) {
        m_swipe = Swipe{};
    } else if (phase == TouchPhase::Up && finger == m_swipe.finger) {
        const float dx = x - m_swipe.x, dy = y - m_swipe.y;
        m_swipe = Swipe{};
        if (std::abs(dx) >= ImGui::GetIO().DisplaySize.x * 0.2f && std::abs(dx) > 2 * std::abs(dy) &&
            m_view.storyStep >= 0)
            GoToStoryStep(m_view.storyStep + (dx < 0 ? 1 : -1));
    }
    if (pinch && m_view.tab != Tab::Scaling) {
        // Over the lanes (or the axis and minimap strip just above them): zoom around the point between the fingers.
        const auto& r = ShownTimeline().LanesRect();
        const float above = 4.0f * ImGui::GetFontSize();
        if (r[2] > 0 && pinch->x >= r[0] && pinch->x <= r[0] + r[2] && pinch->y >= r[1] - above &&
            pinch->y <= r[1] + r[3]) {
            m_view.visible = ZoomAround(m_view.visible, r[2], pinch->x - r[0], 1.0 / pinch->ratio);
            m_fitPending = false;
        }
    }
    return m_pinch.Pinching();
}

void Playground::HandleKeys() {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.WantTextInput) return;
    bool helpKey = ImGui::IsKeyPressed(ImGuiKey_F1, false);
    for (int i = 0; i < io.InputQueueCharacters.Size; ++i)
        if (io.InputQueueCharacters[i] == '?') helpKey = true;
    if (helpKey) m_showHelp = !m_showHelp;
    if (ImGui::IsKeyPressed(ImGuiKey_Escape, false)) {
        if (m_showHelp) m_showHelp = false;
        else
            m_view.selectedTask = trace::TaskId::None();
    }
    if (io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
    if (ImGui::IsKeyPressed(ImGuiKey_Space, false)) {
        m_view.playing = !m_view.playing;
        if (m_view.playing && (m_view.playbackTime < 0 || m_view.playbackTime >= double(m_trace.EndTime()))) m_view.playbackTime = 0;
    }
    if (ImGui::IsKeyPressed(ImGuiKey_F, false) || ImGui::IsKeyPressed(ImGuiKey_Home, false)) FitView();
    if (ImGui::IsKeyPressed(ImGuiKey_T, false)) m_view.theme = m_view.theme == Theme::Dark ? Theme::Light : Theme::Dark;
    if (ImGui::IsKeyPressed(ImGuiKey_A, false)) {
        const bool show = !m_timeline.ShowArrows();
        m_timeline.SetShowArrows(show);
        m_compareTimeline.SetShowArrows(show);
    }
    if (ImGui::IsKeyPressed(ImGuiKey_G, false)) {
        // The tab's timeline decides (fold when any group is open); the other follows by name.
        TimelineController& shown = ShownTimeline();
        shown.ToggleEveryGroup();
        (&shown == &m_timeline ? m_compareTimeline : m_timeline).SetCollapsedGroups(shown.CollapsedGroups());
    }
    const auto& rect = ShownTimeline().LanesRect();
    const float width = rect[2] > 0 ? rect[2] : 800.0f;
    if (ImGui::IsKeyPressed(ImGuiKey_Equal) || ImGui::IsKeyPressed(ImGuiKey_KeypadAdd))
        m_view.visible = ZoomAround(m_view.visible, width, width / 2, 0.8);
    if (ImGui::IsKeyPressed(ImGuiKey_Minus) || ImGui::IsKeyPressed(ImGuiKey_KeypadSubtract))
        m_view.visible = ZoomAround(m_view.visible, width, width / 2, 1.25);
    if (m_view.storyStep >= 0 && !io.KeyShift) {
        // With a story the arrows step through it (shift + arrows still pan).
        if (ImGui::IsKeyPressed(ImGuiKey_LeftArrow, false)) GoToStoryStep(m_view.storyStep - 1);
        if (ImGui::IsKeyPressed(ImGuiKey_RightArrow, false)) GoToStoryStep(m_view.storyStep + 1);
    } else {
        if (ImGui::IsKeyPressed(ImGuiKey_LeftArrow)) m_view.visible = PanByPixels(m_view.visible, width, width * 0.1f);
        if (ImGui::IsKeyPressed(ImGuiKey_RightArrow)) m_view.visible = PanByPixels(m_view.visible, width, -width * 0.1f);
    }
    if (ImGui::IsKeyPressed(ImGuiKey_1, false)) SetTab(Tab::Timeline);
    if (ImGui::IsKeyPressed(ImGuiKey_2, false)) SetTab(Tab::Compare);
    if (ImGui::IsKeyPressed(ImGuiKey_3, false)) SetTab(Tab::Scaling);
}

void Playground::AdvancePlayback() {
    if (!m_view.playing) return;
    const double end = double(std::max<int64_t>(m_trace.EndTime(), m_view.tab == Tab::Compare ? m_compareTimeline.EndTime() : 0));
    if (end <= 0) return;  // nothing simulated yet: play once it is
    const double dt = std::min(0.1, double(ImGui::GetIO().DeltaTime));
    m_view.playbackTime = std::max(0.0, m_view.playbackTime) + dt * 1e9 * m_view.playbackSpeed;
    if (m_view.playbackTime >= end) {
        m_view.playbackTime = end;
        m_view.playing = false;
    }
    // Keep the cursor in view: page forward when it leaves the right edge.
    if (m_view.playbackTime > m_view.visible.t1) {
        const double w = m_view.visible.Width();
        m_view.visible = {m_view.playbackTime - w * 0.1, m_view.playbackTime + w * 0.9};
    }
}

// [SECTION] Run for real

bool Playground::StartRealRun(int kind) {
    if (!m_jobs.RunForReal(m_scenario, kind, m_settings.runForReal)) return false;
    m_realError.clear();
    return true;
}

void Playground::RealRunControls() {
    const char* kinds[] = {"C++ runtime", "CPython"};
    // At 800x600 the toolbar is full by here: the combo and its button go onto a line of their own together rather
    // than cut "Run for real" at the window's edge.
    SameLineIfFits(ImGui::GetFontSize() * 8 + ImGui::GetStyle().ItemSpacing.x + ButtonWidth("Run for real"));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::Combo("##real_kind", &m_realKind, kinds, 2);
    Remember("real_kind");
    ImGui::SameLine();
    if (m_jobs.RealRunning()) {
        if (ImGui::Button("Cancel run")) m_jobs.CancelRealRun();
        Remember("real_cancel");
    } else {
        if (ImGui::Button("Run for real")) StartRealRun(m_realKind);
        Remember("run_for_real");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Run this scenario for real (%s) and show its trace under the simulated one", kinds[m_realKind]);
    }
    if (!m_realError.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1.0f, 0.55f, 0.5f, 1.0f), "real run: %s", m_realError.c_str());
    }
}

// [SECTION] Test hook

std::string Playground::TestStateJson() const {
    using nlohmann::json;
    json j;
    j["frame"] = m_frame;
    j["playing"] = m_view.playing;
    m_probe.WriteTo(j);  // "widgets", "scrolling_widgets", "hover_tooltip", "scenario_overflow_x"
    j["preset"] = m_view.preset;
    j["models"] = m_view.models;
    j["model"] = std::string(scenario::ModelKindName(m_scenario.model.kind));
    j["visible"] = {m_view.visible.t0, m_view.visible.t1};
    const std::string& linkError = m_share.LinkError();
    j["error"] = !linkError.empty() ? linkError : !m_simError.empty() ? m_simError : m_editor.Error();
    j["simulation_error"] = m_simError;
    // The longest the UI thread spent simulating at once since the last simulation started (the inline
    // start, or one frame's slices): what decides whether the tab stays responsive.
    j["longest_simulation_work_ms"] = m_jobs.LongestWorkMs();
    // Wall-clock times include any time the OS gave the tab's thread to someone else; the 90th percentile of them
    // is what the slicing decides, the longest is what the machine's load adds.
    j["simulation_work_ms_p90"] = WorkMsP90(m_jobs.WorkMs());
    j["simulation_work_count"] = m_jobs.WorkMs().size();
    j["link_error"] = linkError;
    j["embed"] = m_settings.embed;
    j["share_url"] = m_share.Url();
    j["embed_snippet"] = m_share.Snippet();
    j["embed_modal"] = m_share.ModalOpen();
    j["embed_poster_bytes"] = m_share.PosterBytes();
    j["embed_poster_note"] = m_share.PosterNote();
    j["timeline_sections"] = m_timeline.Sections();
    j["lane_labels"] = m_timeline.ShownLabels();
    j["compare_lane_labels"] = m_compareTimeline.ShownLabels();
    {
        const TimelineController& shown = ShownTimeline();
        json rows = json::array();
        for (const auto& row : shown.DrawnRows())
            rows.push_back({{"label", row.label},
                            {"rect", {row.rect[0], row.rect[1], row.rect[2], row.rect[3]}},
                            {"members", row.members},
                            {"collapsed", row.collapsed}});
        j["lane_rows"] = rows;
        json titles = json::array();
        for (const auto& title : shown.DrawnTitles())
            titles.push_back({{"shown", title.shown}, {"rect", {title.rect[0], title.rect[1], title.rect[2], title.rect[3]}}});
        j["section_titles"] = titles;
        j["collapsed_groups"] = shown.CollapsedGroups();
        j["arrows"] = {{"shown", shown.ShowArrows()}, {"drawn", shown.ArrowsLastFrame().size()}};
        const auto& c = shown.CausesRect();
        const auto& m = shown.MinimapRect();
        j["timeline_causes"] = {c[0], c[1], c[2], c[3]};
        j["timeline_minimap"] = {m[0], m[1], m[2], m[3]};
    }
    j["narrow"] = m_narrow;
    j["scenario_open"] = m_scenarioOpen;
    json real = json::object();
    real["available"] = bool(m_settings.runForReal);
    real["running"] = m_jobs.RealRunning();
    real["shown"] = m_haveReal;
    real["error"] = m_realError;
    if (m_haveReal) {
        real["kind"] = m_realKind == 0 ? "cpp" : "cpython";
        real["makespan"] = m_realTrace.metrics.makespan;
        real["spans"] = m_realTrace.spans.size();
    }
    j["real"] = real;
    json pinned = json::object();
    pinned["shown"] = m_havePinned;
    if (m_havePinned) {
        pinned["title"] = m_pinnedTitle;
        pinned["makespan"] = m_pinnedTrace.metrics.makespan;
        pinned["spans"] = m_pinnedTrace.spans.size();
        pinned["line"] =
            PinnedComparison(m_pinnedTitle, m_pinnedTrace.metrics.makespan, m_haveTrace ? m_trace.metrics.makespan : 0);
    }
    j["pinned"] = pinned;
    json opened = json::array();
    for (const auto& file : m_opened)
        opened.push_back({{"title", file->title},
                          {"makespan", file->trace.metrics.makespan},
                          {"spans", file->trace.spans.size()},
                          {"line", OpenedComparison(file->title, file->trace.metrics.makespan,
                                                    m_haveTrace ? m_trace.metrics.makespan : 0)}});
    j["opened_traces"] = opened;
    j["opening_traces"] = m_jobs.Reading();
    j["opening_progress"] = OpeningProgress();
    j["open_trace_error"] = m_openError;
    j["notice"] = m_notice;
    json saved = json::object();
    if (!m_savedFile.empty())
        saved = {{"file", m_savedFile}, {"bytes", m_savedBytes}, {"width", m_savedWidth}, {"height", m_savedHeight}};
    j["saved_picture"] = saved;
    j["tab"] = m_view.tab == Tab::Compare ? "compare" : m_view.tab == Tab::Scaling ? "scaling" : "timeline";
    j["theme"] = m_view.theme == Theme::Light ? "light" : "dark";
    j["help"] = m_showHelp;
    j["simulating"] = Busy();
    j["background_threads"] = m_jobs.Threaded();
    j["selected_task"] = m_view.selectedTask.value;
    const int storyStep = m_view.storyStep < 0 ? -1 : StoryStepIndex(m_scenario.story, m_view.storyStep);
    j["story"] = {{"steps", m_scenario.story.steps.size()},
                  {"step", storyStep},
                  {"caption", storyStep >= 0 ? m_scenario.story.steps[size_t(storyStep)].caption : std::string()},
                  {"lanes", m_timeline.LaneFilter()}};
    j["story_error"] = m_editor.StoryError();
    j["playback_time"] = m_view.playbackTime;
    j["tracks"] = m_haveTrace ? m_trace.tracks.size() : 0;
    j["spans"] = m_haveTrace ? m_trace.spans.size() : 0;
    j["makespan"] = m_haveTrace ? m_trace.metrics.makespan : 0;
    j["metrics_line"] = m_haveTrace ? MetricsLine(m_trace.metrics) : "";
    j["explain"] = m_explain;
    j["explain_moments"] = nlohmann::json::array();
    for (const ExplainMoment& moment : m_explainMoments)
        j["explain_moments"].push_back({{"label", moment.label}, {"start", moment.start}, {"end", moment.end}});
    if (m_haveComparison && m_comparison.recommended >= 0 && size_t(m_comparison.recommended) < m_comparison.models.size())
        j["recommended"] = ComparisonRowName(size_t(m_comparison.recommended));
    if (m_haveComparison) {
        j["compared"] = json::array();
        for (size_t i = 0; i < m_comparison.results.size(); ++i) j["compared"].push_back(ComparisonRowName(i));
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace interleave::ui
