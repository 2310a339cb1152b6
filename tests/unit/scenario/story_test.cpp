// Story steps (issue 17): "story" in a scenario is parsed, bounded, validated with the field's path, and written back
// unchanged. Captions come from strangers, so every refusal is an error (never a throw) that names the field.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario/model_info.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"

using namespace interleave::scenario;

namespace {

const char* kTasks =
    R"("tasks": [{"name": "t", "count": 2, "steps": [{"cpu": "10ms"}]}], "model": {"kind": "threads"})";

std::string WithStory(const std::string& story, const std::string& extra = "") {
    return std::string("{") + kTasks + extra + R"(, "story": )" + story + "}";
}

std::string ErrorOf(const std::string& json) {
    ParseError error;
    auto parsed = ParseScenario(json, error);
    EXPECT_FALSE(parsed.has_value()) << "accepted: " << json.substr(0, 300);
    return error.Message();
}

Scenario ParsedOrEmpty(const std::string& json) {
    ParseError error;
    auto parsed = ParseScenario(json, error);
    EXPECT_TRUE(parsed.has_value()) << error.Message() << "\n" << json.substr(0, 300);
    return parsed ? *parsed : Scenario{};
}

}  // namespace

TEST(Story, EveryFieldIsRead) {
    const Scenario s = ParsedOrEmpty(WithStory(R"([
        {"caption": "The whole run."},
        {"caption": "Zoom in.", "range": "10ms..250ms", "lanes": ["Thread", "GIL"]},
        {"caption": "Now on a Pool.", "range": "5ms..", "model": "processes",
         "set": {"workers": 4, "chunksize": 2, "start_method": "spawn"}},
        {"caption": "Behind a semaphore.", "model": "asyncio", "set": {"semaphore": 3}}])"));
    ASSERT_EQ(s.story.steps.size(), 4u);
    const StoryStep& whole = s.story.steps[0];
    EXPECT_EQ(whole.caption, "The whole run.");
    EXPECT_FALSE(whole.hasRange);
    EXPECT_TRUE(whole.lanes.empty());
    EXPECT_FALSE(whole.ChangesModel());
    const StoryStep& zoom = s.story.steps[1];
    EXPECT_TRUE(zoom.hasRange);
    EXPECT_EQ(zoom.rangeStartNs, 10'000'000);
    EXPECT_EQ(zoom.rangeEndNs, 250'000'000);
    EXPECT_EQ(zoom.lanes, (std::vector<std::string>{"Thread", "GIL"}));
    const StoryStep& pool = s.story.steps[2];
    EXPECT_EQ(pool.rangeStartNs, 5'000'000);
    EXPECT_EQ(pool.rangeEndNs, -1);
    ASSERT_TRUE(pool.model.has_value());
    EXPECT_EQ(*pool.model, ModelKind::Processes);
    EXPECT_EQ(pool.workers, 4);
    EXPECT_EQ(pool.chunksize, 2);
    EXPECT_EQ(pool.startMethod, StartMethod::Spawn);
    EXPECT_EQ(s.story.steps[3].semaphore, 3);
}

TEST(Story, AStepsModelKeepsWhatTheStepDoesNotChange) {
    const Scenario s = ParsedOrEmpty(
        WithStory(R"([{"caption": "a", "set": {"workers": 3}}, {"caption": "b", "model": "processes"}])"));
    ASSERT_EQ(s.story.steps.size(), 2u);
    Model base = s.model;
    base.chunksize = 5;
    const Model three = StoryStepModel(base, s.story.steps[0]);
    EXPECT_EQ(three.kind, ModelKind::Threads);
    EXPECT_EQ(three.workers, 3);
    EXPECT_EQ(three.chunksize, 5);
    const Model pool = StoryStepModel(base, s.story.steps[1]);
    EXPECT_EQ(pool.kind, ModelKind::Processes);
    EXPECT_EQ(pool.workers, base.workers);
}

