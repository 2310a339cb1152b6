// The OS and GIL mechanisms that decide what CPython does under contention (issue 14): background load with the
// fair scheduler's wake-up preemption (the convoy vanishes when every core is busy; EEVDF owes a woken thread only the
// lag it had, so a GIL holder's slice stretches to a tick), a GIL waiter that waits again going behind later waiters,
// what waking a thread asleep on a lock costs the thread that releases it, and seeded runs (one of the many runs
// CPython could give).
#include <gtest/gtest.h>

#include <string>

#include "models/variation/variation.h"
#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using testing::GilSlices;
using testing::Median;
using testing::ParseOrDie;
using testing::SimulateOk;

// The convoy: an I/O-bound thread making 200 quick round trips (5 us of Python, 20 us of I/O) beside one
// CPU-bound thread, on two cores with `load` other busy processes.
scenario::Scenario Convoy(int load) {
    return ParseOrDie(R"({"version": 6, "name": "convoy", "tasks": [
        {"name": "io", "count": 1, "steps": [{"repeat": 200, "steps": [{"cpu": "5us"}, {"io": "20us"}]}]},
        {"name": "cpu", "count": 1, "steps": [{"cpu": "2s"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 2, "background_load": )" +
                      std::to_string(load) + "}}");
}

trace::TimeNs TaskTime(const trace::Trace& t, const std::string& name) {
    for (const trace::TaskRecord& task : t.tasks)
        if (task.name == name) return task.finished - task.started;
    ADD_FAILURE() << "no task " << name;
    return 0;
}

TEST(BusyMachine, TheConvoyVanishesWhenEveryCoreIsBusy) {
    // On a quiet machine each return from I/O waits for a drop request (a switch interval). With a busy process on
    // every core, the CPU-bound thread, woken by the GIL's signal, has used its share and waits for a core, while
    // the I/O thread (it slept: it is owed CPU time) preempts a busy process at once and takes the free GIL again.
    const trace::TimeNs quiet = TaskTime(SimulateOk(Convoy(0)).trace, "io[0]");
    const trace::TimeNs busy = TaskTime(SimulateOk(Convoy(2)).trace, "io[0]");
    EXPECT_GT(quiet, 200'000'000) << "the convoy: most round trips wait a switch interval";
    EXPECT_LT(busy * 10, quiet) << "quiet " << quiet << " ns, every core busy " << busy << " ns";
}

TEST(BusyMachine, AFreeCoreKeepsTheConvoy) {
    // One busy process on two cores leaves a core for the woken CPU-bound thread: it takes the GIL back first.
    const trace::TimeNs quiet = TaskTime(SimulateOk(Convoy(0)).trace, "io[0]");
    const trace::TimeNs oneBusy = TaskTime(SimulateOk(Convoy(1)).trace, "io[0]");
    EXPECT_GT(oneBusy * 10, quiet * 9) << "quiet " << quiet << " ns, one core busy " << oneBusy << " ns";
}

TEST(BusyMachine, AThreadBackFromIoTakesABusyCoreWithinTheCallsOwnTime) {
    // 200 round trips of 5 us of Python and 20 us of I/O, alone and beside a busy process on each of the two cores.
    // Each return from I/O preempts a busy process there; the 20 us, measured as a program measures a call, already
    // hold the thread's getting back onto a core, as they do on a quiet machine (CPython's I/O thread beside two
    // busy processes: 23 us round trips against 22 us of measured parts, docs/real-runs.md). So no context switch
    // on top: the loaded run takes as long as the quiet one (200 switches more would be 1 ms on 5 ms).
    const auto ioAlone = [](int load) {
        return ParseOrDie(R"({"version": 6, "name": "io alone", "tasks": [
            {"name": "io", "count": 1, "steps": [{"repeat": 200, "steps": [{"cpu": "5us"}, {"io": "20us"}]}]}],
            "model": {"kind": "threads"}, "machine": {"cores": 2, "background_load": )" +
                          std::to_string(load) + "}}");
    };
    const trace::TimeNs quiet = TaskTime(SimulateOk(ioAlone(0)).trace, "io[0]");
    const trace::TimeNs busy = TaskTime(SimulateOk(ioAlone(2)).trace, "io[0]");
    EXPECT_NEAR(static_cast<double>(quiet), 5e6, 0.05e6);
    EXPECT_LT(busy, quiet + quiet / 50) << "quiet " << quiet << " ns, every core busy " << busy << " ns";
}

TEST(Locks, ReleasingALockAThreadSleepsOnCostsTheReleaserAWakeOnItsCore) {
    // CPython 3.11 releases a threading.Lock with sem_post() (thread_pthread.h, USE_SEMAPHORES); to a thread asleep in
    // sem_wait() that is a futex wake, which on this VM keeps the releaser in the kernel as long as
    // pthread_cond_signal() keeps the GIL's signaller (tests/reference/programs/wake_probe.c --sem, 2026-12-06: 4.5
    // against 4.5 us to a core idle for 1-150 us, 15-17 against 14-18 us after 200 us or more). The waiter here has
    // slept on the lock for 1.9 ms, so its core idled for long: the releaser's next Python starts waker_cost later.
    auto s = ParseOrDie(R"({"version": 6, "name": "lock wake", "tasks": [
        {"name": "holder", "count": 1, "steps": [{"acquire": "L"}, {"io": "2ms"}, {"release": "L"}, {"cpu": "1ms"}]},
        {"name": "waiter", "count": 1,
         "steps": [{"io": "100us"}, {"acquire": "L"}, {"cpu": "10us"}, {"release": "L"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 2}})");
    const trace::TimeNs paying = TaskTime(SimulateOk(s).trace, "holder[0]");
    s.machine.profile.wakerCost = 0;
    s.machine.profile.wakerCostShallow = 0;
    const trace::TimeNs free = TaskTime(SimulateOk(s).trace, "holder[0]");
    EXPECT_EQ(paying - free, scenario::MachineProfile{}.wakerCost) << paying << " ns against " << free << " ns";
}

TEST(Events, SettingAnEventThreeThreadsSleepOnCostsTheSetterThreeWakes) {
    // threading.Event.set() is Condition.notify_all(): it releases each waiter's own lock, a futex wake apiece (as
    // a Lock's release above). The waiters fall asleep while the setter is in its 2 ms of I/O; back on a core, it sets
    // the event. The first waiter is woken onto the other core, idle for long by then (waker_cost); the other two find
    // no free core and queue on a running one (waker_cost_shallow each). The setter pays them before its next Python.
    auto s = ParseOrDie(R"({"version": 8, "name": "event wake", "tasks": [
        {"name": "setter", "count": 1, "steps": [{"io": "2ms"}, {"set": "E"}, {"cpu": "1ms"}]},
        {"name": "waiter", "count": 3, "steps": [{"wait": "E"}, {"cpu": "10us"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 2}})");
    const trace::TimeNs paying = TaskTime(SimulateOk(s).trace, "setter[0]");
    s.machine.profile.wakerCost = 0;
    s.machine.profile.wakerCostShallow = 0;
    const trace::TimeNs free = TaskTime(SimulateOk(s).trace, "setter[0]");
    const scenario::MachineProfile profile;
    EXPECT_EQ(paying - free, profile.wakerCost + 2 * profile.wakerCostShallow) << paying << " ns against " << free;
}

TEST(BusyMachine, BusyProcessesShareTheCoresFairlyAndStopWithTheProgram) {
    // 100 ms of pure Python on one core beside one busy process: each gets half the core.
    scenario::Scenario s = ParseOrDie(R"({"version": 6, "name": "share", "tasks": [
        {"name": "work", "count": 1, "steps": [{"cpu": "100ms"}]}],
        "model": {"kind": "sequential"}, "machine": {"cores": 1, "background_load": 1}})");
    const trace::Trace t = SimulateOk(s).trace;
    EXPECT_NEAR(static_cast<double>(t.metrics.makespan), 200e6, 10e6);
    bool lane = false;
    for (const trace::Track& track : t.tracks) lane |= track.name == plan::BackgroundLaneName(0);
    EXPECT_TRUE(lane) << "the busy process has its own lane";
    for (const trace::Span& span : t.spans)
        EXPECT_LE(span.end, t.EndTime()) << "nothing runs past the program's end";
    EXPECT_LE(t.EndTime(), t.metrics.makespan + 1'000'000) << "the busy process stops when the program does";
}

TEST(BusyMachine, ADeadlockUnderLoadIsStillReported) {
    // Two tasks taking two locks in opposite orders: with busy processes running, the run must still end. (The I/O
    // outlasts the busy processes' time slices, which may hold back b's start: both take their first lock first.)
    scenario::Scenario s = ParseOrDie(R"({"version": 6, "name": "deadlock", "tasks": [
        {"name": "a", "count": 1, "steps": [{"acquire": "x"}, {"io": "50ms"}, {"acquire": "y"}, {"release": "y"}, {"release": "x"}]},
        {"name": "b", "count": 1, "steps": [{"acquire": "y"}, {"io": "50ms"}, {"acquire": "x"}, {"release": "x"}, {"release": "y"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 2, "background_load": 2}})");
    const models::SimulationResult r = models::Simulate(s);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
}

// `threads` CPU-bound threads of pure Python (0.5 s each) on two cores with two busy processes, under `scheduler`.
scenario::Scenario GilOnABusyMachine(int threads, const std::string& scheduler) {
    return ParseOrDie(R"({"version": 6, "name": "busy gil", "tasks": [
        {"name": "cpu", "count": )" + std::to_string(threads) + R"(, "steps": [{"cpu": "500ms"}]}],
        "model": {"kind": "threads", "workers": )" + std::to_string(threads) + R"(},
        "machine": {"cores": 2, "background_load": 2, "profile": {"scheduler": ")" + scheduler + R"("}}})");
}

