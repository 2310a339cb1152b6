// [SECTION] Index
//   Building ........ interpreters, threads, signals
//   Events .......... the dispatcher and the run loop
//   Threads ......... Advance: a thread on a core works through its program's actions
//   Blocking ........ sleep, wait, wake
//   Locks ........... threading.Lock: not fair, a woken waiter may find it taken again
//   Spans ........... what each track records
#include "models/world/world.h"

#include "plan/plan.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>

namespace interleave::models {

using trace::SpanState;

// [SECTION] Action

Action& Action::Uninterruptible() {
    ComputeAction* compute = As<ComputeAction>();
    assert(compute);
    if (compute) compute->interruptible = false;
    return *this;
}

Action& Action::Increments(int32_t counter) {
    ComputeAction* compute = As<ComputeAction>();
    assert(compute);
    if (compute) compute->counter = counter;
    return *this;
}

Action& Action::AddsTo(TimeNs* overheadSink) {
    ComputeAction* compute = As<ComputeAction>();
    assert(compute);
    if (compute) compute->overheadSink = overheadSink;
    return *this;
}

Action& Action::Waiting(trace::TaskId task) {
    WaitAction* wait = As<WaitAction>();
    assert(wait);
    if (wait) wait->task = task;
    return *this;
}

Action& Action::NotBefore(TimeNs time) {
    if (time < 0) return *this;  // no bound (plan::ReplyArrives: no reply to wait for), whatever the action
    SleepAction* sleep = As<SleepAction>();
    assert(sleep);
    if (sleep) sleep->notBefore = time;
    return *this;
}

trace::TaskId Action::Task() const {
    return std::visit(
        [](const auto& what) -> trace::TaskId {
            if constexpr (requires { what.task; }) return what.task;
            else
                return trace::TaskId::None();
        },
        m_what);
}

TimeNs Action::Duration() const {
    if (const auto* compute = As<ComputeAction>()) return compute->cpu;
    if (const auto* sleep = As<SleepAction>()) return sleep->wall;
    return 0;
}

World::World(const scenario::Scenario& scenario, trace::Trace& trace)
    : m_scenario(scenario), m_trace(trace), m_spanRecording(trace), m_locksAndSignals(scenario.names.size()) {
    m_cores.resize(static_cast<size_t>(scenario.machine.cores));
    for (size_t c = 0; c < m_cores.size(); ++c)
        m_cores[c].track = m_trace.AddTrack(plan::CoreLaneName(c), trace::TrackKind::Core);
    m_counters.assign(scenario.names.size(), 0);
    m_rngState = scenario.machine.seed;
}

// [SECTION] Randomness: a seeded run's OS latencies

double World::NextUniform() {
    // splitmix64 (Steele, Lea and Flood, 2014): tiny, and the same sequence under every compiler and standard
    // library, so a seed names the same run natively and in the browser.
    uint64_t z = (m_rngState += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

TimeNs World::Spread(TimeNs typical) {
    if (m_scenario.machine.seed == 0 || Profile().wakeupSpread <= 0 || typical <= 0) return typical;
    // A log-normal factor with median 1 (Box-Muller for the normal draw).
    const double u1 = std::max(NextUniform(), 1e-12), u2 = NextUniform();
    const double normal = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    const double factor = std::exp(Profile().wakeupSpread * std::clamp(normal, -6.0, 6.0));
    return static_cast<TimeNs>(static_cast<double>(typical) * factor);
}

// [SECTION] Building

InterpIndex World::AddInterpreter(std::string name, bool freeThreaded, trace::TrackId track, bool gilLane) {
    Interpreter interp;
    interp.name = std::move(name);
    interp.freeThreaded = freeThreaded;
    interp.track = track;
    if (gilLane && !freeThreaded) interp.gil.track = m_trace.AddTrack(plan::GilLaneName(interp.name), trace::TrackKind::Gil, track);
    m_spanRecording.AddGilLane();
    return m_interps.push_back(std::move(interp));
}

ThreadIndex World::AddThread(std::string name, InterpIndex interp, trace::TrackId track, Program* program) {
    SimThread thread;
    thread.name = std::move(name);
    thread.interp = interp;
    thread.track = track;
    thread.program = program;
    ++m_foregroundAlive;  // AddBackgroundLoad takes its own threads back out
    return m_threads.push_back(std::move(thread));
}

void World::StartThread(ThreadIndex t, TimeNs delay) {
    SimThread& th = m_threads[t];
    assert(th.state == ThreadState::New);
    th.state = ThreadState::Waking;
    th.vruntime = -1;  // placed level with the others when it first becomes runnable
    m_kernel.Schedule(delay, kWake, t.EventTarget(), ++th.token);
}

void World::NotifyAt(TimeNs time, SignalIndex signal) {
    ++m_pendingTimers;
    m_kernel.ScheduleAt(std::max(time, Now()), kNotify, signal.EventTarget());
}

void World::TaskStarted(trace::TaskId task, trace::TrackId track) {
    trace::TaskRecord& record = m_trace.tasks[task.Index()];
    if (record.started < 0) record.started = Now();
    m_trace.instants.push_back(
        trace::Instant{Now(), track, trace::InstantKind::TaskStart, trace::TrackId::None(), task});
}

void World::TasksNeverStarted(trace::TaskId first, trace::TaskId end) {
    for (int32_t task = first.value; task < end.value; ++task) {
        trace::TaskRecord& record = m_trace.tasks[static_cast<size_t>(task)];
        if (record.finished >= 0) continue;
        ++m_finishedTasks;
        record.started = record.finished = Now();
        record.cancelled = true;
    }
}

void World::TaskFinished(trace::TaskId task, trace::TrackId track, bool failed, bool cancelled) {
    trace::TaskRecord& record = m_trace.tasks[task.Index()];
    const bool first = record.finished < 0;
    m_finishedTasks += first;
    record.finished = Now();
    record.failed = failed;
    record.cancelled = cancelled;
    if (record.started < 0) record.started = Now();
    // A task ends once. In process_asyncio the worker's event loop ends it, and the parent's result
    // handler later receives its result: the record's finish moves to the receipt (as for a plain pool,
    // where the receipt is the only end), but no second end instant is drawn.
    if (!first) return;
    m_trace.instants.push_back(
        trace::Instant{Now(), track, cancelled ? trace::InstantKind::TaskCancelled : trace::InstantKind::TaskEnd,
                       trace::TrackId::None(), task});
}

// [SECTION] Events

void World::Handle(const core::Event& event) {
    const ThreadIndex target(static_cast<int32_t>(event.target));  // for the events that target a thread
    switch (event.kind) {
        case kBurstDone: {
            SimThread& th = m_threads[target];
            if (event.token != th.token || !th.inBurst) return;
            th.inBurst = false;
            th.remaining = 0;
            if (const ComputeAction* compute = th.action.As<ComputeAction>()) {
                if (compute->counter >= 0) m_counters[compute->counter] = th.counterRead + 1;
                if (compute->overheadSink) *compute->overheadSink += compute->cpu;
            }
            if (th.core >= 0) SetCoreSpan(th.core, false, SpanState::Idle, trace::TaskId::None());
            th.hasAction = false;
            Advance(target);
            return;
        }
        case kDispatch: {
            SimThread& th = m_threads[target];
            if (event.token != th.token || th.state != ThreadState::Running) return;
            Advance(target);
            return;
        }
        case kWake: {
            SimThread& th = m_threads[target];
            if (event.token != th.token) return;
            if (th.state == ThreadState::Sleeping) th.switchInCallTime = true;
            if (th.state == ThreadState::Waking || th.state == ThreadState::Sleeping) MakeRunnable(target);
            return;
        }
        case kSliceEnd:
            if (event.token == m_cores[event.target].token) OnSliceEnd(static_cast<int32_t>(event.target));
            return;
        case kTick:
            OnTick();
            return;
        case kGilTimeout:
            if (event.token == m_threads[target].gilWait.token) OnGilTimeout(target);
            return;
        case kEvalBreaker:
            if (event.token == m_threads[target].token) OnEvalBreaker(target);
            return;
        case kNotify:
            --m_pendingTimers;
            Notify(SignalIndex(static_cast<int32_t>(event.target)));
            return;
        case kWakerCostPaid: {
            SimThread& th = m_threads[target];
            if (event.token != th.token || th.state != ThreadState::Running) return;
            th.wakerCostDue = 0;
            th.wakerCostSince = -1;
            if (th.core >= 0) SetCoreSpan(th.core, false, SpanState::Idle, trace::TaskId::None());
            Advance(target);
            return;
        }
        case kWaitDeadline: {
            --m_pendingTimers;
            SimThread& th = m_threads[target];
            if (event.token != th.token || th.state != ThreadState::WaitingSignal) return;
            m_locksAndSignals.StopWaiting(th.action.As<WaitAction>()->signal, target);  // WaitingSignal: a Wait
            Wake(target);
            return;
        }
        default: assert(false && "unknown event kind");
    }
}

RunState World::Run(const RunLimits& limits, int64_t sliceEvents, std::string& error) {
    const int64_t totalTasks = static_cast<int64_t>(m_trace.tasks.size());
    // Cancel, clock, memory and progress are looked at every 16384 events: a few microseconds apart,
    // so a cancel or a slice's end is seen at once, at no measurable cost per event.
    constexpr uint64_t kCheckMask = 0x3FFF;
    const uint64_t sliceEnd = m_kernel.Processed() + static_cast<uint64_t>(std::max<int64_t>(1, sliceEvents));
    if (!m_started) {
        m_started = true;
        AddBackgroundLoad();
    }
    while (m_kernel.HasEvents() && !m_failed) {
        if (static_cast<int64_t>(m_kernel.Processed()) >= limits.maxEvents) {
            error = "the simulation passed its limit of " + std::to_string(limits.maxEvents) +
                    " events; make the scenario smaller (fewer tasks, steps or repeats, or a longer switch interval)";
            return RunState::Failed;
        }
        Handle(m_kernel.Next());
        if ((m_kernel.Processed() & kCheckMask) == 0) {
            if (limits.cancel && limits.cancel->load(std::memory_order_relaxed)) {
                error = "cancelled";
                return RunState::Failed;
            }
            if (std::chrono::steady_clock::now() > limits.deadline) {
                char seconds[32];
                std::snprintf(seconds, sizeof seconds, "%g", limits.timeLimitSeconds);
                error = "the simulation passed its time limit of " + std::string(seconds) + " s after " +
                        std::to_string(m_kernel.Processed()) + " events at " + scenario::FormatDuration(Now()) +
                        " of simulated time; make the scenario smaller (fewer or shorter tasks, or a longer switch interval)";
                return RunState::Failed;
            }
            if (TraceBytes() > limits.maxTraceBytes) {
                error = "the simulation passed its memory limit: the trace reached " + std::to_string(TraceBytes() >> 20) +
                        " MiB (limit " + std::to_string(limits.maxTraceBytes >> 20) + " MiB) at " +
                        scenario::FormatDuration(Now()) + " of simulated time; make the scenario smaller";
                return RunState::Failed;
            }
            if (limits.progress && totalTasks > 0)
                limits.progress->store(static_cast<float>(m_finishedTasks) / static_cast<float>(totalTasks), std::memory_order_relaxed);
        }
        // Every event, not every 16384: a slice of the single-threaded page must end when asked, and one
        // compare per event costs nothing beside handling it.
        if (m_kernel.Processed() >= sliceEnd && m_kernel.HasEvents() && !m_failed) return RunState::Paused;
    }
    if (m_failed) {
        error = m_error;
        return RunState::Failed;
    }
    int64_t unfinished = 0;
    for (const trace::TaskRecord& t : m_trace.tasks) unfinished += t.finished < 0;
    if (unfinished > 0) {
        error = "deadlock: " + std::to_string(unfinished) + " of " + std::to_string(totalTasks) + " tasks never finished";
        for (const SimThread& th : m_threads) {
            const WaitAction* wait = th.action.As<WaitAction>();
            if (th.state == ThreadState::WaitingSignal && wait && !m_locksAndSignals.WaitingFor(wait->signal).empty()) {
                error.append("; ").append(th.name).append(" waits for ").append(m_locksAndSignals.WaitingFor(wait->signal));
                break;
            }
            const AcquireLockAction* acquire = th.action.As<AcquireLockAction>();
            if (th.state == ThreadState::WaitingLock && acquire) {
                const SimLock& lock = m_locksAndSignals.Lock(acquire->lock);
                error += "; " + th.name + " waits for lock \"" + m_scenario.names[acquire->lock] + "\" held by " +
                         (lock.holder.Valid() ? m_threads[lock.holder].name : std::string("nobody"));
                break;
            }
        }
        return RunState::Failed;
    }
    if (limits.progress) limits.progress->store(1.0f, std::memory_order_relaxed);
    return RunState::Finished;
}

size_t World::TraceBytes() const { return m_spanRecording.TraceBytes(); }

// [SECTION] Threads

void World::Advance(ThreadIndex t) {
    for (;;) {
        SimThread& th = m_threads[t];
        assert(th.state == ThreadState::Running && th.core >= 0);
        if (!th.hasAction) {
            if (++m_zeroTimeActions > 50'000'000) {
                m_failed = true;
                m_error = "a simulated thread made no progress (" + th.name + ")";
                return;
            }
            th.action = th.program->Next(*this, t);
            th.hasAction = true;
            th.remaining = th.action.Duration();
            th.counterRead = -1;
        }
        Action& a = th.action;
        Interpreter& interp = m_interps[th.interp];
        if (th.lockWait.retriesWithoutGil) {
            // acquire_timed() (Modules/_threadmodule.c) blocks on the lock between Py_BEGIN_ALLOW_THREADS
            // and Py_END_ALLOW_THREADS: a woken waiter takes the lock first, without the GIL, and holds
            // it while it waits to take the GIL back. So the lock stays held across that GIL wait.
            assert(a.As<AcquireLockAction>() && !HoldsGil(t));
            th.lockWait.retriesWithoutGil = false;
            if (!TryAcquireLock(t, a.As<AcquireLockAction>()->lock)) {
                BlockOnLock(t);
                return;
            }
            th.lockWait.holdsBeforeGil = true;
        }
        const ComputeAction* compute = a.As<ComputeAction>();
        const bool needsGil = !interp.freeThreaded && ((compute && compute->needsGil) || a.As<AcquireLockAction>() ||
                                                       a.As<ReleaseLockAction>());
        if (needsGil) {
            if (!HoldsGil(t)) {
                if (!TryTakeGil(t)) return;
            } else if (interp.gil.dropRequest) {
                // The eval breaker: Python code about to run notices the pending drop request.
                if (DropGil(t, true)) return;
                if (!TryTakeGil(t)) return;
            }
        } else if (!interp.freeThreaded && HoldsGil(t)) {
            // Py_BEGIN_ALLOW_THREADS before I/O, a GIL-releasing C call, a blocking wait, or exit.
            if (DropGil(t, !a.IsExit())) {
                // Parked in the switch wait with its Wait still to make: a Notify meanwhile must not be lost.
                if (a.As<WaitAction>()) m_waitsNotYetMade.push_back(t);
                return;
            }
        }
        if (th.wakerCostDue > 0 && (compute || a.As<SleepAction>())) {
            // The signal it just sent (drop_gil()'s, take_gil()'s to the thread that dropped) delays the work or the
            // I/O that comes next. Only those: an action that waits on a signal or a lock was decided from the world
            // as it is now and must start now; it blocks at once, and Block forgets the cost.
            PayWakerCost(t);
            return;
        }
        if (compute) {
            if (th.remaining <= 0 && compute->counter < 0) {
                th.hasAction = false;
                continue;
            }
            BeginCompute(t);
            return;
        }
        if (const SleepAction* sleep = a.As<SleepAction>()) {
            th.hasAction = false;
            const TimeNs wall = plan::CallLasts(Now(), sleep->wall, sleep->notBefore);
            th.sleepStart = Now();
            Block(t, ThreadState::Sleeping, sleep->state, sleep->task);
            m_kernel.Schedule(wall, kWake, t.EventTarget(), th.token);
            return;
        }
        if (const WaitAction* wait = a.As<WaitAction>()) {
            th.hasAction = false;
            if (!m_waitsNotYetMade.empty())
                m_waitsNotYetMade.erase(std::remove(m_waitsNotYetMade.begin(), m_waitsNotYetMade.end(), t),
                                        m_waitsNotYetMade.end());
            if (th.notifiedBeforeWaiting) {  // its condition may hold now: ask the program again
                th.notifiedBeforeWaiting = false;
                continue;
            }
            Block(t, ThreadState::WaitingSignal, wait->state, wait->task);
            m_locksAndSignals.Wait(wait->signal, t);
            if (wait->deadline >= 0 && ++m_pendingTimers > 0)
                m_kernel.ScheduleAt(std::max(wait->deadline, Now()), kWaitDeadline, t.EventTarget(), th.token);
            return;
        }
        if (const AcquireLockAction* acquire = a.As<AcquireLockAction>()) {
            if (th.lockWait.holdsBeforeGil || TryAcquireLock(t, acquire->lock)) {
                th.lockWait.holdsBeforeGil = false;
                th.hasAction = false;
                continue;
            }
            // acquire_timed(): the fast path failed, so release the GIL and block on the lock.
            if (!interp.freeThreaded && HoldsGil(t)) DropGil(t, false);
            BlockOnLock(t);
            return;
        }
        if (const ReleaseLockAction* release = a.As<ReleaseLockAction>()) {
            ReleaseLock(t, release->lock);
            th.hasAction = false;
            continue;
        }
        Finish(t);  // Exit
        return;
    }
}

void World::BeginCompute(ThreadIndex t) {
    SimThread& th = m_threads[t];
    const ComputeAction& a = *th.action.As<ComputeAction>();  // BeginCompute runs Computes only
    m_zeroTimeActions = 0;
    if (a.counter >= 0 && th.counterRead < 0) th.counterRead = m_counters[a.counter];
    th.inBurst = true;
    th.burstStart = Now();
    SetSpan(t, a.state, a.task);
    SetCoreSpan(th.core, true, a.state, a.task);
    m_kernel.Schedule(th.remaining, kBurstDone, t.EventTarget(), ++th.token);
}

void World::InterruptBurst(ThreadIndex t) {
    SimThread& th = m_threads[t];
    if (!th.inBurst) return;
    th.remaining -= Now() - th.burstStart;
    th.inBurst = false;
    ++th.token;
    if (th.core >= 0) SetCoreSpan(th.core, false, SpanState::Idle, trace::TaskId::None());
}

void World::Finish(ThreadIndex t) {
    SimThread& th = m_threads[t];
    ReleaseCore(t);
    LeaveRunnable(t);
    th.state = ThreadState::Done;
    ++th.token;
    CloseSpan(t);
    if (!th.background) m_programEnd = std::max(m_programEnd, Now());
    if (!th.background && --m_foregroundAlive == 0) StopBackgroundLoad();
}

// [SECTION] Blocking

void World::Block(ThreadIndex t, ThreadState state, SpanState span, trace::TaskId task, trace::TrackId cause, TimeNs causeSince) {
    SimThread& th = m_threads[t];
    InterruptBurst(t);
    th.wakerCostDue = 0;  // it sleeps at once: the signal's cost overlaps the sleep (a slight undercount of its core)
    th.wakerCostSince = -1;
    if (Eevdf()) th.lag = AvgVruntime() - RunningVruntime(t);  // with itself counted
    if (th.core >= 0) ReleaseCore(t);
    LeaveRunnable(t);
    th.state = state;
    ++th.token;
    SetSpan(t, span, task, cause, causeSince);
}

void World::Wake(ThreadIndex t, ThreadIndex waker, TimeNs extraDelay, bool justAwake) {
    SimThread& th = m_threads[t];
    const auto& profile = Profile();
    const int32_t c = FreeCoreFor(t);
    const bool longIdle = !justAwake && IdleForLong(c);
    // The wake-up puts it on a core's run queue now: a free core becomes its own until it runs (MakeRunnable).
    if (c >= 0) m_cores[static_cast<size_t>(c)].claimedBy = t;
    const TimeNs typical = longIdle ? profile.wakeupLatency : profile.wakeupLatencyShallow;
    const TimeNs latency = Spread(typical);
    if (waker.Valid()) m_threads[waker].wakerCostDue += WakerCost(longIdle);
    th.state = ThreadState::Waking;
    m_kernel.Schedule(latency + extraDelay, kWake, t.EventTarget(), ++th.token);
}

TimeNs World::WakerCost(bool longIdle) {
    const auto& profile = Profile();
    // A seeded run draws it apart from the woken thread's latency: in the kernel's own record of CPython 3.11's GIL
    // hand-offs (tests/reference/programs/gil_sched.py, 13 traced runs on 2026-12-06), the futex wake's cost to the
    // waker and the time until the woken thread ran correlate -0.14..0.02 per wake beside two or four CPU-bound
    // threads (0.01..0.75 beside one), and each spreads about as the hand-off gaps do (p10..p90 of one run: 3..6 us
    // around 4, and 6..10 us around 7).
    return Spread(longIdle ? profile.wakerCost : profile.wakerCostShallow);
}

void World::PayWakerCost(ThreadIndex t) {
    SimThread& th = m_threads[t];
    // On its core in the kernel, with the GIL in hand or without it (take_gil() signals switch_cond holding it): the
    // thread's time, not its task's, whose CPU work stays what the scenario says.
    SetSpan(t, SpanState::RunningC, trace::TaskId::None());
    SetCoreSpan(th.core, true, SpanState::RunningC, trace::TaskId::None());
    th.wakerCostSince = Now();
    m_kernel.Schedule(th.wakerCostDue, kWakerCostPaid, t.EventTarget(), ++th.token);
}

void World::Notify(SignalIndex signal, ThreadIndex waker) {
    m_locksAndSignals.TakeWaiters(signal).ForEach([this, waker](ThreadIndex w) {
        if (m_threads[w].state == ThreadState::WaitingSignal) Wake(w, waker);
    });
    for (ThreadIndex t : m_waitsNotYetMade) MarkIfWaitingOn(t, signal);
}

void World::NotifyOne(SignalIndex signal, ThreadIndex waker) {
    const ThreadIndex w = m_locksAndSignals.TakeFirstWaiter(
        signal, [this](ThreadIndex waiter) { return m_threads[waiter].state == ThreadState::WaitingSignal; });
    if (w.Valid()) {
        Wake(w, waker);
        return;
    }
    for (ThreadIndex t : m_waitsNotYetMade)
        if (MarkIfWaitingOn(t, signal)) return;
}

bool World::MarkIfWaitingOn(ThreadIndex t, SignalIndex signal) {
    SimThread& th = m_threads[t];
    const WaitAction* wait = th.hasAction ? th.action.As<WaitAction>() : nullptr;
    if (!wait || wait->signal != signal || th.notifiedBeforeWaiting) return false;
    th.notifiedBeforeWaiting = true;
    return true;
}

// [SECTION] Locks

bool World::TryAcquireLock(ThreadIndex t, int32_t lock) { return m_locksAndSignals.TryAcquire(lock, t, Now()); }

void World::BlockOnLock(ThreadIndex t) {
    SimThread& th = m_threads[t];
    const int32_t lock = th.action.As<AcquireLockAction>()->lock;  // blocked acquiring: an Acquire
    m_locksAndSignals.Enqueue(lock, t);
    th.lockWait.retriesWithoutGil = true;
    const SimLock& held = m_locksAndSignals.Lock(lock);
    Block(t, ThreadState::WaitingLock, SpanState::WaitingLock, th.action.Task(), m_threads[held.holder].track,
          held.heldSince);
}

void World::ReleaseLock(ThreadIndex t, int32_t lock) {
    const ThreadIndex next = m_locksAndSignals.Release(lock, t);
    // Releasing a threading.Lock that a thread sleeps on is sem_post()'s futex wake (3.11's thread_pthread.h,
    // USE_SEMAPHORES): it costs the releaser what pthread_cond_signal() costs the GIL's signaller (wake_probe --sem).
    if (next.Valid()) Wake(next, t);
}

// [SECTION] Spans: what to record, for SpanRecording to write out

void World::CloseSpan(ThreadIndex t) {
    SimThread& th = m_threads[t];
    m_spanRecording.CloseThreadSpan(th.span, th.track, th.gilWait.dropRequestAt, Now());
}

void World::SetSpan(ThreadIndex t, SpanState state, trace::TaskId task, trace::TrackId cause, TimeNs causeSince) {
    SimThread& th = m_threads[t];
    m_spanRecording.SetThreadSpan(th.span, th.track, th.gilWait.dropRequestAt, Now(), state, task, cause, causeSince);
}

void World::SetCoreSpan(int32_t c, bool busy, SpanState state, trace::TaskId task) {
    Core& core = m_cores[c];
    // The thread on the core, or the one that just left it: the lane whose work the closing span shows.
    const auto ranBy = [&] {
        const ThreadIndex t = core.thread.Valid() ? core.thread : core.lastThread;
        return t.Valid() ? m_threads[t].track : trace::TrackId::None();
    };
    m_spanRecording.SetCoreSpan(core.span, core.track, ranBy, Now(), busy, state, task);
}

void World::RecordSpan(trace::TrackId track, TimeNs start, TimeNs end, SpanState state, trace::TaskId task, trace::TrackId cause) {
    m_spanRecording.Record(track, start, end, state, task, cause);
}

void World::CloseAllSpans() {
    for (size_t t = 0; t < m_threads.size(); ++t) CloseSpan(ThreadIndex(static_cast<int32_t>(t)));
    for (size_t c = 0; c < m_cores.size(); ++c)
        SetCoreSpan(static_cast<int32_t>(c), false, SpanState::Idle, trace::TaskId::None());
    for (size_t i = 0; i < m_interps.size(); ++i) {
        const InterpIndex interp(static_cast<int32_t>(i));
        if (m_interps[interp].gil.holder.Valid()) CloseGilSpan(interp);
    }
    m_spanRecording.HandOver();
}

}  // namespace interleave::models
