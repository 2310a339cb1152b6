// The level-of-detail step: sorted spans + visible range + pixel width -> draw commands.
#include <gtest/gtest.h>

#include <random>

#include "synthetic_trace.h"
#include "ui/timeline_lod.h"

namespace interleave::ui {
namespace {

using testing::UniformSpans;

uint64_t CountSum(const std::vector<DrawCmd>& cmds) {
    uint64_t n = 0;
    for (const auto& c : cmds) n += c.count;
    return n;
}

TEST(TimelineLod, FoldingBoundsDrawCommandsByPixelWidth) {
    const auto spans = UniformSpans(1'000'000, 10);  // 10 ms of 10 ns spans
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, 10'000'000}, 1000, cmds);
    EXPECT_LE(cmds.size(), size_t(1000 / kFoldPx + 2));
    EXPECT_GT(cmds.size(), 0u);
}

TEST(TimelineLod, CommandsStayBoundedWhateverTheSpanCount) {
    for (int64_t n : {10'000, 100'000, 1'000'000}) {
        const auto spans = UniformSpans(n, 7, 3);
        std::vector<DrawCmd> cmds;
        BuildDrawCommands(spans, {0, double(n) * 10}, 1500, cmds);
        EXPECT_LE(cmds.size(), size_t(1500 / kFoldPx + 2)) << n;
    }
}

TEST(TimelineLod, SpansOfAtLeastThreePixelsAreNotFolded) {
    const auto spans = UniformSpans(100, 1000);  // 100 us; at 1000 px: 10 px each
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, 100'000}, 1000, cmds);
    ASSERT_EQ(cmds.size(), 100u);
    for (size_t i = 0; i < cmds.size(); ++i) {
        EXPECT_EQ(cmds[i].count, 1u);
        EXPECT_EQ(cmds[i].first, i);
        EXPECT_NEAR(cmds[i].x1 - cmds[i].x0, 10.0f, 1e-3);
    }
}

TEST(TimelineLod, ExactlyThreePixelSpansAreNotFolded) {
    const auto spans = UniformSpans(10, 3);
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, 100}, 100, cmds);  // 1 px per ns
    ASSERT_EQ(cmds.size(), 10u);
    for (const auto& c : cmds) EXPECT_FALSE(c.Folded());
}

TEST(TimelineLod, FoldedMarkCountsAddUpToTheSpansInView) {
    const auto spans = UniformSpans(100'000, 10, 5);  // period 15 ns
    const TimeRange range{30'000, 900'000};
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, range, 800, cmds);
    uint64_t inView = 0;
    for (const auto& s : spans)
        if (double(s.end) > range.t0 && double(s.start) < range.t1) ++inView;
    EXPECT_EQ(CountSum(cmds), inView);
    bool anyFolded = false;
    for (const auto& c : cmds) anyFolded |= c.Folded();
    EXPECT_TRUE(anyFolded);
}

TEST(TimelineLod, FoldsMixWithWideSpansAndKeepTheCountsRight) {
    std::vector<trace::Span> spans;
    int64_t t = 0;
    for (int i = 0; i < 5000; ++i) {
        const int64_t w = (i % 50 == 0) ? 50'000 : 20;  // every 50th span is wide
        spans.push_back({t, t + w, trace::TrackId(0), trace::TaskId::None(), trace::TrackId::None(),
                         trace::SpanState::RunningPython});
        t += w + 10;
    }
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, double(t)}, 1200, cmds);
    EXPECT_EQ(CountSum(cmds), spans.size());
    for (size_t i = 1; i < cmds.size(); ++i) EXPECT_LE(cmds[i - 1].first + cmds[i - 1].count, cmds[i].first);
}

TEST(TimelineLod, AWideSpanRightAfterANarrowOneIsDrawnAsItselfNotFolded) {
    // A thread's 200 us of CPU, its 1 s wait, 100 us of CPU: at 2 ms a pixel only the wait is wide.
    std::vector<trace::Span> spans{
        {0, 200'000, trace::TrackId(0), trace::TaskId::None(), trace::TrackId::None(), trace::SpanState::RunningPython},
        {200'000, 1'000'200'000, trace::TrackId(0), trace::TaskId::None(), trace::TrackId::None(),
         trace::SpanState::BlockedIo},
        {1'000'200'000, 1'000'300'000, trace::TrackId(0), trace::TaskId::None(), trace::TrackId::None(),
         trace::SpanState::RunningPython}};
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, 1.2e9}, 600, cmds);
    ASSERT_EQ(cmds.size(), 3u);
    EXPECT_EQ(cmds[1].first, 1u);
    EXPECT_EQ(cmds[1].count, 1u);
    EXPECT_EQ(cmds[1].state, trace::SpanState::BlockedIo);
}

