#include "core/event_queue.h"

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

void Kernel::Schedule(TimeNs delay, uint32_t kind, uint32_t target, uint32_t token, int32_t priority) {
    assert(delay >= 0);
    ScheduleAt(m_now + delay, kind, target, token, priority);
}

void Kernel::ScheduleAt(TimeNs time, uint32_t kind, uint32_t target, uint32_t token, int32_t priority) {
    assert(time >= m_now);
    const Event event{time, Event::Order(priority, m_sequence++), target, kind, token, 0};
    ++m_pending;
    // A lane stays sorted as long as every event it takes has the lane's delay and priority: the clock
    // never goes back and sequences only grow. An empty lane can be re-keyed to any delay.
    const TimeNs delay = time - m_now;
    EventLane* empty = nullptr;
    for (EventLane& lane : m_lanes) {
        if (lane.Empty()) {
            if (!empty) empty = &lane;
            continue;
        }
        if (lane.delay == delay && lane.priority == priority) {
            lane.PushBack(event);
            return;
        }
    }
    if (empty) {
        empty->delay = delay;
        empty->priority = priority;
        empty->PushBack(event);
        return;
    }
    m_queue.Push(event);
}

Event Kernel::Next() {
    assert(m_pending > 0);
    EventLane* from = nullptr;
    const Event* best = m_queue.Empty() ? nullptr : &m_queue.Top();
    for (EventLane& lane : m_lanes) {
        if (lane.Empty()) continue;
        if (!best || RunsBefore(lane.Front(), *best)) {
            best = &lane.Front();
            from = &lane;
        }
    }
    Event event = *best;
    if (from) from->PopFront();
    else m_queue.Pop();
    --m_pending;
    m_now = event.time;
    ++m_processed;
    return event;
}

}  // namespace interleave::core
