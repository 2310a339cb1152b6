// Story steps in the playground (issue 17): going to a step shows its range and its lanes and runs its model; the
// arrow keys step; the step travels in the view state (share links) with the story's own model.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <utility>
#include <string>
#include <vector>

#include "figures_in_text.h"
#include "headless_imgui.h"
#include "scenario/presets.h"
#include "test_support.h"
#include "scenario/model_info.h"
#include "ui/story_view.h"
#include "ui/touch.h"
#include "ui/view_state.h"

using namespace interleave;
using namespace interleave::ui;
using interleave::ui::testing::HeadlessImGuiTest;

namespace {

trace::Trace LanesTrace() {
    trace::Trace t;
    for (const char* name :
         {"Core 0", "MainThread", "GIL (MainProcess)", "Thread-1", "Thread-2 (run_task)", "Thread-10"})
        t.AddTrack(name, trace::TrackKind::Thread);
    return t;
}

scenario::StoryStep Step(std::string caption) {
    scenario::StoryStep step;
    step.caption = std::move(caption);
    return step;
}

// Frames until the playground has simulated what it was asked to (bounded by time, as FramesUntilIdle).
void Settle(Playground& p, const std::function<void(int)>& frames) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (p.Busy() && std::chrono::steady_clock::now() < until)
        frames(1);
    EXPECT_FALSE(p.Busy()) << "still computing after 120 s";
    frames(2);
}

}  // namespace

TEST(StoryView, LanesAreNamesOrPrefixesAsTheCommandLineReadsThem) {
    const trace::Trace t = LanesTrace();
    EXPECT_EQ(TracksNamed(t, {"GIL", "Thread"}), (std::vector<bool>{false, false, true, true, true, true}));
    // A lane's exact name shows that lane alone: "Thread-1" is not "Thread-10".
    EXPECT_EQ(TracksNamed(t, {"Thread-1"}), (std::vector<bool>{false, false, false, true, false, false}));
    EXPECT_EQ(TracksNamed(t, {"Thread-"}), (std::vector<bool>{false, false, false, true, true, true}));
    // Names that match nothing are ignored; when none match, every lane shows (empty).
    EXPECT_EQ(TracksNamed(t, {"ForkPoolWorker", "Core"}), (std::vector<bool>{true, false, false, false, false, false}));
    EXPECT_TRUE(TracksNamed(t, {"ForkPoolWorker"}).empty());
    EXPECT_TRUE(TracksNamed(t, {}).empty());
}

TEST(StoryView, AStepsRangeIsItsOwnOrTheWholeRun) {
    scenario::StoryStep step = Step("c");
    EXPECT_EQ(StoryStepRange(step, 1'000'000), FitRange(0, 1'000'000));
    step.hasRange = true;
    step.rangeStartNs = 10;
    step.rangeEndNs = 250;
    EXPECT_EQ(StoryStepRange(step, 1'000'000), (TimeRange{10, 250}));
    step.rangeEndNs = -1;  // "10ns..": to the run's end
    EXPECT_EQ(StoryStepRange(step, 1'000'000), (TimeRange{10, 1'000'000}));
    EXPECT_GT(StoryStepRange(step, 0).Width(), 0) << "a range past the run's end is still a range";
}

TEST(StoryView, TheStepIndexStaysInTheStory) {
    scenario::Story story;
    EXPECT_EQ(StoryStepIndex(story, 3), -1);
    story.steps = {Step("a"), Step("b"), Step("c")};
    EXPECT_EQ(StoryStepIndex(story, -5), 0);
    EXPECT_EQ(StoryStepIndex(story, 1), 1);
    EXPECT_EQ(StoryStepIndex(story, 99), 2);
    EXPECT_EQ(StoryIndicator(story, 1), "2 / 3");
}

TEST(StoryView, ViewStateCarriesTheStepAndRefusesNonsense) {
    ViewState state;
    state.storyStep = 3;
    ViewState back;
    std::string error;
    ASSERT_TRUE(ViewStateFromJson(ViewStateToJson(state), back, error)) << error;
    EXPECT_EQ(back.storyStep, 3);
    for (const char* bad : {R"({"storyStep": "2"})", R"({"storyStep": 1.5})", R"({"storyStep": -7})",
                            R"({"storyStep": 18446744073709551615})", R"({"storyStep": 99999999999})"}) {
        ViewState s;
        EXPECT_FALSE(ViewStateFromJson(bad, s, error)) << bad;
        EXPECT_NE(error.find("storyStep"), std::string::npos) << error;
    }
}

