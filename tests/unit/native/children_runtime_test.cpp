// The C++ runtimes run children steps (format version 4) for real: gather and task_group children as coroutines (on
// the task's own event loop, or asyncio.run() on its thread), threads children as real threads under the GIL.
#include <map>
#include <set>

#include "models/simulate.h"
#include "native_test_support.h"
#include "scenario/model_info.h"

namespace interleave::native {
namespace {

using namespace testing;
using trace::SpanState;
using trace::TimeNs;

// One group "p" of `parents` tasks: {"cpu": before}, a children step of 3 children "c" via `via` running `childSteps`,
// then {"cpu": after}.
scenario::Scenario Kids(const std::string& model,
                        const std::string& via,
                        const std::string& childSteps,
                        int parents = 1,
                        const std::string& before = "2ms",
                        const std::string& after = "2ms",
                        int count = 3,
                        const std::string& extraGroups = "") {
    return Parse(std::string(R"({"name": "kids", "version": 4, "tasks": [{"name": "p", "count": )")
                     .append(std::to_string(parents))
                     .append(R"(, "steps": [{"cpu": ")")
                     .append(before)
                     .append(R"("}, {"children": {"name": "c", "count": )")
                     .append(std::to_string(count))
                     .append(R"(, "via": ")")
                     .append(via)
                     .append(R"(", "steps": )")
                     .append(childSteps)
                     .append(R"(}}, {"cpu": ")")
                     .append(after)
                     .append(R"("}]})")
                     .append(extraGroups)
                     .append(R"(], "model": )")
                     .append(model)
                     .append(R"(, "machine": {"cores": 2}})"));
}

const trace::TaskRecord* Find(const trace::Trace& t, const std::string& name) {
    for (const auto& rec : t.tasks)
        if (rec.name == name) return &rec;
    return nullptr;
}

int Starts(const trace::Trace& t, trace::TaskId task) {
    int n = 0;
    for (const auto& in : t.instants)
        if (in.kind == trace::InstantKind::TaskStart && in.task == task) ++n;
    return n;
}

// The lanes children give a trace: names with a '/' (child threads, child coroutines' Task lanes) and GIL lanes (but
// a pool's parent's: the simulator gives it one whatever the tasks do, the runtime none, children or not).
std::multiset<std::string> ChildLanes(const trace::Trace& t, bool pool) {
    std::multiset<std::string> out;
    for (const auto& track : t.tracks) {
        if (pool && track.name == "GIL (MainProcess)") continue;
        if (track.name.find('/') != std::string::npos || track.kind == trace::TrackKind::Gil) out.insert(track.name);
    }
    return out;
}

std::string Show(const std::multiset<std::string>& names) {
    std::string out;
    for (const auto& n : names)
        out.append(n).append("; ");
    return out;
}

// Every child of p[0..parents) ran once, named "p[i]/c[k]", after its parent's first step and before its last.
void ExpectChildrenRanInside(const trace::Trace& t, int parents, int count, TimeNs before, TimeNs after) {
    for (int i = 0; i < parents; ++i) {
        const std::string parentName = std::string("p[").append(std::to_string(i)).append("]");
        const trace::TaskRecord* parent = Find(t, parentName);
        ASSERT_NE(parent, nullptr) << parentName;
        for (int k = 0; k < count; ++k) {
            const std::string name = std::string(parentName).append("/c[").append(std::to_string(k)).append("]");
            const trace::TaskRecord* child = Find(t, name);
            ASSERT_NE(child, nullptr) << name;
            const auto id = static_cast<trace::TaskId>(child - t.tasks.data());
            EXPECT_EQ(Starts(t, id), 1) << name;
            EXPECT_GE(child->started, parent->started + before * 9 / 10)
                << name << ": starts after the parent's first step";
            EXPECT_GE(child->finished, child->started) << name;
            EXPECT_LE(child->finished + after * 9 / 10, parent->finished)
                << name << ": ends before the parent's last step";
            EXPECT_FALSE(child->failed || child->cancelled) << name;
        }
    }
}

void ExpectLanesAsSimulated(const scenario::Scenario& s, const trace::Trace& real) {
    const models::SimulationResult sim = models::Simulate(s);
    ASSERT_TRUE(sim.ok) << sim.error;
    const bool pool = scenario::Info(s.model.kind).processPool;
    EXPECT_EQ(Show(ChildLanes(real, pool)), Show(ChildLanes(sim.trace, pool)));
}

