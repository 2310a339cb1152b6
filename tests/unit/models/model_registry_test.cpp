// The simulator's part of the model registry: every model the scenario format names has a builder, and the run it
// builds is labelled with the model's own id.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace interleave::models
