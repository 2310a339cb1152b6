// [SECTION] Index
//   Fields ......... duration, bytes and integer fields with units and ranges
//   Checks ......... what the editor does to a scenario without drawing (scenario_editor.h): tested without ImGui
//   Scenario panel . presets, model, task groups and their steps, locks/counters, machine, story, JSON
// Every edit is reported in the frame's EditorOutcome; the playground checks the scenario (CheckEditedScenario) and
// simulates it again at the end of the frame.
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <optional>

#include "scenario/model_info.h"
#include "scenario/presets.h"
#include "ui/scenario_editor.h"
#include "ui/story_view.h"
#include "ui/test_probe.h"
#include "ui/units.h"
#include "ui/widgets.h"

namespace interleave::ui {

using scenario::ModelKind;
using scenario::StepKind;
using scenario::TimeNs;

namespace {

// [SECTION] Fields

// A text field for a duration ("5ms", "1.5s"); commits while typing whenever the text parses and
// lies in [minNs, maxNs]; shows the range when it does not.
bool DurationField(const char* label, TimeNs& ns, TimeNs minNs, TimeNs maxNs, const char* help = nullptr) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s", DurationToInput(ns).c_str());
    bool changed = false;
    if (ImGui::InputText(label, buffer, sizeof buffer, ImGuiInputTextFlags_AutoSelectAll)) {
        int64_t value = 0;
        if (ParseDurationInput(buffer, value) && value >= minNs && value <= maxNs && value != ns) {
            ns = value;
            changed = true;
        }
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s%sa duration from %s to %s, like 5ms, 1.5s, 40us", help ? help : "", help ? "\n" : "",
                          DurationToInput(minNs).c_str(), DurationToInput(maxNs).c_str());
    }
    return changed;
}

bool BytesField(const char* label, int64_t& bytes, int64_t minBytes, int64_t maxBytes, const char* help = nullptr) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s", BytesToInput(bytes).c_str());
    bool changed = false;
    if (ImGui::InputText(label, buffer, sizeof buffer, ImGuiInputTextFlags_AutoSelectAll)) {
        int64_t value = 0;
        if (ParseBytesInput(buffer, value) && value >= minBytes && value <= maxBytes && value != bytes) {
            bytes = value;
            changed = true;
        }
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s%sa size from %s to %s, like 100B, 64KB, 10MB, 1GiB", help ? help : "", help ? "\n" : "",
                          BytesToInput(minBytes).c_str(), BytesToInput(maxBytes).c_str());
    }
    return changed;
}

// `stepButtons`: the - and + buttons beside the field (they need about six characters of width).
bool IntField(const char* label, int32_t& value, int32_t minValue, int32_t maxValue, const char* help = nullptr,
              bool stepButtons = true) {
    int v = value;
    bool changed = false;
    if (ImGui::InputInt(label, &v, stepButtons ? 1 : 0, stepButtons ? 10 : 0)) {
        v = std::clamp(v, minValue, maxValue);
        changed = v != value;
        value = v;
    }
    if (help && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", help);
    return changed;
}

scenario::Step MakeStep(StepKind kind, TimeNs duration) {
    scenario::Step step;
    step.kind = kind;
    step.duration = duration;
    return step;
}

const StepKind kStepKinds[] = {StepKind::Cpu,   StepKind::CCall,   StepKind::Io,     StepKind::Await,
                               StepKind::BlockingCall, StepKind::Acquire, StepKind::Release, StepKind::Send,
                               StepKind::Return, StepKind::ToThread, StepKind::Increment, StepKind::Fail,
                               StepKind::Put,   StepKind::Get,     StepKind::Set,    StepKind::Wait,
                               StepKind::Children, StepKind::Repeat};

const char* StepHelp(StepKind kind) {
    switch (kind) {
        case StepKind::Cpu: return "pure Python: holds the GIL";
        case StepKind::CCall: return "C code that releases the GIL (hashlib, zlib, numpy)";
        case StepKind::Io: return "blocking I/O (requests.get, time.sleep): releases the GIL";
        case StepKind::Await: return "awaited I/O (await session.get, asyncio.sleep)";
        case StepKind::BlockingCall: return "a synchronous blocking call inside a coroutine: stalls the loop";
        case StepKind::Acquire: return "acquire a named lock";
        case StepKind::Release: return "release a named lock";
        case StepKind::Send: return "bytes pickled to the worker with the arguments";
        case StepKind::Return: return "bytes pickled back with the result";
        case StepKind::ToThread: return "asyncio.to_thread(step): runs on the default executor";
        case StepKind::Increment: return "counter += 1 on a named shared counter";
        case StepKind::Fail: return "raise: the task fails here";
        case StepKind::Put: return "put an item on a named queue: waits while it is full";
        case StepKind::Get: return "take an item from a named queue: waits while it is empty";
        case StepKind::Set: return "set a named event: wakes every task waiting for it";
        case StepKind::Wait: return "wait until a named event is set";
        case StepKind::Children:
            return "start this many child tasks running the indented steps, and wait for them all (asyncio.gather, a "
                   "TaskGroup, or threads started and joined)";
        case StepKind::Repeat: return "a loop: the indented steps, this many times";
    }
    return "";
}

// Short names that fit the narrow step combo ("blocking" for blocking_call).
std::string StepLabel(StepKind kind) {
    if (kind == StepKind::BlockingCall) return "blocking";
    return std::string(scenario::StepKindName(kind));
}

bool HasDuration(StepKind kind) {
    return kind == StepKind::Cpu || kind == StepKind::CCall || kind == StepKind::Io || kind == StepKind::Await ||
           kind == StepKind::BlockingCall || kind == StepKind::ToThread;
}
bool HasBytes(StepKind kind) { return kind == StepKind::Send || kind == StepKind::Return; }
bool HasName(StepKind kind) {
    scenario::NameKind unused;
    return scenario::NameKindOf(kind, unused);
}

const char* ModelLabel(ModelKind kind) { return scenario::Info(kind).label.data(); }  // literals: NUL-terminated

}  // namespace

// [SECTION] Checks

std::vector<int> NameKinds(const scenario::Scenario& scenario) {
    const std::vector<uint8_t> uses = scenario::NameUses(scenario);
    std::vector<int> out(uses.size(), -1);
    for (size_t n = 0; n < uses.size(); ++n)
        for (int k = 3; k >= 0; --k)
            if (scenario::UsedAs(uses[n], scenario::NameKind(k))) out[n] = k;
    return out;
}

