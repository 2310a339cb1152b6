#pragma once
// The scenario panel's editor, apart from the playground: presets, the model, task groups and their steps, shared
// names, the machine, the story and the scenario's JSON. It edits the scenario it is handed and reports what happened
// in an EditorOutcome; the playground decides what follows (loading a preset, checking the edit and simulating again,
// committing the story, going to a story step). It owns only the editor's own state: which sections to open, the JSON
// text being typed, the panel's error, the story form's error.
//
// What the editor does to a scenario without drawing (a step's kind changed, names, the checks of an edit, the JSON
// applied) is in the free functions below, tested without ImGui (tests/unit/ui/scenario_editor_test.cpp); Draw() is
// the ImGui around them.
#include <optional>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "scenario/story.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

class TestProbe;

// What the editor reads of the view around it (the playground's) and never changes.
struct EditorView {
    std::string preset;              // the preset on screen ("" once edited): the combo's label
    int storyStep = -1;              // the story step shown (-1: none)
    TimeRange visible{0, 1};         // the timeline's range, ns: a story step's "from view"
    std::vector<std::string> lanes;  // the timeline's lane filter: a new story step's lanes
    scenario::Model storyBaseModel;  // the story's own model: a step's optional settings start from it
};

// What one frame of the editor did.
struct EditorOutcome {
    bool edited = false;                   // the scenario was edited in place: to be checked and simulated again
    std::string presetChosen;              // a preset picked in the combo ("" for none): to be loaded
    std::optional<scenario::Story> story;  // the story form's edit, accepted by the story's parser: to be committed
    int goToStoryStep = -1;                // a story step's Go to (-1 for none)
};

class ScenarioEditor {
public:
    // Draws the panel (inside the caller's ImGui window), editing `scenario` in place; the widgets a test may click
    // are named into `probe`.
    EditorOutcome Draw(scenario::Scenario& scenario, const EditorView& view, TestProbe& probe);

    // Opens (or closes) every section on the next frame.
    void SetSectionsOpen(bool open) { m_openSections = open ? 1 : 0; }
    // The scenario was replaced or its story changed: the JSON section shows it anew.
    void ForgetJsonText() { m_jsonBuffer.clear(); }
    // The scenario's problem, shown at the top of the panel (a preset that did not load, an edit the parser refused).
    void ShowError(std::string error) { m_error = std::move(error); }
    void ClearError() { m_error.clear(); }
    const std::string& Error() const { return m_error; }
    // Why the story form's last edit was not kept (the story parser's message), "" when it was.
    const std::string& StoryError() const { return m_storyError; }

private:
    void Remember(const char* id);
    bool EditModel(scenario::Scenario& scenario, scenario::Model& model);
    bool EditGroups(scenario::Scenario& scenario);
    bool EditSteps(scenario::Scenario& scenario, std::vector<scenario::Step>& steps, int depth);
    bool EditMachine(scenario::Machine& machine);
    bool EditNames(scenario::Scenario& scenario);
    bool EditJson(scenario::Scenario& scenario);
    // The story's steps as form fields, on a copy of the story: an edit the story's parser accepts goes out in
    // `outcome`, one it refuses stays in the fields with the reason under its step.
    void EditStory(const scenario::Scenario& scenario, const EditorView& view, EditorOutcome& outcome);

    TestProbe* m_probe = nullptr;  // Draw's, for the length of the call
    int m_openSections = -1;       // -1: leave the sections as the user left them
    int m_stepRows = 0;            // step rows drawn so far this frame: "step_remove_<n>" in the test state
    std::string m_jsonBuffer;      // the JSON section's text (its capacity's size once filled)
    std::string m_error;
    std::string m_storyError;
    int m_storyErrorStep = -1;  // ...the step it names, shown under it
};

// What each of the scenario's names stands for, from the steps that use it: a scenario::NameKind, -1 where no step
// uses it (a lock shared with a counter: lock).
std::vector<int> NameKinds(const scenario::Scenario& scenario);
// The name a step of `kind` starts with in the editor: the first of that kind's names, else an unused one, else a new
// one ("queue", "queue2", ...) added to the scenario, so that a step never borrows a name another kind of step uses
// (the parser refuses that).
int32_t NameFor(scenario::Scenario& scenario, scenario::StepKind kind);
// The step kind combo's choice: `step` (one of `scenario`'s) becomes `kind` with what that kind needs to parse: a
// duration or size if it had none, a name of its kind, a loop's body of one step, a children step's new child group.
void ChangeStepKind(scenario::Scenario& scenario, scenario::Step& step, scenario::StepKind kind);
// An edited scenario checked as a user's file is: children no step starts any more are dropped (a children step
// turned into another kind), then the scenario parser reads it. False with the parser's message.
bool CheckEditedScenario(scenario::Scenario& scenario, std::string& error);
// The story form's edit checked by the story's parser against `scenario`: true with the story as the parser reads it
// (an empty story is always kept), else the parser's message and the step it names (-1 when it names none).
bool CheckStoryEdit(const scenario::Story& story,
                    const scenario::Scenario& scenario,
                    scenario::Story& checked,
                    std::string& error,
                    int& errorStep);
// The JSON section's Apply: `text` through the scenario parser into `scenario`; false with "JSON: <why>" and the
// scenario unchanged.
bool ApplyScenarioJson(const char* text, scenario::Scenario& scenario, std::string& error);

}  // namespace interleave::ui
