// The level-of-detail step: sorted spans + visible range + pixel width -> draw commands.
#include <gtest/gtest.h>

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
        spans.push_back({t, t + w, 0, trace::kNone, trace::kNone, trace::SpanState::RunningPython});
        t += w + 10;
    }
    std::vector<DrawCmd> cmds;
    BuildDrawCommands(spans, {0, double(t)}, 1200, cmds);
    EXPECT_EQ(CountSum(cmds), spans.size());
    for (size_t i = 1; i < cmds.size(); ++i) EXPECT_LE(cmds[i - 1].first + cmds[i - 1].count, cmds[i].first);
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
    for (int64_t i = 0; i < 200'000; ++i) instants.push_back({i * 5, 0, trace::InstantKind::DropRequest});
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
    std::vector<trace::Instant> instants{{10, 0}, {20, 0}, {5'000, 0}};
    std::vector<InstantMark> marks;
    BuildInstantMarks(instants, {100, 4'000}, 500, marks);
    EXPECT_TRUE(marks.empty());
}

}  // namespace
}  // namespace interleave::ui
