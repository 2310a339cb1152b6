// Every view of the playground, drawn headless (Dear ImGui with no backend, no GPU) against synthetic
// traces, at 800x600 and 1920x1080, in both themes.
#include <gtest/gtest.h>

#include <algorithm>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "headless_imgui.h"
#include "synthetic_trace.h"
#include "scenario/presets.h"
#include "ui/playground.h"
#include "ui/timeline_math.h"

namespace interleave::ui {
namespace {

using nlohmann::json;

using testing::FrameStats;

class HeadlessImGui : public testing::HeadlessImGuiTest {
protected:
    static scenario::Scenario CpuScenario() { return HeadlessImGuiTest::CpuScenario(/*withIo=*/true); }

    static void Populate(Playground& p) {
        p.ShowRun(CpuScenario(), testing::ThreadsTrace());
        p.ShowComparison(SyntheticComparison());
        p.ShowScaling(SyntheticScaling());
    }

};

TEST_F(HeadlessImGui, EveryViewDrawsInBothThemesAt800x600And1920x1080) {
    for (Tab tab : {Tab::Timeline, Tab::Compare, Tab::Scaling}) {
        for (Theme theme : {Theme::Dark, Theme::Light}) {
            for (auto size : {ImVec2(800, 600), ImVec2(1920, 1080)}) {
                for (bool help : {false, true}) {
                    Playground p(Offline());
                    Populate(p);
                    p.SetTab(tab);
                    p.SetTheme(theme);
                    p.SetHelpVisible(help);
                    p.SetEditorSectionsOpen(true);
                    const FrameStats stats = Frames(p, size.x, size.y, 5);
                    EXPECT_GT(stats.vertices, 0);
                    EXPECT_LT(stats.maxListVertices, 1 << 16);
                    const json state = State(p);
                    EXPECT_EQ(state["frame"], 5);
                    EXPECT_EQ(state["error"], "");
                    EXPECT_TRUE(state["widgets"].contains("play"));
                }
            }
        }
    }
}

// Every view (the timeline with its explanation, compare, scaling, the help overlay, the embed) of a real run, at a
// phone's 390x844 at 3x, 800x600, 1920x1080 and 800x600 at 2x, in both themes, as a reader would check it: every
// widget inside the window, no widget covering another, no lane name cut to "..", the lane names all different, no
// cell of the compare table clipped.
TEST_F(HeadlessImGui, NoWidgetIsCutOffOrCoversAnotherInAnyViewSizeOrTheme) {
    struct Screen {
        float w, h, scale;
    };
    const Screen screens[] = {{1170, 2532, 3}, {800, 600, 1}, {1920, 1080, 1}, {1600, 1200, 2}};
    // Widgets that hold others (a region, a bar, a window over the rest) are not checked against what they hold.
    const auto container = [](const std::string& id) {
        return id == "timeline" || id == "compare_timeline" || id == "scaling_plot" || id == "scenario_content" ||
               id == "story_bar" || id == "banner" || id == "help_window";
    };
    for (const std::string view : {"timeline", "compare", "scaling", "help", "embed"}) {
        for (const Screen& screen : screens) {
            for (const Theme theme : {Theme::Dark, Theme::Light}) {
                PlaygroundSettings settings = Offline();
                settings.contentScale = screen.scale;
                settings.embed = view == "embed";
                Playground p(settings);
                std::string error;
                ASSERT_TRUE(p.LoadPreset("pool_items_event_loop", error)) << error;
                FramesUntilIdle(p, screen.w, screen.h);
                p.SetTab(view == "compare" ? Tab::Compare : view == "scaling" ? Tab::Scaling : Tab::Timeline);
                p.SetTheme(theme);
                p.SetHelpVisible(view == "help");
                FramesUntilIdle(p, screen.w, screen.h);
                Frames(p, screen.w, screen.h, 3);
                const json s = State(p);
                const std::string where = view + " at " + std::to_string(int(screen.w)) + "x" +
                                          std::to_string(int(screen.h)) + " (scale " + std::to_string(int(screen.scale)) +
                                          "), " + (theme == Theme::Dark ? "dark" : "light");
                EXPECT_EQ(s["error"], "") << where;
                std::vector<std::pair<std::string, std::array<double, 4>>> widgets;
                for (const auto& [id, r] : s["widgets"].items())
                    widgets.push_back({id, {r[0], r[1], r[2], r[3]}});
                ASSERT_GE(widgets.size(), 3u) << where;
                const auto scrolling = s["scrolling_widgets"].get<std::set<std::string>>();
                for (const auto& [id, r] : widgets) {
                    if (r[2] <= 0 || r[3] <= 0) continue;  // laid out but not drawn
                    if (id == "timeline" || id == "compare_timeline") continue;  // may run under the scroll area's edge
                    EXPECT_GE(r[0], -0.5) << id << " starts left of the window: " << where;
                    EXPECT_LE(r[0] + r[2], screen.w + 0.5) << id << " runs off the right edge: " << where;
                    if (scrolling.contains(id)) continue;  // scrolled to: it may lie above or below the window
                    EXPECT_GE(r[1], -0.5) << id << " starts above the window: " << where;
                    EXPECT_LE(r[1] + r[3], screen.h + 0.5) << id << " runs off the bottom: " << where;
                }
                for (size_t i = 0; i < widgets.size(); ++i) {
                    for (size_t j = i + 1; j < widgets.size(); ++j) {
                        const auto& [a, ra] = widgets[i];
                        const auto& [b, rb] = widgets[j];
                        if (container(a) || container(b)) continue;
                        const double dx = std::min(ra[0] + ra[2], rb[0] + rb[2]) - std::max(ra[0], rb[0]);
                        const double dy = std::min(ra[1] + ra[3], rb[1] + rb[3]) - std::max(ra[1], rb[1]);
                        EXPECT_FALSE(dx > 1 && dy > 1) << a << " and " << b << " overlap: " << where;
                    }
                }
                // The compare table's cells: none narrower than its text (a phone scrolls the table sideways instead).
                if (view == "compare") {
                    EXPECT_TRUE(s["cut_table_cells"].empty()) << "cut: " << s["cut_table_cells"].dump() << " " << where;
                }
                if (view == "timeline" || view == "embed" || view == "compare") {
                    const auto labels = s[view == "compare" ? "compare_lane_labels" : "lane_labels"].get<std::vector<std::string>>();
                    EXPECT_GE(labels.size(), 5u) << where;
                    for (const std::string& label : labels)
                        EXPECT_EQ(label.find(".."), std::string::npos) << label << " is cut: " << where;
                    std::vector<std::string> sorted = labels;
                    std::sort(sorted.begin(), sorted.end());
                    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end())
                        << "two lanes read the same: " << s["lane_labels"].dump() << " " << where;
                }
            }
        }
    }
}

// The compare tab's runs start in the frame after the tab is chosen; until then the playground counts as busy, so
// a reader of its state (a test's FramesUntilIdle, the app's idle wait) never takes "not started" for "done".
TEST_F(HeadlessImGui, ACompareNotYetStartedCountsAsBusyUntilItsRunsAreShown) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.LoadPreset("pool_items_event_loop", error)) << error;
    FramesUntilIdle(p);
    p.SetTab(Tab::Compare);
    EXPECT_TRUE(p.Busy()) << "the compared runs have not started yet";
    EXPECT_TRUE(State(p)["simulating"].get<bool>());
    FramesUntilIdle(p);
    Frames(p, 1280, 800, 1);
    EXPECT_GE(State(p)["compare_lane_labels"].size(), 5u);
}

