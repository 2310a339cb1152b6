#pragma once
// A few sentences, generated from a scenario and its trace, that say what happened and why, in the
// terms of the blog post: who held the GIL, what the processes cost, what stalled the loop. Pure.
#include <string>

#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::ui {

// What most of a workload's time is spent on, by summed step duration.
enum class WorkloadKind { Empty, CpuBound, IoBound, CCallBound, Mixed };
WorkloadKind ClassifyWorkload(const scenario::Scenario& scenario);
const char* WorkloadAdjective(WorkloadKind kind);  // "CPU-bound", "I/O-bound", ...

// E.g. "8 CPU-bound tasks on 4 threads took 8.100 s, 1.01x sequential: only the thread holding the
// GIL runs Python; the others waited 24.300 s for it in total."
std::string Explain(const scenario::Scenario& scenario, const trace::Trace& trace);

}  // namespace interleave::ui
