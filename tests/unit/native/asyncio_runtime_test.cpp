// The C++ runtime's asyncio: a real epoll loop against the delay server.
#include "native_test_support.h"

namespace interleave::native {
namespace {

using namespace testing;
using trace::SpanState;

TEST(AsyncioRuntime, FiveAwaitsOfAHundredMillisecondsOverlap) {
    RealRunResult r = RunOk(Make(5, R"([{"await": "100ms"}])", R"({"kind": "asyncio"})"));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 100.0 * 0.98);
    EXPECT_LT(Ms(r.trace.metrics.makespan), 250.0);
    EXPECT_EQ(SpansIn(r.trace, SpanState::Awaiting).size(), 5u);
}

TEST(AsyncioRuntime, ABlockingCallStallsTheLoop) {
    RealRunResult r = RunOk(Make(3, R"([{"blocking_call": "50ms"}])", R"({"kind": "asyncio"})"));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 150.0 * 0.98);
}

TEST(AsyncioRuntime, EachCoroutinesRecvCountsFromItsOwnSend) {
    // Each: a blocking 5 ms send (the loop blocks), an await of 10 ms, a recv whose reply lands 20 ms after its own
    // send. t[0] sends at 0-5, t[1] at 5-10; t[1] reads its reply at about 25 ms. Counted from the loop thread's
    // latest call instead (t[0]'s recv at about 15), it would wait until 35.
    RealRunResult r = RunOk(Make(2, R"([{"io": "5ms"}, {"await": "10ms"}, {"io": "1ms", "reply_after": "20ms"}])",
                                 R"({"kind": "asyncio"})"));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 25.0);
    EXPECT_LT(Ms(r.trace.metrics.makespan), 34.0);
}

TEST(AsyncioRuntime, ToThreadRunsTheBlockingCallOnTheExecutor) {
    RealRunResult r = RunOk(Make(3, R"([{"to_thread": {"io": "50ms"}}])", R"({"kind": "asyncio"})"));
    EXPECT_LT(Ms(r.trace.metrics.makespan), 140.0);  // not 150: they overlap on pool threads
    EXPECT_FALSE(TracksOf(r.trace, trace::TrackKind::Thread).empty());
}

TEST(AsyncioRuntime, ASemaphoreAdmitsKAtATime) {
    RealRunResult r = RunOk(Make(6, R"([{"await": "40ms"}])", R"({"kind": "asyncio", "semaphore": 2})"));
    EXPECT_GE(Ms(r.trace.metrics.makespan), 120.0 * 0.98);  // three rounds
}

TEST(AsyncioRuntime, ATaskGroupCancelsTheRestOnAFailure) {
    RealRunResult r = RunOk(Parse(R"({"name": "tg", "tasks": [{"name": "slow", "count": 3, "steps": [{"await": "1s"}]},
        {"name": "bad", "count": 1, "steps": [{"await": "30ms"}, {"fail": "ValueError"}]}], "model": {"kind": "asyncio", "task_group": true}})"));
    EXPECT_LT(Ms(r.trace.metrics.makespan), 500.0);
    EXPECT_EQ(r.trace.metrics.tasksCancelled, 3);
    EXPECT_EQ(r.trace.metrics.tasksFailed, 1);
}

TEST(AsyncioRuntime, CpuInCoroutinesRunsOneAtATimeOnTheLoop) {
    RealRunResult r = RunOk(Make(3, R"([{"cpu": "10ms"}, {"await": "20ms"}, {"cpu": "10ms"}])", R"({"kind": "asyncio"})"));
    std::vector<trace::Span> loopRuns;
    for (const auto& s : SpansIn(r.trace, SpanState::RunningPython))
        if (r.trace.tracks[s.track.Index()].kind == trace::TrackKind::EventLoop) loopRuns.push_back(s);
    EXPECT_GE(loopRuns.size(), 6u);
    std::sort(loopRuns.begin(), loopRuns.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    for (size_t i = 1; i < loopRuns.size(); ++i) EXPECT_GE(loopRuns[i].start, loopRuns[i - 1].end);
    EXPECT_GE(Ms(r.trace.metrics.makespan), 60.0 * 0.98);
}

}  // namespace
}  // namespace interleave::native

namespace interleave::native {
namespace {

TEST(AsyncioRuntime, EverySpanIsOnARealTrack) {
    using namespace testing;
    RealRunResult r = RunOk(Make(3, R"([{"to_thread": {"cpu": "5ms"}}, {"await": "5ms"}])", R"({"kind": "asyncio"})"));
    const auto tracks = static_cast<trace::TrackId>(r.trace.tracks.size());
    for (const auto& s : r.trace.spans) {
        EXPECT_GE(s.track, trace::TrackId(0));
        EXPECT_LT(s.track, tracks);
        EXPECT_GE(s.cause, trace::TrackId::None());
        EXPECT_LT(s.cause, tracks);
    }
}

}  // namespace
}  // namespace interleave::native
