// The OS model: C cores shared by every runnable thread of every process. A runnable thread takes a
// free core at once; otherwise it queues (FIFO) and runs when a core frees up or when the running
// thread's time slice ends while others wait: round-robin, the behaviour CFS converges to for
// CPU-bound threads of equal weight (Documentation/scheduler/sched-design-CFS.rst). Switching a core to
// another thread costs MachineProfile::contextSwitch before the thread runs.
#include <cassert>

#include "models/world/world.h"

namespace interleave::models {

void World::MakeRunnable(ThreadIndex t) {
    SimThread& th = m_threads[t];
    // Prefer the core the thread last ran on (cache affinity), then the lowest free one: deterministic.
    int32_t chosen = -1;
    for (size_t c = 0; c < m_cores.size(); ++c) {
        if (m_cores[c].thread.Valid()) continue;
        if (m_cores[c].lastThread == t) {
            chosen = static_cast<int32_t>(c);
            break;
        }
        if (chosen < 0) chosen = static_cast<int32_t>(c);
    }
    if (chosen >= 0) {
        AssignCore(t, chosen);
        return;
    }
    th.state = ThreadState::WaitingCore;
    ++th.token;
    if (th.span.state != trace::SpanState::WaitingGil || !th.span.open)
        SetSpan(t, trace::SpanState::WaitingCore, th.hasAction ? th.action.Task() : trace::kNone);
    m_runQueue.push_back(t);
}

void World::AssignCore(ThreadIndex t, int32_t c) {
    SimThread& th = m_threads[t];
    Core& core = m_cores[c];
    assert(!core.thread.Valid());
    core.thread = t;
    th.core = c;
    th.state = ThreadState::Running;
    TimeNs delay = core.lastThread == t ? 0 : Profile().contextSwitch;
    m_kernel.Schedule(delay, kDispatch, t.EventTarget(), ++th.token);
    m_kernel.Schedule(delay + Profile().timeSlice, kSliceEnd, static_cast<uint32_t>(c), ++core.token);
}

void World::ReleaseCore(ThreadIndex t) {
    SimThread& th = m_threads[t];
    if (th.core < 0) return;
    Core& core = m_cores[th.core];
    SetCoreSpan(th.core, false, trace::SpanState::Idle, trace::kNone);
    core.thread = ThreadIndex{};
    core.lastThread = t;
    ++core.token;
    int32_t c = th.core;
    th.core = -1;
    if (!m_runQueue.empty()) {
        ThreadIndex next = m_runQueue.front();
        m_runQueue.pop_front();
        AssignCore(next, c);
    }
}

void World::OnSliceEnd(int32_t c) {
    Core& core = m_cores[c];
    if (!core.thread.Valid()) return;
    if (m_runQueue.empty()) {
        m_kernel.Schedule(Profile().timeSlice, kSliceEnd, static_cast<uint32_t>(c), ++core.token);
        return;
    }
    ThreadIndex t = core.thread;
    InterruptBurst(t);
    ReleaseCore(t);  // hands the core to the head of the queue
    SimThread& th = m_threads[t];
    th.state = ThreadState::WaitingCore;
    ++th.token;
    SetSpan(t, trace::SpanState::WaitingCore, th.hasAction ? th.action.Task() : trace::kNone);
    m_runQueue.push_back(t);
}

}  // namespace interleave::models
