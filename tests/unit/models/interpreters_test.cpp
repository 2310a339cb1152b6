// The interpreters model: concurrent.futures.InterpreterPoolExecutor (3.14). A worker thread per interpreter, each
// interpreter with its own GIL, all in one process sharing the cores; the callable and its arguments pickled by the
// submitting thread, unpickled in the worker's interpreter; the result pickled back; no process start.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "models/simulate.h"
#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using testing::ParseOrDie;
using testing::SimulateOk;
using testing::HasTrack;
using testing::StateTime;

std::string Scenario(const std::string& model, const std::string& steps = R"([{"cpu": "40ms"}])", int count = 4,
                     const std::string& profile = R"({"interpreter_start": "5ms", "interpreter_call_overhead": "100us"})") {
    return R"({"version": 5, "python": "3.14", "tasks": [{"name": "crunch", "count": )" + std::to_string(count) +
           R"(, "steps": )" + steps + R"(}], "model": )" + model + R"(, "machine": {"cores": 4, "profile": )" + profile + "}}";
}

TEST(InterpretersModel, CpuBoundTasksRunInParallelBecauseEachInterpreterHasItsOwnGil) {
    const auto interp = SimulateOk(ParseOrDie(Scenario(R"({"kind": "interpreters", "workers": 4})")));
    const auto threads = SimulateOk(ParseOrDie(Scenario(R"({"kind": "threads", "workers": 4})")));
    // Four 40 ms tasks on four cores: about 40 ms plus the interpreters' start, against 160 ms under one GIL.
    EXPECT_LT(interp.trace.metrics.makespan, 60'000'000);
    EXPECT_GT(interp.trace.metrics.makespan, 45'000'000);  // 40 ms + 5 ms start + the call overhead
    EXPECT_GT(threads.trace.metrics.makespan, 155'000'000);
    EXPECT_EQ(interp.trace.metrics.gilWait, 0);
}

TEST(InterpretersModel, EachWorkerHasItsOwnLaneAndGilLaneNamedByThePlan) {
    const scenario::Scenario s = ParseOrDie(Scenario(R"({"kind": "interpreters", "workers": 3})"));
    const plan::Plan plan = plan::MakePlan(s);
    ASSERT_EQ(plan.WorkerCount(), 3);
    const auto result = SimulateOk(s);
    for (int32_t k = 0; k < 3; ++k) {
        const std::string name = plan.WorkerName(k);
        EXPECT_EQ(name, "InterpreterPoolExecutor-0_" + std::to_string(k));
        EXPECT_TRUE(HasTrack(result.trace, name, trace::TrackKind::Thread)) << name;
        EXPECT_TRUE(HasTrack(result.trace, plan::GilLaneName(name), trace::TrackKind::Gil)) << name;
        // Each interpreter is created once, on its worker's thread, for interpreter_start.
        EXPECT_EQ(StateTime(result.trace, name, trace::SpanState::StartingProcess), 5'000'000) << name;
    }
    // One process: no worker process, no process start beyond the interpreters'.
    int processes = 0;
    for (const trace::Track& track : result.trace.tracks) processes += track.kind == trace::TrackKind::Process;
    EXPECT_EQ(processes, 1);
    EXPECT_EQ(result.trace.metrics.processStart, 3 * 5'000'000);
}

TEST(InterpretersModel, TheDefaultWorkerCountIsThreadPoolExecutorsCappedByTheTasks) {
    // max_workers=None: min(32, process_cpu_count() + 4) = 8 on four cores, but never more threads than tasks.
    EXPECT_EQ(plan::MakePlan(ParseOrDie(Scenario(R"({"kind": "interpreters"})", R"([{"cpu": "1ms"}])", 20))).WorkerCount(), 8);
    EXPECT_EQ(plan::MakePlan(ParseOrDie(Scenario(R"({"kind": "interpreters"})", R"([{"cpu": "1ms"}])", 3))).WorkerCount(), 3);
}

TEST(InterpretersModel, ArgumentsArePickledByTheSubmitterAndResultsComeBackPickled) {
    const std::string steps = R"([{"send": "10MB", "payload": "objects"}, {"cpu": "1ms"}, {"return": "1MB"}])";
    const scenario::Scenario s = ParseOrDie(Scenario(R"({"kind": "interpreters", "workers": 2})", steps, 2));
    const auto result = SimulateOk(s);
    const scenario::MachineProfile& p = s.machine.profile;
    // The main thread pickles both tasks' arguments (10 MB of object graph each, plus the call's framing).
    const trace::TimeNs expectedPickle = 2 * plan::PickleTime(p, 10'000'000 + 64, 10'000'000, false);
    EXPECT_EQ(StateTime(result.trace, std::string(plan::kMainThread), trace::SpanState::Pickling), expectedPickle);
    // Each worker unpickles its task's arguments in its interpreter (plus the call's overhead).
    const plan::Plan plan = plan::MakePlan(s);
    trace::TimeNs unpickled = 0;
    for (int k = 0; k < 2; ++k) unpickled += StateTime(result.trace, plan.WorkerName(k), trace::SpanState::Unpickling);
    EXPECT_EQ(unpickled, 2 * (100'000 + plan::PickleTime(p, 10'000'000 + 64, 10'000'000, true)));
    EXPECT_GT(result.trace.metrics.pickling, expectedPickle);  // the results' pickling on top
}

TEST(InterpretersModel, TasksSharingALockOrCounterAreRefusedBecauseInterpretersShareNoObjects) {
    const std::string steps = R"([{"acquire": "db"}, {"cpu": "1ms"}, {"release": "db"}])";
    const scenario::Scenario s = ParseOrDie(Scenario(R"({"kind": "interpreters", "workers": 2})", steps));
    const std::string why = plan::Unsupported(s);
    EXPECT_NE(why.find("db"), std::string::npos) << why;
    EXPECT_NE(why.find("interpreter"), std::string::npos) << why;
    EXPECT_FALSE(models::Simulate(s).ok);
}

TEST(InterpretersModel, CompareOffersInterpretersWhereTheReleaseHasThemAndFreeThreadingIsAnOptionFrom314) {
    const scenario::Scenario on314 = ParseOrDie(Scenario(R"({"kind": "threads", "workers": 4})"));
    const auto models314 = models::CompareModels(on314);
    EXPECT_TRUE(std::any_of(models314.begin(), models314.end(), [](const scenario::Model& m) { return m.kind == scenario::ModelKind::Interpreters; }));
    EXPECT_TRUE(models::Recommendable(on314, scenario::ModelKind::FreeThreaded));
    const scenario::Scenario on311 = scenario::OnRelease(on314, {11, false});
    const auto models311 = models::CompareModels(on311);
    EXPECT_FALSE(std::any_of(models311.begin(), models311.end(), [](const scenario::Model& m) { return m.kind == scenario::ModelKind::Interpreters; }));
    EXPECT_FALSE(models::Recommendable(on311, scenario::ModelKind::FreeThreaded));
    // CPU-bound work on 3.14: something that runs it on every core wins, never GIL threads.
    const models::Comparison c = models::Compare(on314);
    ASSERT_GE(c.recommended, 0);
    EXPECT_NE(c.models[static_cast<size_t>(c.recommended)].kind, scenario::ModelKind::Threads) << c.reason;
    EXPECT_NE(c.models[static_cast<size_t>(c.recommended)].kind, scenario::ModelKind::Sequential) << c.reason;
}

}  // namespace
}  // namespace interleave
