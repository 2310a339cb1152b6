// The C++ runtime's threads under a real GIL (after Python/ceval_gil.c), sequential and free-threaded.
#include "native_test_support.h"

namespace interleave::native {
namespace {

using namespace testing;
using trace::SpanState;

TEST(GilRuntime, FourThreadsOfCpuUnderTheGilTakeAtLeastTheirSum) {
    RealRunResult r = RunOk(Make(4, R"([{"cpu": "50ms"}])", R"({"kind": "threads"})"));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 200.0 * 0.98);  // CPU time is measured per thread: the sum is a floor
    EXPECT_LT(Ms(r.trace.metrics.makespan), 2000.0);
    EXPECT_EQ(r.trace.metrics.tasksDone, 4);
}

TEST(GilRuntime, NoTwoThreadsHoldTheGilAtOnce) {
    RealRunResult r = RunOk(Make(3, R"([{"cpu": "30ms"}])", R"({"kind": "threads"})"));
    std::vector<trace::Span> holding = SpansIn(r.trace, SpanState::HoldingGil);
    ASSERT_FALSE(holding.empty());
    // Holdings on the GIL lane never overlap (one lane, so compare by holder).
    std::sort(holding.begin(), holding.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    for (size_t i = 1; i < holding.size(); ++i) EXPECT_GE(holding[i].start, holding[i - 1].end) << "holding " << i;
    // And Python code runs on one thread at a time.
    EXPECT_EQ(MaxCrossOverlap(SpansIn(r.trace, SpanState::RunningPython)), 0);
}

TEST(GilRuntime, WaitersSetDropRequestsAfterASwitchInterval) {
    scenario::Scenario s = Make(2, R"([{"cpu": "40ms"}])", R"({"kind": "threads"})");
    RealRunResult r = RunOk(s);
    int64_t drops = 0;
    for (const auto& in : r.trace.instants) drops += in.kind == trace::InstantKind::DropRequest;
    EXPECT_GE(drops, 3);  // 80 ms of CPU shared by two threads at 5 ms intervals
    // Waits end with a hand-off: a WaitingGil span records who held the GIL.
    for (const auto& w : SpansIn(r.trace, SpanState::WaitingGil))
        EXPECT_NE(w.cause, trace::TrackId::None());
    // The slices are about a switch interval (5 ms): the median lies between 1 and 25 ms.
    EXPECT_GT(Ms(r.trace.metrics.medianGilSlice), 1.0);
    EXPECT_LT(Ms(r.trace.metrics.medianGilSlice), 25.0);
}

TEST(GilRuntime, IoReleasesTheGilSoWaitsOverlap) {
    RealRunResult r = RunOk(Make(4, R"([{"io": "100ms"}])", R"({"kind": "threads"})"));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 100.0 * 0.98);
    EXPECT_LT(Ms(r.trace.metrics.makespan), 350.0);  // not 400: the four waits overlap
    EXPECT_EQ(SpansIn(r.trace, SpanState::BlockedIo).size(), 4u);
}

TEST(GilRuntime, ARecvWaitsForItsReplyCountedFromTheSendsStart) {
    // A 5 ms send, then a recv whose reply lands 20 ms after the send began: about 20 ms, not 5 + 1.
    const std::string threads = R"({"kind": "threads"})";
    RealRunResult r = RunOk(Make(1, R"([{"io": "5ms"}, {"io": "1ms", "reply_after": "20ms"}])", threads));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 20.0);
    // 30 ms of Python between them: the reply is there when the recv starts, which takes its own 1 ms.
    r = RunOk(Make(1, R"([{"io": "5ms"}, {"cpu": "30ms"}, {"io": "1ms", "reply_after": "20ms"}])", threads));
    const std::vector<trace::Span> blocked = SpansIn(r.trace, SpanState::BlockedIo);
    ASSERT_EQ(blocked.size(), 2u);
    EXPECT_LT(Ms(blocked[1].end - blocked[1].start), 15.0);  // counted from the recv's own start it would be 20
}

TEST(GilRuntime, CCallsRunWithoutTheGil) {
    RealRunResult r = RunOk(Make(2, R"([{"c_call": "20ms"}])", R"({"kind": "threads"})"));
    EXPECT_EQ(SpansIn(r.trace, SpanState::RunningC).size(), 2u);
    for (const auto& h : SpansIn(r.trace, SpanState::HoldingGil))
        for (const auto& c : SpansIn(r.trace, SpanState::RunningC))
            if (h.cause == c.track) {
                EXPECT_FALSE(h.start < c.end && c.start < h.end) << "a thread in C still held the GIL";
            }
}

