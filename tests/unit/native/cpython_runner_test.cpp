// The CPython runner: the generated program, the probe's trace, the profile and version checks.
#include "native/python_export_check.h"
#include "native_test_support.h"

namespace interleave::native {
namespace {

using namespace testing;
using trace::SpanState;

TEST(CPythonRunner, ExportsAThreadPoolProgram) {
    std::string py = ExportPython(Make(4, R"([{"cpu": "1ms"}, {"io": "1ms"}])", R"({"kind": "threads", "workers": 2})"));
    EXPECT_NE(py.find("ThreadPoolExecutor(max_workers=2)"), std::string::npos);
    EXPECT_NE(py.find("probe.cpu(1000000"), std::string::npos);
    EXPECT_NE(py.find("def cpu("), std::string::npos);  // the probe is inlined: the program runs on its own
}

TEST(CPythonRunner, ExportsAPoolWithItsStartMethod) {
    std::string py = ExportPython(Make(2, R"([{"send": "1KB"}, {"cpu": "1ms"}, {"return": "8B"}])", R"({"kind": "processes", "workers": 2, "start_method": "spawn"})"));
    EXPECT_NE(py.find("get_context(\"spawn\")"), std::string::npos);
    EXPECT_NE(py.find("bytes(1000)"), std::string::npos);
}

TEST(CPythonRunner, ExportsATaskGroup) {
    std::string py = ExportPython(Make(2, R"([{"await": "1ms"}])", R"({"kind": "asyncio", "task_group": true})"));
    EXPECT_NE(py.find("asyncio.TaskGroup()"), std::string::npos);
    EXPECT_NE(py.find("await probe.aio("), std::string::npos);
}

// Options for a CPython run on setup's build of `release` (scripts/setup.sh --cpython); python empty (with `why`) when
// this machine has no such build.
RunOptions OptionsForBuild(scenario::PythonVersion release, std::string& why) {
    RunOptions options;
    options.python = PythonBinaryFor(release, why);
    options.timeoutSeconds = 60;
    return options;
}

// Two parents, each 1 ms of Python, then two children of 2 ms of Python (asyncio.gather), then 1 ms; `model` runs them.
scenario::Scenario EagerParents(const std::string& model) {
    return Parse(R"({"name": "eager", "version": 6, "python": "3.13", "tasks": [{"name": "p", "count": 2, "steps": [
        {"cpu": "1ms"}, {"children": {"name": "c", "count": 2, "via": "gather", "steps": [{"cpu": "2ms"}]}},
        {"cpu": "1ms"}]}], "model": )" + model + R"(, "machine": {"cores": 2}})");
}

size_t Occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(CPythonRunner, ExportsEagerTasksInEveryLoopItRuns) {
    const std::string factory = "asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)";
    // asyncio: main()'s loop, and gather_all() for children outside a loop (written whenever a child gathers).
    // threads and process_asyncio: every loop they start sets it too.
    for (const char* model : {R"({"kind": "asyncio", "eager_tasks": true})", R"({"kind": "threads", "eager_tasks": true})",
                              R"({"kind": "process_asyncio", "eager_tasks": true})"}) {
        SCOPED_TRACE(model);
        const scenario::Scenario s = EagerParents(model);
        const std::string py = ExportPython(s);
        EXPECT_EQ(Occurrences(py, factory), s.model.kind == scenario::ModelKind::Threads ? 1u : 2u) << py;
        EXPECT_NE(py.find("if sys.version_info < (3, 12):"), std::string::npos);
        std::string why;
        EXPECT_TRUE(CheckExportedProgramShape(py, s, why)) << why;
    }
    EXPECT_EQ(Occurrences(ExportPython(EagerParents(R"({"kind": "asyncio"})")), factory), 0u);
}

TEST(CPythonRunner, EagerTasksNeedPython312) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    std::string version;
    const std::string why = PythonRequirement(EagerParents(R"({"kind": "asyncio", "eager_tasks": true})"), "python3", version);
    if (version.rfind("3.11", 0) != 0) GTEST_SKIP() << "python3 here is " << version;
    EXPECT_NE(why.find("3.12"), std::string::npos) << why;
}

TEST(CPythonRunner, EagerChildrenRunBeforeWhatWasReadyOnRealCPython) {
    // The ordering the simulator and the C++ runtime give eager children (EagerTasks.*, ChildrenRuntime.EagerTasks*),
    // on CPython 3.13 itself: lazily p[1] starts before p[0]'s children, eagerly after both.
    std::string why;
    const RunOptions options = OptionsForBuild({13, false}, why);
    if (options.python.empty()) GTEST_SKIP() << why;
    auto run = [&](const char* model) {
        RealRunResult r = RunForReal(EagerParents(model), RealRunKind::CPython, options);
        EXPECT_TRUE(r.ok) << r.error;
        return r;
    };
    const RealRunResult lazy = run(R"({"kind": "asyncio"})");
    const RealRunResult eager = run(R"({"kind": "asyncio", "eager_tasks": true})");
    auto find = [](const trace::Trace& t, const std::string& name) -> const trace::TaskRecord* {
        for (const auto& task : t.tasks)
            if (task.name == name) return &task;
        return nullptr;
    };
    for (const RealRunResult* r : {&lazy, &eager})
        for (const char* name : {"p[1]", "p[0]/c[0]", "p[0]/c[1]"}) ASSERT_NE(find(r->trace, name), nullptr) << name;
    EXPECT_LT(find(lazy.trace, "p[1]")->started, find(lazy.trace, "p[0]/c[0]")->started);
    EXPECT_GE(find(eager.trace, "p[1]")->started, find(eager.trace, "p[0]/c[1]")->finished);
}

