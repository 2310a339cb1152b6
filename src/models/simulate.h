#pragma once
// The entry point of the simulator: a scenario in, a trace out. Deterministic: the same scenario gives
// the same trace, byte for byte, natively and in wasm.
#include <atomic>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::models {

struct SimulationOptions {
    bool computeSequentialBaseline = true;  // also simulate sequentially for Metrics::speedup
    // Progress in [0, 1], written now and then; a reader on another thread may poll it.
    std::atomic<float>* progress = nullptr;
    // Set to true from another thread to stop early; the result then has ok == false.
    const std::atomic<bool>* cancel = nullptr;
    // Past this many events the run stops with an error: no scenario runs forever.
    int64_t maxEvents = scenario::Limits::kMaxEvents;
};

struct SimulationResult {
    bool ok = false;
    std::string error;     // why not ok: the event limit, a cancel, a deadlock
    trace::Trace trace;    // finished (Trace::Finish called) and with metrics
    int64_t events = 0;    // discrete events processed
};

SimulationResult Simulate(const scenario::Scenario& scenario, const SimulationOptions& options = {});

// One row per model for `compare`: every model the workload can run under, with the scenario's
// parameters (workers default to the machine's cores where that is what a reader would write).
struct Comparison {
    std::vector<scenario::Model> models;
    std::vector<SimulationResult> results;
    int recommended = -1;        // index into models/results
    std::string reason;          // one line: why that model, in the blog's terms
};

Comparison Compare(const scenario::Scenario& scenario);

}  // namespace interleave::models