// The playback speed's value stands beside its slider: Dear ImGui writes a slider's value over the slider, where
// the grab hid one of its digits ("0.5|04x") wherever the grab stood.
TEST_F(HeadlessImGui, ThePlaybackSpeedIsWrittenBesideItsSliderNotUnderItsGrab) {
    for (const float scale : {1.0f, 3.0f}) {
        PlaygroundSettings settings = Offline();
        settings.contentScale = scale;
        Playground p(settings);
        std::string error;
        ASSERT_TRUE(p.LoadPreset("convoy_effect", error)) << error;
        ASSERT_TRUE(p.ApplyViewStateJson(R"({"playback":{"playing":false,"time":0,"speed":0.504}})", error)) << error;
        const float w = scale == 1.0f ? 1280.0f : 1170.0f, h = scale == 1.0f ? 800.0f : 2532.0f;
        FramesUntilIdle(p, w, h);
        Frames(p, w, h, 2);
        const json s = State(p);
        ASSERT_TRUE(s["widgets"].contains("speed")) << "scale " << scale;
        ASSERT_TRUE(s["widgets"].contains("speed_value")) << "the speed's value is its own widget, scale " << scale;
        const auto slider = s["widgets"]["speed"], value = s["widgets"]["speed_value"];
        EXPECT_GE(double(value[0]), double(slider[0]) + double(slider[2])) << "right of the slider, scale " << scale;
        EXPECT_NEAR(double(value[1]) + double(value[3]) / 2, double(slider[1]) + double(slider[3]) / 2, 2.0 * scale)
            << "on the slider's line, scale " << scale;
        EXPECT_GT(double(value[2]), ImGui::GetFontSize() * 2) << "wide enough for \"0.504x\", scale " << scale;
    }
}

