#pragma once
// The entry point of the simulator: a scenario in, a trace out. Deterministic: the same scenario gives
// the same trace, byte for byte, natively and in wasm.
#include <atomic>
#include <chrono>
#include <memory>
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
    // Past this much recorded trace the run stops with an error (a browser tab has a few GB at most).
    size_t maxTraceBytes = scenario::Limits::kMaxTraceBytes;
    // Past this much wall-clock time (from the start, slices and pauses included) the run stops with an
    // error; 0: no limit. The UI sets one; the command line leaves it to the user.
    double timeLimitSeconds = 0;
};

struct SimulationResult {
    bool ok = false;
    std::string error;     // why not ok: the event limit, a cancel, a deadlock
    trace::Trace trace;    // finished (Trace::Finish called) and with metrics
    int64_t events = 0;    // discrete events processed
};

SimulationResult Simulate(const scenario::Scenario& scenario, const SimulationOptions& options = {});

// A simulation run in slices: the single-threaded browser build runs a slice per frame so a long
// simulation never freezes the tab, and a threaded one can start a run inline and move it to a worker.
// The trace is the same as Simulate()'s, however it is sliced. Not thread-safe: one thread at a time.
class SimulationRun {
public:
    SimulationRun(const scenario::Scenario& scenario, const SimulationOptions& options);
    ~SimulationRun();
    SimulationRun(const SimulationRun&) = delete;
    SimulationRun& operator=(const SimulationRun&) = delete;

    // Runs at most `events` more events. Returns true once the result is ready: finished, failed on a
    // limit or a deadlock, or cancelled (limits and the cancel flag are looked at every 16384 events).
    bool Advance(int64_t events);
    bool Done() const { return m_done; }
    // The result, once Done(); leaves the run empty.
    SimulationResult TakeResult();

private:
    struct Phase;
    void StartPhase(const scenario::Scenario& scenario);
    void FinishPhase();

    scenario::Scenario m_scenario;
    SimulationOptions m_options;
    std::chrono::steady_clock::time_point m_deadline;
    std::unique_ptr<Phase> m_phase;
    bool m_inBaseline = false;
    bool m_done = false;
    SimulationResult m_result;
};

// One row per model for `compare`: every model the workload can run under, with the scenario's
// parameters (workers default to the machine's cores where that is what a reader would write).
struct Comparison {
    std::vector<scenario::Model> models;
    std::vector<SimulationResult> results;
    int recommended = -1;        // index into models/results
    std::string reason;          // one line: why that model, in the blog's terms
    // Compare by release when not empty: row i is the scenario's own program on releases[i] (scenario::OnRelease),
    // models[i] its model; `recommended` is then the fastest release.
    std::vector<scenario::PythonVersion> releases;
};

// The limits in `options` apply to each model's run.
Comparison Compare(const scenario::Scenario& scenario, const SimulationOptions& options = {});
// The pieces of Compare(), for a caller that runs the simulations itself (in slices, in the browser):
// the models to run, the options each run gets, and the recommendation once every result is in.
std::vector<scenario::Model> CompareModels(const scenario::Scenario& scenario);
SimulationOptions CompareRunOptions(SimulationOptions options);
void Recommend(const scenario::Scenario& scenario, Comparison& comparison);
// Compare by release: every release of the table that can run the scenario's own program (OnRelease, then
// MissingFromRelease), oldest first, as a Comparison to fill: releases and models set, no results yet.
Comparison ReleaseComparison(const scenario::Scenario& scenario);
// Once every result is in: the fastest release, and a line that says by how much against the scenario's own release.
void RecommendRelease(const scenario::Scenario& scenario, Comparison& comparison);
// Whether the recommendation may pick `kind` on this scenario's release: the free-threaded build only where it is
// supported (3.14 on, PEP 779); elsewhere it is shown as a what-if.
bool Recommendable(const scenario::Scenario& scenario, scenario::ModelKind kind);

}  // namespace interleave::models
