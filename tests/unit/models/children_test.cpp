// Children steps (format version 4): a task that starts child tasks and waits for them (asyncio.gather, a TaskGroup,
// threads started and joined). The format, the plan's numbering of children, and what the simulator does with them
// under each model.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "models/workload.h"
#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using testing::ParseOrDie;
using testing::SimulateOk;
using testing::HasTrack;

std::string Scenario(const std::string& tasks, const std::string& model, int cores = 4) {
    return R"({"name": "children", "version": 4, "tasks": )" + tasks + R"(, "model": )" + model +
           R"(, "machine": {"cores": )" + std::to_string(cores) + "}}";
}

// `count` pages, each: 1 ms of Python, then `children` children started `via`, each running `childSteps`, then 1 ms.
std::string Pages(int count, const std::string& via, int children, const std::string& childSteps) {
    return R"([{"name": "page", "count": )" + std::to_string(count) + R"(, "steps": [{"cpu": "1ms"}, {"children": {"name": "fetch", "count": )" +
           std::to_string(children) + R"(, "via": ")" + via + R"(", "steps": )" + childSteps + R"(}}, {"cpu": "1ms"}]}])";
}

using testing::Ms;
using testing::TaskNamed;

TEST(ChildrenFormat, AChildrenStepRoundTripsAndNamesItsVia) {
    const scenario::Scenario s = ParseOrDie(Scenario(Pages(2, "task_group", 3, R"([{"await": "5ms"}])"), R"({"kind": "asyncio"})"));
    ASSERT_EQ(s.children.size(), 1u);
    EXPECT_EQ(s.children[0].name, "fetch");
    EXPECT_EQ(s.children[0].count, 3);
    EXPECT_EQ(s.children[0].via, scenario::ChildVia::TaskGroup);
    EXPECT_EQ(s.groups[0].steps[1].kind, scenario::StepKind::Children);
    const std::string json = scenario::ScenarioToJson(s);
    EXPECT_NE(json.find("\"via\": \"task_group\""), std::string::npos) << json;
    EXPECT_EQ(scenario::ScenarioToJson(ParseOrDie(json)), json);
}

TEST(ChildrenFormat, BadChildrenAreRefusedByPath) {
    struct Case {
        std::string children, path, reason;
    };
    const Case cases[] = {
        {R"({"count": 2, "steps": [{"cpu": "1ms"}]})", "tasks[0].steps[0].children.via", "is missing"},
        {R"({"via": "pool", "steps": [{"cpu": "1ms"}]})", "tasks[0].steps[0].children.via", "must be gather, task_group, threads or executor"},
        {R"({"via": "gather", "max_workers": 2, "steps": [{"cpu": "1ms"}]})", "tasks[0].steps[0].children.max_workers",
         "belongs to \"via\": \"executor\""},
        {R"({"via": "executor", "max_workers": -1, "steps": [{"cpu": "1ms"}]})",
         "tasks[0].steps[0].children.max_workers", ""},
        {R"({"via": "executor", "steps": [{"repeat": 2, "steps": [{"children": {"via": "gather", "steps": [{"cpu": "1ms"}]}}]}]})",
         "tasks[0].steps[0].children.steps[0].steps[0]", "a task run by an executor cannot start children"},
        {R"({"via": "gather"})", "tasks[0].steps[0].children.steps", "is missing"},
        {R"({"via": "gather", "steps": []})", "tasks[0].steps[0].children.steps", "is empty"},
        {R"({"via": "gather", "count": 0, "steps": [{"cpu": "1ms"}]})", "tasks[0].steps[0].children.count", ""},
        {R"({"via": "gather", "name": 5, "steps": [{"cpu": "1ms"}]})", "tasks[0].steps[0].children.name", "must be a name"},
        {R"({"via": "gather", "what": 1, "steps": [{"cpu": "1ms"}]})", "tasks[0].steps[0].children.what", "unknown field"},
        {R"([1])", "tasks[0].steps[0].children", "must be an object"},
    };
    for (const Case& c : cases) {
        scenario::ParseError error;
        EXPECT_FALSE(scenario::ParseScenario(
            Scenario(R"([{"name": "t", "steps": [{"children": )" + c.children + "}]}]", R"({"kind": "asyncio"})"), error))
            << c.children;
        EXPECT_EQ(error.path, c.path) << c.children << ": " << error.Message();
        EXPECT_NE(error.reason.find(c.reason), std::string::npos) << error.Message();
    }
}

