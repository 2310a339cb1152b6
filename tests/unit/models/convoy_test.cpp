// The convoy effect (bpo-7946): an I/O-bound thread beside a CPU-bound one waits for the GIL after each
// I/O, up to a switch interval each time.
#include <gtest/gtest.h>

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
    // At least one drop request per two round trips: the I/O thread sometimes retakes the free GIL
    // while the CPU-bound thread is still waking from its forced-switch wait.
    EXPECT_GE(result.trace.metrics.dropRequests, 200);
    int checked = 0;
    for (const trace::Span& span : result.trace.spans) {
        const trace::TimeNs dropRequestAt = result.trace.WaitOf(span).dropRequestAt;
        if (span.state != trace::SpanState::WaitingGil || dropRequestAt < 0) continue;
        EXPECT_EQ(dropRequestAt - span.start, s.machine.profile.switchInterval);
        ++checked;
    }
    EXPECT_GT(checked, 100);
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
