// The real runners realise the same plan as the simulator (src/plan, tests/unit/plan_check.h): the C++ runtimes and
// CPython running the exported program put the same tasks on the same workers in the same order, on lanes with the
// same names. Durations are scaled down so that a few dozen real runs take seconds.
#include <gtest/gtest.h>

#include "native/native.h"
#include "native_test_support.h"
#include "plan/plan.h"
#include "plan_check.h"
#include "native/runtime.h"
#include "scenario/model_info.h"
#include "scenario/presets.h"

namespace interleave::native {
namespace {

using scenario::ModelKind;

scenario::Scenario Affordable(scenario::Scenario s) {
    AdaptScenario(s, 0.01, 8, 0, 64 << 10);  // 1 % of every duration, at most 8 tasks a group, payloads <= 64 KiB
    return s;
}

void ExpectRealised(const scenario::Scenario& s, RealRunKind kind, const std::string& what) {
    RunOptions options;
    options.timeoutSeconds = 60;
    const RealRunResult r = RunForReal(s, kind, options);
    ASSERT_TRUE(r.ok) << what << ": " << r.error;
    EXPECT_EQ(interleave::testing::PlanDeparture(s, r.trace), "") << what;
}

TEST(ModelRegistry, EveryModelHasACppRuntimeThatRealisesItsPlan) {
    for (const scenario::ModelInfo& model : scenario::Models()) {
        EXPECT_NE(CppRuntimeOf(model.kind), nullptr) << model.id;
        const std::string python = model.interpreterPool ? R"("version":5,"python":"3.14",)" : "";
        const scenario::Scenario s = testing::Parse("{" + python + R"("tasks":[{"name":"t","count":2,"steps":[
            {"cpu":"1ms"},{"io":"1ms"}]}],"model":{"kind":")" + std::string(model.id) + R"("}})");
        ExpectRealised(s, RealRunKind::CppRuntime, std::string(model.id));
    }
}

TEST(PlanRealised, TheCppRuntimesRealiseThePlanOfEveryPreset) {
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        const scenario::Scenario s = Affordable(testing::Parse(std::string(preset.json)));
        if (s.model.kind == ModelKind::FreeThreaded) continue;  // runs as threads without a GIL: covered below
        ExpectRealised(s, RealRunKind::CppRuntime, std::string(preset.id));
    }
}

TEST(PlanRealised, TheCppRuntimesRealiseThePlanOfRandomScenarios) {
    for (uint32_t seed = 1; seed <= 300; ++seed) {
        const std::string json =
            interleave::testing::RandomScenarioJson(seed, interleave::testing::RandomScenarioKind(seed));
        ExpectRealised(Affordable(testing::Parse(json)), RealRunKind::CppRuntime, json);
    }
}

TEST(PlanRealised, CPythonRealisesAPoolWhoseWorkersShareAMultiprocessingQueue) {
    if (!testing::HasPython()) GTEST_SKIP() << "python3 is not installed";
    const scenario::Scenario s = Affordable(testing::Parse(std::string(scenario::FindPreset("pipeline_processes")->json)));
    ASSERT_TRUE(plan::MakePlan(s).processQueues);
    ExpectRealised(s, RealRunKind::CPython, "pipeline_processes");
}

TEST(PlanRealised, CPythonRealisesAPoolWhoseWorkersShareAMultiprocessingPipe) {
    if (!testing::HasPython()) GTEST_SKIP() << "python3 is not installed";
    const scenario::Scenario s = Affordable(testing::Parse(std::string(scenario::FindPreset("pipe_processes")->json)));
    ASSERT_TRUE(plan::IsProcessPipe(s, 0));
    ExpectRealised(s, RealRunKind::CPython, "pipe_processes");
}

TEST(PlanRealised, CPythonRealisesThePipelinesOnAQueueQueueAndAnAsyncioQueue) {
    if (!testing::HasPython()) GTEST_SKIP() << "python3 is not installed";
    for (const char* id : {"pipeline", "pipeline_asyncio", "fan_out_fan_in"}) {
        const scenario::Scenario s = Affordable(testing::Parse(std::string(scenario::FindPreset(id)->json)));
        ASSERT_TRUE(s.UsesChannels()) << id;
        ExpectRealised(s, RealRunKind::CPython, id);
    }
}

TEST(PlanRealised, CPythonRunningTheExportedProgramRealisesThePlan) {
    if (!testing::HasPython()) GTEST_SKIP() << "python3 is not installed";
    const ModelKind kinds[] = {ModelKind::Sequential, ModelKind::Threads, ModelKind::Processes,
                               ModelKind::ProcessAsyncio, ModelKind::Asyncio};
    for (uint32_t seed = 1; seed <= 40; ++seed) {
        const std::string json = interleave::testing::RandomScenarioJson(seed, kinds[seed % std::size(kinds)]);
        ExpectRealised(Affordable(testing::Parse(json)), RealRunKind::CPython, json);
    }
}

}  // namespace
}  // namespace interleave::native
