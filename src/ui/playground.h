#pragma once
// [SECTION] Index
//   PlaygroundSettings ... what the platform passes in: threads or not, content scale
//   Playground ........... every view of the app, drawn full-window between NewFrame() and Render()
//
// The platform layer owns the window, the GL context and the main loop; it calls Frame() once a
// frame. The background work (simulations, comparisons, sweeps, real runs, trace files being read) is its own class,
// Jobs (jobs.h), with no ImGui in it; the view is one class split by concern across files (after Tracy's
// TracyView_*.cpp):
//   playground.cpp ........ layout, toolbar, keyboard, playback, taking the jobs' results, view state, test hook
//   scenario_editor.cpp ... the scenario panel (presets and every scenario field): its own class, ScenarioEditor
//                           (scenario_editor.h), which edits the scenario and reports what happened
//   playground_views.cpp .. compare, scaling, results and explanation, help overlay
//   playground_story.cpp .. the story bar
//   playground_share.cpp .. the Share and Embed buttons' modal, the banner, the embed view (share_links.h: what a link
//                           carries, reading one back, the last link and snippet)
//   playground_traces.cpp . trace files opened beside the run
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "models/simulate.h"
#include "scenario/scenario.h"
#include "trace/trace.h"
#include "ui/explain.h"
#include "ui/jobs.h"
#include "ui/scaling_plot.h"
#include "ui/scenario_editor.h"
#include "ui/share_links.h"
#include "ui/test_probe.h"
#include "ui/timeline.h"
#include "ui/touch.h"
#include "ui/view_state.h"

namespace interleave::ui {

struct PlaygroundSettings {
    // true where std::thread works (native, the threaded web build): simulations run on a worker
    // thread. false in the single-threaded web build: they run in slices of later frames.
    bool backgroundThreads = true;
    float contentScale = 1.0f;      // the display's content (DPI) scale: sizes and fonts
    std::string initialPreset;      // preset loaded at start ("" = DefaultPresetId())
    bool loadPresetOnStart = true;  // false: start empty (tests inject traces with Show*; a scenario file opens)
    bool embed = false;             // compact view for an iframe: play/pause, metrics line, timeline
    MakeLinkFn makeLink;            // Share / Embed buttons (hidden when empty)
    std::function<void(const std::string& text)> copyToClipboard;
    // Gives a file to the user (the browser: a download); `where` says where it went, or why not. Empty: written to
    // the working directory (ui::SavePictureFile).
    std::function<bool(const std::string& fileName, const std::string& bytes, const char* mimeType, std::string& where)>
        saveFile;
    RunForRealFn runForReal;        // "Run for real" button (hidden when empty: the web)
    // The "Open trace..." button: asks the user for trace files (the browser's file picker), which come back through
    // Playground::OpenTrace. Hidden when empty: natively a file is dropped on the window or named with --open-trace.
    std::function<void()> pickTraceFiles;
    // Every simulation the playground starts stops after this long, with the reason in a banner: a
    // link to a tiny scenario that asks for billions of events must not hold the tab.
    double simulationTimeLimitSeconds = 10.0;
};


// The preset the playground opens on when no link names one: five blocking requests on five threads,
// the blog's first picture of concurrency (the waits overlap under the GIL). Falls back to the first
// preset if it is ever removed.
inline constexpr std::string_view kDefaultPreset = "blog_io_threads";
std::string DefaultPresetId();

// "makespan 1.2s   speedup 3.10x   CPU 77%   GIL wait 0ns   GIL switches 0": the metrics line.
std::string MetricsLine(const trace::Metrics& metrics);
// "pinned blog_cpu_threads, threads: makespan 485.5 ms; this run 132.5 ms, 3.66x faster": the line under a pinned run.
std::string PinnedComparison(const std::string& pinnedTitle, int64_t pinnedMakespanNs, int64_t makespanNs);
// "blog_cpu_threads, threads": a pinned run's title, from its preset ("" once edited: the scenario's name) and model.
std::string PinnedRunTitle(const std::string& preset, const scenario::Scenario& scenario);
// "opened real.json: makespan 1.02 s; this run 1.00 s, 1.02x faster": the line under a trace file opened beside the run.
std::string OpenedComparison(const std::string& fileTitle, int64_t fileMakespanNs, int64_t makespanNs);

// Trace files opened beside the run (Playground::OpenTrace): at most this many at once, each at most this large. The
// playground's limit is below the trace reader's own (trace::kMaxTraceJsonBytes): the browser's memory is shared with
// the runs on screen.
inline constexpr size_t kMaxOpenedTraces = 4;
inline constexpr size_t kMaxOpenedTraceBytes = size_t{64} << 20;
// A file's name as its section's title shows it: the last path component, control characters as '?', at most 48
// bytes (cut at a character boundary, with "..."); "trace" when nothing is left. The name is a stranger's text.
std::string OpenedTraceTitle(std::string_view fileName);

class Playground {
public:
    Playground();
    explicit Playground(PlaygroundSettings settings);
    ~Playground();
    Playground(const Playground&) = delete;
    Playground& operator=(const Playground&) = delete;