TimeNs ChildrenSpan(const trace::Trace& t, const std::string& parent, int count) {
    TimeNs first = INT64_MAX, last = 0;
    for (int k = 0; k < count; ++k) {
        const trace::TaskRecord* c = Find(t, std::string(parent).append("/c[").append(std::to_string(k)).append("]"));
        if (!c) return -1;
        first = std::min(first, c->started);
        last = std::max(last, c->finished);
    }
    return last - first;
}

// The spans of child tasks (every task but the top-level p[0]) in that state.
std::vector<trace::Span> ChildSpans(const trace::Trace& t, SpanState state) {
    std::vector<trace::Span> out;
    for (const trace::Span& s : SpansIn(t, state))
        if (s.task.value > 0) out.push_back(s);
    return out;
}

// ThreadSanitizer cannot follow threads started in a process forked from a threaded one (it makes the worker die):
// under it, pool models whose workers start threads are left out (the threads and asyncio models cover the code).
#if defined(__SANITIZE_THREAD__)
constexpr bool kUnderTsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr bool kUnderTsan = true;
#else
constexpr bool kUnderTsan = false;
#endif
#else
constexpr bool kUnderTsan = false;
#endif
bool ThreadsInAForkedWorker(const std::string& model, bool startsThreads) {
    return kUnderTsan && startsThreads && model.find("process") != std::string::npos;
}

const char* const kModels[] = {R"({"kind": "threads"})", R"({"kind": "asyncio"})",
                               R"({"kind": "processes", "workers": 1})"};
const char* const kVias[] = {"gather", "task_group", "threads", "executor"};

TEST(ChildrenRuntime, EveryChildRunsOnceInsideItsParentWithTheSimulatorsLanes) {
    for (const char* model : kModels) {
        for (const char* via : kVias) {
            SCOPED_TRACE(std::string(model) + " via " + via);
            const bool threads = std::string(via) == "threads" || std::string(via) == "executor";
            if (ThreadsInAForkedWorker(model, threads)) continue;
            const scenario::Scenario s = Kids(model, via, R"([{"await": "5ms"}, {"cpu": "1ms"}])", 2);
            const RealRunResult r = RunOk(s);
            if (!r.ok) continue;
            ExpectChildrenRanInside(r.trace, 2, 3, 2'000'000, 2'000'000);
            ExpectLanesAsSimulated(s, r.trace);
        }
    }
}

TEST(ChildrenRuntime, NestedChildrenRunInEveryModel) {
    const char* models[] = {R"({"kind": "sequential"})", R"({"kind": "free_threaded"})",
                            R"({"kind": "process_asyncio", "workers": 1})"};
    const std::string grandChildren =
        R"([{"children": {"name": "g", "count": 2, "via": "threads", "steps": [{"io": "3ms"}]}},
        {"children": {"name": "h", "count": 2, "via": "gather", "steps": [{"await": "3ms"}]}}])";
    for (const char* model : models) {
        for (const char* via : {"gather", "task_group", "threads"}) {  // an executor's children start none (the parser)
            SCOPED_TRACE(std::string(model) + " via " + via);
            if (ThreadsInAForkedWorker(model, true)) continue;
            const scenario::Scenario s = Kids(model, via, grandChildren, 1, "1ms", "1ms", 2);
            const RealRunResult r = RunOk(s);
            if (!r.ok) continue;
            ExpectChildrenRanInside(r.trace, 1, 2, 1'000'000, 1'000'000);
            for (const auto& rec : r.trace.tasks) {
                EXPECT_GE(rec.started, 0) << rec.name;
                EXPECT_GE(rec.finished, rec.started) << rec.name;
                EXPECT_FALSE(rec.failed || rec.cancelled) << rec.name;
            }
            EXPECT_EQ(r.trace.tasks.size(), 1u + 2u + 2u * 4u);
            ExpectLanesAsSimulated(s, r.trace);
        }
    }
}

TEST(ChildrenRuntime, ThreeGatheredChildrenAwaitingTwentyMillisecondsTakeTwentyNotSixty) {
    for (const char* model : kModels) {
        for (const char* via : {"gather", "task_group"}) {
            SCOPED_TRACE(std::string(model) + " via " + via);
            const RealRunResult r = RunOk(Kids(model, via, R"([{"await": "20ms"}])", 1, "1ms", "1ms"));
            const TimeNs span = ChildrenSpan(r.trace, "p[0]", 3);
            EXPECT_GE(Ms(span), 20.0 * 0.98);
            EXPECT_LT(Ms(span), 57.0);  // in sequence: 60 or more, however loaded the machine
            EXPECT_GT(Ms(MaxCrossOverlap(ChildSpans(r.trace, SpanState::Awaiting))), 10.0);  // they wait together
        }
    }
}

