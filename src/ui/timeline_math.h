#pragma once
// [SECTION] Index
//   TimeRange ....... the visible window of the timeline, in nanoseconds (double: smooth sub-ns zoom)
//   Zoom / pan ...... pure functions: the time under the cursor stays put, drags move by whole pixels
//   Ticks ........... 1-2-5 steps that adapt from ns to s, with labels like "12.5 ms"
//   Labels .......... a track name shortened in the middle to fit its column
//
// No ImGui here: everything is a pure function of numbers so it can be unit-tested directly.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace interleave::ui {

// A visible time window [t0, t1) in ns. Doubles so that deep zoom and smooth pans don't round.
struct TimeRange {
    double t0 = 0;
    double t1 = 1;
    double Width() const { return t1 - t0; }
    bool operator==(const TimeRange&) const = default;
};

inline constexpr double kMinVisibleNs = 10.0;             // deepest zoom: 10 ns across the lane
inline constexpr double kMaxVisibleNs = 7.0 * 86'400e9;   // a week: far beyond any trace

// Pixels per nanosecond for `range` drawn `widthPx` wide.
double PxPerNs(const TimeRange& range, float widthPx);
// The time at pixel `x` (0 = left edge) and the pixel of time `t`.
double TimeAtPx(const TimeRange& range, float widthPx, float x);
float PxAtTime(const TimeRange& range, float widthPx, double t);

// Zooms by `scale` (new width / old width: < 1 zooms in) around the pixel `cursorX` of a lane
// `widthPx` wide, so the time under the cursor stays under the cursor. Clamped to
// [kMinVisibleNs, kMaxVisibleNs].
TimeRange ZoomAround(const TimeRange& range, float widthPx, float cursorX, double scale);
// The zoom factor of one mouse-wheel notch (positive = zoom in); trackpads give fractions.
double WheelZoomScale(float wheel);
// Pans by a drag of `dxPx` pixels: dragging right reveals earlier times.
TimeRange PanByPixels(const TimeRange& range, float widthPx, float dxPx);
// The range that shows [start, end] with a small margin on both sides (2% each).
TimeRange FitRange(int64_t start, int64_t end);
// The range between two pixels of a drag (in any order); at least kMinVisibleNs wide.
TimeRange RangeFromPixels(const TimeRange& range, float widthPx, float xa, float xb);

// [SECTION] Ticks
struct Tick {
    double time = 0;   // ns
    bool major = false;  // every fifth tick (by step index), labelled
};

// The 1-2-5 x 10^k step (ns, >= 1) so that ticks are at least `minSpacingPx` apart.
double TickStep(const TimeRange& range, float widthPx, float minSpacingPx);
// Ticks at multiples of `step` within the range. Bounded: at most widthPx / minSpacing + 2 ticks.
std::vector<Tick> MakeTicks(const TimeRange& range, float widthPx, float minSpacingPx);
// A tick label in the unit that fits `step`: "0", "500 ns", "12.5 ms", "2 s"; decimals only as many as
// the step needs.
std::string FormatTickLabel(double timeNs, double stepNs);
// A time or duration for tooltips, three significant decimals in the natural unit:
// "12.000 ms", "1.500 s", "40.0 us", "100 ns".
std::string FormatTime(double ns);

// [SECTION] Labels

// A UTF-8 byte that continues a character (10xxxxxx): text is never cut before one.
bool IsContinuationByte(char c);

// `text` if widthOf(text) <= maxWidth; else its start and its end with ".." between, as much of both as fits (a
// third from the start, two thirds from the end: "ThreadPoolExecutor-0_3" -> "Threa..ecutor-0_3", so lanes that
// differ only in a trailing number stay apart); ".." if nothing else fits. Never splits a UTF-8 character.
std::string ElideMiddle(std::string_view text, float maxWidth, const std::function<float(std::string_view)>& widthOf);

// A span's label in `maxWidth`: the whole label if it fits; else as many whole words as fit with an ellipsis
// ("holding the GIL" -> "holding the…", never "holding the G"), or, when not even the first word fits, as many
// characters of it as fit with the ellipsis ("cpu_bound[0]" -> "cpu_bo…"); empty when fewer than two characters would
// be left before the ellipsis. What the live timeline and the pictures write inside a span. Never splits a UTF-8 character.
std::string FitSpanLabel(std::string_view label, float maxWidth, const std::function<float(std::string_view)>& widthOf);

// Shorter forms of a lane's name, most telling first, each shorter than the one before:
//   - without its parenthesised tail: "Thread-1 (run_task)" -> "Thread-1", "MainThread (event loop)" -> "MainThread";
//   - a runtime's name of three or more CamelCase words losing its leading words: "ForkPoolWorker-1" ->
//     "PoolWorker-1" -> "Worker-1", "ThreadPoolExecutor-0_3" -> "PoolExecutor-0_3" -> "Executor-0_3" (the number,
//     which tells lanes apart, stays; "MainThread" keeps both its words);
//   - a runtime's name before the task's own, "Task-5 site[0]/page[0]": the task's own name, "site[0]/page[0]".
std::vector<std::string> ShorterLaneNames(std::string_view name);

// A lane's name in `maxWidth`: the whole name if it fits, else the first of ShorterLaneNames that fits, else the
// shortest of them (or the name) cut in its middle (ElideMiddle).
std::string FitLaneLabel(std::string_view name, float maxWidth, const std::function<float(std::string_view)>& widthOf);

}  // namespace interleave::ui
