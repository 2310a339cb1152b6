// The GIL, after CPython's Python/ceval_gil.c (the "new GIL" of 3.2, unchanged in essence through 3.13):
//  - take_gil(): a thread that finds the GIL locked waits on a condition variable for one switch
//    interval (sys.getswitchinterval(), 5 ms). If it times out and no switch happened meanwhile
//    (switch_number unchanged), it sets gil_drop_request and waits again.
//  - The holder checks the eval breaker between bytecodes; seeing the drop request it calls drop_gil().
//  - drop_gil() unlocks and signals one waiter: mostly the one that asked (requester_wins), which is still on its
//    way back to sleep, else the longest sleeper. Signalling costs the signaller a futex wake (waker_cost).
//    Under FORCE_SWITCHING (always defined), if a drop request was pending, the dropping thread then waits on
//    switch_cond until another thread has taken the GIL, so it cannot grab it straight back.
//  - Blocking I/O and GIL-releasing C code (Py_BEGIN_ALLOW_THREADS) drop the GIL through the same
//    drop_gil() and take it again with take_gil() afterwards. A thread returning from fast I/O beside a
//    CPU-bound thread therefore waits a whole interval each time: the convoy effect (bpo-7946).
#include <algorithm>
#include <utility>

#include "models/world/world.h"

