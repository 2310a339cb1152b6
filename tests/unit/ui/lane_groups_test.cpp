// Lane groups that collapse (ui/lane_rows.h ShowLaneRows, ui/timeline_lod.h SummariseLanes) and the timeline's own
// handling of them, its arrows and its minimap strip, drawn headless (TimelineController).
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "synthetic_trace.h"
#include "test_support.h"
#include "ui/headless.h"
#include "ui/lane_rows.h"
#include "ui/timeline.h"
#include "ui/timeline_lod.h"

namespace interleave::ui {
namespace {

using trace::TrackId;
using interleave::testing::TrackNamed;
using trace::TrackKind;

std::vector<std::string> Names(const trace::Trace& t, const std::vector<ShownRow>& rows) {
    std::vector<std::string> names;
    for (const ShownRow& row : rows)
        names.push_back(row.row.label.empty() ? t.tracks[row.row.first.Index()].name : row.row.label);
    return names;
}

TEST(LaneGroups, ACollapsedProcessIsOneRowStandingForEveryLaneUnderIt) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    const trace::Trace& t = result.trace;
    const auto lanes = GroupLaneRows(t);
    const auto expanded = ShowLaneRows(t, lanes, {});
    ASSERT_EQ(expanded.size(), lanes.size());
    const TrackId process = TrackNamed(t, "MainProcess");
    const auto at =
        std::find_if(expanded.begin(), expanded.end(), [&](const ShownRow& r) { return r.row.first == process; });
    ASSERT_NE(at, expanded.end());
    EXPECT_TRUE(at->Group());
    EXPECT_EQ(at->members, 4);  // MainThread, the GIL, Thread-1, Thread-2
    std::vector<bool> collapsed(t.tracks.size(), false);
    collapsed[process.Index()] = true;
    const auto rows = ShowLaneRows(t, lanes, collapsed);
    EXPECT_EQ(Names(t, rows), (std::vector<std::string>{"Core 0", "Core 1", "Cores 2-3 idle", "MainProcess"}));
    EXPECT_TRUE(rows.back().collapsed);
    const auto rowOf = RowOfTrack(t, rows);
    for (const char* name : {"MainThread", "GIL (MainProcess)", "Thread-1 (run_task)", "Thread-2 (run_task)"})
        EXPECT_EQ(rowOf[(TrackNamed(t, name)).Index()], 3) << name << " is not drawn in its group's row";
    EXPECT_EQ(rowOf[(TrackNamed(t, "Core 3")).Index()], 2);
}

TEST(LaneGroups, CollapsingAPoolWorkerHidesOnlyItsOwnTaskLanes) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("pool_items_event_loop"));
    const trace::Trace& t = result.trace;
    const auto lanes = GroupLaneRows(t);
    const TrackId worker = TrackNamed(t, "ForkPoolWorker-1");
    std::vector<bool> collapsed(t.tracks.size(), false);
    collapsed[worker.Index()] = true;
    const auto rows = ShowLaneRows(t, lanes, collapsed);
    const auto expanded = ShowLaneRows(t, lanes, {});
    const auto group =
        std::find_if(expanded.begin(), expanded.end(), [&](const ShownRow& r) { return r.row.first == worker; });
    ASSERT_NE(group, expanded.end());
    ASSERT_GT(group->members, 0);
    EXPECT_EQ(rows.size(), expanded.size() - size_t(group->members));
    const auto rowOf = RowOfTrack(t, rows);
    const auto shown =
        size_t(std::find_if(rows.begin(), rows.end(), [&](const ShownRow& r) { return r.row.first == worker; }) -
               rows.begin());
    for (size_t k = 0; k < t.tracks.size(); ++k) {
        bool under = false;
        for (TrackId p = t.tracks[k].parent; p.Valid(); p = t.tracks[p.Index()].parent)
            under = under || p == worker;
        ASSERT_GE(rowOf[k], 0) << t.tracks[k].name << " has no row";
        if (under) {
            EXPECT_EQ(size_t(rowOf[k]), shown) << t.tracks[k].name;
        } else if (TrackId(k) != worker) {
            EXPECT_NE(size_t(rowOf[k]), shown) << t.tracks[k].name << " hidden with ForkPoolWorker-1";
        }
    }
}

