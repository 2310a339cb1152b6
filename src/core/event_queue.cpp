#include "core/event_queue.h"

#include <bit>
#include <cassert>
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

void LanedQueue::Push(const Event& event, TimeNs delay, int32_t priority) {
    ++m_size;
    auto takes = [&](int lane) {
        return (m_filled >> lane & 1u) && m_lanes[lane].delay == delay && m_lanes[lane].priority == priority;
    };
    int lane = m_lastPushed;
    if (!takes(lane)) {
        lane = -1;
        for (uint32_t filled = m_filled; filled != 0; filled &= filled - 1) {
            const int candidate = std::countr_zero(filled);
            if (takes(candidate)) {
                lane = candidate;
                break;
            }
        }
    }
    if (lane < 0) {
        const uint32_t empty = ~m_filled & ((1u << kLanes) - 1);
        if (empty == 0) {
            m_heap.Push(event);
            return;
        }
        // An empty lane can be re-keyed to any delay and priority.
        lane = std::countr_zero(empty);
        m_lanes[lane].delay = delay;
        m_lanes[lane].priority = priority;
        m_filled |= 1u << lane;
    }
    m_lanes[lane].PushBack(event);
    m_lastPushed = lane;
}

int LanedQueue::EarliestSource() const {
    assert(m_size > 0);
    int source = kHeap;
    const Event* best = m_heap.Empty() ? nullptr : &m_heap.Top();
    for (uint32_t filled = m_filled; filled != 0; filled &= filled - 1) {
        const int lane = std::countr_zero(filled);
        if (!best || RunsBefore(m_lanes[lane].Front(), *best)) {
            best = &m_lanes[lane].Front();
            source = lane;
        }
    }
    return source;
}

const Event& LanedQueue::Top() const {
    const int source = EarliestSource();
    return source == kHeap ? m_heap.Top() : m_lanes[source].Front();
}

Event LanedQueue::Pop() {
    const int source = EarliestSource();
    Event event;
    if (source == kHeap) {
        event = m_heap.Pop();
    } else {
        EventLane& lane = m_lanes[source];
        event = lane.Front();
        lane.PopFront();
        if (lane.Empty()) m_filled &= ~(1u << source);
    }
    --m_size;
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
