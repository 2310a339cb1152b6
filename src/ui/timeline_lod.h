#pragma once
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

// Appends the draw commands of `spans` (sorted by start, non-overlapping: Trace::SpansOf) that
// intersect `range`, drawn `widthPx` wide, to `out`. Spans entirely outside the range are culled.
// The counts of the emitted commands add up to the number of spans intersecting the range.
// At most widthPx / minPx + 2 commands are emitted.
void BuildDrawCommands(std::span<const trace::Span> spans, const TimeRange& range, float widthPx,
                       std::vector<DrawCmd>& out, float minPx = kFoldPx);

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

// The index of the command under pixel `x` (commands as built above), or -1. Folded and narrow
// commands are hit within `slackPx`.
int HitTest(std::span<const DrawCmd> cmds, float x, float slackPx = 1.0f);

}  // namespace interleave::ui