TEST_F(HeadlessImGui, TestStateNamesTheWidgetsTestsClick) {
    Playground p(Offline());
    Populate(p);
    Frames(p, 1280, 800, 3);
    const json state = State(p);
    for (const char* id : {"play", "preset_combo", "model_threads", "model_processes", "model_asyncio", "tab_timeline",
                           "tab_compare", "tab_scaling", "timeline", "fit", "theme", "help"}) {
        ASSERT_TRUE(state["widgets"].contains(id)) << id;
        const auto& r = state["widgets"][id];
        EXPECT_GT(r[2].get<double>(), 0) << id;
        EXPECT_GT(r[3].get<double>(), 0) << id;
    }
    EXPECT_FALSE(state["playing"].get<bool>());
    EXPECT_EQ(state["visible"].size(), 2u);
}

TEST_F(HeadlessImGui, WidgetsFitInsideAn800x600Window) {
    Playground p(Offline());
    Populate(p);
    p.SetEditorSectionsOpen(true);
    Frames(p, 800, 600, 3);
    const json state = State(p);
    for (const auto& [id, r] : state["widgets"].items()) {
        if (id == "timeline") continue;  // may extend under the scroll area's edge
        EXPECT_LE(r[0].get<double>() + r[2].get<double>(), 800.5) << id;
    }
}

// Every step row (kind, value, up, down, remove) ends inside the scenario panel, also in a nested loop: in the
// narrowest panel (an 800x600 window), in a large one, and at twice the content scale in a 1920x1080 window (960x540
// at 1x; twice the scale in 800x600 would be a 400-pixel-wide window, smaller than the layout is made for).
TEST_F(HeadlessImGui, StepRowsStayInsideTheScenarioPanel) {
    scenario::Scenario s = CpuScenario();
    scenario::Step loop;
    loop.kind = scenario::StepKind::Repeat;
    loop.repeat = 3;
    loop.body.push_back(s.groups[0].steps[0]);
    loop.body.push_back(s.groups[0].steps[1]);
    s.groups[0].steps.push_back(loop);
    const size_t rows = s.groups[0].steps.size() + loop.body.size();
    const std::pair<float, ImVec2> cases[] = {{1.0f, ImVec2(800, 600)}, {1.0f, ImVec2(1920, 1080)}, {2.0f, ImVec2(1920, 1080)}};
    for (const auto& [scale, size] : cases) {
        PlaygroundSettings settings = Offline();
        settings.contentScale = scale;
        Playground p(settings);
        p.ShowRun(s, testing::ThreadsTrace());
        p.SetEditorSectionsOpen(true);
        Frames(p, size.x, size.y, 3);
        const json widgets = State(p)["widgets"];
        ASSERT_TRUE(widgets.contains("scenario_content"));
        const double right = widgets["scenario_content"][0].get<double>() + widgets["scenario_content"][2].get<double>();
        for (size_t row = 0; row < rows; ++row) {
            const std::string id = "step_remove_" + std::to_string(row);
            ASSERT_TRUE(widgets.contains(id)) << id << " at " << size.x << "x" << size.y << ", scale " << scale;
            const auto& r = widgets[id];
            EXPECT_LE(r[0].get<double>() + r[2].get<double>(), right + 0.5)
                << id << " at " << size.x << "x" << size.y << ", scale " << scale;
        }
        EXPECT_FALSE(widgets.contains("step_remove_" + std::to_string(rows)));
    }
}

// No row of the scenario editor (every section open) is wider than its panel, for every preset, in the narrowest
// panel (800x600) and a large one: nothing to scroll sideways to, nothing cut off.
TEST_F(HeadlessImGui, EveryPresetsEditorFitsTheScenarioPanel) {
    for (const auto& preset : scenario::Presets()) {
        for (auto size : {ImVec2(800, 600), ImVec2(1920, 1080)}) {
            Playground p(Offline());
            std::string error;
            ASSERT_TRUE(p.LoadPreset(preset.id, error)) << preset.id << ": " << error;
            p.SetEditorSectionsOpen(true);
            Frames(p, size.x, size.y, 3);
            EXPECT_EQ(State(p)["scenario_overflow_x"].get<double>(), 0.0) << preset.id << " at " << size.x << "x" << size.y;
        }
    }
}

