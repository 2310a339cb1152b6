#pragma once
// The World's threading.Locks and signals (what a queue, a join or an event waits on), with the threads waiting on
// each in order. This keeps who holds and who waits; the World blocks and wakes the threads.
#include <algorithm>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "models/world/world_ids.h"

namespace interleave::models {

struct SimLock {
    ThreadIndex holder;
    TimeNs heldSince = 0;
    std::deque<ThreadIndex> waiters;
};

// The threads waiting on a signal, in the order they began to wait. Most signals have at most one waiter at a time
// (a Thread.start() hand-shake, a join, a worker waiting for work), so the first waits inline and only the others take
// the heap: 10,000 threads' start hand-shakes allocate nothing here.
class WaiterList {
public:
    bool Empty() const { return !m_first.Valid(); }
    void PushBack(ThreadIndex t) {
        if (m_first.Valid()) m_rest.push_back(t);
        else m_first = t;
    }
    ThreadIndex PopFront() {
        const ThreadIndex front = m_first;
        m_first = ThreadIndex{};
        if (!m_rest.empty()) {
            m_first = m_rest.front();
            m_rest.erase(m_rest.begin());
        }
        return front;
    }
    // Drops every entry of `t`.
    void Remove(ThreadIndex t) {
        m_rest.erase(std::remove(m_rest.begin(), m_rest.end(), t), m_rest.end());
        if (m_first == t) PopFront();
    }
    template <typename Each>
    void ForEach(const Each& each) const {
        if (!m_first.Valid()) return;
        each(m_first);
        for (ThreadIndex t : m_rest) each(t);
    }
    std::vector<ThreadIndex> ToVector() const {
        std::vector<ThreadIndex> all;
        ForEach([&](ThreadIndex t) { all.push_back(t); });
        return all;
    }

private:
    ThreadIndex m_first;
    std::vector<ThreadIndex> m_rest;
};

struct Signal {
    WaiterList waiters;
    // What a waiter waits for, for the deadlock message: "an item on queue \"jobs\"". Points at a string literal or
    // at the text LocksAndSignals keeps for it.
    std::string_view waitingFor;
};

class LocksAndSignals {
public:
    // Locks are numbered as the scenario's names are (as are the World's counters): `locks` of them, all free.
    explicit LocksAndSignals(size_t locks) : m_locks(locks) {}
    // Moved, never copied: a signal's text may point into m_texts, whose strings a move leaves where they are.
    LocksAndSignals(const LocksAndSignals&) = delete;
    LocksAndSignals& operator=(const LocksAndSignals&) = delete;
    LocksAndSignals(LocksAndSignals&&) = default;
    LocksAndSignals& operator=(LocksAndSignals&&) = default;

    // [SECTION] Locks (threading.Lock: not fair, a woken waiter may find it taken again)
    // Takes the lock for `t` if it is free.
    bool TryAcquire(int32_t lock, ThreadIndex t, TimeNs now);
    // `t` blocks on the lock, behind those already blocked on it.
    void Enqueue(int32_t lock, ThreadIndex t) { m_locks[static_cast<size_t>(lock)].waiters.push_back(t); }
    // `t`, the holder, releases it. Returns the longest blocked waiter, out of the queue now, for the World to wake
    // (to retry: it may find the lock taken again); none if nobody waits.
    ThreadIndex Release(int32_t lock, ThreadIndex t);
    const SimLock& Lock(int32_t lock) const { return m_locks[static_cast<size_t>(lock)]; }

    // [SECTION] Signals
    SignalIndex AddSignal() { return AddSignalViewing({}); }
    // `waitingFor` a string literal: kept as a pointer, so the many signals of thread start-ups allocate nothing.
    SignalIndex AddSignal(const char* waitingFor) { return AddSignalViewing(waitingFor); }
    // A text built for this signal: kept as a copy.
    SignalIndex AddSignal(std::string waitingFor);
    void Wait(SignalIndex signal, ThreadIndex t) { m_signals[signal].waiters.PushBack(t); }
    // `t` stops waiting on it before a notify (its deadline passed).
    void StopWaiting(SignalIndex signal, ThreadIndex t);
    // Every thread waiting on it, in order, taken off it (Notify). Some may have stopped waiting meanwhile.
    WaiterList TakeWaiters(SignalIndex signal);
    // Takes waiters off it in order until one `stillWaits` (NotifyOne): returns that one, or none.
    template <typename StillWaits>
    ThreadIndex TakeFirstWaiter(SignalIndex signal, const StillWaits& stillWaits) {
        WaiterList& waiters = m_signals[signal].waiters;
        while (!waiters.Empty()) {
            const ThreadIndex w = waiters.PopFront();
            if (stillWaits(w)) return w;
        }
        return ThreadIndex{};
    }
    std::string_view WaitingFor(SignalIndex signal) const { return m_signals[signal].waitingFor; }

private:
    SignalIndex AddSignalViewing(std::string_view waitingFor);  // `waitingFor` outlives the signal

    std::vector<SimLock> m_locks;
    ById<SignalIndex, std::deque<Signal>> m_signals;
    std::deque<std::string> m_texts;  // the texts of AddSignal(std::string): a deque never moves what it holds
};

}  // namespace interleave::models
