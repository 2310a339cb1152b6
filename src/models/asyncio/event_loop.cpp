#include "models/asyncio/event_loop.h"

#include <algorithm>
#include <limits>

#include "models/threads/sync_runner.h"

namespace interleave::models {

using scenario::StepKind;
using trace::SpanState;

namespace {

// A thread of the loop's default executor (concurrent.futures.thread._worker).
class ExecutorThread : public Program {
public:
    explicit ExecutorThread(EventLoop& loop) : m_loop(loop) {}
    Action Next(World& world, ThreadIndex) override {
        if (m_busy) {
            m_busy = false;
            m_loop.CompleteWork(world, m_coro);
            m_loop.ExecutorThreadIdle();  // _idle_semaphore.release() after each work item
        }
        EventLoop::WorkItem item;
        if (m_loop.TakeWork(item)) {
            m_busy = true;
            m_coro = item.coro;
            const TimeNs duration = item.kind == StepKind::Cpu ? plan::ScaledPython(m_loop.Work().plan, item.duration) : item.duration;
            return StepAction(item.kind, duration, item.task);
        }
        if (m_loop.ShuttingDown()) return Action::Exit();
        return Action::Wait(m_loop.WorkSignal(), SpanState::Idle);
    }

private:
    EventLoop& m_loop;
    bool m_busy = false;
    int32_t m_coro = -1;
};

}  // namespace

std::vector<LoopTask> TopLevelLoopTasks(const Workload& workload, const std::vector<trace::TaskId>& tasks) {
    std::vector<LoopTask> out;
    out.reserve(tasks.size());
    const bool children = workload.plan.totalTasks > workload.plan.taskCount;
    for (trace::TaskId task : tasks) {
        const int32_t first = children ? workload.plan.FirstDescendant(task.value) : 0;
        const int32_t below =
            children ? workload.plan.descendantsPerTask[static_cast<size_t>(workload.plan.GroupOf(task.value))] : 0;
        out.push_back({task, first, first + below});
    }
    return out;
}

EventLoop::EventLoop(World& world, const Workload& workload, InterpIndex interp, trace::TrackId loopTrack,
                     std::vector<LoopTask> tasks, LoopOptions options, Programs& programs)
    : m_workload(workload), m_programs(programs), m_interp(interp), m_loopTrack(loopTrack), m_options(options) {
    const scenario::Scenario& s = world.Scenario();
    m_locks.resize(s.names.size());
    m_channels.resize(s.names.size());
    const std::vector<int32_t> maxsize = s.QueueMaxsizes();
    for (size_t i = 0; i < m_channels.size(); ++i) m_channels[i].maxsize = maxsize[i];
    m_semaphoreFree = options.semaphore && s.model.semaphore > 0 ? s.model.semaphore : std::numeric_limits<int32_t>::max();
    // ThreadPoolExecutor's default max_workers since 3.8.
    m_maxExecutorThreads = plan::DefaultThreadPoolSize(s.machine.cores);
    // Named for the deadlock message: a loop asleep with no timer and nothing in the executor waits for nothing.
    m_loopSignal = world.AddSignal("a task to wake (every unfinished task awaits a queue item or an event nothing will "
                                   "deliver)");
    m_workSignal = world.AddSignal();
    m_eager = s.model.eagerTasks;
    m_coros.reserve(tasks.size());
    // A depth lane per queue, under the loop's process, after the task lanes (added below).
    const std::vector<uint8_t> uses = options.queueLanes && s.UsesChannels() ? scenario::NameUses(s) : std::vector<uint8_t>{};
    for (const LoopTask& task : tasks) AddCoro(world, task.task, task.cursor, task.blockEnd, -1);
    const trace::TrackId process = world.Trace().tracks[loopTrack.Index()].parent;
    for (size_t i = 0; i < uses.size(); ++i) {
        if (!scenario::UsedAs(uses[i], scenario::NameKind::Queue)) continue;
        m_channels[i].lane = world.Trace().AddTrack(plan::QueueLaneName(s.names[i]), trace::TrackKind::Counter,
                                                    process.Valid() ? process : loopTrack);
        RecordDepth(world, m_channels[i]);
    }
}

int32_t EventLoop::AddCoro(World& world, trace::TaskId task, int32_t cursor, int32_t blockEnd, int32_t parent) {
    // Built in place: a Coro is a few cache lines, and a loop of 10k tasks makes 10k of them.
    Coro& coro = m_coros.emplace_back();
    coro.task = task;
    coro.cursor = cursor;
    coro.blockEnd = blockEnd;
    coro.parent = parent;
    if (m_options.taskTracks)
        coro.track = world.Trace().AddTrack(
            m_workload.plan.CoroutineLaneName(task.value, world.Trace().tasks[task.Index()].name),
            trace::TrackKind::Task, m_loopTrack);
    coro.state = CoroState::Ready;
    coro.since = world.Now();
    coro.eagerStart = m_eager;
    const auto index = static_cast<int32_t>(m_coros.size() - 1);
    m_ready.push_back(index);
    return index;
}

void EventLoop::RecordDepth(World& world, const AsyncChannel& channel) {
    if (channel.lane != trace::TrackId::None())
        world.Trace().samples.push_back({world.Now(), channel.lane, channel.items});
}

void EventLoop::SetCoroSpan(World& world, int32_t index, SpanState state) {
    Coro& coro = m_coros[index];
    if (coro.track.Valid() && coro.spanState != state) {
        world.RecordSpan(coro.track, coro.since, world.Now(), coro.spanState, coro.task);
        coro.since = world.Now();
    } else if (!coro.track.Valid()) {
        coro.since = world.Now();
    }
    coro.spanState = state;
}

void EventLoop::MakeReady(World& world, int32_t index) {
    m_coros[index].state = CoroState::Ready;
    SetCoroSpan(world, index, SpanState::Ready);
    m_ready.push_back(index);
}

void EventLoop::Suspend(World& world, int32_t index) {
    m_coros[index].state = CoroState::Awaiting;
    SetCoroSpan(world, index, SpanState::Awaiting);
}

void EventLoop::ReleaseAsyncLock(World& world, int32_t lock) {
    AsyncLock& l = m_locks[lock];
    l.holder = -1;
    while (!l.waiters.empty()) {
        int32_t next = l.waiters.front();
        l.waiters.pop_front();
        if (m_coros[next].state == CoroState::Done || m_coros[next].cancelled) continue;
        l.holder = next;
        m_coros[next].heldLocks.push_back(lock);
        MakeReady(world, next);
        break;
    }
}

void EventLoop::WakeFirst(World& world, std::deque<int32_t>& waiters) {
    while (!waiters.empty()) {
        const int32_t next = waiters.front();
        waiters.pop_front();
        if (m_coros[next].state != CoroState::Awaiting || m_coros[next].cancelled) continue;
        MakeReady(world, next);
        return;
    }
}

bool EventLoop::TryChannel(World& world, const scenario::Step& step, int32_t coro) {
    AsyncChannel& channel = m_channels[static_cast<size_t>(step.name)];
    switch (step.kind) {
        case StepKind::Put:
            if (channel.maxsize > 0 && channel.items >= channel.maxsize) {
                channel.putters.push_back(coro);
                return false;
            }
            ++channel.items;
            RecordDepth(world, channel);
            WakeFirst(world, channel.getters);
            return true;
        case StepKind::Get:
            if (channel.items == 0) {
                channel.getters.push_back(coro);
                return false;
            }
            --channel.items;
            RecordDepth(world, channel);
            WakeFirst(world, channel.putters);
            return true;
        case StepKind::Set: {
            channel.set = true;
            std::deque<int32_t> waiters;
            waiters.swap(channel.getters);
            for (int32_t w : waiters)
                if (m_coros[w].state == CoroState::Awaiting && !m_coros[w].cancelled) MakeReady(world, w);
            return true;
        }
        case StepKind::Wait:
            if (channel.set) return true;
            channel.getters.push_back(coro);
            return false;
        default: return true;
    }
}

void EventLoop::FinishCoro(World& world, int32_t index, bool failed, bool cancelled) {
    Coro& coro = m_coros[index];
    std::vector<int32_t> held;
    held.swap(coro.heldLocks);
    for (int32_t lock : held) ReleaseAsyncLock(world, lock);
    if (coro.holdsSemaphore) {
        coro.holdsSemaphore = false;
        bool handed = false;
        while (!m_semaphoreWaiters.empty() && !handed) {
            int32_t next = m_semaphoreWaiters.front();
            m_semaphoreWaiters.pop_front();
            if (m_coros[next].state == CoroState::Done || m_coros[next].cancelled) continue;
            m_coros[next].holdsSemaphore = true;
            MakeReady(world, next);
            handed = true;
        }
        if (!handed) ++m_semaphoreFree;
    }
    if (coro.track.Valid()) world.RecordSpan(coro.track, coro.since, world.Now(), coro.spanState, coro.task);
    coro.state = CoroState::Done;
    coro.failed = failed;
    world.TaskFinished(coro.task, m_loopTrack, failed, cancelled);
    // What it never started (it failed or was cancelled first) never will.
    if (coro.cursor < coro.blockEnd) world.TasksNeverStarted(trace::TaskId(coro.cursor), trace::TaskId(coro.blockEnd));
    coro.cursor = coro.blockEnd;
    ++m_done;
    if (failed) ++m_failed;
    const int32_t parent = coro.parent;
    if (parent >= 0)
        ChildEnded(world, parent, failed, cancelled);
    else if (failed && m_options.cancelOnFailure)
        CancelSiblings(world, index);
}

void EventLoop::ChildEnded(World& world, int32_t parent, bool failed, bool cancelled) {
    Coro& p = m_coros[static_cast<size_t>(parent)];
    if (p.state == CoroState::Done) return;  // a gather that failed already: its other children run on, unawaited
    --p.waitingChildren;
    if (failed && !cancelled && p.childVia == scenario::ChildVia::Gather) {
        FinishCoro(world, parent, true, false);  // gather() raises the first exception at once
        return;
    }
    if (failed && !cancelled && !p.childFailed) {
        p.childFailed = true;  // the TaskGroup cancels the rest and raises once they have ended
        CancelChildrenOf(world, parent);
    }
    if (m_coros[static_cast<size_t>(parent)].waitingChildren > 0) return;
    if (m_coros[static_cast<size_t>(parent)].childFailed) {
        FinishCoro(world, parent, true, false);
        return;
    }
    if (m_coros[static_cast<size_t>(parent)].state == CoroState::Awaiting) MakeReady(world, parent);
}

void EventLoop::CancelChildrenOf(World& world, int32_t parent) {
    // Only the children it awaits now (an earlier children step's have all ended), without a walk of every coroutine:
    // a TaskGroup failing in each of many tasks would otherwise cost a walk of all of them each.
    const Coro& p = m_coros[static_cast<size_t>(parent)];
    const int32_t first = p.firstChild, end = p.firstChild + p.childCount;
    for (int32_t i = first; i < end; ++i)
        if (m_coros[static_cast<size_t>(i)].parent == parent) CancelCoro(world, i);
}

void EventLoop::CancelSiblings(World& world, int32_t failedCoro) {
    if (m_cancelling) return;
    m_cancelling = true;
    for (size_t i = 0; i < m_coros.size(); ++i)
        if (static_cast<int32_t>(i) != failedCoro) CancelCoro(world, static_cast<int32_t>(i));
}

void EventLoop::CancelCoro(World& world, int32_t index) {
    const auto i = static_cast<size_t>(index);
    {
        Coro& coro = m_coros[i];
        if (coro.state == CoroState::Done || coro.cancelled) return;
        coro.cancelled = true;
        // Cancelling a task that awaits its gathered children cancels them too (gather's outer future, TaskGroup).
        if (coro.waitingChildren > 0) CancelChildrenOf(world, index);
    }
    {
        Coro& coro = m_coros[i];
        if (coro.state != CoroState::Awaiting) return;
        // task.cancel(): the awaited future is cancelled and the task resumes with CancelledError.
        ++coro.timerStamp;
        for (AsyncLock& lock : m_locks) lock.waiters.erase(std::remove(lock.waiters.begin(), lock.waiters.end(), static_cast<int32_t>(i)), lock.waiters.end());
        for (AsyncChannel& channel : m_channels) {
            for (std::deque<int32_t>* waiters : {&channel.getters, &channel.putters})
                waiters->erase(std::remove(waiters->begin(), waiters->end(), static_cast<int32_t>(i)), waiters->end());
        }
        m_semaphoreWaiters.erase(std::remove(m_semaphoreWaiters.begin(), m_semaphoreWaiters.end(), static_cast<int32_t>(i)), m_semaphoreWaiters.end());
        m_work.erase(std::remove_if(m_work.begin(), m_work.end(), [&](const WorkItem& w) { return w.coro == static_cast<int32_t>(i); }), m_work.end());
        MakeReady(world, static_cast<int32_t>(i));
    }
}

bool EventLoop::StepCurrent(World& world, ThreadIndex self, Action& out) {
    const int32_t index = m_current;
    Coro& coro = m_coros[index];
    if (coro.cancelled) {
        FinishCoro(world, index, false, true);
        m_current = -1;
        return false;
    }
    if (!coro.started) {
        coro.started = true;
        world.TaskStarted(coro.task, m_loopTrack);
        if (!coro.holdsSemaphore && coro.parent < 0) {  // `async with semaphore` wraps the scenario's own tasks
            if (m_semaphoreFree > 0) {
                --m_semaphoreFree;
                coro.holdsSemaphore = true;
            } else {
                m_semaphoreWaiters.push_back(index);  // async with semaphore: wait for a slot
                Suspend(world, index);
                m_current = -1;
                return false;
            }
        }
    }
    const scenario::MachineProfile& profile = world.Profile();
    const std::vector<scenario::Step>& steps = m_workload.StepsOf(coro.task);
    while (coro.step < steps.size()) {
        const scenario::Step& step = steps[coro.step++];
        switch (step.kind) {
            case StepKind::Cpu:
            case StepKind::CCall:
                out = StepAction(step.kind, plan::InPlace(m_workload.plan, step).duration, coro.task);
                SetCoroSpan(world, index, step.kind == StepKind::Cpu ? SpanState::RunningPython : SpanState::RunningC);
                return true;
            case StepKind::Io:
            case StepKind::BlockingCall:
                // A blocking call in a coroutine: the whole loop thread sleeps, every task with it.
                out = Action::Sleep(step.duration, SpanState::BlockedIo, coro.task);
                if (step.kind == StepKind::Io) {
                    out.NotBefore(plan::ReplyArrives(step.replyAfter, coro.lastIoStart));
                    m_ioCoro = index;
                }
                SetCoroSpan(world, index, SpanState::BlockedIo);
                return true;
            case StepKind::Await:
                m_timers.Push(core::Event{world.Now() + step.duration, core::Event::Order(0, m_timerSequence++),
                                          static_cast<uint32_t>(index), 0, ++coro.timerStamp, 0},
                              step.duration, 0);
                Suspend(world, index);
                m_current = -1;
                return false;
            case StepKind::ToThread: {
                m_work.push_back(WorkItem{index, step.inner, step.duration, coro.task});
                Suspend(world, index);
                m_current = -1;
                if (m_idleExecutorThreads > 0) {
                    --m_idleExecutorThreads;  // _adjust_thread_count(): an idle thread will take it
                    world.Notify(m_workSignal);
                    return false;
                }
                if (static_cast<int32_t>(m_executorThreads.size()) < m_maxExecutorThreads) {
                    std::string name = plan::LoopExecutorThreadName(static_cast<int32_t>(m_executorThreads.size()));
                    trace::TrackId process = world.Trace().tracks[m_loopTrack.Index()].parent;
                    trace::TrackId track =
                        world.Trace().AddTrack(name, trace::TrackKind::Thread, process.Valid() ? process : m_loopTrack);
                    ThreadIndex thread = AddStartedThread(world, m_programs, std::move(name), m_interp, track,
                                                          m_programs.Make<ExecutorThread>(*this), m_threadStartup);
                    m_executorThreads.push_back(thread);
                    m_pendingThreadStart = thread;
                    out = Action::Compute(profile.threadStart, true, SpanState::RunningPython, trace::TaskId::None())
                              .AddsTo(&world.Trace().metrics.threadStart);
                    return true;
                }
                world.Notify(m_workSignal);
                return false;
            }
            case StepKind::Acquire: {
                AsyncLock& lock = m_locks[step.name];
                if (lock.holder < 0) {
                    lock.holder = index;
                    coro.heldLocks.push_back(step.name);
                    continue;
                }
                lock.waiters.push_back(index);
                Suspend(world, index);
                m_current = -1;
                return false;
            }
            case StepKind::Release: {
                auto it = std::find(coro.heldLocks.begin(), coro.heldLocks.end(), step.name);
                if (it != coro.heldLocks.end()) {
                    coro.heldLocks.erase(it);
                    ReleaseAsyncLock(world, step.name);
                }
                continue;
            }
            case StepKind::Increment:
                out = Action::Compute(profile.counterIncrement, true, SpanState::RunningPython, coro.task)
                          .Uninterruptible()
                          .Increments(step.name);
                SetCoroSpan(world, index, SpanState::RunningPython);
                return true;
            case StepKind::Put:
            case StepKind::Get:
                if (!coro.channelCallMade) {
                    // put_nowait()/get_nowait()'s Python code runs first; the check follows it.
                    coro.channelCallMade = true;
                    --coro.step;
                    out = Action::Compute(profile.asyncQueueOperation, true, SpanState::RunningPython, coro.task);
                    SetCoroSpan(world, index, SpanState::RunningPython);
                    return true;
                }
                coro.channelCallMade = false;
                [[fallthrough]];
            case StepKind::Set:
            case StepKind::Wait:
                // Event.set() and wait() cost about 80 ns (measured, docs/machine-profile.md): nothing beside the
                // loop's own step overhead.
                if (TryChannel(world, step, index)) continue;
                --coro.step;  // woken, it checks again
                Suspend(world, index);
                m_current = -1;
                return false;
            case StepKind::Fail:
                FinishCoro(world, index, true, false);  // under a TaskGroup it cancels the rest
                m_current = -1;
                return false;
            case StepKind::Children: {
                bool suspended = false;
                if (StartChildren(world, self, index, step, out, suspended)) return true;
                if (suspended) {
                    m_current = -1;
                    return false;
                }
                continue;
            }
            case StepKind::Send:
            case StepKind::Return:
            case StepKind::Repeat:
                continue;
        }
    }
    FinishCoro(world, index, false, false);
    m_current = -1;
    return false;
}

Action EventLoop::Next(World& world, ThreadIndex self) {
    Action out;
    if (m_ioCoro >= 0) {  // a coroutine's blocking io step has run: its start is what its next reply counts from
        m_coros[static_cast<size_t>(m_ioCoro)].lastIoStart = world.Thread(self).sleepStart;
        m_ioCoro = -1;
    }
    if (m_pendingThreadStart.Valid()) {
        world.StartThread(m_pendingThreadStart);
        m_pendingThreadStart = ThreadIndex{};
        world.Notify(m_workSignal);
    }
    if (WaitForStart(m_threadStartup, out)) return out;  // Thread.start() blocks the loop until the thread runs
    for (;;) {
        if (m_current >= 0) {
            if (StepCurrent(world, self, out)) return out;
            if (m_pendingThreadStart.Valid()) return Next(world, self);
            continue;
        }
        while (!m_timers.Empty() && m_timers.Top().time <= world.Now()) {
            const core::Event timer = m_timers.Pop();
            const auto index = static_cast<int32_t>(timer.target);
            Coro& coro = m_coros[index];
            if (coro.timerStamp == timer.token && coro.state == CoroState::Awaiting) MakeReady(world, index);
        }
        while (!m_completed.empty()) {
            int32_t index = m_completed.front();
            m_completed.pop_front();
            if (m_coros[index].state == CoroState::Awaiting) MakeReady(world, index);
        }
        if (!m_ready.empty()) {
            m_current = m_ready.front();
            m_ready.pop_front();
            if (m_coros[m_current].state == CoroState::Done) {  // ended while it was ready (its gather failed)
                m_current = -1;
                continue;
            }
            Coro& coro = m_coros[m_current];
            coro.state = CoroState::Running;
            SetCoroSpan(world, m_current, SpanState::RunningPython);
            // One trip round BaseEventLoop._run_once() and Task.__step() to resume it; an eager task's first step
            // runs inside create_task() instead.
            const TimeNs cost = coro.eagerStart ? world.Profile().eagerStepOverhead : world.Profile().loopStepOverhead;
            coro.eagerStart = false;
            out = Action::Compute(cost, true, SpanState::RunningPython, trace::TaskId::None())
                      .AddsTo(&world.Trace().metrics.loopOverhead);
            return out;
        }
        if (Done()) {
            m_shutdown = true;
            world.Notify(m_workSignal);
            return Action::Exit();
        }
        while (!m_timers.Empty() && m_coros[m_timers.Top().target].timerStamp != m_timers.Top().token) m_timers.Pop();
        TimeNs deadline = m_timers.Empty() ? -1 : m_timers.Top().time;
        return Action::Wait(m_loopSignal, SpanState::Idle, deadline);
    }
}

bool EventLoop::StartChildren(World& world, ThreadIndex self, int32_t index, const scenario::Step& step, Action& out, bool& suspended) {
    const scenario::Scenario& s = world.Scenario();
    const scenario::ChildGroup& spec = s.children[static_cast<size_t>(step.children)];
    const auto i = static_cast<size_t>(index);
    if (spec.via == scenario::ChildVia::Executor) {
        // submit() and as_completed() are synchronous calls: the loop's thread runs them and blocks in them.
        Coro& coro = m_coros[i];
        if (!coro.executor) {
            const plan::ChildBlock block = m_workload.plan.Children(s, step, coro.cursor);
            coro.cursor = block.End();
            const SyncEnv env{&m_workload, nullptr, &m_programs};
            coro.executor = m_programs.Keep<ExecutorChildren>(world, env, coro.task, block);
        }
        --coro.step;  // back to this step until as_completed is done
        if (coro.executor->Next(world, self, out)) {
            SetCoroSpan(world, index, out.As<WaitAction>() ? SpanState::Idle : SpanState::RunningPython);
            return true;
        }
        ++coro.step;
        const bool failed = coro.executor->AnyFailed();
        coro.executor = nullptr;
        if (failed) {  // f.result() raised the child's exception in the coroutine, once leaving `with` waited for all
            FinishCoro(world, index, true, false);
            suspended = true;
        }
        return false;
    }
    if (spec.via != scenario::ChildVia::Threads) {
        // asyncio.gather(*children) / tg.create_task(child) for each: a task per child, scheduled in order.
        const plan::ChildBlock block = m_workload.plan.Children(s, step, m_coros[i].cursor);
        m_coros[i].cursor = block.End();
        m_coros[i].waitingChildren = block.count;
        m_coros[i].childVia = spec.via;
        m_coros[i].childFailed = false;
        Suspend(world, index);
        m_coros[i].firstChild = static_cast<int32_t>(m_coros.size());
        m_coros[i].childCount = block.count;
        for (int32_t k = 0; k < block.count; ++k)  // AddCoro may move m_coros: no reference is held across it
            AddCoro(world, trace::TaskId(block.Task(k)), block.DescendantsStart(k),
                    block.DescendantsStart(k) + block.perChild, index);
        if (m_eager) {
            // Each create_task() runs its child's first step before returning, so the children run before anything
            // that was ready already: they move from the back of the ready queue to its front, in order.
            std::rotate(m_ready.begin(), m_ready.end() - block.count, m_ready.end());
        }
        suspended = true;
        return false;
    }
    // Threads started from the coroutine, then joined: Thread.start() and join() block the loop's thread.
    Coro& coro = m_coros[i];
    if (coro.nextThread < 0) {
        coro.threadBlock = m_workload.plan.Children(s, step, coro.cursor);
        coro.cursor = coro.threadBlock.End();
        coro.nextThread = 0;
        coro.join = m_programs.Keep<ChildJoin>();
        coro.join->left = coro.threadBlock.count;
        coro.join->done = world.AddSignal("a task's child threads to end");
    }
    --coro.step;  // back to this step until the threads are joined
    if (coro.nextThread < coro.threadBlock.count) {
        const trace::TrackId process = world.Trace().tracks[m_loopTrack.Index()].parent;
        const SyncEnv env{&m_workload, nullptr, &m_programs};
        m_pendingThreadStart = AddChildThread(world, env, m_interp, process.Valid() ? process : m_loopTrack,
                                              coro.threadBlock, coro.nextThread++, coro.join, m_threadStartup);
        out = Action::Compute(world.Profile().threadStart, true, SpanState::RunningPython, trace::TaskId::None())
                  .AddsTo(&world.Trace().metrics.threadStart);
        SetCoroSpan(world, index, SpanState::RunningPython);
        return true;
    }
    if (coro.join->left > 0) {
        out = Action::Wait(coro.join->done, SpanState::Idle).Waiting(coro.task);
        SetCoroSpan(world, index, SpanState::Idle);
        return true;
    }
    ++coro.step;
    coro.nextThread = -1;
    coro.join = nullptr;
    return false;
}

bool EventLoop::TakeWork(WorkItem& out) {
    if (m_work.empty()) return false;
    out = m_work.front();
    m_work.pop_front();
    return true;
}

void EventLoop::CompleteWork(World& world, int32_t coro) {
    m_completed.push_back(coro);
    world.Notify(m_loopSignal);  // call_soon_threadsafe(): the self-pipe wakes the selector
}

void BuildAsyncio(World& world, const Workload& workload, Programs& programs) {
    trace::Trace& trace = world.Trace();
    bool usesThreads = workload.plan.childThreads;
    for (const auto& steps : workload.groupSteps)
        for (const scenario::Step& step : steps) usesThreads = usesThreads || step.kind == StepKind::ToThread;
    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId loopTrack = trace.AddTrack(std::string(plan::kEventLoopThread), trace::TrackKind::EventLoop, process);
    InterpIndex interp = world.AddInterpreter(std::string(plan::kMainProcess), scenario::RunsFreeThreaded(world.Scenario()), process, usesThreads);
    std::vector<trace::TaskId> tasks(static_cast<size_t>(workload.TaskCount()));
    for (size_t i = 0; i < tasks.size(); ++i) tasks[i] = static_cast<trace::TaskId>(i);
    LoopOptions options;
    options.taskTracks = workload.plan.taskLanes;
    options.cancelOnFailure = world.Scenario().model.taskGroup;
    options.semaphore = true;
    auto* loop = programs.Make<EventLoop>(world, workload, interp, loopTrack, TopLevelLoopTasks(workload, tasks), options,
                                          programs);
    world.StartThread(world.AddThread(std::string(plan::kMainThread), interp, loopTrack, loop));
}

}  // namespace interleave::models
