// Story captions (issue 17) are a stranger's text: the exported Python program carries none of them (it runs the
// workload; the story is the playground's), so no caption can become code or a comment's trick.
#include <gtest/gtest.h>

#include <string>

#include "native/native.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"

using namespace interleave;

TEST(StoryExport, TheExportedProgramHoldsNoCaption) {
    const scenario::PresetFile* preset = scenario::FindPreset("convoy_effect");
    ASSERT_NE(preset, nullptr);
    std::string json(preset->json);
    const std::string caption = "\\\"\\\"\\\"; import os; os.system('touch pwned') # <script>alert(1)</script>";
    const size_t story = json.find("\"story\": [");
    ASSERT_NE(story, std::string::npos);
    json.insert(story + 10, "{\"caption\": \"" + caption + "\"},");
    scenario::ParseError error;
    const auto parsed = scenario::ParseScenario(json, error);
    ASSERT_TRUE(parsed.has_value()) << error.Message();
    ASSERT_NE(parsed->story.steps.front().caption.find("os.system"), std::string::npos);
    const std::string program = native::ExportPython(*parsed);
    EXPECT_EQ(program.find("os.system"), std::string::npos);
    EXPECT_EQ(program.find("<script>"), std::string::npos);
    for (const auto& step : parsed->story.steps)
        EXPECT_EQ(program.find(step.caption), std::string::npos) << step.caption;
}
