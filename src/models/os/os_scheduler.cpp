// The OS model: C cores shared by every runnable thread of every process, and of the other programs on the
// machine (machine.background_load). It follows Linux's fair scheduler in the ways that decide what the GIL does, as
// CFS had it (kernel/sched/fair.c up to 6.5, Debian 12's 6.1) or as EEVDF has it (6.6 on; MachineProfile::scheduler):
//  - Each thread's CPU time is its vruntime (all threads weigh alike). A runnable thread takes a free core at
//    once; otherwise it queues, and the queue runs the thread with the least vruntime first.
//  - What a thread that slept is owed. CFS: it is placed no further back than min_vruntime minus half a latency
//    period (place_entity(), GENTLE_FAIR_SLEEPERS), and preempts a running thread whose vruntime is ahead of its own
//    by more than the wake-up granularity (check_preempt_wakeup()): any sleep earns credit. EEVDF: it keeps the lag
//    it had when it blocked (the average vruntime less its own, place_entity() with PLACE_LAG), and a negative lag
//    is not forgiven by sleeping until the others have caught up (DELAY_DEQUEUE); it preempts only if it is
//    eligible (lag >= 0) and the running thread is not (pick_eevdf(); RUN_TO_PARITY keeps an eligible one running).
//    Either way an I/O thread that mostly sleeps runs at once on a busy machine; under EEVDF a thread that held a
//    core for a switch interval and then waited as long for the GIL is not owed anything, and waits for a slice end.
//  - A running thread keeps its core until its time slice ends while others wait, then yields to the queue's
//    least vruntime: round-robin for CPU-bound threads of equal weight. CFS: time_slice after it got the core.
//    EEVDF: at the first scheduler tick (time_slice is the tick: 4 ms at CONFIG_HZ=250) after its base slice.
// The latencies scale with the cores as the kernel's do (SCHED_TUNABLESCALING_LOG: 1 + log2(min(cores, 8))):
// sched_latency 6 ms, wakeup_granularity 1 ms and EEVDF's base_slice 0.75 ms at one core. Switching a core to
// another thread costs MachineProfile::contextSwitch before the thread runs, except for a thread back from a blocking
// call of known duration: that duration, as programs measure it, already holds its return to a core.
#include <algorithm>
#include <bit>
#include <cassert>

#include "models/world/world.h"
#include "plan/plan.h"

