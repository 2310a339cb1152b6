#include <gtest/gtest.h>

#include <random>

#include "core/event_queue.h"

using interleave::core::Event;
using interleave::core::EventQueue;
using interleave::core::Kernel;

TEST(EventQueue, PopsInTimeOrder) {
    EventQueue queue;
    std::mt19937 random(7);
    for (uint64_t i = 0; i < 1000; ++i) queue.Push(Event{static_cast<int64_t>(random() % 100), Event::Order(0, i), 0, 0, 0, 0});
    int64_t last = -1;
    while (!queue.Empty()) {
        Event e = queue.Pop();
        EXPECT_GE(e.time, last);
        last = e.time;
    }
}

TEST(EventQueue, EqualTimesResolveByPriorityThenInsertionOrder) {
    Kernel kernel;
    kernel.ScheduleAt(10, /*kind*/ 1, /*target*/ 0, 0, /*priority*/ 1);
    kernel.ScheduleAt(10, 2, 0, 0, 0);
    kernel.ScheduleAt(10, 3, 0, 0, 0);
    kernel.ScheduleAt(5, 4, 0, 0, 9);
    EXPECT_EQ(kernel.Next().kind, 4u);
    EXPECT_EQ(kernel.Next().kind, 2u);
    EXPECT_EQ(kernel.Next().kind, 3u);
    EXPECT_EQ(kernel.Next().kind, 1u);
    EXPECT_FALSE(kernel.HasEvents());
}

TEST(Kernel, ClockAdvancesToEachEventAndCountsThem) {
    Kernel kernel;
    kernel.Schedule(100, 0, 0);
    kernel.Schedule(40, 0, 0);
    EXPECT_EQ(kernel.Next().time, 40);
    EXPECT_EQ(kernel.Now(), 40);
    kernel.Schedule(10, 0, 0);
    EXPECT_EQ(kernel.Next().time, 50);
    EXPECT_EQ(kernel.Next().time, 100);
    EXPECT_EQ(kernel.Processed(), 3u);
}

TEST(Event, OrderPacksPriorityAboveSequence) {
    EXPECT_LT(Event::Order(-5, 1000), Event::Order(0, 0));
    EXPECT_LT(Event::Order(0, 1), Event::Order(0, 2));
    Event low{0, Event::Order(-7, 42), 0, 0, 0, 0};
    Event high{0, Event::Order(3, 42), 0, 0, 0, 0};
    EXPECT_EQ(low.Priority(), -7);
    EXPECT_EQ(high.Priority(), 3);
    EXPECT_EQ(high.Sequence(), 42u);
}
