#include "models/os/run_queue.h"

#include <algorithm>

namespace interleave::models {

namespace {

bool RunsBefore(const RunQueueEntry& a, const RunQueueEntry& b) {
    return a.vruntime != b.vruntime ? a.vruntime < b.vruntime : a.arrival < b.arrival;
}

// std::push_heap/pop_heap keep the greatest first: order by "runs after".
bool RunsAfter(const RunQueueEntry& a, const RunQueueEntry& b) {
    return RunsBefore(b, a);
}

}  // namespace

uint64_t RunQueue::Push(ThreadIndex thread, TimeNs vruntime) {
    const uint64_t arrival = ++m_arrivals;
    m_heap.push_back(RunQueueEntry{vruntime, arrival, thread});
    std::push_heap(m_heap.begin(), m_heap.end(), RunsAfter);
    return arrival;
}

void RunQueue::DropFront() {
    std::pop_heap(m_heap.begin(), m_heap.end(), RunsAfter);
    m_heap.pop_back();
}

TimeNs RunQueue::RaiseMinVruntime(TimeNs leastRunning) {
    TimeNs least = leastRunning;
    if (!m_heap.empty() && (least < 0 || m_heap.front().vruntime < least)) least = m_heap.front().vruntime;
    if (least > m_minVruntime) m_minVruntime = least;
    return m_minVruntime;
}

}  // namespace interleave::models
