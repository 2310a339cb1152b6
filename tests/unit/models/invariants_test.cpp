// Invariants that hold for every scenario, checked on many random ones under every model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <map>
#include <random>

#include "models/workload.h"
#include "plan/plan.h"
#include "scenario/model_info.h"
#include "plan_check.h"
#include "test_support.h"
#include "trace/trace_json.h"

using namespace interleave;
using scenario::ModelKind;
using trace::SpanState;

namespace {

std::string RandomScenario(uint32_t seed, ModelKind kind) { return interleave::testing::RandomScenarioJson(seed, kind); }

bool RunsOnCore(SpanState s) {
    return s == SpanState::RunningPython || s == SpanState::RunningC || s == SpanState::Pickling ||
           s == SpanState::Unpickling || s == SpanState::StartingProcess;
}

trace::TrackId RootOf(const trace::Trace& t, trace::TrackId track) {
    while (t.tracks[track.Index()].parent != trace::TrackId::None())
        track = t.tracks[track.Index()].parent;
    return track;
}

// What a task's queue and event calls cost it in Python (RunningPython spans with its id), per model: the calls
// themselves, what each wake adds, and whether it may start a worker's feeder thread.
struct ChannelCost {
    trace::TimeNs calls = 0;
    trace::TimeNs perWake = 0;
    bool startsFeeder = false;
};

ChannelCost ChannelCallCost(const scenario::Scenario& s, const std::vector<scenario::Step>& steps) {
    const scenario::MachineProfile& profile = s.machine.profile;
    const scenario::ModelInfo& model = scenario::Info(s.model.kind);
    ChannelCost cost;
    for (const scenario::Step& step : steps) {
        const bool queueCall = step.kind == scenario::StepKind::Put || step.kind == scenario::StepKind::Get;
        if (!queueCall && step.kind != scenario::StepKind::Set && step.kind != scenario::StepKind::Wait) continue;
        if (model.processPool) {  // multiprocessing: put()'s Python; sends and reads are pickling and unpickling
            if (step.kind == scenario::StepKind::Put && !plan::IsProcessPipe(s, step.name)) {
                cost.calls += profile.mpQueuePut;
                cost.startsFeeder = true;
            }
        } else if (model.eventLoop) {  // asyncio.Queue's put()/get(); Event.set()/wait() cost the loop's step only
            if (queueCall) {
                cost.calls += profile.asyncQueueOperation;
                cost.perWake = profile.asyncQueueOperation;
            }
        } else {  // queue.Queue and threading.Event
            cost.calls += profile.queueOperation;
            cost.perWake = profile.queueOperation;
        }
    }
    return cost;
}

void CheckInvariants(const scenario::Scenario& s, const std::string& json) {
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    auto result = models::Simulate(s, options);
    ASSERT_TRUE(result.ok) << result.error << "\n" << json;
    const trace::Trace& t = result.trace;
    const bool gil = !scenario::RunsFreeThreaded(s);

    // Every task done, once: a finish time, and exactly one end (or cancel) instant.
    std::vector<int> ends(t.tasks.size(), 0);
    for (const trace::Instant& instant : t.instants)
        if ((instant.kind == trace::InstantKind::TaskEnd || instant.kind == trace::InstantKind::TaskCancelled) &&
            instant.task.Valid() && instant.task.Index() < ends.size())
            ++ends[instant.task.Index()];
    for (size_t task = 0; task < t.tasks.size(); ++task) {
        EXPECT_GE(t.tasks[task].finished, 0) << t.tasks[task].name << "\n" << json;
        EXPECT_EQ(ends[task], 1) << t.tasks[task].name << " ended " << ends[task] << " times\n" << json;
    }

    // Never two spans on one track at once; never two things on one core.
    for (size_t track = 0; track < t.tracks.size(); ++track) {
        auto spans = t.SpansOf(static_cast<trace::TrackId>(track));
        for (size_t i = 1; i < spans.size(); ++i)
            ASSERT_LE(spans[i - 1].end, spans[i].start) << t.tracks[track].name << "\n" << json;
    }

    // Never more threads on a core than cores; never two Python threads of one interpreter at once.
    std::vector<std::pair<trace::TimeNs, int>> cpuEdges;
    std::map<trace::TrackId, std::vector<std::pair<trace::TimeNs, int>>> pythonEdges;
    std::map<trace::TaskId, trace::TimeNs> cpuDone;
    std::map<trace::TaskId, int64_t> queueWaits;  // at least the task's waits on a queue or an event (one span each)
    // A thread's interpreter: the GIL lane whose holder it was (an interpreter pool has one per worker, beside the
    // main interpreter in the same process); a thread that never held a drawn GIL counts under its process.
    std::map<trace::TrackId, trace::TrackId> interpreterOf;
    for (const trace::Span& span : t.spans)
        if (t.tracks[span.track.Index()].kind == trace::TrackKind::Gil && span.state == SpanState::HoldingGil &&
            span.cause.Valid())
            interpreterOf.emplace(span.cause, span.track);
    auto interpreter = [&](trace::TrackId track) {
        const auto it = interpreterOf.find(track);
        return it != interpreterOf.end() ? it->second : RootOf(t, track);
    };
    for (const trace::Span& span : t.spans) {
        trace::TrackKind kind = t.tracks[span.track.Index()].kind;
        // Where a task may have waited on a queue or event: a thread's waiting_queue span; a coroutine's wait on an
        // asyncio.Queue is an awaiting span on its lane (as in the C++ runtime and CPython's probe), among its awaits.
        const bool coroutineWait = span.state == SpanState::Awaiting && kind == trace::TrackKind::Task;
        if ((span.state == SpanState::WaitingQueue || coroutineWait) && span.task.Valid()) ++queueWaits[span.task];
        if (kind == trace::TrackKind::Core || kind == trace::TrackKind::Task || kind == trace::TrackKind::Gil) continue;
        if (RunsOnCore(span.state)) {
            cpuEdges.push_back({span.start, +1});
            cpuEdges.push_back({span.end, -1});
        }
        if (span.state == SpanState::RunningPython) {
            pythonEdges[interpreter(span.track)].push_back({span.start, +1});
            pythonEdges[interpreter(span.track)].push_back({span.end, -1});
        }
        if ((span.state == SpanState::RunningPython || span.state == SpanState::RunningC) && span.task.Valid())
            cpuDone[span.task] += span.end - span.start;
    }
    auto maxOverlap = [](std::vector<std::pair<trace::TimeNs, int>> edges) {
        std::sort(edges.begin(), edges.end());  // ends (-1) before starts (+1) at equal times
        int current = 0, peak = 0;
        for (auto& e : edges) peak = std::max(peak, current += e.second);
        return peak;
    };
    EXPECT_LE(maxOverlap(cpuEdges), s.machine.cores) << json;
    if (gil) {
        for (auto& [process, edges] : pythonEdges)
            EXPECT_LE(maxOverlap(edges), 1) << t.tracks[process.Index()].name << "\n" << json;
    }

    // Each task's CPU work is done exactly: no more, no less.
    const models::Workload workload = models::BuildWorkload(s);  // which group (or child group) each task runs
    ASSERT_EQ(static_cast<size_t>(workload.AllTaskCount()), t.tasks.size()) << json;
    for (size_t task = 0; task < t.tasks.size(); ++task) {
        const int32_t group = workload.taskGroup[task];
        // The free-threaded build's slowdown scales pure-Python time only (CPython's C code and the
        // counter's bytecode are charged as given), each step rounded to the nanosecond.
        const double slowdown = scenario::PythonCpuScale(s);
        auto python = [&](trace::TimeNs d) {
            return slowdown == 1.0 ? d : static_cast<trace::TimeNs>(std::llround(static_cast<double>(d) * slowdown));
        };
        trace::TimeNs expected = 0;
        for (const scenario::Step& step : workload.groupSteps[static_cast<size_t>(group)]) {
            const bool toThread = step.kind == scenario::StepKind::ToThread;
            const scenario::StepKind kind = toThread ? step.inner : step.kind;
            if (kind == scenario::StepKind::Cpu) expected += python(step.duration);
            if (kind == scenario::StepKind::CCall) expected += step.duration;
            if (step.kind == scenario::StepKind::Increment) expected += s.machine.profile.counterIncrement;
            // An executor's submit() per child and as_completed's hand-out of each future are the parent's own
            // Python (the random scenarios' children never fail, so every future is handed out).
            if (step.kind == scenario::StepKind::Children &&
                s.children[static_cast<size_t>(step.children)].via == scenario::ChildVia::Executor)
                expected += s.children[static_cast<size_t>(step.children)].count *
                            (s.machine.profile.executorSubmit + s.machine.profile.asCompletedYield);
        }
        // A queue or event call's own Python: once per call, and once more each time a waiter is woken to look
        // again (Condition.wait() sits in a `while`, asyncio's put()/get() loop too), except between processes,
        // where a blocked put() or get() waits on the semaphore or the pipe and does not run put() again. The
        // first put() of a worker process starts its feeder thread, at that task's cost.
        const ChannelCost channel = ChannelCallCost(s, workload.groupSteps[static_cast<size_t>(group)]);
        const trace::TimeNs done = cpuDone[static_cast<trace::TaskId>(task)];
        const int64_t wakes = queueWaits[static_cast<trace::TaskId>(task)];
        const trace::TimeNs most = expected + channel.calls + channel.perWake * wakes +
                                   (channel.startsFeeder ? s.machine.profile.threadStart : 0);
        EXPECT_GE(done, expected + channel.calls) << t.tasks[task].name << "\n" << json;
        EXPECT_LE(done, most) << t.tasks[task].name << " (" << wakes << " waits on queues or events)\n" << json;
        if (channel.perWake > 0 && !channel.startsFeeder) {
            EXPECT_EQ((done - expected - channel.calls) % channel.perWake, 0) << t.tasks[task].name << "\n" << json;
        }
    }
}

}  // namespace