int32_t NameFor(scenario::Scenario& scenario, StepKind kind) {
    scenario::NameKind wanted = scenario::NameKind::Lock;
    scenario::NameKindOf(kind, wanted);
    const std::vector<int> kinds = NameKinds(scenario);
    for (size_t n = 0; n < kinds.size(); ++n)
        if (kinds[n] == int(wanted)) return int32_t(n);
    for (size_t n = 0; n < kinds.size(); ++n)
        if (kinds[n] < 0) return int32_t(n);  // listed but unused: take it
    const std::string base(scenario::NameKindName(wanted));
    std::string name = base;
    for (int k = 2; std::find(scenario.names.begin(), scenario.names.end(), name) != scenario.names.end(); ++k)
        name = base + std::to_string(k);
    scenario.names.push_back(name);
    return int32_t(scenario.names.size() - 1);
}

void ChangeStepKind(scenario::Scenario& scenario, scenario::Step& step, StepKind kind) {
    step.kind = kind;
    if (kind != StepKind::Io) step.replyAfter = 0;  // only an io step waits for a reply (its duration is kept)
    if (HasDuration(kind) && step.duration <= 0) step.duration = 10'000'000;
    if (HasBytes(kind) && step.bytes <= 0) step.bytes = 1'000'000;
    if (HasName(kind)) step.name = NameFor(scenario, kind);
    if (kind == StepKind::Repeat && step.body.empty()) {
        step.repeat = std::max(step.repeat, 2);
        step.body.push_back(MakeStep(StepKind::Cpu, 1'000'000));
    }
    if (kind == StepKind::Children) {
        // scenario.children is a deque: the steps being edited (`step` among them) stay where they are.
        scenario::ChildGroup child;
        child.name = "child";
        child.count = 3;
        child.steps.push_back(MakeStep(StepKind::Await, 10'000'000));
        step.children = int32_t(scenario.children.size());
        scenario.children.push_back(std::move(child));
    }
}

bool CheckEditedScenario(scenario::Scenario& scenario, std::string& error) {
    scenario::PruneChildren(scenario);  // a children step turned into another kind leaves its children behind
    // Validate through the parser, the same way a user's file is checked.
    scenario::ParseError parseError;
    if (scenario::ParseScenario(scenario::ScenarioToJson(scenario), parseError)) return true;
    error = parseError.Message();
    return false;
}

bool CheckStoryEdit(const scenario::Story& story, const scenario::Scenario& scenario, scenario::Story& checked,
                    std::string& error, int& errorStep) {
    if (story.Empty()) {
        checked = story;
        return true;
    }
    scenario::ParseError parseError;
    if (scenario::ParseStory(scenario::StoryToJson(story), scenario, checked, parseError)) return true;
    error = parseError.Message();
    // "story[2].caption: ..." names the step: the reason shows under it.
    errorStep = parseError.path.rfind("story[", 0) == 0 ? std::atoi(parseError.path.c_str() + 6) : -1;
    return false;
}

bool ApplyScenarioJson(const char* text, scenario::Scenario& scenario, std::string& error) {
    scenario::ParseError parseError;
    auto parsed = scenario::ParseScenario(text, parseError);
    if (!parsed) {
        error = "JSON: " + parseError.Message();
        return false;
    }
    scenario = std::move(*parsed);
    return true;
}

// [SECTION] Scenario panel

void ScenarioEditor::Remember(const char* id) { RememberItem(*m_probe, id); }

EditorOutcome ScenarioEditor::Draw(scenario::Scenario& scenario, const EditorView& view, TestProbe& probe) {
    m_probe = &probe;
    EditorOutcome outcome;
    // Presets.
    ImGui::TextUnformatted("Preset");
    ImGui::SetNextItemWidth(-1);
    const std::string current = !view.preset.empty() ? view.preset
                                : scenario.name.empty() ? std::string("(edited)") : scenario.name + " (edited)";
    if (ImGui::BeginCombo("##preset", current.c_str())) {
        for (const auto& preset : scenario::Presets()) {
            const std::string id(preset.id);
            const bool picked = ImGui::Selectable(id.c_str(), id == view.preset);
            Remember(("preset_item_" + id).c_str());  // for the browser tests: where to click
            if (picked) outcome.presetChosen = id;
        }
        ImGui::EndCombo();
    }
    Remember("preset_combo");
    if (!scenario.description.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        TextWrappedAtSpaces(scenario.description);
        ImGui::PopStyleColor();
    }
    if (!m_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(230, 80, 80, 255));
        TextWrappedAtSpaces(m_error);
        ImGui::PopStyleColor();
    }
    ImGui::Separator();
    bool changed = false;
    // Fields leave room for their labels on the right: the widest of them, which depends on the font (in Inter
    // "wake-up latency" is wider than "forkserver start"; the editor-fits test catches a new wider one).
    float labelRoom = 0;
    for (const char* label : {"forkserver start", "wake-up latency", "forkserver boot", "pickle obj /s"})
        labelRoom = std::max(labelRoom, ImGui::CalcTextSize(label).x);
    ImGui::PushItemWidth(-(labelRoom + ImGui::GetStyle().ItemInnerSpacing.x));
    auto header = [&](const char* label, ImGuiTreeNodeFlags flags) {
        if (m_openSections >= 0) ImGui::SetNextItemOpen(m_openSections == 1, ImGuiCond_Always);
        return ImGui::CollapsingHeader(label, flags);
    };
    if (header("Model", ImGuiTreeNodeFlags_DefaultOpen)) changed |= EditModel(scenario, scenario.model);
    if (header("Tasks", ImGuiTreeNodeFlags_DefaultOpen)) changed |= EditGroups(scenario);
    if (header("Shared names", 0)) changed |= EditNames(scenario);
    if (header("Machine", 0)) changed |= EditMachine(scenario.machine);
    // The story's edits are its own (outcome.story): a caption does not simulate again.
    if (header("Story", 0)) EditStory(scenario, view, outcome);
    Remember("story_section");
    if (header("Scenario JSON", 0)) changed |= EditJson(scenario);
    m_openSections = -1;
    ImGui::PopItemWidth();
    outcome.edited = changed;
    m_probe = nullptr;
    return outcome;
}