TEST(ChildrenRuntime, ChildThreadsOverlapTheirIoButShareTheGilForPython) {
    for (const char* model : kModels) {
        SCOPED_TRACE(model);
        if (ThreadsInAForkedWorker(model, true)) continue;
        const RealRunResult io = RunOk(Kids(model, "threads", R"([{"io": "20ms"}])", 1, "1ms", "1ms"));
        EXPECT_LT(Ms(ChildrenSpan(io.trace, "p[0]", 3)), 57.0);  // not 60 or more: the threads block at once
        EXPECT_GT(Ms(MaxCrossOverlap(ChildSpans(io.trace, SpanState::BlockedIo))), 10.0);
        const RealRunResult cpu = RunOk(Kids(model, "threads", R"([{"cpu": "10ms"}])", 1, "1ms", "1ms"));
        EXPECT_GE(Ms(ChildrenSpan(cpu.trace, "p[0]", 3)), 30.0 * 0.95);  // about the sum: one GIL
        EXPECT_FALSE(TracksOf(cpu.trace, trace::TrackKind::Gil).empty());
    }
}

TEST(ChildrenRuntime, AnExecutorRunsItsChildrenOnMaxWorkersThreadsAndTheParentWakesAsEachEnds) {
    // Six children blocking 20 ms each on an executor of two threads: three rounds, about 60 ms, not 20 (a thread
    // each) or 120 (one after another); the two threads' lanes carry three children each, in submit order.
    for (const char* model : kModels) {
        SCOPED_TRACE(model);
        if (ThreadsInAForkedWorker(model, true)) continue;
        scenario::Scenario s = Kids(model, "executor", R"([{"io": "20ms"}])", 1, "1ms", "1ms", 6);
        s.children[0].maxWorkers = 2;
        const RealRunResult r = RunOk(s);
        const TimeNs span = ChildrenSpan(r.trace, "p[0]", 6);
        EXPECT_GE(Ms(span), 60.0 * 0.98);
        EXPECT_LT(Ms(span), 100.0);
        std::map<trace::TrackId, int> childrenPerLane;
        for (const trace::Span& sp : ChildSpans(r.trace, SpanState::BlockedIo)) ++childrenPerLane[sp.track];
        ASSERT_EQ(childrenPerLane.size(), 2u);
        for (const auto& [lane, children] : childrenPerLane) {
            EXPECT_EQ(children, 3);
            const std::string& name = r.trace.tracks[lane.Index()].name;
            EXPECT_TRUE(name == "p[0]/c executor_0" || name == "p[0]/c executor_1") << name;
        }
        ExpectLanesAsSimulated(s, r.trace);
        // A failed child fails its parent once every child has ended (f.result() raises; `with` waits for the rest).
        scenario::Scenario failing = Kids(model, "executor", R"([{"io": "10ms"}, {"fail": "ValueError"}])", 1, "1ms",
                                          "1ms", 4);
        failing.children[0].maxWorkers = 2;
        const RealRunResult f = RunOk(failing);
        const trace::TaskRecord* parent = nullptr;
        TimeNs lastChild = 0;
        for (const trace::TaskRecord& rec : f.trace.tasks) {
            if (rec.name == "p[0]") parent = &rec;
            else lastChild = std::max(lastChild, rec.finished);
        }
        ASSERT_NE(parent, nullptr);
        EXPECT_TRUE(parent->failed);
        EXPECT_GE(parent->finished, lastChild);
    }
}

TEST(ChildrenRuntime, AGatheredChildsFailureFailsTheParentAtOnceAndTheOthersRunOn) {
    // Each child fails after its await: under gather the first failure fails the parent, the others run on and fail.
    const RealRunResult r =
        RunOk(Kids(R"({"kind": "asyncio"})", "gather", R"([{"await": "10ms"}, {"fail": "ValueError"}])", 1, "1ms",
                   "1ms", 3, R"(, {"name": "q", "count": 1, "steps": [{"await": "30ms"}]})"));
    const trace::TaskRecord* parent = Find(r.trace, "p[0]");
    ASSERT_NE(parent, nullptr);
    EXPECT_TRUE(parent->failed);
    EXPECT_FALSE(parent->cancelled);
    for (int k = 0; k < 3; ++k) {
        const trace::TaskRecord* c = Find(r.trace, std::string("p[0]/c[").append(std::to_string(k)).append("]"));
        ASSERT_NE(c, nullptr);
        EXPECT_TRUE(c->failed) << k;
        EXPECT_FALSE(c->cancelled) << k;
    }
    const trace::TaskRecord* q = Find(r.trace, "q[0]");
    ASSERT_NE(q, nullptr);
    EXPECT_FALSE(q->failed || q->cancelled);  // not a TaskGroup model: the other top-level task goes on
    EXPECT_LT(parent->finished, q->finished);
}