TEST_F(HeadlessImGui, HoveringASpanShowsItsStateTimesAndCause) {
    Playground p(Offline());
    Populate(p);
    Frames(p, 1280, 800, 2);
    const auto lanes = State(p)["widgets"]["timeline"];
    ImGuiIO& io = ImGui::GetIO();
    const float laneH = ImGui::GetTextLineHeight() + 6;
    // Row 0 is the section header; rows 1-4 are cores, 5 the GIL, 6 the process, 7.. the threads.
    // Thread-2 (row 8) waits for the GIL held by Thread-1 during the first 5 ms.
    const double x0 = lanes[0], w = lanes[2];
    const double visible0 = State(p)["visible"][0], visible1 = State(p)["visible"][1];
    io.MousePos = ImVec2(float(x0 + (2'500'000 - visible0) / (visible1 - visible0) * w), lanes[1].get<float>() + laneH * 8.5f);
    Frames(p, 1280, 800, 2);
    const std::string tip = State(p)["hover_tooltip"];
    EXPECT_NE(tip.find("Thread-2: waiting for the GIL"), std::string::npos) << tip;
    EXPECT_NE(tip.find("held by Thread-1 since 0 ns"), std::string::npos) << tip;
}

// In a narrow timeline a long lane name is shortened in the middle, and hovering it shows the whole name.
TEST_F(HeadlessImGui, HoveringAShortenedLaneNameShowsItWhole) {
    trace::Trace t = testing::ThreadsTrace();
    for (auto& track : t.tracks)
        if (track.name.rfind("Thread-", 0) == 0) track.name = "ThreadPoolExecutor-0_" + track.name.substr(7);
    Playground p(Offline());
    p.ShowRun(CpuScenario(), std::move(t));
    // 400 px wide: the lanes have the window's width (a narrow layout) and the name column 30% of it.
    Frames(p, 400, 480, 2);
    const auto lanes = State(p)["widgets"]["timeline"];
    const float laneH = ImGui::GetTextLineHeight() + 6;
    // Row 7 is the first thread (see HoveringASpanShowsItsStateTimesAndCause); its name starts 12 px into the column.
    ImGui::GetIO().MousePos = ImVec2(lanes[0].get<float>() - 12, lanes[1].get<float>() + laneH * 7.5f);
    Frames(p, 400, 480, 2);
    EXPECT_EQ(State(p)["hover_tooltip"], "ThreadPoolExecutor-0_1");
    // Where the whole name fits, the label needs no tooltip.
    Frames(p, 1920, 1080, 2);
    const auto wide = State(p)["widgets"]["timeline"];
    ImGui::GetIO().MousePos = ImVec2(wide[0].get<float>() - 12, wide[1].get<float>() + laneH * 7.5f);
    Frames(p, 1920, 1080, 2);
    EXPECT_EQ(State(p)["hover_tooltip"], "");
}

// Under the explanation, each claim's moment has a Show button; a click zooms the timeline to that moment.
TEST_F(HeadlessImGui, ClickingAClaimsShowButtonZoomsToItsMoment) {
    Playground p(Offline());
    p.ShowRun(CpuScenario(), testing::ThreadsTrace());
    Frames(p, 1280, 800, 2);
    const auto before = State(p);
    ASSERT_FALSE(before["explain_moments"].empty()) << before["explain"];
    const auto moment = before["explain_moments"][0];
    EXPECT_NE(moment["label"].get<std::string>().find("the longest wait for the GIL"), std::string::npos) << moment;
    const auto button = before["widgets"]["explain_moment_0"];
    ImGuiIO& io = ImGui::GetIO();
    io.AddMousePosEvent(button[0].get<float>() + button[2].get<float>() / 2, button[1].get<float>() + button[3].get<float>() / 2);
    Frames(p, 1280, 800, 1);
    io.AddMouseButtonEvent(0, true);
    Frames(p, 1280, 800, 1);
    io.AddMouseButtonEvent(0, false);
    Frames(p, 1280, 800, 2);
    const auto visible = State(p)["visible"];
    const double start = moment["start"], end = moment["end"];
    EXPECT_LT(visible[0].get<double>(), start);
    EXPECT_GT(visible[1].get<double>(), end);
    EXPECT_LE(visible[1].get<double>() - visible[0].get<double>(), 2.5 * (end - start)) << "zoomed in on it";
    EXPECT_FALSE(p.ShowExplainMoment(99));
}

TEST_F(HeadlessImGui, ClickingASpanSelectsItsTask) {
    Playground p(Offline());
    Populate(p);
    Frames(p, 1280, 800, 2);
    const auto lanes = State(p)["widgets"]["timeline"];
    ImGuiIO& io = ImGui::GetIO();
    const float laneH = ImGui::GetTextLineHeight() + 6;
    const double x0 = lanes[0], w = lanes[2];
    const double visible0 = State(p)["visible"][0], visible1 = State(p)["visible"][1];
    // Thread-1 (row 7) runs task 0 during [0, 5 ms).
    io.MousePos = ImVec2(float(x0 + (2'500'000 - visible0) / (visible1 - visible0) * w), lanes[1].get<float>() + laneH * 7.5f);
    Frames(p, 1280, 800, 1);
    io.AddMouseButtonEvent(0, true);
    Frames(p, 1280, 800, 1);
    io.AddMouseButtonEvent(0, false);
    Frames(p, 1280, 800, 2);
    EXPECT_EQ(State(p)["selected_task"], 0);
}