class StoryPlayground : public HeadlessImGuiTest {};

TEST_F(StoryPlayground, APresetWithAStoryOpensOnItsFirstStep) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "convoy_effect";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, n); });
    const auto state = State(p);
    EXPECT_EQ(state["story"]["step"], 0);
    EXPECT_GE(state["story"]["steps"].get<int>(), 3);
    EXPECT_FALSE(state["story"]["caption"].get<std::string>().empty());
    for (const char* widget : {"story_prev", "story_next", "story_caption", "story_step"})
        EXPECT_TRUE(state["widgets"].contains(widget)) << widget;
}

TEST_F(StoryPlayground, NextShowsTheStepsRangeAndOnlyItsLanes) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "convoy_effect";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, n); });
    const size_t allLanes = State(p)["lane_labels"].size();
    ASSERT_TRUE(p.GoToStoryStep(1));
    Settle(p, [&](int n) { Frames(p, n); });
    const auto state = State(p);
    EXPECT_EQ(state["story"]["step"], 1);
    EXPECT_EQ(state["visible"][0].get<double>(), 0.0);
    EXPECT_EQ(state["visible"][1].get<double>(), 21e6);
    const auto labels = state["lane_labels"];
    EXPECT_LT(labels.size(), allLanes);
    for (const auto& label : labels) {
        const std::string text = label.get<std::string>();
        // Section headers aside, every row is a GIL or a thread lane.
        if (text.find("makespan") != std::string::npos) continue;
        EXPECT_TRUE(text.rfind("GIL", 0) == 0 || text.rfind("Thread", 0) == 0) << text;
    }
}

TEST_F(StoryPlayground, AStepThatSwitchesTheModelRunsItAndTheNextStepBackReturns) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "asyncio_blocking_call";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, n); });
    EXPECT_EQ(State(p)["model"], "asyncio");
    const int last = State(p)["story"]["steps"].get<int>() - 1;
    ASSERT_TRUE(p.GoToStoryStep(last));
    Settle(p, [&](int n) { Frames(p, n); });
    auto state = State(p);
    EXPECT_EQ(state["model"], "threads");
    EXPECT_LT(state["makespan"].get<double>(), 1.1e9) << "five sleeps on threads overlap";
    // The link keeps the story's own model and the step: it reopens here.
    const std::string link = p.ViewStateJson();
    EXPECT_NE(link.find("\"kind\":\"asyncio\""), std::string::npos);
    Playground other(Offline());
    std::string error;
    ASSERT_TRUE(other.ApplyViewStateJson(link, error)) << error;
    Settle(other, [&](int n) { Frames(other, n); });
    EXPECT_EQ(State(other)["story"]["step"], last);
    EXPECT_EQ(State(other)["model"], "threads");
    // Back a step: the scenario's own model again.
    ASSERT_TRUE(p.GoToStoryStep(last - 1));
    Settle(p, [&](int n) { Frames(p, n); });
    state = State(p);
    EXPECT_EQ(state["model"], "asyncio");
    EXPECT_GT(state["makespan"].get<double>(), 4.9e9);
}

TEST_F(StoryPlayground, TheArrowKeysStepAndShiftArrowsStillPan) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "convoy_effect";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, n); });
    const auto press = [&](ImGuiKey key, bool shift) {
        ImGuiIO& io = ImGui::GetIO();
        if (shift) io.AddKeyEvent(ImGuiMod_Shift, true);
        io.AddKeyEvent(key, true);
        Frames(p, 1);
        io.AddKeyEvent(key, false);
        if (shift) io.AddKeyEvent(ImGuiMod_Shift, false);
        Frames(p, 1);
    };
    press(ImGuiKey_RightArrow, false);
    press(ImGuiKey_RightArrow, false);
    Settle(p, [&](int n) { Frames(p, n); });
    EXPECT_EQ(State(p)["story"]["step"], 2);
    press(ImGuiKey_LeftArrow, false);
    EXPECT_EQ(State(p)["story"]["step"], 1);
    Settle(p, [&](int n) { Frames(p, n); });
    const double before = State(p)["visible"][0].get<double>();
    press(ImGuiKey_RightArrow, true);
    const auto state = State(p);
    EXPECT_EQ(state["story"]["step"], 1);
    EXPECT_GT(state["visible"][0].get<double>(), before) << "shift + right pans";
}

