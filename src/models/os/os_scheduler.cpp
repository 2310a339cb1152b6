// The OS model: C cores shared by every runnable thread of every process, and of the other programs on the
// machine (machine.background_load). It follows Linux's fair scheduler (CFS, kernel/sched/fair.c, as in the 6.1
// kernel of Debian 12) in the three ways that decide what the GIL does:
//  - Each thread's CPU time is its vruntime (all threads weigh alike). A runnable thread takes a free core at
//    once; otherwise it queues, and the queue runs the thread with the least vruntime first.
//  - A thread that slept is placed no further back than min_vruntime minus half a latency period
//    (place_entity(), GENTLE_FAIR_SLEEPERS), and preempts a running thread whose vruntime is ahead of its own by
//    more than the wake-up granularity (check_preempt_wakeup()). So an I/O thread that mostly sleeps runs at
//    once on a busy machine, while a CPU-bound thread woken by the GIL's signal waits for a time slice to end.
//  - A running thread keeps its core until its time slice ends while others wait, then yields to the queue's
//    least vruntime: round-robin for CPU-bound threads of equal weight.
// The latencies scale with the cores as the kernel's do (SCHED_TUNABLESCALING_LOG: 1 + log2(min(cores, 8))):
// sched_latency 6 ms and wakeup_granularity 1 ms at one core. Switching a core to another thread costs
// MachineProfile::contextSwitch before the thread runs.
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
        th.state = ThreadState::Done;
        ++th.token;
        CloseSpan(t);
    }
}

TimeNs World::RunningVruntime(ThreadIndex t) const {
    const SimThread& th = m_threads[t];
    return th.vruntime + (th.core >= 0 ? Now() - th.onCoreSince : 0);
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
    if (th.vruntime < 0) {
        th.vruntime = MinVruntime();  // a new thread starts level with the others: it is owed nothing
    } else {
        const TimeNs sleeperCredit = 3'000'000 * scale;  // half of sched_latency
        th.vruntime = std::max(th.vruntime, MinVruntime() - sleeperCredit);
    }
    const int32_t chosen = FreeCoreFor(t);
    if (chosen >= 0) {
        AssignCore(t, chosen);
        return;
    }
    // Every core is busy: preempt the running thread furthest ahead, if it is ahead by more than the granularity.
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
    const TimeNs wakeupGranularity = 1'000'000 * scale;
    if (victim >= 0 && furthest - th.vruntime > wakeupGranularity) {
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
    TimeNs delay = core.lastThread == t ? 0 : Profile().contextSwitch;
    m_kernel.Schedule(delay, kDispatch, t.EventTarget(), ++th.token);
    m_kernel.Schedule(delay + Profile().timeSlice, kSliceEnd, static_cast<uint32_t>(c), ++core.token);
}

int32_t World::VacateCore(ThreadIndex t) {
    SimThread& th = m_threads[t];
    Core& core = m_cores[th.core];
    th.vruntime += Now() - th.onCoreSince;
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
    const ThreadIndex t = core.thread;
    // Yield only to a thread that is behind this one.
    const RunQueueEntry* head = RunQueueHead();
    if (!head || head->vruntime > RunningVruntime(t)) {
        m_kernel.Schedule(Profile().timeSlice, kSliceEnd, static_cast<uint32_t>(c), ++core.token);
        return;
    }
    core.preempted = ThreadIndex{};
    Preempt(t);
    const ThreadIndex next = PopRunQueue();
    if (next.Valid()) AssignCore(next, c);
}

}  // namespace interleave::models