// Two threads of `cpu` of pure Python on 3.13t, with PYTHON_GIL=1 or not.
scenario::Scenario FreeThreadedPair(bool pythonGil, const std::string& cpu = "50ms") {
    return Parse(R"({"name": "gil", "version": 6, "python": "3.13t", "python_gil": )" + std::string(pythonGil ? "1" : "0") +
                 R"(, "tasks": [{"name": "t", "count": 2, "steps": [{"cpu": ")" + cpu +
                 R"("}]}], "model": {"kind": "threads"}, "machine": {"cores": 2}})");
}

TEST(CPythonRunner, ExportsPythonGilAsAHeaderAndACheck) {
    const std::string check = "if hasattr(sys, \"_is_gil_enabled\") and not sys._is_gil_enabled():";
    const scenario::Scenario s = FreeThreadedPair(true);
    const std::string py = ExportPython(s);
    EXPECT_NE(py.find("# Run it with PYTHON_GIL=1 on a free-threaded build"), std::string::npos);
    EXPECT_NE(py.find(check), std::string::npos);
    std::string why;
    EXPECT_TRUE(CheckExportedProgramShape(py, s, why)) << why;
    EXPECT_EQ(ExportPython(FreeThreadedPair(false)).find(check), std::string::npos);
}

TEST(CPythonRunner, PythonGilRunsTheFreeThreadedBuildWithItsGil) {
    std::string why;
    const RunOptions options = OptionsForBuild({13, true}, why);
    if (options.python.empty()) GTEST_SKIP() << why;
    // The build is what counts: a 3.13t interpreter is one for a PYTHON_GIL=1 scenario, a 3.13 one is not.
    std::string version;
    EXPECT_EQ(PythonRequirement(FreeThreadedPair(true), options.python, version), "");
    const RealRunResult r = RunForReal(FreeThreadedPair(true), RealRunKind::CPython, options);
    ASSERT_TRUE(r.ok) << r.error;
    // Under the GIL the two threads' 100 ms of Python cannot overlap, however idle the machine.
    EXPECT_GE(Ms(r.trace.metrics.makespan), 95.0);
    EXPECT_NE(r.trace.label.find("3.13"), std::string::npos) << r.trace.label;
}

TEST(CPythonRunner, RecordsAThreadsRun) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    RealRunResult r = RunOk(Make(3, R"([{"cpu": "30ms"}])", R"({"kind": "threads"})"), RealRunKind::CPython, 60);
    EXPECT_EQ(r.trace.producer, "cpython");
    EXPECT_EQ(r.trace.metrics.tasksDone, 3);
    EXPECT_GE(Ms(r.trace.metrics.makespan), 90.0 * 0.95);
    EXPECT_GE(TracksOf(r.trace, trace::TrackKind::Thread).size(), 4u);  // main + 3
    EXPECT_FALSE(TracksOf(r.trace, trace::TrackKind::Gil).empty());
    EXPECT_FALSE(SpansIn(r.trace, SpanState::RunningPython).empty());
}

TEST(CPythonRunner, ARecvWaitsForItsReplyCountedFromTheSendsStart) {
    const scenario::Scenario s =
        Make(1, R"([{"io": "5ms"}, {"io": "1ms", "reply_after": "20ms"}])", R"({"kind": "threads"})");
    EXPECT_NE(ExportPython(s).find("io_start = probe.io(1000000, i, reply_at=io_start + 20000000)"), std::string::npos);
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    RealRunResult r = RunOk(s, RealRunKind::CPython, 60);
    EXPECT_GE(Ms(r.trace.metrics.makespan), 20.0);  // not 5 + 1
}

TEST(CPythonRunner, RecordsAProcessPoolRun) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    RealRunResult r = RunOk(Make(2, R"([{"cpu": "20ms"}])", R"({"kind": "processes", "workers": 2, "start_method": "fork"})"), RealRunKind::CPython, 60);
    int workers = 0;
    for (const auto& t : r.trace.tracks) workers += t.name.rfind("ForkPoolWorker-", 0) == 0;
    // A worker appears once it ran its initializer; a slow second one may find both tasks taken and be
    // terminated with the pool before it started.
    EXPECT_GE(workers, 1);
    EXPECT_LE(workers, 2);
    EXPECT_EQ(r.trace.metrics.tasksDone, 2);
    EXPECT_FALSE(SpansIn(r.trace, SpanState::StartingProcess).empty());
}