TEST_F(HeadlessImGui, WheelZoomsAroundTheCursor) {
    Playground p(Offline());
    Populate(p);
    Frames(p, 1280, 800, 2);
    const auto lanes = State(p)["widgets"]["timeline"];
    const auto before = State(p)["visible"];
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(lanes[0].get<float>() + lanes[2].get<float>() * 0.25f, lanes[1].get<float>() + 40);
    Frames(p, 1280, 800, 1);
    io.AddMouseWheelEvent(0, 2);
    Frames(p, 1280, 800, 2);
    const auto after = State(p)["visible"];
    const double wb = before[1].get<double>() - before[0].get<double>();
    const double wa = after[1].get<double>() - after[0].get<double>();
    EXPECT_LT(wa, wb);
    const double tb = before[0].get<double>() + 0.25 * wb, ta = after[0].get<double>() + 0.25 * wa;
    EXPECT_NEAR(ta, tb, wb * 1e-3);
}

TEST_F(HeadlessImGui, PlaybackAdvancesTheCursorAndStopsAtTheEnd) {
    Playground p(Offline());
    Populate(p);
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"playback":{"playing":true,"time":0,"speed":1.0}})", error)) << error;
    Frames(p, 800, 600, 3);
    json state = State(p);
    EXPECT_TRUE(state["playing"].get<bool>());
    EXPECT_GT(state["playback_time"].get<double>(), 0);
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"playback":{"playing":true,"time":0,"speed":100.0}})", error)) << error;
    Frames(p, 800, 600, 30);
    state = State(p);
    EXPECT_FALSE(state["playing"].get<bool>());
    EXPECT_DOUBLE_EQ(state["playback_time"].get<double>(), 200'000'000);
}

TEST_F(HeadlessImGui, PlayWaitsForATraceInsteadOfStoppingAtOnce) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"playback":{"playing":true,"time":0,"speed":1.0}})", error)) << error;
    Frames(p, 800, 600, 3);
    EXPECT_TRUE(State(p)["playing"].get<bool>());
}

TEST_F(HeadlessImGui, AMillionSpansStayWithinOneDrawListWithoutVtxOffset) {
    Playground p(Offline());
    p.ShowRun(CpuScenario(), testing::DenseTrace(1'000'000));
    const FrameStats stats = Frames(p, 1920, 1080, 3, false);
    EXPECT_GT(stats.vertices, 0);
    EXPECT_LT(stats.maxListVertices, 1 << 16);
}

TEST_F(HeadlessImGui, ViewStateJsonRoundTripsThroughThePlayground) {
    Playground p(Offline());
    Populate(p);
    Frames(p, 800, 600, 2);
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"visible":[1000,2000],"theme":"light","tab":"compare","selectedTask":2})", error)) << error;
    const std::string saved = p.ViewStateJson();
    Frames(p, 800, 600, 2);
    const json state = State(p);
    EXPECT_EQ(state["theme"], "light");
    EXPECT_EQ(state["tab"], "compare");
    EXPECT_EQ(state["selected_task"], 2);
    EXPECT_DOUBLE_EQ(state["visible"][0].get<double>(), 1000);
    const json view = json::parse(saved);
    EXPECT_EQ(view["visible"][1], 2000);
    EXPECT_FALSE(p.ApplyViewStateJson("[]", error));
}

