#pragma once
// [SECTION] Causality arrows: who made whom run
//
// The trace's causes as links between two lanes at two times, derived once per trace (O(spans + instants)):
//   - a GIL drop request: the waiter (track of the DropRequest instant) asks the holder (its cause); the link ends
//     on the holder at the hand-off that answered it (the next GilHandoff away from that holder), or at the request
//     when none followed. A trace without DropRequest instants (a real run's) gives them from WaitDetail.dropRequestAt.
//   - a GIL hand-off: the previous holder (the GilHandoff's cause) gives it to the new one (its track).
//   - a lock wake: a WaitingLock span ends when the lock is handed to its waiter. The trace records the holder only
//     when the wait began (the span's cause); who released it at the end is inferred by following the other waits on
//     the same holder in time order (a wait that ends passes the lock to its waiter), which is exact while a thread
//     waits on one lock at a time.
//   - a resume: a task lane's await (Awaiting) ends and the task runs again. From the thread that did the task's
//     blocking call (asyncio.to_thread, run_in_executor) when one ends during the await; else from the lane of a
//     task that ended at that very moment (gathered children, a TaskGroup's failure); else from the event loop's
//     lane (the task lane's parent): an I/O completion or a timer, which the trace does not tell apart.
// Then, per frame, the links in view fold into arrows bounded by pixels (FoldArrows). Pure: no ImGui.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "trace/trace.h"
#include "ui/timeline_math.h"
#include "ui/view_state.h"

