// Share links without their drawing (ui::ShareLinks, share_links.h): what a link carries of the view, a link read back,
// a crafted or malformed one refused with its reason before anything changes, and the Share / Embed buttons' state
// with a fake link maker (synchronous, or answering later as the web's does). No ImGui.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "test_support.h"
#include "ui/share_links.h"

namespace interleave::ui {
namespace {

using interleave::testing::ParseOrDie;

scenario::Scenario Small(const std::string& name, const std::string& kind = "threads") {
    return ParseOrDie(R"({"name":")" + name +
                      R"(","tasks":[{"name":"w","count":2,"steps":[{"cpu":"10ms"}]}],)" +
                      R"("model":{"kind":")" + kind + R"("}})");
}

TEST(ShareLinks, ALinkOnAStoryStepCarriesTheStorysOwnModelNotTheSteps) {
    scenario::Scenario onStep = Small("story", "processes");  // the step switched to processes
    scenario::Model base = onStep.model;
    base.kind = scenario::ModelKind::Threads;
    ViewState view;
    view.storyStep = 1;
    const ViewState link = LinkViewState(view, onStep, base, nullptr, "");
    EXPECT_EQ(ParseOrDie(link.scenarioJson).model.kind, scenario::ModelKind::Threads);
    // Off the story, the scenario travels as it is.
    view.storyStep = -1;
    EXPECT_EQ(ParseOrDie(LinkViewState(view, onStep, base, nullptr, "").scenarioJson).model.kind,
              scenario::ModelKind::Processes);
}

TEST(ShareLinks, ALinkCarriesThePinnedRunAsTheScenarioThatMadeIt) {
    const scenario::Scenario shown = Small("shown");
    const scenario::Scenario pinned = Small("pinned", "asyncio");
    ViewState view;
    view.pinnedScenarioJson = "stale";  // what the view held before does not travel
    view.pinnedPreset = "stale";
    const ViewState without = LinkViewState(view, shown, shown.model, nullptr, "blog_cpu_threads");
    EXPECT_EQ(without.pinnedScenarioJson, "");
    EXPECT_EQ(without.pinnedPreset, "");
    const ViewState with = LinkViewState(view, shown, shown.model, &pinned, "blog_cpu_threads");
    EXPECT_EQ(ParseOrDie(with.pinnedScenarioJson).name, "pinned");
    EXPECT_EQ(with.pinnedPreset, "blog_cpu_threads");
}

TEST(ShareLinks, ALinkReadBackGivesItsScenarioPinnedRunAndRange) {
    const scenario::Scenario shown = Small("shown");
    const scenario::Scenario pinned = Small("pinned", "asyncio");
    ViewState view;
    view.visible = {1000, 2000};
    view.theme = Theme::Light;
    view.tab = Tab::Compare;
    const std::string json = ViewStateToJson(LinkViewState(view, shown, shown.model, &pinned, ""));
    OpenedLink link;
    std::string error;
    ASSERT_TRUE(ReadLink(json, ViewState{}, link, error)) << error;
    ASSERT_TRUE(link.scenario);
    EXPECT_EQ(link.scenario->name, "shown");
    ASSERT_TRUE(link.pinned);
    EXPECT_EQ(link.pinned->name, "pinned");
    EXPECT_TRUE(link.hasRange);
    EXPECT_EQ(link.state.visible.t0, 1000);
    EXPECT_EQ(link.state.visible.t1, 2000);
    EXPECT_EQ(link.state.theme, Theme::Light);
    EXPECT_EQ(link.state.tab, Tab::Compare);
}