// Compare by release: the scenario's own program on every release that can run it, the fastest named, and a link that
// keeps the choice; back to models when asked.
TEST_F(HeadlessImGui, CompareByReleaseRunsTheProgramOnEveryReleaseAndALinkKeepsIt) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.LoadPreset("blog_cpu_threads", error)) << error;  // threads of pure Python, written for 3.11
    FramesUntilIdle(p);
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"tab": "compare", "compareBy": "releases"})", error)) << error;
    Frames(p, 1280, 800, 2);  // the tab is shown, and asks for its comparison
    FramesUntilIdle(p);
    Frames(p, 1280, 800, 2);
    json s = State(p);
    EXPECT_EQ(s["compared"], json(AllReleaseIds()));
    // Threads of pure Python spread over the cores only without the GIL, least slowed on 3.14t (the first such).
    EXPECT_EQ(s["recommended"], "3.14t");
    const json link = json::parse(p.ViewStateJson());
    EXPECT_EQ(link["compareBy"], "releases");
    // A fresh playground opened on the link compares the same way, and showing fewer releases keeps in the link.
    Playground q(Offline());
    ASSERT_TRUE(q.ApplyViewStateJson(link.dump(), error)) << error;
    ASSERT_TRUE(q.ApplyViewStateJson(R"({"releases": ["3.14", "3.14t"]})", error)) << error;
    Frames(q, 1280, 800, 2);
    FramesUntilIdle(q);
    Frames(q, 1280, 800, 2);
    EXPECT_EQ(State(q)["recommended"], "3.14t");
    EXPECT_EQ(json::parse(q.ViewStateJson())["releases"], json::array({"3.14", "3.14t"}));
    // Back to models: every model on the scenario's release again.
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"compareBy": "models"})", error)) << error;
    Frames(p, 1280, 800, 2);
    FramesUntilIdle(p);
    Frames(p, 1280, 800, 2);
    s = State(p);
    ASSERT_FALSE(s["compared"].empty());
    EXPECT_EQ(s["compared"][0], "sequential");
    EXPECT_FALSE(json::parse(p.ViewStateJson()).contains("compareBy"));
    // What a link may not say.
    for (const char* bad : {R"({"compareBy": "versions"})", R"({"releases": ["3.9"]})", R"({"releases": "3.14"})",
                            R"({"releases": [314]})"}) {
        EXPECT_FALSE(p.ApplyViewStateJson(bad, error)) << bad;
        EXPECT_NE(error.find(std::string(bad).find("compareBy") != std::string::npos ? "compareBy" : "releases"),
                  std::string::npos)
            << error;
    }
}

// The keys A (arrows) and G (every lane group), and a link carrying both to a fresh playground.
TEST_F(HeadlessImGui, KeysFoldTheLaneGroupsAndHideTheArrowsAndALinkKeepsBoth) {
    PlaygroundSettings settings = Offline();
    Playground p(settings);
    std::string error;
    ASSERT_TRUE(p.LoadPreset("convoy_effect", error)) << error;
    FramesUntilIdle(p);
    Frames(p, 2);
    json s = State(p);
    ASSERT_TRUE(s["arrows"]["shown"]);
    ASSERT_GT(s["arrows"]["drawn"].get<int>(), 0);
    const size_t rows = s["lane_rows"].size();
    const auto press = [&](ImGuiKey key) {
        ImGui::GetIO().AddKeyEvent(key, true);
        Frames(p, 1);
        ImGui::GetIO().AddKeyEvent(key, false);
        Frames(p, 1);
    };
    press(ImGuiKey_A);
    press(ImGuiKey_G);
    s = State(p);
    EXPECT_FALSE(s["arrows"]["shown"]);
    EXPECT_EQ(s["arrows"]["drawn"], 0);
    EXPECT_EQ(s["collapsed_groups"], json::array({"MainProcess"}));
    EXPECT_LT(s["lane_rows"].size(), rows);
    const json link = json::parse(p.ViewStateJson());
    EXPECT_EQ(link["arrows"], false);
    EXPECT_EQ(link["collapsed"], json::array({"MainProcess"}));

    Playground fresh(settings);
    ASSERT_TRUE(fresh.ApplyViewStateJson(link.dump(), error)) << error;
    FramesUntilIdle(fresh);
    Frames(fresh, 2);
    const json f = State(fresh);
    EXPECT_FALSE(f["arrows"]["shown"]);
    EXPECT_EQ(f["collapsed_groups"], json::array({"MainProcess"}));
    EXPECT_EQ(f["lane_rows"].size(), s["lane_rows"].size());

    press(ImGuiKey_G);  // and back
    press(ImGuiKey_A);
    s = State(p);
    EXPECT_TRUE(s["arrows"]["shown"]);
    EXPECT_TRUE(s["collapsed_groups"].empty());
    EXPECT_EQ(s["lane_rows"].size(), rows);
}

TEST_F(HeadlessImGui, EditingTheScenarioThroughTheEditorKeepsItValid) {
    // A scenario with every step kind draws in the editor, sections open, without tripping ImGui's
    // ID or stack checks.
    Playground p(Offline());
    scenario::Scenario s = CpuScenario();
    s.names = {"lock", "counter"};
    for (auto kind : {scenario::StepKind::CCall, scenario::StepKind::Await, scenario::StepKind::BlockingCall,
                      scenario::StepKind::Acquire, scenario::StepKind::Release, scenario::StepKind::Send,
                      scenario::StepKind::Return, scenario::StepKind::ToThread, scenario::StepKind::Increment,
                      scenario::StepKind::Fail, scenario::StepKind::Repeat}) {
        scenario::Step step;
        step.kind = kind;
        step.duration = 1'000'000;
        step.bytes = 1000;
        step.name = kind == scenario::StepKind::Increment ? 1 : 0;
        if (kind == scenario::StepKind::Repeat) {
            step.repeat = 3;
            scenario::Step inner;
            inner.kind = scenario::StepKind::Cpu;
            inner.duration = 1000;
            step.body.push_back(inner);
        }
        s.groups[0].steps.push_back(step);
    }
    p.ShowRun(s, testing::ThreadsTrace());
    p.SetEditorSectionsOpen(true);
    const FrameStats stats = Frames(p, 800, 600, 3);
    EXPECT_GT(stats.vertices, 0);
    EXPECT_EQ(State(p)["error"], "");
}

