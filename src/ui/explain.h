#pragma once
// A few sentences, generated from a scenario and its trace, that say what happened and why, in the
// terms of the blog post: who held the GIL, what the processes cost, what stalled the loop. Pure.
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::ui {

// What most of a workload's time is spent on, by summed step duration.
enum class WorkloadKind { Empty, CpuBound, IoBound, CCallBound, Mixed };
WorkloadKind ClassifyWorkload(const scenario::Scenario& scenario);
const char* WorkloadAdjective(WorkloadKind kind);  // "CPU-bound", "I/O-bound", ...
// A share in percent as the UI writes it: a decimal below 10% ("0.3%", "44%"), "<0.1%" for a share too small to
// write, "0%" only for nothing at all: "0%" would hide a cost (or a CPU's work) that is there.
std::string FormatShare(double fraction);

// E.g. "8 CPU-bound tasks on 4 threads took 8.100 s, 1.01x sequential: only the thread holding the
// GIL runs Python; the others waited 24.300 s for it in total."
std::string Explain(const scenario::Scenario& scenario, const trace::Trace& trace);

// A moment of the trace that a claim of the explanation rests on (the longest wait for the GIL it quotes, a worker's
// start, the blocking call that stalled the loop): a button under the explanation zooms the timeline there.
struct ExplainMoment {
    std::string label;  // what to look at, with its length: "the longest wait for the GIL, 5.051 ms"
    trace::TimeNs start = 0, end = 0;
    trace::TrackId track = trace::TrackId::None();
};
// The moments for Explain's claims, in the order the text makes them; none for a claim the trace has no span for.
std::vector<ExplainMoment> ExplainMoments(const scenario::Scenario& scenario, const trace::Trace& trace);

}  // namespace interleave::ui
