// The World's span recording (models/world/span_recording.h), apart from the World: a lane's span goes on while
// nothing about it changes and is written out when something does, empty spans are never written, a GIL wait
// carries its drop request, a GIL lane records holdings, and the spans reach the trace grouped by lane.
#include <gtest/gtest.h>

#include "models/world/span_recording.h"

namespace interleave::models {
namespace {

using trace::SpanState;

TEST(SpanRecording, AThreadSpanGoesOnWhileStateTaskAndCauseStayTheSame) {
    trace::Trace trace;
    const trace::TrackId lane = trace.AddTrack("t", trace::TrackKind::Thread);
    SpanRecording recording(trace);
    OpenSpan open;
    recording.SetThreadSpan(open, lane, -1, 10, SpanState::RunningPython, trace::TaskId(1), trace::TrackId::None(), -1);
    recording.SetThreadSpan(open, lane, -1, 20, SpanState::RunningPython, trace::TaskId(1), trace::TrackId::None(),
                            -1);  // the same: goes on
    recording.SetThreadSpan(open, lane, -1, 30, SpanState::RunningPython, trace::TaskId(2), trace::TrackId::None(),
                            -1);  // another task
    recording.SetThreadSpan(open, lane, -1, 30, SpanState::BlockedIo, trace::TaskId(2), trace::TrackId::None(),
                            -1);  // task 2's: empty
    recording.CloseThreadSpan(open, lane, -1, 45);
    recording.CloseThreadSpan(open, lane, -1, 50);  // closed already: nothing
    recording.HandOver();

    ASSERT_EQ(trace.spans.size(), 2u);
    EXPECT_EQ(trace.spans[0].start, 10);
    EXPECT_EQ(trace.spans[0].end, 30);
    EXPECT_EQ(trace.spans[0].task, trace::TaskId(1));
    EXPECT_EQ(trace.spans[1].start, 30);
    EXPECT_EQ(trace.spans[1].end, 45);
    EXPECT_EQ(trace.spans[1].state, SpanState::BlockedIo);
    EXPECT_EQ(trace.spans[1].task, trace::TaskId(2));
    EXPECT_TRUE(trace.Waits().empty()) << "no cause time and no drop request: no wait detail";
}

TEST(SpanRecording, AThreadWithoutALaneRecordsNothing) {
    trace::Trace trace;
    SpanRecording recording(trace);
    OpenSpan open;
    recording.SetThreadSpan(open, trace::TrackId::None(), -1, 0, SpanState::WaitingGil, trace::TaskId(1),
                            trace::TrackId(0), 0);
    recording.CloseThreadSpan(open, trace::TrackId::None(), -1, 100);
    EXPECT_EQ(recording.TraceBytes(), 0u);
    EXPECT_FALSE(open.open);
}

TEST(SpanRecording, AGilWaitCarriesItsCauseTimeAndADropRequestMadeDuringIt) {
    trace::Trace trace;
    const trace::TrackId holder = trace.AddTrack("holder", trace::TrackKind::Thread);
    const trace::TrackId lane = trace.AddTrack("waiter", trace::TrackKind::Thread);
    SpanRecording recording(trace);
    OpenSpan open;
    recording.SetThreadSpan(open, lane, 5, 100, SpanState::WaitingGil, trace::TaskId(1), holder, 40);
    recording.CloseThreadSpan(open, lane, 150, 200);  // it set gil_drop_request at 150
    recording.SetThreadSpan(open, lane, 150, 300, SpanState::WaitingGil, trace::TaskId(1), holder, 250);
    recording.CloseThreadSpan(open, lane, 150, 400);  // that request was before this wait: not this one's
    recording.HandOver();

    ASSERT_EQ(trace.Waits().size(), 2u);
    EXPECT_EQ(trace.Waits()[0].start, 100);
    EXPECT_EQ(trace.Waits()[0].causeSince, 40);
    EXPECT_EQ(trace.Waits()[0].dropRequestAt, 150);
    EXPECT_EQ(trace.Waits()[1].start, 300);
    EXPECT_EQ(trace.Waits()[1].causeSince, 250);
    EXPECT_EQ(trace.Waits()[1].dropRequestAt, -1);
    ASSERT_EQ(trace.spans.size(), 2u);
    EXPECT_EQ(trace.spans[0].cause, holder);
}

TEST(SpanRecording, ACoreSpanIsWrittenOnlyWhileBusyAndNamesWhoRanIt) {
    trace::Trace trace;
    const trace::TrackId core = trace.AddTrack("core 0", trace::TrackKind::Core);
    SpanRecording recording(trace);
    OpenSpan open;
    int asked = 0;
    const auto ranBy = [&asked] {
        ++asked;
        return trace::TrackId{7};
    };
    recording.SetCoreSpan(open, core, ranBy, 0, false, SpanState::Idle,
                          trace::TaskId::None());  // idle: nothing to write
    recording.SetCoreSpan(open, core, ranBy, 10, true, SpanState::RunningC, trace::TaskId(3));
    recording.SetCoreSpan(open, core, ranBy, 25, false, SpanState::Idle, trace::TaskId::None());
    recording.SetCoreSpan(open, core, ranBy, 40, false, SpanState::Idle, trace::TaskId::None());
    recording.HandOver();

    ASSERT_EQ(trace.spans.size(), 1u);
    EXPECT_EQ(trace.spans[0].start, 10);
    EXPECT_EQ(trace.spans[0].end, 25);
    EXPECT_EQ(trace.spans[0].state, SpanState::RunningC);
    EXPECT_EQ(trace.spans[0].task, trace::TaskId(3));
    EXPECT_EQ(trace.spans[0].cause, trace::TrackId(7));
    EXPECT_EQ(asked, 1) << "who ran it is looked up only for the span written";
}

TEST(SpanRecording, AGilLaneRecordsEachHoldingFromOneChangeOfHolderToTheNext) {
    trace::Trace trace;
    const trace::TrackId gil = trace.AddTrack("GIL", trace::TrackKind::Gil);
    SpanRecording recording(trace);
    recording.AddGilLane();  // interpreter 0: no GIL lane
    recording.AddGilLane();  // interpreter 1: `gil`
    const InterpIndex none(0), withLane(1);
    recording.CloseGilSpan(withLane, gil, false, trace::TrackId::None(), 10);  // taken at 10, by thread lane 4
    recording.CloseGilSpan(withLane, gil, true, trace::TrackId(4), 30);        // dropped at 30
    recording.CloseGilSpan(withLane, gil, false, trace::TrackId::None(), 50);  // taken at 50, by lane 5
    recording.CloseGilSpan(withLane, gil, true, trace::TrackId(5), 50);        // dropped at once: nothing held
    recording.CloseGilSpan(none, trace::TrackId::None(), true, trace::TrackId(4), 60);
    recording.HandOver();

    ASSERT_EQ(trace.spans.size(), 1u);
    EXPECT_EQ(trace.spans[0].track, gil);
    EXPECT_EQ(trace.spans[0].start, 10);
    EXPECT_EQ(trace.spans[0].end, 30);
    EXPECT_EQ(trace.spans[0].state, SpanState::HoldingGil);
    EXPECT_EQ(trace.spans[0].cause, trace::TrackId(4));
}

TEST(SpanRecording, SpansReachTheTraceGroupedByLaneAndCountInTheTraceBytes) {
    trace::Trace trace;
    const trace::TrackId a = trace.AddTrack("a", trace::TrackKind::Thread);
    const trace::TrackId b = trace.AddTrack("b", trace::TrackKind::Thread);
    SpanRecording recording(trace);
    recording.Record(b, 0, 10, SpanState::RunningPython, trace::TaskId(1), trace::TrackId::None());
    recording.Record(a, 5, 15, SpanState::RunningPython, trace::TaskId(2), trace::TrackId::None());
    recording.Record(b, 10, 20, SpanState::BlockedIo, trace::TaskId(1), trace::TrackId::None());
    recording.Record(a, 20, 20, SpanState::BlockedIo, trace::TaskId(2), trace::TrackId::None());  // empty: not written
    EXPECT_EQ(recording.TraceBytes(), 3 * sizeof(trace::Span));
    recording.HandOver();

    ASSERT_EQ(trace.spans.size(), 3u);
    EXPECT_EQ(trace.spans[0].track, a);
    EXPECT_EQ(trace.spans[1].track, b);
    EXPECT_EQ(trace.spans[1].start, 0);
    EXPECT_EQ(trace.spans[2].track, b);
    EXPECT_EQ(trace.spans[2].start, 10);
}

}  // namespace
}  // namespace interleave::models