// `processes` processes, each with a loop thread with `tasks` task lanes and `threads` more threads.
trace::Trace ManyLanes(int processes, int threads, int tasks) {
    trace::Trace t;
    for (int p = 0; p < processes; ++p) {
        const TrackId process = t.AddTrack("Process-" + std::to_string(p), TrackKind::Process);
        const TrackId loop = t.AddTrack("Loop-" + std::to_string(p), TrackKind::EventLoop, process);
        for (int k = 0; k < tasks; ++k)
            t.AddTrack("Task-" + std::to_string(k), TrackKind::Task, loop);
        for (int k = 0; k < threads; ++k)
            t.AddTrack("Thread-" + std::to_string(k), TrackKind::Thread, process);
    }
    for (size_t k = 0; k < t.tracks.size(); ++k)
        t.spans.push_back(
            {0, 10, TrackId(k), trace::TaskId::None(), trace::TrackId::None(), trace::SpanState::RunningPython});
    t.Finish();
    return t;
}

TEST(LaneGroups, HundredsOfLanesCollapseAndExpandBackToTheSameRows) {
    const trace::Trace t = ManyLanes(60, 4, 6);  // 60 x (1 + 1 + 6 + 4) = 720 lanes
    const auto lanes = GroupLaneRows(t);
    ASSERT_EQ(lanes.size(), 720u);
    std::vector<bool> collapsed(t.tracks.size(), false);
    // Every even process collapsed; in every odd one, its loop; and in process 0, its loop too (hidden inside it).
    for (int p = 0; p < 60; ++p)
        collapsed[size_t(p * 12 + (p % 2 ? 1 : 0))] = true;
    collapsed[1] = true;
    const auto rows = ShowLaneRows(t, lanes, collapsed);
    EXPECT_EQ(rows.size(), 30u * 1 + 30u * (1 + 1 + 4));
    const auto rowOf = RowOfTrack(t, rows);
    for (size_t k = 0; k < t.tracks.size(); ++k) {
        ASSERT_GE(rowOf[k], 0) << t.tracks[k].name;
        const size_t p = k / 12, within = k % 12;
        const TrackId expected =
            p % 2 == 0 ? TrackId(p * 12) : (within >= 2 && within < 8 ? TrackId(p * 12 + 1) : TrackId(k));
        EXPECT_EQ(rows[size_t(rowOf[k])].row.first, expected) << "track " << k;
    }
    // Expanding process 0 shows its loop still collapsed, as it was left.
    collapsed[0] = false;
    const auto again = ShowLaneRows(t, lanes, collapsed);
    EXPECT_EQ(again.size(), rows.size() + 1 + 4);
    EXPECT_TRUE(again[1].collapsed);
    EXPECT_EQ(again[1].members, 6);
    // Nothing collapsed: exactly GroupLaneRows.
    const auto all = ShowLaneRows(t, lanes, std::vector<bool>(t.tracks.size(), false));
    ASSERT_EQ(all.size(), lanes.size());
    for (size_t i = 0; i < all.size(); ++i) {
        EXPECT_EQ(all[i].row.first, lanes[i].first);
        EXPECT_FALSE(all[i].collapsed);
        EXPECT_EQ(all[i].depth, t.tracks[lanes[i].first.Index()].kind == TrackKind::Task      ? 2
                                : t.tracks[lanes[i].first.Index()].kind == TrackKind::Process ? 0
                                                                                              : 1);
    }
}

TEST(LaneGroups, ASummaryRowShowsHowManyLanesAreBusyAndWhatMostOfThemDo) {
    DrawCmd run;
    run.x0 = 0;
    run.x1 = 10;
    run.count = 1;
    run.state = trace::SpanState::RunningPython;
    DrawCmd wait = run;
    wait.x0 = 4;
    wait.x1 = 10;
    wait.state = trace::SpanState::WaitingGil;
    DrawCmd idle = run;
    idle.state = trace::SpanState::Idle;
    const std::vector<DrawCmd> a{run}, b{wait}, c{wait}, d{idle};
    const std::vector<std::span<const DrawCmd>> lanes{a, b, c, d};
    const auto runs = SummariseLanes(lanes, 12);
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_FLOAT_EQ(runs[0].x0, 0);
    EXPECT_FLOAT_EQ(runs[0].x1, 4);
    EXPECT_EQ(runs[0].busy, 1u);
    EXPECT_EQ(runs[0].state, trace::SpanState::RunningPython);
    EXPECT_EQ(runs[0].lanes, 4u);
    EXPECT_FLOAT_EQ(runs[1].x0, 4);
    EXPECT_FLOAT_EQ(runs[1].x1, 10);
    EXPECT_EQ(runs[1].busy, 3u);
    EXPECT_EQ(runs[1].state, trace::SpanState::WaitingGil) << "two of the three busy lanes wait";
}

