// A machine profile file (`interleave calibrate` writes one) applied onto a scenario's profile.
#include <nlohmann/json.hpp>

#include "scenario/scenario.h"

namespace interleave::scenario {

bool ApplyProfileJson(std::string_view text, MachineProfile& profile, std::string& error) {
    using nlohmann::json;
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return error = "the profile is not a JSON object", false;
    json fields = doc;
    if (doc.contains("machine") && doc["machine"].is_object() && doc["machine"].contains("profile")) fields = doc["machine"]["profile"];
    else if (doc.contains("profile")) fields = doc["profile"];
    if (!fields.is_object()) return error = "machine.profile must be an object", false;
    // Validated by the scenario parser itself: a minimal scenario holding the current profile, then these keys.
    Scenario base;
    base.name = "profile";
    base.groups.push_back({"t", 1, {Step{}}});
    base.groups[0].steps[0].duration = 1000;
    base.machine.profile = profile;
    json full = json::parse(ScenarioToJson(base));
    for (auto it = fields.begin(); it != fields.end(); ++it) full["machine"]["profile"][it.key()] = it.value();
    ParseError parseError;
    auto parsed = ParseScenario(full.dump(), parseError);
    if (!parsed) return error = parseError.Message(), false;
    profile = parsed->machine.profile;
    return true;
}

}  // namespace interleave::scenario
