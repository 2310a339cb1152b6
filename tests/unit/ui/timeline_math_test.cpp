// Zoom, pan and tick maths of the timeline (pure functions).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "ui/timeline_math.h"
#include "ui/widgets.h"

namespace interleave::ui {
namespace {

TEST(TimelineMath, ZoomAroundTheCursorKeepsTheTimeUnderTheCursorFixed) {
    const TimeRange range{1'000'000, 9'000'000};
    const float width = 1000;
    for (float cursor : {0.0f, 137.0f, 500.0f, 999.0f}) {
        for (double scale : {0.5, 0.8, 1.25, 3.0}) {
            const double before = TimeAtPx(range, width, cursor);
            const TimeRange zoomed = ZoomAround(range, width, cursor, scale);
            EXPECT_NEAR(TimeAtPx(zoomed, width, cursor), before, 1e-6) << cursor << " " << scale;
            EXPECT_NEAR(zoomed.Width(), range.Width() * scale, 1e-6);
        }
    }
}

TEST(TimelineMath, ZoomStopsAtTheMinimumVisibleRange) {
    TimeRange range{0, 1000};
    for (int i = 0; i < 100; ++i) range = ZoomAround(range, 800, 400, 0.5);
    EXPECT_NEAR(range.Width(), kMinVisibleNs, 1e-9);
}

TEST(TimelineMath, WheelNotchesComposeLikeOneBigScroll) {
    EXPECT_NEAR(WheelZoomScale(0.5f) * WheelZoomScale(0.5f), WheelZoomScale(1.0f), 1e-12);
    EXPECT_LT(WheelZoomScale(1.0f), 1.0);  // wheel up zooms in
}

TEST(TimelineMath, PanShiftsByTheDraggedPixels) {
    const TimeRange range{0, 1'000'000};  // 1000 ns per pixel at 1000 px
    const TimeRange panned = PanByPixels(range, 1000, 100);
    EXPECT_DOUBLE_EQ(panned.t0, -100'000);
    EXPECT_DOUBLE_EQ(panned.t1, 900'000);
    // The time that was under pixel 200 is under pixel 300 after dragging 100 px right.
    EXPECT_NEAR(TimeAtPx(panned, 1000, 300), TimeAtPx(range, 1000, 200), 1e-9);
}

TEST(TimelineMath, ZoomToFitCoversTheTrace) {
    const TimeRange fit = FitRange(0, 8'100'000'000);
    EXPECT_LE(fit.t0, 0);
    EXPECT_GE(fit.t1, 8'100'000'000.0);
    EXPECT_LT(fit.Width(), 8'100'000'000.0 * 1.1);  // and not much more
}

TEST(TimelineMath, ZoomToFitOfAnEmptyTraceShowsSomething) {
    const TimeRange fit = FitRange(0, 0);
    EXPECT_GT(fit.Width(), kMinVisibleNs);
}

TEST(TimelineMath, DraggedRangeBecomesTheVisibleRange) {
    const TimeRange range{0, 1000'000};
    const TimeRange r = RangeFromPixels(range, 1000, 600, 200);  // dragged right to left
    EXPECT_DOUBLE_EQ(r.t0, 200'000);
    EXPECT_DOUBLE_EQ(r.t1, 600'000);
}

TEST(TimelineMath, TickStepsFollowOneTwoFive) {
    for (double width : {1e2, 3e4, 7e6, 2e9, 9e11}) {
        const double step = TickStep({0, width}, 1000, 16);
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        EXPECT_TRUE(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 || std::abs(mantissa - 5) < 1e-9) << step;
    }
}

TEST(TimelineMath, TickLabelsAdaptFromNsToSeconds) {
    auto label = [](double rangeNs) {
        const TimeRange r{0, rangeNs};
        const double step = TickStep(r, 1000, 80);
        return FormatTickLabel(step * 3, step);
    };
    EXPECT_NE(label(500).find(" ns"), std::string::npos) << label(500);
    EXPECT_NE(label(500'000).find(" us"), std::string::npos) << label(500'000);
    EXPECT_NE(label(500'000'000).find(" ms"), std::string::npos) << label(500'000'000);
    EXPECT_NE(label(50'000'000'000).find(" s"), std::string::npos) << label(50'000'000'000);
}

TEST(TimelineMath, TickLabelsHaveTheDecimalsTheStepNeeds) {
    EXPECT_EQ(FormatTickLabel(12'500'000, 500'000), "12.5 ms");
    EXPECT_EQ(FormatTickLabel(12'000'000, 1'000'000), "12 ms");
    EXPECT_EQ(FormatTickLabel(7'500'000, 2'500'000), "7.5 ms");
    EXPECT_EQ(FormatTickLabel(2'000'000'000, 1'000'000'000), "2 s");
    EXPECT_EQ(FormatTickLabel(250, 50), "250 ns");
    EXPECT_EQ(FormatTickLabel(0, 1'000), "0");
}

TEST(TimelineMath, TickCountIsBoundedForWidthsFrom100To4000Px) {
    for (float width = 100; width <= 4000; width += 50) {
        for (double range : {10.0, 1e3, 3.3e5, 1e9, 7.7e12}) {
            const auto ticks = MakeTicks({123.0, 123.0 + range}, width, 16);
            EXPECT_LE(double(ticks.size()), width / 16 + 2) << width << " " << range;
            EXPECT_GE(ticks.size(), 1u) << width << " " << range;
        }
    }
}

TEST(TimelineMath, FormatTimeUsesTheNaturalUnit) {
    EXPECT_EQ(FormatTime(12'000'000), "12.000 ms");
    EXPECT_EQ(FormatTime(1'500'000'000), "1.500 s");
    EXPECT_EQ(FormatTime(40'000), "40.0 us");
    EXPECT_EQ(FormatTime(100), "100 ns");
}

// Seven pixels per byte, like a monospace font.
float Monospace(std::string_view text) { return 7.0f * float(text.size()); }

TEST(TimelineLabels, ANameThatFitsIsLeftAlone) {
    EXPECT_EQ(ElideMiddle("Thread-1", 56, Monospace), "Thread-1");
    EXPECT_EQ(ElideMiddle("", 0, Monospace), "");
}

TEST(TimelineLabels, ALongNameKeepsItsStartAndItsEndWithinTheWidth) {
    const std::string name = "ThreadPoolExecutor-0_3";
    for (float width = 7 * 21; width >= 7 * 4; width -= 7) {
        const std::string shown = ElideMiddle(name, width, Monospace);
        EXPECT_LE(Monospace(shown), width) << shown;
        const size_t dots = shown.find("..");
        ASSERT_NE(dots, std::string::npos) << shown;
        EXPECT_EQ(name.substr(0, dots), shown.substr(0, dots)) << shown;
        const std::string tail = shown.substr(dots + 2);
        EXPECT_EQ(name.substr(name.size() - tail.size()), tail) << shown;
        EXPECT_GE(tail.size(), dots) << "the end, which tells lanes apart, gets the larger share: " << shown;
        EXPECT_GE(shown.size() + 1, size_t(width / 7)) << "as much as fits: " << shown;
    }
    // Lanes that differ only in their last characters stay apart.
    EXPECT_NE(ElideMiddle("ThreadPoolExecutor-0_0", 7 * 12, Monospace), ElideMiddle("ThreadPoolExecutor-0_1", 7 * 12, Monospace));
}

// 7 wide per character (code point), so the ellipsis counts as one character.
float PerCharacter(std::string_view text) {
    return 7.0f * float(std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuationByte(c); }));
}

TEST(SpanLabels, ALabelThatFitsIsLeftAlone) {
    EXPECT_EQ(FitSpanLabel("holding the GIL", 7 * 15, PerCharacter), "holding the GIL");
    EXPECT_EQ(FitSpanLabel("", 70, PerCharacter), "");
}

// The live timeline showed "holding the GI" with the L cut through: whole words and an ellipsis instead, or
// characters of the first word with the ellipsis, or nothing.
TEST(SpanLabels, ALabelThatDoesNotFitKeepsWholeWordsAndAnEllipsis) {
    EXPECT_EQ(FitSpanLabel("holding the GIL", 7 * 14, PerCharacter), "holding the\u2026");
    EXPECT_EQ(FitSpanLabel("holding the GIL", 7 * 12, PerCharacter), "holding the\u2026");
    EXPECT_EQ(FitSpanLabel("holding the GIL", 7 * 11, PerCharacter), "holding\u2026");
    EXPECT_EQ(FitSpanLabel("holding the GIL", 7 * 8, PerCharacter), "holding\u2026");
    EXPECT_EQ(FitSpanLabel("holding the GIL", 7 * 7, PerCharacter), "holdin\u2026");
    EXPECT_EQ(FitSpanLabel("cpu_bound[0]", 7 * 7, PerCharacter), "cpu_bo\u2026");
    EXPECT_EQ(FitSpanLabel("cpu_bound[0]", 7 * 3, PerCharacter), "cp\u2026");
    EXPECT_EQ(FitSpanLabel("cpu_bound[0]", 7 * 3 - 1, PerCharacter), "") << "fewer than two characters: nothing";
    EXPECT_EQ(FitSpanLabel("cpu_bound[0]", 0, PerCharacter), "");
    EXPECT_EQ(FitSpanLabel("a  b", 7 * 3, PerCharacter), "") << "a one-letter word with the ellipsis is too little";
}

TEST(SpanLabels, NeverOverflowsAndNeverSplitsAUtf8Character) {
    const std::string label = "t\xc3\xa2" "che \xc3\xa9" "t\xc3\xa9 \xe2\x86\x92 fin";  // "tâche été → fin"
    for (float width = 7 * 16; width >= 0; width -= 1) {
        const std::string shown = FitSpanLabel(label, width, PerCharacter);
        EXPECT_LE(PerCharacter(shown), width) << shown;
        if (shown.empty()) continue;
        EXPECT_FALSE(IsContinuationByte(shown[0]));
        const std::string kept = shown.size() >= 3 && shown.compare(shown.size() - 3, 3, "\u2026") == 0
                                     ? shown.substr(0, shown.size() - 3)
                                     : shown;
        EXPECT_EQ(label.compare(0, kept.size(), kept), 0) << "a prefix of the label: " << shown;
        if (kept.size() < label.size()) {
            EXPECT_FALSE(IsContinuationByte(label[kept.size()])) << shown;
        }
    }
}

TEST(TimelineLabels, NothingButTheDotsWhenNothingElseFits) {
    EXPECT_EQ(ElideMiddle("MainProcess", 7 * 2, Monospace), "..");
    EXPECT_EQ(ElideMiddle("MainProcess", 0, Monospace), "..");
}

TEST(TimelineLabels, NeverSplitsAUtf8Character) {
    const std::string name = "t\xc3\xa2" "che-\xc3\xa9" "t\xc3\xa9-\xe2\x86\x92-42";  // "tâche-été-→-42"
    for (float width = 7 * float(name.size()); width >= 0; width -= 1) {
        const std::string shown = ElideMiddle(name, width, Monospace);
        // Every lead byte is followed by its continuation bytes.
        for (size_t i = 0; i < shown.size();) {
            const auto lead = static_cast<unsigned char>(shown[i]);
            const size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            ASSERT_LE(i + length, shown.size()) << "cut character at the end of " << shown;
            for (size_t k = 1; k < length; ++k)
                ASSERT_EQ(static_cast<unsigned char>(shown[i + k]) & 0xC0, 0x80) << "cut character in " << shown;
            i += length;
        }
    }
}

TEST(TimelineMath, LaneLabelsDropTheirParenthesisedTailBeforeBeingCut) {
    // Monospace: 7 px a character.
    EXPECT_EQ(FitLaneLabel("Thread-1 (run_task)", 200, Monospace), "Thread-1 (run_task)");
    EXPECT_EQ(FitLaneLabel("Thread-1 (run_task)", 70, Monospace), "Thread-1");
    EXPECT_EQ(FitLaneLabel("MainThread (event loop)", 80, Monospace), "MainThread");
    // Too narrow even for the head: the head is cut in its middle, never the tail alone.
    const std::string cut = FitLaneLabel("ThreadPoolExecutor-0_3 (x)", 70, Monospace);
    EXPECT_NE(cut.find(".."), std::string::npos);
    EXPECT_EQ(cut.find("("), std::string::npos) << cut;
    // No shorter form: as ElideMiddle.
    EXPECT_EQ(FitLaneLabel("(odd)", 14, Monospace), ElideMiddle("(odd)", 14, Monospace));
    EXPECT_EQ(FitLaneLabel("MainThread", 56, Monospace), ElideMiddle("MainThread", 56, Monospace));
}

// On a phone's label column: a pool worker keeps its number, an asyncio task its own name (the issue's "abbreviate
// smartly"); "ForkPoolWorker-1" used to become "Fork..olWorker-1".
TEST(TimelineMath, LaneLabelsShortenAsAReaderWouldBeforeBeingCut) {
    EXPECT_EQ(ShorterLaneNames("ForkPoolWorker-1"), (std::vector<std::string>{"PoolWorker-1", "Worker-1"}));
    EXPECT_EQ(ShorterLaneNames("ThreadPoolExecutor-0_3 (x)"),
              (std::vector<std::string>{"ThreadPoolExecutor-0_3", "PoolExecutor-0_3", "Executor-0_3"}));
    EXPECT_EQ(ShorterLaneNames("Task-5 site[0]/page[0]"), (std::vector<std::string>{"site[0]/page[0]"}));
    EXPECT_EQ(ShorterLaneNames("MainThread (event loop)"), (std::vector<std::string>{"MainThread"}));
    EXPECT_TRUE(ShorterLaneNames("MainProcess").empty());
    EXPECT_TRUE(ShorterLaneNames("fetch pages").empty()) << "a plain name's first word is not a runtime's";
    EXPECT_EQ(FitLaneLabel("ForkPoolWorker-1", 80, Monospace), "Worker-1");
    EXPECT_EQ(FitLaneLabel("ForkPoolWorker-12", 91, Monospace), "PoolWorker-12");
    EXPECT_EQ(FitLaneLabel("Task-5 site[0]/page[0]", 110, Monospace), "site[0]/page[0]");
    // Narrower than every form: the shortest is cut in its middle, keeping its end.
    const std::string cut = FitLaneLabel("ThreadPoolExecutor-0_3", 70, Monospace);
    EXPECT_EQ(cut, ElideMiddle("Executor-0_3", 70, Monospace));
    EXPECT_EQ(cut.substr(cut.size() - 3), "0_3");
}

}  // namespace
}  // namespace interleave::ui

// Explanations and metrics wrap at spaces only: ImGui's own wrapping broke "GIL wait 2.554 s" after "2." at phone
// width (seen in a 390 px screenshot).
TEST(WrapAtSpaces, FiguresStayWholeAndEveryLineFits) {
    const auto widthOf = [](std::string_view s) { return float(s.size()) * 7.0f; };  // 7 px a character
    const std::string text = "makespan 4.029 s   speedup 1.00x   CPU 25%   GIL wait 2.554 s   GIL switches 1001";
    for (float width : {60.0f, 100.0f, 140.0f, 390.0f, 2000.0f}) {
        const auto lines = interleave::ui::WrapAtSpaces(text, width, widthOf);
        std::string joined;
        for (std::string_view line : lines) {
            if (line.find(' ') != std::string_view::npos) {
                EXPECT_LE(widthOf(line), width) << "'" << line << "' at " << width;
            }
            EXPECT_NE(line.substr(0, 1), " ") << "'" << line << "' starts with a space";
            EXPECT_NE(line.substr(0, 2), "s ") << "'" << line << "': a unit parted from its figure";
            EXPECT_NE(line.substr(line.empty() ? 0 : line.size() - 1), ".") << "'" << line << "' ends inside a figure";
            joined.append(joined.empty() ? "" : " ").append(line);
        }
        // Nothing lost: the words, in order (runs of spaces at a break become one).
        std::string words, expected;
        for (char c : joined) {
            if (c != ' ') words += c;
        }
        for (char c : text) {
            if (c != ' ') expected += c;
        }
        EXPECT_EQ(words, expected) << width;
        EXPECT_NE(joined.find("2.554"), std::string::npos) << width;
    }
    // A word wider than a line breaks after its last '.', '(', ',' or '_' that fits, never past the width.
    const auto code = interleave::ui::WrapAtSpaces("run multiprocessing.Pool(processes=5).map(fetch_sync, URLS)", 140.0f, widthOf);
    for (std::string_view line : code) EXPECT_LE(widthOf(line), 140.0f) << "'" << line << "'";
    ASSERT_GE(code.size(), 3u);
    EXPECT_EQ(code[1], "multiprocessing.");
    EXPECT_EQ(interleave::ui::WrapAtSpaces("one\ntwo three", 2000.0f, widthOf).size(), 2u);
    EXPECT_EQ(interleave::ui::WrapAtSpaces("", 100.0f, widthOf).size(), 1u);
}
