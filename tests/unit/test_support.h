#pragma once
// Helpers shared by the platform-free tests.
#include <gtest/gtest.h>

#include <string>

#include "models/simulate.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"

namespace interleave::testing {

inline scenario::Scenario ParseOrDie(const std::string& json) {
    scenario::ParseError error;
    auto parsed = scenario::ParseScenario(json, error);
    EXPECT_TRUE(parsed.has_value()) << error.Message() << "\n" << json;
    return parsed ? *parsed : scenario::Scenario{};
}

inline scenario::Scenario Preset(const std::string& id) {
    const scenario::PresetFile* preset = scenario::FindPreset(id);
    EXPECT_NE(preset, nullptr) << "no preset " << id;
    return preset ? ParseOrDie(std::string(preset->json)) : scenario::Scenario{};
}

inline models::SimulationResult SimulateOk(const scenario::Scenario& s) {
    models::SimulationResult result = models::Simulate(s);
    EXPECT_TRUE(result.ok) << result.error;
    return result;
}

inline double Seconds(trace::TimeNs ns) { return static_cast<double>(ns) / 1e9; }

inline scenario::Scenario WithModel(scenario::Scenario s, scenario::ModelKind kind, int workers = 0) {
    s.model = scenario::Model{};
    s.model.kind = kind;
    s.model.workers = workers;
    return s;
}

}  // namespace interleave::testing
