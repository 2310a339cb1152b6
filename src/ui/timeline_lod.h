#pragma once
#include <algorithm>
// [SECTION] Level of detail: sorted spans of one track -> compact draw commands
//
// A pure function (no ImGui), after Tracy's zone folding: spans narrower than `minPx` are folded with
// their neighbours into one command carrying a count. The first visible span is found by binary search
// and every emitted command starts at least `minPx` after the previous one, so both the work and the
// number of commands are bounded by the pixel width, not by the number of spans.
#include <cstdint>
#include <span>
#include <vector>

#include "trace/trace.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

inline constexpr float kFoldPx = 3.0f;  // spans narrower than this fold into their neighbours

struct DrawCmd {
    float x0 = 0, x1 = 0;     // pixels from the lane's left edge, clipped to [-1, width + 1]
    uint32_t first = 0;       // index of the first span (into the track's span list)
    uint32_t count = 0;       // spans covered: 1 = one span drawn as itself; > 1 = a folded mark
    trace::SpanState state = trace::SpanState::Idle;  // the first span's state
    bool Folded() const { return count > 1; }
};

// A search index over one track's spans, built once per trace (O(spans), sequential) so that folding
// never searches the spans themselves. For time buckets of 2^k ns at every level k from the finest
// (about four spans a bucket on average) up to one bucket for the whole track, it keeps the index of
// the first span starting at or after each bucket boundary: a few bytes a span in all (<= 2 bytes a
// span on average, uint32). A fold window then ends at the next boundary of the level whose bucket
// is just under the window's width: one lookup in a small array that is read front to back, instead
// of a binary search through the spans, whose every probe is a cache (and TLB) miss at 10M spans.
class SpanIndex {
public:
    SpanIndex() = default;
    explicit SpanIndex(std::span<const trace::Span> spans) { Build(spans); }
    // Tracks shorter than this fold fast enough by searching the spans (they fit in the cache).
    static constexpr size_t kMinSpans = 4096;
    void Build(std::span<const trace::Span> spans);
    bool Empty() const { return m_levels.empty(); }
    size_t Spans() const { return m_spans; }
    // The index of the first span starting at or after `t`, rounded up to a bucket boundary of the
    // coarsest level whose bucket is at most `slackNs` wide: the result is the first span starting at
    // or after some boundary in [t, t + slackNs]. Returns false (and nothing) when no level is that
    // fine, or t is negative.
    bool FirstStartingAfter(double t, double slackNs, size_t& index) const;
    // Brackets `t` with the finest buckets: every span in [lo, hi) starts in the bucket holding t (or
    // on its far boundary), spans before lo start before it and spans from hi on start after t.
    // Returns false when t is outside the indexed time (negative, or past the last start).
    bool Bracket(double t, size_t& lo, size_t& hi) const;
    size_t Bytes() const;

private:
    int m_finestShift = 0;                       // level 0 buckets are 2^m_finestShift ns wide
    size_t m_spans = 0;
    std::vector<std::vector<uint32_t>> m_levels;  // [level][bucket]: first span starting at or after
                                                 // bucket << (m_finestShift + level)
};

// Appends the draw commands of `spans` (sorted by start, non-overlapping: Trace::SpansOf) that
// intersect `range`, drawn `widthPx` wide, to `out`. Spans entirely outside the range are culled.
// The counts of the emitted commands add up to the number of spans intersecting the range.
// At most widthPx / minPx + 2 commands are emitted. With `index` (built from the same spans) the work
// is O(widthPx / minPx) lookups in it plus about one span read per command, whatever the number of
// spans in view; without it, a galloping search through the spans per fold window (O(log spans per
// window) cache misses each). A fold window holds the spans starting within minNs of its first
// (without an index) or within up to 2 minNs (with one: the window ends at a bucket boundary); the
// bound on commands and the counts are the same either way.
void BuildDrawCommands(std::span<const trace::Span> spans, const TimeRange& range, float widthPx,
                       std::vector<DrawCmd>& out, float minPx = kFoldPx, const SpanIndex* index = nullptr);

// Instants (GIL drop requests, hand-offs, process starts) of one track, sorted by time, become marks:
// instants closer than `minPx` to the previous mark join it (count), so marks are bounded by pixels.
struct InstantMark {
    float x = 0;           // pixels from the lane's left edge
    uint32_t first = 0;    // index of the first instant (into the track's instant list)
    uint32_t count = 0;
    trace::InstantKind kind = trace::InstantKind::DropRequest;  // the first instant's
};
void BuildInstantMarks(std::span<const trace::Instant> instants, const TimeRange& range, float widthPx,
                       std::vector<InstantMark>& out, float minPx = 4.0f);

// A counter lane (a queue's depth) as bars: each sample's value holds from its time to the next sample's (the last
// to the range's end). Bars narrower than a pixel fold into their neighbour: the folded bar's level is the
// time-weighted mean of what it covers (a queue that held an item for 50 us of every 10 ms reads as nearly empty,
// not full) and its peak the largest value; the bars are bounded by pixels however many samples there are.
// Neighbours of equal value merge.
struct CounterBar {
    float x0 = 0, x1 = 0;  // pixels from the lane's left edge, clipped to [0, widthPx]
    double level = 0;      // the value held; folded: its time-weighted mean
    int64_t peak = 0;      // the largest value held
    bool Folded() const { return double(peak) != level; }
};
void BuildCounterBars(std::span<const trace::CounterSample> samples, const TimeRange& range, float widthPx,
                      std::vector<CounterBar>& out);

// A collapsed group's summary row: per pixel column, how many of the group's lanes are busy (not idle) and the state
// most of them are in (ties: the earlier state in trace::SpanState), from each lane's draw commands (a folded command
// counts as its first state); equal neighbouring columns merge into one run. O(lanes x widthPx).
struct SummaryRun {
    float x0 = 0, x1 = 0;  // pixels from the lane's left edge
    trace::SpanState state = trace::SpanState::Idle;
    uint32_t busy = 0;   // lanes not idle here
    uint32_t lanes = 0;  // lanes summarised
    // The bar's height in a row `room` px high: the share of the lanes busy, at least 2 px.
    float Height(float room) const { return std::max(2.0f, room * float(busy) / float(std::max(1u, lanes))); }
};
std::vector<SummaryRun> SummariseLanes(std::span<const std::span<const DrawCmd>> lanes, float widthPx);

// The index of the command under pixel `x` (commands as built above), or -1. Folded and narrow
// commands are hit within `slackPx`.
int HitTest(std::span<const DrawCmd> cmds, float x, float slackPx = 1.0f);

}  // namespace interleave::ui