TEST(Story, RoundTripsThroughScenarioToJson) {
    const Scenario s = ParsedOrEmpty(WithStory(R"([
        {"caption": "Zoom in on \"the\" <b>GIL</b> & co — ünïcödé.", "range": "10ms..250ms", "lanes": ["Thread", "GIL"]},
        {"caption": "To the end.", "range": "1.5ms.."},
        {"caption": "Pool.", "model": "processes", "set": {"workers": 4, "chunksize": 2, "semaphore": 7, "start_method": "forkserver"}}])"));
    ASSERT_EQ(s.story.steps.size(), 3u);
    const std::string json = ScenarioToJson(s);
    const Scenario again = ParsedOrEmpty(json);
    EXPECT_EQ(again.story, s.story);
    EXPECT_EQ(ScenarioToJson(again), json);
}

TEST(Story, AScenarioWithoutAStoryWritesNone) {
    const Scenario s = ParsedOrEmpty(std::string("{") + kTasks + "}");
    EXPECT_TRUE(s.story.Empty());
    EXPECT_EQ(ScenarioToJson(s).find("\"story\""), std::string::npos);
}

TEST(Story, TheStoryMustBeAListOfOneTo32Steps) {
    for (const char* story : {"{}", "\"step\"", "[]", "7", "null"}) {
        const std::string error = ErrorOf(WithStory(story));
        EXPECT_NE(error.find("story: must be a list of 1 to 32 steps"), std::string::npos) << error;
    }
    const auto steps = [](int count) {
        std::string list = "[";
        for (int i = 0; i < count; ++i)
            list += std::string(i ? "," : "") + R"({"caption": "x"})";
        return list + "]";
    };
    EXPECT_NE(ErrorOf(WithStory(steps(33))).find("1 to 32 steps"), std::string::npos);
    EXPECT_EQ(ParsedOrEmpty(WithStory(steps(32))).story.steps.size(), 32u);
}

TEST(Story, ACaptionIsPlainTextOfAtMost280Characters) {
    EXPECT_NE(ErrorOf(WithStory(R"([{"range": "1ms..2ms"}])")).find("story[0].caption: is missing"), std::string::npos);
    EXPECT_NE(ErrorOf(WithStory(R"([{"caption": ""}])")).find("story[0].caption: must not be empty"),
              std::string::npos);
    EXPECT_NE(ErrorOf(WithStory(R"([{"caption": "ok"}, {"caption": 5}])")).find("story[1].caption: must be a string"),
              std::string::npos);
    EXPECT_NE(
        ErrorOf(WithStory(R"([{"caption": "two\nlines"}])")).find("story[0].caption: must be plain text on one line"),
        std::string::npos);
    const std::string longest(280, 'a');
    EXPECT_EQ(ParsedOrEmpty(WithStory(R"([{"caption": ")" + longest + "\"}]")).story.steps[0].caption, longest);
    const std::string error = ErrorOf(WithStory(R"([{"caption": ")" + longest + "a\"}]"));
    EXPECT_NE(error.find("story[0].caption: is too long: at most 280 characters, got 281"), std::string::npos) << error;
    // Characters, not bytes: 280 two-byte letters pass.
    std::string accents;
    for (int i = 0; i < 280; ++i)
        accents += "\xC3\xA9";
    EXPECT_EQ(ParsedOrEmpty(WithStory(R"([{"caption": ")" + accents + "\"}]")).story.steps[0].caption, accents);
}

TEST(Story, ARangeIsStartDotDotEnd) {
    for (const char* range :
         {"\"10ms\"", "\"..5ms\"", "\"5ms..1ms\"", "\"5ms..5ms\"", "\"abc..def\"", "12", "\"-1ms..2ms\""}) {
        const std::string error = ErrorOf(WithStory(std::string(R"([{"caption": "c", "range": )") + range + "}]"));
        EXPECT_NE(error.find("story[0].range: must be START..END"), std::string::npos) << range << ": " << error;
    }
}

