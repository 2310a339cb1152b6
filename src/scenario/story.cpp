// [SECTION] Index
//   Steps ....... what a step changes in the model
//   Parsing ..... "story": [...] -> Story, every field bounded and validated (paths like "story[2].caption")
//   Writing ..... Story -> canonical JSON
#include "scenario/story.h"

#include <array>
#include <nlohmann/json.hpp>

#include "jsonio/bounded_json.h"
#include "scenario/model_info.h"
#include "scenario/scenario.h"

namespace interleave::scenario {

using nlohmann::json;

// [SECTION] Steps

Model StoryStepModel(const Model& base, const StoryStep& step) {
    Model model = base;
    if (step.model) model.kind = *step.model;
    if (step.workers) model.workers = *step.workers;
    if (step.chunksize) model.chunksize = *step.chunksize;
    if (step.semaphore) model.semaphore = *step.semaphore;
    if (step.startMethod) model.startMethod = *step.startMethod;
    return model;
}

std::string StoryRangeText(const StoryStep& step) {
    std::string text = std::to_string(step.rangeStartNs) + "ns..";
    if (step.rangeEndNs >= 0) text += std::to_string(step.rangeEndNs) + "ns";
    return text;
}

// [SECTION] Parsing

namespace {

constexpr std::array<std::string_view, 3> kStartMethods = {"fork", "spawn", "forkserver"};

struct StoryParser {
    const Scenario& scenario;
    ParseError& error;

    bool Fail(std::string path, std::string reason) {
        error.path = std::move(path);
        error.reason = std::move(reason);
        return false;
    }
    static std::string Show(const json& value) { return jsonio::ShowJson(value, 40); }

    // Plain text of 1 to `maxChars` code points and no control characters (a caption is one paragraph, never markup).
    bool Text(const json& value, const std::string& path, size_t maxChars, std::string& out) {
        if (!value.is_string()) return Fail(path, "must be a string, got " + Show(value));
        const std::string& text = value.get_ref<const std::string&>();
        size_t chars = 0;
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            if ((byte & 0xC0) != 0x80) ++chars;  // a code point's first byte (the parser has checked the UTF-8)
            if (byte < 0x20 || byte == 0x7F)
                return Fail(path, "must be plain text on one line: no control characters (newlines, tabs)");
        }
        if (chars == 0) return Fail(path, "must not be empty");
        if (chars > maxChars)
            return Fail(
                path, "is too long: at most " + std::to_string(maxChars) + " characters, got " + std::to_string(chars));
        out = text;
        return true;
    }

    bool Count(const json& value, const std::string& path, int64_t max, int32_t& out) {
        if (!value.is_number_integer() || (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(max)) ||
            value.get<int64_t>() < 1 || value.get<int64_t>() > max)
            return Fail(path, "must be a whole number from 1 to " + std::to_string(max) + ", got " + Show(value));
        out = static_cast<int32_t>(value.get<int64_t>());
        return true;
    }

    bool Range(const json& value, const std::string& path, StoryStep& step) {
        const auto bad = [&](const std::string& why) {
            return Fail(path,
                        "must be START..END with durations like \"10ms..250ms\" (END may be left out: to the end "
                        "of the run), got " +
                            Show(value) + (why.empty() ? "" : ": " + why));
        };
        if (!value.is_string()) return bad("");
        const std::string& text = value.get_ref<const std::string&>();
        const size_t dots = text.find("..");
        if (dots == std::string::npos) return bad("no \"..\"");
        const std::string start = text.substr(0, dots), end = text.substr(dots + 2);
        TimeNs startNs = 0, endNs = -1;
        if (start.empty() || !ParseDuration(start, startNs) || startNs < 0) return bad("START is not a duration");
        if (!end.empty() && !ParseDuration(end, endNs)) return bad("END is not a duration");
        if (!end.empty() && endNs <= startNs) return bad("END must come after START");
        step.hasRange = true;
        step.rangeStartNs = startNs;
        step.rangeEndNs = end.empty() ? -1 : endNs;
        return true;
    }

    bool Lanes(const json& value, const std::string& path, StoryStep& step) {
        if (!value.is_array() || value.empty() || value.size() > kMaxStoryLanes)
            return Fail(path, "must be a list of 1 to " + std::to_string(kMaxStoryLanes) +
                                  " lane names or name prefixes, like [\"Thread\", \"GIL\"], got " + Show(value));
        for (size_t i = 0; i < value.size(); ++i) {
            std::string name;
            if (!Text(value[i], path + "[" + std::to_string(i) + "]", kMaxStoryLaneName, name)) return false;
            step.lanes.push_back(std::move(name));
        }
        return true;
    }

