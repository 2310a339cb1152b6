#include <gtest/gtest.h>

#include <random>

#include "trace/span_recorder.h"

using namespace interleave::trace;

namespace {

Span MakeSpan(TrackId track, TimeNs start) {
    Span span;
    span.track = track;
    span.start = start;
    span.end = start + 1;
    span.task = static_cast<TaskId>(start);
    return span;
}

}  // namespace

TEST(SpanRecorder, HandsOverSpansGroupedByTrackInTheOrderEachTrackGotThem) {
    Trace trace;
    for (int t = 0; t < 5; ++t) trace.AddTrack(std::to_string(t), TrackKind::Thread);
    SpanRecorder recorder;
    std::mt19937 random(3);
    std::vector<TimeNs> next(5, 0);
    std::vector<size_t> perTrack(5, 0);
    // More spans than one chunk holds on some tracks, none at all on track 2.
    for (int i = 0; i < 1000; ++i) {
        TrackId track = static_cast<TrackId>(random() % 5);
        if (track == TrackId(2)) track = TrackId(4);
        recorder.Add(MakeSpan(track, next[track.Index()]));
        next[track.Index()] += 10;
        ++perTrack[track.Index()];
    }
    EXPECT_EQ(recorder.Size(), 1000u);
    recorder.MoveInto(trace);
    EXPECT_EQ(recorder.Size(), 0u);
    ASSERT_EQ(trace.spans.size(), 1000u);
    for (size_t i = 1; i < trace.spans.size(); ++i) {
        const Span& a = trace.spans[i - 1];
        const Span& b = trace.spans[i];
        ASSERT_TRUE(a.track < b.track || (a.track == b.track && a.start + 10 == b.start)) << "at " << i;
    }
    trace.Finish();
    for (TrackId t(0); t.value < 5; t = TrackId(t.value + 1)) {
        EXPECT_EQ(trace.SpansOf(t).size(), perTrack[t.Index()]);
        if (!trace.SpansOf(t).empty()) {
            EXPECT_EQ(trace.SpansOf(t).front().start, 0);
        }
    }
}

// Enough spans to fill several blocks of growing size, twice: the second trace is written into the
// blocks the first one left behind.
TEST(SpanRecorder, KeepsEveryTracksOrderAcrossManyBlocksAndReusedBlocks) {
    for (int round = 0; round < 2; ++round) {
        Trace trace;
        SpanRecorder recorder;
        std::mt19937 random(static_cast<unsigned>(round + 5));
        std::vector<TimeNs> next(3, 0);
        const int total = 200'000;
        for (int i = 0; i < total; ++i) {
            const auto track = static_cast<TrackId>(random() % 3);
            recorder.Add(MakeSpan(track, next[track.Index()]));
            next[track.Index()] += 10;
        }
        recorder.MoveInto(trace);
        ASSERT_EQ(trace.spans.size(), static_cast<size_t>(total));
        size_t onTrack = 0;
        for (size_t i = 0; i < trace.spans.size(); ++i) {
            const Span& span = trace.spans[i];
            if (i > 0 && span.track != trace.spans[i - 1].track) {
                ASSERT_EQ(span.track, TrackId(trace.spans[i - 1].track.value + 1)) << "at " << i;
                EXPECT_EQ(static_cast<TimeNs>(onTrack) * 10, next[trace.spans[i - 1].track.Index()]);
                onTrack = 0;
            }
            ASSERT_EQ(span.start, static_cast<TimeNs>(onTrack) * 10) << "round " << round << ", span " << i;
            ASSERT_EQ(span.task, static_cast<TaskId>(span.start));
            ++onTrack;
        }
    }
}

TEST(SpanRecorder, CanBeReusedAfterHandingOver) {
    SpanRecorder recorder;
    recorder.Add(MakeSpan(TrackId(1), 5));
    Trace first;
    recorder.MoveInto(first);
    recorder.Add(MakeSpan(TrackId(0), 7));
    Trace second;
    recorder.MoveInto(second);
    ASSERT_EQ(first.spans.size(), 1u);
    EXPECT_EQ(first.spans[0].track, TrackId(1));
    ASSERT_EQ(second.spans.size(), 1u);
    EXPECT_EQ(second.spans[0].start, 7);
}

// Finish() must still group and order spans a producer appended in any order (imported files).
TEST(TraceFinish, GroupsAndSortsSpansAppendedOutOfOrder) {
    Trace trace;
    for (int t = 0; t < 3; ++t) trace.AddTrack(std::to_string(t), TrackKind::Thread);
    trace.spans = {MakeSpan(TrackId(2), 30), MakeSpan(TrackId(0), 20), MakeSpan(TrackId(2), 10),
                   MakeSpan(TrackId(7), 0), MakeSpan(TrackId(0), 5)};
    trace.Finish();
    ASSERT_EQ(trace.spans.size(), 4u) << "the span on a track that does not exist is dropped";
    ASSERT_EQ(trace.SpansOf(TrackId(0)).size(), 2u);
    EXPECT_EQ(trace.SpansOf(TrackId(0))[0].start, 5);
    EXPECT_EQ(trace.SpansOf(TrackId(0))[1].start, 20);
    EXPECT_TRUE(trace.SpansOf(TrackId(1)).empty());
    ASSERT_EQ(trace.SpansOf(TrackId(2)).size(), 2u);
    EXPECT_EQ(trace.SpansOf(TrackId(2))[0].start, 10);
}

// Wait details arrive as spans close (interleaved across tracks, in time order on each), or in any
// order from an imported file: after Finish() each span finds its own.
TEST(TraceFinish, EveryWaitSpanFindsItsDetailWhateverOrderTheyCameIn) {
    Trace trace;
    for (int t = 0; t < 4; ++t) trace.AddTrack(std::to_string(t), TrackKind::Thread);
    std::mt19937 random(21);
    std::vector<TimeNs> next(4, 0);
    for (int i = 0; i < 3000; ++i) {
        const auto track = static_cast<TrackId>(random() % 4);
        Span span = MakeSpan(track, next[track.Index()]);
        span.state = SpanState::WaitingGil;
        next[track.Index()] += 10;
        trace.spans.push_back(span);
        trace.AddWait(span, span.start + 1000, i % 3 == 0 ? span.start + 1 : -1);
    }
    Span late = MakeSpan(TrackId(1), 5);  // out of order on its track, as an imported file may have it
    late.state = SpanState::WaitingGil;
    trace.spans.push_back(late);
    trace.AddWait(late, late.start + 1000, -1);
    trace.Finish();
    ASSERT_EQ(trace.Waits().size(), 3001u);
    for (const Span& span : trace.spans) {
        const WaitDetail detail = trace.WaitOf(span);
        ASSERT_EQ(detail.causeSince, span.start + 1000) << "track " << span.track << " start " << span.start;
    }
    for (size_t i = 1; i < trace.Waits().size(); ++i) {
        const WaitDetail& a = trace.Waits()[i - 1];
        const WaitDetail& b = trace.Waits()[i];
        ASSERT_TRUE(a.track < b.track || (a.track == b.track && a.start < b.start)) << "at " << i;
    }
}