TEST_F(StoryPlayground, ALinkToAStepWithoutARangeShowsTheStepsRange) {
    // ?step=3 on a preset: the page hands the app {"storyStep": 2} alone.
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "pickling_large_payload";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, n); });
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"storyStep": 2})", error)) << error;
    Settle(p, [&](int n) { Frames(p, n); });
    const auto state = State(p);
    EXPECT_EQ(state["story"]["step"], 2);
    EXPECT_EQ(state["visible"][0].get<double>(), 265e6);  // the step's "range": "265ms..1040ms"
    EXPECT_EQ(state["visible"][1].get<double>(), 1100e6);
    EXPECT_EQ(state["story"]["lanes"], nlohmann::json::array({"ForkPoolWorker-4"}));
}

TEST_F(StoryPlayground, TheBarFitsAPhone) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "pickling_large_payload";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, 390, 844, n); });
    p.GoToStoryStep(1);  // the longest caption
    Settle(p, [&](int n) { Frames(p, 390, 844, n); });
    const auto widgets = State(p)["widgets"];
    for (const char* id : {"story_prev", "story_next", "story_caption", "story_bar"}) {
        ASSERT_TRUE(widgets.contains(id)) << id;
        const auto r = widgets[id];
        EXPECT_GE(r[0].get<float>(), 0.0f) << id;
        EXPECT_LE(r[0].get<float>() + r[2].get<float>(), 390.0f) << id << " runs off a phone's screen";
    }
    // The caption wraps under the buttons, not beside them.
    EXPECT_GE(widgets["story_caption"][1].get<float>(),
              widgets["story_next"][1].get<float>() + widgets["story_next"][3].get<float>());
}

// A tap leaves the pointer on the button it tapped: the button's hint must not then stay up over the caption the tap
// brought (seen at phone width in Chromium). A mouse resting there still gets it.
TEST_F(StoryPlayground, NextsHintShowsForAMouseButNotAfterATap) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "convoy_effect";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, 390, 844, n); });
    const auto next = State(p)["widgets"]["story_next"];
    const ImVec2 onNext(next[0].get<float>() + next[2].get<float>() / 2, next[1].get<float>() + next[3].get<float>() / 2);
    const auto hintShown = [] {
        const ImGuiWindow* tooltip = ImGui::FindWindowByName("##Tooltip_00");
        return tooltip && tooltip->Active;
    };
    ImGuiIO& io = ImGui::GetIO();
    io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
    io.AddMousePosEvent(onNext.x, onNext.y);
    Frames(p, 390, 844, 3);
    EXPECT_TRUE(hintShown()) << "a mouse resting on Next";
    for (const bool down : {true, false}) {
        io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
        io.AddMousePosEvent(onNext.x, onNext.y);
        io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
        io.AddMouseButtonEvent(0, down);
        Frames(p, 390, 844, 1);
    }
    Settle(p, [&](int n) { Frames(p, 390, 844, n); });
    EXPECT_EQ(State(p)["story"]["step"], 1) << "the tap went to the next step";
    EXPECT_FALSE(hintShown()) << "the hint stays down after a tap";
}

// A finger swiped across the story bar, as on a phone: to the left the next step, to the right the previous one; too
// short a swipe, one that is mostly vertical, or one that starts off the bar does nothing.
TEST_F(StoryPlayground, ASwipeAcrossTheStoryBarStepsThroughTheStory) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "convoy_effect";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, 390, 844, n); });
    const auto bar = State(p)["widgets"]["story_bar"];
    const float y = bar[1].get<float>() + bar[3].get<float>() / 2, left = bar[0].get<float>() + 20,
                right = bar[0].get<float>() + bar[2].get<float>() - 20;
    const auto swipe = [&](float x0, float y0, float x1, float y1) {
        p.Touch(1, x0, y0, TouchPhase::Down);
        p.Touch(1, (x0 + x1) / 2, (y0 + y1) / 2, TouchPhase::Move);
        p.Touch(1, x1, y1, TouchPhase::Up);
        Settle(p, [&](int n) { Frames(p, 390, 844, n); });
        return State(p)["story"]["step"].get<int>();
    };
    EXPECT_EQ(swipe(right, y, left, y), 1) << "to the left: the next step";
    EXPECT_EQ(swipe(right, y, left, y), 2);
    EXPECT_EQ(swipe(left, y, right, y), 1) << "to the right: the previous step";
    EXPECT_EQ(swipe(right, y, right - 40, y), 1) << "40 px is a touch, not a swipe";
    EXPECT_EQ(swipe(right, y, left, y + 400), 1) << "mostly down: a scroll, not a swipe";
    EXPECT_EQ(swipe(right, bar[1].get<float>() - 200, left, bar[1].get<float>() - 200), 1) << "off the bar: a pan";
}