    bool Settings(const json& value, const std::string& path, StoryStep& step) {
        if (!value.is_object())
            return Fail(path, "must be an object of model settings, like {\"workers\": 4}, got " + Show(value));
        for (const auto& [key, item] : value.items()) {
            const std::string itemPath = path + "." + key;
            int32_t n = 0;
            if (key == "workers") {
                if (!Count(item, itemPath, Limits::kMaxWorkers, n)) return false;
                step.workers = n;
            } else if (key == "chunksize") {
                if (!Count(item, itemPath, Limits::kMaxTasks, n)) return false;
                step.chunksize = n;
            } else if (key == "semaphore") {
                if (!Count(item, itemPath, Limits::kMaxTasks, n)) return false;
                step.semaphore = n;
            } else if (key == "start_method") {
                bool found = false;
                for (size_t m = 0; m < kStartMethods.size() && item.is_string(); ++m) {
                    if (kStartMethods[m] != item.get_ref<const std::string&>()) continue;
                    step.startMethod = static_cast<StartMethod>(m);
                    found = true;
                }
                if (!found) return Fail(itemPath, "must be fork, spawn or forkserver, got " + Show(item));
            } else {
                return Fail(itemPath,
                            "is not a setting a story step may change (expected one of: workers, chunksize, "
                            "semaphore, start_method)");
            }
        }
        return true;
    }

    bool Step(const json& value, const std::string& path, StoryStep& step) {
        if (!value.is_object())
            return Fail(path, "a story step must be an object like {\"caption\": \"...\"}, got " + Show(value));
        for (const auto& [key, item] : value.items()) {
            if (key != "caption" && key != "range" && key != "lanes" && key != "model" && key != "set")
                return Fail(path + "." + key, "unknown field (expected one of: caption, range, lanes, model, set)");
        }
        if (!value.contains("caption")) return Fail(path + ".caption", "is missing: every step says what to look at");
        if (!Text(value["caption"], path + ".caption", kMaxStoryCaption, step.caption)) return false;
        if (value.contains("range") && !Range(value["range"], path + ".range", step)) return false;
        if (value.contains("lanes") && !Lanes(value["lanes"], path + ".lanes", step)) return false;
        if (value.contains("model")) {
            const json& kind = value["model"];
            ModelKind parsed{};
            if (!kind.is_string() || !ParseModelKind(kind.get_ref<const std::string&>(), parsed))
                return Fail(path + ".model", "must be one of " + std::string(ModelIdList()) + ", got " + Show(kind));
            step.model = parsed;
        }
        if (value.contains("set") && !Settings(value["set"], path + ".set", step)) return false;
        // The step's model must run on the scenario's release, as the scenario's own must.
        Scenario variant;
        variant.python = scenario.python;
        variant.model = StoryStepModel(scenario.model, step);
        if (std::string missing = MissingFromRelease(variant); !missing.empty())
            return Fail(path + (step.model ? ".model" : ".set"), missing);
        return true;
    }
};

}  // namespace

bool ParseStory(const json& value, const Scenario& scenario, Story& out, ParseError& error) {
    StoryParser parser{scenario, error};
    if (!value.is_array() || value.empty() || value.size() > kMaxStorySteps)
        return parser.Fail("story", "must be a list of 1 to " + std::to_string(kMaxStorySteps) +
                                        " steps like {\"caption\": \"...\", \"range\": \"0ms..50ms\"}, got " +
                                        StoryParser::Show(value));
    Story story;
    story.steps.resize(value.size());
    for (size_t i = 0; i < value.size(); ++i)
        if (!parser.Step(value[i], "story[" + std::to_string(i) + "]", story.steps[i])) return false;
    out = std::move(story);
    return true;
}

// [SECTION] Writing

json StoryToJson(const Story& story) {
    json steps = json::array();
    for (const StoryStep& step : story.steps) {
        json item = {{"caption", step.caption}};
        if (step.hasRange) item["range"] = StoryRangeText(step);
        if (!step.lanes.empty()) item["lanes"] = step.lanes;
        if (step.model) item["model"] = ModelKindName(*step.model);
        json set = json::object();
        if (step.workers) set["workers"] = *step.workers;
        if (step.chunksize) set["chunksize"] = *step.chunksize;
        if (step.semaphore) set["semaphore"] = *step.semaphore;
        if (step.startMethod) set["start_method"] = kStartMethods[static_cast<size_t>(*step.startMethod)];
        if (!set.empty()) item["set"] = set;
        steps.push_back(std::move(item));
    }
    return steps;
}

}  // namespace interleave::scenario
