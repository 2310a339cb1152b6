#pragma once
// The words of the timeline's tooltips, from the trace alone. Pure, so the sentences can be tested.
#include <string>

#include "trace/trace.h"

namespace interleave::ui {

// The name of a track, or "?" for an id out of range.
std::string TrackName(const trace::Trace& trace, trace::TrackId track);
// The cause line of a span: "waiting for the GIL held by Thread-2 since 12.000 ms; drop request at
// 17.000 ms", "waiting for a lock held by Thread-1 since 3.000 ms", "runs Thread-3". Empty if none.
std::string CauseText(const trace::Trace& trace, const trace::Span& span);
// The whole tooltip of one span: track and state, start and duration, cause, task.
std::string SpanTooltip(const trace::Trace& trace, const trace::Span& span);
// The tooltip of a folded mark of `count` spans from `start` to `end` (ns).
std::string FoldTooltip(const trace::Trace& trace, trace::TrackId track, uint32_t count, int64_t start, int64_t end);

// An instant: "drop request: Thread-2 asks Thread-1 to drop the GIL at 17.000 ms".
std::string InstantTooltip(const trace::Trace& trace, const trace::Instant& instant, uint32_t count = 1);

}  // namespace interleave::ui