// [SECTION] The controller, headless

class TimelineDrawn : public ::testing::Test {
protected:
    void SetUp() override {
        m_context = std::make_unique<HeadlessContext>();
        HeadlessContext::SetDisplay(1280, 800);
    }
    void TearDown() override { m_context.reset(); }
    void Frame(TimelineController& controller, TimeRange& range) {
        HeadlessFrame([&] {
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(ImVec2(1280, 800));
            ImGui::Begin("timeline");
            trace::TaskId selected;
            controller.Draw("lanes", ImVec2(1200, 700), range, selected, Theme::Dark, -1);
            ImGui::End();
        });
    }
    std::unique_ptr<HeadlessContext> m_context;
};

TEST_F(TimelineDrawn, CollapsingAGroupLeavesOneLabelledRowAndItsArrowsGo) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    const trace::Trace& t = result.trace;
    TimelineController controller;
    controller.AddSection("run", &t);
    TimeRange range{5'000'000, 10'500'000};
    Frame(controller, range);
    const size_t rows = controller.Rows();
    EXPECT_FALSE(controller.ArrowsLastFrame().empty()) << "the drop request and hand-offs between the threads";
    controller.SetCollapsed(0, TrackNamed(t, "MainProcess"), true);
    Frame(controller, range);
    EXPECT_EQ(controller.Rows(), rows - 4);
    const auto& labels = controller.ShownLabels();
    EXPECT_NE(std::find(labels.begin(), labels.end(), "MainProcess (+4)"), labels.end());
    EXPECT_TRUE(controller.ArrowsLastFrame().empty()) << "both threads are in the collapsed row";
    controller.SetCollapsed(0, TrackNamed(t, "MainProcess"), false);
    controller.SetShowArrows(false);
    Frame(controller, range);
    EXPECT_EQ(controller.Rows(), rows);
    EXPECT_TRUE(controller.ArrowsLastFrame().empty()) << "the toggle is off";
}

TEST_F(TimelineDrawn, HoveringAnArrowSaysWhoAskedWhom) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    TimelineController controller;
    controller.AddSection("run", &result.trace);
    TimeRange range{5'100'000, 5'350'000};
    Frame(controller, range);
    const auto& arrows = controller.ArrowsLastFrame();
    const auto drop =
        std::find_if(arrows.begin(), arrows.end(), [](const Arrow& a) { return a.kind == ArrowKind::DropRequest; });
    ASSERT_NE(drop, arrows.end());
    const auto lanes = controller.LanesRect();
    const float laneH = std::round(ImGui::GetTextLineHeight() + 6);
    // Halfway along the arrow, off its dot and its head.
    const float x = lanes[0] + (drop->x0 + drop->x1) / 2;
    const float y = lanes[1] + (float(drop->fromRow) + 0.5f + float(drop->toRow)) / 2 * laneH;
    ImGui::GetIO().MousePos = ImVec2(x, y);
    Frame(controller, range);
    Frame(controller, range);
    EXPECT_NE(controller.Tooltip().find("asked Thread-2 (run_task) to drop the GIL at 5.228 ms"), std::string::npos)
        << controller.Tooltip();
}

TEST_F(TimelineDrawn, ACollapsedGroupStaysCollapsedWhenTheRunIsDrawnAgain) {
    // Editing the scenario simulates again: the playground clears the timeline and adds the new run.
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    TimelineController controller;
    controller.AddSection("run", &result.trace);
    const size_t rows = controller.Rows();
    controller.SetCollapsed(0, TrackNamed(result.trace, "MainProcess"), true);
    controller.Clear();
    const auto again = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    controller.AddSection("run", &again.trace);
    EXPECT_TRUE(controller.Collapsed(0, TrackNamed(again.trace, "MainProcess")));
    EXPECT_EQ(controller.Rows(), rows - 4);
    controller.SetCollapsed(0, TrackNamed(again.trace, "MainProcess"), false);
    controller.Clear();
    controller.AddSection("run", &again.trace);
    EXPECT_EQ(controller.Rows(), rows) << "expanded stays expanded";
}

