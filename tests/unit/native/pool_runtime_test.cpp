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
        const bool onMain = r.trace.tracks[static_cast<size_t>(run.track)].name == "MainThread";
        if (run.task >= 0) {
            EXPECT_FALSE(onMain);
        }
        mainThreadRuns += onMain && run.task < 0;
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
        if (r.trace.tracks[static_cast<size_t>(span.track)].name == plan::kMainThread) parent += span.end - span.start;
    EXPECT_GE(parent, expected * 9 / 10) << "pickled for " << Ms(parent) << " ms";
}

}  // namespace
}  // namespace interleave::native
