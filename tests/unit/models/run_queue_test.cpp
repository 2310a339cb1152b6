// The OS model's run queue (models/os/run_queue.h), apart from the World: CFS's order (least vruntime first, equal
// ones in the order they queued), stale entries dropped, and min_vruntime that never goes back.
#include <gtest/gtest.h>

#include <vector>

#include "models/os/run_queue.h"

namespace interleave::models {
namespace {

const auto kEveryEntryCurrent = [](const RunQueueEntry&) { return true; };

std::vector<int32_t> PopAll(RunQueue& queue) {
    std::vector<int32_t> order;
    for (ThreadIndex t = queue.Pop(kEveryEntryCurrent); t.Valid(); t = queue.Pop(kEveryEntryCurrent))
        order.push_back(t.value);
    return order;
}

TEST(RunQueue, RunsTheLeastVruntimeFirst) {
    RunQueue queue;
    queue.Push(ThreadIndex(0), 300);
    queue.Push(ThreadIndex(1), 100);
    queue.Push(ThreadIndex(2), 200);
    queue.Push(ThreadIndex(3), 50);
    EXPECT_EQ(PopAll(queue), (std::vector<int32_t>{3, 1, 2, 0}));
}

TEST(RunQueue, EqualVruntimesRunInTheOrderTheyQueued) {
    RunQueue queue;
    for (int32_t t : {4, 2, 7, 0, 5, 1, 6, 3})
        queue.Push(ThreadIndex(t), 1'000);
    queue.Push(ThreadIndex(8), 999);
    EXPECT_EQ(PopAll(queue), (std::vector<int32_t>{8, 4, 2, 7, 0, 5, 1, 6, 3}));
}

TEST(RunQueue, ArrivalsCountUpFromOneSoZeroMeansNeverQueued) {
    RunQueue queue;
    EXPECT_EQ(queue.Push(ThreadIndex(0), 10), 1u);
    EXPECT_EQ(queue.Push(ThreadIndex(1), 5), 2u);
    queue.Pop(kEveryEntryCurrent);
    EXPECT_EQ(queue.Push(ThreadIndex(1), 5), 3u);
}

TEST(RunQueue, StaleEntriesAreDroppedAndNeverRun) {
    // Thread 0 queues at 10, leaves (got a core another way) and queues again at 40: its entry at 10 is stale, as is
    // thread 1's (it stopped). The caller knows each thread's current arrival.
    RunQueue queue;
    std::vector<uint64_t> currentArrival(3, 0);
    currentArrival[0] = queue.Push(ThreadIndex(0), 10);
    queue.Push(ThreadIndex(1), 20);  // stale at once: thread 1 keeps no arrival
    currentArrival[2] = queue.Push(ThreadIndex(2), 30);
    currentArrival[0] = queue.Push(ThreadIndex(0), 40);
    const auto isCurrent = [&](const RunQueueEntry& entry) {
        return currentArrival[entry.thread.Index()] == entry.arrival;
    };

    const RunQueueEntry* head = queue.Head(isCurrent);
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->thread, ThreadIndex(2));
    EXPECT_EQ(head->vruntime, 30);
    EXPECT_EQ(queue.Size(), 2u) << "the two stale entries in front of thread 2's are gone";
    EXPECT_EQ(queue.Pop(isCurrent), ThreadIndex(2));
    EXPECT_EQ(queue.Pop(isCurrent), ThreadIndex(0));
    EXPECT_FALSE(queue.Pop(isCurrent).Valid());
    EXPECT_EQ(queue.Head(isCurrent), nullptr);
}

TEST(RunQueue, MinVruntimeFollowsTheLeastAndNeverGoesBack) {
    RunQueue queue;
    EXPECT_EQ(queue.RaiseMinVruntime(-1), 0) << "nothing running or queued: it stays where it starts";
    EXPECT_EQ(queue.RaiseMinVruntime(500), 500) << "only a running thread, at 500";
    queue.Push(ThreadIndex(0), 300);
    EXPECT_EQ(queue.RaiseMinVruntime(900), 500) << "the queue's front (300) is behind: min_vruntime stays";
    queue.Pop(kEveryEntryCurrent);
    queue.Push(ThreadIndex(0), 700);
    EXPECT_EQ(queue.RaiseMinVruntime(900), 700) << "the least of the running (900) and the front (700)";
    EXPECT_EQ(queue.RaiseMinVruntime(-1), 700) << "nothing running: the front alone";
    EXPECT_EQ(queue.RaiseMinVruntime(100), 700);
    EXPECT_EQ(queue.MinVruntime(), 700);
}

TEST(RunQueue, MinVruntimeCountsTheFrontEvenWhenStale) {
    // As the World always has: a stale entry not yet dropped still holds min_vruntime back.
    RunQueue queue;
    queue.Push(ThreadIndex(0), 100);  // stale: never asked about, so never dropped
    EXPECT_EQ(queue.RaiseMinVruntime(400), 100);
}

}  // namespace
}  // namespace interleave::models
