// Links from strangers (issue 16): a tiny scenario that asks for billions of events must not freeze the
// tab, must stop with a banner naming the limit, and the playground must work afterwards.
#include <gtest/gtest.h>
#include <imgui.h>

#include <chrono>
#include <thread>

#include "headless_imgui.h"
#include "ui/executor.h"
#include "ui/view_state.h"

namespace interleave::ui {
namespace {

// 24 tasks of an hour of CPU at a 1 us switch interval: 174 characters as a link.
const char* kEndlessLink =
    R"({"scenario":{"tasks":[{"name":"spin","count":24,"steps":[{"cpu":"1h"}]}],"model":{"kind":"threads"},)"
    R"("machine":{"cores":4,"profile":{"switch_interval":"1us"}}}})";

class HostileLink : public testing::HeadlessImGuiTest {
};

TEST_F(HostileLink, ALongSimulationRunsInSlicesBetweenFramesInTheSingleThreadedBuild) {
    PlaygroundSettings settings = Offline();  // the inline executor: the single-threaded web build
    Playground p(settings);
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(kEndlessLink, error)) << error;
    // Applying the link returned without simulating to the end, and frames go on being drawn.
    EXPECT_TRUE(p.Busy());
    const int before = State(p)["frame"].get<int>();
    Frames(p, 5);
    EXPECT_EQ(State(p)["frame"].get<int>(), before + 5);
    EXPECT_TRUE(p.Busy()) << "the simulation is still going, a slice a frame";
    EXPECT_TRUE(State(p)["widgets"].contains("cancel")) << "a Cancel button is shown while it works";
    // Never more than the inline start (25 ms) or a frame's budget (8 ms) plus a slice on the UI thread at once.
    EXPECT_LE(State(p)["longest_simulation_work_ms"].get<double>(), 100.0);
}

TEST_F(HostileLink, TheTimeLimitStopsItWithABannerAndThePlaygroundWorksAfterwards) {
    for (bool threads : {false, true}) {
        PlaygroundSettings settings = Offline();
        settings.backgroundThreads = threads;
        settings.simulationTimeLimitSeconds = 0.3;
        Playground p(settings);
        std::string error;
        ASSERT_TRUE(p.ApplyViewStateJson(kEndlessLink, error)) << error;
        for (int i = 0; i < 5000 && p.Busy(); ++i) {
            Frames(p, 1);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        Frames(p, 2);
        const auto state = State(p);
        EXPECT_FALSE(state["simulating"].get<bool>());
        EXPECT_NE(state["simulation_error"].get<std::string>().find("time limit of 0.3 s"), std::string::npos) << state["simulation_error"];
        EXPECT_TRUE(state["widgets"].contains("banner")) << "the reason is shown in a banner";
        // A good scenario afterwards simulates as usual.
        ASSERT_TRUE(p.ApplyViewStateJson(R"({"scenario":{"tasks":[{"name":"t","count":2,"steps":[{"cpu":"1ms"}]}]}})", error)) << error;
        for (int i = 0; i < 2000 && p.Busy(); ++i) {
            Frames(p, 1);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        Frames(p, 2);
        EXPECT_GT(State(p)["spans"].get<long>(), 0) << (threads ? "threaded" : "inline");
        EXPECT_EQ(State(p)["simulation_error"], "");
    }
}

TEST_F(HostileLink, TheCancelButtonStopsTheSimulation) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.ApplyViewStateJson(kEndlessLink, error)) << error;
    Frames(p, 2);
    ASSERT_TRUE(p.Busy());
    Click(p, "cancel");
    // The worker thread sees the cancel at its next check (every slice); under load that can take a few frames.
    for (int i = 0; i < 5000 && p.Busy(); ++i) {
        Frames(p, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_FALSE(p.Busy());
    EXPECT_NE(State(p)["simulation_error"].get<std::string>().find("cancelled"), std::string::npos);
}

TEST(ViewStateHostile, AScenarioThatIsTheTextZeroRoundTrips) {
    ViewState state;
    state.scenarioJson = "0";
    ViewState back;
    std::string error;
    ASSERT_TRUE(ViewStateFromJson(ViewStateToJson(state), back, error)) << error;
    EXPECT_EQ(back.scenarioJson, "0");
    state.scenarioJson = "[1,2]";
    ASSERT_TRUE(ViewStateFromJson(ViewStateToJson(state), back, error)) << error;
    EXPECT_EQ(back.scenarioJson, "[1,2]");
}

TEST(ViewStateHostile, DeepNestingIsAnErrorNotAStackOverflow) {
    std::string deep(100'000, '[');
    ViewState back;
    std::string error;
    EXPECT_FALSE(ViewStateFromJson(R"({"scenario":)" + deep, back, error));
    EXPECT_NE(error.find("nest deeper"), std::string::npos) << error;
}

TEST(Executor, AnInlineSlicedJobGoesOnNextFrameWhenTheBudgetRunsOut) {
    auto executor = MakeExecutor(false);
    int slices = 0;
    executor->SubmitSliced([&] {
        ++slices;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return slices == 10;
    });
    executor->Pump(3.0);
    EXPECT_GE(slices, 1);
    EXPECT_LT(slices, 10) << "the frame's budget bounds the slices it runs";
    EXPECT_EQ(executor->Pending(), 1);
    for (int i = 0; i < 20 && executor->Pending() > 0; ++i) executor->Pump(3.0);
    EXPECT_EQ(slices, 10);
    EXPECT_EQ(executor->Pending(), 0);
}

}  // namespace
}  // namespace interleave::ui
