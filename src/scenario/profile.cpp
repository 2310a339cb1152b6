// A machine profile file (`interleave calibrate` writes one) applied onto a scenario's profile.
#include <nlohmann/json.hpp>

#include "jsonio/bounded_json.h"
#include "scenario/scenario.h"

namespace interleave::scenario {

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
    // Validated by the scenario parser itself: a minimal scenario holding the current profile, then these keys.
    Scenario base;
    base.name = "profile";
    base.groups.push_back({"t", 1, {Step{}}});
    base.groups[0].steps[0].duration = 1000;
    base.machine.profile = profile;
    json full = json::parse(ScenarioToJson(base), nullptr, false);  // our own canonical text: always valid
    for (auto it = fields.begin(); it != fields.end(); ++it) full["machine"]["profile"][it.key()] = it.value();
    ParseError parseError;
    auto parsed = ParseScenario(full.dump(), parseError);
    if (!parsed) return error = parseError.Message(), false;
    profile = parsed->machine.profile;
    return true;
}

}  // namespace interleave::scenario
