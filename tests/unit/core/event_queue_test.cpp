#include <gtest/gtest.h>

#include <random>

#include "core/event_queue.h"

using interleave::core::Event;
using interleave::core::EventQueue;
using interleave::core::Kernel;
using interleave::core::LanedQueue;
using interleave::core::TimeNs;

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

// The kernel's lanes (FIFOs for repeated delays) must not change the order: the same random schedule
// run through the kernel and through a plain heap gives the same events in the same order, with more
// distinct delays and priorities than there are lanes so the heap is used too.
TEST(Kernel, LanesKeepExactlyTheHeapsOrder) {
    Kernel kernel;
    EventQueue reference;
    std::mt19937 random(11);
    const int64_t delays[] = {0, 5, 20, 50, 5'000, 5'000, 5'000, 20, 7, 333, 1'000'000};
    uint64_t sequence = 0;
    uint32_t id = 0;
    auto scheduleSome = [&](int count) {
        for (int i = 0; i < count; ++i) {
            const int64_t delay = random() % 4 == 0 ? static_cast<int64_t>(random() % 900) : delays[random() % std::size(delays)];
            const int32_t priority = static_cast<int32_t>(random() % 3) - 1;
            kernel.Schedule(delay, 0, id, 0, priority);
            reference.Push(Event{kernel.Now() + delay, Event::Order(priority, sequence++), id, 0, 0, 0});
            ++id;
        }
    };
    scheduleSome(200);
    size_t compared = 0;
    while (kernel.HasEvents()) {
        ASSERT_FALSE(reference.Empty());
        const Event got = kernel.Next();
        const Event want = reference.Pop();
        ASSERT_EQ(got.target, want.target) << "after " << compared << " events";
        ASSERT_EQ(got.time, want.time);
        ++compared;
        if (compared < 20'000) scheduleSome(static_cast<int>(random() % 3));
    }
    EXPECT_TRUE(reference.Empty());
    EXPECT_GT(compared, 10'000u);
    EXPECT_EQ(kernel.Pending(), 0u);
}

// The queue keeps which source holds the earliest event from Top() to Pop(), and a lane keyed to a delay stays
// keyed after it empties: a Top() between pushes, a lane that drains and fills again, and delays seen once or
// over and over (with more keys than lanes) must still give exactly the heap's order.
TEST(LanedQueue, TopBetweenPushesAndLanesThatDrainKeepTheHeapsOrder) {
    LanedQueue queue;
    EventQueue reference;
    std::mt19937 random(5);
    const int64_t repeated[] = {10, 10, 10, 400, 400, 5'000, 0, 0, 3, 77, 77, 123'456};
    TimeNs now = 0;
    uint64_t sequence = 0;
    uint32_t id = 0;
    size_t compared = 0;
    for (int round = 0; round < 30'000; ++round) {
        const uint32_t roll = random() % 10;
        if (roll < 4 || queue.Empty()) {
            const int64_t delay = random() % 3 == 0 ? static_cast<int64_t>(random() % 100'000)
                                                    : repeated[random() % std::size(repeated)];
            const int32_t priority = static_cast<int32_t>(random() % 4) - 2;
            const Event event{now + delay, Event::Order(priority, sequence++), id++, 0, 0, 0};
            queue.Push(event, delay, priority);
            reference.Push(event);
        } else if (roll < 6) {
            ASSERT_EQ(queue.Top().target, reference.Top().target) << "Top() after " << compared << " pops";
        } else {
            const Event got = queue.Pop();
            const Event want = reference.Pop();
            ASSERT_EQ(got.target, want.target) << "after " << compared << " pops";
            now = got.time;  // the clock moves to what was popped, as the kernel's does
            ++compared;
        }
        ASSERT_EQ(queue.Size(), reference.Size());
    }
    EXPECT_GT(compared, 10'000u);
}
