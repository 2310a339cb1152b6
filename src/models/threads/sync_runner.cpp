#include "models/threads/sync_runner.h"

#include <cmath>

#include "models/asyncio/event_loop.h"
#include "models/model_builders.h"
#include "models/pool/process_queues.h"

namespace interleave::models {

using scenario::StepKind;
using trace::SpanState;

Action StepAction(StepKind kind, TimeNs duration, trace::TaskId task) {
    switch (kind) {
        case StepKind::Cpu: return Action::Compute(duration, true, SpanState::RunningPython, task);
        case StepKind::CCall: return Action::Compute(duration, false, SpanState::RunningC, task);
        default: return Action::Sleep(duration, SpanState::BlockedIo, task);
    }
}

SyncChannels::SyncChannels(World& world, const scenario::Scenario& scenario) {
    const size_t names = scenario.names.size();
    const std::vector<uint8_t> uses = scenario::NameUses(scenario);
    m_items.assign(names, 0);
    m_maxsize = scenario.QueueMaxsizes();
    m_eventSet.assign(names, 0);
    m_notEmpty.assign(names, SignalIndex{});
    m_notFull.assign(names, SignalIndex{});
    for (size_t i = 0; i < names; ++i) {
        // Locks and counters need no conditions. One name is one kind (the parser sees to it), but a name used both
        // as a queue and an event gets both signals, so a scenario the editor built that way still runs (it is
        // refused before it is saved).
        if (!scenario::UsedAs(uses[i], scenario::NameKind::Queue) && !scenario::UsedAs(uses[i], scenario::NameKind::Event))
            continue;
        m_notEmpty[i] = world.AddSignal("an item on queue \"" + scenario.names[i] + "\" or event \"" +
                                        scenario.names[i] + "\" to be set");
        m_notFull[i] = world.AddSignal("room on queue \"" + scenario.names[i] + "\" (maxsize " +
                                       std::to_string(m_maxsize[i]) + ")");
    }
}

void QueueDepthLanes::Add(World& world, trace::TrackId process, const std::vector<int64_t>& depths) {
    const scenario::Scenario& scenario = world.Scenario();
    m_lane.assign(scenario.names.size(), trace::TrackId::None());
    for (const int32_t queue : plan::DepthLaneQueues(scenario)) {
        const auto i = static_cast<size_t>(queue);
        m_lane[i] = world.Trace().AddTrack(plan::QueueLaneName(scenario.names[i]), trace::TrackKind::Counter, process);
        Record(world, i, i < depths.size() ? depths[i] : 0);
    }
}

void QueueDepthLanes::Record(World& world, size_t queue, int64_t depth) {
    if (queue < m_lane.size() && m_lane[queue] != trace::TrackId::None())
        world.Trace().samples.push_back({world.Now(), m_lane[queue], depth});
}

void SyncChannels::AddLanes(World& world, trace::TrackId process) { m_lanes.Add(world, process, m_items); }

bool SyncChannels::TryNow(World& world, ThreadIndex self, const scenario::Step& step, SignalIndex& waitOn) {
    const auto i = static_cast<size_t>(step.name);
    switch (step.kind) {
        case StepKind::Put:
            if (m_maxsize[i] > 0 && m_items[i] >= m_maxsize[i]) {
                waitOn = m_notFull[i];
                return false;
            }
            ++m_items[i];
            m_lanes.Record(world, i, m_items[i]);
            world.NotifyOne(m_notEmpty[i], self);
            return true;
        case StepKind::Get:
            if (m_items[i] == 0) {
                waitOn = m_notEmpty[i];
                return false;
            }
            --m_items[i];
            m_lanes.Record(world, i, m_items[i]);
            world.NotifyOne(m_notFull[i], self);
            return true;
        case StepKind::Set:
            m_eventSet[i] = 1;
            world.Notify(m_notEmpty[i], self);
            return true;
        case StepKind::Wait:
            if (m_eventSet[i]) return true;
            waitOn = m_notEmpty[i];
            return false;
        default: return true;
    }
}

namespace {

// The bootstrap of a new thread (Thread._bootstrap_inner up to _started.set()), then its program.
class Bootstrapped : public Program {
public:
    Bootstrapped(Program* program, SignalIndex started) : m_program(program) { startup.signal = started; }
    Action Next(World& world, ThreadIndex self) override {
        if (!m_bootstrapped) {
            m_bootstrapped = true;
            return Action::Compute(world.Profile().queueOperation, true, SpanState::RunningPython,
                                   trace::TaskId::None());
        }
        if (!startup.started) {
            startup.started = true;
            world.Notify(startup.signal);
        }
        return m_program->Next(world, self);
    }

