// The simulator's part of the model registry: every model the scenario format names has a builder, and the run it
// builds is labelled with the model's own id.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "models/model_builders.h"
#include "models/simulate.h"
#include "scenario/model_info.h"
#include "test_support.h"

namespace interleave::models {
namespace {

TEST(ModelRegistry, EveryModelHasABuilderAndItsRunCarriesTheModelsId) {
    for (const scenario::ModelInfo& model : scenario::Models()) {
        EXPECT_NE(BuilderOf(model.kind), nullptr) << model.id;
        if (BuilderOf(model.kind) == nullptr) continue;
        // Interpreters need a release that has InterpreterPoolExecutor.
        const std::string python = model.interpreterPool ? R"("version":5,"python":"3.14",)" : "";
        const scenario::Scenario s = testing::ParseOrDie("{" + python + R"("tasks":[{"name":"t","count":2,"steps":[
            {"cpu":"1ms"},{"io":"1ms"}]}],"model":{"kind":")" + std::string(model.id) + R"("}})");
        const SimulationResult result = Simulate(s);
        ASSERT_TRUE(result.ok) << model.id << ": " << result.error;
        EXPECT_EQ(result.trace.label.rfind(std::string(model.id), 0), 0u) << result.trace.label;
        EXPECT_EQ(result.trace.tasks.size(), 2u) << model.id;
    }
}


// The explanation and the recommendation read their words from the registry; a placeholder the filler does not know
// stays visible, so a typo in an entry shows in the text instead of vanishing.
TEST(ModelRegistry, FillModelTextFillsWhatItKnowsAndLeavesTheRestVisible) {
    scenario::ModelTextValues values;
    values.what = "4 tasks";
    values.took = "1.000 s";
    values.n = 1;
    EXPECT_EQ(scenario::FillModelText("{what} on {n} process{es} and thread{s} took {took}", values),
              "4 tasks on 1 process and thread took 1.000 s");
    values.n = 3;
    EXPECT_EQ(scenario::FillModelText("{n} process{es}, thread{s}", values), "3 processes, threads");
    EXPECT_EQ(scenario::FillModelText("{cores} cores, {typo}, {", values), "{cores} cores, {typo}, {");
    EXPECT_EQ(scenario::FillModelText("no placeholder", values), "no placeholder");
}

TEST(ModelRegistry, EveryModelsTextsUseOnlyPlaceholdersTheFillerKnows) {
    scenario::ModelTextValues all;
    all.what = "w", all.took = "t", all.build = "", all.python = "3.14", all.makespan = "1 s", all.speedup = "2x";
    all.n = 2, all.tasks = 8, all.cores = 4;
    for (const scenario::ModelInfo& model : scenario::Models()) {
        for (std::string_view text : {model.headline, model.recommendation}) {
            EXPECT_FALSE(text.empty()) << model.id;
            const std::string filled = scenario::FillModelText(text, all);
            EXPECT_EQ(filled.find_first_of("{}"), std::string::npos) << model.id << ": " << filled;
        }
        // A pool (of processes or of interpreters) names its unit, for "the longest process start".
        EXPECT_EQ(model.workerNoun.empty(), !model.processPool && !model.interpreterPool) << model.id;
    }
}

// compare runs every model of the registry, in its order, and hands each the settings of the given model that mean
// the same thing there: decided by what the models run on, so a new model of a known kind needs no new case.
TEST(ModelRegistry, CompareRunsEveryModelWithTheGivenSettingsThatApplyToIt) {
    const scenario::Scenario s = testing::ParseOrDie(R"({"version":5,"python":"3.14","tasks":[{"name":"t","count":6,
        "steps":[{"cpu":"1ms"}]}],"model":{"kind":"processes","workers":3,"start_method":"spawn","chunksize":2}})");
    const std::vector<scenario::Model> models = CompareModels(s);
    ASSERT_EQ(models.size(), scenario::Models().size());
    for (size_t i = 0; i < models.size(); ++i) {
        const scenario::ModelInfo& info = scenario::Models()[i];
        EXPECT_EQ(models[i].kind, info.kind);
        if (!info.processPool) continue;
        EXPECT_EQ(models[i].workers, 3) << info.id;
        EXPECT_EQ(models[i].startMethod, scenario::StartMethod::Spawn) << info.id;
        EXPECT_EQ(models[i].chunksize, info.eventLoop ? 0 : 2) << info.id;  // a pool of loops takes batches
    }
    const scenario::Scenario threads = testing::ParseOrDie(R"({"tasks":[{"name":"t","count":6,"steps":[{"io":"1ms"}]}],
        "model":{"kind":"threads","workers":5}})");
    for (const scenario::Model& model : CompareModels(threads)) {
        if (scenario::Info(model.kind).threads) {
            EXPECT_EQ(model.workers, 5) << scenario::ModelKindName(model.kind);
        }
    }
}

}  // namespace
}  // namespace interleave::models