TEST_F(StoryPlayground, AStepInALinkForAScenarioWithoutAStoryIsDropped) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "blog_io_threads";
    Playground p(settings);
    Settle(p, [&](int n) { Frames(p, n); });
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"storyStep": 3})", error)) << error;
    Frames(p, 2);
    EXPECT_EQ(p.StoryStep(), -1);
    EXPECT_FALSE(nlohmann::json::parse(p.ViewStateJson()).contains("storyStep"));
    EXPECT_FALSE(State(p)["widgets"].contains("story_bar"));
}

namespace {

using interleave::testing::Figure;
using interleave::testing::FiguresIn;

// The times a caption may quote about a run: every task's start, finish and length, the makespan, every span's length,
// and, for a step that names its lanes, when the spans on those lanes start and end.
std::vector<double> QuotableTimes(const trace::Trace& t, const std::vector<std::string>& lanes) {
    std::vector<double> out = {double(t.metrics.makespan)};
    for (const trace::TaskRecord& task : t.tasks) {
        if (task.started < 0 || task.finished < 0) continue;
        out.insert(out.end(), {double(task.started), double(task.finished), double(task.finished - task.started)});
    }
    const std::vector<bool> named = TracksNamed(t, lanes);
    for (const trace::Span& span : t.spans) {
        out.push_back(double(span.end - span.start));
        if (!named.empty() && span.track.Valid() && span.track.Index() < named.size() && named[span.track.Index()])
            out.insert(out.end(), {double(span.start), double(span.end)});
    }
    return out;
}


}  // namespace

TEST(StoryCaptions, FiguresAreReadAsWritten) {
    const auto figures = FiguresIn("at 2.54 s, then 212 ms each; 5us of it, 3 steps, 1.5 sessions, v3.14, 0.99x, 25%");
    ASSERT_EQ(figures.size(), 5u);
    EXPECT_EQ(figures[0].text, "2.54 s");
    EXPECT_DOUBLE_EQ(figures[0].value, 2.54e9);
    EXPECT_DOUBLE_EQ(figures[0].halfUlp, 0.005e9);
    EXPECT_EQ(figures[1].text, "212 ms");
    EXPECT_EQ(figures[2].text, "5us");
    EXPECT_DOUBLE_EQ(figures[2].halfUlp, 500);
    EXPECT_EQ(figures[3].text, "0.99x");
    EXPECT_EQ(figures[3].kind, 'x');
    EXPECT_DOUBLE_EQ(figures[3].halfUlp, 0.005);
    EXPECT_EQ(figures[4].text, "25%");
    EXPECT_DOUBLE_EQ(figures[4].value, 0.25);
}

// A caption's figures are the run's: each "2.54 s", "212 ms" or "5 us" in a preset's story is, to the digits it is
// written with, a time of the run its step shows (its own model). A figure left behind by a model change (the convoy's
// "finishes only at 1.28 s" after the wake-up model put it at 2.54 s) fails here.
TEST(StoryCaptions, EveryFigureInAPresetsStoryIsATimeOfItsRun) {
    int checked = 0;
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        const scenario::Scenario s = interleave::testing::Preset(std::string(preset.id));
        for (const scenario::StoryStep& step : s.story.steps) {
            scenario::Scenario shown = s;
            shown.model = scenario::StoryStepModel(s.model, step);
            const std::vector<double> times = QuotableTimes(interleave::testing::SimulateOk(shown).trace, step.lanes);
            for (const Figure& figure : FiguresIn(step.caption)) {
                if (figure.kind != 't') continue;
                const bool found = std::any_of(times.begin(), times.end(),
                                               [&](double t) { return Matches(figure, t, figure.halfUlp); });
                EXPECT_TRUE(found) << preset.id << ": \"" << figure.text << "\" in \"" << step.caption << "\"";
                ++checked;
            }
        }
    }
    EXPECT_GE(checked, 20);
}

