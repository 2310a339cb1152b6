#include "models/simulate.h"

#include <algorithm>
#include <cstdio>

#include "models/model_builders.h"

namespace interleave::models {

namespace {

std::string ModelLabel(const scenario::Scenario& s) {
    const scenario::Model& m = s.model;
    std::string label(scenario::ModelKindName(m.kind));
    switch (m.kind) {
        case scenario::ModelKind::Threads:
        case scenario::ModelKind::FreeThreaded:
            label += m.workers > 0 ? " (pool of " + std::to_string(m.workers) + ")" : " (one per task)";
            break;
        case scenario::ModelKind::Processes:
        case scenario::ModelKind::ProcessAsyncio:
            label += " (" + std::to_string(m.workers > 0 ? m.workers : s.machine.cores) + " x " +
                     std::string(scenario::StartMethodName(m.startMethod)) + ")";
            break;
        case scenario::ModelKind::Asyncio:
            if (m.semaphore > 0) label += " (semaphore " + std::to_string(m.semaphore) + ")";
            break;
        case scenario::ModelKind::Sequential: break;
    }
    return label;
}

SimulationResult RunOne(const scenario::Scenario& scenario, const SimulationOptions& options) {
    SimulationResult result;
    trace::Trace& trace = result.trace;
    trace.label = ModelLabel(scenario);
    trace.producer = "simulator";
    Workload workload = BuildWorkload(scenario);
    if (scenario.model.kind == scenario::ModelKind::FreeThreaded) workload.cpuScale = scenario.model.freeThreadedSlowdown;
    AddTaskRecords(scenario, workload, trace);
    World world(scenario, trace);
    Programs programs;
    switch (scenario.model.kind) {
        case scenario::ModelKind::Sequential: BuildSequential(world, workload, programs); break;
        case scenario::ModelKind::Threads: BuildThreads(world, workload, programs, false); break;
        case scenario::ModelKind::FreeThreaded: BuildThreads(world, workload, programs, true); break;
        case scenario::ModelKind::Processes: BuildProcessPool(world, workload, programs, false); break;
        case scenario::ModelKind::ProcessAsyncio: BuildProcessPool(world, workload, programs, true); break;
        case scenario::ModelKind::Asyncio: BuildAsyncio(world, workload, programs); break;
    }
    result.ok = world.Run(options.maxEvents, options.cancel, options.progress, result.error);
    world.CloseAllSpans();
    result.events = static_cast<int64_t>(world.EventsProcessed());
    TimeNs makespan = 0;
    for (const trace::TaskRecord& task : trace.tasks) makespan = std::max(makespan, task.finished);
    trace.metrics.makespan = makespan > 0 ? makespan : trace.EndTime();
    for (size_t i = 0; i < scenario.names.size(); ++i) {
        bool isCounter = false;
        for (const auto& groupSteps : workload.groupSteps)
            for (const scenario::Step& step : groupSteps) isCounter = isCounter || (step.kind == scenario::StepKind::Increment && step.name == static_cast<int32_t>(i));
        if (isCounter) trace.metrics.counters.emplace_back(scenario.names[i], world.CounterValue(static_cast<int32_t>(i)));
    }
    return result;
}

}  // namespace

SimulationResult Simulate(const scenario::Scenario& scenario, const SimulationOptions& options) {
    SimulationResult result = RunOne(scenario, options);
    if (result.ok && options.computeSequentialBaseline) {
        if (scenario.model.kind == scenario::ModelKind::Sequential) {
            result.trace.metrics.sequentialMakespan = result.trace.metrics.makespan;
        } else {
            scenario::Scenario sequential = scenario;
            sequential.model = scenario::Model{};
            SimulationOptions inner;
            inner.cancel = options.cancel;
            inner.maxEvents = options.maxEvents;
            SimulationResult baseline = RunOne(sequential, inner);
            if (baseline.ok) result.trace.metrics.sequentialMakespan = baseline.trace.metrics.makespan;
        }
    }
    result.trace.Finish();
    trace::ComputeMetrics(result.trace);  // after Finish(): it sums each track's spans in one go
    return result;
}

}  // namespace interleave::models
