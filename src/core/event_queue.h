#pragma once
// The discrete-event kernel. Virtual time is int64 nanoseconds. Events are ordered by
// (time, priority, sequence): equal times resolve the same way on every platform, so the same
// scenario always gives the same trace.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace interleave::core {

using TimeNs = int64_t;

struct Event {
    TimeNs time = 0;
    uint64_t order = 0;     // priority in the top 24 bits, then the insertion sequence: see Kernel
    uint32_t target = 0;    // what the event is for (a thread, a core, a timer): the model decides
    uint32_t kind = 0;      // what happens: the model decides
    uint32_t token = 0;     // a generation stamp; a model drops events whose token is stale
    uint32_t unused = 0;

    int32_t Priority() const { return static_cast<int32_t>(order >> kSequenceBits) - kPriorityBias; }
    uint64_t Sequence() const { return order & ((uint64_t{1} << kSequenceBits) - 1); }
    // Packs (priority, sequence) so one integer comparison orders them: 32-byte events, two compares.
    static uint64_t Order(int32_t priority, uint64_t sequence) {
        return (static_cast<uint64_t>(priority + kPriorityBias) << kSequenceBits) | sequence;
    }
    static constexpr int kSequenceBits = 40;      // 10^12 events, far past Limits::kMaxEvents
    static constexpr int32_t kPriorityBias = 1 << 23;  // priorities in [-2^23, 2^23)
};

inline bool RunsBefore(const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.order < b.order;
}

// A 4-ary min-heap: shallower than a binary heap, so fewer cache misses per pop.
class EventQueue {
public:
    void Push(Event event);
    Event Pop();  // precondition: !Empty()
    const Event& Top() const { return m_heap.front(); }
    bool Empty() const { return m_heap.empty(); }
    size_t Size() const { return m_heap.size(); }
    void Clear() { m_heap.clear(); }
    void Reserve(size_t n) { m_heap.reserve(n); }

private:
    std::vector<Event> m_heap;
};

// A FIFO of events that all share one delay and priority. Such events are pushed in the order they
// run, so a ring buffer keeps them sorted for free: no heap work for the timers a model re-arms over and
// over (GIL timeouts, time slices, dispatch latencies).
class EventLane {
public:
    bool Empty() const { return m_head == m_tail; }
    size_t Size() const { return m_tail - m_head; }
    const Event& Front() const { return m_ring[m_head & m_mask]; }
    void PopFront() { ++m_head; }
    void PushBack(const Event& event);

    TimeNs delay = 0;
    int32_t priority = 0;

private:
    std::vector<Event> m_ring;
    size_t m_mask = 0;
    size_t m_head = 0;  // free-running indices; the ring index is index & m_mask
    size_t m_tail = 0;
};

// Events in (time, priority, sequence) order: a heap, and beside it FIFO lanes for events that share
// one delay and priority. Top() is the earliest of the heap's top and the lanes' fronts by the same key,
// so the order is exactly what the heap alone would give. The kernel keeps its events here, and
// asyncio's loop its timers (call_later for every await of the same duration lands in one lane).
class LanedQueue {
public:
    // `delay`: how far ahead of the clock `event.time` is; with the priority it picks the lane. The
    // clock never goes back, so a lane that only takes one (delay, priority) stays sorted.
    void Push(const Event& event, TimeNs delay, int32_t priority);
    const Event& Top() const;  // precondition: !Empty()
    Event Pop();               // precondition: !Empty()
    bool Empty() const { return m_size == 0; }
    size_t Size() const { return m_size; }

    static constexpr int kLanes = 8;

private:
    static constexpr int kHeap = -1;
    static constexpr int kHints = 16;
    int LaneFor(TimeNs delay, int32_t priority);  // the lane for this key, keyed now if need be, or kHeap
    int EarliestSource() const;  // the lane holding the earliest event, or kHeap: kept from Top() to Pop()
    static int HintSlot(TimeNs delay, int32_t priority) {
        return static_cast<int>((static_cast<uint64_t>(delay) * 0x9E3779B97F4A7C15ull) >> 60 ^
                                (static_cast<uint32_t>(priority) & (kHints - 1)));
    }

    EventQueue m_heap;
    EventLane m_lanes[kLanes];
    // Each filled lane's front (time, order), side by side: a pop compares them all, and these
    // two arrays are two cache lines where the lanes' rings are eight.
    TimeNs m_frontTime[kLanes] = {};
    uint64_t m_frontOrder[kLanes] = {};
    // The last key that hashed to this slot and the lane it went to (kHeap: none). A key gets a lane only
    // when it comes again: a burst's remainder or a randomised latency, seen once, stays in the heap
    // instead of holding a lane that every pop would compare.
    struct Hint {
        TimeNs delay = -1;
        int32_t priority = 0;
        int32_t lane = kHeap;
    };
    Hint m_hints[kHints];
    uint32_t m_filled = 0;  // bit i: lane i has events
    size_t m_size = 0;
    mutable int m_earliest = kHeap;
    mutable bool m_earliestKnown = false;
};

// The clock and the queue together. The model pulls events one at a time and handles them.
class Kernel {
public:
    TimeNs Now() const { return m_now; }
    // Schedules an event `delay` ns from now (delay >= 0).
    void Schedule(TimeNs delay, uint32_t kind, uint32_t target, uint32_t token = 0, int32_t priority = 0);
    void ScheduleAt(TimeNs time, uint32_t kind, uint32_t target, uint32_t token = 0, int32_t priority = 0);
    bool HasEvents() const { return !m_queue.Empty(); }
    // Advances the clock to the next event and returns it. Precondition: HasEvents().
    Event Next();
    uint64_t Processed() const { return m_processed; }
    size_t Pending() const { return m_queue.Size(); }

private:
    LanedQueue m_queue;
    TimeNs m_now = 0;
    uint64_t m_sequence = 0;
    uint64_t m_processed = 0;
};

}  // namespace interleave::core
