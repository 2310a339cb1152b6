// The World's indices are types of their own: a track id, a lock's index or a signal cannot be passed where a thread
// is meant (each was a plain int32_t, and mixing them compiled).
#include <gtest/gtest.h>

#include <type_traits>

#include "models/world/world.h"

namespace interleave::models {
namespace {

static_assert(!std::is_convertible_v<trace::TrackId, ThreadIndex>, "a track id is not a thread");
static_assert(!std::is_convertible_v<int32_t, SignalIndex>, "a lock or counter index is not a signal");
static_assert(!std::is_convertible_v<SignalIndex, ThreadIndex>, "a signal is not a thread");
static_assert(!std::is_convertible_v<InterpIndex, ThreadIndex>, "an interpreter is not a thread");
static_assert(!std::is_convertible_v<ThreadIndex, int32_t>, "a thread is not a plain number");

TEST(WorldIds, DefaultIsNoneAndEachIndexesItsOwnContainer) {
    EXPECT_FALSE(ThreadIndex{}.Valid());
    EXPECT_TRUE(ThreadIndex(0).Valid());
    ById<ThreadIndex, std::vector<int>> threads;
    const ThreadIndex first = threads.push_back(7);
    const ThreadIndex second = threads.push_back(9);
    EXPECT_EQ(first, ThreadIndex(0));
    EXPECT_EQ(threads[second], 9);
    EXPECT_NE(first, second);
    // An action names what its index means: a wait's signal is a SignalIndex, a lock's a plain lock number.
    const Action wait = Action::Wait(SignalIndex(3), trace::SpanState::Idle);
    ASSERT_NE(wait.As<WaitAction>(), nullptr);
    EXPECT_EQ(wait.As<WaitAction>()->signal, SignalIndex(3));
    EXPECT_EQ(wait.As<AcquireLockAction>(), nullptr);
    const Action lock = Action::Lock(3, true, trace::TaskId::None());
    EXPECT_EQ(lock.As<AcquireLockAction>()->lock, 3);
    EXPECT_EQ(lock.As<WaitAction>(), nullptr);
}

}  // namespace
}  // namespace interleave::models
