#pragma once
// A scenario's story: a few captioned steps an author writes to walk a reader through the timeline ("story" in the
// scenario file, docs/scenario.md). Each step may narrow the view (a time range, the lanes named) and switch the
// model or a few of its settings ("now the same work on a Pool"); the playground and the embed step through them.
//
// Captions come from strangers: they are plain text, bounded, without control characters, and every writer that puts
// one in markup or code escapes it or leaves it out.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace interleave::scenario {

// Declared in scenario.h (which includes this file); fixed underlying types make them complete here.
enum class ModelKind : uint8_t;
enum class StartMethod : uint8_t;
struct Model;
struct Scenario;
struct ParseError;

struct StoryStep {
    std::string caption;  // plain text: 1 to kMaxStoryCaption characters, no control characters
    // "range": "10ms..250ms" (the end may be left out: to the end of the run). No range: the whole run.
    bool hasRange = false;
    int64_t rangeStartNs = 0;
    int64_t rangeEndNs = -1;  // -1: the end of the run
    // "lanes": the lanes shown, as names or name prefixes ("Thread", "GIL"), as `interleave sim --lanes` reads them.
    // Empty: every lane.
    std::vector<std::string> lanes;
    // "model": the model this step runs (unset: the scenario's own).
    std::optional<ModelKind> model;
    // "set": the model settings this step changes (a whitelist of what the editor exposes); unset: the scenario's.
    std::optional<int32_t> workers, chunksize, semaphore;
    std::optional<StartMethod> startMethod;

    bool ChangesModel() const { return model || workers || chunksize || semaphore || startMethod; }
    bool operator==(const StoryStep&) const = default;
};

struct Story {
    std::vector<StoryStep> steps;
    bool Empty() const { return steps.empty(); }
    bool operator==(const Story&) const = default;
};

inline constexpr size_t kMaxStorySteps = 32;
inline constexpr size_t kMaxStoryCaption = 280;  // characters (UTF-8 code points), a short paragraph
inline constexpr size_t kMaxStoryLanes = 16;     // lane names or prefixes in one step
inline constexpr size_t kMaxStoryLaneName = 64;  // characters of one of them

// The model step `step` runs when the scenario's own is `base`: its switches applied, the rest kept.
Model StoryStepModel(const Model& base, const StoryStep& step);

// Reads the scenario's "story" value into `out`. `scenario` is the scenario read so far (its release and model), so a
// step that switches to a model the release lacks is refused here. False with the JSON path ("story[2].caption") and
// the reason in `error`.
bool ParseStory(const nlohmann::json& value, const Scenario& scenario, Story& out, ParseError& error);

// The story's canonical JSON (an array; ParseStory reads it back to an equal Story).
nlohmann::json StoryToJson(const Story& story);

// A step's range as the scenario format writes it: "10000000ns..250000000ns", or "10000000ns.." to the end.
std::string StoryRangeText(const StoryStep& step);

}  // namespace interleave::scenario
