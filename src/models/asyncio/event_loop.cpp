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

EventLoop::EventLoop(World& world, const Workload& workload, InterpIndex interp, trace::TrackId loopTrack,
                     std::vector<trace::TaskId> tasks, bool taskTracks, Programs& programs)
    : m_workload(workload), m_programs(programs), m_interp(interp), m_loopTrack(loopTrack) {
    const scenario::Scenario& s = world.Scenario();
    m_locks.resize(s.names.size());
    m_channels.resize(s.names.size());
    const std::vector<int32_t> maxsize = s.QueueMaxsizes();
    for (size_t i = 0; i < m_channels.size(); ++i) m_channels[i].maxsize = maxsize[i];
    m_semaphoreFree = s.model.semaphore > 0 ? s.model.semaphore : std::numeric_limits<int32_t>::max();
    // ThreadPoolExecutor's default max_workers since 3.8.
    m_maxExecutorThreads = std::min(32, s.machine.cores + 4);
    // Named for the deadlock message: a loop asleep with no timer and nothing in the executor waits for nothing.
    m_loopSignal = world.AddSignal("a task to wake (every unfinished task awaits a queue item or an event nothing will "
                                   "deliver)");
    m_workSignal = world.AddSignal();
    m_coros.reserve(tasks.size());
    // A depth lane per queue, under the loop's process, after the task lanes (added below).
    const std::vector<uint8_t> uses = s.UsesChannels() ? scenario::NameUses(s) : std::vector<uint8_t>{};
    for (size_t i = 0; i < tasks.size(); ++i) {
        Coro coro;
        coro.task = tasks[i];
        if (taskTracks)
            coro.track = world.Trace().AddTrack(plan::TaskLaneName(static_cast<int32_t>(i), world.Trace().tasks[tasks[i]].name),
                                                trace::TrackKind::Task, loopTrack);
        coro.state = CoroState::Ready;
        coro.since = world.Now();
        m_coros.push_back(coro);
        m_ready.push_back(static_cast<int32_t>(i));
    }
    const trace::TrackId process = world.Trace().tracks[static_cast<size_t>(loopTrack)].parent;
    for (size_t i = 0; i < uses.size(); ++i) {
        if (!scenario::UsedAs(uses[i], scenario::NameKind::Queue)) continue;
        m_channels[i].lane = world.Trace().AddTrack(plan::QueueLaneName(s.names[i]), trace::TrackKind::Counter,
                                                    process >= 0 ? process : loopTrack);
        RecordDepth(world, m_channels[i]);
    }
}

void EventLoop::RecordDepth(World& world, const AsyncChannel& channel) {
    if (channel.lane != trace::kNone) world.Trace().samples.push_back({world.Now(), channel.lane, channel.items});
}

void EventLoop::SetCoroSpan(World& world, int32_t index, SpanState state) {
    Coro& coro = m_coros[index];
    if (coro.track >= 0 && coro.spanState != state) {
        world.RecordSpan(coro.track, coro.since, world.Now(), coro.spanState, coro.task);
        coro.since = world.Now();
    } else if (coro.track < 0) {
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
    if (coro.track >= 0) world.RecordSpan(coro.track, coro.since, world.Now(), coro.spanState, coro.task);
    coro.state = CoroState::Done;
    coro.failed = failed;
    world.TaskFinished(coro.task, m_loopTrack, failed, cancelled);
    ++m_done;
}

void EventLoop::CancelSiblings(World& world, int32_t failedCoro) {
    if (m_cancelling) return;
    m_cancelling = true;
    for (size_t i = 0; i < m_coros.size(); ++i) {
        Coro& coro = m_coros[i];
        if (static_cast<int32_t>(i) == failedCoro || coro.state == CoroState::Done) continue;
        coro.cancelled = true;
        if (coro.state != CoroState::Awaiting) continue;
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

bool EventLoop::StepCurrent(World& world, ThreadIndex, Action& out) {
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
        if (!coro.holdsSemaphore) {
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
                    trace::TrackId process = world.Trace().tracks[m_loopTrack].parent;
                    trace::TrackId track = world.Trace().AddTrack(name, trace::TrackKind::Thread, process >= 0 ? process : m_loopTrack);
                    ThreadIndex thread = world.AddThread(name, m_interp, track, m_programs.Make<ExecutorThread>(*this));
                    m_executorThreads.push_back(thread);
                    m_pendingThreadStart = thread;
                    out = Action::Compute(profile.threadStart, true, SpanState::RunningPython, trace::kNone)
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
                FinishCoro(world, index, true, false);
                if (world.Scenario().model.taskGroup) CancelSiblings(world, index);
                m_current = -1;
                return false;
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
    if (m_pendingThreadStart.Valid()) {
        world.StartThread(m_pendingThreadStart);
        m_pendingThreadStart = ThreadIndex{};
        world.Notify(m_workSignal);
    }
    Action out;
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
            m_coros[m_current].state = CoroState::Running;
            SetCoroSpan(world, m_current, SpanState::RunningPython);
            // One trip round BaseEventLoop._run_once() and Task.__step() to resume it.
            out = Action::Compute(world.Profile().loopStepOverhead, true, SpanState::RunningPython, trace::kNone)
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
    bool usesThreads = false;
    for (const auto& steps : workload.groupSteps)
        for (const scenario::Step& step : steps) usesThreads = usesThreads || step.kind == StepKind::ToThread;
    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId loopTrack = trace.AddTrack(std::string(plan::kEventLoopThread), trace::TrackKind::EventLoop, process);
    InterpIndex interp = world.AddInterpreter(std::string(plan::kMainProcess), false, process, usesThreads);
    std::vector<trace::TaskId> tasks(static_cast<size_t>(workload.TaskCount()));
    for (size_t i = 0; i < tasks.size(); ++i) tasks[i] = static_cast<trace::TaskId>(i);
    auto* loop = programs.Make<EventLoop>(world, workload, interp, loopTrack, std::move(tasks),
                                          workload.plan.taskLanes, programs);
    world.StartThread(world.AddThread(std::string(plan::kMainThread), interp, loopTrack, loop));
}

}  // namespace interleave::models
