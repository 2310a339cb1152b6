// The claims of the blog post the product grew from (shared/seeds), reproduced by the simulator.
#include <gtest/gtest.h>

#include <utility>

#include "plan/plan.h"
#include "test_support.h"

using namespace interleave;
using interleave::testing::Preset;
using interleave::testing::Seconds;
using interleave::testing::SimulateOk;
using scenario::ModelKind;

TEST(BlogClaims, FiveOneSecondRequestsTakeFiveSecondsSequentially) {
    auto result = SimulateOk(Preset("blog_io_sequential"));
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 5.0, 0.05);
}

TEST(BlogClaims, FiveOneSecondRequestsTakeAboutOneSecondWithThreads) {
    auto result = SimulateOk(Preset("blog_io_threads"));
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 1.0, 0.05);
}

TEST(BlogClaims, FiveOneSecondRequestsTakeAboutOneSecondWithAsyncio) {
    auto result = SimulateOk(Preset("blog_io_asyncio"));
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 1.0, 0.05);
}

TEST(BlogClaims, FiveOneSecondRequestsTakeOneSecondPlusStartCostWithProcesses) {
    auto s = Preset("blog_io_processes");
    auto result = SimulateOk(s);
    double startCost = Seconds(5 * s.machine.profile.processStartFork);
    EXPECT_GT(Seconds(result.trace.metrics.makespan), 1.0 + Seconds(s.machine.profile.processStartFork));
    EXPECT_LT(Seconds(result.trace.metrics.makespan), 1.0 + startCost + 0.05);
    EXPECT_GT(result.trace.metrics.processStart, 0);
}

TEST(BlogClaims, EightCpuTasksOnFourThreadsAreNoFasterThanSequential) {
    auto result = SimulateOk(Preset("blog_cpu_threads"));
    EXPECT_GE(result.trace.metrics.makespan, result.trace.metrics.sequentialMakespan);
    EXPECT_GT(result.trace.metrics.gilWait, 0);
}

TEST(BlogClaims, PoolOfFourOnFourCoresRunsEightTasksInTwoTaskLengthsPlusStartup) {
    auto s = Preset("blog_cpu_pool");
    auto result = SimulateOk(s);
    const double task = 0.060;
    const auto& profile = s.machine.profile;
    // Starting the four workers, and the Pool's own import, set-up and tear-down in the parent.
    double startup = Seconds(4 * profile.processStartFork + profile.poolImport + profile.poolSetup +
                            plan::PoolTeardownTime(profile, 4));
    EXPECT_GE(Seconds(result.trace.metrics.makespan), 2 * task);
    EXPECT_LE(Seconds(result.trace.metrics.makespan), 2 * task + startup + 0.005);
}

TEST(BlogClaims, FiveCoroutinesCallingTimeSleepTakeFiveSeconds) {
    auto result = SimulateOk(Preset("asyncio_blocking_call"));
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 5.0, 0.05);
}

TEST(BlogClaims, ToThreadLetsTheBlockingCallsOverlap) {
    auto result = SimulateOk(Preset("asyncio_to_thread"));
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 1.0, 0.05);
}

TEST(BlogClaims, HundredThreadsIncrementingUnderALockEndAtHundred) {
    auto result = SimulateOk(Preset("blog_lock_counter"));
    ASSERT_EQ(result.trace.metrics.counters.size(), 1u);
    EXPECT_EQ(result.trace.metrics.counters[0].second, 100);
    EXPECT_EQ(result.trace.metrics.tasksDone, 100);
}

TEST(BlogClaims, UnlockedCounterLosesUpdatesOnlyWithoutTheGil) {
    const char* json = R"({"tasks":[{"name":"inc","count":4,"steps":[{"repeat":200,"steps":[{"increment":"n"},{"cpu":"3us"}]}]}],
                          "model":{"kind":"threads"},"machine":{"cores":4}})";
    auto s = interleave::testing::ParseOrDie(json);
    auto withGil = SimulateOk(s);
    EXPECT_EQ(withGil.trace.metrics.counters[0].second, 800);
    s.model.kind = ModelKind::FreeThreaded;
    s.machine.profile.counterIncrement = 2'000;  // wide enough for the four cores to overlap
    auto freeThreaded = SimulateOk(s);
    EXPECT_LT(freeThreaded.trace.metrics.counters[0].second, 800);
}