namespace interleave::models {

namespace {

TimeNs SchedulerScale(size_t cores) {
    const unsigned capped = static_cast<unsigned>(std::clamp<size_t>(cores, 1, 8));
    return 1 + (std::bit_width(capped) - 1);  // 1 + ilog2
}

// The busy processes of a loaded machine: CPU-bound C code, for as long as the program runs.
class BusyProgram final : public Program {
public:
    Action Next(World& world, ThreadIndex) override {
        if (!world.ForegroundActive()) return Action::Exit();
        return Action::Compute(world.Profile().timeSlice, false, trace::SpanState::RunningC, trace::TaskId::None())
            .Uninterruptible();
    }
};

}  // namespace

void World::AddBackgroundLoad() {
    const int32_t count = m_scenario.machine.backgroundLoad;
    if (count <= 0) return;
    m_busyProgram = std::make_unique<BusyProgram>();
    const trace::TrackId process = m_trace.AddTrack(plan::BackgroundProcessLaneName(), trace::TrackKind::Process);
    const InterpIndex interp = AddInterpreter(plan::BackgroundProcessLaneName(), true, process, false);
    for (int32_t i = 0; i < count; ++i) {
        const trace::TrackId track = m_trace.AddTrack(plan::BackgroundLaneName(i), trace::TrackKind::Thread, process);
        const ThreadIndex t = AddThread(plan::BackgroundLaneName(i), interp, track, m_busyProgram.get());
        m_threads[t].background = true;
        --m_foregroundAlive;
        m_background.push_back(t);
        StartThread(t);
    }
}

bool World::ForegroundActive() const {
    if (m_foregroundAlive <= 0) return false;
    if (m_pendingTimers > 0) return true;
    for (const SimThread& th : m_threads) {
        if (th.background) continue;
        switch (th.state) {
            case ThreadState::Running:
            case ThreadState::WaitingCore:
            case ThreadState::WaitingGil:
            case ThreadState::WaitingSwitch:
            case ThreadState::Sleeping:
            case ThreadState::Waking: return true;
            default: break;
        }
    }
    return false;  // every thread of the program waits for another that never comes: let the run end (a deadlock)
}

void World::StopBackgroundLoad() {
    for (ThreadIndex t : m_background) {
        SimThread& th = m_threads[t];
        if (th.state == ThreadState::Done) continue;
        InterruptBurst(t);
        if (th.core >= 0) VacateCore(t);
        LeaveRunnable(t);
        th.state = ThreadState::Done;
        ++th.token;
        CloseSpan(t);
    }
}

TimeNs World::RunningVruntime(ThreadIndex t) const {
    const SimThread& th = m_threads[t];
    return th.vruntime + (th.core >= 0 ? Now() - th.onCoreSince : 0);
}

TimeNs World::AvgVruntime() const {
    if (m_runnableCount == 0) return m_runQueue.MinVruntime();
    const TimeNs onCores = static_cast<TimeNs>(m_busyCores) * Now() - m_onCoreSinceSum;  // their time on a core so far
    return (m_runnableVruntimeSum + onCores) / m_runnableCount;
}

void World::JoinRunnable(ThreadIndex t) {
    SimThread& th = m_threads[t];
    assert(!th.runnable && th.core < 0);
    th.runnable = true;
    ++m_runnableCount;
    m_runnableVruntimeSum += th.vruntime;
}

void World::LeaveRunnable(ThreadIndex t) {
    SimThread& th = m_threads[t];
    if (!th.runnable) return;
    assert(th.core < 0);
    th.runnable = false;
    --m_runnableCount;
    m_runnableVruntimeSum -= th.vruntime;
}

TimeNs World::MinVruntime() {
    TimeNs least = -1;
    // Every wake-up asks; with every core idle (a lone thread back from I/O) there is nothing to scan.
    if (m_busyCores > 0)
        for (const Core& core : m_cores)
            if (core.thread.Valid()) {
                const TimeNs v = RunningVruntime(core.thread);
                if (least < 0 || v < least) least = v;
            }
    return m_runQueue.RaiseMinVruntime(least);
}

void World::PushRunQueue(ThreadIndex t) {
    SimThread& th = m_threads[t];
    th.state = ThreadState::WaitingCore;
    ++th.token;
    if (th.span.state != trace::SpanState::WaitingGil || !th.span.open)
        SetSpan(t, trace::SpanState::WaitingCore, th.hasAction ? th.action.Task() : trace::TaskId::None());
    th.queuedArrival = m_runQueue.Push(t, th.vruntime);
    if (Eevdf()) ArmTick();
}

// Both drop stale entries first: a busy process that stopped meanwhile, or a thread that got a core another way
// (LAST_BUDDY) or queued again since.
const RunQueueEntry* World::RunQueueHead() {
    return m_runQueue.Head([this](const RunQueueEntry& entry) { return IsQueuedAs(entry); });
}

ThreadIndex World::PopRunQueue() {
    return m_runQueue.Pop([this](const RunQueueEntry& entry) { return IsQueuedAs(entry); });
}

int32_t World::FreeCoreFor(ThreadIndex t) const {
    // The core it was woken onto, if any; else the core the thread last ran on (cache affinity), then the lowest
    // free one: deterministic. A core another woken thread is on its way to is not free.
    int32_t chosen = -1;
    bool chosenIsLast = false;
    for (size_t c = 0; c < m_cores.size(); ++c) {
        const Core& core = m_cores[c];
        if (core.thread.Valid()) continue;
        if (core.claimedBy == t) return static_cast<int32_t>(c);
        if (ClaimedByAnother(core, t)) continue;
        if (core.lastThread == t && !chosenIsLast) {
            chosen = static_cast<int32_t>(c);
            chosenIsLast = true;
        } else if (chosen < 0) {
            chosen = static_cast<int32_t>(c);
        }
    }
    return chosen;
}

bool World::ClaimedByAnother(const Core& core, ThreadIndex t) const {
    return core.claimedBy.Valid() && core.claimedBy != t && m_threads[core.claimedBy].state == ThreadState::Waking;
}

bool World::IdleForLong(int32_t c) const {
    // A core idle for long has to leave a deep idle state first (on this VM: the host halted the vCPU); one that went
    // idle moments ago answers at once. With no free core the woken thread queues on a running one: no idle state
    // to leave, and the wait for a core is the run queue's.
    return c >= 0 && Now() - m_cores[static_cast<size_t>(c)].idleSince >= Profile().shallowIdle;
}

void World::MakeRunnable(ThreadIndex t) {
    SimThread& th = m_threads[t];
    const TimeNs scale = SchedulerScale(m_cores.size());
    const bool eevdf = Eevdf();
    TimeNs average = 0;
    if (eevdf) {
        average = AvgVruntime();
        if (th.vruntime < 0) th.vruntime = average;  // a new thread starts with no lag
        else if (th.lag >= 0) th.vruntime = average - th.lag;  // owed what it was owed when it blocked
        else th.vruntime = std::max(th.vruntime, average);  // not forgiven until the others caught up
    } else if (th.vruntime < 0) {
        th.vruntime = MinVruntime();  // a new thread starts level with the others: it is owed nothing
    } else {
        const TimeNs sleeperCredit = 3'000'000 * scale;  // half of sched_latency
        th.vruntime = std::max(th.vruntime, MinVruntime() - sleeperCredit);
    }
    JoinRunnable(t);
    const int32_t chosen = FreeCoreFor(t);
    if (chosen >= 0) {
        AssignCore(t, chosen);
        return;
    }
    // Every core is busy: preempt the running thread furthest ahead, if it is far enough ahead.
    int32_t victim = -1;
    TimeNs furthest = 0;
    for (size_t c = 0; c < m_cores.size(); ++c) {
        if (!m_cores[c].thread.Valid()) continue;  // free, but another woken thread is on its way to it
        const TimeNs v = RunningVruntime(m_cores[c].thread);
        if (victim < 0 || v > furthest) {
            victim = static_cast<int32_t>(c);
            furthest = v;
        }
    }
    // CFS: ahead of the woken thread by more than the granularity. EEVDF: the woken thread is eligible and the running
    // one is not (an eligible one runs on to the end of its slice).
    const bool preempts = victim >= 0 && (eevdf ? th.vruntime <= average && furthest > average
                                                : furthest - th.vruntime > 1'000'000 * scale);
    if (preempts) {
        const ThreadIndex preempted = m_cores[victim].thread;
        Preempt(preempted);
        AssignCore(t, victim);
        m_cores[victim].preempted = preempted;
        return;
    }
    PushRunQueue(t);
}

void World::AssignCore(ThreadIndex t, int32_t c) {
    SimThread& th = m_threads[t];
    Core& core = m_cores[c];
    assert(!core.thread.Valid());
    core.thread = t;
    core.claimedBy = ThreadIndex{};
    ++m_busyCores;
    th.core = c;
    th.state = ThreadState::Running;
    th.onCoreSince = Now();
    m_onCoreSinceSum += th.onCoreSince;
    TimeNs delay = core.lastThread == t || th.switchInCallTime ? 0 : Profile().contextSwitch;
    th.switchInCallTime = false;
    m_kernel.Schedule(delay, kDispatch, t.EventTarget(), ++th.token);
    if (!Eevdf()) {
        m_kernel.Schedule(delay + Profile().timeSlice, kSliceEnd, static_cast<uint32_t>(c), ++core.token);
        return;
    }
    // EEVDF asks the thread to yield once it has run its base slice, but only a tick notices that (HRTICK is off by
    // default): the first tick after it (OnTick). No kSliceEnd, so core.token has nothing to cancel.
    core.sliceDue = Now() + delay + 750'000 * SchedulerScale(m_cores.size());
}

void World::ArmTick() {
    if (m_tickPending) return;
    m_tickPending = true;
    // Every core's ticks fall on one grid (no skew_tick): the next multiple of the tick.
    const TimeNs tick = Profile().timeSlice;
    m_kernel.Schedule(tick - Now() % tick, kTick, 0);
}

void World::OnTick() {
    m_tickPending = false;
    for (size_t c = 0; c < m_cores.size(); ++c)
        if (m_cores[c].thread.Valid() && Now() >= m_cores[c].sliceDue) YieldIfBehind(static_cast<int32_t>(c));
    if (!RunQueueHead()) return;  // nobody waits: no tick needed until somebody does (PushRunQueue)
    m_tickPending = true;
    m_kernel.Schedule(Profile().timeSlice, kTick, 0);  // one delay, re-armed: the kernel's FIFO lane, no heap work
}

int32_t World::VacateCore(ThreadIndex t) {
    SimThread& th = m_threads[t];
    Core& core = m_cores[th.core];
    th.vruntime += Now() - th.onCoreSince;
    m_runnableVruntimeSum += Now() - th.onCoreSince;
    m_onCoreSinceSum -= th.onCoreSince;
    SetCoreSpan(th.core, false, trace::SpanState::Idle, trace::TaskId::None());
    core.thread = ThreadIndex{};
    --m_busyCores;
    core.lastThread = t;
    core.idleSince = Now();
    ++core.token;
    const int32_t c = th.core;
    th.core = -1;
    return c;
}

void World::ReleaseCore(ThreadIndex t) {
    if (m_threads[t].core < 0) return;
    const int32_t c = VacateCore(t);
    ThreadIndex next = m_cores[c].preempted;
    m_cores[c].preempted = ThreadIndex{};
    if (!next.Valid() || m_threads[next].state != ThreadState::WaitingCore) next = PopRunQueue();
    if (next.Valid()) AssignCore(next, c);
}

void World::Preempt(ThreadIndex t) {
    InterruptBurst(t);
    SimThread& th = m_threads[t];
    if (th.wakerCostSince >= 0) {  // preempted while paying for a wake-up: it owes only the rest
        th.wakerCostDue = std::max<TimeNs>(0, th.wakerCostDue - (Now() - th.wakerCostSince));
        th.wakerCostSince = -1;
    }
    VacateCore(t);
    PushRunQueue(t);
}

void World::OnSliceEnd(int32_t c) {
    Core& core = m_cores[c];
    if (!core.thread.Valid()) return;
    if (!YieldIfBehind(c)) m_kernel.Schedule(Profile().timeSlice, kSliceEnd, static_cast<uint32_t>(c), ++core.token);
}

bool World::YieldIfBehind(int32_t c) {
    Core& core = m_cores[c];
    const ThreadIndex t = core.thread;
    // Yield only to a thread that is behind this one.
    const RunQueueEntry* head = RunQueueHead();
    if (!head || head->vruntime > RunningVruntime(t)) return false;
    core.preempted = ThreadIndex{};
    Preempt(t);
    const ThreadIndex next = PopRunQueue();
    if (next.Valid()) AssignCore(next, c);
    return true;
}

}  // namespace interleave::models