TEST_F(HeadlessImGui, HighDpiContentScaleStillFits) {
    PlaygroundSettings settings = Offline();
    settings.contentScale = 2.0f;
    Playground p(settings);
    Populate(p);
    const FrameStats stats = Frames(p, 1920, 1080, 3);
    EXPECT_GT(stats.vertices, 0);
}

TEST_F(HeadlessImGui, DefaultPlaygroundLoadsAPresetAndSimulatesIt) {
    PlaygroundSettings settings;
    settings.backgroundThreads = false;
    Playground p(settings);
    FramesUntilIdle(p);
    Frames(p, 1280, 800, 2);
    const json state = State(p);
    EXPECT_EQ(state["error"], "") << state.dump();
    if (!scenario::Presets().empty()) {
        EXPECT_NE(state["preset"], "");
    }
    EXPECT_GT(state["spans"].get<long>(), 0) << state.dump();
}

TEST_F(HeadlessImGui, WithoutALinkThePlaygroundOpensOnTheIntroductoryPreset) {
    ASSERT_NE(scenario::FindPreset(kDefaultPreset), nullptr) << "the default preset is built in";
    EXPECT_EQ(DefaultPresetId(), kDefaultPreset);
    PlaygroundSettings settings;
    settings.backgroundThreads = false;
    Playground p(settings);
    EXPECT_EQ(State(p)["preset"], std::string(kDefaultPreset));
    EXPECT_EQ(State(p)["error"], "");
}

TEST_F(HeadlessImGui, ALinkedPresetWinsOverTheDefaultAndABadOneFallsBackToIt) {
    ASSERT_GE(scenario::Presets().size(), 2u);
    // Any preset other than the default.
    std::string other(scenario::Presets().front().id);
    if (other == kDefaultPreset) other = std::string(scenario::Presets()[1].id);
    PlaygroundSettings settings;
    settings.backgroundThreads = false;
    settings.initialPreset = other;
    Playground linked(settings);
    EXPECT_EQ(State(linked)["preset"], other);
    settings.initialPreset = "no_such_preset";
    Playground bad(settings);
    EXPECT_EQ(State(bad)["preset"], std::string(kDefaultPreset));
    EXPECT_NE(State(bad)["error"].get<std::string>().find("no_such_preset"), std::string::npos);
}

TEST_F(HeadlessImGui, BackgroundThreadsDeliverTheRunWithoutBlockingFrames) {
    PlaygroundSettings settings;
    settings.backgroundThreads = true;
    Playground p(settings);
    // Small scenarios simulate inline; this one (2 x 20,000 steps) goes to the background thread.
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(R"({"scenario":{"tasks":[{"name":"t","count":2,"steps":[{"repeat":10000,"steps":[{"cpu":"10us"},{"io":"10us"}]}]}],"model":{"kind":"threads"}}})", error)) << error;
    EXPECT_TRUE(p.Busy()) << "a large scenario is simulated in the background";
    for (int i = 0; i < 2000 && p.Busy(); ++i) {
        Frames(p, 800, 600, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    Frames(p, 800, 600, 2);
    EXPECT_GT(State(p)["spans"].get<long>(), 0);
}

// A phone held upright (390 x 844): the lanes get the width (the scenario opens over them from the toolbar), lane
// names drop their parenthesised tail rather than being cut to "T..ch)", and idle cores share one row.
TEST_F(HeadlessImGui, OnAPhoneTheTimelineHasTheWidthAndLaneNamesStayReadable) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.LoadPreset("convoy_effect", error)) << error;
    Frames(p, 390, 844, 4);
    json s = State(p);
    EXPECT_TRUE(s["narrow"].get<bool>());
    EXPECT_FALSE(s["widgets"].contains("scenario_content"));
    ASSERT_TRUE(s["widgets"].contains("timeline"));
    // The label column takes at most 36% (less when the names are short), the scroll bar a little: the lanes the rest.
    EXPECT_GT(s["widgets"]["timeline"][2].get<double>(), 0.55 * 390);
    const auto labels = s["lane_labels"].get<std::vector<std::string>>();
    auto has = [&](const std::string& label) {
        return std::any_of(labels.begin(), labels.end(), [&](const std::string& l) { return l.rfind(label, 0) == 0; });
    };
    EXPECT_TRUE(has("Thread-1") && has("Thread-2")) << s["lane_labels"].dump();
    EXPECT_TRUE(has("Cores 2-3 idle")) << s["lane_labels"].dump();
    // The toolbar wraps rather than running off the edge: every button ends inside the window.
    for (const char* id : {"scenario_open", "play", "stop", "help", "share", "embed"}) {
        if (!s["widgets"].contains(id)) continue;
        EXPECT_LE(s["widgets"][id][0].get<double>() + s["widgets"][id][2].get<double>(), 390.5) << id;
    }
    for (const std::string& label : labels) EXPECT_EQ(label.find(".."), std::string::npos) << label;
    // The toolbar's Scenario button opens the editor over the whole window; its Back button closes it.
    ASSERT_TRUE(s["widgets"].contains("scenario_open"));
    p.SetScenarioOpen(true);
    Frames(p, 390, 844, 2);
    s = State(p);
    ASSERT_TRUE(s["widgets"].contains("scenario_content"));
    EXPECT_GT(s["widgets"]["scenario_content"][2].get<double>(), 0.8 * 390);
    EXPECT_EQ(s["scenario_overflow_x"].get<double>(), 0.0);
    // On a desktop the panel is beside the lanes, and busy cores keep their own rows.
    Frames(p, 1280, 800, 3);
    s = State(p);
    EXPECT_FALSE(s["narrow"].get<bool>());
    EXPECT_FALSE(s["scenario_open"].get<bool>());
    EXPECT_TRUE(s["widgets"].contains("scenario_content"));
    const auto wide = s["lane_labels"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(wide.begin(), wide.end(), "Core 0"), wide.end());
    EXPECT_NE(std::find(wide.begin(), wide.end(), "Thread-1 (run_task)"), wide.end());
}