TEST(ChildrenRuntime, ATaskGroupChildsFailureCancelsItsSiblingsThenFailsTheParent) {
    const RealRunResult r =
        RunOk(Kids(R"({"kind": "asyncio"})", "task_group", R"([{"await": "10ms"}, {"fail": "ValueError"}])"));
    const trace::TaskRecord* parent = Find(r.trace, "p[0]");
    ASSERT_NE(parent, nullptr);
    EXPECT_TRUE(parent->failed);
    int failed = 0, cancelled = 0;
    for (int k = 0; k < 3; ++k) {
        const trace::TaskRecord* c = Find(r.trace, std::string("p[0]/c[").append(std::to_string(k)).append("]"));
        ASSERT_NE(c, nullptr);
        failed += c->failed;
        cancelled += c->cancelled;
    }
    EXPECT_EQ(failed, 1);
    EXPECT_EQ(cancelled, 2);
}

TEST(ChildrenRuntime, OutsideALoopTheFirstFailureCancelsTheRestAndFailsTheTask) {
    // threads and processes: asyncio.run() of the children on the task's thread.
    for (const char* model : {R"({"kind": "threads"})", R"({"kind": "processes", "workers": 1})"}) {
        for (const char* via : {"gather", "task_group"}) {
            SCOPED_TRACE(std::string(model) + " via " + via);
            const RealRunResult r = RunOk(Kids(model, via, R"([{"await": "10ms"}, {"fail": "ValueError"}])"));
            const trace::TaskRecord* parent = Find(r.trace, "p[0]");
            ASSERT_NE(parent, nullptr);
            EXPECT_TRUE(parent->failed);
            EXPECT_EQ(r.trace.metrics.tasksCancelled, 2);
            EXPECT_EQ(r.trace.metrics.tasksFailed, 2);  // the parent and the first child
        }
    }
}

TEST(ChildrenRuntime, AChildThreadsFailureEndsOnlyThatThread) {
    for (const char* model : kModels) {
        SCOPED_TRACE(model);
        if (ThreadsInAForkedWorker(model, true)) continue;
        const RealRunResult r = RunOk(Kids(model, "threads", R"([{"io": "2ms"}, {"fail": "ValueError"}])"));
        const trace::TaskRecord* parent = Find(r.trace, "p[0]");
        ASSERT_NE(parent, nullptr);
        EXPECT_FALSE(parent->failed);
        for (int k = 0; k < 3; ++k) {
            const trace::TaskRecord* child =
                Find(r.trace, std::string("p[0]/c[").append(std::to_string(k)).append("]"));
            ASSERT_NE(child, nullptr) << k;
            EXPECT_TRUE(child->failed) << k;
            EXPECT_FALSE(child->cancelled) << k;
        }
    }
}

TEST(ChildrenRuntime, EagerTasksRunTheirFirstStepBeforeWhatWasAlreadyReady) {
    // Two parents, each 1 ms of Python and then two children of 2 ms of Python (asyncio.gather). As the simulator does
    // it (EagerTasks.*): lazily, p[1] starts before p[0]'s children; eagerly, after both have run.
    auto run = [](bool eager) {
        return RunOk(Parse(std::string(R"({"name": "eager", "version": 6, "python": "3.13", "tasks": [{"name": "p",
            "count": 2, "steps": [{"cpu": "1ms"}, {"children": {"name": "c", "count": 2, "via": "gather",
            "steps": [{"cpu": "2ms"}]}}, {"cpu": "1ms"}]}], "model": {"kind": "asyncio", "eager_tasks": )")
                                 .append(eager ? "true" : "false")
                                 .append(R"(}, "machine": {"cores": 2}})")));
    };
    const RealRunResult lazy = run(false), eager = run(true);
    for (const RealRunResult* r : {&lazy, &eager})
        for (const char* name : {"p[0]", "p[1]", "p[0]/c[0]", "p[0]/c[1]"}) ASSERT_NE(Find(r->trace, name), nullptr) << name;
    EXPECT_LT(Find(lazy.trace, "p[1]")->started, Find(lazy.trace, "p[0]/c[0]")->started);
    EXPECT_GE(Find(eager.trace, "p[1]")->started, Find(eager.trace, "p[0]/c[1]")->finished);
    EXPECT_LT(Find(eager.trace, "p[0]/c[0]")->started, Find(eager.trace, "p[0]/c[1]")->started);
}

}  // namespace
}  // namespace interleave::native