TEST_F(TimelineDrawn, ClickingAGroupsNameCollapsesIt) {
    const trace::Trace t = testing::ThreadsTrace();
    TimelineController controller;
    controller.AddSection("run", &t);
    TimeRange range = FitRange(0, t.EndTime());
    Frame(controller, range);
    const size_t rows = controller.Rows();
    const auto lanes = controller.LanesRect();
    const float laneH = std::round(ImGui::GetTextLineHeight() + 6);
    // Row 0 is the section's header, 1-4 the cores, 5 the GIL, 6 MainProcess (a group: its threads).
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(lanes[0] - 30, lanes[1] + laneH * 6.5f);
    Frame(controller, range);
    io.AddMouseButtonEvent(0, true);
    Frame(controller, range);
    io.AddMouseButtonEvent(0, false);
    Frame(controller, range);
    EXPECT_TRUE(controller.Collapsed(0, TrackNamed(t, "MainProcess")));
    EXPECT_EQ(controller.Rows(), rows - 4);
}

TEST_F(TimelineDrawn, DraggingOnTheMinimapMovesTheView) {
    const trace::Trace t = testing::ThreadsTrace();
    TimelineController controller;
    controller.AddSection("run", &t);
    const double end = double(t.EndTime());
    TimeRange range{0, end / 10};
    Frame(controller, range);
    const auto lanes = controller.LanesRect();
    // The strip is above the axis, above the lanes: its middle is a strip and an axis above the lanes' top.
    const float stripMiddle = lanes[1] - (ImGui::GetTextLineHeight() + 8) - (ImGui::GetFontSize() + 6) * 0.5f;
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(lanes[0] + lanes[2] * 0.75f, stripMiddle);
    Frame(controller, range);
    io.AddMouseButtonEvent(0, true);
    Frame(controller, range);
    Frame(controller, range);
    io.AddMouseButtonEvent(0, false);
    Frame(controller, range);
    EXPECT_NEAR((range.t0 + range.t1) / 2, 0.75 * end, end * 0.01);
    EXPECT_NEAR(range.Width(), end / 10, 1);
}

}  // namespace
}  // namespace interleave::ui

namespace interleave::ui {
namespace {

TEST_F(TimelineDrawn, EveryGroupFoldsAtOnceOpensAgainAndFoldedNamesOutliveTheTrace) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("pool_items_event_loop"));
    const trace::Trace& t = result.trace;
    TimelineController controller;
    controller.AddSection("run", &t);
    TimeRange range{0, double(t.EndTime())};
    Frame(controller, range);
    const size_t open = controller.Rows();
    const auto every = ShowLaneRows(t, GroupLaneRows(t), {});
    const auto groups = size_t(std::count_if(every.begin(), every.end(), [](const ShownRow& r) { return r.Group(); }));
    ASSERT_GE(groups, 3u) << "the pool's parent and its workers";

    EXPECT_TRUE(controller.ToggleEveryGroup());
    Frame(controller, range);
    EXPECT_LT(controller.Rows(), open);
    for (const auto& row : controller.DrawnRows()) {
        if (row.members > 0) {
            EXPECT_TRUE(row.collapsed) << row.label << " is still open";
        }
    }
    EXPECT_EQ(controller.CollapsedGroups().size(), groups);

    EXPECT_FALSE(controller.ToggleEveryGroup());
    Frame(controller, range);
    EXPECT_EQ(controller.Rows(), open);
    EXPECT_TRUE(controller.CollapsedGroups().empty());

    // By name, as a link names them: a name no lane has is kept for a later trace.
    controller.SetCollapsedGroups({"ForkPoolWorker-1", "NoSuchLane"});
    Frame(controller, range);
    const auto& rows = controller.DrawnRows();
    const auto worker = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.collapsed; });
    ASSERT_NE(worker, rows.end());
    EXPECT_EQ(worker->label.rfind("ForkPoolWorker-1 (+", 0), 0u) << worker->label;
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.collapsed; }), 1);
    controller.Clear();
    controller.AddSection("again", &t);
    Frame(controller, range);
    EXPECT_EQ(controller.CollapsedGroups(), (std::vector<std::string>{"ForkPoolWorker-1", "NoSuchLane"}));
    EXPECT_TRUE(controller.Collapsed(0, TrackNamed(t, "ForkPoolWorker-1")));
}

}  // namespace
}  // namespace interleave::ui