// tests/reference/programs/gil_replica.c (CPython's take_gil()/drop_gil() on bare pthreads) with three threads beside
// two busy processes, on this project's 2-core VM (Linux 6.18: EEVDF, CONFIG_HZ=250), 2026-12-05, three runs: slices
// of 5.1-7.2 / 7.9-8.0 / 10.1-12.0 ms (p10 / p50 / p90); CPython 3.11.2's gil_probe.py beside two busy processes (and
// an I/O thread): 7.9-8.0 ms median. The thread
// whose wait ran out held its core for a switch interval before it waited, so it is owed nothing: it does not preempt
// a busy process, and asks for the GIL only when a tick gives it a core, 8 ms after the holder took the GIL at a tick.
// Under CFS any sleep earned credit: it preempted at once and asked at 5 ms.
TEST(BusyMachine, UnderEevdfAGilSliceOnABusyMachineRunsToTheTickAfterTheSwitchInterval) {
    const std::vector<trace::TimeNs> eevdf = GilSlices(SimulateOk(GilOnABusyMachine(3, "eevdf")).trace, 1'000'000);
    const std::vector<trace::TimeNs> cfs = GilSlices(SimulateOk(GilOnABusyMachine(3, "cfs")).trace, 1'000'000);
    ASSERT_GT(eevdf.size(), 20u);
    ASSERT_GT(cfs.size(), 20u);
    EXPECT_GT(Median(eevdf), 7'000'000);
    EXPECT_LT(Median(eevdf), 9'000'000);
    EXPECT_LT(Median(cfs), 5'500'000);
}

