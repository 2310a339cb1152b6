// trace::ToText: the readable form the golden traces are kept in.
#include <gtest/gtest.h>

#include "trace/trace.h"
#include "trace/trace_text.h"

namespace interleave::trace {
namespace {

TEST(TraceText, EverySpanIsALineUnderItsLaneWithExactTimes) {
    Trace t;
    t.label = "threads";
    t.producer = "simulator";
    const TrackId process = t.AddTrack("MainProcess", TrackKind::Process);
    const TrackId thread = t.AddTrack("Thread-1 (run_task)", TrackKind::Thread, process);
    t.tasks.push_back(TaskRecord{"fetch[0]", 0, 1'500, 2'000'001, false, false});
    t.spans.push_back(Span{1'000'000, 2'000'001, thread, TaskId(0), TrackId::None(), SpanState::BlockedIo});
    t.spans.push_back(Span{1'500, 1'000'000, thread, TaskId(0), process, SpanState::WaitingGil});
    t.instants.push_back(Instant{2'000'001, thread, InstantKind::TaskEnd, TrackId::None(), TaskId(0)});
    t.metrics.makespan = 2'000'001;
    const std::string text = ToText(t);
    EXPECT_NE(text.find("makespan 2.000001 ms"), std::string::npos) << text;
    EXPECT_NE(text.find("lane Thread-1 (run_task) (thread, in MainProcess)\n"
                        "  0.001500 .. 1.000000  waiting_gil  fetch[0]  <- MainProcess\n"
                        "  1.000000 .. 2.000001  blocked_io  fetch[0]\n"),
              std::string::npos)
        << text;  // in time order, whatever the order they were recorded in
    EXPECT_NE(text.find("  2.000001  task_end  on Thread-1 (run_task)  fetch[0]"), std::string::npos) << text;
}

TEST(TraceText, ABrokenTraceIsWrittenNotDropped) {
    Trace t;
    t.spans.push_back(
        Span{-5, 10, TrackId(7), TaskId(42), TrackId(9), SpanState::RunningPython});  // no such lane, task or cause
    t.instants.push_back(Instant{3, TrackId(-9), InstantKind::DropRequest, TrackId(11), TaskId::None()});
    const std::string text = ToText(t);
    EXPECT_NE(text.find("on missing lane #7: -0.000005 .. 0.000010"), std::string::npos) << text;
    EXPECT_NE(text.find("drop_request  on #-9  <- #11"), std::string::npos) << text;
}

}  // namespace
}  // namespace interleave::trace