TEST(ChildrenFormat, ChildrenNestWithinTheRepeatDepthAndCountTowardTheTaskLimit) {
    // Eight levels of children inside children are refused like eight nested repeats.
    std::string steps = R"([{"cpu": "1ms"}])";
    for (int level = 0; level < 9; ++level) steps = R"([{"children": {"via": "gather", "steps": )" + steps + "}}]";
    scenario::ParseError error;
    EXPECT_FALSE(scenario::ParseScenario(Scenario(R"([{"name": "t", "steps": )" + steps + "}]", R"({"kind": "asyncio"})"), error));
    EXPECT_NE(error.reason.find("nest deeper than 8"), std::string::npos) << error.Message();
    // 100 tasks x a repeat of 10 x 200 children: 200,100 tasks, past the 100,000 limit though the groups hold 100.
    const std::string many = R"([{"name": "t", "count": 100, "steps": [{"repeat": 10, "steps": [{"children": {"via": "threads", "count": 200, "steps": [{"cpu": "1us"}]}}]}]}])";
    EXPECT_FALSE(scenario::ParseScenario(Scenario(many, R"({"kind": "threads"})"), error));
    EXPECT_NE(error.reason.find("counting the children they start"), std::string::npos) << error.Message();
}

TEST(ChildrenPlan, ChildrenAreNumberedAfterEveryTaskInTheOrderTheirParentsStartThem) {
    // Two groups; `b`'s tasks start children twice (a repeat), and each child starts grandchildren.
    const scenario::Scenario s = ParseOrDie(Scenario(
        R"([{"name": "a", "count": 2, "steps": [{"cpu": "1ms"}]},
            {"name": "b", "count": 2, "steps": [{"repeat": 2, "steps": [{"children": {"name": "c", "count": 2, "via": "threads",
              "steps": [{"children": {"name": "g", "count": 1, "via": "gather", "steps": [{"await": "1ms"}]}}]}}]}]}])",
        R"({"kind": "threads"})"));
    const models::Workload w = models::BuildWorkload(s);
    EXPECT_EQ(w.plan.taskCount, 4);
    // Each b task: 2 rounds x 2 children x (1 + 1 grandchild) = 8 descendants.
    EXPECT_EQ(w.plan.totalTasks, 4 + 2 * 8);
    EXPECT_EQ(w.TaskCount(), 4);
    EXPECT_EQ(w.AllTaskCount(), 20);
    EXPECT_EQ(w.plan.FirstDescendant(2), 4);
    EXPECT_EQ(w.plan.FirstDescendant(3), 12);
    trace::Trace t;
    models::AddTaskRecords(s, w, t);
    ASSERT_EQ(t.tasks.size(), 20u);
    // b[0]'s block: its first round's two children, then each one's grandchild, then the second round's.
    const char* expected[] = {"a[0]", "a[1]", "b[0]", "b[1]",
                              "b[0]/c[0]", "b[0]/c[1]", "b[0]/c[0]/g[0]", "b[0]/c[1]/g[0]",
                              "b[0]/c[0]", "b[0]/c[1]", "b[0]/c[0]/g[0]", "b[0]/c[1]/g[0]",
                              "b[1]/c[0]", "b[1]/c[1]", "b[1]/c[0]/g[0]", "b[1]/c[1]/g[0]"};
    for (size_t i = 0; i < std::size(expected); ++i) EXPECT_EQ(t.tasks[i].name, expected[i]) << i;
    for (int32_t task = 4; task < 20; ++task) EXPECT_GE(w.taskGroup[static_cast<size_t>(task)], 2) << task;  // child groups
}

