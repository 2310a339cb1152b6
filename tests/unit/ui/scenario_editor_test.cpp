// The scenario editor without its drawing (ui::ScenarioEditor's free functions, scenario_editor.h): a step's kind
// changed by the combo, the names a step starts with, the checks an edit passes before the playground simulates it
// (the scenario's, the story form's) and the JSON section's Apply. No ImGui.
#include <gtest/gtest.h>

#include <string>

#include "scenario/scenario.h"
#include "ui/scenario_editor.h"

namespace interleave::ui {
namespace {

using scenario::StepKind;

scenario::Scenario Parse(const std::string& json) {
    scenario::ParseError error;
    auto parsed = scenario::ParseScenario(json, error);
    EXPECT_TRUE(parsed) << error.Message();
    return parsed ? *parsed : scenario::Scenario{};
}

// Two threads of one cpu step each, and a lock step that names "lock".
scenario::Scenario WithLock() {
    return Parse(R"({"name":"x","tasks":[{"name":"w","count":2,"steps":[{"cpu":"10ms"},{"acquire":"lock"},)"
                 R"({"release":"lock"}]}],"model":{"kind":"threads"}})");
}

// Two asyncio tasks of two awaits each: every step kind may take either step's place.
scenario::Scenario Plain() {
    return Parse(R"({"name":"p","tasks":[{"name":"w","count":2,"steps":[{"await":"10ms"},{"await":"10ms"}]}],)"
                 R"("model":{"kind":"asyncio"}})");
}

bool Checks(scenario::Scenario scenario) {
    std::string error;
    const bool ok = CheckEditedScenario(scenario, error);
    EXPECT_TRUE(ok) << error;
    return ok;
}

TEST(ScenarioEditor, AStepTurnedIntoAKindThatStandsAloneParses) {
    // (A lock's acquire without its release, or a get without a put, is the parser's to refuse: a half-made edit.)
    for (StepKind kind : {StepKind::Cpu, StepKind::CCall, StepKind::Io, StepKind::Await, StepKind::Increment,
                          StepKind::Set, StepKind::Children, StepKind::Repeat}) {
        scenario::Scenario s = Plain();
        scenario::Step& step = s.groups[0].steps[0];
        step.duration = 0;  // a kind that needs a duration gets one
        ChangeStepKind(s, step, kind);
        EXPECT_EQ(s.groups[0].steps[0].kind, kind);
        EXPECT_TRUE(Checks(s)) << scenario::StepKindName(kind);
    }
}

TEST(ScenarioEditor, AStepThatNeedsADurationOrSizeGetsOneAndKeepsItsOwn) {
    scenario::Scenario s = WithLock();
    scenario::Step& step = s.groups[0].steps[0];
    step.duration = 0;
    ChangeStepKind(s, step, StepKind::Io);
    EXPECT_EQ(step.duration, 10'000'000);
    step.duration = 3'000'000;
    ChangeStepKind(s, step, StepKind::Cpu);
    EXPECT_EQ(step.duration, 3'000'000);
    ChangeStepKind(s, step, StepKind::Send);
    EXPECT_EQ(step.bytes, 1'000'000);
}

TEST(ScenarioEditor, ANamedStepTakesANameOfItsKindNeverAnotherKinds) {
    scenario::Scenario s = WithLock();
    ASSERT_EQ(s.names.size(), 1u);
    // Another lock step shares the lock.
    EXPECT_EQ(NameFor(s, StepKind::Acquire), 0);
    // A queue step may not use the lock's name: a new "queue" is added.
    const int32_t queue = NameFor(s, StepKind::Put);
    ASSERT_EQ(s.names.size(), 2u);
    EXPECT_EQ(queue, 1);
    EXPECT_EQ(s.names[1], "queue");
    // A name listed but not used by any step is taken rather than a new one.
    s.names.push_back("spare");
    EXPECT_EQ(NameFor(s, StepKind::Set), 1);  // "queue" is still unused: no step names it yet
}

TEST(ScenarioEditor, ANewNameNeverRepeatsOneTheScenarioHas) {
    scenario::Scenario s = WithLock();
    s.groups[0].steps[0].kind = StepKind::Put;  // a step uses "queue"... under the name "queue" taken below
    s.names.push_back("queue");
    s.groups[0].steps[0].name = 1;
    const int32_t event = NameFor(s, StepKind::Wait);
    ASSERT_EQ(size_t(event), s.names.size() - 1);
    EXPECT_EQ(s.names[size_t(event)], "event");
    EXPECT_EQ(NameKinds(s)[0], int(scenario::NameKind::Lock));
    EXPECT_EQ(NameKinds(s)[1], int(scenario::NameKind::Queue));
}

TEST(ScenarioEditor, ALoopGetsABodyAndChildrenAChildGroup) {
    scenario::Scenario s = Plain();
    ChangeStepKind(s, s.groups[0].steps[0], StepKind::Repeat);
    EXPECT_GE(s.groups[0].steps[0].repeat, 2);
    EXPECT_EQ(s.groups[0].steps[0].body.size(), 1u);
    ChangeStepKind(s, s.groups[0].steps[1], StepKind::Children);
    ASSERT_EQ(s.children.size(), 1u);
    EXPECT_EQ(s.groups[0].steps[1].children, 0);
    EXPECT_EQ(s.children[0].count, 3);
    EXPECT_TRUE(Checks(s));
}

TEST(ScenarioEditor, AChildrenStepTurnedIntoAnotherKindLeavesNoChildrenBehind) {
    scenario::Scenario s = WithLock();
    ChangeStepKind(s, s.groups[0].steps[0], StepKind::Children);
    ASSERT_EQ(s.children.size(), 1u);
    ChangeStepKind(s, s.groups[0].steps[0], StepKind::Cpu);
    std::string error;
    ASSERT_TRUE(CheckEditedScenario(s, error)) << error;
    EXPECT_TRUE(s.children.empty());
}

TEST(ScenarioEditor, AnEditTheParserRefusesIsRefusedWithItsMessage) {
    scenario::Scenario s = WithLock();
    s.groups[0].steps.erase(s.groups[0].steps.begin() + 1);  // the acquire removed: its release is refused
    std::string error;
    EXPECT_FALSE(CheckEditedScenario(s, error));
    EXPECT_FALSE(error.empty());
}

TEST(ScenarioEditor, ARecvKeepsItsReplyUntilItIsAnotherKindAndAlonePointsAtWhatIsMissing) {
    scenario::Scenario s = Parse(R"({"name":"r","tasks":[{"name":"w","steps":[{"io":"9us"},)"
                                 R"({"io":"2us","reply_after":"28us"}]}],"model":{"kind":"threads"}})");
    EXPECT_TRUE(Checks(s));
    scenario::Step& recv = s.groups[0].steps[1];
    ChangeStepKind(s, recv, StepKind::Io);  // kept while it stays an io step
    EXPECT_EQ(recv.replyAfter, 28'000);
    // Its send moved after it: the parser's reason, naming the field, is what the editor shows.
    std::swap(s.groups[0].steps[0], s.groups[0].steps[1]);
    std::string error;
    EXPECT_FALSE(CheckEditedScenario(s, error));
    EXPECT_NE(error.find("steps[0].reply_after: needs an io step before it"), std::string::npos) << error;
    // Turned into another kind it drops the reply, and turned back it is an ordinary call.
    scenario::Step& moved = s.groups[0].steps[0];
    ChangeStepKind(s, moved, StepKind::Cpu);
    ChangeStepKind(s, moved, StepKind::Io);
    EXPECT_EQ(moved.replyAfter, 0);
    EXPECT_TRUE(Checks(s));
}

TEST(ScenarioEditor, AppliedJsonReplacesTheScenarioAndBadJsonLeavesIt) {
    scenario::Scenario s = WithLock();
    std::string error;
    EXPECT_FALSE(ApplyScenarioJson("{\"tasks\": 3", s, error));
    EXPECT_EQ(error.rfind("JSON: ", 0), 0u) << error;
    EXPECT_EQ(s.name, "x");
    ASSERT_TRUE(ApplyScenarioJson(R"({"name":"y","tasks":[{"name":"g","count":1,"steps":[{"io":"1ms"}]}]})", s, error))
        << error;
    EXPECT_EQ(s.name, "y");
    EXPECT_EQ(s.groups.size(), 1u);
}

TEST(ScenarioEditor, AStoryEditIsKeptOnlyWhenTheStorysParserAcceptsItAndNamesTheStepAtFault) {
    const scenario::Scenario s = WithLock();
    scenario::Story story;
    story.steps.resize(2);
    story.steps[0].caption = "first";
    story.steps[1].caption = "second";
    scenario::Story checked;
    std::string error;
    int errorStep = -1;
    ASSERT_TRUE(CheckStoryEdit(story, s, checked, error, errorStep)) << error;
    EXPECT_EQ(checked.steps.size(), 2u);
    story.steps[1].caption = "a control character: \x01";
    EXPECT_FALSE(CheckStoryEdit(story, s, checked, error, errorStep));
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(errorStep, 1) << error;
    // No story at all is always kept (the form's last step removed).
    EXPECT_TRUE(CheckStoryEdit(scenario::Story{}, s, checked, error, errorStep));
    EXPECT_TRUE(checked.Empty());
}

}  // namespace
}  // namespace interleave::ui
