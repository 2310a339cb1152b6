// `compare`: the same workload under every model, and the recommendation the blog's decision table
// would give, decided from the simulated makespans:
//   1. Candidates are the models within 10% of the fastest (the free-threaded build is a what-if and
//      never recommended).
//   2. Sequential among them wins: concurrency does not pay ("simple sequential I/O").
//   3. Threads and asyncio both among them: asyncio for high concurrency (more than 100 tasks: one
//      thread, lowest per-task overhead), threads for moderate concurrency.
//   4. Otherwise the fastest, ties broken in the order threads, asyncio, processes, process_asyncio
//      (simplest first).
#include <algorithm>
#include <cstdio>

#include "scenario/model_info.h"
#include "plan/plan.h"
#include "models/simulate.h"

namespace interleave::models {

namespace {

using scenario::ModelKind;

constexpr double kTieTolerance = 1.10;
constexpr int64_t kHighConcurrency = 100;

std::string Seconds(trace::TimeNs ns) { return scenario::FormatDuration(ns); }

int Simplicity(ModelKind kind) { return scenario::Info(kind).simplicity; }

}  // namespace

std::vector<scenario::Model> CompareModels(const scenario::Scenario& scenario) {
    std::vector<scenario::Model> models;
    const scenario::Model& given = scenario.model;
    const int64_t tasks = scenario.TaskCount();
    // The task factory is the program's, not the model's: every loop any model runs (asyncio's, a pool worker's, a
    // task's own for its children) has it.
    auto add = [&](scenario::Model model) {
        model.eagerTasks = given.eagerTasks;
        models.push_back(model);
    };

    add(scenario::Model{});
    scenario::Model threads;
    threads.kind = ModelKind::Threads;
    if (given.kind == ModelKind::Threads || given.kind == ModelKind::FreeThreaded) threads.workers = given.workers;
    else if (tasks > kHighConcurrency) threads.workers = plan::DefaultThreadPoolSize(scenario.machine.cores);  // ThreadPoolExecutor()
    add(threads);
    scenario::Model processes;
    processes.kind = ModelKind::Processes;
    processes.startMethod = scenario::RunPythonInfo(scenario).defaultStartMethod;  // what Pool() gets on this release
    if (given.kind == ModelKind::Processes || given.kind == ModelKind::ProcessAsyncio) {
        processes.workers = given.workers;
        processes.startMethod = given.startMethod;
        processes.chunksize = given.kind == ModelKind::Processes ? given.chunksize : 0;
    }
    add(processes);
    scenario::Model asyncio;
    asyncio.kind = ModelKind::Asyncio;
    if (given.kind == ModelKind::Asyncio) {
        asyncio.semaphore = given.semaphore;
        asyncio.taskGroup = given.taskGroup;
    }
    add(asyncio);
    scenario::Model mixed = processes;
    mixed.kind = ModelKind::ProcessAsyncio;
    mixed.chunksize = 0;
    add(mixed);
    scenario::Model freeThreaded = threads;
    freeThreaded.kind = ModelKind::FreeThreaded;
    freeThreaded.freeThreadedSlowdown = given.freeThreadedSlowdown;
    add(freeThreaded);
    // InterpreterPoolExecutor, where the release has it and the tasks share no object (plan::Unsupported).
    scenario::Model interpreters;
    interpreters.kind = ModelKind::Interpreters;
    if (given.kind == ModelKind::Interpreters) interpreters.workers = given.workers;
    scenario::Scenario probe;
    probe.python = scenario.python;
    probe.model = interpreters;
    if (scenario::RunPythonInfo(probe).interpreterPool && scenario.names.empty()) add(interpreters);
    return models;
}

SimulationOptions CompareRunOptions(SimulationOptions options) {
    options.computeSequentialBaseline = false;  // the sequential row is the baseline
    options.progress = nullptr;
    return options;
}

Comparison Compare(const scenario::Scenario& scenario, const SimulationOptions& options) {
    Comparison comparison;
    comparison.models = CompareModels(scenario);
    for (const scenario::Model& model : comparison.models) {
        scenario::Scenario variant = scenario;
        variant.model = model;
        comparison.results.push_back(Simulate(variant, CompareRunOptions(options)));
    }
    Recommend(scenario, comparison);
    return comparison;
}

Comparison ReleaseComparison(const scenario::Scenario& scenario) {
    Comparison comparison;
    for (const scenario::PythonInfo& info : scenario::Pythons()) {
        const scenario::Scenario on = scenario::OnRelease(scenario, info.version);
        if (!scenario::MissingFromRelease(on).empty()) continue;
        comparison.releases.push_back(info.version);
        comparison.models.push_back(on.model);
    }
    return comparison;
}

void RecommendRelease(const scenario::Scenario& scenario, Comparison& comparison) {
    comparison.recommended = -1;
    int own = -1;
    for (size_t i = 0; i < comparison.releases.size() && i < comparison.results.size(); ++i) {
        if (!comparison.results[i].ok) continue;
        if (comparison.releases[i] == scenario.python) own = static_cast<int>(i);
        if (comparison.recommended < 0 || comparison.results[i].trace.metrics.makespan <
                                              comparison.results[static_cast<size_t>(comparison.recommended)].trace.metrics.makespan)
            comparison.recommended = static_cast<int>(i);
    }
    if (comparison.recommended < 0) {
        comparison.reason = "no release finished the workload";
        return;
    }
    const auto best = static_cast<size_t>(comparison.recommended);
    const trace::TimeNs fastest = comparison.results[best].trace.metrics.makespan;
    comparison.reason = "the same program is fastest on " + scenario::PythonVersionName(comparison.releases[best]) + " (" +
                        Seconds(fastest) + ")";
    if (own >= 0 && static_cast<size_t>(own) != best && fastest > 0) {
        const trace::TimeNs mine = comparison.results[static_cast<size_t>(own)].trace.metrics.makespan;
        char ratio[32];
        std::snprintf(ratio, sizeof ratio, "%.2fx", static_cast<double>(mine) / static_cast<double>(fastest));
        comparison.reason += ", " + std::string(ratio) + " faster than on " + scenario::PythonVersionName(scenario.python) +
                             " (" + Seconds(mine) + ")";
    } else if (own >= 0) {
        comparison.reason += ", its own release";
    }
}

static bool FreeThreadingSupported(const scenario::Scenario& scenario) {
    // Officially supported from 3.14 (PEP 779); 3.13t was experimental, and older releases have no such build.
    return scenario.python.minor >= 14;
}

// The free-threaded build is a what-if where the release does not support it; every other model is an option.
bool Recommendable(const scenario::Scenario& scenario, ModelKind kind) {
    return kind != ModelKind::FreeThreaded || FreeThreadingSupported(scenario);
}

void Recommend(const scenario::Scenario& scenario, Comparison& comparison) {
    const int64_t tasks = scenario.TaskCount();
    trace::TimeNs sequentialMakespan = 0;
    for (size_t i = 0; i < comparison.models.size() && i < comparison.results.size(); ++i)
        if (comparison.models[i].kind == ModelKind::Sequential) sequentialMakespan = comparison.results[i].trace.metrics.makespan;
    for (SimulationResult& result : comparison.results) {
        result.trace.metrics.sequentialMakespan = sequentialMakespan;
        trace::ComputeMetrics(result.trace);
    }

    trace::TimeNs best = -1;
    for (size_t i = 0; i < comparison.models.size(); ++i) {
        if (!comparison.results[i].ok || !Recommendable(scenario, comparison.models[i].kind)) continue;
        trace::TimeNs m = comparison.results[i].trace.metrics.makespan;
        if (best < 0 || m < best) best = m;
    }
    if (best < 0) {
        comparison.reason = "no model finished the workload";
        return;
    }
    std::vector<int> candidates;
    for (size_t i = 0; i < comparison.models.size(); ++i) {
        if (!comparison.results[i].ok || !Recommendable(scenario, comparison.models[i].kind)) continue;
        if (static_cast<double>(comparison.results[i].trace.metrics.makespan) <= static_cast<double>(best) * kTieTolerance)
            candidates.push_back(static_cast<int>(i));
    }
    auto find = [&](ModelKind kind) {
        for (int i : candidates)
            if (comparison.models[i].kind == kind) return i;
        return -1;
    };
    int chosen = find(ModelKind::Sequential);
    if (chosen < 0 && find(ModelKind::Threads) >= 0 && find(ModelKind::Asyncio) >= 0)
        chosen = tasks > kHighConcurrency ? find(ModelKind::Asyncio) : find(ModelKind::Threads);
    if (chosen < 0) {
        chosen = candidates.front();
        for (int i : candidates) {
            const auto& a = comparison.results[i].trace.metrics;
            const auto& b = comparison.results[chosen].trace.metrics;
            // Within the tolerance the simpler model wins; otherwise the faster.
            if (Simplicity(comparison.models[i].kind) < Simplicity(comparison.models[chosen].kind)) {
                if (static_cast<double>(a.makespan) <= static_cast<double>(b.makespan) * kTieTolerance) chosen = i;
            } else if (static_cast<double>(a.makespan) * kTieTolerance < static_cast<double>(b.makespan)) {
                chosen = i;
            }
        }
    }
    comparison.recommended = chosen;
    const trace::Metrics& m = comparison.results[chosen].trace.metrics;
    char speed[64];
    std::snprintf(speed, sizeof speed, "%.2fx", m.speedup);
    switch (comparison.models[chosen].kind) {
        case ModelKind::Sequential:
            comparison.reason = "sequential: no model beats plain sequential code (" + Seconds(m.makespan) +
                                ") by more than 10%, so concurrency is not worth its complexity";
            break;
        case ModelKind::Threads:
            comparison.reason = "threading: the work waits on I/O, which releases the GIL, so " + std::to_string(tasks) +
                                " tasks overlap (" + Seconds(m.makespan) + ", " + speed + " sequential) at moderate concurrency";
            break;
        case ModelKind::Asyncio:
            comparison.reason = "asyncio: " + std::to_string(tasks) + " I/O waits overlap on one thread with the lowest per-task overhead (" +
                                Seconds(m.makespan) + ", " + speed + " sequential)";
            break;
        case ModelKind::Processes:
            comparison.reason = "multiprocessing: the work is CPU-bound Python, and only separate processes (one GIL each) run it on " +
                                std::to_string(scenario.machine.cores) + " cores at once (" + Seconds(m.makespan) + ", " + speed + " sequential)";
            break;
        case ModelKind::ProcessAsyncio:
            comparison.reason = "multiprocessing with asyncio per process: processes spread the CPU work over the cores and an event loop in each overlaps the I/O (" +
                                Seconds(m.makespan) + ", " + speed + " sequential)";
            break;
        case ModelKind::FreeThreaded:
            comparison.reason = "free-threaded " + scenario::PythonVersionName(scenario::RunPython(scenario)) +
                                ": the work is CPU-bound Python in one process, and without a GIL threads run it on " +
                                std::to_string(scenario.machine.cores) + " cores at once with no process to start and nothing to pickle (" +
                                Seconds(m.makespan) + ", " + speed + " sequential)";
            break;
        case ModelKind::Interpreters:
            comparison.reason = "InterpreterPoolExecutor: the work is CPU-bound Python, and interpreters with a GIL each run it on " +
                                std::to_string(scenario.machine.cores) + " cores at once without starting processes (" +
                                Seconds(m.makespan) + ", " + speed + " sequential)";
            break;
    }
}

}  // namespace interleave::models
