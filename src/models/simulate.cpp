#include "models/simulate.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>

#include "models/model_builders.h"
#include "scenario/model_info.h"

namespace interleave::models {

namespace {

// One entry per model: what builds it. Several models share a builder that reads the plan (model_builders.h).
constexpr std::pair<scenario::ModelKind, ModelBuilder> kBuilders[] = {
    {scenario::ModelKind::Sequential, BuildSequential},         {scenario::ModelKind::Threads, BuildThreads},
    {scenario::ModelKind::FreeThreaded, BuildThreads},          {scenario::ModelKind::Processes, BuildProcessPool},
    {scenario::ModelKind::ProcessAsyncio, BuildProcessPool},    {scenario::ModelKind::Asyncio, BuildAsyncio},
    {scenario::ModelKind::Interpreters, BuildInterpreterPool},
};

// The trace's label: the model's id and what sizes it, read from the registry's description of the model.
std::string ModelLabel(const scenario::Scenario& s) {
    const scenario::Model& m = s.model;
    const scenario::ModelInfo& info = scenario::Info(m.kind);
    std::string label(info.id);
    if (info.threads) {
        label += m.workers > 0 ? " (pool of " + std::to_string(m.workers) + ")" : " (one per task)";
    } else if (info.processPool) {
        label += " (" + std::to_string(m.workers > 0 ? m.workers : s.machine.cores) + " x " +
                 std::string(scenario::StartMethodName(m.startMethod)) + ")";
    } else if (info.interpreterPool) {
        label += " (" + std::to_string(m.workers > 0 ? m.workers : plan::DefaultThreadPoolSize(s.machine.cores)) +
                 " interpreters)";
    } else if (info.eventLoop && m.semaphore > 0) {
        label += " (semaphore " + std::to_string(m.semaphore) + ")";
    }
    if (s.python != scenario::kLegacyPython || scenario::RunPython(s).freeThreaded)
        label += " on " + scenario::PythonVersionName(scenario::RunPython(s));
    if (s.pythonGil) label += " with PYTHON_GIL=1";
    return label;
}

}  // namespace

// One World over one scenario (the scenario itself, or its sequential variant for the baseline). On
// the heap and never moved: the world keeps references to the scenario and the trace.
struct SimulationRun::Phase {
    scenario::Scenario scenario;
    SimulationResult result;
    Workload workload;
    std::unique_ptr<World> world;
    Programs programs;
    RunLimits limits;
};

ModelBuilder BuilderOf(scenario::ModelKind kind) {
    for (const auto& [model, builder] : kBuilders)
        if (model == kind) return builder;
    return nullptr;
}

SimulationRun::SimulationRun(const scenario::Scenario& scenario, const SimulationOptions& options)
    : m_scenario(scenario), m_options(options) {
    m_deadline = options.timeLimitSeconds > 0
                     ? std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(options.timeLimitSeconds))
                     : std::chrono::steady_clock::time_point::max();
    const std::string unsupported = plan::Unsupported(m_scenario);
    if (!unsupported.empty()) {
        m_result.ok = false;
        m_result.error = unsupported;
        m_result.trace.label = ModelLabel(m_scenario);
        m_result.trace.producer = "simulator";
        m_result.trace.Finish();
        m_done = true;
        return;
    }
    StartPhase(m_scenario);
}

SimulationRun::~SimulationRun() = default;

void SimulationRun::StartPhase(const scenario::Scenario& scenario) {
    m_phase = std::make_unique<Phase>();
    Phase& phase = *m_phase;
    phase.scenario = scenario;
    trace::Trace& trace = phase.result.trace;
    trace.label = ModelLabel(phase.scenario);
    trace.producer = "simulator";
    phase.workload = BuildWorkload(phase.scenario);
    AddTaskRecords(phase.scenario, phase.workload, trace);
    phase.world = std::make_unique<World>(phase.scenario, trace);
    World& world = *phase.world;
    BuilderOf(phase.scenario.model.kind)(world, phase.workload, phase.programs);
    phase.limits.maxEvents = m_options.maxEvents;
    phase.limits.maxTraceBytes = m_options.maxTraceBytes;
    phase.limits.deadline = m_deadline;
    phase.limits.timeLimitSeconds = m_options.timeLimitSeconds;
    phase.limits.cancel = m_options.cancel;
    phase.limits.progress = m_inBaseline ? nullptr : m_options.progress;  // the baseline is not the user's run
}

// The world is done (finished or failed): its spans go to the trace, and the metrics that need the world.
void SimulationRun::FinishPhase() {
    Phase& phase = *m_phase;
    World& world = *phase.world;
    trace::Trace& trace = phase.result.trace;
    // A failed run's spans are dropped, not handed over: handing over copies them, and a run stopped at
    // its memory limit must not then need twice that limit. Nobody shows a failed run's trace.
    if (phase.result.ok) world.CloseAllSpans();
    phase.result.events = static_cast<int64_t>(world.EventsProcessed());
    // The program's wall time, as a real run measures it: until its last task finished, or later where the program
    // has more to do after it (a Pool's tear-down on leaving `with`).
    TimeNs makespan = world.ProgramEnd();
    for (const trace::TaskRecord& task : trace.tasks) makespan = std::max(makespan, task.finished);
    trace.metrics.makespan = makespan > 0 ? makespan : trace.EndTime();
    const scenario::Scenario& s = phase.scenario;
    for (size_t i = 0; i < s.names.size(); ++i) {
        bool isCounter = false;
        for (const auto& groupSteps : phase.workload.groupSteps)
            for (const scenario::Step& step : groupSteps)
                isCounter = isCounter || (step.kind == scenario::StepKind::Increment && step.name == static_cast<int32_t>(i));
        if (isCounter) trace.metrics.counters.emplace_back(s.names[i], world.CounterValue(static_cast<int32_t>(i)));
    }
}

bool SimulationRun::Advance(int64_t events) {
    if (m_done) return true;
    Phase& phase = *m_phase;
    const RunState state = phase.world->Run(phase.limits, events, phase.result.error);
    if (state == RunState::Paused) return false;
    phase.result.ok = state == RunState::Finished;
    FinishPhase();
    if (!m_inBaseline) {
        m_result = std::move(phase.result);
        const bool wantBaseline = m_result.ok && m_options.computeSequentialBaseline;
        if (wantBaseline && m_scenario.model.kind == scenario::ModelKind::Sequential) {
            m_result.trace.metrics.sequentialMakespan = m_result.trace.metrics.makespan;
        } else if (wantBaseline) {
            scenario::Scenario sequential = m_scenario;
            sequential.model = scenario::Model{};
            m_inBaseline = true;
            StartPhase(sequential);
            return false;
        }
    } else if (phase.result.ok) {
        m_result.trace.metrics.sequentialMakespan = phase.result.trace.metrics.makespan;
    }
    m_phase.reset();
    m_result.trace.Finish();
    trace::ComputeMetrics(m_result.trace);  // after Finish(): it sums each track's spans in one go
    m_done = true;
    return true;
}

SimulationResult SimulationRun::TakeResult() { return std::move(m_result); }

SimulationResult Simulate(const scenario::Scenario& scenario, const SimulationOptions& options) {
    SimulationRun run(scenario, options);
    while (!run.Advance(std::numeric_limits<int64_t>::max())) {
    }
    return run.TakeResult();
}

}  // namespace interleave::models