    // Draws one frame of every view. Never blocks on a long simulation (see executor.h).
    void Frame();

    // Test hook: a JSON object describing the visible state, for end-to-end tests: "frame", "playing",
    // "widgets": {"id": [x, y, w, h]} in ImGui coordinates (CSS pixels on the web) — "play",
    // "preset_combo", "model_<kind>", "tab_<tab>", "timeline", "fit", "theme", "help", ... — and
    // "preset", "models", "visible": [t0, t1], "hover_tooltip", "error", "simulating", "tab", "theme",
    // "scenario_overflow_x" (how far the editor's widest row passes the scenario panel's edge; 0 when all fit).
    std::string TestStateJson() const;

    // The persisted view (a later issue puts it in the share URL).
    std::string ViewStateJson() const;
    bool ApplyViewStateJson(std::string_view json, std::string& error);

    // Loads a built-in preset and simulates it.
    bool LoadPreset(std::string_view id, std::string& error);
    // Loads the preset the playground starts on: settings.initialPreset, else the default one (an unknown one says so
    // in the banner and shows the default). The constructor calls it unless settings.loadPresetOnStart is false; a
    // start on a scenario file calls it only when the file is refused, so the preset is not simulated for nothing.
    void LoadStartPreset();
    // Shows results computed elsewhere (tests use synthetic traces) instead of simulating.
    void ShowRun(const scenario::Scenario& scenario, trace::Trace trace);
    void ShowComparison(models::Comparison comparison);
    void ShowScaling(std::vector<ScalingSeries> series);
    void SetTab(Tab tab) { m_tabRequest = int(tab); m_view.tab = tab; }
    void SetTheme(Theme theme) { m_view.theme = theme; }
    // A narrow window's scenario editor, opened over the timeline (the toolbar's Scenario button).
    void SetScenarioOpen(bool open) { m_scenarioOpen = open; }
    void SetHelpVisible(bool visible) { m_showHelp = visible; }
    // Opens (or closes) every section of the scenario panel on the next frame.
    void SetEditorSectionsOpen(bool open) { m_editor.SetSectionsOpen(open); }
    // Simulations, comparisons or sweeps still queued or running.
    // A finger on a touch screen (the platform's finger events, in ImGui's coordinates): two fingers over the
    // timeline zoom it around the point between them (PinchTracker); one finger swiped across the story bar goes to
    // the next step (to the left) or the previous one (to the right). Returns whether two fingers pinch now.
    bool Touch(int64_t finger, float x, float y, TouchPhase phase);
    // The timeline the tab shows (the compare tab's, else the timeline tab's) and the other one.
    TimelineController& ShownTimeline() { return m_view.tab == Tab::Compare ? m_compareTimeline : m_timeline; }
    const TimelineController& ShownTimeline() const { return m_view.tab == Tab::Compare ? m_compareTimeline : m_timeline; }
    bool Busy() const;

