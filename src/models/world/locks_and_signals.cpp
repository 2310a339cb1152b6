#include "models/world/locks_and_signals.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace interleave::models {

bool LocksAndSignals::TryAcquire(int32_t lock, ThreadIndex t, TimeNs now) {
    SimLock& l = m_locks[static_cast<size_t>(lock)];
    if (l.holder.Valid()) return false;
    l.holder = t;
    l.heldSince = now;
    return true;
}

ThreadIndex LocksAndSignals::Release(int32_t lock, ThreadIndex t) {
    SimLock& l = m_locks[static_cast<size_t>(lock)];
    assert(l.holder == t);
    (void)t;
    l.holder = ThreadIndex{};
    if (l.waiters.empty()) return ThreadIndex{};
    const ThreadIndex next = l.waiters.front();
    l.waiters.pop_front();
    return next;
}

SignalIndex LocksAndSignals::AddSignal(std::string waitingFor) {
    Signal signal;
    signal.waitingFor = std::move(waitingFor);
    return m_signals.push_back(std::move(signal));
}

void LocksAndSignals::StopWaiting(SignalIndex signal, ThreadIndex t) {
    std::vector<ThreadIndex>& waiters = m_signals[signal].waiters;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), t), waiters.end());
}

std::vector<ThreadIndex> LocksAndSignals::TakeWaiters(SignalIndex signal) {
    std::vector<ThreadIndex> waiters;
    waiters.swap(m_signals[signal].waiters);
    return waiters;
}

}  // namespace interleave::models