namespace interleave::ui {

enum class ArrowKind : uint8_t {
    DropRequest,  // a waiter asked the GIL's holder to drop it
    GilHandoff,   // the GIL went from one thread to another
    LockWake,     // a lock's release woke its waiter
    Resume,       // an await completed and the loop resumed the task
    Count
};

// Where a resume came from (ArrowKind::Resume only).
enum class ResumeSource : uint8_t {
    None,
    Loop,     // the event loop saw an I/O completion or a timer (the trace does not say which)
    Worker,   // a thread finished the task's blocking call
    TaskEnd,  // another task ended at that moment (a gathered child, a TaskGroup sibling)
};

struct CausalLink {
    trace::TimeNs fromTime = 0;  // the cause, on fromTrack
    trace::TimeNs toTime = 0;    // the effect, on toTrack (>= fromTime)
    trace::TrackId fromTrack = trace::TrackId::None();
    trace::TrackId toTrack = trace::TrackId::None();
    ArrowKind kind = ArrowKind::GilHandoff;
    ResumeSource source = ResumeSource::None;
    trace::TaskId task = trace::TaskId::None();  // the task that asked, woke or resumed
    // DropRequest: when the holder let go (-1: not before the trace ends). GilHandoff: the drop request that asked
    // for it (-1: the holder released it on its own, to block or to finish). LockWake, Resume: when the wait began.
    trace::TimeNs other = -1;
    trace::TrackId asker =
        trace::TrackId::None();  // GilHandoff: who made the drop request; LockWake: the holder when the wait began
    trace::TaskId otherTask = trace::TaskId::None();  // Resume from TaskEnd: the task that ended
};

// Every link of a trace, by fromTime, with the largest toTime so far (to find the links in view by bisection).
struct CausalLinks {
    std::vector<CausalLink> links;
    std::vector<trace::TimeNs> maxToSoFar;
    size_t Count(ArrowKind kind) const;
};

// The links of `trace` (finished: SpansOf). O(spans + instants log instants).
CausalLinks BuildCausalLinks(const trace::Trace& trace);

// [SECTION] Folding

// One arrow on screen: a link, or several of one kind between the same two rows whose causes lie within one fold
// bucket of each other.
struct Arrow {
    float x0 = 0, x1 = 0;            // pixels from the lanes' left edge: the cause and the effect (first link's)
    int32_t fromRow = 0, toRow = 0;  // rows, as the caller numbers them
    ArrowKind kind = ArrowKind::GilHandoff;
    uint32_t first = 0, last = 0;  // the first and last links folded in (indices into CausalLinks::links)
    uint32_t count = 0;            // links folded in (> 1: drawn with a smaller head and no dot)
    uint32_t unread = 0;           // links in its bucket left unread (past ArrowFold::maxScan): "and N more"
    bool Folded() const { return count > 1; }
};

struct ArrowFold {
    float minPx = 24.0f;     // links whose causes lie within one bucket this wide fold (per kind and pair of rows)
    size_t maxArrows = 256;  // past this, buckets double in width until it fits
    size_t maxScan = 32;     // links read per bucket, spread over it: the rest are counted (Arrow::unread), not read
};

// The arrows of the links that touch `range` (drawn `widthPx` wide) between two different shown rows:
// rowOfTrack[track] is the track's row, or < 0 when the track is not shown (a link to or from it is dropped); a
// link whose two ends share a row (a collapsed group) is dropped too. The rule: buckets of `minPx` by the cause's
// pixel (links that start left of the view fall into the first), one arrow per (bucket, kind, from row, to row);
// at most maxScan links are read per bucket, evenly spread over it (its extent found by bisection, the rest counted
// as unread), so the work is bounded by pixels, not by links; when more than maxArrows arrows result, the buckets
// double in width.
// Arrows come out in bucket order.
void FoldArrows(const CausalLinks& links,
                const TimeRange& range,
                float widthPx,
                std::span<const int32_t> rowOfTrack,
                std::vector<Arrow>& out,
                const ArrowFold& fold = {});

// [SECTION] Shape

// An arrow as drawn, in pixels (the live view's DrawArrows and the pictures both draw this): a line from the cause
// (ax, ay) to where the head begins (baseX, baseY), dashed every `dash` px (60% drawn) for a drop request; a head
// (the effect, left, right) smaller for a fold; a dot at the cause unless it is a fold. u is the line's direction and
// n its normal (unit vectors).
struct ArrowShape {
    float ax = 0, ay = 0, bx = 0, by = 0;
    float baseX = 0, baseY = 0, leftX = 0, leftY = 0, rightX = 0, rightY = 0;
    float ux = 0, uy = 0, nx = 0, ny = 0;
    float dash = 0;  // 0: solid
    bool head = true, dot = true;
};
// From the cause (ax, ay) to the effect (bx, by). `head` false: the effect is out of view (no head, the line runs to
// it).
ArrowShape ShapeArrow(const Arrow& arrow, float ax, float ay, float bx, float by, bool head = true);
// The ends' heights from the rows' tops: the middle of the cause's row, 3 px inside the effect's row on the side the
// arrow comes from.
void ArrowEndsY(const Arrow& arrow, float fromRowTop, float toRowTop, float laneH, float& ay, float& by);

// The distance (px) from point (px, py) to the segment (ax, ay)-(bx, by): hovering an arrow.
float DistanceToSegment(float px, float py, float ax, float ay, float bx, float by);

// "drop request: Thread-1 (io_bound[0]) asked Thread-2 to drop the GIL at 5.175 ms; Thread-2 let go 51.0 us later".
std::string LinkText(const trace::Trace& trace, const CausalLink& link);
// An arrow's tooltip: its link's text, or for a fold how many of which kind between whom, from when to when.
std::string ArrowTooltip(const trace::Trace& trace, const CausalLinks& links, const Arrow& arrow);
// "GIL drop requests", "lock wake-ups", ...: the toggle's and the tooltips' plural names.
const char* ArrowKindLabel(ArrowKind kind);

// An arrow kind's colour (packed ABGR) in `theme`, from the palette (theme.cpp); the kinds stay apart for readers
// with the common colour-vision deficiencies (tests/unit/ui/palette_test.cpp).
uint32_t ArrowColor(ArrowKind kind, Theme theme);

}  // namespace interleave::ui
