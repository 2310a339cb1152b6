// The World's locks and signals (models/world/locks_and_signals.h), apart from the World: a lock is held by one
// thread and hands its longest waiter back on release; a signal's waiters come off in order, all at once or one at a
// time past those that stopped waiting.
#include <gtest/gtest.h>

#include <vector>

#include "models/world/locks_and_signals.h"

namespace interleave::models {
namespace {

TEST(LocksAndSignals, ALockIsHeldByOneThreadAtATimeFromWhenItTookIt) {
    LocksAndSignals sync(2);
    EXPECT_TRUE(sync.TryAcquire(1, ThreadIndex(0), 100));
    EXPECT_FALSE(sync.TryAcquire(1, ThreadIndex(1), 200));
    EXPECT_TRUE(sync.TryAcquire(0, ThreadIndex(1), 300)) << "another lock is free";
    EXPECT_EQ(sync.Lock(1).holder, ThreadIndex(0));
    EXPECT_EQ(sync.Lock(1).heldSince, 100);
}

TEST(LocksAndSignals, ReleaseHandsBackTheLongestWaiterWithoutGivingItTheLock) {
    LocksAndSignals sync(1);
    ASSERT_TRUE(sync.TryAcquire(0, ThreadIndex(0), 0));
    sync.Enqueue(0, ThreadIndex(2));
    sync.Enqueue(0, ThreadIndex(1));
    EXPECT_EQ(sync.Release(0, ThreadIndex(0)), ThreadIndex(2));
    EXPECT_FALSE(sync.Lock(0).holder.Valid()) << "not fair: the woken waiter retries, and may find it taken again";
    ASSERT_TRUE(sync.TryAcquire(0, ThreadIndex(3), 10));
    EXPECT_EQ(sync.Release(0, ThreadIndex(3)), ThreadIndex(1));
    ASSERT_TRUE(sync.TryAcquire(0, ThreadIndex(1), 20));
    EXPECT_FALSE(sync.Release(0, ThreadIndex(1)).Valid()) << "nobody waits";
}

TEST(LocksAndSignals, NotifyTakesEveryWaiterInOrder) {
    LocksAndSignals sync(0);
    const SignalIndex signal = sync.AddSignal("an item on queue \"jobs\"");
    const SignalIndex other = sync.AddSignal();
    sync.Wait(signal, ThreadIndex(3));
    sync.Wait(signal, ThreadIndex(1));
    sync.Wait(other, ThreadIndex(2));
    sync.Wait(signal, ThreadIndex(0));
    sync.StopWaiting(signal, ThreadIndex(1));  // its deadline passed
    EXPECT_EQ(sync.TakeWaiters(signal).ToVector(), (std::vector<ThreadIndex>{ThreadIndex(3), ThreadIndex(0)}));
    EXPECT_TRUE(sync.TakeWaiters(signal).Empty());
    EXPECT_EQ(sync.TakeWaiters(other).ToVector(), (std::vector<ThreadIndex>{ThreadIndex(2)}));
    EXPECT_EQ(sync.WaitingFor(signal), "an item on queue \"jobs\"");
    EXPECT_EQ(sync.WaitingFor(other), "");
}

TEST(LocksAndSignals, TheFirstWaiterStoppingLeavesTheOthersInOrderAndABuiltTextIsKept) {
    LocksAndSignals sync(0);
    std::string text = "room on queue \"q\"";
    const SignalIndex signal = sync.AddSignal(text);
    text = "changed after";
    for (int32_t t : {7, 8, 7, 9})
        sync.Wait(signal, ThreadIndex(t));
    sync.StopWaiting(signal, ThreadIndex(7));  // both of its entries go
    EXPECT_EQ(sync.TakeWaiters(signal).ToVector(), (std::vector<ThreadIndex>{ThreadIndex(8), ThreadIndex(9)}));
    EXPECT_EQ(sync.WaitingFor(signal), "room on queue \"q\"") << "the signal keeps its own copy of a built text";
    sync.Wait(signal, ThreadIndex(1));
    sync.StopWaiting(signal, ThreadIndex(1));
    EXPECT_TRUE(sync.TakeWaiters(signal).Empty());
}

TEST(LocksAndSignals, NotifyOneTakesTheLongestWaiterThatStillWaits) {
    LocksAndSignals sync(0);
    const SignalIndex signal = sync.AddSignal();
    for (int32_t t : {4, 2, 5, 1})
        sync.Wait(signal, ThreadIndex(t));
    const auto stillWaits = [](ThreadIndex t) { return t != ThreadIndex(4) && t != ThreadIndex(2); };
    EXPECT_EQ(sync.TakeFirstWaiter(signal, stillWaits), ThreadIndex(5)) << "4 and 2 stopped waiting: dropped";
    EXPECT_EQ(sync.TakeFirstWaiter(signal, stillWaits), ThreadIndex(1));
    EXPECT_FALSE(sync.TakeFirstWaiter(signal, stillWaits).Valid());
}

}  // namespace
}  // namespace interleave::models
