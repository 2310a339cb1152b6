#pragma once
// Many runs of one scenario. Where CPython's behaviour is random (which GIL waiter wins, when the OS wakes a
// thread), one deterministic timeline presented as the truth misleads: this runs the scenario under `runs` seeds
// (machine.seed, docs/models.md "One answer where CPython has many") and reports the spread of the makespan and of
// the latencies, with the seed of a typical run and of an unlucky one to look at.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/simulate.h"
#include "scenario/scenario.h"

namespace interleave::models {

struct VariationOptions {
    int32_t runs = 32;
    uint64_t firstSeed = 1;  // the runs use seeds firstSeed, firstSeed + 1, ...
    // Runs at once on their own threads (each run is independent); 1: one after another on the caller's thread, as
    // every run goes in a build without threads (the single-threaded web page).
    int32_t parallel = 1;
    SimulationOptions simulation;  // per run; computeSequentialBaseline is ignored (off)
    // Called after each run, from whichever thread ran it, with the runs finished so far.
    std::function<void(int32_t finished)> progress;
};

struct RunSummary {
    uint64_t seed = 0;
    trace::TimeNs makespan = 0;
    trace::TimeNs latencyP50 = 0;   // task latency (submitted to finished), median over the run's tasks
    trace::TimeNs latencyP90 = 0;
    trace::TimeNs gilWait = 0;
    int64_t gilSwitches = 0;
};

struct Spread {
    trace::TimeNs p10 = 0, p50 = 0, p90 = 0, min = 0, max = 0;
};

struct VariationResult {
    bool ok = false;
    std::string error;               // the first failed run's error, naming its seed
    std::vector<RunSummary> runs;    // in seed order
    Spread makespan, latencyP50, latencyP90, gilWait;
    uint64_t typicalSeed = 0;   // the run whose makespan is nearest the median
    uint64_t unluckySeed = 0;   // the run with the longest makespan
};

// The scenario as given (its machine.seed is replaced by each run's). Stops at the first failed run.
VariationResult RunVariation(const scenario::Scenario& scenario, const VariationOptions& options);

// Nearest-rank p10/p50/p90 and the extremes of `values` (sorted here).
Spread SpreadOf(std::vector<trace::TimeNs> values);

}  // namespace interleave::models
