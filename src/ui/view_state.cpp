// JSON form of ViewState, with nlohmann-json.
#include "ui/view_state.h"

#include <nlohmann/json.hpp>

#include "jsonio/bounded_json.h"
#include "scenario/scenario.h"

namespace interleave::ui {

using nlohmann::json;

std::vector<std::string> AllReleaseIds() {
    std::vector<std::string> ids;
    for (const scenario::PythonInfo& info : scenario::Pythons()) ids.emplace_back(info.id);
    return ids;
}

std::string ViewStateToJson(const ViewState& s) {
    json j;
    j["preset"] = s.preset;
    // Embed the scenario as an object when it is a JSON object (it always is when produced by the editor);
    // anything else (the text "0", a list) stays a string, which is what ViewStateFromJson reads back.
    json scenario;
    std::string ignored;
    const bool isObject = jsonio::ParseBoundedJson(s.scenarioJson, scenario, ignored,
                                                   {scenario::Limits::kMaxScenarioBytes, scenario::Limits::kMaxJsonDepth}) &&
                          scenario.is_object();
    j["scenario"] = isObject ? scenario : json(s.scenarioJson);
    j["models"] = s.models;
    if (s.compareReleases) {
        j["compareBy"] = "releases";
        j["releases"] = s.releases;
    }
    j["visible"] = {s.visible.t0, s.visible.t1};
    j["selectedTask"] = s.selectedTask.value;
    if (s.storyStep >= 0) j["storyStep"] = s.storyStep;
    j["theme"] = s.theme == Theme::Light ? "light" : "dark";
    j["tab"] = s.tab == Tab::Compare ? "compare" : s.tab == Tab::Scaling ? "scaling" : "timeline";
    j["playback"] = {{"playing", s.playing}, {"time", s.playbackTime}, {"speed", s.playbackSpeed}};
    j["arrows"] = s.arrows;
    if (!s.collapsed.empty()) j["collapsed"] = s.collapsed;
    if (!s.pinnedScenarioJson.empty()) {
        json pinned;
        const bool pinnedIsObject =
            jsonio::ParseBoundedJson(s.pinnedScenarioJson, pinned, ignored,
                                     {scenario::Limits::kMaxScenarioBytes, scenario::Limits::kMaxJsonDepth}) &&
            pinned.is_object();
        j["pinned"] = {{"scenario", pinnedIsObject ? pinned : json(s.pinnedScenarioJson)}, {"preset", s.pinnedPreset}};
    }
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Without exceptions: the web builds compile with Emscripten's default -fignore-exceptions, where a
// throw aborts. So every field's type is checked before it is read.
bool ViewStateFromJson(std::string_view text, ViewState& out, std::string& error) {
    json j;
    std::string parseError;
    if (!jsonio::ParseBoundedJson(text, j, parseError, {scenario::Limits::kMaxScenarioBytes, scenario::Limits::kMaxJsonDepth}, "the view state")) {
        error = "view state: " + parseError;
        return false;
    }
    if (!j.is_object()) {
        error = "view state: not a JSON object";
        return false;
    }
    ViewState s = out;
    auto fail = [&](const char* why) {
        error = std::string("view state: ") + why;
        return false;
    };
    if (j.contains("preset")) {
        if (!j["preset"].is_string()) return fail("preset must be a string");
        s.preset = j["preset"].get<std::string>();
    }
    if (j.contains("scenario")) {
        const json& sc = j["scenario"];
        if (sc.is_string()) s.scenarioJson = sc.get<std::string>();
        else if (sc.is_object()) s.scenarioJson = sc.dump(-1, ' ', false, json::error_handler_t::replace);
        else return fail("scenario must be an object");
    }
    if (j.contains("models")) {
        const json& m = j["models"];
        if (!m.is_array()) return fail("models must be an array of names");
        s.models.clear();
        for (const json& name : m) {
            if (!name.is_string()) return fail("models must be an array of names");
            s.models.push_back(name.get<std::string>());
        }
    }
    if (j.contains("compareBy")) {
        const json& by = j["compareBy"];
        if (by == "models") s.compareReleases = false;
        else if (by == "releases") s.compareReleases = true;
        else return fail("compareBy must be \"models\" or \"releases\"");
    }
    if (j.contains("releases")) {
        const json& r = j["releases"];
        if (!r.is_array() || r.size() > scenario::Pythons().size()) return fail("releases must be a list of Python releases");
        s.releases.clear();
        for (const json& name : r) {
            scenario::PythonVersion version;
            if (!name.is_string() || !scenario::ParsePythonVersion(name.get<std::string>(), version))
                return fail("releases must be a list of Python releases (3.11 ... 3.15t)");
            s.releases.push_back(name.get<std::string>());
        }
    }
    if (j.contains("visible")) {
        const json& v = j["visible"];
        if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number()) return fail("visible must be [t0, t1]");
        const TimeRange r{v[0].get<double>(), v[1].get<double>()};
        if (!(r.t1 > r.t0)) return fail("visible must have t1 > t0");
        s.visible = r;
    }
    if (j.contains("selectedTask")) {
        if (!j["selectedTask"].is_number_integer()) return fail("selectedTask must be an integer");
        s.selectedTask = trace::TaskId(j["selectedTask"].get<int>());
    }
    if (j.contains("storyStep")) {
        // Bounded by the story (at most 32 steps) when applied: ui/story_view.h's StoryStepIndex.
        const json& step = j["storyStep"];
        if (!step.is_number_integer() || (step.is_number_unsigned() && step.get<uint64_t>() > 1000) ||
            step.get<int64_t>() < -1 || step.get<int64_t>() > 1000)
            return fail("storyStep must be a step number from 0 (the first), or -1");
        s.storyStep = int(step.get<int64_t>());
    }
    if (j.contains("theme")) {
        const json& t = j["theme"];
        if (t == "dark") s.theme = Theme::Dark;
        else if (t == "light") s.theme = Theme::Light;
        else return fail("theme must be \"dark\" or \"light\"");
    }
    if (j.contains("tab")) {
        const json& t = j["tab"];
        if (t == "timeline") s.tab = Tab::Timeline;
        else if (t == "compare") s.tab = Tab::Compare;
        else if (t == "scaling") s.tab = Tab::Scaling;
        else return fail("tab must be timeline, compare or scaling");
    }
    if (j.contains("playback")) {
        const json& p = j["playback"];
        if (!p.is_object()) return fail("playback must be an object");
        if (p.contains("playing")) {
            if (!p["playing"].is_boolean()) return fail("playback.playing must be true or false");
            s.playing = p["playing"].get<bool>();
        }
        if (p.contains("time")) {
            if (!p["time"].is_number()) return fail("playback.time must be a number (ns)");
            s.playbackTime = p["time"].get<double>();
        }
        if (p.contains("speed")) {
            if (!p["speed"].is_number() || !(p["speed"].get<double>() > 0)) return fail("playback.speed must be > 0");
            s.playbackSpeed = p["speed"].get<double>();
        }
    }
    if (j.contains("arrows")) {
        if (!j["arrows"].is_boolean()) return fail("arrows must be true or false");
        s.arrows = j["arrows"].get<bool>();
    }
    if (j.contains("pinned")) {
        const json& p = j["pinned"];
        if (!p.is_object() || !p.contains("scenario")) return fail("pinned must be an object with a scenario");
        const json& sc = p["scenario"];
        if (sc.is_string()) s.pinnedScenarioJson = sc.get<std::string>();
        else if (sc.is_object()) s.pinnedScenarioJson = sc.dump(-1, ' ', false, json::error_handler_t::replace);
        else return fail("pinned.scenario must be an object");
        s.pinnedPreset.clear();
        if (p.contains("preset")) {
            if (!p["preset"].is_string()) return fail("pinned.preset must be a string");
            if (p["preset"].get_ref<const std::string&>().size() > kMaxLaneNameBytes)
                return fail("pinned.preset is longer than 256 bytes");
            s.pinnedPreset = p["preset"].get<std::string>();
        }
    }
    if (j.contains("collapsed")) {
        const json& c = j["collapsed"];
        if (!c.is_array()) return fail("collapsed must be an array of lane names");
        if (c.size() > kMaxCollapsedGroups) return fail("collapsed names more than 256 lane groups");
        s.collapsed.clear();
        for (const json& name : c) {
            if (!name.is_string()) return fail("collapsed must be an array of lane names");
            if (name.get_ref<const std::string&>().size() > kMaxLaneNameBytes)
                return fail("collapsed has a lane name longer than 256 bytes");
            s.collapsed.push_back(name.get<std::string>());
        }
    }
    out = std::move(s);
    return true;
}

}  // namespace interleave::ui
