// concurrent.futures.InterpreterPoolExecutor (3.14, Lib/concurrent/futures/interpreter.py over thread.py):
//  - it is a ThreadPoolExecutor whose worker threads each create an interpreter of their own (with its own GIL,
//    PEP 684) when they start, and run every task in it;
//  - submit() pickles the callable and its arguments in the submitting thread (WorkerContext.prepare's
//    resolve_task), under the main interpreter's GIL, then starts a worker thread while none is idle and fewer than
//    max_workers run (_adjust_thread_count);
//  - a worker unpickles the task inside its interpreter, runs it, and sends the result back through an interpreter
//    queue: shared as it is where it is shareable (bytes, str, int...), else pickled there and unpickled by the worker
//    thread (charged here on the worker's own GIL: the main interpreter's GIL that CPython takes for that last
//    unpickling is not modelled, docs/models.md);
//  - every interpreter is in one process: no process start, and the threads share the machine's cores (models/os).
#include "models/model_builders.h"
#include "models/threads/sync_runner.h"

namespace interleave::models {

namespace {

using trace::SpanState;

// Pickle framing of one task's callable and arguments, and of its result, besides the payload (as for a Pool).
constexpr int64_t kCallOverheadBytes = 64;
constexpr int64_t kResultOverheadBytes = 32;

struct InterpreterPoolState {
    std::vector<trace::TaskId> queue;  // submitted, in order
    size_t next = 0;                   // the next task a worker takes
    int32_t submitted = 0;
    int32_t finished = 0;
    SignalIndex workAvailable, allDone;
};

// The main thread: executor.map(task, ...) submits every task (pickling each), starting a worker per submit up to
// max_workers, then waits for the results.
class Submitter : public Program {
public:
    Submitter(const Workload& workload, InterpreterPoolState& pool, std::vector<ThreadIndex> workers, TimeNs* threadStartSink)
        : m_workload(workload), m_pool(pool), m_workers(std::move(workers)), m_sink(threadStartSink) {}

    Action Next(World& world, ThreadIndex) override {
        const scenario::MachineProfile& profile = world.Profile();
        for (;;) {
            switch (m_phase) {
                case Phase::Pickle: {
                    if (m_pool.submitted == m_workload.TaskCount()) {
                        m_phase = Phase::Wait;
                        continue;
                    }
                    const auto group = static_cast<size_t>(m_workload.taskGroup[static_cast<size_t>(m_pool.submitted)]);
                    m_phase = Phase::Submit;
                    return Action::Compute(
                        plan::PickleTime(profile, m_workload.groupSendBytes[group] + kCallOverheadBytes,
                                         m_workload.groupSendObjectBytes[group], false),
                        true, SpanState::Pickling, trace::TaskId::None());
                }
                case Phase::Submit:
                    m_pool.queue.push_back(trace::TaskId(m_pool.submitted++));
                    world.Notify(m_pool.workAvailable);
                    m_phase = Phase::Pickle;
                    if (m_started < m_workers.size()) {
                        m_phase = Phase::StartWorker;
                        return Action::Compute(profile.threadStart, true, SpanState::RunningPython,
                                               trace::TaskId::None())
                            .AddsTo(m_sink);
                    }
                    continue;
                case Phase::StartWorker:
                    world.StartThread(m_workers[m_started++]);
                    m_phase = Phase::Pickle;
                    continue;
                case Phase::Wait:
                    if (m_pool.finished < m_workload.TaskCount()) return Action::Wait(m_pool.allDone, SpanState::Idle);
                    return Action::Exit();
            }
        }
    }

private:
    enum class Phase : uint8_t { Pickle, Submit, StartWorker, Wait };
    const Workload& m_workload;
    InterpreterPoolState& m_pool;
    std::vector<ThreadIndex> m_workers;
    TimeNs* m_sink;
    size_t m_started = 0;
    Phase m_phase = Phase::Pickle;
};

// A worker thread: creates its interpreter, then runs submitted tasks in it one at a time.
class InterpreterWorker : public Program {
public:
    InterpreterWorker(const Workload& workload, InterpreterPoolState& pool, Programs& programs)
        : m_workload(workload), m_pool(pool), m_programs(programs) {}

