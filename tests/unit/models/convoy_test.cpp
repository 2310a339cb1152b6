// The convoy effect (bpo-7946): an I/O-bound thread beside a CPU-bound one waits for the GIL after each
// I/O, up to a switch interval each time.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "test_support.h"

using namespace interleave;
using interleave::testing::Preset;
using interleave::testing::SimulateOk;

namespace {

trace::TimeNs IoThreadFinish(const scenario::Scenario& s) {
    auto result = SimulateOk(s);
    for (const trace::TaskRecord& task : result.trace.tasks)
        if (task.name == "io_bound[0]") return task.finished - task.started;
    ADD_FAILURE() << "no io_bound task";
    return 0;
}

scenario::Scenario Alone(scenario::Scenario s) {
    s.groups.resize(1);  // only the I/O-bound thread
    return s;
}

}  // namespace

TEST(ConvoyEffect, IoThreadSlowsDownByOrdersOfMagnitudeBesideACpuThread) {
    auto s = Preset("convoy_effect");
    trace::TimeNs alone = IoThreadFinish(Alone(s));
    trace::TimeNs convoy = IoThreadFinish(s);
    EXPECT_GT(convoy, 100 * alone) << "alone " << alone << " ns, beside a CPU-bound thread " << convoy << " ns";
}

TEST(ConvoyEffect, ShorterSwitchIntervalShrinksTheSlowdown) {
    auto s = Preset("convoy_effect");
    trace::TimeNs at5ms = IoThreadFinish(s);
    s.machine.profile.switchInterval = 500'000;
    trace::TimeNs at500us = IoThreadFinish(s);
    EXPECT_LT(at500us * 5, at5ms);
}

TEST(ConvoyEffect, EachWaitEndsWithADropRequestAfterOneSwitchInterval) {
    auto s = Preset("convoy_effect");
    auto result = SimulateOk(s);
    // About one drop request per round trip: the CPU-bound thread, on a core that went idle moments ago, takes the
    // GIL back during each 20 us I/O.
    EXPECT_GE(result.trace.metrics.dropRequests, 450);
    int checked = 0;
    for (const trace::Span& span : result.trace.spans) {
        const trace::TimeNs dropRequestAt = result.trace.WaitOf(span).dropRequestAt;
        if (span.state != trace::SpanState::WaitingGil || dropRequestAt < 0) continue;
        EXPECT_EQ(dropRequestAt - span.start, s.machine.profile.switchInterval);
        ++checked;
    }
    EXPECT_GT(checked, 100);
}

// CPython 3.11 on this project's VM (docs/real-runs.md "The GIL under contention"): the I/O thread loses the GIL at
// every I/O, because the CPU-bound thread it wakes sits on a core that went idle microseconds before and answers in
// about 7 us (tests/reference/programs/wake_probe.c), sooner than a 20 us I/O returns. The real convoy preset's
// I/O thread finished at 2.61-2.63 s: one round trip per switch interval.
TEST(ConvoyEffect, TheIoThreadLosesTheGilAtEveryIoLongerThanAShallowWakeUp) {
    auto s = Preset("convoy_effect");
    const trace::TimeNs finish = IoThreadFinish(s);
    EXPECT_GT(finish, 500 * s.machine.profile.switchInterval) << finish;
    EXPECT_LT(finish, 520 * s.machine.profile.switchInterval) << finish;
    // On a machine whose idle cores always sleep deeply (every wake-up the long one, 50 us), the I/O thread's 20 us
    // I/O returns first and it keeps the GIL for a second round trip: two per switch interval.
    s.machine.profile.wakeupLatencyShallow = s.machine.profile.wakeupLatency;
    const trace::TimeNs deepIdle = IoThreadFinish(s);
    EXPECT_GT(deepIdle, 250 * s.machine.profile.switchInterval) << deepIdle;
    EXPECT_LT(deepIdle, 260 * s.machine.profile.switchInterval) << deepIdle;
}

// A waiter whose core has idled through a whole switch interval needs the long wake-up: the GIL's hand-off gap
// between two CPU-bound threads is wakeup_latency (measured 34-44 us there, 50 us by default).
TEST(Gil, TheHandOffBetweenCpuBoundThreadsTakesTheLongWakeUp) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"c","count":2,"steps":[{"cpu":"100ms"}]}],"model":{"kind":"threads"}})");
    auto result = SimulateOk(s);
    std::vector<const trace::Span*> holds;
    for (const trace::Span& span : result.trace.spans)
        if (span.state == trace::SpanState::HoldingGil) holds.push_back(&span);
    std::sort(holds.begin(), holds.end(), [](const trace::Span* a, const trace::Span* b) { return a->start < b->start; });
    int gaps = 0;
    // The first four holds are the main thread's and the first thread's, as the main thread takes the GIL back to
    // start the second (Thread.start() waits for the new thread to run): from then on the two alternate.
    for (size_t i = 4; i + 1 < holds.size(); ++i) {
        const trace::TimeNs gap = holds[i + 1]->start - holds[i]->end;
        EXPECT_GE(gap, s.machine.profile.wakeupLatency) << "hand-off " << i;
        EXPECT_LE(gap, s.machine.profile.wakeupLatency + 10'000) << "hand-off " << i;
        ++gaps;
    }
    EXPECT_GT(gaps, 10);
}

TEST(Gil, TwoCpuBoundThreadsAlternateEverySwitchInterval) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"c","count":2,"steps":[{"cpu":"1s"}]}],"model":{"kind":"threads"}})");
    auto result = SimulateOk(s);
    // The median uninterrupted hold is one switch interval (plus the eval-breaker latency).
    EXPECT_NEAR(static_cast<double>(result.trace.metrics.medianGilSlice), 5e6, 0.1e6);
}

TEST(Gil, WithoutForcedSwitchingTheDropperRetakesTheGil) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"c","count":2,"steps":[{"cpu":"200ms"}]}],"model":{"kind":"threads"}})");
    auto forced = SimulateOk(s);
    s.machine.profile.forcedSwitching = false;
    auto unforced = SimulateOk(s);
    EXPECT_LT(unforced.trace.metrics.gilSwitches, forced.trace.metrics.gilSwitches);
}
