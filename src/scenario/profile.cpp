// A machine profile file (`interleave calibrate` writes one) applied onto a scenario's profile.
#include <nlohmann/json.hpp>

#include "jsonio/bounded_json.h"
#include "scenario/scenario.h"

namespace interleave::scenario {

// scenario.cpp: machine.profile's fields, validated as in a scenario, onto `profile` (unchanged on error).
bool ApplyProfileFields(const nlohmann::json& fields, MachineProfile& profile, ParseError& error);

bool ApplyProfileJson(std::string_view text, MachineProfile& profile, std::string& error) {
    using nlohmann::json;
    json doc;
    if (!jsonio::ParseBoundedJson(text, doc, error, {Limits::kMaxScenarioBytes, Limits::kMaxJsonDepth}, "the profile"))
        return error = "the profile: " + error, false;
    if (!doc.is_object()) return error = "the profile is not a JSON object", false;
    // The fields are only read (never copied whole), and the depth is bounded above.
    const json* fieldsAt = &doc;
    if (doc.contains("machine") && doc["machine"].is_object() && doc["machine"].contains("profile")) fieldsAt = &doc["machine"]["profile"];
    else if (doc.contains("profile")) fieldsAt = &doc["profile"];
    const json& fields = *fieldsAt;
    if (!fields.is_object()) return error = "machine.profile must be an object", false;
    // Validated field by field by the scenario parser's own profile code; nothing changes on an error.
    ParseError parseError;
    if (!ApplyProfileFields(fields, profile, parseError)) return error = parseError.Message(), false;
    return true;
}

bool ApplyProfileJsonUnderScenario(std::string_view text, MachineProfile& scenarioProfile, std::string& error) {
    using nlohmann::json;
    // The scenario's fields and the defaults in one canonical form (our own text, parsed without exceptions like every
    // other text): what differs is what the scenario says.
    const json own = json::parse(ProfileToJson(scenarioProfile), nullptr, false);
    const json defaults = json::parse(ProfileToJson(MachineProfile{}), nullptr, false);
    if (!own.is_object() || !defaults.is_object())
        return error = "the scenario's own profile cannot be read back", false;
    json kept = json::object();
    for (const auto& [key, value] : own.items())
        if (key == "switch_interval" || !defaults.contains(key) || defaults[key] != value) kept[key] = value;
    // A start kept without main_rerun would read as one measured whole (ParseProfile's rule for files written before
    // main_rerun): the scenario's own main_rerun, resolved already, goes with it.
    const bool keptAStart = kept.contains("process_start_spawn") || kept.contains("process_start_forkserver");
    if (keptAStart && own.contains("main_rerun")) kept["main_rerun"] = own["main_rerun"];
    MachineProfile applied = scenarioProfile;
    if (!ApplyProfileJson(text, applied, error)) return false;
    ParseError parseError;
    if (!ApplyProfileFields(kept, applied, parseError)) return error = parseError.Message(), false;  // our own values
    scenarioProfile = applied;
    return true;
}

}  // namespace interleave::scenario
