// The C++ runtime's process pools: fork, spawn, forkserver; pipes with payloads; crashed workers reaped.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "native_test_support.h"
#include "plan/plan.h"

namespace interleave::native {
namespace {

using namespace testing;
using trace::SpanState;

std::string PoolModel(const char* method, int workers = 4) {
    return std::string(R"({"kind": "processes", "workers": )") + std::to_string(workers) + R"(, "start_method": ")" + method + R"(", "chunksize": 1})";
}

TEST(PoolRuntime, FourProcessesOnTwoCoresRunInParallel) {
    RealRunResult r = RunOk(Make(4, R"([{"cpu": "50ms"}])", PoolModel("fork")));
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // 200 ms of CPU on `cores` cores: at least 200/cores; well below 4 x 50 ms plus start-up when cores > 1.
    EXPECT_GE(Ms(r.trace.metrics.makespan), 200.0 / cores * 0.98);
    if (cores >= 2) {
        EXPECT_LT(Ms(r.trace.metrics.makespan), 200.0 + 1000.0);  // not serial; start-up is generous (TSan, loaded VMs)
    }
    EXPECT_EQ(r.trace.metrics.tasksDone, 4);
}

TEST(PoolRuntime, EveryWorkerHasItsTrackAndStartsFirst) {
    RealRunResult r = RunOk(Make(4, R"([{"cpu": "10ms"}])", PoolModel("fork", 2)));
    int workers = 0;
    for (const auto& t : r.trace.tracks) workers += t.name.rfind("ForkPoolWorker-", 0) == 0;
    EXPECT_EQ(workers, 2);
    EXPECT_GE(SpansIn(r.trace, SpanState::StartingProcess).size(), 2u);
    // The tasks' Python runs in the workers; the main thread's own is the Pool's import, set-up and tear-down.
    int mainThreadRuns = 0;
    for (const auto& run : SpansIn(r.trace, SpanState::RunningPython)) {
        const bool onMain = r.trace.tracks[run.track.Index()].name == "MainThread";
        if (run.task.Valid()) {
            EXPECT_FALSE(onMain);
        }
        mainThreadRuns += onMain && !run.task.Valid();
    }
    EXPECT_EQ(mainThreadRuns, 2) << "the Pool's set-up and its tear-down";
}

TEST(PoolRuntime, SpawnStartsFreshProcesses) {
    RealRunResult r = RunOk(Make(2, R"([{"cpu": "5ms"}])", PoolModel("spawn", 2)));
    int workers = 0;
    for (const auto& t : r.trace.tracks) workers += t.name.rfind("SpawnPoolWorker-", 0) == 0;
    EXPECT_EQ(workers, 2);
    EXPECT_EQ(r.trace.metrics.tasksDone, 2);
}

TEST(PoolRuntime, AForkServerForksTheWorkers) {
    RealRunResult r = RunOk(Make(2, R"([{"cpu": "5ms"}])", PoolModel("forkserver", 2)));
    bool server = false;
    for (const auto& t : r.trace.tracks) server |= t.name == "forkserver";
    EXPECT_TRUE(server);
    EXPECT_EQ(r.trace.metrics.tasksDone, 2);
}

// The program's imports (main_imports) run again where the release's start method has them run (plan::MainModuleRun):
// 3.11's forkserver workers each run the main module; from the fix on, the fork server runs it once, before it
// answers. The running-Python span after a process's start, on its lane, shows which.
TEST(PoolRuntime, TheMainModuleRunsAgainWhereTheReleasesForkServerRunsIt) {
    auto run = [](const char* python) {
        return RunOk(Parse(std::string(R"({"version": 10, "python": ")") + python + R"(", "main_imports": "60ms",
            "tasks": [{"name": "t", "count": 2, "steps": [{"cpu": "1ms"}]}],
            "model": {"kind": "processes", "workers": 2, "start_method": "forkserver", "chunksize": 1},
            "machine": {"cores": 2, "profile": {"main_rerun": "0us", "pool_import": "0us", "pool_setup": "0us"}}})"));
    };
    // The longest such span on the lanes whose names start with `lanes`. Any worker: the one that is ready first may
    // run both tasks, and the pool is torn down before the other is ready (no span of its own on its lane).
    auto mainRun = [](const RealRunResult& r, const std::string& lanes) {
        trace::TimeNs longest = 0;
        for (const auto& span : SpansIn(r.trace, SpanState::RunningPython))
            if (r.trace.tracks[span.track.Index()].name.rfind(lanes, 0) == 0 && !span.task.Valid())
                longest = std::max(longest, span.end - span.start);
        return longest;
    };
    const RealRunResult preloaded = run("3.14");
    EXPECT_GE(Ms(mainRun(preloaded, "forkserver")), 55.0);
    EXPECT_EQ(mainRun(preloaded, "ForkServerPoolWorker-"), 0);
    const RealRunResult old = run("3.11");
    EXPECT_EQ(mainRun(old, "forkserver"), 0);
    EXPECT_GE(Ms(mainRun(old, "ForkServerPoolWorker-")), 55.0);
    EXPECT_GE(Ms(old.trace.metrics.makespan), 60.0);  // the workers ran it before their tasks
}

TEST(PoolRuntime, PayloadsArePickledAndUnpickled) {
    RealRunResult r = RunOk(Make(2, R"([{"send": "4MB"}, {"cpu": "1ms"}, {"return": "4MB"}])", PoolModel("fork", 2)));
    EXPECT_GE(SpansIn(r.trace, SpanState::Pickling).size(), 2u);
    EXPECT_GE(SpansIn(r.trace, SpanState::Unpickling).size(), 4u);  // in each worker and back in the parent
}

TEST(PoolRuntime, ProcessAsyncioRunsALoopPerWorker) {
    RealRunResult r = RunOk(Make(4, R"([{"await": "100ms"}])", R"({"kind": "process_asyncio", "workers": 2, "start_method": "fork"})"));
    EXPECT_EQ(TracksOf(r.trace, trace::TrackKind::EventLoop).size(), 2u);
    EXPECT_LT(Ms(r.trace.metrics.makespan), 100.0 + 400.0);  // the awaits overlap within each worker
}

TEST(PoolRuntime, AKilledWorkerIsAnErrorAndIsReaped) {
    std::atomic<int> victim{0};
    RunOptions options;
    options.timeoutSeconds = 20;
    options.onChildStarted = [&](int pid) {
        int expected = 0;
        victim.compare_exchange_strong(expected, pid);
    };
    std::thread killer([&] {
        while (victim.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        kill(victim.load(), SIGKILL);
    });
    RealRunResult r = RunForReal(Make(2, R"([{"cpu": "2s"}])", PoolModel("fork", 2)), RealRunKind::CppRuntime, options);
    killer.join();
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("crashed"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("signal 9"), std::string::npos) << r.error;
    // No zombie: every child was waited for (waitpid has nothing left to reap).
    int status = 0;
    EXPECT_EQ(waitpid(-1, &status, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

TEST(PoolRuntime, AnObjectGraphTakesItsThroughputToPickle) {
    // 8 MB sent as an object graph: at the default 86 MB/s the parent spends about 93 ms pickling it (bytes: 8 ms).
    scenario::Scenario s = Make(1, R"([{"send": "8MB", "payload": "objects"}, {"cpu": "1ms"}])", PoolModel("fork", 1));
    RealRunResult r = RunOk(s);
    const auto expected = plan::PickleTime(s.machine.profile, 8'000'000, 8'000'000, false);
    trace::TimeNs parent = 0;
    for (const auto& span : SpansIn(r.trace, SpanState::Pickling))
        if (r.trace.tracks[span.track.Index()].name == plan::kMainThread) parent += span.end - span.start;
    EXPECT_GE(parent, expected * 9 / 10) << "pickled for " << Ms(parent) << " ms";
}

}  // namespace
}  // namespace interleave::native

namespace interleave::native {
namespace {

// Pool workers sharing a multiprocessing.Queue (native/process_queues.h): a producer and a consumer task, one each.
scenario::Scenario QueuePool(const char* method, const std::string& produce, const std::string& consume,
                             const std::string& extra = "") {
    return testing::Parse(R"({"name": "mp queue", "version": 3, "tasks": [{"name": "produce", "count": 1, "steps": )" +
                          produce + R"(}, {"name": "consume", "count": 1, "steps": )" + consume + "}]" + extra +
                          R"(, "model": )" + PoolModel(method, 2) + R"(, "machine": {"cores": 2}})");
}

TEST(PoolRuntime, WorkersShareAMultiprocessingQueueThroughTheProducersFeederThread) {
    // maxsize 2: the producer's third put waits for the consumer's first get, 20 ms of I/O after it.
    const std::string produce = R"([{"repeat": 6, "steps": [{"put": "q"}]}])";
    const std::string consume = R"([{"repeat": 6, "steps": [{"get": "q"}, {"io": "10ms"}]}])";
    for (const char* method : {"fork", "spawn", "forkserver"}) {
        const RealRunResult r =
            testing::RunOk(QueuePool(method, produce, consume, R"(, "queues": {"q": {"maxsize": 2}})"), RealRunKind::CppRuntime, 60);
        ASSERT_EQ(r.trace.metrics.tasksDone, 2) << method;
        EXPECT_EQ(r.trace.metrics.tasksFailed, 0) << method;
        const trace::TaskRecord* producer = nullptr;
        for (const trace::TaskRecord& task : r.trace.tasks)
            if (task.name == "produce[0]") producer = &task;
        ASSERT_NE(producer, nullptr);
        // Six items, two of them ahead of the consumer: the last put waits for the consumer's third get.
        EXPECT_GE(testing::Ms(producer->finished - producer->started), 20.0) << method;
        // The feeder's lane is a thread of one worker's process, and holds a pickling span per item.
        trace::TrackId feeder = trace::TrackId::None();
        for (size_t t = 0; t < r.trace.tracks.size(); ++t)
            if (r.trace.tracks[t].name == plan::QueueFeederThreadName("q")) feeder = static_cast<trace::TrackId>(t);
        ASSERT_NE(feeder, trace::TrackId::None()) << method;
        EXPECT_EQ(r.trace.tracks[r.trace.tracks[feeder.Index()].parent.Index()].kind, trace::TrackKind::Process);
        int pickled = 0;
        for (const trace::Span& span : r.trace.spans) pickled += span.track == feeder && span.state == SpanState::Pickling;
        EXPECT_EQ(pickled, 6) << method;
        // The depth lane, the parent's, went up to maxsize and back to 0.
        int64_t deepest = 0, last = -1;
        for (const trace::CounterSample& sample : r.trace.samples) {
            if (r.trace.tracks[sample.track.Index()].name != plan::QueueLaneName("q")) continue;
            deepest = std::max(deepest, sample.value);
            last = sample.value;
        }
        EXPECT_EQ(deepest, 2) << method;
        EXPECT_EQ(last, 0) << method;
    }
}

TEST(PoolRuntime, AGetNobodyPutsToIsADeadlockThatNamesTheQueueNotATimeout) {
    RunOptions options;
    options.timeoutSeconds = 30;
    const RealRunResult r = RunForReal(QueuePool("fork", R"([{"io": "1ms"}])", R"([{"get": "jobs"}])"),
                                       RealRunKind::CppRuntime, options);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("multiprocessing.Queue \"jobs\""), std::string::npos) << r.error;
}

TEST(PoolRuntime, APipesSendWritesInTheCallerAndBlocksOnlyWhileTheOSPipeIsFull) {
    // The reader starts 20 ms in; the sender's first kPipeCapacity objects fit in the pipe, the last two wait for it.
    const std::string sends = std::to_string(plan::kPipeCapacity + 2);
    const std::string produce = R"([{"repeat": )" + sends + R"(, "steps": [{"put": "q"}]}])";
    const std::string consume = R"([{"io": "20ms"}, {"repeat": )" + sends + R"(, "steps": [{"get": "q"}]}])";
    for (const char* method : {"fork", "spawn", "forkserver"}) {
        scenario::Scenario s = QueuePool(method, produce, consume, R"(, "queues": {"q": {"pipe": true}})");
        s.machine.profile.mpPipeSend = s.machine.profile.mpPipeRecv = 1'000;
        const RealRunResult r = testing::RunOk(s, RealRunKind::CppRuntime, 60);
        ASSERT_EQ(r.trace.metrics.tasksDone, 2) << method;
        const trace::TaskRecord* producer = nullptr;
        const trace::TaskRecord* consumer = nullptr;
        for (const trace::TaskRecord& task : r.trace.tasks)
            (task.name == "produce[0]" ? producer : consumer) = &task;
        EXPECT_GE(testing::Ms(producer->finished - consumer->started), 20.0) << method;
        // No feeder thread, no depth lane; the sender's pickling is its own.
        for (const trace::Track& track : r.trace.tracks) {
            EXPECT_EQ(track.name.rfind("QueueFeederThread", 0), std::string::npos) << method << " " << track.name;
            EXPECT_NE(track.name, plan::QueueLaneName("q")) << method;
        }
        int pickled = 0, unpickled = 0;
        for (const trace::Span& span : r.trace.spans) {
            pickled += span.task == trace::TaskId(0) && span.state == SpanState::Pickling;
            unpickled += span.task == trace::TaskId(1) && span.state == SpanState::Unpickling;
        }
        EXPECT_EQ(pickled, plan::kPipeCapacity + 2) << method;
        EXPECT_EQ(unpickled, plan::kPipeCapacity + 2) << method;
    }
}

TEST(PoolRuntime, ARecvNobodySendsToIsADeadlockThatNamesThePipe) {
    RunOptions options;
    options.timeoutSeconds = 30;
    const RealRunResult r = RunForReal(QueuePool("fork", R"([{"io": "1ms"}])", R"([{"get": "jobs"}])",
                                                 R"(, "queues": {"jobs": {"pipe": true}})"),
                                       RealRunKind::CppRuntime, options);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("multiprocessing.Pipe \"jobs\""), std::string::npos) << r.error;
}

}  // namespace
}  // namespace interleave::native
