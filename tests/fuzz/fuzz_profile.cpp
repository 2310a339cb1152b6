// Fuzzes the machine-profile reader, scenario::ApplyProfileJson (scripts/fuzz.sh profile).
// Properties, each aborting when violated:
//   - a refused profile leaves the profile as it was, and says why;
//   - an accepted one is idempotent: applying the same text again onto the result changes nothing;
//   - the result round-trips: written as a scenario's machine.profile (ScenarioToJson) and read back with
//     ApplyProfileJson onto the defaults, it is the same profile.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scenario/scenario.h"

namespace {

using namespace interleave;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_profile: property violated: %s\n%s\n", what, detail.substr(0, 4000).c_str());
    std::abort();
}

// The profile as a whole scenario's machine.profile (what the round trip reads back).
std::string InScenario(const scenario::MachineProfile& profile) {
    scenario::Scenario s;
    s.name = "profile";
    scenario::TaskGroup group;
    group.name = "t";
    group.steps.push_back(scenario::Step{});
    group.steps[0].duration = 1000;
    s.groups.push_back(group);
    s.machine.profile = profile;
    return scenario::ScenarioToJson(s);
}

// Profiles are compared in their canonical form alone (writing the whole scenario for each comparison was half of
// this target's time).
std::string Canonical(const scenario::MachineProfile& profile) {
    return scenario::ProfileToJson(profile);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Not the defaults, so that "unchanged" and "kept" are visible: every field moved off its default.
    scenario::MachineProfile start;
    start.switchInterval = 7'000'000;
    start.forcedSwitching = false;
    start.timeSlice = 3'000'000;
    start.pickleBytesPerSecond = 2'000'000'000;
    start.counterIncrement = 120;
    static const std::string before = Canonical(start);

    scenario::MachineProfile profile = start;
    std::string error;
    if (!scenario::ApplyProfileJson(text, profile, error)) {
        if (error.empty()) Fail("ApplyProfileJson refused without a reason", text);
        if (Canonical(profile) != before) Fail("a refused profile changed the profile", error + "\n" + text);
        return 0;
    }
    const std::string after = Canonical(profile);

    scenario::MachineProfile twice = profile;
    std::string error2;
    if (!scenario::ApplyProfileJson(text, twice, error2))
        Fail("applying an accepted profile again fails", error2 + "\n" + text);
    if (Canonical(twice) != after)
        Fail("applying a profile twice is not applying it once", after + "\n---\n" + Canonical(twice));

    const std::string written = InScenario(profile);
    scenario::MachineProfile fromCanonical;
    std::string error3;
    if (!scenario::ApplyProfileJson(written, fromCanonical, error3))
        Fail("the canonical profile is refused", error3 + "\n" + written);
    if (Canonical(fromCanonical) != after)
        Fail("the profile does not round-trip", after + "\n---\n" + Canonical(fromCanonical));
    return 0;
}