TEST(Invariants, HoldOnRandomScenariosUnderEveryModel) {
    for (uint32_t seed = 1; seed <= 40; ++seed) {
        for (const scenario::ModelInfo& model : scenario::Models()) {
            const ModelKind kind = model.kind;
            std::string json = RandomScenario(seed * 7919u + static_cast<uint32_t>(kind), kind);
            scenario::Scenario s = interleave::testing::ParseOrDie(json);
            CheckInvariants(s, json);
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
}

TEST(Invariants, HoldOnABusyMachineWithSeededOsChoices) {
    // Busy processes on the cores and a seeded run's drawn latencies change when things happen, never what is done.
    for (uint32_t seed = 1; seed <= 12; ++seed) {
        for (const scenario::ModelInfo& model : scenario::Models()) {
            const ModelKind kind = model.kind;
            std::string json = RandomScenario(seed * 104729u + static_cast<uint32_t>(kind), kind);
            scenario::Scenario s = interleave::testing::ParseOrDie(json);
            s.machine.backgroundLoad = static_cast<int32_t>(seed % 3);
            s.machine.seed = seed;
            CheckInvariants(s, json + " (background_load " + std::to_string(seed % 3) + ", seed " + std::to_string(seed) + ")");
            if (::testing::Test::HasFatalFailure()) return;
        }
    }
}

TEST(Determinism, TheSameScenarioGivesTheSameTraceByteForByte) {
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        scenario::Scenario s = interleave::testing::Preset(std::string(preset.id));
        if (s.TaskCount() > 200) continue;
        std::string first = trace::ToJson(models::Simulate(s).trace);
        std::string second = trace::ToJson(models::Simulate(s).trace);
        EXPECT_EQ(first, second) << preset.id;
    }
}

TEST(Deadlock, OppositeLockOrderIsReportedNotHung) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[
        {"name":"ab","steps":[{"acquire":"a"},{"io":"1ms"},{"acquire":"b"},{"release":"b"},{"release":"a"}]},
        {"name":"ba","steps":[{"acquire":"b"},{"io":"1ms"},{"acquire":"a"},{"release":"a"},{"release":"b"}]}],
        "model":{"kind":"threads"}})");
    auto result = models::Simulate(s);
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("deadlock"), std::string::npos) << result.error;
}

