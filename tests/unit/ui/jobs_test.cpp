// The playground's background work without its drawing (ui::Jobs): what each job hands over, when, and what a
// cancelled or replaced job never hands over. Both executors: a worker thread, and the single-threaded build's slices.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "scenario/scenario.h"
#include "synthetic_trace.h"
#include "test_support.h"
#include "trace/trace_json.h"
#include "ui/jobs.h"

namespace interleave::ui {
namespace {

using interleave::testing::ParseOrDie;

// Four threads of 10 ms of Python each on 2 cores: a few hundred events, done within the call that asks.
scenario::Scenario Small(const std::string& name = "small") {
    return ParseOrDie(R"({"name":")" + name +
                      R"(","tasks":[{"name":"w","count":4,"steps":[{"cpu":"10ms"}]}],"model":{"kind":"threads"},)"
                      R"("machine":{"cores":2}})");
}

// 60,000 steps at a 1 us switch interval: far more than a frame's inline budget.
scenario::Scenario Large() {
    return ParseOrDie(
        R"({"tasks":[{"name":"w","count":20,"steps":[{"repeat":3000,"steps":[{"cpu":"50us"}]}]}],)"
        R"("model":{"kind":"threads"},"machine":{"cores":2,"profile":{"switch_interval":"1us"}}})");
}

