#pragma once
// [SECTION] The minimap: the whole trace in a thin strip above the lanes
//
// Time buckets over the whole run, each holding how many lanes were in each state, on average over the bucket (idle
// left out): the state mix over time, drawn as stacked columns in the states' colours, their height the busy-ness.
// Built once per set of traces (O(spans + buckets)); the view's window is drawn over it and a click or a drag on it
// moves the view. Pure: no ImGui.
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "trace/trace.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

// Which states the minimap counts: all but idle, and holding the GIL (the GIL lane repeats what the threads show).
bool MinimapCounts(trace::SpanState state);

inline constexpr size_t kMixStates = size_t(trace::SpanState::Count);
using Mix = std::array<float, kMixStates>;  // by state: lanes in it, on average over a bucket

struct Minimap {
    trace::TimeNs end = 0;  // the buckets cover [0, end)
    std::vector<Mix> buckets;
    float peak = 0;  // the largest bucket total: a full-height column
    bool Empty() const { return buckets.empty() || end <= 0; }
};

// The minimap of `traces` (finished) over [0, the latest end): every lane that a thread, process, loop or task is
// drawn on counts (cores and GIL lanes repeat them; counters are not states). `bucketCount` buckets (at least 1).
Minimap BuildMinimap(const std::vector<const trace::Trace*>& traces, int bucketCount = 512);

// The minimap resampled to `columns` columns (at least 1) of equal width: each the time-weighted mean of the
// buckets it covers.
std::vector<Mix> MinimapColumns(const Minimap& minimap, int columns);

// The pixels [x0, x1] of `view` on a minimap of [0, end) drawn `widthPx` wide, clipped to the strip and at least
// `minPx` wide (centred on the view), so that a deep zoom still shows where it is.
std::pair<float, float> MinimapWindow(trace::TimeNs end, const TimeRange& view, float widthPx, float minPx = 4.0f);
// The view moved (its width kept) so that its centre is the time under the minimap's pixel `x`, within [0, end]:
// a click on the strip, or each frame of a drag.
TimeRange ViewCentredAt(trace::TimeNs end, const TimeRange& view, float widthPx, float x);
// The time under the minimap's pixel `x` (clamped to [0, end]).
double MinimapTimeAt(trace::TimeNs end, float widthPx, float x);

}  // namespace interleave::ui
