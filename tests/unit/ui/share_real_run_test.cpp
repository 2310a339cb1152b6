// The playground's Share / Embed buttons (with a fake link maker), the link-error banner, the embed view, and
// "Run for real" with a fake callback: the real trace is shown beside the simulated one. Headless ImGui.
#include <gtest/gtest.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include "headless_imgui.h"
#include "synthetic_trace.h"
#include "ui/playground.h"

namespace interleave::ui {
namespace {

using nlohmann::json;

// 1280x800 frames, the CPU-only scenario: see headless_imgui.h.
using PlaygroundShare = testing::HeadlessImGuiTest;

TEST_F(PlaygroundShare, RunForRealShowsTheRealTraceBesideTheSimulatedOne) {
    PlaygroundSettings settings = Offline();
    int calls = 0, kindSeen = -1;
    settings.runForReal = [&](const scenario::Scenario& s, int kind, std::atomic<float>* progress, const std::atomic<bool>*) {
        ++calls;
        kindSeen = kind;
        EXPECT_EQ(s.name, "cpu");
        if (progress) *progress = 1.0f;
        RealRunOutcome out;
        out.ok = true;
        out.trace = testing::ThreadsTrace(4, 4, 30);
        out.trace.producer = "cpp-runtime";
        return out;
    };
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    json before = State(p);
    EXPECT_TRUE(before["widgets"].contains("run_for_real"));
    EXPECT_TRUE(before["real"]["available"]);
    EXPECT_EQ(before["timeline_sections"], 1);

    ASSERT_TRUE(p.StartRealRun(1));
    Frames(p, 3);
    json after = State(p);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(kindSeen, 1);
    EXPECT_TRUE(after["real"]["shown"]);
    EXPECT_EQ(after["real"]["kind"], "cpython");
    EXPECT_GT(after["real"]["spans"].get<int>(), 0);
    EXPECT_EQ(after["timeline_sections"], 2);  // simulated and real, stacked on one time axis
    EXPECT_GT(after["spans"].get<int>(), 0);    // the simulated run is still there
}

TEST_F(PlaygroundShare, RunForRealFailureIsShownAndKeepsTheSimulatedRun) {
    PlaygroundSettings settings = Offline();
    settings.runForReal = [](const scenario::Scenario&, int, std::atomic<float>*, const std::atomic<bool>*) {
        RealRunOutcome out;
        out.error = "python3 missing";
        return out;
    };
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 1);
    p.StartRealRun(0);
    Frames(p, 3);
    json s = State(p);
    EXPECT_FALSE(s["real"]["shown"]);
    EXPECT_EQ(s["real"]["error"], "python3 missing");
    EXPECT_EQ(s["timeline_sections"], 1);
}

TEST_F(PlaygroundShare, RunForRealButtonIsHiddenWithoutACallback) {
    PlaygroundSettings settings = Offline();
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    EXPECT_FALSE(State(p)["widgets"].contains("run_for_real"));
    EXPECT_FALSE(p.StartRealRun(0));
}

TEST_F(PlaygroundShare, ShareAndEmbedUseTheLinkMakerAndTheClipboard) {
    PlaygroundSettings settings = Offline();
    std::string seenJson, copied;
    settings.makeLink = [&](const std::string& viewJson, std::function<void(const std::string&)> done) {
        seenJson = viewJson;
        done("http://127.0.0.1/app.html#v1.abc");
    };
    settings.copyToClipboard = [&](const std::string& text) { copied = text; };
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 2);
    EXPECT_TRUE(State(p)["widgets"].contains("share"));
    EXPECT_TRUE(State(p)["widgets"].contains("embed"));
    p.Share();
    EXPECT_NE(seenJson.find("\"scenario\""), std::string::npos);
    EXPECT_EQ(copied, "http://127.0.0.1/app.html#v1.abc");
    p.ShowEmbedSnippet();
    Frames(p, 2);
    json s = State(p);
    EXPECT_EQ(s["embed_snippet"], copied);
    EXPECT_NE(copied.find("<iframe src=\"http://127.0.0.1/app.html?embed#v1.abc\""), std::string::npos);
    EXPECT_TRUE(s["embed_modal"]);
}

TEST_F(PlaygroundShare, LinkErrorIsABannerAndTheTestStateError) {
    PlaygroundSettings settings = Offline();
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    p.ShowLinkError("the link is damaged");
    Frames(p, 2);
    json s = State(p);
    EXPECT_EQ(s["error"], "the link is damaged");
    EXPECT_TRUE(s["widgets"].contains("banner"));
    EXPECT_GT(s["spans"].get<int>(), 0);
}

TEST_F(PlaygroundShare, ABadViewStateIsRefusedAndLeavesTheScenario) {
    PlaygroundSettings settings = Offline();
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    std::string error;
    EXPECT_FALSE(p.ApplyViewStateJson(R"({"scenario": {"name": "x", "tasks": [{"name": "g", "count": 1000000,
        "steps": [{"cpu": "1ms"}]}], "model": {"kind": "threads", "workers": 4}}})", error));
    EXPECT_NE(error.find("100"), std::string::npos) << error;  // the parser's task limit, named
    Frames(p, 1);
    EXPECT_GT(State(p)["spans"].get<int>(), 0);
}

TEST_F(PlaygroundShare, EmbedViewShowsPlayMetricsAndTimeline) {
    PlaygroundSettings settings = Offline();
    settings.embed = true;
    Playground p(settings);
    p.ShowRun(CpuScenario(), testing::ThreadsTrace(4, 4, 40));
    Frames(p, 3);
    json s = State(p);
    EXPECT_TRUE(s["embed"]);
    EXPECT_TRUE(s["widgets"].contains("play"));
    EXPECT_TRUE(s["widgets"].contains("metrics"));
    EXPECT_TRUE(s["widgets"].contains("timeline"));
    EXPECT_FALSE(s["widgets"].contains("preset_combo"));
    EXPECT_NE(s["metrics_line"].get<std::string>().find("makespan"), std::string::npos);
}

}  // namespace
}  // namespace interleave::ui
