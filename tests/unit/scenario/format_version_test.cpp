// The scenario format is versioned (kScenarioFormatVersion): every file written before versions existed is
// version 1 and still opens, means the same, and simulates the same; a newer file is refused by its version.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "models/simulate.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "trace/trace_text.h"

namespace interleave::scenario {
namespace {

std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A version-1 text opens, is written back as the current version, and that simulates exactly as the original.
void ExpectMigrates(const std::string& text, const std::string& what) {
    ParseError error;
    const auto v1 = ParseScenario(text, error);
    ASSERT_TRUE(v1) << what << ": " << error.Message();
    const std::string written = ScenarioToJson(*v1);
    EXPECT_NE(written.find("\"version\": " + std::to_string(kScenarioFormatVersion)), std::string::npos) << what;
    const auto current = ParseScenario(written, error);
    ASSERT_TRUE(current) << what << ": " << error.Message();
    EXPECT_EQ(ScenarioToJson(*current), written) << what;
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    const auto before = models::Simulate(*v1, options), after = models::Simulate(*current, options);
    ASSERT_TRUE(before.ok && after.ok) << what;
    EXPECT_EQ(trace::ToText(before.trace), trace::ToText(after.trace)) << what;
}

TEST(FormatVersion, TheFrozenVersionOneFilesStillOpenAndSimulateTheSame) {
    // Listed, not globbed: the same test runs as wasm under node, reading files through the host's file system.
    const std::string dir = std::string(INTERLEAVE_SOURCE_DIR) + "/tests/fixtures/scenario-v1/";
    for (const char* file : {"every_step_kind.json", "decision_mixed.json", "asyncio_taskgroup_failure.json",
                             "lock_contention.json"}) {
        const std::string text = Read(dir + file);
        ASSERT_FALSE(text.empty()) << dir + file;
        EXPECT_EQ(text.find("\"version\""), std::string::npos) << file << " is not a version-1 file";
        ExpectMigrates(text, file);
    }
}

TEST(FormatVersion, EveryPresetMigrates) {
    for (const PresetFile& preset : Presets()) ExpectMigrates(std::string(preset.json), std::string(preset.id));
}

TEST(FormatVersion, ANewerOrBrokenVersionIsRefusedByName) {
    ParseError error;
    const std::string tasks = R"("tasks":[{"name":"t","steps":[{"cpu":"1ms"}]}],"model":{"kind":"threads"})";
    EXPECT_TRUE(ParseScenario("{\"version\":1," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":2," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":3," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":4," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":5," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":6," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":7," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":8," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":9," + tasks + "}", error)) << error.Message();
    EXPECT_TRUE(ParseScenario("{\"version\":10," + tasks + "}", error)) << error.Message();
    // A newer file is named as such even when it holds keys this version does not know.
    EXPECT_FALSE(ParseScenario("{\"version\":11,\"channels\":[]," + tasks + "}", error));
    EXPECT_NE(
        error.Message().find("written by a newer Interleave (format version 11; this one reads versions 1 to 10)"),
        std::string::npos)
        << error.Message();
    for (const char* bad : {"0", "-1", "1.5", "\"2\"", "null"}) {
        EXPECT_FALSE(ParseScenario(std::string("{\"version\":") + bad + "," + tasks + "}", error)) << bad;
        EXPECT_NE(error.Message().find("version: must be a format version from 1 to 10"), std::string::npos)
            << bad << " -> " << error.Message();
    }
}

}  // namespace
}  // namespace interleave::scenario