    // A problem with the link that opened the page: shown in a dismissable banner and as "error".
    void ShowLinkError(std::string message) { m_share.ShowLinkError(std::move(message)); }
    const std::string& LinkError() const { return m_share.LinkError(); }
    // Starts a real run of the current scenario (kind 0: C++ runtime, 1: CPython) with settings.runForReal.
    bool StartRealRun(int kind);
    // Share / Embed as the buttons do (the link arrives through settings.makeLink).
    void Share();
    void ShowEmbedSnippet();
    // The results panel's Save SVG / Save PNG buttons: the tab as it is on screen (the timeline with every section
    // under it, the compared models, or the scaling plot), as a file (natively in the working directory, in the
    // browser a download through settings.saveFile). False and why in the notice.
    bool SavePicture(bool png);
    // Compare across runs: the run on screen is kept ("pinned") and drawn under every later run of any scenario or
    // model, on one time axis, until Unpin(). PinRun() is false when there is no run to pin. A run pinned this way
    // travels in share links as its scenario, which the link's reader simulates again (ViewState::pinnedScenarioJson).
    bool PinRun();
    void Unpin();
    // Shows `trace` as the pinned run (tests; a trace opened from elsewhere): `title` names it in its section.
    void ShowPinnedRun(std::string title, trace::Trace trace);
    // Compare across traces: a trace file (either form, docs/trace-format.md: a real run's, another scenario's, the
    // Python exporter's) opened beside the run, on one time axis, under it and any pinned run; up to
    // kMaxOpenedTraces at once, so two files can be compared with each other too. The file is read on the executor a
    // step at a time (trace::TraceFileReader): in the single-threaded build too, a big one holds no frame for long. A file too large, not a trace, or one too many is refused
    // with the reason in the banner; false when refused at once.
    bool OpenTrace(std::string fileName, std::string text);
    // A file that could not be read at all (the browser's reader failed, or it is too large to read): the banner
    // says why, naming it.
    void RefuseTrace(std::string_view fileName, std::string_view why);
    // Refuses a file of `bytes` bytes before it is read when it is larger than the playground opens (the message says
    // how large, and the limit); true when refused. OpenTrace and the page's reader (web/loader.js asks before
    // reading) both ask here, so the limit and its words live in one place.
    bool RefuseOversizedTrace(std::string_view fileName, double bytes);
    void CloseOpenedTrace(size_t index);
    size_t OpenedTraceCount() const { return m_opened.size(); }
    // A scenario file (docs/scenario.md; `interleave --scenario FILE`) opened as a link naming its scenario would be:
    // the same checks, and the run fitted. Refused (false, `why` says why), the banner names the file and the
    // reason and the view stays as it was. RefuseScenarioFile: a file that could not be read at all.
    bool OpenScenarioFile(std::string_view fileName, const std::string& text, std::string& why);
    void RefuseScenarioFile(std::string_view fileName, std::string_view why);
    // How far the files being read are, 0 to 1 (their mean; 0 when none is).
    double OpeningProgress() const;
    // The scenario's story (scenario/story.h): goes to step `step` (0-based, clamped into the story) as the story
    // bar's buttons and the arrow keys do: its range, its lanes, its model (simulating again when that changes).
    // False when the scenario has no story.
    bool GoToStoryStep(int step);
    int StoryStep() const { return m_view.storyStep; }
    // Zooms the timeline to the moment the explanation's claim `index` rests on (ExplainMoments), as its button
    // under the explanation does. False if there is no such moment.
    bool ShowExplainMoment(size_t index);

private:
    // playground.cpp
    void Layout();
    void Toolbar();
    void HandleKeys();
    void AdvancePlayback();
    // Takes what the jobs finished (Jobs::Poll) and starts what the visible tab needs.
    void PollJobs();
    void StartSimulation();
    void StartCompare();
    // Compare by model or by release switched: the comparison on screen is no longer the one asked for.
    void CompareByChanged();
    // A row of the comparison by what it compares: the model ("threads") or the release ("3.14t").
    std::string ComparisonRowName(size_t row) const;
    void ScenarioChanged();
    void RebuildTimelines();
    void FitView();
    void Remember(const char* id);
    void EmbedLayout();
    void Banner();
    // Stops every simulation, comparison and sweep in progress (the Cancel button).
    void CancelSimulations();
    void EmbedModal();
    void RealRunControls();
    // playground_story.cpp
    void StoryBar();
    // Puts the current step's model and lanes in place; its range too when `withRange` (a link keeps its own).
    void ApplyStoryStep(bool withRange);
    // A scenario loaded or opened from a link: its story starts at `step` (0-based), its model is the steps' base.
    void StartStory(int step, bool withRange);
    // The scenario was edited: the story stays on its step (clamped, should the story have changed), and the edited
    // model becomes the steps' base unless this step switches the model.
    void StoryEdited();
    // The scenario panel: the editor (ScenarioEditor) draws it, the playground does what it reports.
    void ScenarioPanel();
    // The story form's edit, accepted by the story's parser: the scenario's story now, its step shown as before.
    void CommitStory(scenario::Story story);
    // playground_views.cpp
    void TimelineView(float height);
    void CompareView(float height);
    void ScalingView(float height);
    void ResultsPanel();
    void RunSummary();
    void CompareTable();
    void HelpOverlay();
    void PictureButtons();
    // What the tab on screen draws as a picture of a given view (size, range, theme); empty with why when the tab has
    // nothing drawn yet. `embedded`: only what a share link's reader sees too (the run and a pinned run that travels
    // in the link, not a real run or opened files).
    using TabPictureFn = std::function<Picture(const PictureView& view, const TextMetrics& metrics)>;
    TabPictureFn TabPicture(bool embedded, std::string& why) const;
    // The section titles of the run and the pinned run, as the timeline and the posters write them.
    std::string RunSectionTitle(bool besideReal) const;
    std::string PinnedSectionTitle() const;
    void PinControls();
    // playground_traces.cpp
    void TakeReadTrace(Jobs::FinishedRead read);
    void OpenedTraceControls();

