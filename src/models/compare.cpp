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

    // Every model of the registry, with the settings of the given model that mean the same thing in it: a thread
    // pool's size, a process pool's workers and start method, an event loop's semaphore and TaskGroup.
    const scenario::ModelInfo& from = scenario::Info(given.kind);
    const bool givenLoopAlone = from.eventLoop && !from.processPool;
    for (const scenario::ModelInfo& info : scenario::Models()) {
        scenario::Model model;
        model.kind = info.kind;
        if (info.threads) {
            if (from.threads) model.workers = given.workers;
            else if (tasks > kHighConcurrency) model.workers = plan::DefaultThreadPoolSize(scenario.machine.cores);
        }
        if (!info.gil) model.freeThreadedSlowdown = given.freeThreadedSlowdown;
        if (info.processPool) {
            model.startMethod = scenario::RunPythonInfo(scenario).defaultStartMethod;  // what Pool() gets there
            if (from.processPool) {
                model.workers = given.workers;
                model.startMethod = given.startMethod;
                // Chunks are Pool.map's; a pool of event loops takes one batch per worker.
                model.chunksize = !from.eventLoop && !info.eventLoop ? given.chunksize : 0;
            }
        }
        if (info.eventLoop && !info.processPool && givenLoopAlone) {
            model.semaphore = given.semaphore;
            model.taskGroup = given.taskGroup;
        }
        if (info.interpreterPool) {
            // InterpreterPoolExecutor, where the release has it and the tasks share no object (plan::Unsupported).
            if (from.interpreterPool) model.workers = given.workers;
            scenario::Scenario probe;
            probe.python = scenario.python;
            probe.model = model;
            if (!scenario::RunPythonInfo(probe).interpreterPool || !scenario.names.empty()) continue;
        }
        add(model);
    }
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
        const std::string ratio = scenario::FormatRatio(static_cast<double>(mine) / static_cast<double>(fastest));
        comparison.reason += ", " + ratio + " faster than on " + scenario::PythonVersionName(scenario.python) +
                             " (" + Seconds(mine) + ")";
    } else if (own >= 0) {
        comparison.reason += ", its own release";
    }
}

static bool FreeThreadingSupported(const scenario::Scenario& scenario) {
    // Officially supported from 3.14 (PEP 779); 3.13t was experimental, and older releases have no such build.
    return scenario.python.minor >= 14;
}

// Threads without a GIL are a what-if where the release does not support them; every other model is an option.
bool Recommendable(const scenario::Scenario& scenario, ModelKind kind) {
    return scenario::Info(kind).gil || FreeThreadingSupported(scenario);
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
    const auto findWhere = [&](auto&& matches) {
        for (int i : candidates)
            if (matches(scenario::Info(comparison.models[size_t(i)].kind))) return i;
        return -1;
    };
    const auto find = [&](ModelKind kind) {
        return findWhere([kind](const scenario::ModelInfo& info) { return info.kind == kind; });
    };
    // Threads under the GIL against one event loop, where both are as fast: the loop at high concurrency (a
    // thread each costs memory and start-up), threads below it (they need no rewrite into coroutines).
    const int threadsUnderGil = findWhere([](const scenario::ModelInfo& info) { return info.threads && info.gil; });
    const int loopAlone = findWhere([](const scenario::ModelInfo& info) { return info.eventLoop && !info.processPool; });
    int chosen = find(ModelKind::Sequential);
    if (chosen < 0 && threadsUnderGil >= 0 && loopAlone >= 0) chosen = tasks > kHighConcurrency ? loopAlone : threadsUnderGil;
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
    const std::string speed = scenario::FormatRatio(m.speedup);
    const std::string took = Seconds(m.makespan);
    const std::string python = scenario::PythonVersionName(scenario::RunPython(scenario));
    scenario::ModelTextValues values;
    values.makespan = took;
    values.speedup = speed;
    values.python = python;
    values.tasks = tasks;
    values.cores = scenario.machine.cores;
    comparison.reason = scenario::FillModelText(scenario::Info(comparison.models[chosen].kind).recommendation, values);
}

}  // namespace interleave::models