TEST(Limits, ASimulationStopsAtItsEventLimitWithAClearError) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"t","count":4,"steps":[{"repeat":100000,"steps":[{"cpu":"1us"},{"io":"1us"}]}]}],
        "model":{"kind":"threads"}})");
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    options.maxEvents = 10'000;
    auto result = models::Simulate(s, options);
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("limit of 10000 events"), std::string::npos) << result.error;
    EXPECT_LE(result.events, 10'000);
}

TEST(Limits, ACancelStopsTheSimulation) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[{"name":"t","count":4,"steps":[{"repeat":100000,"steps":[{"cpu":"1us"},{"io":"1us"}]}]}],
        "model":{"kind":"threads"}})");
    std::atomic<bool> cancel{true};
    models::SimulationOptions options;
    options.cancel = &cancel;
    auto result = models::Simulate(s, options);
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.error, "cancelled");
}

// acquire_timed() (Modules/_threadmodule.c) waits for a contended lock with the GIL released, and a
// woken waiter takes the lock before it takes the GIL back. So the thread that released the lock and
// kept running cannot barge back in while the waiter waits for the GIL: it finds the lock taken.
TEST(Locks, AWokenWaiterHoldsTheLockWhileItWaitsForTheGil) {
    auto s = interleave::testing::ParseOrDie(R"({"tasks":[
        {"name":"a","steps":[{"acquire":"L"},{"io":"10ms"},{"release":"L"},{"cpu":"2ms"},{"acquire":"L"},{"cpu":"1ms"},{"release":"L"}]},
        {"name":"b","steps":[{"io":"1ms"},{"acquire":"L"},{"cpu":"1ms"},{"release":"L"}]}],
        "model":{"kind":"threads"},"machine":{"cores":2}})");
    auto result = models::Simulate(s);
    ASSERT_TRUE(result.ok) << result.error;
    const trace::Trace& t = result.trace;
    trace::TrackId a, b;
    for (size_t i = 0; i < t.tracks.size(); ++i) {
        if (t.tracks[i].kind != trace::TrackKind::Thread) continue;
        if (t.tracks[i].name == plan::TaskThreadName(0)) a = static_cast<trace::TrackId>(i);  // task a[0]'s thread
        if (t.tracks[i].name == plan::TaskThreadName(1)) b = static_cast<trace::TrackId>(i);
    }
    ASSERT_NE(a, trace::TrackId::None());
    ASSERT_NE(b, trace::TrackId::None());
    // b waits for the lock from 1 ms until a releases it at 10 ms; a, back for the lock at 12 ms, waits
    // for b, which got the lock at about 10 ms and needs the GIL (a's) to finish.
    std::vector<const trace::Span*> aLockWaits, bLockWaits;
    for (const trace::Span& span : t.spans) {
        if (span.state != SpanState::WaitingLock) continue;
        if (span.track == a) aLockWaits.push_back(&span);
        if (span.track == b) bLockWaits.push_back(&span);
    }
    ASSERT_EQ(bLockWaits.size(), 1u);
    EXPECT_EQ(bLockWaits[0]->cause, a);
    EXPECT_NEAR(static_cast<double>(bLockWaits[0]->end), 10e6, 0.5e6);
    ASSERT_EQ(aLockWaits.size(), 1u) << "a must find the lock held by the woken b";
    EXPECT_EQ(aLockWaits[0]->cause, b);
    EXPECT_NEAR(static_cast<double>(aLockWaits[0]->start), 12e6, 0.5e6);
    EXPECT_NEAR(static_cast<double>(t.WaitOf(*aLockWaits[0]).causeSince), 10e6, 0.5e6) << "b holds the lock since its wake-up";
}