TEST(ChildrenSim, GatheredChildrenOnTheTasksLoopOverlapTheirAwaits) {
    // Asyncio: 3 children awaiting 20 ms each run side by side on the page's loop, so the page takes about 22 ms, not 62.
    const scenario::Scenario s = ParseOrDie(Scenario(Pages(1, "gather", 3, R"([{"await": "20ms"}])"), R"({"kind": "asyncio"})"));
    const auto result = SimulateOk(s);
    const trace::Trace& t = result.trace;
    ASSERT_EQ(t.tasks.size(), 4u);
    const trace::TaskRecord& page = t.tasks[0];
    EXPECT_NEAR(Ms(page.finished - page.started), 22.0, 0.5);
    for (int k = 0; k < 3; ++k) {
        const trace::TaskRecord& child = TaskNamed(t, "page[0]/fetch[" + std::to_string(k) + "]");
        EXPECT_GE(child.started, page.started + 1'000'000) << "a child starts after the step before its children step";
        EXPECT_LE(child.finished, page.finished - 1'000'000) << "the step after it waits for every child";
        EXPECT_FALSE(child.failed);
        EXPECT_TRUE(HasTrack(t, "Task-" + std::to_string(2 + k) + " page[0]/fetch[" + std::to_string(k) + "]"));
    }
}

TEST(ChildrenSim, AGatherFailsAtTheFirstFailureAndLeavesTheOtherChildrenRunning) {
    // Every child runs 5 ms of Python and raises. The loop runs them one after another: the first fails at 6 ms and
    // fails its gather (and its parent) at once; the others still run and fail later, unawaited.
    const std::string tasks = Pages(1, "gather", 3, R"([{"cpu": "5ms"}, {"fail": true}])");
    const auto result = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "asyncio"})")));
    const trace::Trace& t = result.trace;
    const trace::TaskRecord& page = TaskNamed(t, "page[0]");
    EXPECT_TRUE(page.failed);
    EXPECT_NEAR(Ms(page.finished), 6.0, 0.5) << "it fails with its first child, skipping its last step";
    for (int k = 0; k < 3; ++k) {
        const trace::TaskRecord& child = TaskNamed(t, "page[0]/fetch[" + std::to_string(k) + "]");
        EXPECT_TRUE(child.failed) << k;
        EXPECT_FALSE(child.cancelled) << k;
        EXPECT_NEAR(Ms(child.finished), 6.0 + 5.0 * k, 0.5) << k;
    }
}

TEST(ChildrenSim, ATaskGroupCancelsTheSiblingsOfAFailedChildAndThenFails) {
    // The same children under a TaskGroup: the first failure cancels the two not yet started; they never run.
    const auto notStarted = SimulateOk(ParseOrDie(Scenario(Pages(1, "task_group", 3, R"([{"cpu": "5ms"}, {"fail": true}])"),
                                                           R"({"kind": "asyncio"})")));
    EXPECT_TRUE(TaskNamed(notStarted.trace, "page[0]").failed);
    EXPECT_NEAR(Ms(TaskNamed(notStarted.trace, "page[0]").finished), 6.0, 0.5);
    EXPECT_TRUE(TaskNamed(notStarted.trace, "page[0]/fetch[0]").failed);
    for (int k = 1; k < 3; ++k) EXPECT_TRUE(TaskNamed(notStarted.trace, "page[0]/fetch[" + std::to_string(k) + "]").cancelled) << k;

    // Children that await: the first wakes at 12 ms and fails; its sibling, still awaiting (until 13 ms), is
    // cancelled at once, and the parent fails then.
    const auto awaiting = SimulateOk(ParseOrDie(Scenario(Pages(1, "task_group", 2, R"([{"cpu": "1ms"}, {"await": "10ms"}, {"fail": true}])"),
                                                         R"({"kind": "asyncio"})")));
    const trace::TaskRecord& sibling = TaskNamed(awaiting.trace, "page[0]/fetch[1]");
    EXPECT_TRUE(sibling.cancelled);
    EXPECT_NEAR(Ms(sibling.finished), 12.0, 0.5);
    EXPECT_TRUE(TaskNamed(awaiting.trace, "page[0]").failed);
    EXPECT_NEAR(Ms(TaskNamed(awaiting.trace, "page[0]").finished), 12.0, 0.5);
}

