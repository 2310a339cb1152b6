// What the release changes in a run, on the presets that teach it: the unlocked counter loses updates on the
// free-threaded build and never under the GIL; CPU-bound work on 3.14 has three answers that use every core.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "models/simulate.h"
#include "test_support.h"

namespace interleave {
namespace {

using testing::Preset;
using testing::SimulateOk;

int64_t Counter(const trace::Trace& t, const std::string& name) {
    for (const auto& [counter, value] : t.metrics.counters)
        if (counter == name) return value;
    ADD_FAILURE() << "no counter " << name;
    return -1;
}

TEST(Releases, TheUnlockedCounterLosesUpdatesOnlyOnTheFreeThreadedBuild) {
    const scenario::Scenario on314t = Preset("counter_free_threaded");
    ASSERT_EQ(on314t.python, (scenario::PythonVersion{14, true}));
    const int64_t expected = on314t.TaskCount() * 100000;
    const int64_t free = Counter(SimulateOk(on314t).trace, "shared_counter");
    EXPECT_LT(free, expected);
    EXPECT_GT(free, 0);
    const int64_t gil = Counter(SimulateOk(scenario::OnRelease(on314t, {14, false})).trace, "shared_counter");
    EXPECT_EQ(gil, expected);
}

TEST(Releases, PythonGilOneGivesTheFreeThreadedBuildItsGilBackAndKeepsItsSlowdown) {
    // Two threads of 60 ms of pure Python on 2 cores, on 3.13t (slowdown 1.40): in parallel without the GIL, one
    // after the other with PYTHON_GIL=1, each still 1.40 times slower than on 3.13.
    scenario::Scenario s = testing::ParseOrDie(R"({"name": "gil back", "version": 6, "python": "3.13t",
        "tasks": [{"name": "crunch", "count": 2, "steps": [{"cpu": "60ms"}]}], "model": {"kind": "threads"},
        "machine": {"cores": 2}})");
    const trace::Trace free = SimulateOk(s).trace;
    s.pythonGil = true;
    const trace::Trace gil = SimulateOk(s).trace;
    const double ms = 1e6;
    EXPECT_NEAR(free.metrics.makespan / ms, 84.0, 3.0);
    EXPECT_GE(gil.metrics.makespan / ms, 168.0);
    EXPECT_LT(gil.metrics.makespan / ms, 185.0);
    auto hasGilLane = [](const trace::Trace& t) {
        return std::any_of(t.tracks.begin(), t.tracks.end(), [](const trace::Track& k) { return k.kind == trace::TrackKind::Gil; });
    };
    EXPECT_FALSE(hasGilLane(free));
    EXPECT_TRUE(hasGilLane(gil));
    EXPECT_NE(gil.label.find("PYTHON_GIL=1"), std::string::npos) << gil.label;
    // The unlocked counter keeps every update once the GIL is back.
    scenario::Scenario counter = Preset("counter_free_threaded");
    counter.pythonGil = true;
    EXPECT_EQ(Counter(SimulateOk(counter).trace, "shared_counter"), counter.TaskCount() * 100000);
}

TEST(Releases, CompareByReleaseRunsTheProgramWhereverItsReleaseHasWhatItUses) {
    auto ids = [](const models::Comparison& c) {
        std::string out;
        for (const scenario::PythonVersion v : c.releases) out += scenario::PythonVersionName(v) + " ";
        return out;
    };
    // InterpreterPoolExecutor is 3.14's: the 3.14 preset compares on 3.14 and later only, each row its model.
    const models::Comparison interpreters = models::ReleaseComparison(Preset("cpu_bound_on_314"));
    EXPECT_EQ(ids(interpreters), "3.14 3.14t 3.15 3.15t ");
    for (const scenario::Model& m : interpreters.models) EXPECT_EQ(m.kind, scenario::ModelKind::Interpreters);
    // Threads of pure Python (a 3.11 file): every release, and the free-threaded builds are the fast ones.
    const scenario::Scenario threads = Preset("blog_cpu_threads");
    models::Comparison c = models::ReleaseComparison(threads);
    ASSERT_EQ(c.releases.size(), scenario::Pythons().size());
    for (size_t i = 0; i < c.releases.size(); ++i) {
        scenario::Scenario on = scenario::OnRelease(threads, c.releases[i]);
        on.model = c.models[i];
        c.results.push_back(SimulateOk(on));
    }
    models::RecommendRelease(threads, c);
    ASSERT_GE(c.recommended, 0);
    EXPECT_TRUE(c.releases[static_cast<size_t>(c.recommended)].freeThreaded);
    EXPECT_NE(c.reason.find("faster than on 3.11"), std::string::npos) << c.reason;
}

TEST(Releases, CpuBoundWorkOn314SpreadsOverTheCoresByThreeRoutesButNotByGilThreads) {
    const scenario::Scenario s = Preset("cpu_bound_on_314");
    const models::Comparison c = models::Compare(s);
    ASSERT_GE(c.recommended, 0);
    auto makespanOf = [&](scenario::ModelKind kind) {
        for (size_t i = 0; i < c.models.size(); ++i)
            if (c.models[i].kind == kind && c.results[i].ok) return c.results[i].trace.metrics.makespan;
        ADD_FAILURE() << "no result for " << scenario::ModelKindName(kind);
        return trace::TimeNs{0};
    };
    const trace::TimeNs threads = makespanOf(scenario::ModelKind::Threads);
    for (scenario::ModelKind kind : {scenario::ModelKind::Interpreters, scenario::ModelKind::FreeThreaded, scenario::ModelKind::Processes})
        EXPECT_LT(makespanOf(kind) * 2, threads) << scenario::ModelKindName(kind);
    // 3.14's process pool is forkserver unless the scenario says otherwise.
    for (size_t i = 0; i < c.models.size(); ++i) {
        if (c.models[i].kind == scenario::ModelKind::Processes) {
            EXPECT_EQ(c.models[i].startMethod, scenario::StartMethod::Forkserver);
        }
    }
}

}  // namespace
}  // namespace interleave
