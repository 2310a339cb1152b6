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

SignalIndex LocksAndSignals::AddSignalViewing(std::string_view waitingFor) {
    Signal signal;
    signal.waitingFor = waitingFor;
    return m_signals.push_back(std::move(signal));
}

SignalIndex LocksAndSignals::AddSignal(std::string waitingFor) {
    if (waitingFor.empty()) return AddSignalViewing({});
    return AddSignalViewing(m_texts.emplace_back(std::move(waitingFor)));
}

void LocksAndSignals::StopWaiting(SignalIndex signal, ThreadIndex t) {
    m_signals[signal].waiters.Remove(t);
}

WaiterList LocksAndSignals::TakeWaiters(SignalIndex signal) { return std::exchange(m_signals[signal].waiters, {}); }

}  // namespace interleave::models