// take_gil()'s timed wait returns in the waiting thread: it must be on a core to set gil_drop_request. On a machine
// whose cores are all busy, no core runs anyone else at the moment a drop request is made: the asker has one.
TEST(BusyMachine, AGilWaiterAsksForTheGilOnlyOnceItHasACore) {
    const trace::Trace t = SimulateOk(GilOnABusyMachine(3, "eevdf")).trace;
    std::vector<trace::TimeNs> requests;
    for (const trace::Instant& instant : t.instants)
        if (instant.kind == trace::InstantKind::DropRequest) requests.push_back(instant.time);
    ASSERT_GT(requests.size(), 20u);
    size_t withEveryCoreBusy = 0;
    for (const trace::TimeNs at : requests) {
        size_t coresRunningOthers = 0;
        for (const trace::Span& span : t.spans)
            if (t.tracks[span.track.Index()].kind == trace::TrackKind::Core && span.state != trace::SpanState::Idle &&
                span.start < at && span.end > at)
                ++coresRunningOthers;
        if (coresRunningOthers >= 2) ++withEveryCoreBusy;
    }
    EXPECT_EQ(withEveryCoreBusy, 0u) << "of " << requests.size() << " drop requests";
}

// What a woken thread is owed. One core shared with a busy process by a thread that computes 3 ms and then sleeps 3 ms,
// twenty times: it has had more than its share when it blocks. CFS forgives that for any sleep (credit of half
// sched_latency): it preempts the busy process at once on waking. EEVDF keeps its negative lag until the busy process
// has caught up, so it waits in the run queue. A thread that barely runs between sleeps preempts under both (the
// convoy vanishing above).
TEST(BusyMachine, UnderEevdfAThreadThatHadMoreThanItsShareWaitsOnWaking) {
    const auto run = [](const std::string& scheduler) {
        return SimulateOk(ParseOrDie(R"({"version": 6, "name": "share", "tasks": [
            {"name": "work", "count": 1, "steps": [{"repeat": 20, "steps": [{"cpu": "3ms"}, {"io": "3ms"}]}]}],
            "model": {"kind": "sequential"},
            "machine": {"cores": 1, "background_load": 1, "profile": {"scheduler": ")" + scheduler + R"("}}})"))
            .trace;
    };
    const trace::TimeNs eevdf = testing::StateTime(run("eevdf"), "MainThread", trace::SpanState::WaitingCore);
    const trace::TimeNs cfs = testing::StateTime(run("cfs"), "MainThread", trace::SpanState::WaitingCore);
    EXPECT_GT(eevdf, 20'000'000) << "EEVDF: waits for a core, in ns";
    EXPECT_LT(cfs * 4, eevdf) << "CFS " << cfs << " ns, EEVDF " << eevdf << " ns";
}

