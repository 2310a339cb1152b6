// The minimap (ui/timeline_minimap.h): the state mix of the whole run in buckets, and the view's window on it.
#include <gtest/gtest.h>

#include <vector>

#include "trace/trace.h"
#include "ui/timeline_minimap.h"

namespace interleave::ui {
namespace {

using trace::SpanState;
using trace::TrackKind;

// Over [0, 100): Thread-1 runs all the time; Thread-2 is blocked on I/O in [50, 100) and idle before; a core and the
// GIL repeat what the threads do (they must not count twice).
trace::Trace TwoThreads() {
    trace::Trace t;
    const auto core = t.AddTrack("Core 0", TrackKind::Core);
    const auto gil = t.AddTrack("GIL", TrackKind::Gil);
    const auto a = t.AddTrack("Thread-1", TrackKind::Thread), b = t.AddTrack("Thread-2", TrackKind::Thread);
    t.spans.push_back({0, 100, a, trace::TaskId(0), trace::TrackId::None(), SpanState::RunningPython});
    t.spans.push_back({0, 50, b, trace::TaskId(1), trace::TrackId::None(), SpanState::Idle});
    t.spans.push_back({50, 100, b, trace::TaskId(1), trace::TrackId::None(), SpanState::BlockedIo});
    t.spans.push_back({0, 100, core, trace::TaskId(0), a, SpanState::RunningPython});
    t.spans.push_back({0, 100, gil, trace::TaskId(0), a, SpanState::HoldingGil});
    t.Finish();
    return t;
}

float Kind(const Mix& mix, SpanState state) {
    return mix[size_t(state)];
}

TEST(Minimap, EachBucketHoldsTheMeanNumberOfLanesInEachKind) {
    const trace::Trace t = TwoThreads();
    const Minimap map = BuildMinimap({&t}, 4);
    ASSERT_EQ(map.end, 100);
    ASSERT_EQ(map.buckets.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_FLOAT_EQ(Kind(map.buckets[i], SpanState::RunningPython), 1.0f)
            << "bucket " << i << ": cores and GIL counted";
        EXPECT_FLOAT_EQ(Kind(map.buckets[i], SpanState::BlockedIo), i < 2 ? 0.0f : 1.0f) << "bucket " << i;
        EXPECT_FLOAT_EQ(Kind(map.buckets[i], SpanState::WaitingGil), 0.0f);
    }
    EXPECT_FLOAT_EQ(map.peak, 2.0f);
}

TEST(Minimap, ASpanCoversPartsOfBucketsByTheTimeItSpendsInThem) {
    trace::Trace t;
    const auto a = t.AddTrack("Thread-1", TrackKind::Thread);
    t.spans.push_back({10, 75, a, trace::TaskId(0), trace::TrackId::None(),
                       SpanState::WaitingGil});  // 3/4 of bucket 0 .. half of bucket 2
    t.spans.push_back({75, 100, a, trace::TaskId(0), trace::TrackId::None(), SpanState::Pickling});
    t.Finish();
    const Minimap map = BuildMinimap({&t}, 4);
    EXPECT_FLOAT_EQ(Kind(map.buckets[0], SpanState::WaitingGil), 0.6f);
    EXPECT_FLOAT_EQ(Kind(map.buckets[1], SpanState::WaitingGil), 1.0f);
    EXPECT_FLOAT_EQ(Kind(map.buckets[2], SpanState::WaitingGil), 1.0f);
    EXPECT_FLOAT_EQ(Kind(map.buckets[3], SpanState::WaitingGil), 0.0f);
    EXPECT_FLOAT_EQ(Kind(map.buckets[3], SpanState::Pickling), 1.0f);
}

TEST(Minimap, SeveralTracesShareOneTimeAxisUpToTheLatestEnd) {
    const trace::Trace one = TwoThreads();
    trace::Trace two;
    const auto a = two.AddTrack("Thread-1", TrackKind::Thread);
    two.spans.push_back({0, 200, a, trace::TaskId(0), trace::TrackId::None(), SpanState::RunningPython});
    two.Finish();
    const Minimap map = BuildMinimap({&one, &two}, 2);
    EXPECT_EQ(map.end, 200);
    EXPECT_FLOAT_EQ(Kind(map.buckets[0], SpanState::RunningPython), 2.0f);
    EXPECT_FLOAT_EQ(Kind(map.buckets[1], SpanState::RunningPython), 1.0f);
}

TEST(Minimap, ColumnsAreTheMeanOfTheBucketsTheyCover) {
    const trace::Trace t = TwoThreads();
    const Minimap map = BuildMinimap({&t}, 4);
    const auto two = MinimapColumns(map, 2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_FLOAT_EQ(Kind(two[0], SpanState::BlockedIo), 0.0f);
    EXPECT_FLOAT_EQ(Kind(two[1], SpanState::BlockedIo), 1.0f);
    const auto three = MinimapColumns(map, 3);  // the middle column: half of bucket 1 (no I/O), half of bucket 2
    EXPECT_FLOAT_EQ(Kind(three[1], SpanState::BlockedIo), 0.5f);
    const auto eight = MinimapColumns(map, 8);  // finer than the buckets: each repeats its bucket
    EXPECT_FLOAT_EQ(Kind(eight[5], SpanState::BlockedIo), 1.0f);
    EXPECT_FLOAT_EQ(Kind(eight[3], SpanState::RunningPython), 1.0f);
}

TEST(Minimap, AnEmptyRunHasNoBuckets) {
    trace::Trace t;
    t.Finish();
    EXPECT_TRUE(BuildMinimap({&t}).Empty());
    EXPECT_TRUE(BuildMinimap({}).Empty());
}

TEST(MinimapWindow, TheViewsWindowIsWhereTheViewIsOnTheWholeRun) {
    const auto [x0, x1] = MinimapWindow(1000, TimeRange{250, 500}, 100);
    EXPECT_FLOAT_EQ(x0, 25.0f);
    EXPECT_FLOAT_EQ(x1, 50.0f);
    // Past the run's ends it is clipped to the strip.
    const auto [y0, y1] = MinimapWindow(1000, TimeRange{-500, 2000}, 100);
    EXPECT_FLOAT_EQ(y0, 0.0f);
    EXPECT_FLOAT_EQ(y1, 100.0f);
}

TEST(MinimapWindow, ADeepZoomStillShowsAWindowAFewPixelsWideCentredOnTheView) {
    const auto [x0, x1] = MinimapWindow(1000, TimeRange{500, 500.01}, 100, 4);
    EXPECT_FLOAT_EQ(x1 - x0, 4.0f);
    EXPECT_NEAR((x0 + x1) / 2, 50.0f, 0.01f);
    const auto [e0, e1] = MinimapWindow(1000, TimeRange{999.99, 1000}, 100, 4);  // at the end: kept inside
    EXPECT_FLOAT_EQ(e1, 100.0f);
    EXPECT_FLOAT_EQ(e0, 96.0f);
}

TEST(MinimapWindow, AClickCentresTheViewThereKeepingItsWidth) {
    const TimeRange moved = ViewCentredAt(1000, TimeRange{0, 100}, 200, 100);
    EXPECT_DOUBLE_EQ(moved.t0, 450);
    EXPECT_DOUBLE_EQ(moved.t1, 550);
    // Off the strip: the run's end.
    const TimeRange end = ViewCentredAt(1000, TimeRange{0, 100}, 200, 400);
    EXPECT_DOUBLE_EQ(end.t0, 950);
    EXPECT_DOUBLE_EQ(end.t1, 1050);
    EXPECT_DOUBLE_EQ(MinimapTimeAt(1000, 200, -5), 0);
}

}  // namespace
}  // namespace interleave::ui