// The scaling view's words come from its points: each line's one-worker and best makespan, and the lines the plot
// draws on top of one another (which a reader cannot see) named as coinciding.
TEST(ScalingSummary, SaysEachLinesBestAndWhichLinesCoincide) {
    const auto line = [](scenario::ModelKind kind, std::vector<int64_t> ms) {
        ScalingSeries s;
        s.model = kind;
        for (size_t i = 0; i < ms.size(); ++i) {
            s.workers.push_back(int32_t(i + 1));
            s.makespan.push_back(ms[i]);
        }
        return s;
    };
    using scenario::ModelKind;
    const int64_t ms = 1'000'000;
    const auto T = [](double milliseconds) { return FormatTime(milliseconds * 1e6); };  // as the UI writes times
    // I/O-bound work: threads and free threads alike, processes slower (they start first).
    std::vector<ScalingSeries> io = {line(ModelKind::Threads, {400 * ms, 200 * ms, 100 * ms, 100 * ms}),
                                     line(ModelKind::Processes, {480 * ms, 250 * ms, 170 * ms, 140 * ms}),
                                     line(ModelKind::FreeThreaded, {401 * ms, 200 * ms, 100 * ms, 101 * ms})};
    const std::string said = ScalingSummary(io);
    EXPECT_NE(said.find("threads: " + T(400) + " with 1 worker, at best " + T(100) + " with 3 (4.00x faster)"), std::string::npos)
        << said;
    EXPECT_NE(said.find("processes: " + T(480) + " with 1 worker, at best " + T(140) + " with 4 (3.43x faster)"), std::string::npos)
        << said;
    EXPECT_NE(said.find("threads and free_threaded coincide"), std::string::npos) << said;
    EXPECT_EQ(said.find("threads and processes coincide"), std::string::npos) << said;
    EXPECT_EQ(said.find("processes and free_threaded coincide"), std::string::npos) << said;

    // Apart by more than 1% at one point: not one line. A flat line is said to be no faster.
    io[2].makespan[3] = 103 * ms;
    io[0].makespan = {400 * ms, 401 * ms, 402 * ms, 402 * ms};
    const std::string apart = ScalingSummary(io);
    EXPECT_EQ(apart.find("coincide"), std::string::npos) << apart;
    EXPECT_NE(apart.find("threads: " + T(400) + " with 1 worker, and no faster with more"), std::string::npos) << apart;

    // Points not computed yet are skipped; nothing computed says nothing.
    std::vector<ScalingSeries> pending = {line(ModelKind::Threads, {-1, -1}), line(ModelKind::Processes, {-1, 90 * ms})};
    EXPECT_EQ(ScalingSummary(pending), "processes: at best " + T(90) + " with 2 workers.");
    pending[1].makespan[1] = -1;
    EXPECT_EQ(ScalingSummary(pending), "");
}

}  // namespace
}  // namespace interleave::ui