TEST(GilRuntime, SequentialRunsTasksInOrder) {
    RealRunResult r = RunOk(Make(3, R"([{"cpu": "5ms"}, {"await": "10ms"}])", R"({"kind": "sequential"})"));
    ASSERT_EQ(r.trace.tasks.size(), 3u);
    for (size_t i = 1; i < 3; ++i) EXPECT_GE(r.trace.tasks[i].started, r.trace.tasks[i - 1].finished);
    EXPECT_GE(Ms(r.trace.metrics.makespan), 45.0 * 0.98);
}

// Under the GIL a bare `counter += 1` is never split in this runtime, so the exact count alone would
// pass with a lock that does nothing. What the lock adds is exclusion: its critical sections (here 50 ms
// of I/O each, the GIL released) never overlap, so 5 of them take at least 250 ms; without the lock the
// same sleeps overlap. Overlap is measured on the spans, not read off the makespan: how long threads take
// to start (a few ms each under ThreadSanitizer on a loaded 2-core machine) must not decide it. Both are
// checked, so a no-op lock fails.
TEST(GilRuntime, ALockKeepsItsCriticalSectionsApartAndTheCounterExact) {
    RealRunResult locked = RunOk(Parse(R"({"name": "c", "tasks": [{"name": "inc", "count": 5, "steps": [
        {"acquire": "lock"}, {"increment": "n"}, {"io": "50ms"}, {"release": "lock"}]}], "model": {"kind": "threads"}})"));
    ASSERT_EQ(locked.trace.metrics.counters.size(), 1u);
    EXPECT_EQ(locked.trace.metrics.counters[0].second, 5);
    EXPECT_FALSE(SpansIn(locked.trace, SpanState::WaitingLock).empty());
    EXPECT_GE(Ms(locked.trace.metrics.makespan), 5 * 50.0 * 0.98) << "the critical sections overlapped";
    EXPECT_EQ(MaxCrossOverlap(SpansIn(locked.trace, SpanState::BlockedIo)), 0) << "the critical sections overlapped";
    RealRunResult unlocked = RunOk(Parse(R"({"name": "c", "tasks": [{"name": "inc", "count": 5, "steps": [
        {"increment": "n"}, {"io": "50ms"}]}], "model": {"kind": "threads"}})"));
    EXPECT_GT(Ms(MaxCrossOverlap(SpansIn(unlocked.trace, SpanState::BlockedIo))), 25.0)
        << "without the lock the sections overlap";
}

TEST(GilRuntime, ThreadPoolRunsNoMoreThreadsThanWorkers) {
    RealRunResult r = RunOk(Make(6, R"([{"io": "20ms"}])", R"({"kind": "threads", "workers": 2})"));
    EXPECT_EQ(TracksOf(r.trace, trace::TrackKind::Thread).size(), 3u);  // main + 2 workers
    EXPECT_GE(Ms(r.trace.metrics.makespan), 60.0 * 0.98);             // 3 rounds of 20 ms
}

TEST(GilRuntime, FreeThreadedHasNoGilLane) {
    RealRunResult r = RunOk(Make(2, R"([{"cpu": "20ms"}])", R"({"kind": "free_threaded", "workers": 2})"));
    EXPECT_TRUE(TracksOf(r.trace, trace::TrackKind::Gil).empty());
    EXPECT_TRUE(SpansIn(r.trace, SpanState::WaitingGil).empty());
    EXPECT_GE(Ms(r.trace.metrics.makespan), 20.0 * 1.1 * 0.98);  // the slowdown applies to each thread
}

TEST(GilRuntime, ARunPastItsDeadlineIsStoppedWithAnError) {
    RunOptions options;
    options.timeoutSeconds = 0.2;
    RealRunResult r = RunForReal(Make(20, R"([{"io": "100ms"}])", R"({"kind": "sequential"})"), RealRunKind::CppRuntime, options);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST(GilRuntime, TheTraceSaysWhoProducedIt) {
    RealRunResult r = RunOk(Make(1, R"([{"cpu": "1ms"}])", R"({"kind": "threads"})"));
    EXPECT_EQ(r.trace.producer, "cpp-runtime");
    EXPECT_TRUE(r.trace.IsFinished());
    EXPECT_FALSE(r.trace.label.empty());
}

}  // namespace
}  // namespace interleave::native