    PlaygroundSettings m_settings;
    Jobs m_jobs;
    ViewState m_view;
    long m_frame = 0;

    scenario::Scenario m_scenario;
    ScenarioEditor m_editor;       // the scenario panel's own state, and the scenario's error shown in it
    std::string m_simError;        // why the last simulation stopped (a limit, a deadlock, a cancel): banner
    bool m_dirty = false;          // edited this frame: re-simulate at the end of it

    trace::Trace m_trace;          // the run of the scenario as configured
    // The scenario m_trace is a run of: m_scenario may be newer (edited while its run is simulated). Pin this run
    // keeps this one, so a link's reader simulates the run the author saw.
    scenario::Scenario m_traceScenario;
    bool m_haveTrace = false;
    std::string m_explain;
    std::vector<ExplainMoment> m_explainMoments;  // the moments its claims rest on

    models::Comparison m_comparison;
    bool m_haveComparison = false;
    bool m_compareStale = true;

    std::vector<ScalingSeries> m_scaling;
    bool m_scalingStale = true;

    TimelineController m_timeline;
    TimelineController m_compareTimeline;
    bool m_timelinesStale = true;
    StateSet m_runStates{};      // the legend's states: the run's, the compared runs' (RebuildTimelines)
    StateSet m_compareStates{};
    bool m_fitPending = true;

    bool m_speedTouched = false;
    bool m_showHelp = false;
    // A narrow window (a phone): the scenario panel is not beside the timeline but opened over it on request.
    bool m_narrow = false;
    bool m_scenarioOpen = false;
    int m_tabRequest = -1;
    Theme m_appliedTheme = Theme::Light;
    bool m_themeApplied = false;
    TestProbe m_probe;  // what the test state reports of the last frame: widgets, tooltip, the panel's overflow
    PinchTracker m_pinch;
    std::array<float, 4> m_storyBarRect{0, 0, 0, 0};  // the story bar as last drawn (x, y, w, h): where a swipe starts
    // A one-finger swipe across the story bar: the finger and where it went down (id -1: none under way).
    struct Swipe {
        int64_t finger = -1;
        float x = 0, y = 0;
    } m_swipe;

    // Share / Embed: the last link and snippet, the opening link's problem. Declared after m_notice, which it writes.
    std::string m_notice;        // "Link copied", ...
    ShareLinks m_share;

    std::array<float, 2> m_scalingSize{0, 0};  // the scaling plot's size on screen at content scale 1 (its pictures')
    std::string m_savedFile;     // the last picture saved: its file name, size in bytes, and pixels (test state)
    size_t m_savedBytes = 0;
    int m_savedWidth = 0, m_savedHeight = 0;

    trace::Trace m_pinnedTrace;  // the pinned run (PinRun), drawn under the current one
    bool m_havePinned = false;
    std::string m_pinnedTitle;   // "blog_cpu_threads, threads"
    // What made the pinned run, for share links: its scenario and preset (PinRun, a link). Not for a trace shown as
    // pinned from elsewhere (ShowPinnedRun).
    bool m_pinnedFromScenario = false;
    scenario::Scenario m_pinnedScenario;
    std::string m_pinnedPreset;

    // The story's base: the scenario's own model, which each step's switches apply to (a step back to one without a
    // switch returns to it). Share links carry it, not the step's.
    scenario::Model m_storyBaseModel;
    bool m_storyRangePending = false;  // the step's range waits for its run (a switched model simulates first)

    // Trace files opened beside the run (OpenTrace). Each owned by pointer: the timelines keep pointers to the traces.
    struct OpenedTrace {
        std::string title;  // OpenedTraceTitle(file name)
        trace::Trace trace;
    };
    std::vector<std::unique_ptr<OpenedTrace>> m_opened;
    std::string m_openError;       // why the last file could not be opened (banner)
    std::string m_openErrorTitle;  // ...that file's title: opening it after all clears the error, another file's not

    trace::Trace m_realTrace;    // the real run, shown beside the simulated one
    bool m_haveReal = false;
    int m_realKind = 0;
    std::string m_realError;
};

}  // namespace interleave::ui