std::string ReadFixture(const std::string& name) {
    std::ifstream in(std::string(INTERLEAVE_SOURCE_DIR) + "/tests/e2e/fixtures/" + name, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A link made by the first release of the link format (v1: a format-1 scenario, no "format" or "version") still
// opens as it was made: its preset's scenario, its compared models, range, selected task and tab
// (tests/e2e/fixtures/v1-link.expected.json, which the browser test checks too). The payload is the link's own,
// inflated (tests/share_link_fixture_test.py checks that).
TEST(ShareLinks, TheCommittedV1LinkStillOpensAsItWasMade) {
    const std::string payload = ReadFixture("v1-link.json");
    ASSERT_FALSE(payload.empty()) << "tests/e2e/fixtures/v1-link.json";
    OpenedLink link;
    std::string error;
    ASSERT_TRUE(ReadLink(payload, ViewState{}, link, error)) << error;
    ASSERT_TRUE(link.scenario);
    scenario::Scenario preset = interleave::testing::Preset("asyncio_blocking_call");
    preset.story = {};  // stories came with format 6, after the link was made
    EXPECT_EQ(scenario::ScenarioToJson(*link.scenario), scenario::ScenarioToJson(preset));
    EXPECT_EQ(link.state.models, (std::vector<std::string>{"sequential", "asyncio", "threads"}));
    EXPECT_TRUE(link.hasRange);
    EXPECT_EQ(link.state.visible.t0, 500000000);
    EXPECT_EQ(link.state.visible.t1, 3500000000);
    EXPECT_EQ(link.state.selectedTask, trace::TaskId(1));
    EXPECT_EQ(link.state.tab, Tab::Timeline);
    // What the browser test expects of the same link, so the two cannot drift apart unseen.
    const std::string expected = ReadFixture("v1-link.expected.json");
    for (const char* field : {"\"asyncio_blocking_call\"", "500000000", "3500000000", "\"timeline\""})
        EXPECT_NE(expected.find(field), std::string::npos) << field;
}

TEST(ShareLinks, ALinkWithoutARangeOrScenarioKeepsTheViewsOwn) {
    ViewState current;
    current.visible = {5, 50};
    current.scenarioJson = "from an earlier link";
    OpenedLink link;
    std::string error;
    ASSERT_TRUE(ReadLink(R"({"storyStep": 2})", current, link, error)) << error;
    EXPECT_FALSE(link.hasRange);
    EXPECT_EQ(link.state.visible.t0, 5);
    EXPECT_EQ(link.state.visible.t1, 50);
    EXPECT_FALSE(link.scenario);  // the earlier link's scenario is not this link's
    EXPECT_FALSE(link.pinned);
}

// Each refusal names the part of the link at fault, and fills nothing.
void ExpectRefused(const std::string& json, const std::string& errorStart) {
    OpenedLink link;
    link.hasRange = true;  // a marker: a refused link leaves `out` as it was
    std::string error;
    EXPECT_FALSE(ReadLink(json, ViewState{}, link, error)) << json;
    EXPECT_EQ(error.rfind(errorStart, 0), 0u) << "error: " << error;
    EXPECT_TRUE(link.hasRange);
    EXPECT_FALSE(link.scenario);
}

TEST(ShareLinks, ACraftedOrMalformedLinkIsRefusedWithItsReason) {
    ExpectRefused("{not json", "view state: ");
    ExpectRefused("[]", "view state: ");
    ExpectRefused(R"({"theme": 7})", "view state: ");
    ExpectRefused(R"({"scenario": {"tasks": "none"}})", "scenario: ");
    ExpectRefused(R"({"scenario": {"name": "x", "tasks": [{"name": "g", "count": -3, "steps": [{"cpu": "1ms"}]}]}})",
                  "scenario: ");
    ExpectRefused(R"({"pinned": {"scenario": {"tasks": 5}}})", "pinned run: scenario: ");
    const std::string pinned = scenario::ScenarioToJson(Small("pinned"));
    ExpectRefused(R"({"pinned": {"scenario": )" + pinned + R"(, "preset": "no_such_preset"}})",
                  "pinned run: no preset is called 'no_such_preset'");
}

TEST(ShareLinks, APinnedRunFromAPresetThatExistsIsRead) {
    const std::string pinned = scenario::ScenarioToJson(Small("pinned"));
    const std::string preset(scenario::Presets().front().id);
    OpenedLink link;
    std::string error;
    ASSERT_TRUE(ReadLink(R"({"pinned": {"scenario": )" + pinned + R"(, "preset": ")" + preset + R"("}})", ViewState{},
                         link, error))
        << error;
    ASSERT_TRUE(link.pinned);
    EXPECT_EQ(link.state.pinnedPreset, preset);
}

TEST(ShareLinks, TheEmbedLinkAddsEmbedToTheQueryBeforeTheFragment) {
    EXPECT_EQ(EmbedUrl("https://x.org/app.html#v=abc"), "https://x.org/app.html?embed#v=abc");
    EXPECT_EQ(EmbedUrl("https://x.org/app.html?preset=a#v=abc"), "https://x.org/app.html?preset=a&embed#v=abc");
    EXPECT_EQ(EmbedUrl("https://x.org/app.html"), "https://x.org/app.html?embed");
    // A '?' inside the fragment is the fragment's.
    EXPECT_EQ(EmbedUrl("https://x.org/app.html#v=a?b"), "https://x.org/app.html?embed#v=a?b");
}

// A link maker that answers when told to, as the web's (which encodes in JavaScript) does.
struct LaterLinks {
    std::vector<std::string> asked;
    std::function<void(const std::string&)> answer;
    MakeLinkFn Maker() {
        return [this](const std::string& viewJson, std::function<void(const std::string&)> done) {
            asked.push_back(viewJson);
            answer = std::move(done);
        };
    }
};

TEST(ShareLinks, ShareCopiesTheLinkWhenItArrives) {
    LaterLinks links;
    std::vector<std::string> copied, notices;
    ShareLinks share(
        links.Maker(), [&](const std::string& text) { copied.push_back(text); },
        [&](std::string notice) { notices.push_back(std::move(notice)); });
    ASSERT_TRUE(share.Available());
    share.Share(R"({"tab":"timeline"})");
    EXPECT_TRUE(share.Pending());
    EXPECT_EQ(share.Url(), "");
    EXPECT_EQ(notices.back(), "making the link...");
    ASSERT_EQ(links.asked, std::vector<std::string>{R"({"tab":"timeline"})"});
    links.answer("https://x.org/app.html#v=1");
    EXPECT_FALSE(share.Pending());
    EXPECT_EQ(share.Url(), "https://x.org/app.html#v=1");
    EXPECT_EQ(copied, std::vector<std::string>{"https://x.org/app.html#v=1"});
    EXPECT_EQ(notices.back(), "Link copied to the clipboard");
}

TEST(ShareLinks, ALinkThatCouldNotBeMadeKeepsTheLastOne) {
    LaterLinks links;
    std::vector<std::string> copied, notices;
    ShareLinks share(
        links.Maker(), [&](const std::string& text) { copied.push_back(text); },
        [&](std::string notice) { notices.push_back(std::move(notice)); });
    share.Share("{}");
    links.answer("https://x.org/#1");
    share.Share("{}");
    links.answer("");
    EXPECT_FALSE(share.Pending());
    EXPECT_EQ(share.Url(), "https://x.org/#1");
    EXPECT_EQ(copied.size(), 1u);
    EXPECT_EQ(notices.back(), "could not make a link");
}

TEST(ShareLinks, TheSnippetWrapsTheEmbedLinkAndAsksForItsModalOnce) {
    LaterLinks links;
    std::vector<std::string> copied, notices;
    ShareLinks share(
        links.Maker(), [&](const std::string& text) { copied.push_back(text); },
        [&](std::string notice) { notices.push_back(std::move(notice)); });
    share.MakeEmbedSnippet("{}", [](EmbedSnippetParts& parts, std::string& posterNote) {
        parts.title = "Interleave: <b>x</b>";
        posterNote = "nothing drawn yet";
    });
    EXPECT_FALSE(share.TakeModalRequest());  // not before the link arrives
    links.answer("https://x.org/app.html#v=1");
    EXPECT_NE(share.Snippet().find("https://x.org/app.html?embed#v=1"), std::string::npos) << share.Snippet();
    EXPECT_EQ(share.Snippet().find("<b>"), std::string::npos);  // the title is a stranger's text: escaped
    EXPECT_EQ(share.PosterNote(), "nothing drawn yet");
    EXPECT_EQ(share.PosterBytes(), 0u);
    EXPECT_EQ(copied, std::vector<std::string>{share.Snippet()});
    EXPECT_EQ(notices.back(), "Snippet copied to the clipboard");
    EXPECT_TRUE(share.TakeModalRequest());
    EXPECT_FALSE(share.TakeModalRequest());
    share.CopySnippetAgain();
    EXPECT_EQ(copied.size(), 2u);
}

TEST(ShareLinks, WithoutALinkMakerNothingIsAskedOrShown) {
    std::vector<std::string> notices;
    ShareLinks share(nullptr, nullptr, [&](std::string notice) { notices.push_back(std::move(notice)); });
    EXPECT_FALSE(share.Available());
    share.Share("{}");
    share.MakeEmbedSnippet("{}", nullptr);
    EXPECT_FALSE(share.Pending());
    EXPECT_TRUE(notices.empty());
}

TEST(ShareLinks, TheOpeningLinksProblemIsKeptUntilCleared) {
    ShareLinks share(nullptr, nullptr, [](std::string) {});
    share.ShowLinkError("the link is damaged");
    EXPECT_EQ(share.LinkError(), "the link is damaged");
    share.ClearLinkError();
    EXPECT_EQ(share.LinkError(), "");
}

}  // namespace
}  // namespace interleave::ui