bool ScenarioEditor::EditModel(scenario::Scenario& scenario, scenario::Model& model) {
    bool changed = false;
    // The release first: it decides which models exist and their defaults (a start method that was the old release's
    // default moves to the new one's, as OnRelease says).
    {
        const auto releases = scenario::Pythons();
        const std::string current = scenario::PythonVersionName(scenario.python);
        if (ImGui::BeginCombo("Python", current.c_str())) {
            for (const scenario::PythonInfo& release : releases) {
                if (ImGui::Selectable(std::string(release.id).c_str(), release.version == scenario.python) &&
                    release.version != scenario.python) {
                    scenario = scenario::OnRelease(scenario, release.version);
                    // A release without eager_task_factory: the checkbox greys out, unticked.
                    if (!scenario::RunPythonInfo(scenario).eagerTaskFactory) scenario.model.eagerTasks = false;
                    changed = true;
                }
            }
            ImGui::EndCombo();
        }
        Remember("python_release");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("the CPython release the program runs on (t: the free-threaded build, no GIL)");
        // A free-threaded build can switch its GIL back on at start-up (PYTHON_GIL=1).
        if (scenario::RunPython(scenario).freeThreaded) {
            changed |= ImGui::Checkbox("GIL on (PYTHON_GIL=1)", &scenario.pythonGil);
            Remember("python_gil");
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("PYTHON_GIL=1: the free-threaded build with its GIL switched back on, as importing an "
                                  "extension not marked free-threading-safe also does; the build's slowdown stays");
        } else if (scenario.pythonGil) {  // a build with the GIL: PYTHON_GIL=1 means nothing there
            scenario.pythonGil = false;
            changed = true;
        }
    }
    const auto models = scenario::Models();
    // Two columns where the labels fit, else one (the panel is narrow at 800x600).
    const float half = ImGui::GetContentRegionAvail().x * 0.5f;
    float widest = 0;
    for (const scenario::ModelInfo& info : models) widest = std::max(widest, ImGui::CalcTextSize(ModelLabel(info.kind)).x);
    const bool twoColumns = widest + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x * 2 < half;
    for (size_t i = 0; i < models.size(); ++i) {
        const ModelKind kind = models[i].kind;
        if (twoColumns && i % 2 == 1) ImGui::SameLine(half);
        // A model the release lacks stays visible, greyed, saying which release has it.
        const std::string missing = scenario::MissingFromRelease(scenario.python, kind);
        ImGui::BeginDisabled(!missing.empty());
        if (ImGui::RadioButton(ModelLabel(kind), model.kind == kind) && model.kind != kind) {
            model.kind = kind;
            changed = true;
        }
        ImGui::EndDisabled();
        if (!missing.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", missing.c_str());
        const std::string id = "model_" + std::string(models[i].id);
        Remember(id.c_str());
    }
    const scenario::ModelInfo& info = scenario::Info(model.kind);
    const bool pooled = info.threads || info.processPool || info.interpreterPool;
    if (pooled) {
        changed |= IntField("workers", model.workers, 0, scenario::Limits::kMaxWorkers,
                            "0 = default: threads -> one per task; processes -> one per core; interpreters -> "
                            "min(32, cores + 4)");
    }
    if (info.processPool) {
        const char* methods[] = {"fork", "spawn", "forkserver"};
        int method = int(model.startMethod);
        if (ImGui::Combo("start method", &method, methods, 3)) {
            model.startMethod = scenario::StartMethod(method);
            changed = true;
        }
        changed |= IntField("chunksize", model.chunksize, 0, 1'000'000, "0 = Pool.map's default: ceil(tasks / (4 * workers))");
        // Who pays it follows the release (plan::MainModuleRun); the tooltip names the payer for the chosen one.
        changed |= DurationField("main imports", scenario.mainImports, 0, 10'000'000'000,
                                 scenario::RunPythonInfo(scenario).forkserverPreloadsMain
                                     ? "what the program's own imports cost: paid again by each spawned worker, and "
                                       "once by the fork server (it preloads the main module); fork inherits them"
                                     : "what the program's own imports cost: paid again by each spawned or forkserver "
                                       "worker (this release's fork server does not preload the main module); fork "
                                       "inherits them");
    }
    if (info.eventLoop) {
        changed |= IntField("semaphore", model.semaphore, 0, 1'000'000, "asyncio.Semaphore(n) around each task; 0 = none");
        changed |= ImGui::Checkbox("TaskGroup", &model.taskGroup);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("run under asyncio.TaskGroup: the first failure cancels the rest");
        const bool hasEager = scenario::RunPythonInfo(scenario).eagerTaskFactory;
        ImGui::BeginDisabled(!hasEager);
        changed |= ImGui::Checkbox("eager tasks", &model.eagerTasks);
        ImGui::EndDisabled();
        Remember("eager_tasks");
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", hasEager ? "asyncio.eager_task_factory: a new task's first step runs at once, inside "
                                               "create_task(), without a trip round the loop"
                                             : "asyncio.eager_task_factory needs Python 3.12 or newer");
    }
    if (scenario::RunsFreeThreaded(scenario)) {
        // Shows the release's measured slowdown until the user sets one.
        float slowdown = float(scenario::PythonCpuScale(scenario));
        if (ImGui::SliderFloat("slowdown", &slowdown, 1.0f, 2.0f, "%.2fx")) {
            model.freeThreadedSlowdown = slowdown;
            changed = true;
        }
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("single-thread CPU slowdown of the free-threaded build (%s's own: %.2fx)",
                              scenario::PythonVersionName(scenario::RunPython(scenario)).c_str(),
                              scenario::RunPythonInfo(scenario).freeThreadedSlowdown);
    }
    return changed;
}

