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

void Kernel::Schedule(TimeNs delay, uint32_t kind, uint32_t target, uint32_t token, int32_t priority) {
    assert(delay >= 0);
    ScheduleAt(m_now + delay, kind, target, token, priority);
}

void Kernel::ScheduleAt(TimeNs time, uint32_t kind, uint32_t target, uint32_t token, int32_t priority) {
    assert(time >= m_now);
    m_queue.Push(Event{time, Event::Order(priority, m_sequence++), target, kind, token, 0});
}

Event Kernel::Next() {
    Event event = m_queue.Pop();
    m_now = event.time;
    ++m_processed;
    return event;
}

}  // namespace interleave::core