TEST(ChildrenSim, CancellingATaskCancelsTheChildrenItAwaits) {
    // The scenario's own TaskGroup: `bad` fails at 5 ms and cancels `slow`, which awaits its gathered children.
    const std::string tasks = R"([{"name": "slow", "steps": [{"children": {"name": "f", "count": 2, "via": "gather", "steps": [{"await": "40ms"}]}}]},
                                  {"name": "bad", "steps": [{"await": "5ms"}, {"fail": true}]}])";
    const auto result = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "asyncio", "task_group": true})")));
    const trace::Trace& t = result.trace;
    EXPECT_TRUE(TaskNamed(t, "slow[0]").cancelled);
    for (const char* child : {"slow[0]/f[0]", "slow[0]/f[1]"}) {
        EXPECT_TRUE(TaskNamed(t, child).cancelled) << child;
        EXPECT_NEAR(Ms(TaskNamed(t, child).finished), 5.0, 0.5) << child;
    }
    EXPECT_LT(Ms(t.metrics.makespan), 10.0);
}

TEST(ChildrenSim, ChildrenATaskNeverGotToStartAreRecordedAsCancelled) {
    // Each child of the TaskGroup starts a thread, then fails: the first failure cancels the second child before it
    // runs, so its own child thread never starts. It is recorded as cancelled (the run does not stop at a "deadlock").
    const std::string tasks = R"([{"name": "p", "steps": [{"children": {"name": "c", "count": 2, "via": "task_group", "steps": [
        {"children": {"name": "t", "count": 1, "via": "threads", "steps": [{"cpu": "1ms"}]}}, {"fail": true}]}}]}])";
    for (const char* model : {R"({"kind": "asyncio"})", R"({"kind": "threads"})", R"({"kind": "processes", "workers": 1})"}) {
        const auto result = SimulateOk(ParseOrDie(Scenario(tasks, model)));
        const trace::TaskRecord& never = TaskNamed(result.trace, "p[0]/c[1]/t[0]");
        EXPECT_TRUE(never.cancelled) << model;
        EXPECT_GE(never.finished, 0) << model;
        EXPECT_FALSE(TaskNamed(result.trace, "p[0]/c[0]/t[0]").cancelled) << model;
        EXPECT_TRUE(TaskNamed(result.trace, "p[0]").failed) << model;
    }
}

TEST(ChildrenSim, ThreadChildrenShareTheGilAndTheirParentJoinsThem) {
    // Threads model: each page starts 3 threads of 5 ms pure Python and joins them: under the GIL the children
    // take turns (about 15 ms for one page); on the free-threaded build they run side by side on 4 cores.
    const std::string tasks = Pages(1, "threads", 3, R"([{"cpu": "5ms"}])");
    const auto gil = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "threads"})")));
    const trace::TaskRecord& page = TaskNamed(gil.trace, "page[0]");
    EXPECT_NEAR(Ms(page.finished - page.started), 17.0, 1.0);
    EXPECT_TRUE(HasTrack(gil.trace, "page[0]/fetch[2]")) << "a child thread's lane is named after its task";
    EXPECT_TRUE(HasTrack(gil.trace, "GIL (MainProcess)"));
    for (int k = 0; k < 3; ++k) EXPECT_LE(TaskNamed(gil.trace, "page[0]/fetch[" + std::to_string(k) + "]").finished, page.finished - 1'000'000);
    EXPECT_GT(gil.trace.metrics.threadStart, 0);

    const auto free = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "free_threaded", "slowdown": 1.0})")));
    const trace::TaskRecord& freePage = TaskNamed(free.trace, "page[0]");
    EXPECT_NEAR(Ms(freePage.finished - freePage.started), 7.0, 1.0);
}