TEST(BlogClaims, SemaphoreRunsRequestsInWaves) {
    auto result = SimulateOk(Preset("asyncio_semaphore"));
    // 50 requests of 200 ms, 10 at a time: five waves.
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 1.0, 0.05);
}

TEST(BlogClaims, TaskGroupCancelsTheRestAfterTheFirstFailure) {
    auto result = SimulateOk(Preset("asyncio_taskgroup_failure"));
    EXPECT_EQ(result.trace.metrics.tasksFailed, 1);
    EXPECT_EQ(result.trace.metrics.tasksCancelled, 9);
    EXPECT_NEAR(Seconds(result.trace.metrics.makespan), 0.3, 0.01);
}

TEST(BlogClaims, MoreWorkersThanCoresIsNoFaster) {
    auto s = Preset("more_workers_than_cores");
    auto sixteen = SimulateOk(s);
    s.model.workers = 4;
    auto four = SimulateOk(s);
    EXPECT_GE(sixteen.trace.metrics.makespan, four.trace.metrics.makespan);
    EXPECT_GT(sixteen.trace.metrics.coreWait, 0);
}

TEST(BlogClaims, PicklingALargePayloadCostsMoreThanTheWork) {
    auto result = SimulateOk(Preset("pickling_large_payload"));
    EXPECT_GT(result.trace.metrics.pickling + result.trace.metrics.unpickling, 8 * 100'000'000LL);
}

TEST(BlogClaims, FreeThreadedBuildRunsCpuBoundThreadsInParallel) {
    auto result = SimulateOk(Preset("free_threaded_what_if"));
    EXPECT_GT(result.trace.metrics.speedup, 3.0);
    EXPECT_EQ(result.trace.metrics.gilWait, 0);
}

TEST(StartMethods, ForkStartsFasterThanSpawnAndForkserver) {
    auto s = Preset("blog_cpu_pool");
    auto run = [&](scenario::StartMethod method) {
        s.model.startMethod = method;
        return SimulateOk(s).trace.metrics.makespan;
    };
    auto fork = run(scenario::StartMethod::Fork);
    EXPECT_LT(fork, run(scenario::StartMethod::Forkserver));
    EXPECT_LT(fork, run(scenario::StartMethod::Spawn));
}

TEST(StartMethods, ForkserverBeatsSpawnWhenManyWorkersStart) {
    // Each spawned worker starts an interpreter and imports; forkserver pays that once, then forks.
    auto s = Preset("more_workers_than_cores");
    s.model.startMethod = scenario::StartMethod::Spawn;
    auto spawn = SimulateOk(s).trace.metrics.makespan;
    s.model.startMethod = scenario::StartMethod::Forkserver;
    auto forkserver = SimulateOk(s).trace.metrics.makespan;
    EXPECT_LT(forkserver, spawn);
}