TEST(GilWaiters, AThreadThatWaitsAgainGoesBehindLaterWaiters) {
    // take_gil() starts a new COND_TIMED_WAIT each time round its loop, and the condition variable wakes waits in
    // the order they began. w1 starts waiting after 2.5 ms of I/O and times out 5 ms later (setting the drop
    // request), so its new wait begins after w2's (which began after 3 ms of I/O): the holder's drop signals w2.
    // (The holder's 2 ms of I/O first lets the main thread start w1 and w2: Thread.start() waits for each to run.)
    scenario::Scenario s = ParseOrDie(R"({"version": 6, "name": "order", "tasks": [
        {"name": "holder", "count": 1, "steps": [{"io": "2ms"}, {"cpu": "20ms"}]},
        {"name": "w1", "count": 1, "steps": [{"io": "2500us"}, {"cpu": "1ms"}]},
        {"name": "w2", "count": 1, "steps": [{"io": "3ms"}, {"cpu": "1ms"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 4}})");
    const trace::Trace t = SimulateOk(s).trace;
    trace::TrackId holder, w2;
    for (const trace::Span& span : t.spans) {
        if (t.tracks[span.track.Index()].kind != trace::TrackKind::Thread || !span.task.Valid()) continue;
        if (t.tasks[span.task.Index()].name == "holder[0]") holder = span.track;
        if (t.tasks[span.task.Index()].name == "w2[0]") w2 = span.track;
    }
    ASSERT_NE(holder, trace::TrackId::None());
    ASSERT_NE(w2, trace::TrackId::None());
    bool checked = false;
    for (const trace::Instant& instant : t.instants)
        if (instant.kind == trace::InstantKind::GilHandoff && instant.cause == holder &&
            t.tracks[instant.track.Index()].name !=
                plan::kMainThread) {  // the main thread takes it back between starts
            EXPECT_EQ(instant.track, w2) << "the holder's first hand-off goes to "
                                         << t.tracks[instant.track.Index()].name;
            checked = true;
            break;
        }
    EXPECT_TRUE(checked) << "the holder handed the GIL on";
}

TEST(Seeds, ASeedNamesOneRunAndDifferentSeedsGiveDifferentRuns) {
    scenario::Scenario s = testing::Preset("convoy_effect");
    const trace::TimeNs deterministic = SimulateOk(s).trace.metrics.makespan;
    s.machine.seed = 7;
    const trace::Trace a = SimulateOk(s).trace;
    const trace::Trace b = SimulateOk(s).trace;
    EXPECT_EQ(a.metrics.makespan, b.metrics.makespan) << "the same seed, the same run";
    EXPECT_EQ(a.spans.size(), b.spans.size());
    s.machine.seed = 8;
    const trace::Trace c = SimulateOk(s).trace;
    EXPECT_NE(a.metrics.makespan, c.metrics.makespan) << "another seed, another run";
    EXPECT_NE(a.metrics.makespan, deterministic);
    // The spread is the OS's, not a different program: within a few percent of the deterministic run.
    EXPECT_NEAR(static_cast<double>(a.metrics.makespan), static_cast<double>(deterministic), 0.05 * static_cast<double>(deterministic));
}

TEST(Seeds, SeedAndBackgroundLoadRoundTripAndAreBounded) {
    scenario::Scenario s = ParseOrDie(R"({"version": 6, "name": "x", "tasks": [{"name": "t", "steps": [{"cpu": "1ms"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 2, "background_load": 3, "seed": 42}})");
    EXPECT_EQ(s.machine.backgroundLoad, 3);
    EXPECT_EQ(s.machine.seed, 42u);
    const scenario::Scenario again = ParseOrDie(scenario::ScenarioToJson(s));
    EXPECT_EQ(again.machine.backgroundLoad, 3);
    EXPECT_EQ(again.machine.seed, 42u);
    scenario::ParseError error;
    for (const char* machine : {R"("background_load": -1)", R"("background_load": 5000)", R"("seed": -3)",
                                R"("seed": 1.5)", R"("seed": "7")", R"("seed": 9007199254740992)"}) {
        const std::string json = R"({"version": 6, "name": "x", "tasks": [{"name": "t", "steps": [{"cpu": "1ms"}]}],
            "machine": {)" + std::string(machine) + "}}";
        EXPECT_FALSE(scenario::ParseScenario(json, error)) << machine;
        EXPECT_EQ(error.path.rfind("machine.", 0), 0u) << machine << " -> " << error.Message();
    }
}