    ThreadStartup startup;  // here, not a state object of its own: one allocation fewer per thread

private:
    Program* m_program;
    bool m_bootstrapped = false;
};

}  // namespace

ThreadIndex AddStartedThread(World& world, Programs& programs, std::string name, InterpIndex interp, trace::TrackId track,
                             Program* program, ThreadStartup*& startup) {
    auto* bootstrapped =
        programs.Make<Bootstrapped>(program, world.AddSignal("a new thread to run (Thread.start() waits for it)"));
    startup = &bootstrapped->startup;
    return world.AddThread(std::move(name), interp, track, bootstrapped);
}

bool WaitForStart(ThreadStartup*& startup, Action& out) {
    if (startup && !startup->started) {
        out = Action::Wait(startup->signal, SpanState::Idle);
        return true;
    }
    startup = nullptr;
    return false;
}

namespace {

// threading.Thread(target=child): runs one child task, then counts down its parent's join.
class ChildThread : public Program {
public:
    ChildThread(const SyncEnv& env, trace::TaskId task, int32_t cursor, int32_t blockEnd, ChildJoin* join)
        : m_env(env), m_task(task), m_cursor(cursor), m_blockEnd(blockEnd), m_join(join) {}
    Action Next(World& world, ThreadIndex self) override {
        if (!m_started) {
            m_started = true;
            m_runner.Begin(m_task, m_cursor, m_blockEnd);
            world.TaskStarted(m_task, world.Thread(self).track);
        }
        Action action;
        if (m_runner.Next(world, self, m_env, action)) return action;
        // An exception in a thread ends the thread only (threading.excepthook): its joiner goes on.
        world.TaskFinished(m_task, world.Thread(self).track, m_runner.Failed());
        if (--m_join->left == 0) world.Notify(m_join->done);
        return Action::Exit();
    }

private:
    SyncEnv m_env;
    trace::TaskId m_task;
    int32_t m_cursor;
    int32_t m_blockEnd;
    ChildJoin* m_join;
    SyncRunner m_runner;
    bool m_started = false;
};

// One of a ThreadPoolExecutor's threads (concurrent/futures/thread.py's _worker): takes the next submitted child,
// runs it, sets its future (which wakes the parent's as_completed), and takes the next; with none left it waits on
// the queue until the parent's shutdown() wakes it to leave.
class ExecutorThread : public Program {
public:
    ExecutorThread(const SyncEnv& env, ExecutorChildren::Shared* shared) : m_env(env), m_shared(shared) {}
    Action Next(World& world, ThreadIndex self) override {
        const trace::TrackId track = world.Thread(self).track;
        for (;;) {
            if (m_task != trace::TaskId::None()) {
                Action action;
                if (m_runner.Next(world, self, m_env, action)) return action;
                world.TaskFinished(m_task, track, m_runner.Failed());
                m_shared->failed += m_runner.Failed() ? 1 : 0;
                ++m_shared->completed;
                world.Notify(m_shared->done);
                m_task = trace::TaskId::None();
            }
            const plan::ChildBlock& block = m_shared->block;
            if (m_shared->taken < m_shared->submitted) {
                const int32_t k = m_shared->taken++;
                m_task = trace::TaskId(block.Task(k));
                m_runner.Begin(m_task, block.DescendantsStart(k), block.DescendantsStart(k) + block.perChild);
                world.TaskStarted(m_task, track);
                continue;
            }
            if (m_shared->shutdown) {  // the None shutdown() puts on the queue: the thread leaves
                ++m_shared->exited;
                world.Notify(m_shared->joined);
                return Action::Exit();
            }
            return Action::Wait(m_shared->work, SpanState::Idle);
        }
    }

private:
    SyncEnv m_env;
    ExecutorChildren::Shared* m_shared;
    trace::TaskId m_task = trace::TaskId::None();
    SyncRunner m_runner;
};

}  // namespace

ExecutorChildren::ExecutorChildren(World& world, const SyncEnv& env, trace::TaskId parent, const plan::ChildBlock& block)
    : m_env(env), m_parent(parent), m_shared(env.programs->Keep<Shared>()) {
    m_shared->block = block;
    m_shared->work = world.AddSignal("an executor's next submitted call");
    m_shared->done = world.AddSignal("a call submitted to an executor to end (as_completed)");
    m_shared->joined = world.AddSignal("an executor's threads to leave (shutdown)");
}

bool ExecutorChildren::Next(World& world, ThreadIndex self, Action& out) {
    if (m_pendingStart.Valid()) {
        world.StartThread(m_pendingStart);
        m_pendingStart = ThreadIndex{};
    }
    if (WaitForStart(m_startup, out)) return true;
    const plan::ChildBlock& block = m_shared->block;
    const scenario::MachineProfile& profile = world.Profile();
    if (m_submitting) {
        // submit() put its work item on the queue; an idle thread takes it, else _adjust_thread_count() starts one.
        m_submitting = false;
        ++m_shared->submitted;
        world.NotifyOne(m_shared->work);
        if (m_nextSubmit < block.executorThreads) {
            const trace::TrackId own = world.Thread(self).track;
            const trace::TrackId parentLane = world.Trace().tracks[own.Index()].parent;
            const std::string& childName = world.Trace().tasks[static_cast<size_t>(block.Task(m_nextSubmit))].name;
            std::string name = plan::ExecutorThreadLaneName(childName);
            const trace::TrackId track =
                world.Trace().AddTrack(name, trace::TrackKind::Thread, parentLane.Valid() ? parentLane : own);
            Program* program = m_env.programs->Make<ExecutorThread>(m_env, m_shared);
            m_pendingStart = AddStartedThread(world, *m_env.programs, std::move(name), world.Thread(self).interp, track,
                                              program, m_startup);
            ++m_nextSubmit;
            out = Action::Compute(profile.threadStart, true, SpanState::RunningPython, trace::TaskId::None())
                      .AddsTo(&world.Trace().metrics.threadStart);
            return true;
        }
        ++m_nextSubmit;
    }
    if (m_nextSubmit < block.count) {
        m_submitting = true;
        out = Action::Compute(profile.executorSubmit, true, SpanState::RunningPython, m_parent);
        return true;
    }
    const int32_t completed = m_shared->completed;
    if (!m_raised && m_seen < completed) {
        // Woken by a child's end: as_completed yields every future finished since, and the loop calls result(),
        // which raises a failed child's exception: the loop is left, and leaving `with` waits for the rest.
        const int32_t finished = completed - m_seen;
        m_seen = completed;
        m_raised = m_shared->failed > 0;
        out = Action::Compute(profile.asCompletedYield * finished, true, SpanState::RunningPython, m_parent);
        return true;
    }
    if ((m_raised ? completed : m_seen) < block.count) {
        out = Action::Wait(m_shared->done, SpanState::Idle).Waiting(m_parent);
        return true;
    }
    if (!m_shared->shutdown) {  // leaving `with`: a None on the queue per thread, every idle thread woken
        m_shared->shutdown = true;
        world.Notify(m_shared->work);
    }
    if (m_shared->exited < block.executorThreads) {  // ...and each joined (every submit has started what it would)
        out = Action::Wait(m_shared->joined, SpanState::Idle).Waiting(m_parent);
        return true;
    }
    m_failed = m_shared->failed;
    return false;
}

ThreadIndex AddChildThread(World& world, const SyncEnv& env, InterpIndex interp, trace::TrackId process,
                           const plan::ChildBlock& block, int32_t k, ChildJoin* join, ThreadStartup*& startup) {
    const trace::TaskId task(block.Task(k));
    const std::string& name = world.Trace().tasks[task.Index()].name;
    const trace::TrackId track = world.Trace().AddTrack(name, trace::TrackKind::Thread, process);
    Program* program = env.programs->Make<ChildThread>(env, task, block.DescendantsStart(k),
                                                       block.DescendantsStart(k) + block.perChild, join);
    return AddStartedThread(world, *env.programs, name, interp, track, program, startup);
}

void SyncRunner::BeginChildren(World& world, ThreadIndex self, const SyncEnv& env, const scenario::Step& step) {
    const scenario::Scenario& s = world.Scenario();
    const plan::Plan& plan = env.workload->plan;
    m_block = plan.Children(s, step, m_cursor);
    m_cursor = m_block.End();
    if (s.children[static_cast<size_t>(step.children)].via == scenario::ChildVia::Executor) {
        m_executor = env.programs->Keep<ExecutorChildren>(world, env, m_task, m_block);
        m_children = ChildPhase::Executor;
        return;
    }
    if (s.children[static_cast<size_t>(step.children)].via == scenario::ChildVia::Threads) {
        m_children = ChildPhase::StartThreads;
        m_nextChild = 0;
        m_join = env.programs->Keep<ChildJoin>();
        m_join->left = m_block.count;
        m_join->done = world.AddSignal("a task's child threads to end");
        return;
    }
    // asyncio.run(gather the children): an event loop of their own on this thread, until every child has ended.
    std::vector<LoopTask> tasks;
    tasks.reserve(static_cast<size_t>(m_block.count));
    for (int32_t k = 0; k < m_block.count; ++k)
        tasks.push_back({trace::TaskId(m_block.Task(k)), m_block.DescendantsStart(k),
                         m_block.DescendantsStart(k) + m_block.perChild});
    LoopOptions options;
    options.taskTracks = plan.childLanes;
    options.cancelOnFailure = true;  // the first failure ends main(); asyncio.run() cancels what is left
    options.queueLanes = false;
    m_loop = env.programs->Make<EventLoop>(world, *env.workload, world.Thread(self).interp, world.Thread(self).track,
                                           std::move(tasks), options, *env.programs);
    m_children = ChildPhase::Loop;
}

bool SyncRunner::ChildrenNext(World& world, ThreadIndex self, const SyncEnv& env, Action& out) {
    switch (m_children) {
        case ChildPhase::None: return false;
        case ChildPhase::StartThreads:
            if (m_pendingStart.Valid()) {
                world.StartThread(m_pendingStart);
                m_pendingStart = ThreadIndex{};
            }
            if (WaitForStart(m_startup, out)) return true;
            if (m_nextChild < m_block.count) {
                // Under the thread's process (a pool worker's own lane is its process).
                const trace::TrackId own = world.Thread(self).track;
                const trace::TrackId parent = world.Trace().tracks[own.Index()].parent;
                m_pendingStart = AddChildThread(world, env, world.Thread(self).interp, parent.Valid() ? parent : own,
                                                m_block, m_nextChild++, m_join, m_startup);
                // Overhead, not the task's own work (as the threads model's thread starts are).
                out =
                    Action::Compute(world.Profile().threadStart, true, SpanState::RunningPython, trace::TaskId::None())
                        .AddsTo(&world.Trace().metrics.threadStart);
                return true;
            }
            m_children = ChildPhase::Join;
            [[fallthrough]];
        case ChildPhase::Join:
            if (m_join->left > 0) {
                out = Action::Wait(m_join->done, SpanState::Idle).Waiting(m_task);
                return true;
            }
            m_children = ChildPhase::None;
            m_join = nullptr;
            return false;
        case ChildPhase::Executor:
            if (m_executor->Next(world, self, out)) return true;
            m_failed = m_executor->AnyFailed();  // leaving `with` after f.result() raised the first child's exception
            m_executor = nullptr;
            m_children = ChildPhase::None;
            return false;
        case ChildPhase::Loop: {
            out = m_loop->Next(world, self);
            if (!out.IsExit()) return true;
            m_failed = m_loop->AnyFailed();  // main() raised: the task that ran asyncio.run() fails with it
            m_loop = nullptr;
            m_children = ChildPhase::None;
            return false;
        }
    }
    return false;
}

bool SyncRunner::Next(World& world, ThreadIndex self, const SyncEnv& env, Action& out) {
    if (m_ioInFlight) {  // the io step it returned last has run: its start is what a reply counts from
        m_lastIoStart = world.Thread(self).sleepStart;
        m_ioInFlight = false;
    }
    if (m_cursor < 0) {
        // Once per task: where its descendants' block lies, or an empty block (0, 0) for a scenario without children,
        // so later calls skip this.
        const plan::Plan& plan = env.workload->plan;
        if (plan.totalTasks > plan.taskCount) {
            m_cursor = plan.FirstDescendant(m_task.value);
            m_blockEnd = m_cursor + plan.descendantsPerTask[static_cast<size_t>(plan.GroupOf(m_task.value))];
        } else {
            m_cursor = m_blockEnd = 0;
        }
    }
    if (NextStep(world, self, env, out)) return true;
    // Ended (done, or failed before its last children step): what it never started never will.
    if (m_cursor < m_blockEnd) world.TasksNeverStarted(trace::TaskId(m_cursor), trace::TaskId(m_blockEnd));
    m_cursor = m_blockEnd;
    return false;
}

bool SyncRunner::NextStep(World& world, ThreadIndex self, const SyncEnv& env, Action& out) {
    const Workload& workload = *env.workload;
    SyncChannels* channels = env.channels;
    if (m_children != ChildPhase::None) {
        if (ChildrenNext(world, self, env, out)) return true;
        if (m_failed) return false;
    }
    const scenario::MachineProfile& profile = world.Profile();
    const std::vector<scenario::Step>& steps = workload.StepsOf(m_task);
    while (m_step < steps.size()) {
        const scenario::Step& step = steps[m_step++];
        switch (step.kind) {
            case StepKind::Cpu:
            case StepKind::CCall:
            case StepKind::Io:
            case StepKind::Await:  // the plan says what these mean here: an await blocks, to_thread runs in place
            case StepKind::BlockingCall:
            case StepKind::ToThread: {
                const plan::StepWork work = plan::InPlace(workload.plan, step);
                out = StepAction(work.kind, work.duration, m_task);
                out.NotBefore(plan::ReplyArrives(work.replyAfter, m_lastIoStart));
                m_ioInFlight = work.recordsIoStart;
                return true;
            }
            case StepKind::Acquire:
            case StepKind::Release:
                out = Action::Lock(step.name, step.kind == StepKind::Acquire, m_task);
                return true;
            case StepKind::Increment:
                // `counter += 1` is a few bytecodes with no eval-breaker check between the load and the
                // store (3.10+ checks only on backward jumps and calls), so the GIL never splits it; on a
                // free-threaded build nothing stops two threads interleaving it.
                out = Action::Compute(profile.counterIncrement, true, SpanState::RunningPython, m_task)
                          .Uninterruptible()
                          .Increments(step.name);
                return true;
            case StepKind::Fail:
                m_failed = true;
                return false;
            case StepKind::Put:
            case StepKind::Get:
            case StepKind::Set:
            case StepKind::Wait: {
                if (env.processQueues && (step.kind == StepKind::Put || step.kind == StepKind::Get)) {
                    if (!ProcessQueueNext(world, self, *env.processQueues, step, out)) break;
                    --m_step;  // the same put or get goes on at the next call
                    return true;
                }
                if (!channels) break;
                if (!m_channelCallMade) {
                    // The call's own Python code (Lib/queue.py, Lib/threading.py) runs first, holding the GIL; the
                    // check that follows happens once it is done, so two threads never both take the last item.
                    m_channelCallMade = true;
                    --m_step;
                    out = Action::Compute(profile.queueOperation, true, SpanState::RunningPython, m_task);
                    return true;
                }
                m_channelCallMade = false;
                SignalIndex waitOn;
                if (channels->TryNow(world, self, step, waitOn)) break;
                --m_step;  // woken, it runs the call again: Condition.wait() sits in a `while` that re-checks
                out = Action::Wait(waitOn, SpanState::WaitingQueue).Waiting(m_task);
                return true;
            }
            case StepKind::Children:
                BeginChildren(world, self, env, step);
                if (ChildrenNext(world, self, env, out)) return true;
                if (m_failed) return false;
                break;
            case StepKind::Send:
            case StepKind::Return:
            case StepKind::Repeat:
                break;  // payloads cost only where they cross a process boundary (models/pool)
        }
    }
    return false;
}

bool SyncRunner::ProcessQueueNext(World& world, ThreadIndex self, ProcessQueues& queues, const scenario::Step& step,
                                  Action& out) {
    const scenario::MachineProfile& profile = world.Profile();
    switch (m_queuePhase) {
        case QueuePhase::None:
            if (step.kind == StepKind::Put && queues.IsPipe(step.name)) {  // Connection.send(): pickle, then write
                m_queuePhase = QueuePhase::Sending;
                out = Action::Compute(profile.mpPipeSend, true, SpanState::Pickling, m_task);
                return true;
            }
            if (step.kind == StepKind::Put) {  // put()'s own Python, then the semaphore
                m_queuePhase = QueuePhase::CallMade;
                out = Action::Compute(profile.mpQueuePut, true, SpanState::RunningPython, m_task);
                return true;
            } else {
                SignalIndex waitOn;
                if (!queues.TryGet(world, self, step.name, waitOn)) {
                    out = Action::Wait(waitOn, SpanState::WaitingQueue).Waiting(m_task);
                    return true;
                }
                m_queuePhase = QueuePhase::Reading;
                out = Action::Compute(queues.IsPipe(step.name) ? profile.mpPipeRecv : profile.mpQueueGet, true,
                                      SpanState::Unpickling, m_task);
                return true;
            }
        case QueuePhase::CallMade: {
            SignalIndex waitOn;
            if (!queues.TryAcquire(world, step.name, waitOn)) {
                out = Action::Wait(waitOn, SpanState::WaitingQueue).Waiting(m_task);
                return true;
            }
            if (queues.NeedsFeeder(world, self, step.name, m_feederStart, m_feederStartup)) {
                m_queuePhase = QueuePhase::FeederStarting;
                out = Action::Compute(profile.threadStart, true, SpanState::RunningPython, m_task)
                          .AddsTo(&world.Trace().metrics.threadStart);
                return true;
            }
            queues.Append(world, self, step.name);
            m_queuePhase = QueuePhase::None;
            return false;
        }
        case QueuePhase::FeederStarting:
            world.StartThread(m_feederStart);
            m_feederStart = ThreadIndex{};
            m_queuePhase = QueuePhase::FeederWaiting;
            [[fallthrough]];
        case QueuePhase::FeederWaiting:
            if (WaitForStart(m_feederStartup, out)) return true;
            queues.Append(world, self, step.name);
            m_queuePhase = QueuePhase::None;
            return false;
        case QueuePhase::Sending: {
            SignalIndex waitOn;
            if (!queues.TrySend(world, self, step.name, waitOn)) {  // the write blocks without the GIL
                out = Action::Wait(waitOn, SpanState::WaitingQueue).Waiting(m_task);
                return true;
            }
            m_queuePhase = QueuePhase::None;
            return false;
        }
        case QueuePhase::Reading:
            m_queuePhase = QueuePhase::None;
            return false;
    }
    return false;
}

}  // namespace interleave::models
