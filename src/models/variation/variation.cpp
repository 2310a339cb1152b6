#include "models/variation/variation.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <thread>

namespace interleave::models {

Spread SpreadOf(std::vector<trace::TimeNs> values) {
    Spread s;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    auto rank = [&](double q) {
        const size_t r = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
        return values[std::clamp<size_t>(r, 1, values.size()) - 1];
    };
    s.p10 = rank(0.10);
    s.p50 = rank(0.50);
    s.p90 = rank(0.90);
    s.min = values.front();
    s.max = values.back();
    return s;
}

VariationResult RunVariation(const scenario::Scenario& scenario, const VariationOptions& options) {
    VariationResult result;
    const int32_t runs = std::max<int32_t>(1, options.runs);
    result.runs.resize(static_cast<size_t>(runs));
    std::vector<std::string> errors(static_cast<size_t>(runs));
    std::atomic<int32_t> next{0}, finished{0};
    std::atomic<bool> failed{false};
    SimulationOptions simulation = options.simulation;
    simulation.computeSequentialBaseline = false;

    auto worker = [&] {
        for (;;) {
            const int32_t i = next.fetch_add(1);
            if (i >= runs || failed.load()) return;
            scenario::Scenario run = scenario;
            run.machine.seed = options.firstSeed + static_cast<uint64_t>(i);
            SimulationResult r = Simulate(run, simulation);
            RunSummary& summary = result.runs[static_cast<size_t>(i)];
            summary.seed = run.machine.seed;
            if (!r.ok) {
                errors[static_cast<size_t>(i)] = "seed " + std::to_string(run.machine.seed) + ": " + r.error;
                failed.store(true);
                return;
            }
            const trace::Metrics& m = r.trace.metrics;
            summary.makespan = m.makespan;
            summary.latencyP50 = m.latency.p50;
            summary.latencyP90 = m.latency.p90;
            summary.gilWait = m.gilWait;
            summary.gilSwitches = m.gilSwitches;
            const int32_t done = finished.fetch_add(1) + 1;
            if (options.progress) options.progress(done);
        }
    };
#ifdef INTERLEAVE_NO_THREADS
    const int32_t threads = 1;  // a build without threads (the single-threaded web page): std::thread would abort
#else
    const int32_t threads = std::clamp<int32_t>(options.parallel, 1, runs);
#endif
    if (threads == 1) {
        worker();
    } else {
        std::vector<std::thread> pool;
        pool.reserve(static_cast<size_t>(threads));
        for (int32_t t = 0; t < threads; ++t) pool.emplace_back(worker);
        for (std::thread& t : pool) t.join();
    }
    for (const std::string& e : errors)
        if (!e.empty()) {
            result.error = e;
            return result;
        }
    std::vector<trace::TimeNs> makespans, p50s, p90s, waits;
    for (const RunSummary& r : result.runs) {
        makespans.push_back(r.makespan);
        p50s.push_back(r.latencyP50);
        p90s.push_back(r.latencyP90);
        waits.push_back(r.gilWait);
    }
    result.makespan = SpreadOf(makespans);
    result.latencyP50 = SpreadOf(p50s);
    result.latencyP90 = SpreadOf(p90s);
    result.gilWait = SpreadOf(waits);
    const RunSummary* typical = &result.runs.front();
    const RunSummary* unlucky = &result.runs.front();
    for (const RunSummary& r : result.runs) {
        if (std::llabs(r.makespan - result.makespan.p50) < std::llabs(typical->makespan - result.makespan.p50)) typical = &r;
        if (r.makespan > unlucky->makespan) unlucky = &r;
    }
    result.typicalSeed = typical->seed;
    result.unluckySeed = unlucky->seed;
    result.ok = true;
    return result;
}

}  // namespace interleave::models
