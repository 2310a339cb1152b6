// Python releases in the scenario (format version 5): which release a file means, what each release brings (the
// default start method, the models it offers, the free-threaded slowdown), and errors naming the release that has
// what a scenario uses.
#include <gtest/gtest.h>

#include <string>

#include "scenario/scenario.h"

namespace interleave::scenario {
namespace {

std::string File(const std::string& head, const std::string& model = R"({"kind": "processes", "workers": 2})") {
    return "{" + head + R"("tasks": [{"name": "t", "count": 2, "steps": [{"cpu": "1ms"}]}], "model": )" + model + "}";
}

Scenario Parse(const std::string& json) {
    ParseError error;
    auto s = ParseScenario(json, error);
    EXPECT_TRUE(s.has_value()) << error.Message();
    return s.value_or(Scenario{});
}

ParseError ParseFails(const std::string& json) {
    ParseError error;
    EXPECT_FALSE(ParseScenario(json, error).has_value()) << json;
    return error;
}

TEST(PythonVersion, AFileFromBeforeVersionsRunsOn311WithFork) {
    const Scenario s = Parse(File(""));
    EXPECT_EQ(s.python, (PythonVersion{11, false}));
    EXPECT_EQ(s.model.startMethod, StartMethod::Fork);
    EXPECT_EQ(Parse(File(R"("version": 4, )")).python, kLegacyPython);
}

TEST(PythonVersion, AVersion5FileWithoutPythonRunsOnTheCurrentReleaseWithItsStartMethod) {
    const Scenario s = Parse(File(R"("version": 5, )"));
    EXPECT_EQ(s.python, kDefaultPython);
    EXPECT_FALSE(s.python.freeThreaded);
    // Linux's default start method is forkserver from 3.14 (What's New in Python 3.14, multiprocessing).
    EXPECT_EQ(s.model.startMethod, StartMethod::Forkserver);
}

TEST(PythonVersion, EachReleaseGivesItsDefaultStartMethodUnlessTheScenarioNamesOne) {
    EXPECT_EQ(Parse(File(R"("python": "3.13", )")).model.startMethod, StartMethod::Fork);
    EXPECT_EQ(Parse(File(R"("python": "3.14", )")).model.startMethod, StartMethod::Forkserver);
    EXPECT_EQ(Parse(File(R"("python": "3.14", )", R"({"kind": "processes", "start_method": "fork"})")).model.startMethod,
              StartMethod::Fork);
}

TEST(PythonVersion, UnknownReleasesAreRejectedWithTheList) {
    for (const char* bad : {R"("3.10")", R"("3.12t")", R"("3.16")", R"(3.14)", R"(null)", R"("3.14 ")"}) {
        const ParseError error = ParseFails(File(std::string(R"("python": )") + bad + ", "));
        EXPECT_EQ(error.path, "python") << bad;
        EXPECT_NE(error.reason.find("3.13t"), std::string::npos) << error.reason;
    }
}

TEST(PythonVersion, TheInterpretersModelNeeds314AndSaysSo) {
    const std::string model = R"({"kind": "interpreters", "workers": 2})";
    const ParseError error = ParseFails(File(R"("python": "3.13", )", model));
    EXPECT_EQ(error.path, "model.kind");
    EXPECT_NE(error.reason.find("3.14"), std::string::npos) << error.reason;
    EXPECT_NE(error.reason.find("3.13"), std::string::npos) << error.reason;
    EXPECT_EQ(Parse(File(R"("python": "3.14", )", model)).model.kind, ModelKind::Interpreters);
    // A file from before versions is 3.11: no InterpreterPoolExecutor there either.
    ParseFails(File("", model));
}

TEST(PythonVersion, EagerTasksNeed312AndSaySo) {
    const std::string model = R"({"kind": "asyncio", "eager_tasks": true})";
    for (const char* head : {R"("python": "3.11", )", ""}) {  // a file from before versions is 3.11 too
        const ParseError error = ParseFails(File(head, model));
        EXPECT_EQ(error.path, "model.eager_tasks");
        EXPECT_NE(error.reason.find("3.12"), std::string::npos) << error.reason;
        EXPECT_NE(error.reason.find("3.11"), std::string::npos) << error.reason;
    }
    const Scenario s = Parse(File(R"("python": "3.12", )", model));
    EXPECT_TRUE(s.model.eagerTasks);
    EXPECT_FALSE(Parse(File(R"("python": "3.12", )", R"({"kind": "asyncio"})")).model.eagerTasks);
    // The canonical form keeps it, and reads back the same.
    const std::string canonical = ScenarioToJson(s);
    EXPECT_NE(canonical.find("\"eager_tasks\": true"), std::string::npos) << canonical;
    EXPECT_TRUE(Parse(canonical).model.eagerTasks);
    EXPECT_EQ(ParseFails(File(R"("python": "3.12", )", R"({"kind": "asyncio", "eager_tasks": 1})")).path,
              "model.eager_tasks");
    // The same program on another release: 3.11 lacks the factory, and says so.
    EXPECT_NE(MissingFromRelease(OnRelease(s, PythonVersion{11, false})).find("3.12"), std::string::npos);
    EXPECT_EQ(MissingFromRelease(OnRelease(s, PythonVersion{14, true})), "");
}

TEST(PythonVersion, PythonGilIsForFreeThreadedBuildsOnly) {
    const std::string threads = R"({"kind": "threads"})";
    const ParseError error = ParseFails(File(R"("version": 6, "python": "3.14", "python_gil": 1, )", threads));
    EXPECT_EQ(error.path, "python_gil");
    EXPECT_NE(error.reason.find("3.14t"), std::string::npos) << error.reason;
    EXPECT_NE(error.reason.find("runs on 3.14,"), std::string::npos) << error.reason;
    EXPECT_EQ(ParseFails(File(R"("version": 6, "python": "3.14t", "python_gil": 2, )", threads)).path, "python_gil");
    EXPECT_EQ(ParseFails(File(R"("version": 6, "python": "3.14t", "python_gil": true, )", threads)).path, "python_gil");
    const Scenario s = Parse(File(R"("version": 6, "python": "3.14t", "python_gil": 1, )", threads));
    EXPECT_TRUE(s.pythonGil);
    EXPECT_FALSE(RunsFreeThreaded(s));
    EXPECT_DOUBLE_EQ(PythonCpuScale(s), FindPython({14, true})->freeThreadedSlowdown);  // the build's costs stay
    const std::string canonical = ScenarioToJson(s);
    EXPECT_NE(canonical.find("\"python_gil\": 1"), std::string::npos) << canonical;
    EXPECT_TRUE(Parse(canonical).pythonGil);
    // The free_threaded model on 3.12 runs on 3.13t, so it may switch the GIL back on too.
    EXPECT_TRUE(Parse(File(R"("version": 6, "python": "3.12", "python_gil": 1, )", R"({"kind": "free_threaded"})")).pythonGil);
    // 0 is the build's own default; a release with the GIL never writes it.
    EXPECT_FALSE(Parse(File(R"("version": 6, "python": "3.14", "python_gil": 0, )", threads)).pythonGil);
    Scenario onGilBuild = s;
    onGilBuild.python = PythonVersion{14, false};
    EXPECT_EQ(ScenarioToJson(onGilBuild).find("python_gil"), std::string::npos);
}

TEST(PythonVersion, FreeThreadedOnAReleaseWithoutSuchABuildIsAWhatIfOnTheFirstOne) {
    // The model is "threads on this release's free-threaded build"; 3.12 has none, so it runs as 3.13t (and the
    // recommendation never picks it there: models::Recommendable).
    const Scenario s = Parse(File(R"("version": 5, "python": "3.12", )", R"({"kind": "free_threaded"})"));
    EXPECT_EQ(RunPython(s), (PythonVersion{13, true}));
    EXPECT_DOUBLE_EQ(PythonCpuScale(s), FindPython({13, true})->freeThreadedSlowdown);
}

TEST(PythonVersion, AnOldFreeThreadedFileKeepsItsMeaning) {
    // Before versions, free_threaded meant "threads without a GIL, 10% slower" on whatever build.
    const Scenario s = Parse(File("", R"({"kind": "free_threaded", "workers": 2})"));
    EXPECT_TRUE(RunsFreeThreaded(s));
    EXPECT_DOUBLE_EQ(s.model.freeThreadedSlowdown, 1.1);
    EXPECT_DOUBLE_EQ(PythonCpuScale(s), 1.1);
    EXPECT_EQ(RunPython(s), (PythonVersion{13, true}));  // the first free-threaded build: a what-if on 3.11
}

TEST(PythonVersion, AFreeThreadedReleaseRunsEveryModelWithoutTheGilAndWithItsSlowdown) {
    const Scenario threads = Parse(File(R"("python": "3.14t", )", R"({"kind": "threads", "workers": 2})"));
    EXPECT_TRUE(RunsFreeThreaded(threads));
    EXPECT_DOUBLE_EQ(PythonCpuScale(threads), FindPython({14, true})->freeThreadedSlowdown);
    EXPECT_GT(PythonCpuScale(threads), 1.0);
    const Scenario gil = Parse(File(R"("python": "3.14", )", R"({"kind": "threads", "workers": 2})"));
    EXPECT_FALSE(RunsFreeThreaded(gil));
    EXPECT_DOUBLE_EQ(PythonCpuScale(gil), 1.0);
    // The free_threaded model on a GIL release runs on that release's free-threaded build.
    const Scenario what = Parse(File(R"("python": "3.15", )", R"({"kind": "free_threaded", "workers": 2})"));
    EXPECT_EQ(RunPython(what), (PythonVersion{15, true}));
    EXPECT_DOUBLE_EQ(PythonCpuScale(what), FindPython({15, true})->freeThreadedSlowdown);
}

TEST(PythonVersion, TheReleaseRoundTripsThroughTheCanonicalForm) {
    for (const PythonInfo& info : Pythons()) {
        const std::string model = info.version.minor >= 14 ? R"({"kind": "interpreters", "workers": 3})" : R"({"kind": "processes"})";
        const Scenario s = Parse(File(R"("version": 5, "python": ")" + std::string(info.id) + "\", ", model));
        const Scenario again = Parse(ScenarioToJson(s));
        EXPECT_EQ(again.python, info.version) << info.id;
        EXPECT_EQ(again.model.kind, s.model.kind) << info.id;
        EXPECT_EQ(again.model.startMethod, s.model.startMethod) << info.id;
        EXPECT_EQ(again.model.workers, s.model.workers) << info.id;
    }
    // The legacy meaning survives a round trip: written out, a 3.11 file says 3.11.
    EXPECT_EQ(Parse(ScenarioToJson(Parse(File("")))).python, kLegacyPython);
}

TEST(PythonVersion, MovingToAnotherReleaseMovesADefaultStartMethodOnly) {
    const Scenario on313 = Parse(File(R"("python": "3.13", )"));
    EXPECT_EQ(OnRelease(on313, {14, false}).model.startMethod, StartMethod::Forkserver);
    EXPECT_EQ(OnRelease(OnRelease(on313, {14, false}), {13, false}).model.startMethod, StartMethod::Fork);
    const Scenario spawn = Parse(File(R"("python": "3.13", )", R"({"kind": "processes", "start_method": "spawn"})"));
    EXPECT_EQ(OnRelease(spawn, {14, false}).model.startMethod, StartMethod::Spawn);
}

TEST(PythonVersion, TheTableNamesEveryReleaseOnceAndOnlyFreeThreadedBuildsAreSlower) {
    for (const PythonInfo& info : Pythons()) {
        PythonVersion parsed;
        ASSERT_TRUE(ParsePythonVersion(info.id, parsed)) << info.id;
        EXPECT_EQ(parsed, info.version);
        EXPECT_EQ(PythonVersionName(info.version), info.id);
        EXPECT_EQ(FindPython(info.version), &info);
        if (info.version.freeThreaded) {
            EXPECT_GE(info.version.minor, kFirstFreeThreadedMinor);
            EXPECT_GT(info.freeThreadedSlowdown, 1.0) << info.id;
        } else {
            EXPECT_DOUBLE_EQ(info.freeThreadedSlowdown, 1.0) << info.id;
        }
        EXPECT_EQ(info.interpreterPool, info.version.minor >= 14) << info.id;
    }
    EXPECT_NE(FindPython(kDefaultPython), nullptr);
    EXPECT_EQ(FindPython({12, true}), nullptr);
}

}  // namespace
}  // namespace interleave::scenario