bool ScenarioEditor::EditSteps(scenario::Scenario& scenario, std::vector<scenario::Step>& steps, int depth) {
    bool changed = false;
    const float small = ImGui::GetFrameHeight();
    for (size_t i = 0; i < steps.size(); ++i) {
        auto& step = steps[i];
        ImGui::PushID(int(i));
        // One row: kind, value, up, down, remove. In a narrow panel (an 800-pixel window, a nested loop) the kind
        // combo gives up width first, so the row's buttons stay inside the panel.
        const float font = ImGui::GetFontSize();
        const float buttonsW = 3 * (small + 2);
        const float comboWanted = ImGui::CalcTextSize("increment").x + small + ImGui::GetStyle().FramePadding.x * 2;
        const float comboRoom = ImGui::GetContentRegionAvail().x - 2 - font * 3 - buttonsW;
        ImGui::SetNextItemWidth(std::max(small + font * 2, std::min(comboWanted, comboRoom)));
        if (ImGui::BeginCombo("##kind", StepLabel(step.kind).c_str())) {
            for (StepKind kind : kStepKinds) {
                // Loops and children nest three deep at most here.
                if ((kind == StepKind::Repeat || kind == StepKind::Children) && depth >= 3) continue;
                if (ImGui::Selectable(StepLabel(kind).c_str(), kind == step.kind) && kind != step.kind) {
                    ChangeStepKind(scenario, step, kind);
                    changed = true;
                }
                if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", StepHelp(kind));
            }
            ImGui::EndCombo();
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", StepHelp(step.kind));
        ImGui::SameLine(0, 2);
        const float fieldW = std::max(font * 2.5f, ImGui::GetContentRegionAvail().x - buttonsW);
        ImGui::SetNextItemWidth(fieldW);
        if (HasBytes(step.kind)) {
            // What is pickled: bytes at memory speed, an object graph (a list of small dicts) far slower.
            ImGui::SetNextItemWidth(fieldW * 0.45f);
            if (ImGui::BeginCombo("##payload", std::string(scenario::PayloadKindName(step.payload)).c_str())) {
                for (scenario::PayloadKind k : {scenario::PayloadKind::Bytes, scenario::PayloadKind::Objects})
                    if (ImGui::Selectable(std::string(scenario::PayloadKindName(k)).c_str(), k == step.payload)) {
                        step.payload = k;
                        changed = true;
                    }
                ImGui::EndCombo();
            }
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("bytes: bytes, arrays, buffers (pickled at memory speed)\nobjects: lists, dicts, small objects "
                                  "(pickled object by object, several times slower)");
            ImGui::SameLine(0, 2);
            ImGui::SetNextItemWidth(fieldW * 0.55f - 2);
        }
        if (step.kind == StepKind::ToThread) {
            const StepKind inner[] = {StepKind::Cpu, StepKind::CCall, StepKind::Io};
            ImGui::SetNextItemWidth(fieldW * 0.45f);
            if (ImGui::BeginCombo("##inner", std::string(scenario::StepKindName(step.inner)).c_str())) {
                for (StepKind k : inner)
                    if (ImGui::Selectable(std::string(scenario::StepKindName(k)).c_str(), k == step.inner)) {
                        step.inner = k;
                        changed = true;
                    }
                ImGui::EndCombo();
            }
            ImGui::SameLine(0, 2);
            ImGui::SetNextItemWidth(fieldW * 0.55f - 2);
        }
        if (step.kind == StepKind::Io && step.replyAfter > 0) {
            // A recv that waits for its reply: its own time, and when the reply lands (after the previous io began).
            // The second field is named on the row itself: a phone has no hover to show the tooltip.
            const char* replyLabel = "reply";
            const float gap = ImGui::GetStyle().ItemInnerSpacing.x;
            const float each = std::max(1.0f, (fieldW - ImGui::CalcTextSize(replyLabel).x - 2 * gap) * 0.5f);
            ImGui::SetNextItemWidth(each);
            changed |= DurationField("##duration", step.duration, 0, scenario::Limits::kMaxStepDuration,
                                     "the call's own time once its reply is there");
            ImGui::SameLine(0, gap);
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted(replyLabel);
            ImGui::SameLine(0, gap);
            ImGui::SetNextItemWidth(each);
            changed |= DurationField("##reply_after", step.replyAfter, 1, scenario::Limits::kMaxStepDuration,
                                     "reply_after: the reply lands this long after the task's previous io step began");
        } else if (HasDuration(step.kind)) {
            changed |= DurationField("##duration", step.duration, 0, scenario::Limits::kMaxStepDuration);
        } else if (HasBytes(step.kind)) {
            changed |= BytesField("##bytes", step.bytes, 0, scenario::Limits::kMaxBytes);
        } else if (HasName(step.kind)) {
            const char* label = step.name >= 0 && size_t(step.name) < scenario.names.size()
                                    ? scenario.names[size_t(step.name)].c_str()
                                    : "?";
            if (ImGui::BeginCombo("##name", label)) {
                // Only the names of this step's kind (or unused ones): a queue step never picks a lock.
                scenario::NameKind own = scenario::NameKind::Lock;
                scenario::NameKindOf(step.kind, own);
                const std::vector<int> kinds = NameKinds(scenario);
                for (size_t n = 0; n < scenario.names.size(); ++n)
                    if ((kinds[n] < 0 || kinds[n] == int(own) || int32_t(n) == step.name) &&
                        ImGui::Selectable(scenario.names[n].c_str(), int32_t(n) == step.name)) {
                        step.name = int32_t(n);
                        changed = true;
                    }
                ImGui::EndCombo();
            }
        } else if (step.kind == StepKind::Repeat) {
            changed |= IntField("##repeat", step.repeat, 1, scenario::Limits::kMaxRepeat, "how many times the indented steps run",
                                /*stepButtons=*/fieldW >= font * 6);
        } else if (step.kind == StepKind::Children && size_t(step.children) < scenario.children.size()) {
            scenario::ChildGroup& child = scenario.children[size_t(step.children)];
            // An executor's row has a third field, its max_workers (0: CPython's default size).
            const bool executor = child.via == scenario::ChildVia::Executor;
            // The via's name ("executor") needs the widest part; two numbers fit in the rest.
            const float viaW = executor ? fieldW * 0.54f : fieldW * 0.5f;
            const float part = executor ? (fieldW - viaW) * 0.5f : fieldW * 0.5f;
            ImGui::SetNextItemWidth(viaW);
            if (ImGui::BeginCombo("##via", std::string(scenario::ChildViaName(child.via)).c_str())) {
                for (scenario::ChildVia via : {scenario::ChildVia::Gather, scenario::ChildVia::TaskGroup,
                                               scenario::ChildVia::Threads, scenario::ChildVia::Executor})
                    if (ImGui::Selectable(std::string(scenario::ChildViaName(via)).c_str(), via == child.via)) {
                        child.via = via;
                        changed = true;
                    }
                ImGui::EndCombo();
            }
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("gather: await asyncio.gather(...) (asyncio.run of it outside a coroutine)\ntask_group: "
                                  "a TaskGroup: the first failure cancels the rest\nthreads: a thread each, started "
                                  "and joined\nexecutor: submitted to a ThreadPoolExecutor, waited for with "
                                  "as_completed");
            ImGui::SameLine(0, 2);
            ImGui::SetNextItemWidth(part - 2);
            changed |= IntField("##children", child.count, 1, int32_t(scenario::Limits::kMaxTasks), "how many children",
                                /*stepButtons=*/false);
            if (executor) {
                ImGui::SameLine(0, 2);
                ImGui::SetNextItemWidth(part - 2);
                changed |= IntField("##max_workers", child.maxWorkers, 0, scenario::Limits::kMaxWorkers,
                                    "the executor's max_workers (0: CPython's default, cores + 4, at most 32)",
                                    /*stepButtons=*/false);
            }
        } else {
            ImGui::Dummy(ImVec2(fieldW, small));
        }
        ImGui::SameLine(0, 2);
        ImGui::BeginDisabled(i == 0);
        if (ImGui::ArrowButton("##up", ImGuiDir_Up)) {
            std::swap(steps[i], steps[i - 1]);
            changed = true;
        }
        ImGui::EndDisabled();
        ImGui::SameLine(0, 2);
        ImGui::BeginDisabled(i + 1 == steps.size());
        if (ImGui::ArrowButton("##down", ImGuiDir_Down)) {
            std::swap(steps[i], steps[i + 1]);
            changed = true;
        }
        ImGui::EndDisabled();
        ImGui::SameLine(0, 2);
        const bool remove = ImGui::Button("x", ImVec2(small, small));
        Remember(("step_remove_" + std::to_string(m_stepRows++)).c_str());
        if (remove) {
            steps.erase(steps.begin() + long(i));
            ImGui::PopID();
            return true;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("remove this step");
        if (step.kind == StepKind::Repeat) {
            ImGui::Indent(ImGui::GetFontSize());
            changed |= EditSteps(scenario, step.body, depth + 1);
            if (ImGui::SmallButton("+ step in loop")) {
                step.body.push_back(MakeStep(StepKind::Cpu, 1'000'000));
                changed = true;
            }
            ImGui::Unindent(ImGui::GetFontSize());
        }
        if (step.kind == StepKind::Children && size_t(step.children) < scenario.children.size()) {
            ImGui::Indent(ImGui::GetFontSize());
            const size_t index = size_t(step.children);  // `step` may move when the steps below add children
            char name[64];
            std::snprintf(name, sizeof name, "%s", scenario.children[index].name.c_str());
            if (ImGui::InputText("children's name", name, sizeof name) && name[0] != '\0') {
                scenario.children[index].name = name;
                changed = true;
            }
            changed |= EditSteps(scenario, scenario.children[index].steps, depth + 1);
            if (ImGui::SmallButton("+ step in children")) {
                scenario.children[index].steps.push_back(MakeStep(StepKind::Cpu, 1'000'000));
                changed = true;
            }
            ImGui::Unindent(ImGui::GetFontSize());
        }
        ImGui::PopID();
    }
    return changed;
}

bool ScenarioEditor::EditGroups(scenario::Scenario& scenario) {
    bool changed = false;
    m_probe->ForgetPrefix("step_remove_");
    m_stepRows = 0;
    auto& groups = scenario.groups;
    for (size_t g = 0; g < groups.size(); ++g) {
        auto& group = groups[g];
        ImGui::PushID(int(g));
        const bool open = ImGui::TreeNodeEx("##group", ImGuiTreeNodeFlags_DefaultOpen, "%s x%d", group.name.c_str(), group.count);
        if (open) {
            char name[64];
            std::snprintf(name, sizeof name, "%s", group.name.c_str());
            if (ImGui::InputText("name", name, sizeof name)) {
                group.name = name;
                changed = true;
            }
            changed |= IntField("count", group.count, 1, int32_t(scenario::Limits::kMaxTasks), "how many identical tasks");
            changed |= EditSteps(scenario, group.steps, 0);
            if (ImGui::SmallButton("+ step")) {
                group.steps.push_back(MakeStep(StepKind::Cpu, 10'000'000));
                changed = true;
            }
            if (g == 0) Remember("add_step");
            bool removedGroup = false;
            if (groups.size() > 1) ImGui::SameLine();
            if (groups.size() > 1 && ImGui::SmallButton("remove group")) {
                groups.erase(groups.begin() + long(g));
                changed = removedGroup = true;
            }
            ImGui::TreePop();
            if (removedGroup) {
                ImGui::PopID();
                break;
            }
        }
        ImGui::PopID();
    }
    if (ImGui::SmallButton("+ task group")) {
        scenario::TaskGroup group;
        group.name = "group" + std::to_string(groups.size() + 1);
        group.count = 4;
        group.steps.push_back(MakeStep(StepKind::Cpu, 50'000'000));
        groups.push_back(std::move(group));
        changed = true;
    }
    Remember("add_group");
    return changed;
}

bool ScenarioEditor::EditNames(scenario::Scenario& scenario) {
    bool changed = false;
    const std::vector<int> kinds = NameKinds(scenario);
    for (size_t n = 0; n < scenario.names.size(); ++n) {
        ImGui::PushID(int(n));
        char name[64];
        std::snprintf(name, sizeof name, "%s", scenario.names[n].c_str());
        const bool queue = kinds[n] == int(scenario::NameKind::Queue);
        if (queue) ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.4f);  // beside "pipe" and maxsize
        if (ImGui::InputText("##name", name, sizeof name) && name[0] != '\0' &&
            std::find(scenario.names.begin(), scenario.names.end(), std::string(name)) == scenario.names.end()) {
            scenario.names[n] = name;
            changed = true;
        }
        if (queue) {
            // queue.Queue(maxsize=N): 0 is unbounded. Or a pipe, which has no maxsize.
            auto spec = std::find_if(scenario.queues.begin(), scenario.queues.end(),
                                     [&](const scenario::QueueSpec& q) { return q.name == int32_t(n); });
            bool pipe = spec != scenario.queues.end() && spec->pipe;
            ImGui::SameLine(0, 2);
            if (ImGui::Checkbox("pipe", &pipe)) {
                if (spec != scenario.queues.end()) scenario.queues.erase(spec);
                if (pipe) scenario.queues.push_back(scenario::QueueSpec{int32_t(n), 0, true});
                changed = true;
                ImGui::PopID();
                continue;
            }
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("between processes (model processes), a one-way multiprocessing.Pipe read by one task: "
                                  "send() pickles and writes in the caller, no feeder thread; elsewhere an unbounded queue");
            if (pipe) {
                ImGui::PopID();
                continue;
            }
            int32_t maxsize = spec == scenario.queues.end() ? 0 : spec->maxsize;
            ImGui::SameLine(0, 2);
            if (IntField("maxsize", maxsize, 0, scenario::Limits::kMaxQueueSize, "queue.Queue(maxsize=N): 0 is unbounded",
                         false)) {
                if (spec != scenario.queues.end() && maxsize == 0) scenario.queues.erase(spec);
                else if (spec != scenario.queues.end()) spec->maxsize = maxsize;
                else if (maxsize > 0) scenario.queues.push_back(scenario::QueueSpec{int32_t(n), maxsize});
                changed = true;
            }
        }
        ImGui::PopID();
    }
    if (ImGui::SmallButton("+ name")) {
        std::string name = "lock" + std::to_string(scenario.names.size() + 1);
        while (std::find(scenario.names.begin(), scenario.names.end(), name) != scenario.names.end()) name += "_";
        scenario.names.push_back(name);
        changed = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("a name for a lock, counter, queue or event: a step's kind says which");
    return changed;
}

bool ScenarioEditor::EditMachine(scenario::Machine& machine) {
    bool changed = false;
    auto& p = machine.profile;
    changed |= IntField("cores", machine.cores, 1, scenario::Limits::kMaxCores, "CPU cores of the simulated machine");
    changed |= IntField("busy processes", machine.backgroundLoad, 0, scenario::Limits::kMaxBackgroundLoad,
                        "other programs' busy processes sharing the cores (a loaded machine)");
    // The seed as an int field: the editor offers the first 2^31 seeds; a file or link may name any up to 2^53 - 1.
    int32_t seed = static_cast<int32_t>(std::min<uint64_t>(machine.seed, INT32_MAX));
    if (IntField("seed", seed, 0, INT32_MAX, "0: the deterministic run; otherwise one of the runs CPython could give "
                                             "(the OS's wake-up latencies drawn from this seed)")) {
        machine.seed = static_cast<uint64_t>(seed);
        changed = true;
    }
    constexpr TimeNs kSecond = 1'000'000'000, kMinute = 60 * kSecond;
    changed |= DurationField("switch interval", p.switchInterval, 1'000, kSecond, "sys.getswitchinterval(): a waiter asks the holder to drop the GIL after this");
    changed |= ImGui::Checkbox("forced switching", &p.forcedSwitching);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("FORCE_SWITCHING: the dropper waits until another thread took the GIL");
    changed |= DurationField("eval breaker", p.evalBreakerLatency, 0, 100'000'000, "from the drop request to the holder noticing it");
    const char* schedulers[] = {"CFS (to 6.5)", "EEVDF (6.6+)"};  // Linux versions
    int scheduler = p.scheduler == scenario::OsScheduler::Cfs ? 0 : 1;
    if (ImGui::Combo("OS scheduler", &scheduler, schedulers, 2)) {
        p.scheduler = scheduler == 0 ? scenario::OsScheduler::Cfs : scenario::OsScheduler::Eevdf;
        changed = true;
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("what a woken thread is owed: CFS credits any sleep; EEVDF only the lag it had when it "
                          "slept");
    changed |= DurationField("OS time slice", p.timeSlice, 10'000, kSecond,
                             "scheduler quantum when threads outnumber cores (EEVDF: the tick)");
    changed |= DurationField("wake-up latency", p.wakeupLatency, 0, kSecond, "from a condition signal to the woken thread running");
    changed |= DurationField("waker cost", p.wakerCost, 0, 100'000'000,
                             "what waking a thread on a long-idle core costs the thread that wakes it");
    changed |= DurationField("waker, warm", p.wakerCostShallow, 0, 100'000'000,
                             "the same, onto a core that went idle moments ago");
    float requesterWins = float(p.requesterWins);
    if (ImGui::SliderFloat("asker wins", &requesterWins, 0.0f, 1.0f, "%.2f")) {
        p.requesterWins = requesterWins;
        changed = true;
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("share of GIL switches made on request that go to the thread that asked");
    changed |= DurationField("context switch", p.contextSwitch, 0, 100'000'000, "a core switching threads");
    changed |= DurationField("thread start", p.threadStart, 0, kSecond, "threading.Thread.start()");
    changed |= DurationField("fork start", p.processStartFork, 0, kMinute, "the parent's Process.start() with fork");
    changed |= DurationField("fork child start", p.forkChildStart, 0, kMinute,
                             "a fork worker's own start, after the fork, until it runs a task");
    changed |= DurationField("spawn start", p.processStartSpawn, 0, kMinute,
                             "a fresh interpreter and multiprocessing's imports, before it runs the main module again");
    changed |= DurationField("forkserver start", p.processStartForkserver, 0, kMinute, "a fork from the forkserver");
    changed |= DurationField("forkserver call", p.forkserverRequest, 0, kMinute,
                             "the parent's Process.start(): asking the server for a fork (its CPU; then it waits)");
    changed |= DurationField("forkserver boot", p.forkserverStart, 0, kMinute, "the forkserver itself, started once");
    changed |= DurationField("main re-run", p.mainRerun, 0, kMinute,
                             "runpy running the main module again in a child, before the program's own imports");
    changed |= DurationField("interpreter start", p.interpreterStart, 0, kMinute,
                             "InterpreterPoolExecutor: creating a worker's interpreter (3.14)");
    changed |= DurationField("interpreter call", p.interpreterCallOverhead, 0, kMinute,
                             "InterpreterPoolExecutor: each call into a worker's interpreter");
    changed |= BytesField("pickle /s", p.pickleBytesPerSecond, 1'000, int64_t(1) << 40, "pickling throughput, bytes per second");
    changed |= BytesField("unpickle /s", p.unpickleBytesPerSecond, 1'000, int64_t(1) << 40, "unpickling throughput, bytes per second");
    changed |= BytesField("pickle obj /s", p.pickleObjectsBytesPerSecond, 1'000, int64_t(1) << 40,
                          "pickling an object graph (lists, dicts, small objects), pickled bytes per second");
    changed |= BytesField("unpickle obj /s", p.unpickleObjectsBytesPerSecond, 1'000, int64_t(1) << 40,
                          "unpickling an object graph, pickled bytes per second");
    changed |= DurationField("message cost", p.messageOverhead, 0, kSecond, "per pickled message through a pipe");
    changed |= DurationField("page touch", p.pageTouch, 0, kSecond / 100,
                             "a 4 KiB page written for the first time: a Pool's messages larger than the OS pipe "
                             "(64 KiB) pay it for every page they are read and unpickled into");
    changed |= DurationField("mp.Queue put", p.mpQueuePut, 0, kSecond,
                             "multiprocessing.Queue.put() in the caller: the semaphore, the buffer");
    changed |= DurationField("mp.Queue feed", p.mpQueueFeed, 0, kSecond,
                             "the feeder thread pickling one item into the queue's pipe, holding its process's GIL");
    changed |= DurationField("mp.Queue get", p.mpQueueGet, 0, kSecond,
                             "multiprocessing.Queue.get(): reading and unpickling one item");
    changed |= DurationField("mp.Pipe send", p.mpPipeSend, 0, kSecond,
                             "multiprocessing.Pipe: Connection.send() pickling and writing one object in the caller");
    changed |= DurationField("mp.Pipe recv", p.mpPipeRecv, 0, kSecond,
                             "multiprocessing.Pipe: Connection.recv() reading and unpickling one object");
    changed |= DurationField("loop step", p.loopStepOverhead, 0, kSecond, "asyncio: one trip round the loop per resumed task");
    changed |= DurationField("eager step", p.eagerStepOverhead, 0, kSecond,
                             "asyncio, eager tasks (3.12+): a new task's first step, run inside create_task()");
    changed |= DurationField("counter +=1", p.counterIncrement, 0, 1'000'000, "counter += 1 in bytecode");
    return changed;
}

void ScenarioEditor::EditStory(const scenario::Scenario& scenario, const EditorView& view, EditorOutcome& outcome) {
    // The form edits a copy of the story; a change is kept only when the story's own parser accepts the whole story
    // (scenario/story.h: captions, ranges, lanes, switches the release has), so the scenario never holds a story its
    // file or a link could not. Meanwhile the field keeps what was typed and the parser's reason shows under it.
    using scenario::StoryStep;
    scenario::Story story = scenario.story;
    bool edited = false;
    int goTo = -1;
    const int shown = view.storyStep < 0 ? -1 : StoryStepIndex(scenario.story, view.storyStep);
    if (story.Empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        TextWrappedAtSpaces("No story. A story is a few captioned steps that walk a reader through the run: a range, "
                            "the lanes to show, a sentence, and optionally a model to switch to.");
        ImGui::PopStyleColor();
    }
    for (size_t i = 0; i < story.steps.size(); ++i) {
        StoryStep& step = story.steps[i];
        ImGui::PushID(int(i));
        const std::string id = std::to_string(i);
        ImGui::AlignTextToFramePadding();
        ImGui::Text("Step %d%s", int(i) + 1, int(i) == shown ? " (shown)" : "");
        // The row's buttons wrap in a narrow panel (800x600, a phone) instead of running off its edge.
        const float arrowW = ImGui::GetFrameHeight();
        SameLineIfFits(ButtonWidth("Go to"));
        if (ImGui::SmallButton("Go to")) goTo = int(i);
        Remember(("story_goto_" + id).c_str());
        SameLineIfFits(arrowW);
        ImGui::BeginDisabled(i == 0);
        if (ImGui::ArrowButton("up", ImGuiDir_Up)) {
            std::swap(story.steps[i], story.steps[i - 1]);
            edited = true;
        }
        ImGui::EndDisabled();
        ButtonHint("Move this step earlier", ImGuiHoveredFlags_AllowWhenDisabled);
        SameLineIfFits(arrowW);
        ImGui::BeginDisabled(i + 1 >= story.steps.size());
        if (ImGui::ArrowButton("down", ImGuiDir_Down)) {
            std::swap(story.steps[i], story.steps[i + 1]);
            edited = true;
        }
        ImGui::EndDisabled();
        ButtonHint("Move this step later", ImGuiHoveredFlags_AllowWhenDisabled);
        SameLineIfFits(ButtonWidth("x"));
        if (ImGui::SmallButton("x")) {
            story.steps.erase(story.steps.begin() + std::ptrdiff_t(i));
            edited = true;
            ImGui::PopID();
            break;
        }
        Remember(("story_remove_" + id).c_str());
        ButtonHint("Remove this step");

        // The caption: one paragraph of plain text (the parser refuses control characters and more than 280).
        char caption[scenario::kMaxStoryCaption * 4 + 1];
        std::snprintf(caption, sizeof caption, "%s", step.caption.c_str());
        if (ImGui::InputText("caption", caption, sizeof caption)) {
            step.caption = caption;
            edited = true;
        }
        Remember(("story_caption_" + id).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("what the reader should see in this step: one or two sentences");

        bool ranged = step.hasRange;
        if (ImGui::Checkbox("range", &ranged)) {
            step.hasRange = ranged;
            if (ranged) {
                step.rangeStartNs = int64_t(std::max(0.0, view.visible.t0));
                step.rangeEndNs = int64_t(std::max(view.visible.t1, double(step.rangeStartNs + 1)));
            }
            edited = true;
        }
        Remember(("story_range_" + id).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("the step zooms to this time range (unticked: the whole run)");
        if (step.hasRange) {
            SameLineIfFits(ButtonWidth("from view"));
            if (ImGui::SmallButton("from view")) {
                step.rangeStartNs = int64_t(std::max(0.0, view.visible.t0));
                step.rangeEndNs = int64_t(std::max(view.visible.t1, double(step.rangeStartNs + 1)));
                edited = true;
            }
            Remember(("story_range_view_" + id).c_str());
            ButtonHint("Take the timeline's visible range");
            TimeNs start = step.rangeStartNs;
            if (DurationField("from", start, 0, scenario::Limits::kMaxTotalWork)) {
                step.rangeStartNs = start;
                edited = true;
            }
            bool toEnd = step.rangeEndNs < 0;
            if (ImGui::Checkbox("to the end", &toEnd)) {
                step.rangeEndNs = toEnd ? -1 : std::max<int64_t>(step.rangeStartNs + 1, int64_t(view.visible.t1));
                edited = true;
            }
            if (!toEnd) {
                TimeNs end = step.rangeEndNs;
                if (DurationField("to", end, 1, scenario::Limits::kMaxTotalWork)) {
                    step.rangeEndNs = end;
                    edited = true;
                }
            }
        }

        // The lanes: names or name prefixes, comma separated ("Thread, GIL"); empty: every lane.
        std::string lanesText;
        for (const std::string& lane : step.lanes) lanesText.append(lanesText.empty() ? "" : ", ").append(lane);
        char lanes[scenario::kMaxStoryLanes * (scenario::kMaxStoryLaneName * 4 + 2) + 1];
        std::snprintf(lanes, sizeof lanes, "%s", lanesText.c_str());
        if (ImGui::InputTextWithHint("lanes", "every lane", lanes, sizeof lanes)) {
            step.lanes.clear();
            std::string_view rest = lanes;
            while (!rest.empty()) {
                const size_t comma = rest.find(',');
                std::string_view name = rest.substr(0, comma);
                while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
                while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
                if (!name.empty()) step.lanes.emplace_back(name);
                rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
            edited = true;
        }
        Remember(("story_lanes_" + id).c_str());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("the lanes this step shows: names or the start of names, comma separated, like "
                              "\"Thread, GIL\" (empty: every lane)");

        // A switch to another model, and the settings it changes.
        const std::string modelLabel = step.model ? ModelLabel(*step.model) : "(the scenario's)";
        if (ImGui::BeginCombo("model", modelLabel.c_str())) {
            if (ImGui::Selectable("(the scenario's)", !step.model)) {
                step.model.reset();
                edited = true;
            }
            for (const scenario::ModelInfo& info : scenario::Models()) {
                if (!scenario::MissingFromRelease(scenario.python, info.kind).empty()) continue;
                if (ImGui::Selectable(ModelLabel(info.kind), step.model && *step.model == info.kind)) {
                    step.model = info.kind;
                    edited = true;
                }
                Remember(("story_model_" + id + "_" + std::string(info.id)).c_str());
            }
            ImGui::EndCombo();
        }
        Remember(("story_model_" + id).c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("the model this step runs (\"now the same work on a Pool\")");
        const scenario::ModelInfo& info = scenario::Info(scenario::StoryStepModel(view.storyBaseModel, step).kind);
        auto optionalInt = [&](const char* label, std::optional<int32_t>& value, int32_t minValue, int32_t maxValue,
                               int32_t fallback) {
            bool set = value.has_value();
            if (ImGui::Checkbox(("##set_" + std::string(label)).c_str(), &set)) {
                value = set ? std::optional<int32_t>(fallback) : std::nullopt;
                edited = true;
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("change %s in this step", label);
            ImGui::SameLine();
            ImGui::BeginDisabled(!set);
            int32_t v = value.value_or(fallback);
            if (IntField(label, v, minValue, maxValue) && set) {
                value = v;
                edited = true;
            }
            ImGui::EndDisabled();
        };
        // A step sets a count of at least 1 (the story's parser): "the default" is the scenario's own, unticked.
        if (info.threads || info.processPool || info.interpreterPool)
            optionalInt("workers", step.workers, 1, scenario::Limits::kMaxWorkers,
                        std::max(1, view.storyBaseModel.workers));
        constexpr int32_t kMaxCount = int32_t(scenario::Limits::kMaxTasks);
        if (info.processPool) {
            optionalInt("chunksize", step.chunksize, 1, kMaxCount, std::max(1, view.storyBaseModel.chunksize));
            const char* methods[] = {"(the scenario's)", "fork", "spawn", "forkserver"};
            int method = step.startMethod ? int(*step.startMethod) + 1 : 0;
            if (ImGui::Combo("start method", &method, methods, 4)) {
                step.startMethod = method == 0 ? std::nullopt : std::optional(scenario::StartMethod(method - 1));
                edited = true;
            }
        }
        if (info.eventLoop)
            optionalInt("semaphore", step.semaphore, 1, kMaxCount, std::max(1, view.storyBaseModel.semaphore));
        if (m_storyError.size() && m_storyErrorStep == int(i)) {
            ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(230, 80, 80, 255));
            TextWrappedAtSpaces(m_storyError);
            ImGui::PopStyleColor();
        }
        ImGui::Separator();
        ImGui::PopID();
    }
    ImGui::BeginDisabled(story.steps.size() >= scenario::kMaxStorySteps);
    if (ImGui::SmallButton("+ step from this view")) {
        StoryStep step;
        step.caption = "Step " + std::to_string(story.steps.size() + 1);
        step.hasRange = true;
        step.rangeStartNs = int64_t(std::max(0.0, view.visible.t0));
        step.rangeEndNs = int64_t(std::max(view.visible.t1, double(step.rangeStartNs + 1)));
        step.lanes = view.lanes;
        story.steps.push_back(std::move(step));
        edited = true;
    }
    ImGui::EndDisabled();
    Remember("story_add");
    ButtonHint("A new step showing what the timeline shows now: its range and lanes");
    if (edited) {
        scenario::Story checked;
        if (CheckStoryEdit(story, scenario, checked, m_storyError, m_storyErrorStep)) {
            m_storyError.clear();
            outcome.story = std::move(checked);  // committed by the playground; no Go to with it
            return;
        }
    }
    if (goTo >= 0) outcome.goToStoryStep = goTo;
}

bool ScenarioEditor::EditJson(scenario::Scenario& scenario) {
    // The canonical JSON of the scenario: editable, applied with the button (through the parser).
    // Regenerated from the scenario after every change (the playground calls ForgetJsonText).
    static constexpr size_t kCap = 1 << 16;
    if (m_jsonBuffer.size() != kCap) {
        m_jsonBuffer = scenario::ScenarioToJson(scenario);
        m_jsonBuffer.resize(kCap, '\0');
    }
    ImGui::InputTextMultiline("##json", m_jsonBuffer.data(), kCap, ImVec2(-1, ImGui::GetTextLineHeight() * 10));
    bool changed = false;
    if (ImGui::Button("Apply JSON")) changed = ApplyScenarioJson(m_jsonBuffer.c_str(), scenario, m_error);
    ImGui::SameLine();
    if (ImGui::Button("Reset")) m_jsonBuffer.clear();
    return changed;
}

}  // namespace interleave::ui