TEST(TimelineLod, OffScreenSpansAreCulled) {
    const auto spans = UniformSpans(1000, 100);  // [0, 100'000)
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {200'000, 300'000}, 1000, cmds);
    EXPECT_TRUE(cmds.empty());
    BuildDrawCommands(spans, {-50'000, -1}, 1000, cmds);
    EXPECT_TRUE(cmds.empty());
    BuildDrawCommands(spans, {5'050, 5'250}, 1000, cmds);  // spans 50, 51, 52 touch it
    EXPECT_EQ(CountSum(cmds), 3u);
    EXPECT_EQ(cmds.front().first, 50u);
}

TEST(TimelineLod, CommandsAreClippedToTheLane) {
    const auto spans = UniformSpans(1, 1'000'000'000);
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {100, 200}, 500, cmds);
    ASSERT_EQ(cmds.size(), 1u);
    EXPECT_GE(cmds[0].x0, -1.0f);
    EXPECT_LE(cmds[0].x1, 501.0f);
}

TEST(TimelineLod, HitTestFindsTheCommandUnderThePixel) {
    const auto spans = UniformSpans(100, 1000);
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, 100'000}, 1000, cmds);
    EXPECT_EQ(HitTest(cmds, 55.0f, 0), 5);
    EXPECT_EQ(HitTest(cmds, 2000.0f), -1);
}

TEST(TimelineLod, InstantMarksAreBoundedByPixelsAndCountEveryInstantInView) {
    std::vector<trace::Instant> instants;
    for (int64_t i = 0; i < 200'000; ++i)
        instants.push_back({i * 5, trace::TrackId(0), trace::InstantKind::DropRequest});
    std::vector<InstantMark> marks;
    const TimeRange range{100'000, 700'000};
    BuildInstantMarks(instants, range, 1000, marks);
    EXPECT_LE(marks.size(), size_t(1000 / 4 + 2));
    uint64_t n = 0;
    for (const auto& m : marks) n += m.count;
    EXPECT_EQ(n, 120'000u);  // instants at 100'000, 100'005, ..., 699'995
    EXPECT_EQ(marks.front().first, 20'000u);
}

TEST(TimelineLod, InstantsOutsideTheRangeAreCulled) {
    std::vector<trace::Instant> instants{{10, trace::TrackId(0)}, {20, trace::TrackId(0)}, {5'000, trace::TrackId(0)}};
    std::vector<InstantMark> marks;
    BuildInstantMarks(instants, {100, 4'000}, 500, marks);
    EXPECT_TRUE(marks.empty());
}

// [SECTION] Folding through a SpanIndex

// Spans of mixed widths (mostly 5..60 ns, every 97th 20..80 us wide), mixed states and gaps: the kind
// of lane where folds, wide spans and state changes alternate.
std::vector<trace::Span> MixedSpans(size_t count, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<trace::Span> spans;
    int64_t t = 1000;
    for (size_t i = 0; i < count; ++i) {
        const int64_t w = i % 97 == 0 ? 20'000 + int64_t(rng() % 60'000) : 5 + int64_t(rng() % 56);
        trace::Span s;
        s.start = t;
        s.end = t + w;
        s.state = rng() % 3 == 0 ? trace::SpanState::WaitingGil : trace::SpanState::RunningPython;
        spans.push_back(s);
        t = s.end + int64_t(rng() % 40);
    }
    return spans;
}

// The properties every command list must have, index or not.
void ExpectWellFormed(std::span<const trace::Span> spans, const TimeRange& range, float width,
                      const std::vector<DrawCmd>& cmds) {
    uint64_t inView = 0;
    size_t firstInView = spans.size();
    for (size_t i = 0; i < spans.size(); ++i)
        if (double(spans[i].end) > range.t0 && double(spans[i].start) < range.t1) {
            ++inView;
            firstInView = std::min(firstInView, i);
        }
    EXPECT_EQ(CountSum(cmds), inView);
    EXPECT_LE(cmds.size(), size_t(width / kFoldPx + 2));
    if (!cmds.empty()) {
        EXPECT_EQ(cmds.front().first, firstInView);
    }
    for (size_t i = 1; i < cmds.size(); ++i) {
        EXPECT_EQ(cmds[i - 1].first + cmds[i - 1].count, cmds[i].first) << i;  // contiguous, in order
        EXPECT_LE(cmds[i - 1].x0, cmds[i].x0) << i;
    }
}

TEST(TimelineLod, IndexedFoldingCountsEverySpanInViewAndStaysBoundedByPixels) {
    const auto spans = MixedSpans(200'000, 1);
    const SpanIndex index(spans);
    ASSERT_FALSE(index.Empty());
    const double end = double(spans.back().end);
    std::mt19937 rng(7);
    for (int k = 0; k < 40; ++k) {
        // Whole-lane views, zoomed ones, views hanging over either end.
        const double a = k == 0 ? 0 : std::uniform_real_distribution<double>(-0.1 * end, end)(rng);
        const double w = k == 0 ? end : end * std::pow(10.0, -std::uniform_real_distribution<double>(0, 5)(rng));
        const TimeRange range{a, a + w};
        const float width = k % 2 ? 1800.0f : 640.0f;
        std::vector<DrawCmd> cmds;
        BuildDrawCommands(spans, range, width, cmds, kFoldPx, &index);
        SCOPED_TRACE(k);
        ExpectWellFormed(spans, range, width, cmds);
    }
}

TEST(TimelineLod, WideSpansAreDrawnTheSameWithOrWithoutTheIndex) {
    auto spans = UniformSpans(20'000, 1000, 10);  // 20 ms of 1 us spans
    const SpanIndex index(spans);
    const TimeRange range{5'000'000, 5'100'000};  // 100 us at 1000 px: 10 px a span
    std::vector<DrawCmd> searched, indexed;
    BuildDrawCommands(spans, range, 1000, searched);
    BuildDrawCommands(spans, range, 1000, indexed, kFoldPx, &index);
    ASSERT_EQ(searched.size(), indexed.size());
    for (size_t i = 0; i < searched.size(); ++i) {
        EXPECT_EQ(searched[i].first, indexed[i].first);
        EXPECT_EQ(searched[i].count, 1u);
        EXPECT_EQ(indexed[i].count, 1u);
        EXPECT_FLOAT_EQ(searched[i].x0, indexed[i].x0);
    }
}

TEST(TimelineLod, IndexedFoldsCoverWholeWindowsOfAtLeastTheFoldWidth) {
    // 10 ns spans at 1000 ns a pixel: every span is narrow, every window a fold.
    const auto spans = UniformSpans(1'000'000, 10);
    const SpanIndex index(spans);
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, 10'000'000}, 10'000, cmds, kFoldPx, &index);
    ASSERT_GT(cmds.size(), 2u);
    // A command changes state only between windows, so each covers whole windows: at least minPx
    // (3 us = 300 spans), and since the windows end on 2 us bucket boundaries, some end early: not
    // every command is a multiple of 300 spans.
    bool uneven = false;
    for (size_t i = 0; i + 1 < cmds.size(); ++i) {
        EXPECT_GE(cmds[i].count, 300u) << i;
        EXPECT_GE(cmds[i].x1 - cmds[i].x0, kFoldPx - 1e-3f) << i;
        uneven |= cmds[i].count % 300 != 0;
    }
    EXPECT_TRUE(uneven);
}

TEST(TimelineLod, SpanIndexFindsTheFirstSpanPastABoundaryWithinTheSlack) {
    const auto spans = MixedSpans(50'000, 3);
    const SpanIndex index(spans);
    ASSERT_FALSE(index.Empty());
    std::mt19937 rng(11);
    const double end = double(spans.back().end);
    for (int k = 0; k < 2000; ++k) {
        const double t = std::uniform_real_distribution<double>(0, end * 1.01)(rng);
        const double slack = std::pow(2.0, std::uniform_real_distribution<double>(0, 30)(rng));
        size_t found = 0;
        if (!index.FirstStartingAfter(t, slack, found)) continue;  // slack finer than the finest level
        ASSERT_LE(found, spans.size());
        // Every span before `found` starts before t + slack; the one at `found` starts at or after t.
        if (found > 0) {
            EXPECT_LT(double(spans[found - 1].start), t + slack) << t << " " << slack;
        }
        if (found < spans.size()) {
            EXPECT_GE(double(spans[found].start), t) << t << " " << slack;
        }
    }
    size_t lo = 0, hi = 0;
    for (int k = 0; k < 2000; ++k) {
        const double t = std::uniform_real_distribution<double>(0, end)(rng);
        if (!index.Bracket(t, lo, hi)) continue;
        ASSERT_LE(lo, hi);
        if (lo > 0) {
            EXPECT_LT(double(spans[lo - 1].start), t);
        }
        if (hi < spans.size()) {
            EXPECT_GE(double(spans[hi].start), t);
        }
    }
}

TEST(TimelineLod, SpanIndexStaysSmallAgainstTheSpans) {
    const auto spans = UniformSpans(1'000'000, 100, 30);
    const SpanIndex index(spans);
    EXPECT_LE(index.Bytes(), spans.size() * 2);  // <= 2 bytes a span; a span is sizeof(trace::Span)
}

TEST(TimelineLod, ShortTracksAndMismatchedIndexesFallBackToSearching) {
    const auto few = UniformSpans(100, 10);
    EXPECT_TRUE(SpanIndex(few).Empty());
    // An index built from other spans is ignored rather than trusted.
    const auto many = MixedSpans(50'000, 5);
    const SpanIndex other(UniformSpans(60'000, 10));
    const TimeRange range{0, double(many.back().end)};
    std::vector<DrawCmd> withOther, searched;
    BuildDrawCommands(many, range, 1200, withOther, kFoldPx, &other);
    BuildDrawCommands(many, range, 1200, searched);
    ASSERT_EQ(withOther.size(), searched.size());
    for (size_t i = 0; i < searched.size(); ++i) EXPECT_EQ(withOther[i].first, searched[i].first);
}

TEST(TimelineLod, CounterBarsFoldSubPixelChangesIntoTheirTimeWeightedMeanAndKeepThePeak) {
    // A queue that holds one item for 1 us of every 100 us, over 1 ms drawn on 10 px: every pixel folds ten
    // blips, so the level is about 0.01 (nearly empty, not full) and the peak 1.
    std::vector<trace::CounterSample> samples{{0, trace::TrackId(0), 0}};
    for (int k = 0; k < 10; ++k) {
        samples.push_back({k * 100'000 + 50'000, trace::TrackId(0), 1});
        samples.push_back({k * 100'000 + 51'000, trace::TrackId(0), 0});
    }
    std::vector<CounterBar> bars;
    BuildCounterBars(samples, TimeRange{0, 1'000'000}, 10.0f, bars);
    ASSERT_FALSE(bars.empty());
    EXPECT_LE(bars.size(), 11u);  // bounded by pixels
    double covered = 0;
    for (const CounterBar& bar : bars) {
        EXPECT_EQ(bar.peak, 1);
        EXPECT_LT(bar.level, 0.05);
        covered += bar.x1 - bar.x0;
    }
    EXPECT_NEAR(covered, 10.0, 1e-3);
    // Zoomed in on one blip (90 us over 900 px), nothing folds: a bar at 1 from 50 to 51 us.
    bars.clear();
    BuildCounterBars(samples, TimeRange{10'000, 100'000}, 900.0f, bars);
    ASSERT_EQ(bars.size(), 3u);
    EXPECT_FALSE(bars[1].Folded());
    EXPECT_EQ(bars[1].peak, 1);
    EXPECT_NEAR(bars[1].x0, 400.0f, 0.01f);
    EXPECT_NEAR(bars[1].x1, 410.0f, 0.01f);
    // The value in effect at the range's start comes from the sample before it.
    bars.clear();
    BuildCounterBars(samples, TimeRange{50'200, 50'800}, 100.0f, bars);
    ASSERT_EQ(bars.size(), 1u);
    EXPECT_EQ(bars[0].peak, 1);
    EXPECT_NEAR(bars[0].x1, 100.0f, 1e-3);
}

}  // namespace
}  // namespace interleave::ui