// main_imports is top-level work in the exported program, so CPython itself decides who pays it again: a spawned
// worker runs the main module afresh, a forked one inherits it, and the parent paid it before the run began.
TEST(CPythonRunner, ASpawnedWorkerPaysTheProgramsImportsAgainAndAForkedOneDoesNot) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    auto pool = [](const char* method) {
        return Parse(std::string(R"({"version": 10, "python": "3.11", "main_imports": "300ms",
            "tasks": [{"name": "t", "count": 1, "steps": [{"cpu": "1ms"}]}],
            "model": {"kind": "processes", "workers": 1, "start_method": ")") + method + R"("}})");
    };
    const std::string program = ExportPython(pool("spawn"));
    EXPECT_NE(program.find("\nprobe.spin(300000000)\n"), std::string::npos);
    std::string why;
    EXPECT_TRUE(CheckExportedProgramShape(program, why)) << why;
    const RealRunResult spawned = RunOk(pool("spawn"), RealRunKind::CPython, 60);
    EXPECT_GE(Ms(spawned.trace.metrics.makespan), 300.0);
    const RealRunResult forked = RunOk(pool("fork"), RealRunKind::CPython, 60);
    EXPECT_LT(Ms(forked.trace.metrics.makespan), 250.0);
}

TEST(CPythonRunner, FreeThreadedNeedsAFreeThreadedBuild) {
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    std::string version;
    std::string why = PythonRequirement(Make(2, R"([{"cpu": "1ms"}])", R"({"kind": "free_threaded"})"), "python3", version);
    if (why.empty()) GTEST_SKIP() << "python3 here is free-threaded";
    EXPECT_NE(why.find("a free-threaded build"), std::string::npos) << why;
}

TEST(CPythonRunner, AMissingInterpreterIsAnError) {
    RunOptions options;
    options.python = "/nonexistent/python3";
    RealRunResult r = RunForReal(Make(1, R"([{"cpu": "1ms"}])", R"({"kind": "threads"})"), RealRunKind::CPython, options);
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.error.empty());
}

TEST(Profile, ApplyProfileJsonTakesTheCalibrateFormat) {
    scenario::MachineProfile p;
    std::string error;
    ASSERT_TRUE(scenario::ApplyProfileJson(R"({"machine": {"cores": 2, "profile": {"switch_interval": "2ms", "pickle_throughput": "500MB"}}, "measured": {}})", p, error)) << error;
    EXPECT_EQ(p.switchInterval, 2'000'000);
    EXPECT_EQ(p.pickleBytesPerSecond, 500'000'000);
    EXPECT_EQ(p.threadStart, scenario::MachineProfile{}.threadStart);  // untouched
}

TEST(Profile, ApplyProfileJsonNamesABadField) {
    scenario::MachineProfile p;
    std::string error;
    EXPECT_FALSE(scenario::ApplyProfileJson(R"({"profile": {"switch_interval": "soon"}})", p, error));
    EXPECT_NE(error.find("switch_interval"), std::string::npos) << error;
}

TEST(Adapt, ScalesDurationsCapsPayloadsAndTasks) {
    scenario::Scenario s = Make(1000, R"([{"send": "200MB"}, {"cpu": "1s"}])", R"({"kind": "processes"})");
    std::string notes = AdaptScenario(s, 0.1, 100, 2);
    EXPECT_EQ(s.groups[0].count, 100);
    EXPECT_EQ(s.groups[0].steps[0].bytes, kPayloadCap);
    EXPECT_EQ(s.groups[0].steps[1].duration, 100'000'000);
    EXPECT_EQ(s.machine.cores, 2);
    EXPECT_FALSE(notes.empty());
}

TEST(CPythonRunner, AnObjectGraphPayloadIsAListOfSmallDictsOfTheSize) {
    const scenario::Scenario s = Make(2, R"([{"send": "380KB", "payload": "objects"}, {"cpu": "1ms"}, {"return": "38KB", "payload": "objects"}])",
                                      R"({"kind": "processes", "workers": 2, "start_method": "fork"})");
    const std::string program = ExportPython(s);
    EXPECT_NE(program.find("payload0 = probe.records(380000)"), std::string::npos);
    EXPECT_NE(program.find("result = probe.records(38000)"), std::string::npos);
    if (!HasPython()) GTEST_SKIP() << "python3 is not installed";
    // probe.records(n) pickles to n bytes, to within one record (what the scenario's sizes mean).
    std::string out;
    const std::string check = "python3 -c \"import pickle\n" + std::string("exec(open('src/native/python/probe.py').read())\n") +
                              "n = len(pickle.dumps(records(380000), protocol=5))\nprint(n)\nassert abs(n - 380000) < 100, n\"";
    EXPECT_EQ(std::system(check.c_str()), 0);
    RealRunResult r = RunOk(s, RealRunKind::CPython, 60);
    EXPECT_EQ(r.trace.metrics.tasksDone, 2);
}

}  // namespace
}  // namespace interleave::native