namespace interleave::models {

void World::CloseGilSpan(InterpIndex i) {
    const Gil& gil = m_interps[i].gil;
    const bool held = gil.holder.Valid();
    m_spanRecording.CloseGilSpan(i, gil.track, held, held ? m_threads[gil.holder].track : trace::TrackId::None(),
                                 Now());
}

bool World::TryTakeGil(ThreadIndex t) {
    SimThread& th = m_threads[t];
    Interpreter& interp = m_interps[th.interp];
    Gil& gil = interp.gil;
    // Back on a core after its timed wait ran out (OnGilTimeout): it asks below if the GIL is still taken.
    const bool timedOut = std::exchange(th.gilWait.timedOut, false);
    if (!gil.holder.Valid()) {
        CloseGilSpan(th.interp);
        gil.holder = t;
        gil.heldSince = Now();
        if (gil.lastHolder != t) {
            ++gil.switchNumber;
            if (gil.lastHolder.Valid())
                m_trace.instants.push_back(trace::Instant{Now(), th.track, trace::InstantKind::GilHandoff,
                                                          m_threads[gil.lastHolder].track,
                                                          th.hasAction ? th.action.Task() : trace::TaskId::None()});
        }
        gil.lastHolder = t;
        gil.dropRequest = false;  // take_gil(): RESET_GIL_DROP_REQUEST once we hold it
        gil.requester = ThreadIndex{};
        th.gilWait.queueStamp = 0;  // its queue entry, if any, is stale now
        ++th.gilWait.token;  // no more timeouts for this wait
        // FORCE_SWITCHING: COND_SIGNAL(switch_cond) releases the thread that dropped it for us.
        std::vector<ThreadIndex> released;
        released.swap(gil.switchWaiters);
        for (ThreadIndex w : released)
            if (m_threads[w].state == ThreadState::WaitingSwitch) Wake(w, t);
        return true;
    }
    if (timedOut) RequestGilDrop(t);
    // COND_TIMED_WAIT(gil->cond, interval): off the core until signalled or timed out.
    trace::TaskId task = th.hasAction ? th.action.Task() : trace::TaskId::None();
    Block(t, ThreadState::WaitingGil, trace::SpanState::WaitingGil, task, m_threads[gil.holder].track, gil.heldSince);
    EnterGilWait(t);
    return false;
}

void World::EnterGilWait(ThreadIndex t) {
    // Each pass of take_gil()'s loop is a new COND_TIMED_WAIT on gil->cond, and glibc's condition variable wakes
    // its sleeping waiters in the order their waits began (a futex queue). So a thread that timed out, or was
    // signalled and found the GIL taken again, sleeps behind every thread that began waiting since: its old place is
    // stale. (The thread that just asked for a drop is not asleep yet when the holder signals: DropGil.)
    SimThread& th = m_threads[t];
    Gil& gil = m_interps[th.interp].gil;
    th.gilWait.queueStamp = ++gil.queueStamps;
    gil.waiters.emplace_back(t, th.gilWait.queueStamp);
    th.gilWait.savedSwitchNumber = gil.switchNumber;
    // The timer fires timer_slack after the interval (hrtimers expire a slack timer at its latest when nothing wakes
    // the core sooner), and the waiter looks at the GIL timer_wakeup after that: the timer's interrupt has to wake
    // the core it sleeps on, idle since the wait began (wake_probe.c --timer measures the two together). A seeded
    // run spreads that wake-up as it spreads the others.
    m_kernel.Schedule(Profile().switchInterval + Profile().timerSlack + Spread(Profile().timerWakeup), kGilTimeout,
                      t.EventTarget(), ++th.gilWait.token);
}

bool World::DropGil(ThreadIndex t, bool allowSwitchWait) {
    SimThread& th = m_threads[t];
    Interpreter& interp = m_interps[th.interp];
    Gil& gil = interp.gil;
    CloseGilSpan(th.interp);
    gil.holder = ThreadIndex{};
    const bool requested = gil.dropRequest;
    ThreadIndex signalled;
    // The thread that asked is back in pthread_cond_timedwait() but not yet asleep: it takes the signal, and the waiter
    // the futex wakes (the queue's first) finds none and sleeps again, at the back. The asker was awake but blocks on
    // gil->mutex, which the dropper holds through the futex wake it sends: it runs once that wake is paid and the
    // mutex is handed over (a wake-up onto the core it just left).
    // It is awake only if the holder answers at once, at its eval-breaker check; a holder that drops later (it was in
    // C code, off its core, or paying for a wake-up) finds the asker asleep again, behind the others.
    const ThreadIndex asker = gil.requester;
    if (requested && asker.Valid() && asker != t && m_threads[asker].state == ThreadState::WaitingGil &&
        Now() - m_threads[asker].gilWait.dropRequestAt <= Profile().evalBreakerLatency && RequesterWins(gil)) {
        TimeNs futile = 0;
        for (size_t i = 0; i < gil.waiters.size(); ++i) {
            auto [waiter, stamp] = gil.waiters[i];
            SimThread& w = m_threads[waiter];
            if (waiter == asker || w.gilWait.queueStamp != stamp || w.state != ThreadState::WaitingGil) continue;
            const bool longIdle = IdleForLong(FreeCoreFor(waiter));
            futile = WakerCost(longIdle);
            w.gilWait.queueStamp = ++gil.queueStamps;  // its timed wait goes on, from the back of the queue
            gil.waiters.emplace_back(waiter, w.gilWait.queueStamp);
            break;
        }
        SimThread& a = m_threads[asker];
        a.gilWait.queueStamp = 0;
        ++a.gilWait.token;
        signalled = asker;
        Wake(asker, ThreadIndex{}, futile, true);
    }
    while (!gil.waiters.empty() && !signalled.Valid()) {
        auto [waiter, stamp] = gil.waiters.front();
        gil.waiters.pop_front();
        SimThread& w = m_threads[waiter];
        if (w.gilWait.queueStamp != stamp || w.state != ThreadState::WaitingGil) continue;
        w.gilWait.queueStamp = 0;
        signalled = waiter;
        ++w.gilWait.token;
        Wake(signalled, t);
    }
    if (!(requested && Profile().forcedSwitching && allowSwitchWait && signalled.Valid())) return false;
    gil.dropRequest = false;
    gil.switchWaiters.push_back(t);
    trace::TaskId task = th.hasAction ? th.action.Task() : trace::TaskId::None();
    Block(t, ThreadState::WaitingSwitch, trace::SpanState::WaitingGil, task, m_threads[signalled].track, Now());
    return true;
}

bool World::RequesterWins(Gil& gil) {
    const double share = Profile().requesterWins;
    if (m_scenario.machine.seed != 0) return NextUniform() < share;
    // The deterministic run: the requester wins its share of the switches made on request, spread evenly (three in
    // four by default), so the waiters it passes over still run.
    const uint64_t n = ++gil.requestedSwitches;
    const auto turns = [share](uint64_t k) { return static_cast<uint64_t>(static_cast<double>(k) * share); };
    return turns(n) > turns(n - 1);
}

void World::OnGilTimeout(ThreadIndex t) {
    SimThread& th = m_threads[t];
    if (th.state != ThreadState::WaitingGil) return;
    // A timed wait that ends while the GIL is free (dropped, the thread signalled for it not yet there) returns to
    // take_gil()'s loop, which finds it unlocked and takes it: the signalled thread, once it runs, finds it taken and
    // waits a new interval. tests/reference/programs/gil_replica.c with an I/O thread counted it: beside two CPU-bound
    // threads, 30-37 of the 38-43 requests the I/O thread lost went to a thread whose wait had just timed out, not to
    // the one the signal woke (docs/models.md, "The GIL").
    const bool gilFree = !m_interps[th.interp].gil.holder.Valid();
    const int32_t freeCore = FreeCoreFor(t);
    if (gilFree || freeCore < 0) {
        // The timed wait returns in the waiting thread, which needs a core to look at the GIL again. With every core
        // busy it preempts one or queues (MakeRunnable); it asks once it runs (TryTakeGil), which on a busy machine
        // can be a time slice later while the holder runs on.
        th.gilWait.timedOut = true;
        th.gilWait.queueStamp = 0;  // out of the GIL's waiter queue: it is not asleep on gil->cond now
        ++th.gilWait.token;
        // Onto a free core, its switch there is part of timer_wakeup (wake_probe.c --timer timed the wait's return).
        if (freeCore >= 0) th.switchInCallTime = true;
        MakeRunnable(t);
        return;
    }
    RequestGilDrop(t);
    EnterGilWait(t);
}

void World::RequestGilDrop(ThreadIndex t) {
    SimThread& th = m_threads[t];
    Gil& gil = m_interps[th.interp].gil;
    if (!gil.holder.Valid() || gil.switchNumber != th.gilWait.savedSwitchNumber || gil.dropRequest) return;
    gil.dropRequest = true;
    gil.requester = t;
    th.gilWait.dropRequestAt = Now();
    const ThreadIndex holder = gil.holder;
    m_trace.instants.push_back(trace::Instant{Now(), th.track, trace::InstantKind::DropRequest, m_threads[holder].track,
                                              th.hasAction ? th.action.Task() : trace::TaskId::None()});
    SimThread& h = m_threads[holder];
    const ComputeAction* compute = h.action.As<ComputeAction>();
    if (h.state == ThreadState::Running && h.inBurst && (!compute || compute->interruptible))
        m_kernel.Schedule(Profile().evalBreakerLatency, kEvalBreaker, holder.EventTarget(), h.token);
}

void World::OnEvalBreaker(ThreadIndex t) {
    SimThread& th = m_threads[t];
    Gil& gil = m_interps[th.interp].gil;
    if (th.state != ThreadState::Running || !th.inBurst || gil.holder != t || !gil.dropRequest) return;
    InterruptBurst(t);
    if (DropGil(t, true)) return;
    if (TryTakeGil(t)) Advance(t);  // pays for any signal first, then computes on
}

}  // namespace interleave::models