    Action Next(World& world, ThreadIndex self) override {
        const scenario::MachineProfile& profile = world.Profile();
        const trace::TrackId track = world.Thread(self).track;
        for (;;) {
            switch (m_phase) {
                case Phase::Start:
                    m_phase = Phase::Idle;
                    if (profile.interpreterStart > 0)
                        return Action::Compute(profile.interpreterStart, true, SpanState::StartingProcess,
                                               trace::TaskId::None());
                    continue;
                case Phase::Idle: {
                    if (m_pool.next == m_pool.queue.size()) {
                        if (m_pool.submitted == m_workload.TaskCount()) return Action::Exit();
                        return Action::Wait(m_pool.workAvailable, SpanState::Idle);
                    }
                    m_task = m_pool.queue[m_pool.next++];
                    const auto group = static_cast<size_t>(m_workload.taskGroup[m_task.Index()]);
                    world.TaskStarted(m_task, track);
                    m_runner.Begin(m_task);
                    m_phase = Phase::Run;
                    return Action::Compute(profile.interpreterCallOverhead +
                                               plan::PickleTime(profile, m_workload.groupSendBytes[group] + kCallOverheadBytes,
                                                                m_workload.groupSendObjectBytes[group], true),
                                           true, SpanState::Unpickling, m_task);
                }
                case Phase::Run: {
                    Action action;
                    if (m_runner.Next(world, self, SyncEnv{&m_workload, nullptr, &m_programs}, action)) return action;
                    m_phase = Phase::Result;
                    const auto group = static_cast<size_t>(m_workload.taskGroup[m_task.Index()]);
                    const int64_t bytes = m_workload.groupReturnBytes[group] + kResultOverheadBytes;
                    const int64_t objects = m_workload.groupReturnObjectBytes[group];
                    return Action::Compute(plan::PickleTime(profile, bytes, objects, false) + plan::PickleTime(profile, bytes, objects, true),
                                           true, SpanState::Pickling, m_task);
                }
                case Phase::Result:
                    world.TaskFinished(m_task, track, m_runner.Failed());
                    if (++m_pool.finished == m_workload.TaskCount()) world.Notify(m_pool.allDone);
                    m_phase = Phase::Idle;
                    continue;
            }
        }
    }

private:
    enum class Phase : uint8_t { Start, Idle, Run, Result };
    const Workload& m_workload;
    InterpreterPoolState& m_pool;
    Programs& m_programs;
    SyncRunner m_runner;
    trace::TaskId m_task = trace::TaskId::None();
    Phase m_phase = Phase::Start;
};

}  // namespace

void BuildInterpreterPool(World& world, const Workload& workload, Programs& programs) {
    trace::Trace& trace = world.Trace();
    const plan::Plan& plan = workload.plan;
    const bool freeThreaded = !plan.gil;
    auto& pool = *programs.Keep<InterpreterPoolState>();
    pool.workAvailable = world.AddSignal();
    pool.allDone = world.AddSignal();
    const trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    const trace::TrackId mainTrack = trace.AddTrack(std::string(plan::kMainThread), trace::TrackKind::Thread, process);
    // The main interpreter runs only the main thread (the workers' short visits to it are not modelled): no GIL lane.
    const InterpIndex mainInterp = world.AddInterpreter(std::string(plan::kMainProcess), freeThreaded, process, false);
    std::vector<ThreadIndex> workers;
    for (int32_t k = 0; k < plan.threads; ++k) {
        const std::string name = plan.WorkerName(k);
        const trace::TrackId track = trace.AddTrack(name, trace::TrackKind::Thread, process);
        // Its own interpreter, its own GIL, and a GIL lane for it (it is contended only when its tasks start threads).
        const InterpIndex interp = world.AddInterpreter(name, freeThreaded, track, true);
        workers.push_back(world.AddThread(name, interp, track, programs.Make<InterpreterWorker>(workload, pool, programs)));
    }
    auto* main = programs.Make<Submitter>(workload, pool, std::move(workers), &trace.metrics.threadStart);
    world.StartThread(world.AddThread(std::string(plan::kMainThread), mainInterp, mainTrack, main));
}

}  // namespace interleave::models
