// A program decides to wait on a signal while it holds the GIL; dropping the GIL for that wait can park it in
// drop_gil()'s switch wait (FORCE_SWITCHING, a drop request pending) before its wait is registered. A Notify that
// comes in between must still reach it: the program is asked again, as a woken waiter is, and sees its condition
// met. Built on World directly, with programs of the test's own, to place the Notify inside that window.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "models/world/world.h"
#include "test_support.h"

namespace interleave::models {
namespace {

using trace::SpanState;

struct Shared {
    SignalIndex ready;
    bool isReady = false;
    bool waiterExited = false;
};

// Holds the GIL for `work`, then waits until `isReady`.
class Waiter : public Program {
public:
    Waiter(Shared& shared, TimeNs work) : m_shared(shared), m_work(work) {}
    Action Next(World&, ThreadIndex) override {
        if (!m_worked) {
            m_worked = true;
            return Action::Compute(m_work, true, SpanState::RunningPython, trace::TaskId::None());
        }
        if (!m_shared.isReady) return Action::Wait(m_shared.ready, SpanState::Idle);
        m_shared.waiterExited = true;
        return Action::Exit();
    }

private:
    Shared& m_shared;
    TimeNs m_work;
    bool m_worked = false;
};

// Runs `work` of Python (asking for its interpreter's GIL), then, if `shared`, sets the condition and notifies.
class Worker : public Program {
public:
    Worker(TimeNs work, Shared* shared) : m_work(work), m_shared(shared) {}
    Action Next(World& world, ThreadIndex self) override {
        if (!m_worked) {
            m_worked = true;
            return Action::Compute(m_work, true, SpanState::RunningPython, trace::TaskId::None());
        }
        if (m_shared) {
            m_shared->isReady = true;
            world.Notify(m_shared->ready, self);
        }
        return Action::Exit();
    }

private:
    TimeNs m_work;
    Shared* m_shared;
    bool m_worked = false;
};

// The waiter holds its process's GIL from 0 for a switch interval and `overrun`; a second thread of that process asks
// for the GIL at 0, so its wait times out and asks for a drop near the end of the waiter's work. A thread of another
// process sets the condition and notifies 10 us after the waiter's work. `parked` says whether the waiter's wait
// began in the switch wait (a WaitingGil span after its last Python), `notifiedWhileParked` whether the Notify also
// came before the wait was made (no Idle span after its last Python). True when the waiter saw the condition and
// exited.
bool WaiterExits(TimeNs overrun, bool& parked, bool& notifiedWhileParked) {
    const scenario::Scenario s = testing::ParseOrDie(
        R"({"tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],"model":{"kind":"threads"},"machine":{"cores":4}})");
    trace::Trace trace;
    World world(s, trace);
    Shared shared;
    shared.ready = world.AddSignal("the condition");
    const TimeNs interval = s.machine.profile.switchInterval;
    Waiter waiter(shared, interval + overrun);
    Worker contender(1'000'000, nullptr);
    Worker setter(interval + overrun + 10'000, &shared);
    const trace::TrackId main = trace.AddTrack("Main", trace::TrackKind::Process);
    const trace::TrackId other = trace.AddTrack("Other", trace::TrackKind::Process);
    const InterpIndex mainInterp = world.AddInterpreter("Main", false, main, true);
    const InterpIndex otherInterp = world.AddInterpreter("Other", false, other, false);
    const trace::TrackId waiterTrack = trace.AddTrack("Waiter", trace::TrackKind::Thread, main);
    const ThreadIndex w = world.AddThread("Waiter", mainInterp, waiterTrack, &waiter);
    const ThreadIndex c = world.AddThread("Contender", mainInterp,
                                          trace.AddTrack("Contender", trace::TrackKind::Thread, main), &contender);
    const ThreadIndex n = world.AddThread("Setter", otherInterp,
                                          trace.AddTrack("Setter", trace::TrackKind::Thread, other), &setter);
    world.StartThread(w);
    world.StartThread(c);
    world.StartThread(n);
    std::string error;
    const RunState state = world.Run(RunLimits{}, int64_t{1} << 40, error);
    world.CloseAllSpans();
    TimeNs lastPython = -1, lastGilWait = -1, lastIdle = -1;
    for (const trace::Span& span : trace.spans) {
        if (span.track != waiterTrack) continue;
        if (span.state == SpanState::RunningPython) lastPython = std::max(lastPython, span.end);
        if (span.state == SpanState::WaitingGil) lastGilWait = std::max(lastGilWait, span.start);
        if (span.state == SpanState::Idle) lastIdle = std::max(lastIdle, span.start);
    }
    parked = lastGilWait >= 0 && lastGilWait >= lastPython;
    // Parked, and never idle after its work: the Notify came before its Wait was made, and it did not block.
    notifiedWhileParked = parked && lastIdle < lastPython;
    return state == RunState::Finished && shared.waiterExited;
}

// Swept across the contender's drop request (its take_gil() timeout, late by the timer's wake-up): some overruns end
// the waiter's work with the request pending, so that dropping the GIL for the wait parks it in the switch wait, and
// the setter's Notify comes while it is parked. Before World::m_waitsNotYetMade, the waiter then slept for ever
// (overruns of 78.25 to 79 us with the default profile).
TEST(SwitchWait, ANotifyWhileAWaiterIsParkedInDropGilStillReachesIt) {
    int notifiedWhileParkedCases = 0;
    for (TimeNs overrun = 0; overrun < 200'000; overrun += 250) {
        bool parked = false, notifiedWhileParked = false;
        EXPECT_TRUE(WaiterExits(overrun, parked, notifiedWhileParked))
            << "work overran the switch interval by " << overrun << " ns";
        notifiedWhileParkedCases += notifiedWhileParked;
    }
    EXPECT_GT(notifiedWhileParkedCases, 0) << "no run of the sweep was notified while parked: it tests nothing";
}

}  // namespace
}  // namespace interleave::models
