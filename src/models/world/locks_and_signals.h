#pragma once
// The World's threading.Locks and signals (what a queue, a join or an event waits on), with the threads waiting on
// each in order. This keeps who holds and who waits; the World blocks and wakes the threads.
#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "models/world/world_ids.h"

namespace interleave::models {

struct SimLock {
    ThreadIndex holder;
    TimeNs heldSince = 0;
    std::deque<ThreadIndex> waiters;
};

struct Signal {
    std::vector<ThreadIndex> waiters;
    std::string waitingFor;  // what a waiter waits for, for the deadlock message: "an item on queue \"jobs\""
};

class LocksAndSignals {
public:
    // Locks are numbered as the scenario's names are (as are the World's counters): `locks` of them, all free.
    explicit LocksAndSignals(size_t locks) : m_locks(locks) {}

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
    SignalIndex AddSignal(std::string waitingFor = {});
    void Wait(SignalIndex signal, ThreadIndex t) { m_signals[signal].waiters.push_back(t); }
    // `t` stops waiting on it before a notify (its deadline passed).
    void StopWaiting(SignalIndex signal, ThreadIndex t);
    // Every thread waiting on it, in order, taken off it (Notify). Some may have stopped waiting meanwhile.
    std::vector<ThreadIndex> TakeWaiters(SignalIndex signal);
    // Takes waiters off it in order until one `stillWaits` (NotifyOne): returns that one, or none.
    template <typename StillWaits>
    ThreadIndex TakeFirstWaiter(SignalIndex signal, const StillWaits& stillWaits) {
        std::vector<ThreadIndex>& waiters = m_signals[signal].waiters;
        while (!waiters.empty()) {
            const ThreadIndex w = waiters.front();
            waiters.erase(waiters.begin());
            if (stillWaits(w)) return w;
        }
        return ThreadIndex{};
    }
    const std::string& WaitingFor(SignalIndex signal) const { return m_signals[signal].waitingFor; }

private:
    std::vector<SimLock> m_locks;
    ById<SignalIndex, std::deque<Signal>> m_signals;
};

}  // namespace interleave::models