TEST(Story, LanesAreAShortListOfNames) {
    EXPECT_NE(ErrorOf(WithStory(R"([{"caption": "c", "lanes": "GIL"}])")).find("story[0].lanes: must be a list"),
              std::string::npos);
    EXPECT_NE(ErrorOf(WithStory(R"([{"caption": "c", "lanes": []}])")).find("story[0].lanes: must be a list"),
              std::string::npos);
    EXPECT_NE(
        ErrorOf(WithStory(R"([{"caption": "c", "lanes": ["GIL", 3]}])")).find("story[0].lanes[1]: must be a string"),
        std::string::npos);
    std::string seventeen = "[";
    for (int i = 0; i < 17; ++i)
        seventeen += std::string(i ? "," : "") + "\"L\"";
    EXPECT_NE(ErrorOf(WithStory(R"([{"caption": "c", "lanes": )" + seventeen + "]}]")).find("1 to 16"),
              std::string::npos);
    EXPECT_NE(ErrorOf(WithStory(R"([{"caption": "c", "lanes": [")" + std::string(65, 'x') + "\"]}]"))
                  .find("story[0].lanes[0]: is too long"),
              std::string::npos);
}

TEST(Story, ModelAndSettingsAreValidatedLikeTheScenarios) {
    std::string error = ErrorOf(WithStory(R"([{"caption": "c", "model": "goroutines"}])"));
    EXPECT_NE(error.find("story[0].model: must be one of"), std::string::npos) << error;
    error = ErrorOf(WithStory(R"([{"caption": "c", "set": {"workers": 0}}])"));
    EXPECT_NE(error.find("story[0].set.workers: must be a whole number from 1 to 10000"), std::string::npos) << error;
    error = ErrorOf(WithStory(R"([{"caption": "c", "set": {"workers": 18446744073709551615}}])"));
    EXPECT_NE(error.find("story[0].set.workers"), std::string::npos) << error;
    error = ErrorOf(WithStory(R"([{"caption": "c", "set": {"start_method": "clone"}}])"));
    EXPECT_NE(error.find("story[0].set.start_method: must be fork, spawn or forkserver"), std::string::npos) << error;
    // Only what the editor exposes: not the machine's costs, not the cores.
    error = ErrorOf(WithStory(R"([{"caption": "c", "set": {"switch_interval": "1ms"}}])"));
    EXPECT_NE(error.find("story[0].set.switch_interval: is not a setting a story step may change"), std::string::npos)
        << error;
    error = ErrorOf(WithStory(R"([{"caption": "c", "zoom": 2}])"));
    EXPECT_NE(error.find("story[0].zoom: unknown field"), std::string::npos) << error;
}

TEST(Story, AStepCannotSwitchToAModelTheReleaseLacks) {
    const std::string error =
        ErrorOf(WithStory(R"([{"caption": "c", "model": "interpreters"}])", R"(, "python": "3.12", "version": 5)"));
    EXPECT_NE(error.find("story[0].model: the interpreters model"), std::string::npos) << error;
    EXPECT_EQ(ParsedOrEmpty(
                  WithStory(R"([{"caption": "c", "model": "interpreters"}])", R"(, "python": "3.14", "version": 5)"))
                  .story.steps.size(),
              1u);
}

TEST(Story, HostileStoriesAreErrorsNotAborts) {
    // Deep values where a caption, a lane or a setting goes; huge numbers; a story of the wrong shape inside each step.
    const std::string deep = std::string(60, '[') + std::string(60, ']');
    for (const std::string& step : std::vector<std::string>{
             R"({"caption": )" + deep + "}", R"({"caption": "c", "lanes": )" + deep + "}",
             R"({"caption": "c", "set": )" + deep + "}", R"({"caption": "c", "range": 1e308})",
             R"({"caption": "c", "set": {"chunksize": -9223372036854775808}})", R"({"caption": "c", "model": null})",
             std::string("[") + deep + "]", R"({"caption": "c", "set": {"semaphore": 1.5}})"}) {
        ParseError error;
        EXPECT_FALSE(ParseScenario(WithStory("[" + step + "]"), error).has_value()) << step;
        EXPECT_EQ(error.path.rfind("story", 0), 0u) << step << ": " << error.Message();
        EXPECT_FALSE(error.reason.empty());
    }
}

TEST(Story, PresetsThatTeachAPhenomenonTellAStory) {
    for (const char* id : {"convoy_effect", "asyncio_blocking_call", "pickling_large_payload"}) {
        const PresetFile* preset = FindPreset(id);
        ASSERT_NE(preset, nullptr) << id;
        const Scenario s = ParsedOrEmpty(std::string(preset->json));
        EXPECT_GE(s.story.steps.size(), 3u) << id;
    }
}