TEST(ChildrenFormat, AnExecutorsMaxWorkersRoundTripsAndItsDefaultIsCPythons) {
    const scenario::Scenario sized = ParseOrDie(Scenario(R"([{"name": "page", "steps": [{"children": {"name": "fetch",
        "count": 9, "via": "executor", "max_workers": 3, "steps": [{"io": "1ms"}]}}]}])", R"({"kind": "sequential"})"));
    EXPECT_EQ(sized.children[0].via, scenario::ChildVia::Executor);
    EXPECT_EQ(sized.children[0].maxWorkers, 3);
    const std::string json = scenario::ScenarioToJson(sized);
    EXPECT_NE(json.find("\"max_workers\": 3"), std::string::npos) << json;
    EXPECT_EQ(scenario::ScenarioToJson(ParseOrDie(json)), json);
    const plan::Plan plan = plan::MakePlan(sized);
    EXPECT_EQ(plan.Children(sized, sized.groups[0].steps[0], plan.FirstDescendant(0)).executorThreads, 3);
    EXPECT_TRUE(plan.childThreads);
    // No max_workers: min(32, cores + 4) threads, and never more than the children (one per submit while none idles).
    for (const auto& [cores, count, threads] : {std::tuple{4, 9, 8}, std::tuple{64, 40, 32}, std::tuple{4, 5, 5}}) {
        scenario::Scenario s = sized;
        s.children[0].maxWorkers = 0;
        s.children[0].count = count;
        s.machine.cores = cores;
        const plan::Plan p = plan::MakePlan(s);
        EXPECT_EQ(p.Children(s, s.groups[0].steps[0], p.FirstDescendant(0)).executorThreads, threads) << cores;
    }
    EXPECT_EQ(plan::ExecutorThreadLaneName(plan::ChildTaskName("page[2]", "fetch", 1)),
              plan::ChildExecutorThreadName("page[2]", "fetch", 1));
    EXPECT_EQ(plan::ChildExecutorThreadName("page[2]", "fetch", 1), "page[2]/fetch executor_1");
}

TEST(ChildrenSim, AnExecutorRunsMaxWorkersChildrenAtATimeInSubmitOrder) {
    // Six children of 20 ms I/O on an executor of 2: three rounds (about 60 ms), child k on thread k % 2 (each
    // thread takes the next submitted child when its own ends), two thread starts, and the parent wakes six times.
    const std::string tasks = R"([{"name": "page", "steps": [{"cpu": "1ms"}, {"children": {"name": "fetch", "count": 6,
        "via": "executor", "max_workers": 2, "steps": [{"io": "20ms"}]}}, {"cpu": "1ms"}]}])";
    for (const char* model : {R"({"kind": "sequential"})", R"({"kind": "threads"})", R"({"kind": "asyncio"})"}) {
        SCOPED_TRACE(model);
        const scenario::Scenario s = ParseOrDie(Scenario(tasks, model));
        const auto result = SimulateOk(s);
        const trace::TaskRecord& page = TaskNamed(result.trace, "page[0]");
        EXPECT_NEAR(Ms(page.finished - page.started), 62.0, 1.0);
        EXPECT_TRUE(HasTrack(result.trace, "page[0]/fetch executor_0"));
        EXPECT_TRUE(HasTrack(result.trace, "page[0]/fetch executor_1"));
        EXPECT_FALSE(HasTrack(result.trace, "page[0]/fetch executor_2"));
        EXPECT_FALSE(HasTrack(result.trace, "page[0]/fetch[0]")) << "the children run on the executor's threads";
        // Two executor threads (and the threads model's own thread for the top-level task).
        const int topLevelThreads = s.model.kind == scenario::ModelKind::Threads ? 1 : 0;
        EXPECT_EQ(result.trace.metrics.threadStart, (2 + topLevelThreads) * s.machine.profile.threadStart);
        for (int k = 0; k < 6; ++k) {
            const trace::TaskRecord& child = TaskNamed(result.trace, "page[0]/fetch[" + std::to_string(k) + "]");
            EXPECT_NEAR(Ms(child.started - page.started), 1.0 + 20.0 * (k / 2), 0.5) << k;
        }
        // The parent's Python: 1 + 1 ms of steps, six submits, six futures handed out by as_completed.
        const scenario::MachineProfile& p = s.machine.profile;
        trace::TimeNs parentPython = 0;
        for (const trace::Span& span : result.trace.spans)
            if (span.task == trace::TaskId(0) && span.state == trace::SpanState::RunningPython &&
                (result.trace.tracks[span.track.Index()].kind == trace::TrackKind::Thread ||
                 result.trace.tracks[span.track.Index()].kind == trace::TrackKind::EventLoop))
                parentPython += span.end - span.start;
        EXPECT_EQ(parentPython, 2'000'000 + 6 * (p.executorSubmit + p.asCompletedYield));
    }
}

