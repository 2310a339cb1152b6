#pragma once
// CFS's run queue (kernel/sched/fair.c): the runnable threads waiting for a core, least vruntime first, and the
// queue's min_vruntime. The OS model (os_scheduler.cpp) decides who queues and when; this only keeps the order.
#include <cstdint>
#include <vector>

#include "models/world/world_ids.h"

namespace interleave::models {

// A runnable thread in the run queue, ordered by vruntime (then by arrival, so equal ones run in turn).
struct RunQueueEntry {
    TimeNs vruntime = 0;
    uint64_t arrival = 0;
    ThreadIndex thread;
};

// A thread is not taken out of the queue when it stops waiting there (a busy process that stopped, a thread that
// got a core another way, or queued again since): its entry goes stale and is dropped once it reaches the head.
// The caller tells a current entry from a stale one by the arrival Push handed out for it.
class RunQueue {
public:
    // Queues `thread` at `vruntime`. Returns the entry's arrival, 1 and up (0 is free for "never queued").
    uint64_t Push(ThreadIndex thread, TimeNs vruntime);
    // The entry that runs next, after dropping the stale entries in front of it (those `isCurrent` refuses);
    // null if none is left. A template, not a std::function: it is asked on every dispatch.
    template <typename IsCurrent>
    const RunQueueEntry* Head(const IsCurrent& isCurrent) {
        while (!m_heap.empty()) {
            if (isCurrent(m_heap.front())) return &m_heap.front();
            DropFront();
        }
        return nullptr;
    }
    // Takes Head's thread out of the queue; none if no current entry is left.
    template <typename IsCurrent>
    ThreadIndex Pop(const IsCurrent& isCurrent) {
        const RunQueueEntry* head = Head(isCurrent);
        if (!head) return ThreadIndex{};
        const ThreadIndex thread = head->thread;
        DropFront();
        return thread;
    }
    // CFS's min_vruntime, raised to the least of `leastRunning` (the least vruntime on a core, -1 for no thread on
    // one) and the queue's front, and never lowered. The front counts as it stands, even a stale entry not yet
    // dropped: the World always read it so, and reading past them could change its traces.
    TimeNs RaiseMinVruntime(TimeNs leastRunning);
    TimeNs MinVruntime() const { return m_minVruntime; }
    // Entries, stale ones included.
    size_t Size() const { return m_heap.size(); }

private:
    void DropFront();

    std::vector<RunQueueEntry> m_heap;  // a min-heap by (vruntime, arrival), through std::push_heap/pop_heap
    uint64_t m_arrivals = 0;
    TimeNs m_minVruntime = 0;
};

}  // namespace interleave::models
