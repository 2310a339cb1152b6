// JSON form of ViewState, with nlohmann-json.
#include "ui/view_state.h"

#include <nlohmann/json.hpp>

namespace interleave::ui {

using nlohmann::json;

std::string ViewStateToJson(const ViewState& s) {
    json j;
    j["preset"] = s.preset;
    // Embed the scenario as an object when it is JSON (it always is when produced by the editor).
    json scenario = json::parse(s.scenarioJson, nullptr, false);
    j["scenario"] = scenario.is_discarded() ? json(s.scenarioJson) : scenario;
    j["models"] = s.models;
    j["visible"] = {s.visible.t0, s.visible.t1};
    j["selectedTask"] = s.selectedTask;
    j["theme"] = s.theme == Theme::Light ? "light" : "dark";
    j["tab"] = s.tab == Tab::Compare ? "compare" : s.tab == Tab::Scaling ? "scaling" : "timeline";
    j["playback"] = {{"playing", s.playing}, {"time", s.playbackTime}, {"speed", s.playbackSpeed}};
    return j.dump();
}

bool ViewStateFromJson(std::string_view text, ViewState& out, std::string& error) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "view state: not a JSON object";
        return false;
    }
    ViewState s = out;
    try {
        if (j.contains("preset")) s.preset = j.at("preset").get<std::string>();
        if (j.contains("scenario")) {
            const json& sc = j.at("scenario");
            s.scenarioJson = sc.is_string() ? sc.get<std::string>() : sc.dump();
        }
        if (j.contains("models")) s.models = j.at("models").get<std::vector<std::string>>();
        if (j.contains("visible")) {
            const json& v = j.at("visible");
            if (!v.is_array() || v.size() != 2) {
                error = "view state: visible must be [t0, t1]";
                return false;
            }
            TimeRange r{v[0].get<double>(), v[1].get<double>()};
            if (!(r.t1 > r.t0)) {
                error = "view state: visible must have t1 > t0";
                return false;
            }
            s.visible = r;
        }
        if (j.contains("selectedTask")) s.selectedTask = j.at("selectedTask").get<int>();
        if (j.contains("theme")) {
            const std::string theme = j.at("theme").get<std::string>();
            if (theme != "dark" && theme != "light") {
                error = "view state: theme must be \"dark\" or \"light\"";
                return false;
            }
            s.theme = theme == "light" ? Theme::Light : Theme::Dark;
        }
        if (j.contains("tab")) {
            const std::string tab = j.at("tab").get<std::string>();
            if (tab == "timeline") s.tab = Tab::Timeline;
            else if (tab == "compare") s.tab = Tab::Compare;
            else if (tab == "scaling") s.tab = Tab::Scaling;
            else {
                error = "view state: tab must be timeline, compare or scaling";
                return false;
            }
        }
        if (j.contains("playback")) {
            const json& p = j.at("playback");
            if (p.contains("playing")) s.playing = p.at("playing").get<bool>();
            if (p.contains("time")) s.playbackTime = p.at("time").get<double>();
            if (p.contains("speed")) s.playbackSpeed = p.at("speed").get<double>();
            if (!(s.playbackSpeed > 0)) {
                error = "view state: playback.speed must be > 0";
                return false;
            }
        }
    } catch (const json::exception& e) {
        error = std::string("view state: ") + e.what();
        return false;
    }
    out = std::move(s);
    return true;
}

}  // namespace interleave::ui