// The story as form fields in the scenario panel (its Story section): a step added from the view, a caption typed, a
// model switched, a step removed; an edit the story's parser refuses is not kept and says why.
class StoryForm : public HeadlessImGuiTest {
protected:
    static constexpr float kW = 1280, kH = 3000;  // tall: every section open, every field on screen
    static void Settle(Playground& p) {
        FramesUntilIdle(p, kW, kH);
        Frames(p, kW, kH, 2);
    }
    static void Click(Playground& p, const std::string& id) { HeadlessImGuiTest::Click(p, id, kW, kH); }
    static void Key(Playground& p, ImGuiKey key, bool ctrl = false) {
        ImGuiIO& io = ImGui::GetIO();
        if (ctrl) io.AddKeyEvent(ImGuiMod_Ctrl, true);
        io.AddKeyEvent(key, true);
        Frames(p, kW, kH, 1);
        io.AddKeyEvent(key, false);
        if (ctrl) io.AddKeyEvent(ImGuiMod_Ctrl, false);
        Frames(p, kW, kH, 1);
    }
    // Replaces the text of the field `id` as a user does: click, select all, type, Enter.
    static void Type(Playground& p, const std::string& id, const std::string& text) {
        Click(p, id);
        Key(p, ImGuiKey_A, true);
        if (text.empty()) Key(p, ImGuiKey_Delete);
        else ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
        Frames(p, kW, kH, 1);
        Key(p, ImGuiKey_Enter);
        Frames(p, kW, kH, 2);
    }
    static nlohmann::json LinkStory(const Playground& p) {
        return nlohmann::json::parse(p.ViewStateJson())["scenario"].value("story", nlohmann::json::array());
    }
};

TEST_F(StoryForm, AStepFromTheViewACaptionAModelSwitchAndARemovalAsAnAuthorMakesThem) {
    PlaygroundSettings settings = Offline();
    settings.loadPresetOnStart = true;
    settings.initialPreset = "blog_cpu_threads";
    Playground p(settings);
    Settle(p);
    const double threadsMakespan = State(p)["makespan"].get<double>();
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"visible": [10000000, 50000000]})", error)) << error;
    p.SetEditorSectionsOpen(true);
    Settle(p);
    EXPECT_EQ(State(p)["story"]["steps"], 0);

    // A step from what the timeline shows: its range.
    Click(p, "story_add");
    auto s = State(p);
    EXPECT_EQ(s["story"]["steps"], 1);
    EXPECT_EQ(s["story"]["step"], 0);
    EXPECT_EQ(s["story"]["caption"], "Step 1");
    EXPECT_FALSE(s["simulating"]) << "a story edit does not simulate again";
    EXPECT_EQ(s["makespan"].get<double>(), threadsMakespan);
    EXPECT_EQ(s["preset"], "");  // edited
    EXPECT_TRUE(s["widgets"].contains("story_bar"));
    EXPECT_EQ(LinkStory(p)[0]["range"], "10000000ns..50000000ns");

    // A caption typed into its field.
    Type(p, "story_caption_0", "Only the thread holding the GIL runs Python");
    s = State(p);
    EXPECT_EQ(s["story"]["caption"], "Only the thread holding the GIL runs Python");
    EXPECT_EQ(LinkStory(p)[0]["caption"], "Only the thread holding the GIL runs Python");
    EXPECT_EQ(s["story_error"], "");
    // An empty caption is refused by the story's parser: not kept, and the reason is on screen.
    Type(p, "story_caption_0", "");
    s = State(p);
    EXPECT_EQ(LinkStory(p)[0]["caption"], "Only the thread holding the GIL runs Python");
    EXPECT_EQ(s["story_error"].get<std::string>().rfind("story[0].caption: ", 0), 0u) << s["story_error"];

    // The lanes, comma separated.
    Type(p, "story_lanes_0", "Thread, GIL");
    EXPECT_EQ(LinkStory(p)[0]["lanes"], nlohmann::json({"Thread", "GIL"}));
    EXPECT_EQ(State(p)["story"]["lanes"], nlohmann::json({"Thread", "GIL"}));
    EXPECT_EQ(State(p)["story_error"], "");

    // The shown step switches to a process pool: it runs at once; the story's own model stays threads.
    Click(p, "story_model_0");
    Click(p, "story_model_0_processes");
    Settle(p);
    s = State(p);
    EXPECT_EQ(s["model"], "processes");
    EXPECT_LT(s["makespan"].get<double>(), threadsMakespan * 0.6) << "eight CPU-bound tasks on four processes";
    EXPECT_EQ(LinkStory(p)[0]["model"], "processes");
    EXPECT_EQ(nlohmann::json::parse(p.ViewStateJson())["scenario"]["model"]["kind"], "threads");

    // Removed: no story, the scenario's own model again.
    Click(p, "story_remove_0");
    Settle(p);
    s = State(p);
    EXPECT_EQ(s["story"]["steps"], 0);
    EXPECT_EQ(s["model"], "threads");
    EXPECT_EQ(s["makespan"].get<double>(), threadsMakespan);
    EXPECT_EQ(s["story"]["lanes"], nlohmann::json::array());
    EXPECT_FALSE(s["widgets"].contains("story_bar"));
}