TEST(ChildrenSim, AFailedExecutorChildFailsItsParentOnceEveryChildHasEnded) {
    const std::string tasks = R"([{"name": "page", "steps": [{"children": {"name": "w", "count": 4, "via": "executor",
        "max_workers": 2, "steps": [{"io": "10ms"}, {"fail": true}]}}, {"cpu": "1ms"}]}])";
    for (const char* model : {R"({"kind": "threads"})", R"({"kind": "asyncio"})"}) {
        SCOPED_TRACE(model);
        const auto result = SimulateOk(ParseOrDie(Scenario(tasks, model)));
        const trace::TaskRecord& page = TaskNamed(result.trace, "page[0]");
        EXPECT_TRUE(page.failed);
        for (int k = 0; k < 4; ++k) {
            const trace::TaskRecord& child = TaskNamed(result.trace, "page[0]/w[" + std::to_string(k) + "]");
            EXPECT_TRUE(child.failed) << k;  // shutdown(wait=True) lets every submitted child run
            EXPECT_LE(child.finished, page.finished) << k;
        }
        EXPECT_GE(Ms(page.finished - page.started), 20.0);
    }
}

TEST(ChildrenSim, AThreadChildsFailureEndsOnlyThatThread) {
    const std::string tasks = R"([{"name": "page", "steps": [{"children": {"name": "w", "count": 2, "via": "threads", "steps": [{"fail": true}]}}, {"cpu": "1ms"}]}])";
    const auto result = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "threads"})")));
    EXPECT_TRUE(TaskNamed(result.trace, "page[0]/w[0]").failed);
    EXPECT_FALSE(TaskNamed(result.trace, "page[0]").failed);
}

TEST(ChildrenSim, EachPoolItemRunsAnEventLoopOfItsOwn) {
    // The blog's "multiprocessing with asyncio per process": Pool.map over 4 pages on 2 workers, each page gathering 5
    // fetches of 40 ms on an event loop of its own (asyncio.run in the worker): two rounds of about 40 ms each.
    const std::string tasks = Pages(4, "gather", 5, R"([{"await": "40ms"}, {"cpu": "1ms"}])");
    const auto result = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "processes", "workers": 2, "chunksize": 1, "start_method": "fork"})", 2)));
    const trace::Trace& t = result.trace;
    EXPECT_EQ(t.tasks.size(), 4u + 4 * 5);
    for (const trace::TaskRecord& task : t.tasks) EXPECT_GE(task.finished, 0) << task.name;
    // Each page: 1 ms + (40 ms awaits overlapping + 5 x 1 ms Python one after another) + 1 ms, about 47 ms.
    const trace::TaskRecord& page = TaskNamed(t, "page[0]");
    EXPECT_NEAR(Ms(page.finished - page.started), 47.0, 2.0);
    EXPECT_LT(Ms(t.metrics.makespan), 2 * 47.0 + 30.0);
    EXPECT_GT(Ms(t.metrics.makespan), 2 * 47.0);
    EXPECT_TRUE(HasTrack(t, "Task-5 page[0]/fetch[0]")) << "a child coroutine's lane, numbered by its task id";
    // Sequential code pays for every page in turn (4 x 47 ms).
    const auto sequential = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "sequential"})", 2)));
    EXPECT_NEAR(Ms(sequential.trace.metrics.makespan), 4 * 47.0, 3.0);
}

