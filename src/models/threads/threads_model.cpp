// Sequential code, threading.Thread / ThreadPoolExecutor under the GIL, and the free-threaded build.
//  - threading.Thread.start() runs in the starting thread and costs MachineProfile::threadStart; it returns once the
//    new thread runs, which then holds the GIL (ThreadStartup, models/threads/sync_runner.h).
//  - Without `workers`, one thread per task (threading.Thread(target=...) for each); with `workers`, a
//    ThreadPoolExecutor(max_workers=workers) whose threads take tasks from one queue in order.
//  - The free-threaded build (PEP 703, 3.13t/3.14t) has no GIL; its pure-Python code runs slower by a
//    factor the scenario sets (PEP 779 reports about 5-10% on 3.14t).
#include <algorithm>

#include "models/model_builders.h"
#include "models/threads/sync_runner.h"

namespace interleave::models {

namespace {

using trace::SpanState;

// Runs tasks one after another on one thread, taking each from a shared cursor.
class TaskQueueWorker : public Program {
public:
    TaskQueueWorker(const Workload& workload, SyncChannels* channels, Programs& programs, int32_t* nextTask,
                    int32_t lastTask, int32_t* finished, SignalIndex allDone)
        : m_workload(workload), m_channels(channels), m_programs(programs), m_nextTask(nextTask), m_lastTask(lastTask),
          m_finished(finished), m_allDone(allDone) {}

    Action Next(World& world, ThreadIndex self) override {
        Action action;
        for (;;) {
            if (m_running && m_runner.Next(world, self, SyncEnv{&m_workload, m_channels, &m_programs}, action)) return action;
            if (m_running) {
                world.TaskFinished(m_runner.Task(), world.Thread(self).track, m_runner.Failed());
                m_running = false;
                if (++*m_finished == m_workload.TaskCount() && m_allDone.Valid()) world.Notify(m_allDone);
            }
            if (*m_nextTask > m_lastTask) return Action::Exit();
            m_runner.Begin(trace::TaskId((*m_nextTask)++));
            m_running = true;
            world.TaskStarted(m_runner.Task(), world.Thread(self).track);
        }
    }

private:
    const Workload& m_workload;
    SyncChannels* m_channels;
    Programs& m_programs;
    int32_t* m_nextTask;
    int32_t m_lastTask;
    int32_t* m_finished;
    SignalIndex m_allDone;
    SyncRunner m_runner;
    bool m_running = false;
};

// The main thread: starts the worker threads (each Thread.start() waits until the new thread runs), then joins them.
class StarterThenJoin : public Program {
public:
    StarterThenJoin(std::vector<ThreadIndex> workers, std::vector<ThreadStartup*> startups, const int32_t* finished,
                    int32_t total, SignalIndex allDone, TimeNs* threadStartSink)
        : m_workers(std::move(workers)), m_startups(std::move(startups)), m_finished(finished), m_total(total),
          m_allDone(allDone), m_sink(threadStartSink) {}