TEST(StartMethods, LeavingWithCostsAPoolOfOnesTearDownAndLessForEachFurtherWorker) {
    // Pool._terminate_pool signals every worker before it joins any, so their exits overlap: leaving `with` costs a
    // Pool(1)'s tear-down (pool_teardown) and pool_teardown_worker for each further worker, in the parent after the
    // last result. Measured with fork (2026-12-07): Pool(1) 0.72 ms, Pool(8) 3.04, Pool(50) 19.27 (0.385 a worker).
    auto makespanAfterLastResult = [](int workers) {
        auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"t","count":)" + std::to_string(workers) +
            R"(,"steps":[{"cpu":"1ms"}]}],"model":{"kind":"processes","workers":)" + std::to_string(workers) +
            R"(,"start_method":"fork"},"machine":{"cores":64,"profile":{"pool_teardown":"10ms",)"
            R"("pool_teardown_worker":"4ms"}}})");
        const trace::Trace t = SimulateOk(s).trace;
        trace::TimeNs lastResult = 0;
        for (const auto& task : t.tasks) lastResult = std::max(lastResult, task.finished);
        return t.metrics.makespan - lastResult;
    };
    // (Besides it, the main thread's wake-up once the last result is in: 12 us.)
    EXPECT_NEAR(makespanAfterLastResult(1), 10'000'000, 100'000);
    EXPECT_NEAR(makespanAfterLastResult(4), 10'000'000 + 3 * 4'000'000, 100'000);
    EXPECT_NEAR(makespanAfterLastResult(50), 10'000'000 + 49 * 4'000'000, 100'000);
}

TEST(StartMethods, AForkWorkersOwnStartRunsOnTheWorkerBesideTheParentsNextFork) {
    // Process.start() with fork returns in the parent after process_start_fork; the child then starts on its own
    // (copy-on-write faults, the bootstrap: fork_child_start) before it takes a task, while the parent forks the next.
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"t","count":2,"steps":[{"cpu":"1ms"}]}],
        "model":{"kind":"processes","workers":2,"start_method":"fork","chunksize":1},
        "machine":{"cores":4,"profile":{"process_start_fork":"1ms","fork_child_start":"10ms","pool_import":"0us",
                   "pool_setup":"0us","pool_teardown":"0us","thread_start":"0us"}}})");
    const auto result = SimulateOk(s);
    const auto& first = interleave::testing::TaskNamed(result.trace, "t[0]");
    const auto& second = interleave::testing::TaskNamed(result.trace, "t[1]");
    // The first worker is ready 1 + 10 ms in, the second 2 + 10 ms: their starts overlap, not 22 ms end to end.
    EXPECT_GE(first.started, 11'000'000);
    EXPECT_LT(first.started, 11'500'000);
    EXPECT_GE(second.started, 12'000'000);
    EXPECT_LT(second.started, 12'500'000);
    EXPECT_EQ(interleave::testing::StateTime(result.trace, "ForkPoolWorker-1", trace::SpanState::StartingProcess),
              10'000'000);
    // Without it a worker takes its task as soon as the parent has forked both and handed it out (2 ms in).
    s.machine.profile.forkChildStart = 0;
    EXPECT_LT(interleave::testing::TaskNamed(SimulateOk(s).trace, "t[0]").started, 2'500'000);
}

namespace {
// A lane's time starting its process, and the Python it ran outside any task after that: a worker's or the fork
// server's run of the main module.
using StartAndRun = std::pair<trace::TimeNs, trace::TimeNs>;
StartAndRun StartThenMainRun(const trace::Trace& t, const std::string& lane) {
    trace::TimeNs mainRun = 0;
    for (const trace::Span& span : t.spans)
        if (span.state == trace::SpanState::RunningPython && !span.task.Valid() &&
            t.tracks[span.track.Index()].name == lane)
            mainRun += span.end - span.start;
    return {interleave::testing::StateTime(t, lane, trace::SpanState::StartingProcess), mainRun};
}

// `workers` forkserver or spawn workers of a program whose imports cost 20 ms, on `python`, with a task each.
scenario::Scenario MainImportsPool(const std::string& python, const std::string& method, int workers = 2,
                                   int cores = 64) {
    const std::string n = std::to_string(workers);
    return interleave::testing::ParseOrDie(R"({"version":10,"python":")" + python + R"(","main_imports":"20ms",
        "tasks":[{"name":"t","count":)" + n + R"(,"steps":[{"cpu":"1ms"}]}],
        "model":{"kind":"processes","workers":)" + n + R"(,"start_method":")" + method + R"(","chunksize":1},
        "machine":{"cores":)" + std::to_string(cores) + R"(,"profile":{"process_start_fork":"2ms",
                   "forkserver_start":"10ms","main_rerun":"5ms","forkserver_request":"500us",
                   "process_start_forkserver":"1ms","process_start_spawn":"30ms",
                   "pool_import":"0us","pool_setup":"0us","pool_teardown":"0us","thread_start":"0us"}}})");
}
}  // namespace