TEST(ChildrenSim, AFailedGatherOutsideALoopCancelsTheRestAndFailsItsTask) {
    // asyncio.run(gather(...)) on a thread: the first failure ends main(), asyncio.run cancels the other children.
    const std::string tasks = R"([{"name": "page", "steps": [{"children": {"name": "f", "count": 3, "via": "gather", "steps": [
        {"await": "10ms"}]}}, {"children": {"name": "g", "count": 2, "via": "gather", "steps": [{"await": "1ms"}, {"fail": true}]}},
        {"cpu": "5ms"}]}])";
    const auto result = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "threads"})")));
    const trace::TaskRecord& page = TaskNamed(result.trace, "page[0]");
    EXPECT_TRUE(page.failed);
    EXPECT_NEAR(Ms(page.finished), 11.0, 1.0) << "its last step (5 ms) never runs";
    const trace::TaskRecord& second = TaskNamed(result.trace, "page[0]/g[1]");
    EXPECT_TRUE(second.failed || second.cancelled);
}

TEST(ChildrenPlan, ChildrenUsingALockQueueOrEventAreRefusedByName) {
    const std::string tasks = R"([{"name": "t", "steps": [{"children": {"name": "kid", "via": "threads", "steps": [{"acquire": "db"}, {"release": "db"}]}}]}])";
    const scenario::Scenario s = ParseOrDie(Scenario(tasks, R"({"kind": "threads"})"));
    const std::string why = plan::Unsupported(s);
    EXPECT_NE(why.find("children \"kid\" use acquire \"db\""), std::string::npos) << why;
    const models::SimulationResult result = models::Simulate(s);
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("not modelled yet"), std::string::npos) << result.error;
    // Counters are shared by children as by any tasks.
    const std::string counting = R"([{"name": "t", "steps": [{"children": {"name": "kid", "count": 4, "via": "threads", "steps": [{"increment": "n"}]}}]}])";
    const auto counted = SimulateOk(ParseOrDie(Scenario(counting, R"({"kind": "threads"})")));
    EXPECT_EQ(counted.trace.metrics.counters.size(), 1u);
}

TEST(ChildrenFormat, PruningDropsChildGroupsNoStepReaches) {
    scenario::Scenario s = ParseOrDie(Scenario(
        R"([{"name": "t", "steps": [{"children": {"name": "a", "via": "gather", "steps": [{"cpu": "1ms"}]}},
                                   {"children": {"name": "b", "via": "gather", "steps": [
                                       {"children": {"name": "c", "via": "threads", "steps": [{"cpu": "1ms"}]}}]}}]}])",
        R"({"kind": "asyncio"})"));
    ASSERT_EQ(s.children.size(), 3u);
    s.groups[0].steps[0] = scenario::Step{};  // the editor turned the first children step into a cpu step
    scenario::PruneChildren(s);
    ASSERT_EQ(s.children.size(), 2u);
    EXPECT_EQ(s.children[0].name, "b");
    EXPECT_EQ(s.groups[0].steps[1].children, 0);
    EXPECT_EQ(s.children[0].steps[0].children, 1);
    EXPECT_EQ(s.children[1].name, "c");
}

}  // namespace
}  // namespace interleave
