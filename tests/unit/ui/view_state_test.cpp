// The view's settings and their JSON form, and the small pure helpers of the views.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <thread>

#include "synthetic_trace.h"
#include "ui/executor.h"
#include "ui/explain.h"
#include "ui/span_text.h"
#include "ui/units.h"
#include "ui/view_state.h"

namespace interleave::ui {
namespace {

TEST(ViewState, RoundTripsThroughJson) {
    ViewState s;
    s.preset = "blog_threads_cpu";
    s.scenarioJson = R"({"name":"x","tasks":[]})";
    s.models = {"threads", "processes"};
    s.visible = {12.5, 99'000'000};
    s.selectedTask = trace::TaskId(3);
    s.theme = Theme::Light;
    s.tab = Tab::Scaling;
    s.playing = true;
    s.playbackTime = 4e6;
    s.playbackSpeed = 0.25;
    s.arrows = false;
    s.collapsed = {"MainProcess", "ForkPoolWorker-2"};
    ViewState back;
    std::string error;
    ASSERT_TRUE(ViewStateFromJson(ViewStateToJson(s), back, error)) << error;
    // The scenario comes back as the same JSON value (object key order aside).
    EXPECT_EQ(back.scenarioJson, R"({"name":"x","tasks":[]})");
    EXPECT_EQ(back, s);
}

TEST(ViewState, APinnedRunTravelsAsItsScenarioAndPresetAndIsCheckedAsAStrangersLinkIsRead) {
    ViewState s;
    s.pinnedScenarioJson = R"({"name":"pinned","tasks":[]})";
    s.pinnedPreset = "blog_cpu_threads";
    ViewState back;
    std::string error;
    ASSERT_TRUE(ViewStateFromJson(ViewStateToJson(s), back, error)) << error;
    EXPECT_EQ(back.pinnedScenarioJson, s.pinnedScenarioJson);
    EXPECT_EQ(back.pinnedPreset, "blog_cpu_threads");
    // Nothing pinned: no "pinned" key at all.
    EXPECT_EQ(ViewStateToJson(ViewState{}).find("pinned"), std::string::npos);
    for (const char* bad : {R"({"pinned": 1})", R"({"pinned": {}})", R"({"pinned": {"scenario": 5}})",
                            R"({"pinned": {"scenario": {}, "preset": 7}})"}) {
        ViewState unchanged = back;
        EXPECT_FALSE(ViewStateFromJson(bad, unchanged, error)) << bad;
        EXPECT_NE(error.find("pinned"), std::string::npos) << error;
        EXPECT_EQ(unchanged, back) << bad;
    }
    const std::string longPreset = R"({"pinned": {"scenario": {}, "preset": ")" + std::string(257, 'a') + R"("}})";
    EXPECT_FALSE(ViewStateFromJson(longPreset, back, error));
    EXPECT_EQ(error, "view state: pinned.preset is longer than 256 bytes");
}

TEST(ViewState, MalformedJsonIsRejectedAndLeavesTheStateUnchanged) {
    ViewState s;
    s.selectedTask = trace::TaskId(7);
    const ViewState before = s;
    std::string error;
    EXPECT_FALSE(ViewStateFromJson("{not json", s, error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(ViewStateFromJson(R"({"visible":[5,1]})", s, error));
    EXPECT_FALSE(ViewStateFromJson(R"({"theme":"purple"})", s, error));
    EXPECT_FALSE(ViewStateFromJson(R"({"selectedTask":"x"})", s, error));
    EXPECT_EQ(s, before);
}

TEST(ViewState, TheTimelinesArrowsAndFoldedGroupsAreCheckedAsAStrangersLinkIsRead) {
    ViewState s;
    const ViewState before = s;
    std::string error;
    EXPECT_FALSE(ViewStateFromJson(R"({"arrows":"no"})", s, error));
    EXPECT_EQ(error, "view state: arrows must be true or false");
    EXPECT_FALSE(ViewStateFromJson(R"({"collapsed":"MainProcess"})", s, error));
    EXPECT_EQ(error, "view state: collapsed must be an array of lane names");
    EXPECT_FALSE(ViewStateFromJson(R"({"collapsed":["a",5]})", s, error));
    EXPECT_EQ(error, "view state: collapsed must be an array of lane names");
    std::string many = R"({"collapsed":[)";
    for (size_t i = 0; i <= kMaxCollapsedGroups; ++i)
        many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    many += "]}";
    EXPECT_FALSE(ViewStateFromJson(many, s, error));
    EXPECT_EQ(error, "view state: collapsed names more than 256 lane groups");
    const std::string longName = R"({"collapsed":[")" + std::string(kMaxLaneNameBytes + 1, 'x') + R"("]})";
    EXPECT_FALSE(ViewStateFromJson(longName, s, error));
    EXPECT_EQ(error, "view state: collapsed has a lane name longer than 256 bytes");
    EXPECT_EQ(s, before);
    ASSERT_TRUE(ViewStateFromJson(R"({"arrows":false,"collapsed":["MainProcess"]})", s, error)) << error;
    EXPECT_FALSE(s.arrows);
    EXPECT_EQ(s.collapsed, std::vector<std::string>{"MainProcess"});
}

TEST(ViewState, MissingKeysKeepTheirValues) {
    ViewState s;
    s.selectedTask = trace::TaskId(7);
    std::string error;
    ASSERT_TRUE(ViewStateFromJson(R"({"theme":"light"})", s, error)) << error;
    EXPECT_EQ(s.selectedTask, trace::TaskId(7));
    EXPECT_EQ(s.theme, Theme::Light);
}

TEST(Units, DurationInputRoundTrips) {
    for (int64_t ns : {0LL, 100LL, 40'000LL, 1'000LL, 5'000'000LL, 1'500'000'000LL, 3'600'000'000'000LL}) {
        int64_t back = -1;
        ASSERT_TRUE(ParseDurationInput(DurationToInput(ns), back)) << DurationToInput(ns);
        EXPECT_EQ(back, ns);
    }
}

TEST(Units, DurationInputAcceptsWhatPeopleType) {
    int64_t ns = 0;
    EXPECT_TRUE(ParseDurationInput(" 5 ms ", ns));
    EXPECT_EQ(ns, 5'000'000);
    EXPECT_TRUE(ParseDurationInput("1.5s", ns));
    EXPECT_EQ(ns, 1'500'000'000);
    EXPECT_FALSE(ParseDurationInput("5", ns));      // a unit is needed
    EXPECT_FALSE(ParseDurationInput("-3ms", ns));
    EXPECT_FALSE(ParseDurationInput("fast", ns));
}

TEST(Units, BytesInputRoundTrips) {
    for (int64_t b : {0LL, 100LL, 1'536LL, 10'000'000LL, 1'000'000'000LL}) {
        int64_t back = -1;
        ASSERT_TRUE(ParseBytesInput(BytesToInput(b), back)) << BytesToInput(b);
        EXPECT_EQ(back, b);
    }
    int64_t b = 0;
    EXPECT_TRUE(ParseBytesInput("1GiB", b));
    EXPECT_EQ(b, int64_t(1) << 30);
}

TEST(SpanText, GilWaitNamesTheHolderSinceWhenAndTheDropRequest) {
    trace::Trace t = testing::ThreadsTrace(2, 2, 4);
    trace::Span s;
    s.track = trace::TrackId(5);  // Thread-2 (cores 0-1, GIL, process, Thread-1, Thread-2)
    s.cause = trace::TrackId(4);  // Thread-1
    s.state = trace::SpanState::WaitingGil;
    s.start = 12'000'000;
    s.end = 17'000'000;
    t.AddWait(s, 12'000'000, 17'000'000);
    EXPECT_EQ(CauseText(t, s), "waiting for the GIL held by Thread-1 since 12.000 ms; drop request at 17.000 ms");
    const std::string tip = SpanTooltip(t, s);
    EXPECT_NE(tip.find("Thread-2: waiting for the GIL"), std::string::npos) << tip;
    EXPECT_NE(tip.find("duration 5.000 ms"), std::string::npos) << tip;
}

TEST(SpanText, DropRequestNamesTheWaiterAndTheHolder) {
    const trace::Trace t = testing::ThreadsTrace(2, 2, 4);
    const trace::Instant drop{17'000'000, trace::TrackId(5), trace::InstantKind::DropRequest, trace::TrackId(4)};
    EXPECT_EQ(InstantTooltip(t, drop), "drop request: Thread-2 asks Thread-1 to drop the GIL at 17.000 ms");
}

TEST(Explain, CpuBoundThreadsBlameTheGil) {
    scenario::Scenario s;
    scenario::TaskGroup g;
    g.name = "work";
    g.count = 8;
    scenario::Step step;
    step.kind = scenario::StepKind::Cpu;
    step.duration = 1'000'000'000;
    g.steps.push_back(step);
    s.groups.push_back(g);
    s.model.kind = scenario::ModelKind::Threads;
    s.model.workers = 4;
    trace::Trace t;
    t.metrics.makespan = 8'100'000'000;
    t.metrics.speedup = 1.01;
    t.metrics.gilWait = 24'300'000'000;
    const std::string text = Explain(s, t);
    EXPECT_NE(text.find("8 CPU-bound tasks on 4 threads took 8.100 s, 1.01x sequential"), std::string::npos) << text;
    EXPECT_NE(text.find("only the thread holding the GIL runs Python"), std::string::npos) << text;
    EXPECT_NE(text.find("24.300 s"), std::string::npos) << text;
}

TEST(Explain, RepeatLoopsCountTowardsTheWorkload) {
    scenario::Scenario s;
    scenario::TaskGroup g;
    g.count = 1;
    scenario::Step io;
    io.kind = scenario::StepKind::Io;
    io.duration = 10'000'000;
    scenario::Step loop;
    loop.kind = scenario::StepKind::Repeat;
    loop.repeat = 100;
    scenario::Step cpu;
    cpu.kind = scenario::StepKind::Cpu;
    cpu.duration = 1'000'000;
    loop.body.push_back(cpu);
    g.steps = {io, loop};
    s.groups.push_back(g);
    EXPECT_EQ(ClassifyWorkload(s), WorkloadKind::CpuBound);  // 100 ms of CPU vs 10 ms of I/O
}

TEST(Executor, InlineExecutorRunsJobsInALaterFrameNotOnSubmit) {
    auto executor = MakeExecutor(false);
    int runs = 0;
    executor->Submit([&] { ++runs; });
    EXPECT_EQ(runs, 0);
    EXPECT_EQ(executor->Pending(), 1);
    executor->Pump(8.0);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(executor->Pending(), 0);
}

TEST(Executor, InlineExecutorRunsAtLeastOneJobAFrameWithinTheBudget) {
    auto executor = MakeExecutor(false);
    int runs = 0;
    for (int i = 0; i < 3; ++i)
        executor->Submit([&] {
            ++runs;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        });
    executor->Pump(1.0);
    EXPECT_EQ(runs, 1);
    executor->Pump(100.0);
    EXPECT_EQ(runs, 3);
}

// A frame's turn of work is as long as the rest of the last frame took, within 8 and 25 ms: work never takes much more
// than half of a frame, and a slow frame (software rendering, a slow phone) leaves it a longer turn.
TEST(Executor, AFramesWorkIsAsLongAsTheRestOfTheLastFrameWithinBounds) {
    EXPECT_EQ(FrameWorkBudgetMs(0), kMinFrameWorkMs);
    EXPECT_EQ(FrameWorkBudgetMs(3), kMinFrameWorkMs);
    EXPECT_EQ(FrameWorkBudgetMs(12.5), 12.5);
    EXPECT_EQ(FrameWorkBudgetMs(55), kMaxFrameWorkMs);
    EXPECT_EQ(FrameWorkBudgetMs(1e9), kMaxFrameWorkMs);  // a tab in the background
    EXPECT_EQ(FrameWorkBudgetMs(-4), kMinFrameWorkMs);
    EXPECT_EQ(FrameWorkBudgetMs(std::numeric_limits<double>::quiet_NaN()), kMinFrameWorkMs);
    EXPECT_EQ(FrameWorkBudgetMs(std::numeric_limits<double>::infinity()), kMaxFrameWorkMs);
}

TEST(Executor, ThreadExecutorRunsJobsInTheBackground) {
    auto executor = MakeExecutor(true);
    std::atomic<bool> release{false}, done{false};
    executor->Submit([&] {
        while (!release) std::this_thread::yield();
        done = true;
    });
    // Submit returned while the job waits: the caller was not blocked.
    EXPECT_FALSE(done);
    release = true;
    for (int i = 0; i < 2000 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_TRUE(done);
}

}  // namespace
}  // namespace interleave::ui