    Action Next(World& world, ThreadIndex) override {
        if (m_pendingStart >= 0) {
            world.StartThread(m_workers[m_pendingStart]);
            m_waiting = m_startups[static_cast<size_t>(m_pendingStart)];
            m_pendingStart = -1;
        }
        Action wait;
        if (WaitForStart(m_waiting, wait)) return wait;
        if (m_started < m_workers.size()) {
            m_pendingStart = static_cast<int32_t>(m_started++);
            return Action::Compute(world.Profile().threadStart, true, SpanState::RunningPython, trace::TaskId::None())
                .AddsTo(m_sink);
        }
        if (*m_finished < m_total) return Action::Wait(m_allDone, SpanState::Idle);
        return Action::Exit();
    }

private:
    std::vector<ThreadIndex> m_workers;
    std::vector<ThreadStartup*> m_startups;
    size_t m_started = 0;
    int32_t m_pendingStart = -1;
    ThreadStartup* m_waiting = nullptr;  // the worker last started, until it has run
    const int32_t* m_finished;
    int32_t m_total;
    SignalIndex m_allDone;
    TimeNs* m_sink;
};

// The process's queues and events, or none where no step uses one (SyncRunner then skips nothing: there are no such
// steps), so a scenario of locks and counters pays for no conditions.
SyncChannels* ChannelsIfUsed(World& world, Programs& programs) {
    return world.Scenario().UsesChannels() ? programs.Keep<SyncChannels>(world, world.Scenario()) : nullptr;
}

struct SharedCounters {
    int32_t nextTask = 0;
    int32_t finished = 0;
};

}  // namespace

void BuildSequential(World& world, const Workload& workload, Programs& programs) {
    trace::Trace& trace = world.Trace();
    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId thread = trace.AddTrack(std::string(plan::kMainThread), trace::TrackKind::Thread, process);
    // No GIL lane for one thread alone, unless its tasks start threads of their own.
    InterpIndex interp = world.AddInterpreter(std::string(plan::kMainProcess), !workload.plan.gil, process, workload.plan.childThreads);
    auto* shared = programs.Keep<SharedCounters>();
    SyncChannels* channels = ChannelsIfUsed(world, programs);
    auto* main = programs.Make<TaskQueueWorker>(workload, channels, programs, &shared->nextTask, workload.TaskCount() - 1,
                                                &shared->finished, SignalIndex{});
    world.StartThread(world.AddThread(std::string(plan::kMainThread), interp, thread, main));
    if (channels) channels->AddLanes(world, process);
}

void BuildThreads(World& world, const Workload& workload, Programs& programs) {
    trace::Trace& trace = world.Trace();
    const plan::Plan& plan = workload.plan;
    const bool freeThreaded = !plan.gil;
    const int32_t tasks = workload.TaskCount();
    const bool pool = plan.threadPool;
    const int32_t threadCount = plan.threads;
    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId mainTrack = trace.AddTrack(std::string(plan::kMainThread), trace::TrackKind::Thread, process);
    InterpIndex interp = world.AddInterpreter(std::string(plan::kMainProcess), freeThreaded, process, true);
    auto* shared = programs.Keep<SharedCounters>();
    SyncChannels* channels = ChannelsIfUsed(world, programs);
    SignalIndex allDone = world.AddSignal();
    std::vector<ThreadIndex> workers;
    std::vector<ThreadStartup*> startups;
    std::vector<int32_t>* perTaskCursor = nullptr;
    if (!pool) {
        perTaskCursor = programs.Keep<std::vector<int32_t>>();
        perTaskCursor->resize(static_cast<size_t>(tasks));
    }
    for (int32_t i = 0; i < threadCount; ++i) {
        std::string name = plan.WorkerName(i);
        trace::TrackId track = trace.AddTrack(name, trace::TrackKind::Thread, process);
        Program* program;
        if (pool) {
            program = programs.Make<TaskQueueWorker>(workload, channels, programs, &shared->nextTask, tasks - 1,
                                                     &shared->finished, allDone);
        } else {
            (*perTaskCursor)[i] = i;  // this thread's one task
            program = programs.Make<TaskQueueWorker>(workload, channels, programs, &(*perTaskCursor)[i], i,
                                                     &shared->finished, allDone);
        }
        ThreadStartup* startup = nullptr;
        workers.push_back(AddStartedThread(world, programs, std::move(name), interp, track, program, startup));
        startups.push_back(startup);
    }
    auto* main = programs.Make<StarterThenJoin>(std::move(workers), std::move(startups), &shared->finished, tasks,
                                                allDone, &trace.metrics.threadStart);
    world.StartThread(world.AddThread(std::string(plan::kMainThread), interp, mainTrack, main));
    if (channels) channels->AddLanes(world, process);
}

}  // namespace interleave::models
