// asyncio.eager_task_factory (3.12+, the scenario's model.eager_tasks) in the simulator: a new task's first step runs
// at once inside create_task(), before what the loop had ready, and costs eager_step_overhead instead of a trip round
// the loop (models/asyncio/event_loop.h).
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace interleave {
namespace {

using testing::ParseOrDie;
using testing::SimulateOk;

using testing::Ms;
using testing::TaskNamed;

// Costs far apart, so which one a step paid shows in its times: a trip round the loop 100 us, an eager start 10 us.
std::string Scenario(const std::string& tasks, bool eager) {
    return R"({"name": "eager", "version": 6, "python": "3.13", "tasks": )" + tasks +
           R"(, "model": {"kind": "asyncio", "eager_tasks": )" + (eager ? "true" : "false") +
           R"(}, "machine": {"cores": 2, "profile": {"loop_step_overhead": "100us", "eager_step_overhead": "10us"}}})";
}

// Two pages: 1 ms of Python, then two children of 2 ms of Python each (asyncio.gather), then 1 ms.
const char* kTwoPages = R"([{"name": "page", "count": 2, "steps": [{"cpu": "1ms"}, {"children": {"name": "part", "count": 2,
    "via": "gather", "steps": [{"cpu": "2ms"}]}}, {"cpu": "1ms"}]}])";

TEST(EagerTasks, ChildrenRunTheirFirstStepBeforeWhatWasAlreadyReady) {
    // Lazy: page[0]'s children are queued behind page[1], which starts at 1.2 ms (two loop trips and 1 ms).
    const trace::Trace lazy = SimulateOk(ParseOrDie(Scenario(kTwoPages, false))).trace;
    EXPECT_NEAR(Ms(TaskNamed(lazy, "page[1]").started), 1.2, 0.05);
    EXPECT_GT(TaskNamed(lazy, "page[0]/part[0]").started, TaskNamed(lazy, "page[1]").started);
    // Eager: create_task() runs each child at once, so both of page[0]'s children run before page[1] starts.
    const trace::Trace eager = SimulateOk(ParseOrDie(Scenario(kTwoPages, true))).trace;
    const trace::TaskRecord& first = TaskNamed(eager, "page[0]/part[0]");
    const trace::TaskRecord& second = TaskNamed(eager, "page[0]/part[1]");
    EXPECT_NEAR(Ms(first.started), 1.02, 0.005) << "page[0]'s eager start and 1 ms, then the child's eager start";
    // The second child starts right after the first ends: an eager start (10 us), not a trip round the loop (100 us).
    EXPECT_GE(second.started - first.finished, 10'000);
    EXPECT_LT(second.started - first.finished, 50'000);
    EXPECT_GE(TaskNamed(eager, "page[1]").started, second.finished);
}

TEST(EagerTasks, ATaskThatNeverAwaitsCostsAnEagerStartInsteadOfALoopTrip) {
    // 100 tasks of 100 us of Python that never await: each runs in one step, its first.
    const std::string tasks = R"([{"name": "hit", "count": 100, "steps": [{"cpu": "100us"}]}])";
    const auto lazy = SimulateOk(ParseOrDie(Scenario(tasks, false)));
    const auto eager = SimulateOk(ParseOrDie(Scenario(tasks, true)));
    EXPECT_NEAR(Ms(lazy.trace.metrics.loopOverhead), 10.0, 0.01);  // 100 trips of 100 us
    EXPECT_NEAR(Ms(eager.trace.metrics.loopOverhead), 1.0, 0.01);  // 100 eager starts of 10 us
    EXPECT_NEAR(Ms(lazy.trace.metrics.makespan), 20.0, 0.5);
    EXPECT_NEAR(Ms(eager.trace.metrics.makespan), 11.0, 0.5);
}

TEST(EagerTasks, OnlyTheFirstStepIsEagerEveryLaterResumptionIsALoopTrip) {
    // Each task awaits twice: one eager start and two trips round the loop per task.
    const std::string tasks =
        R"([{"name": "io", "count": 10, "steps": [{"cpu": "50us"}, {"await": "1ms"}, {"cpu": "50us"}, {"await": "1ms"}]}])";
    const auto eager = SimulateOk(ParseOrDie(Scenario(tasks, true)));
    EXPECT_NEAR(Ms(eager.trace.metrics.loopOverhead), 10 * (0.01 + 2 * 0.1), 0.01);
}

}  // namespace
}  // namespace interleave