TEST(Variation, ManyRunsGiveTheSpreadAndTheSameRunsInParallelAsInTurn) {
    const scenario::Scenario s = testing::Preset("convoy_effect");
    models::VariationOptions options;
    options.runs = 8;
    options.firstSeed = 11;
    const models::VariationResult serial = models::RunVariation(s, options);
    options.parallel = 4;
    int32_t reported = 0;
    options.progress = [&](int32_t) { ++reported; };  // parallel: counted from the workers (read after they joined)
    const models::VariationResult parallel = models::RunVariation(s, options);
    ASSERT_TRUE(serial.ok) << serial.error;
    ASSERT_TRUE(parallel.ok) << parallel.error;
    EXPECT_EQ(reported, 8);
    ASSERT_EQ(serial.runs.size(), 8u);
    for (size_t i = 0; i < serial.runs.size(); ++i) {
        EXPECT_EQ(serial.runs[i].seed, 11 + i);
        EXPECT_EQ(serial.runs[i].makespan, parallel.runs[i].makespan) << "seed " << serial.runs[i].seed;
        EXPECT_EQ(serial.runs[i].latencyP50, parallel.runs[i].latencyP50);
    }
    const models::Spread& m = serial.latencyP50;
    EXPECT_LE(m.min, m.p10);
    EXPECT_LE(m.p10, m.p50);
    EXPECT_LE(m.p50, m.p90);
    EXPECT_LE(m.p90, m.max);
    EXPECT_LT(m.min, m.max) << "the convoy's round trips vary from seed to seed";
    trace::TimeNs longest = 0;
    for (const models::RunSummary& r : serial.runs) longest = std::max(longest, r.makespan);
    for (const models::RunSummary& r : serial.runs)
        if (r.seed == serial.unluckySeed) {
            EXPECT_EQ(r.makespan, longest);
        }
}

TEST(Variation, AFailingRunNamesItsSeed) {
    scenario::Scenario s = ParseOrDie(R"({"name": "deadlock", "tasks": [
        {"name": "a", "count": 1, "steps": [{"acquire": "x"}, {"io": "1ms"}, {"acquire": "y"}, {"release": "y"}, {"release": "x"}]},
        {"name": "b", "count": 1, "steps": [{"acquire": "y"}, {"io": "1ms"}, {"acquire": "x"}, {"release": "x"}, {"release": "y"}]}],
        "model": {"kind": "threads"}})");
    models::VariationOptions options;
    options.runs = 3;
    const models::VariationResult r = models::RunVariation(s, options);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("seed 1: deadlock"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace interleave
