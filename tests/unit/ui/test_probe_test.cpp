// The test probe (ui::TestProbe): what the end-to-end tests read of a frame, under the names they read. No ImGui.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ui/test_probe.h"

namespace interleave::ui {
namespace {

using nlohmann::json;

json Written(const TestProbe& probe) {
    json state = json::object();
    probe.WriteTo(state);
    return state;
}

TEST(TestProbe, WritesTheNamesTheEndToEndTestsRead) {
    TestProbe probe;
    probe.Remember("play", {1, 2, 3, 4}, false);
    probe.SetTooltip("w-1: cpu 10 ms");
    probe.SetScenarioOverflowX(12.5f);
    probe.NoteCutCell("720.733 ms");
    const json state = Written(probe);
    // tests/e2e and web/ read exactly these keys: renaming one breaks them without a compiler error.
    for (const char* key : {"widgets", "scrolling_widgets", "hover_tooltip", "scenario_overflow_x", "cut_table_cells"})
        ASSERT_TRUE(state.contains(key)) << key << " missing from " << state.dump();
    EXPECT_EQ(state["widgets"]["play"], json::array({1, 2, 3, 4}));
    EXPECT_EQ(state["scrolling_widgets"], json::array());
    EXPECT_EQ(state["hover_tooltip"], "w-1: cpu 10 ms");
    EXPECT_FLOAT_EQ(state["scenario_overflow_x"].get<float>(), 12.5f);
    EXPECT_EQ(state["cut_table_cells"], json::array({"720.733 ms"}));
    EXPECT_EQ(state.size(), 5u);
}

TEST(TestProbe, ListsOnlyTheWidgetsDrawnInTheLastFrame) {
    TestProbe probe;
    probe.Remember("share", {0, 0, 10, 10}, true);
    probe.SetTooltip("old");
    probe.NoteCutCell("old");
    probe.BeginFrame();
    probe.Remember("play", {5, 5, 10, 10}, false);
    const json state = Written(probe);
    EXPECT_FALSE(state["widgets"].contains("share"));
    EXPECT_TRUE(state["widgets"].contains("play"));
    EXPECT_EQ(state["scrolling_widgets"], json::array());
    EXPECT_EQ(state["hover_tooltip"], "");
    EXPECT_EQ(state["cut_table_cells"], json::array());
}

TEST(TestProbe, AWidgetInAWindowThatScrollsIsListedAsScrolling) {
    TestProbe probe;
    probe.Remember("add_step", {0, 900, 40, 20}, true);
    probe.Remember("play", {0, 0, 40, 20}, false);
    EXPECT_EQ(Written(probe)["scrolling_widgets"], json::array({"add_step"}));
}

TEST(TestProbe, AWidgetDrawnTwiceInAFrameIsWhereItWasDrawnLast) {
    TestProbe probe;
    probe.Remember("story_bar", {0, 0, 10, 10}, false);
    probe.Remember("story_bar", {0, 40, 200, 30}, false);
    EXPECT_EQ(probe.RectOf("story_bar"), (TestProbe::Rect{0, 40, 200, 30}));
}

TEST(TestProbe, AWidgetNotDrawnHasNoRectAndIsNotListed) {
    TestProbe probe;
    EXPECT_EQ(probe.RectOf("story_bar"), (TestProbe::Rect{0, 0, 0, 0}));
    EXPECT_FALSE(probe.Drawn("story_bar"));  // asking does not list it
    EXPECT_TRUE(Written(probe)["widgets"].empty());
}

TEST(TestProbe, RowsForgottenByPrefixLeaveTheOtherWidgets) {
    TestProbe probe;
    probe.Remember("step_remove_0", {0, 0, 1, 1}, false);
    probe.Remember("step_remove_1", {0, 0, 1, 1}, false);
    probe.Remember("add_step", {0, 0, 1, 1}, false);
    probe.ForgetPrefix("step_remove_");
    const json widgets = Written(probe)["widgets"];
    EXPECT_EQ(widgets.size(), 1u);
    EXPECT_TRUE(widgets.contains("add_step"));
}

TEST(TestProbe, TheOverflowOfTheScenarioPanelStaysUntilItIsMeasuredAgain) {
    // A frame that does not draw the panel (a phone's timeline) keeps the last measurement, as the tests expect.
    TestProbe probe;
    probe.SetScenarioOverflowX(3);
    probe.BeginFrame();
    EXPECT_FLOAT_EQ(probe.ScenarioOverflowX(), 3);
}

TEST(WorkMsP90, IsTheNinetiethPercentileOfTheSlicesAndZeroWithoutAny) {
    EXPECT_EQ(WorkMsP90({}), 0);
    std::vector<float> work;
    // 10 slices of 1..10 ms, in no particular order.
    for (int i = 10; i >= 1; --i)
        work.push_back(float(i));
    EXPECT_EQ(WorkMsP90(work), 10);  // index 9 of 10
    work.resize(20, 0.5f);           // ten more of 0.5 ms
    EXPECT_EQ(WorkMsP90(work), 9);   // index 18 of 20: the second longest
}

}  // namespace
}  // namespace interleave::ui