// Polls until nothing is left to hand over (at most 60 s), gathering what was handed over.
struct Gathered {
    std::vector<Jobs::FinishedRun> runs, pinned;
    std::vector<models::Comparison> comparisons;
    std::vector<Jobs::FinishedReal> reals;
    std::vector<Jobs::FinishedRead> reads;
    int sweepsEnded = 0;
    int polls = 0;
};
Gathered PollUntilIdle(Jobs& jobs, std::vector<ScalingSeries>& scaling) {
    Gathered out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    do {
        Jobs::Finished f = jobs.Poll(scaling);
        ++out.polls;
        if (f.run) out.runs.push_back(std::move(*f.run));
        if (f.pinned) out.pinned.push_back(std::move(*f.pinned));
        if (f.comparison) out.comparisons.push_back(std::move(*f.comparison));
        if (f.real) out.reals.push_back(std::move(*f.real));
        for (auto& read : f.reads) out.reads.push_back(std::move(read));
        out.sweepsEnded += f.sweepEnded;
        if (jobs.Threaded()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } while ((jobs.Busy() || jobs.Sweeping()) && std::chrono::steady_clock::now() < deadline);
    return out;
}

class JobsTest : public ::testing::TestWithParam<bool> {};  // the parameter: a worker thread

TEST_P(JobsTest, ASmallRunEndsInTheCallThatAsksAndIsHandedOverOnce) {
    Jobs jobs(GetParam(), 10.0);
    jobs.Simulate(Small());
    EXPECT_FALSE(jobs.Simulating()) << "done within the inline budget";
    EXPECT_TRUE(jobs.Busy()) << "busy until handed over";
    std::vector<ScalingSeries> none;
    const Gathered g = PollUntilIdle(jobs, none);
    ASSERT_EQ(g.runs.size(), 1u);
    EXPECT_TRUE(g.runs[0].result.ok) << g.runs[0].result.error;
    EXPECT_EQ(g.runs[0].scenario.name, "small");
    // Under the GIL the four threads' 40 ms of Python take turns, plus the starts and switches.
    EXPECT_GE(g.runs[0].result.trace.metrics.makespan, 40'000'000);
    EXPECT_LT(g.runs[0].result.trace.metrics.makespan, 41'000'000);
    EXPECT_EQ(g.polls, 1);
    EXPECT_EQ(jobs.WorkMs().size(), 1u) << "the inline start, recorded as UI-thread work";
}

TEST_P(JobsTest, ALargeRunGoesOnInSlicesAndOnlyTheLatestRunIsHandedOver) {
    Jobs jobs(GetParam(), 60.0);
    jobs.Simulate(Large());
    EXPECT_TRUE(jobs.Simulating()) << "60,000 steps at a 1 us interval do not fit the inline budget";
    jobs.Simulate(Small("second"));  // replaces the first, which is cancelled and never handed over
    std::vector<ScalingSeries> none;
    const Gathered g = PollUntilIdle(jobs, none);
    ASSERT_EQ(g.runs.size(), 1u);
    EXPECT_EQ(g.runs[0].scenario.name, "second");
    EXPECT_FALSE(jobs.Busy());
}

TEST_P(JobsTest, CancelledSimulationsHandOverNothing) {
    Jobs jobs(GetParam(), 60.0);
    jobs.Simulate(Large());
    jobs.Compare(Large(), false);
    ASSERT_TRUE(jobs.Simulating());
    EXPECT_TRUE(jobs.CancelSimulations()) << "the run was under way";
    EXPECT_FALSE(jobs.Comparing());
    std::vector<ScalingSeries> none;
    const Gathered g = PollUntilIdle(jobs, none);
    EXPECT_TRUE(g.runs.empty());
    EXPECT_TRUE(g.comparisons.empty());
    EXPECT_FALSE(jobs.CancelSimulations()) << "nothing left to cancel";
}

TEST_P(JobsTest, ASweepFillsEveryPointAndEnds) {
    Jobs jobs(GetParam(), 10.0);
    std::vector<ScalingSeries> scaling = jobs.Sweep(Small());
    ASSERT_EQ(scaling.size(), 3u);  // threads, processes, free-threaded
    for (const ScalingSeries& series : scaling) {
        EXPECT_EQ(series.workers.size(), 4u) << "1 to 2 x 2 cores";
        for (int64_t makespan : series.makespan) EXPECT_EQ(makespan, -1);
    }
    const Gathered g = PollUntilIdle(jobs, scaling);
    EXPECT_EQ(g.sweepsEnded, 1);
    for (const ScalingSeries& series : scaling)
        for (int64_t makespan : series.makespan) EXPECT_GT(makespan, 0);
    // Threads under the GIL: four 10 ms tasks take 40 ms of Python whatever the number of workers.
    EXPECT_GE(scaling[0].makespan.back(), 40'000'000);
}

TEST_P(JobsTest, AComparisonHandsOverEveryModelAndTheRecommendation) {
    Jobs jobs(GetParam(), 10.0);
    jobs.Compare(Small(), false);
    std::vector<ScalingSeries> none;
    const Gathered g = PollUntilIdle(jobs, none);
    ASSERT_EQ(g.comparisons.size(), 1u);
    const models::Comparison& c = g.comparisons[0];
    EXPECT_EQ(c.results.size(), c.models.size());
    EXPECT_GE(c.recommended, 0);
    EXPECT_FALSE(c.reason.empty());
}

TEST_P(JobsTest, TraceFilesAreReadOrRefusedInTheOrderAsked) {
    Jobs jobs(GetParam(), 10.0);
    jobs.Read("good.json", trace::ToJson(testing::ThreadsTrace(2, 2, 40)));
    jobs.Read("bad.json", R"({"format": 5})");
    EXPECT_EQ(jobs.Reading(), 2u);
    std::vector<ScalingSeries> none;
    const Gathered g = PollUntilIdle(jobs, none);
    ASSERT_EQ(g.reads.size(), 2u);
    EXPECT_EQ(g.reads[0].title, "good.json");
    EXPECT_TRUE(g.reads[0].ok) << g.reads[0].error;
    EXPECT_TRUE(g.reads[0].trace.IsFinished());
    EXPECT_GT(g.reads[0].trace.metrics.makespan, 0);
    EXPECT_EQ(g.reads[1].title, "bad.json");
    EXPECT_FALSE(g.reads[1].ok);
    EXPECT_FALSE(g.reads[1].error.empty());
    EXPECT_EQ(jobs.Reading(), 0u);
}

TEST_P(JobsTest, ARealRunGetsTheScenarioAndOneRunsAtATime) {
    Jobs jobs(GetParam(), 10.0);
    std::string ran;
    int kindSeen = -1;
    RunForRealFn run = [&](const scenario::Scenario& s, int kind, std::atomic<float>* progress,
                           const std::atomic<bool>*) {
        ran = s.name;
        kindSeen = kind;
        progress->store(1.0f);
        RealRunOutcome outcome;
        outcome.ok = true;
        outcome.trace = testing::ThreadsTrace(2, 2, 10);
        return outcome;
    };
    EXPECT_FALSE(jobs.RunForReal(Small(), 1, RunForRealFn{})) << "no runner: nothing to start";
    ASSERT_TRUE(jobs.RunForReal(Small("real"), 1, run));
    EXPECT_FALSE(jobs.RunForReal(Small(), 0, run)) << "one real run at a time";
    std::vector<ScalingSeries> none;
    const Gathered g = PollUntilIdle(jobs, none);
    ASSERT_EQ(g.reals.size(), 1u);
    EXPECT_TRUE(g.reals[0].outcome.ok);
    EXPECT_EQ(g.reals[0].kind, 1);
    EXPECT_EQ(ran, "real");
    EXPECT_EQ(kindSeen, 1);
}

INSTANTIATE_TEST_SUITE_P(Executors, JobsTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& executor) { return executor.param ? "Worker" : "Slices"; });

}  // namespace
}  // namespace interleave::ui