TEST(StartMethods, AForkserverWorkerRunsTheMainModuleAgainUntilTheServerPreloadsIt) {
    // 3.11 and 3.12's fork server never preloads __main__ (forkserver.py's main_path against spawn's
    // init_main_from_path, gh-126631): each worker runs it again, runpy (main_rerun) and the program's imports, as
    // Python after its start. From the fix on the server runs it once, before its first fork, and its workers start
    // warm.
    const auto old = SimulateOk(MainImportsPool("3.11", "forkserver"));
    EXPECT_EQ(StartThenMainRun(old.trace, "ForkServerPoolWorker-1"), StartAndRun(1'000'000, 5'000'000 + 20'000'000));
    EXPECT_EQ(StartThenMainRun(old.trace, "forkserver"), StartAndRun(10'000'000 + 2 * 2'000'000, 0));
    const auto fixed = SimulateOk(MainImportsPool("3.14", "forkserver"));
    EXPECT_EQ(StartThenMainRun(fixed.trace, "ForkServerPoolWorker-1"), StartAndRun(1'000'000, 0));
    EXPECT_EQ(StartThenMainRun(fixed.trace, "forkserver"),
              StartAndRun(10'000'000 + 2 * 2'000'000, 5'000'000 + 20'000'000));
    // Eight workers on two cores pay it eight times over on 3.11 (26 ms each, four rounds of the cores), the server
    // once on 3.14: the pool is done sooner by most of that.
    const trace::TimeNs eachRun = SimulateOk(MainImportsPool("3.11", "forkserver", 8, 2)).trace.metrics.makespan;
    const trace::TimeNs runOnce = SimulateOk(MainImportsPool("3.14", "forkserver", 8, 2)).trace.metrics.makespan;
    EXPECT_LT(runOnce, eachRun - 50'000'000);
}

TEST(StartMethods, ASpawnedWorkerRunsTheMainModuleAgainAndAForkedOneInheritsIt) {
    const auto spawned = SimulateOk(MainImportsPool("3.14", "spawn"));
    EXPECT_EQ(StartThenMainRun(spawned.trace, "SpawnPoolWorker-2"), StartAndRun(30'000'000, 5'000'000 + 20'000'000));
    auto forked = MainImportsPool("3.14", "fork");
    forked.machine.profile.forkChildStart = 3'000'000;
    EXPECT_EQ(StartThenMainRun(SimulateOk(forked).trace, "ForkPoolWorker-2"), StartAndRun(3'000'000, 0));
}

TEST(StartMethods, AForkserverStartWaitsForTheServersForkBeforeTheNext) {
    // popen_forkserver.Popen._launch sends the request (forkserver_request, the parent's CPU), then reads the worker's
    // pid, which the server writes once it has forked (process_start_fork, the server's CPU): Pool.__init__ starts
    // the next worker only then, and hands out no task before the last one is forked.
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"t","count":4,"steps":[{"cpu":"1ms"}]}],
        "model":{"kind":"processes","workers":4,"start_method":"forkserver","chunksize":1},
        "machine":{"cores":64,"profile":{"process_start_fork":"2ms","forkserver_start":"10ms",
                   "forkserver_request":"500us","process_start_forkserver":"1ms","pool_import":"0us",
                   "pool_setup":"0us","pool_teardown":"0us","thread_start":"0us"}}})");
    const auto result = SimulateOk(s);
    // The server is launched (2 ms) and boots (10 ms) while the first request waits; then each start is a request
    // and a fork, one after the other: the fourth worker is forked 2 + 10 + 2 + 3 x 2.5 = 21.5 ms in.
    trace::TimeNs firstTask = result.trace.metrics.makespan;
    for (const auto& task : result.trace.tasks) firstTask = std::min(firstTask, task.started);
    EXPECT_GE(firstTask, 21'500'000);
    EXPECT_LT(firstTask, 23'000'000);
    EXPECT_EQ(interleave::testing::StateTime(result.trace, "MainThread", trace::SpanState::StartingProcess),
              2'000'000 + 4 * 500'000);
    EXPECT_EQ(interleave::testing::StateTime(result.trace, "forkserver", trace::SpanState::StartingProcess),
              10'000'000 + 4 * 2'000'000);
}
