#pragma once
// A trace as readable, line-oriented text: what the golden tests pin (tests/golden/*.trace.txt). A change to
// the simulator then shows as a diff naming the span that moved, on which lane, from when to when, instead of
// a hash that says only that something changed. Exact: times are whole nanoseconds, written as milliseconds with
// six decimals.
#include <string>

#include "trace/trace.h"

namespace interleave::trace {

// Sections: a header (label, producer, makespan, counts), the tasks (submitted, started, finished, how it
// ended), then every lane with its spans in time order (state, task, cause), then the instants in time order.
std::string ToText(const Trace& trace);

}  // namespace interleave::trace
