#pragma once
// The persisted settings of the playground view, as a plain struct with a JSON form (a later issue
// encodes it in the share URL). No ImGui.
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

enum class Tab : int { Timeline = 0, Compare = 1, Scaling = 2 };
enum class Theme : int { Dark = 0, Light = 1 };

// Every release the scenario format knows ("3.11" ... "3.15t"), oldest first: Compare by release shows them all at first.
std::vector<std::string> AllReleaseIds();

struct ViewState {
    std::string preset;                 // id of the preset last loaded ("" once edited freely)
    std::string scenarioJson;           // the scenario being shown (canonical JSON)
    std::vector<std::string> models;    // model kinds shown in Compare ("threads", "processes", ...)
    // Compare by release: the scenario's own program on every release that can run it, instead of every model on the
    // scenario's release; `releases` are the ones shown ("3.14", "3.14t", ...).
    bool compareReleases = false;
    std::vector<std::string> releases = AllReleaseIds();
    TimeRange visible{0, 1e9};          // ns
    trace::TaskId selectedTask;         // highlighted in every lane; none by default
    int storyStep = -1;                 // the scenario's story step shown (0-based), -1: none (no story)
    Theme theme = Theme::Dark;
    Tab tab = Tab::Timeline;
    bool playing = false;
    double playbackTime = -1;           // ns; < 0: no cursor (the whole schedule shown)
    double playbackSpeed = 1.0;         // trace ns per real ns (1 = real time)
    // The timeline's own settings (the playground reads them from its timelines when it writes a link):
    bool arrows = true;                  // the causality arrows shown (the "causes" box, key A)
    std::vector<std::string> collapsed;  // the lane groups folded into one row, by lane name (key G, a click)
    // The pinned run (Pin this run) as what made it: its scenario (canonical JSON, with the model it ran) and the
    // preset it was ("" once edited). A link's reader simulates it again: a run is deterministic, so it is the same
    // run. "" when nothing is pinned, or the pinned run was not a run of a scenario.
    std::string pinnedScenarioJson;
    std::string pinnedPreset;

    bool operator==(const ViewState&) const = default;
};

// Bounds on what a link may hold in `collapsed` (a stranger's link is read with them).
inline constexpr size_t kMaxCollapsedGroups = 256;
inline constexpr size_t kMaxLaneNameBytes = 256;

std::string ViewStateToJson(const ViewState& state);
// Fills `out` from JSON; unknown keys are ignored, missing keys keep `out`'s values. Returns false
// with a reason in `error` on malformed JSON or wrongly typed fields (then `out` is unchanged).
bool ViewStateFromJson(std::string_view json, ViewState& out, std::string& error);

}  // namespace interleave::ui
