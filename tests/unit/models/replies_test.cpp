// An io step that waits for a reply ({"io": "1ms", "reply_after": "20ms"}): the peer answers on its own time, counted
// from the start of the task's previous io step, whether the task was there to wait or not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

using namespace interleave;
using interleave::testing::Ms;
using interleave::testing::ParseOrDie;
using interleave::testing::SimulateOk;
using interleave::testing::TaskNamed;

namespace {

scenario::Scenario Make(const std::string& steps, const std::string& model, int count = 1) {
    return ParseOrDie(R"({"name": "replies", "tasks": [{"name": "t", "count": )" + std::to_string(count) +
                      R"(, "steps": )" + steps + R"(}], "model": )" + model + R"(, "machine": {"cores": 2}})");
}

double TaskMs(const scenario::Scenario& s, const std::string& task) {
    const models::SimulationResult result = SimulateOk(s);  // kept: the record is a reference into its trace
    const trace::TaskRecord& record = TaskNamed(result.trace, task);
    return Ms(record.finished - record.started);
}

}  // namespace

TEST(Replies, ARecvReturnsWhenItsReplyLandsCountedFromTheSendsStart) {
    // A 5 ms send, then a recv whose reply lands 20 ms after the send began: 20 ms in all, not 5 + 1.
    const double reply = TaskMs(Make(R"([{"io": "5ms"}, {"io": "1ms", "reply_after": "20ms"}])", R"({"kind": "sequential"})"), "t[0]");
    EXPECT_GE(reply, 20.0);
    EXPECT_LT(reply, 20.2);
    const double plain = TaskMs(Make(R"([{"io": "5ms"}, {"io": "1ms"}])", R"({"kind": "sequential"})"), "t[0]");
    EXPECT_LT(plain, 6.2);
}

TEST(Replies, AReplyThatLandedWhileTheTaskWasBusyIsReadInTheCallsOwnTime) {
    // 30 ms of Python between the send and the recv: the reply (due 20 ms after the send began) is there already, so
    // the recv takes its own 1 ms: 5 + 30 + 1.
    const double ms = TaskMs(Make(R"([{"io": "5ms"}, {"cpu": "30ms"}, {"io": "1ms", "reply_after": "20ms"}])",
                                  R"({"kind": "threads"})"), "t[0]");
    EXPECT_GE(ms, 36.0);
    EXPECT_LT(ms, 36.5);
}

TEST(Replies, InARepeatEachRecvCountsFromItsOwnSend) {
    const double ms = TaskMs(Make(R"([{"repeat": 10, "steps": [{"io": "2ms"}, {"io": "1ms", "reply_after": "5ms"}]}])",
                                  R"({"kind": "threads"})"), "t[0]");
    EXPECT_GE(ms, 50.0);
    EXPECT_LT(ms, 51.0);
}

TEST(Replies, EachCoroutineCountsFromItsOwnSendNotTheLoopThreadsLatestCall) {
    // Two coroutines, each: a blocking 5 ms send (the loop thread blocks), an await of 10 ms, a recv whose reply lands
    // 20 ms after its own send. t[0] sends at 0-5, t[1] at 5-10; t[0] reads its reply at 20, t[1] at 25. Counted from
    // the loop thread's latest call instead, t[1]'s reply would wait for 15 + 20 = 35 ms.
    const auto s = Make(R"([{"io": "5ms"}, {"await": "10ms"}, {"io": "1ms", "reply_after": "20ms"}])",
                        R"({"kind": "asyncio"})", 2);
    const trace::Trace trace = SimulateOk(s).trace;
    EXPECT_GE(Ms(trace.metrics.makespan), 25.0);
    EXPECT_LT(Ms(trace.metrics.makespan), 26.0);
}

TEST(Replies, BesideACpuBoundThreadTheReplyIsReadOnceTheGilComesBack) {
    // A send, then a recv whose reply lands 20 us after the send began, beside a CPU-bound thread holding the GIL: the
    // thread waits up to a switch interval for the GIL after the send, by which time the reply is long there, so its
    // recv takes its own 3 us. A recv measured alone (16 us: mostly the wait for the peer) would take 16 us each time.
    auto recvTimes = [](const std::string& recv) {
        const auto s = ParseOrDie(R"({"name": "replies", "tasks": [{"name": "cpu", "steps": [{"cpu": "100ms"}]},
            {"name": "io", "steps": [{"repeat": 8, "steps": [{"cpu": "1us"}, {"io": "6us"}, {"cpu": "1us"}, )" + recv +
                                  R"(]}]}], "model": {"kind": "threads"}, "machine": {"cores": 2}})");
        const trace::Trace trace = SimulateOk(s).trace;
        int32_t task = -1;
        for (size_t k = 0; k < trace.tasks.size(); ++k)
            if (trace.tasks[k].name == "io[0]") task = static_cast<int32_t>(k);
        std::vector<trace::TimeNs> blocked;
        trace::TrackId track = trace::TrackId::None();
        for (const trace::Span& span : trace.spans) {
            if (span.task != trace::TaskId(task) || span.state != trace::SpanState::BlockedIo) continue;
            if (track == trace::TrackId::None()) track = span.track;  // its thread's lane (not a task lane too)
            if (span.track == track) blocked.push_back(span.end - span.start);
        }
        std::vector<trace::TimeNs> recvs;
        for (size_t k = 1; k < blocked.size(); k += 2) recvs.push_back(blocked[k]);
        return recvs;
    };
    const std::vector<trace::TimeNs> reply = recvTimes(R"({"io": "3us", "reply_after": "20us"})");
    ASSERT_EQ(reply.size(), 8u);
    EXPECT_EQ(interleave::testing::Median(reply), 3'000);
    const std::vector<trace::TimeNs> fixed = recvTimes(R"({"io": "16us"})");
    ASSERT_EQ(fixed.size(), 8u);
    EXPECT_EQ(interleave::testing::Median(fixed), 16'000);
}
