// The plan (src/plan): what runs where, decided once; and the simulator realises it for every preset and for
// random scenarios. The real runners' side is tests/unit/native/plan_realised_test.cpp.
#include <gtest/gtest.h>

#include <limits>

#include "plan/plan.h"
#include "plan_check.h"
#include "scenario/presets.h"
#include "test_support.h"

namespace interleave {
namespace {

using plan::MakePlan;
using plan::TaskRange;
using scenario::ModelKind;

TEST(Plan, WhoRunsTheMainModuleAgainFollowsTheStartMethodAndTheRelease) {
    // multiprocessing.spawn.prepare runs the main module again in a spawned worker, and in a forkserver worker whose
    // server did not preload it (3.11, 3.12: gh-126631); from the fix on the server runs it once; fork inherits it.
    // The simulator and the C++ runtime both read this (their tests: StartMethods.*MainModule*,
    // PoolRuntime.TheMainModuleRunsAgainWhereTheReleasesForkServerRunsIt).
    auto runs = [](const std::string& python, const std::string& method) {
        return plan::MainModuleRun(testing::ParseOrDie(R"({"version":10,"python":")" + python +
            R"(","main_imports":"30ms","tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],)"
            R"("model":{"kind":"processes","start_method":")" + method + R"("},)"
            R"("machine":{"profile":{"main_rerun":"6ms"}}})"));
    };
    for (const char* python : {"3.11", "3.12"}) {
        EXPECT_EQ(runs(python, "forkserver").eachWorker, 36'000'000) << python;
        EXPECT_EQ(runs(python, "forkserver").forkServer, 0) << python;
    }
    for (const char* python : {"3.13", "3.13t", "3.14", "3.14t", "3.15", "3.15t"}) {
        EXPECT_EQ(runs(python, "forkserver").eachWorker, 0) << python;
        EXPECT_EQ(runs(python, "forkserver").forkServer, 36'000'000) << python;
    }
    for (const char* python : {"3.11", "3.14"}) {
        EXPECT_EQ(runs(python, "spawn").eachWorker, 36'000'000) << python;
        EXPECT_EQ(runs(python, "spawn").forkServer, 0) << python;
        EXPECT_EQ(runs(python, "fork").eachWorker, 0) << python;
        EXPECT_EQ(runs(python, "fork").forkServer, 0) << python;
    }
}

TEST(Plan, PoolMapsDefaultChunksizeIsCPythonsDivmodRoundedUp) {
    // Pool._map_async: chunksize, extra = divmod(len(iterable), len(self._pool) * 4); if extra: chunksize += 1
    EXPECT_EQ(plan::DefaultChunksize(100, 4), 7);  // divmod(100, 16) = (6, 4)
    EXPECT_EQ(plan::DefaultChunksize(96, 4), 6);   // (6, 0)
    EXPECT_EQ(plan::DefaultChunksize(3, 4), 1);    // (0, 3)
    EXPECT_EQ(plan::DefaultChunksize(1000, 1), 250);
    EXPECT_EQ(plan::DefaultChunksize(0, 4), 1);
}

TEST(Plan, APoolStartsEveryWorkerEvenWithFewerTasks) {
    const auto s = testing::ParseOrDie(
        R"({"tasks":[{"name":"t","count":2,"steps":[{"cpu":"1ms"}]}],"model":{"kind":"processes","workers":6}})");
    const plan::Plan p = MakePlan(s);
    EXPECT_EQ(p.workers, 6);  // multiprocessing.Pool(6) starts six processes whatever map() is given
    EXPECT_EQ(p.WorkerCount(), 6);
    EXPECT_EQ(p.WorkerName(0), "ForkPoolWorker-1");
    EXPECT_EQ(p.WorkerName(5), "ForkPoolWorker-6");
}

TEST(Plan, APoolWithoutWorkersStartsOnePerCoreOfTheScenariosMachine) {
    const auto s = testing::ParseOrDie(
        R"({"tasks":[{"name":"t","count":9,"steps":[{"cpu":"1ms"}]}],"model":{"kind":"processes","start_method":"spawn"},"machine":{"cores":3}})");
    const plan::Plan p = MakePlan(s);
    EXPECT_EQ(p.workers, 3);
    EXPECT_EQ(p.chunksize, 1);  // divmod(9, 12) = (0, 9)
    EXPECT_EQ(p.chunks.size(), 9u);
    EXPECT_EQ(p.WorkerName(2), "SpawnPoolWorker-3");
}

TEST(Plan, MapChunksAreConsecutiveTasksInOrder) {
    const auto s = testing::ParseOrDie(
        R"({"tasks":[{"name":"a","count":5,"steps":[{"cpu":"1ms"}]},{"name":"b","count":6,"steps":[{"io":"1ms"}]}],)"
        R"("model":{"kind":"processes","workers":2,"chunksize":4}})");
    const plan::Plan p = MakePlan(s);
    EXPECT_EQ(p.chunks, (std::vector<TaskRange>{{0, 4}, {4, 4}, {8, 3}}));
    EXPECT_EQ(p.GroupOf(4), 0);
    EXPECT_EQ(p.GroupOf(5), 1);
    EXPECT_EQ(p.GroupOf(10), 1);
}

TEST(Plan, AnEventLoopPerProcessGetsOneBatchPerWorkerSplitAsArraySplit) {
    // numpy.array_split(range(10), 4): sizes 3, 3, 2, 2.
    const auto s = testing::ParseOrDie(
        R"({"tasks":[{"name":"t","count":10,"steps":[{"await":"1ms"}]}],"model":{"kind":"process_asyncio","workers":4}})");
    const plan::Plan p = MakePlan(s);
    EXPECT_EQ(p.chunks, (std::vector<TaskRange>{{0, 3}, {3, 3}, {6, 2}, {8, 2}}));
    EXPECT_EQ(p.chunksize, 1);
    EXPECT_EQ(p.IndexInLoop(0), 0);
    EXPECT_EQ(p.IndexInLoop(4), 1);  // the second task of the second batch: its loop's Task-2
    EXPECT_EQ(p.IndexInLoop(9), 1);
    EXPECT_TRUE(p.taskLanes);
    // Fewer tasks than workers: one task per batch, and every worker is still started.
    const plan::Plan few = MakePlan(testing::WithModel(s, ModelKind::ProcessAsyncio, 16));
    EXPECT_EQ(few.chunks.size(), 10u);
    EXPECT_EQ(few.WorkerCount(), 16);
}

TEST(Plan, ThreadsAreOnePerTaskOrAnExecutorsAtMost) {
    const auto s = testing::ParseOrDie(R"({"tasks":[{"name":"t","count":5,"steps":[{"io":"1ms"}]}],"model":{"kind":"threads"}})");
    const plan::Plan perTask = MakePlan(s);
    EXPECT_FALSE(perTask.threadPool);
    EXPECT_EQ(perTask.WorkerCount(), 5);
    EXPECT_EQ(perTask.WorkerName(0), "Thread-1 (run_task)");  // threading.Thread(target=run_task), CPython 3.10+
    const plan::Plan executor = MakePlan(testing::WithModel(s, ModelKind::FreeThreaded, 3));
    EXPECT_TRUE(executor.threadPool);
    EXPECT_EQ(executor.WorkerCount(), 3);
    EXPECT_EQ(executor.WorkerName(2), "ThreadPoolExecutor-0_2");
    EXPECT_EQ(MakePlan(testing::WithModel(s, ModelKind::Threads, 64)).WorkerCount(), 5);  // never more than tasks
}

TEST(Plan, TaskLanesStopAtTheLimitWhateverTheRunner) {
    auto s = testing::ParseOrDie(R"({"tasks":[{"name":"t","count":500,"steps":[{"await":"1ms"}]}],"model":{"kind":"asyncio"}})");
    EXPECT_TRUE(MakePlan(s).taskLanes);
    s.groups[0].count = plan::kMaxTaskLanes + 1;
    EXPECT_FALSE(MakePlan(s).taskLanes);
    EXPECT_FALSE(MakePlan(testing::WithModel(s, ModelKind::Threads)).taskLanes);
}

TEST(Plan, AHugeChunksizeDoesNotOverflow) {
    auto s = testing::ParseOrDie(R"({"tasks":[{"name":"t","count":3,"steps":[{"cpu":"1ms"}]}],"model":{"kind":"processes"}})");
    s.model.chunksize = std::numeric_limits<int32_t>::max();
    EXPECT_EQ(MakePlan(s).chunks, (std::vector<TaskRange>{{0, 3}}));
}

TEST(Plan, OutsideAnEventLoopAnAwaitBlocksToThreadRunsInPlaceAndOnlyPurePythonSlowsDown) {
    auto s = testing::ParseOrDie(
        R"({"tasks":[{"name":"t","steps":[{"cpu":"10ms"},{"await":"5ms"},{"to_thread":{"cpu":"20ms"}},)"
        R"({"to_thread":{"c_call":"7ms"}},{"c_call":"3ms"}]}],"model":{"kind":"free_threaded","slowdown":1.5}})");
    const plan::Plan freeThreaded = MakePlan(s);
    EXPECT_DOUBLE_EQ(freeThreaded.pythonCpuScale, 1.5);
    const auto& steps = s.groups[0].steps;
    auto work = [&](const plan::Plan& p, size_t i) { return plan::InPlace(p, steps[i]); };
    EXPECT_EQ(work(freeThreaded, 0).kind, scenario::StepKind::Cpu);
    EXPECT_EQ(work(freeThreaded, 0).duration, 15'000'000);  // 10 ms of pure Python at 1.5x
    EXPECT_EQ(work(freeThreaded, 1).kind, scenario::StepKind::Io);
    EXPECT_EQ(work(freeThreaded, 1).duration, 5'000'000);
    EXPECT_EQ(work(freeThreaded, 2).kind, scenario::StepKind::Cpu);
    EXPECT_EQ(work(freeThreaded, 2).duration, 30'000'000);  // to_thread's Python is Python too
    EXPECT_EQ(work(freeThreaded, 3).kind, scenario::StepKind::CCall);
    EXPECT_EQ(work(freeThreaded, 3).duration, 7'000'000);   // C code is not slowed
    EXPECT_EQ(work(freeThreaded, 4).duration, 3'000'000);
    const plan::Plan gil = MakePlan(testing::WithModel(s, ModelKind::Threads));
    EXPECT_DOUBLE_EQ(gil.pythonCpuScale, 1.0);
    EXPECT_EQ(work(gil, 2).duration, 20'000'000);
}

TEST(Plan, ACallWaitsForItsReplyOnlyWhenTheReplyIsNotThereYet) {
    // The reply counts from the task's previous io call: none before it, nothing to wait for.
    EXPECT_EQ(plan::ReplyArrives(28'000, -1), -1);
    EXPECT_EQ(plan::ReplyArrives(0, 5'000), -1);  // a call without a reply
    EXPECT_EQ(plan::ReplyArrives(28'000, 5'000), 33'000);
    // A recv of 2 us begun 10 us after its send (begun at 5 us) lasts until the reply at 33 us: 18 us.
    EXPECT_EQ(plan::CallLasts(15'000, 2'000, plan::ReplyArrives(28'000, 5'000)), 18'000);
    // Begun after the reply landed, it takes only its own time.
    EXPECT_EQ(plan::CallLasts(40'000, 2'000, plan::ReplyArrives(28'000, 5'000)), 2'000);
    EXPECT_EQ(plan::CallLasts(15'000, 2'000, -1), 2'000);
}

void ExpectSimulationRealisesPlan(const scenario::Scenario& s, const std::string& what) {
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    const models::SimulationResult result = models::Simulate(s, options);
    ASSERT_TRUE(result.ok) << what << ": " << result.error;
    EXPECT_EQ(testing::PlanDeparture(s, result.trace), "") << what;
}

TEST(Plan, TheSimulatorRealisesThePlanOfEveryPreset) {
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        const scenario::Scenario s = testing::Preset(std::string(preset.id));
        ExpectSimulationRealisesPlan(s, std::string(preset.id));
    }
}

TEST(Plan, TheSimulatorRealisesThePlanOfRandomScenarios) {
    int withChannels = 0, withPipes = 0, withObjects = 0;
    for (uint32_t seed = 1; seed <= 300; ++seed) {
        const ModelKind kind = testing::RandomScenarioKind(seed);
        const std::string json = testing::RandomScenarioJson(seed, kind);
        const scenario::Scenario s = testing::ParseOrDie(json);
        ExpectSimulationRealisesPlan(s, json);
        withChannels += s.UsesChannels();
        withPipes += s.UsesChannels() && plan::MakePlan(s).processQueues && !s.queues.empty() && s.queues[0].pipe;
        withObjects += json.find(R"("payload":"objects")") != std::string::npos;
    }
    // The random scenarios do exercise queues, events, pipes between processes and object payloads.
    EXPECT_GE(withChannels, 60);
    EXPECT_GE(withPipes, 5);
    EXPECT_GE(withObjects, 30);
}

}  // namespace
}  // namespace interleave
