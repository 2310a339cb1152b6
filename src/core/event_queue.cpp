#include "core/event_queue.h"

#include <bit>
#include <cassert>
#include <cstdint>
#include <utility>

namespace interleave::core {

void EventQueue::Push(Event event) {
    size_t index = m_heap.size();
    m_heap.push_back(event);
    while (index > 0) {
        size_t parent = (index - 1) / 4;
        if (!RunsBefore(event, m_heap[parent])) break;
        m_heap[index] = m_heap[parent];
        index = parent;
    }
    m_heap[index] = event;
}

Event EventQueue::Pop() {
    assert(!m_heap.empty());
    Event top = m_heap.front();
    Event last = m_heap.back();
    m_heap.pop_back();
    size_t size = m_heap.size();
    if (size == 0) return top;
    size_t index = 0;
    for (;;) {
        size_t first = index * 4 + 1;
        if (first >= size) break;
        size_t best = first;
        size_t end = first + 4 < size ? first + 4 : size;
        for (size_t child = first + 1; child < end; ++child)
            if (RunsBefore(m_heap[child], m_heap[best])) best = child;
        if (!RunsBefore(m_heap[best], last)) break;
        m_heap[index] = m_heap[best];
        index = best;
    }
    m_heap[index] = last;
    return top;
}

void EventLane::PushBack(const Event& event) {
    if (Size() == m_ring.size()) {
        // Grow by unrolling the ring into a buffer twice the size.
        std::vector<Event> grown(m_ring.empty() ? 16 : m_ring.size() * 2);
        for (size_t i = 0, n = Size(); i < n; ++i) grown[i] = m_ring[(m_head + i) & m_mask];
        m_tail = Size();
        m_head = 0;
        m_ring.swap(grown);
        m_mask = m_ring.size() - 1;
    }
    m_ring[m_tail & m_mask] = event;
    ++m_tail;
}

int LanedQueue::LaneFor(TimeNs delay, int32_t priority) {
    const auto keyed = [&](int lane) { return m_lanes[lane].delay == delay && m_lanes[lane].priority == priority; };
    Hint& hint = m_hints[HintSlot(delay, priority)];
    const bool seenBefore = hint.delay == delay && hint.priority == priority;
    // A lane keyed to this delay and priority takes the event even if it has emptied since.
    if (seenBefore && hint.lane != kHeap && keyed(hint.lane)) return hint.lane;
    int lane = kHeap;
    for (uint32_t filled = m_filled; filled != 0; filled &= filled - 1) {
        const int candidate = std::countr_zero(filled);
        if (keyed(candidate)) {
            lane = candidate;
            break;
        }
    }
    const uint32_t empty = ~m_filled & ((1u << kLanes) - 1);
    if (lane == kHeap && seenBefore && empty != 0) {
        // An empty lane can be re-keyed to any delay and priority.
        lane = std::countr_zero(empty);
        m_lanes[lane].delay = delay;
        m_lanes[lane].priority = priority;
    }
    hint = Hint{delay, priority, lane};
    return lane;
}

void LanedQueue::Push(const Event& event, TimeNs delay, int32_t priority) {
    ++m_size;
    m_earliestKnown = false;
    const int lane = LaneFor(delay, priority);
    if (lane == kHeap) {
        m_heap.Push(event);
        return;
    }
    if (!(m_filled >> lane & 1u)) {
        m_filled |= 1u << lane;
        m_frontTime[lane] = event.time;
        m_frontOrder[lane] = event.order;
    }
    m_lanes[lane].PushBack(event);
}

int LanedQueue::EarliestSource() const {
    assert(m_size > 0);
    if (m_earliestKnown) return m_earliest;
    int source = kHeap;
    TimeNs bestTime = INT64_MAX;
    uint64_t bestOrder = UINT64_MAX;
    if (!m_heap.Empty()) {
        bestTime = m_heap.Top().time;
        bestOrder = m_heap.Top().order;
    }
    for (uint32_t filled = m_filled; filled != 0; filled &= filled - 1) {
        const int lane = std::countr_zero(filled);
        const TimeNs time = m_frontTime[lane];
        if (time < bestTime || (time == bestTime && m_frontOrder[lane] < bestOrder)) {
            bestTime = time;
            bestOrder = m_frontOrder[lane];
            source = lane;
        }
    }
    m_earliest = source;
    m_earliestKnown = true;
    return source;
}

const Event& LanedQueue::Top() const {
    const int source = EarliestSource();
    return source == kHeap ? m_heap.Top() : m_lanes[source].Front();
}

Event LanedQueue::Pop() {
    const int source = EarliestSource();
    m_earliestKnown = false;
    --m_size;
    if (source == kHeap) return m_heap.Pop();
    EventLane& lane = m_lanes[source];
    const Event event = lane.Front();
    lane.PopFront();
    if (lane.Empty()) {
        m_filled &= ~(1u << source);
    } else {
        m_frontTime[source] = lane.Front().time;
        m_frontOrder[source] = lane.Front().order;
    }
    return event;
}

void Kernel::Schedule(TimeNs delay, uint32_t kind, uint32_t target, uint32_t token, int32_t priority) {
    assert(delay >= 0);
    ScheduleAt(m_now + delay, kind, target, token, priority);
}

void Kernel::ScheduleAt(TimeNs time, uint32_t kind, uint32_t target, uint32_t token, int32_t priority) {
    assert(time >= m_now);
    m_queue.Push(Event{time, Event::Order(priority, m_sequence++), target, kind, token, 0}, time - m_now, priority);
}

Event Kernel::Next() {
    const Event event = m_queue.Pop();
    m_now = event.time;
    ++m_processed;
    return event;
}

}  // namespace interleave::core
