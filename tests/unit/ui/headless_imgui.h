#pragma once
// The fixture every headless playground test shares: an ImGui context with no backend (ui/headless.h),
// frames of a Playground at a given size, its test-state JSON, and the small scenarios the tests show.
#include <gtest/gtest.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <memory>

#include "synthetic_trace.h"
#include "ui/headless.h"
#include "ui/playground.h"

namespace interleave::ui::testing {

struct FrameStats {
    long vertices = 0;
    long lists = 0;
    long maxListVertices = 0;
};

class HeadlessImGuiTest : public ::testing::Test {
protected:
    void SetUp() override { m_context = std::make_unique<HeadlessContext>(); }
    void TearDown() override { m_context.reset(); }

    // `n` frames at w x h. Without vtxOffset (like the WebGL2 backend) a draw list must stay under 64K vertices.
    static FrameStats Frames(Playground& p, float w, float h, int n, bool vtxOffset = false) {
        HeadlessContext::SetDisplay(w, h, vtxOffset);
        const ImDrawData* data = nullptr;
        for (int i = 0; i < n; ++i) data = HeadlessFrame([&] { p.Frame(); });
        FrameStats stats;
        if (!data) return stats;
        stats.vertices = data->TotalVtxCount;
        stats.lists = data->CmdListsCount;
        for (int i = 0; i < data->CmdListsCount; ++i)
            stats.maxListVertices = std::max<long>(stats.maxListVertices, data->CmdLists[i]->VtxBuffer.Size);
        return stats;
    }
    static FrameStats Frames(Playground& p, int n) { return Frames(p, 1280, 800, n); }

    // Frames until the playground has nothing left to compute. An inline executor advances a slice of wall-clock time
    // a frame, so a machine under load needs more frames: bounded by time (120 s), not by a count of frames.
    static void FramesUntilIdle(Playground& p, float w = 1280, float h = 800) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (p.Busy() && std::chrono::steady_clock::now() < until)
            Frames(p, w, h, 1);
        EXPECT_FALSE(p.Busy()) << "still computing after 120 s";
    }

    static nlohmann::json State(const Playground& p) { return nlohmann::json::parse(p.TestStateJson()); }

    // Presses the widget `id` the test state names as a user would, in a w x h window: the mouse over its middle,
    // the button down in one frame and up in the next, then two frames for what the click changes.
    static void Click(Playground& p, const std::string& id, float w = 1280, float h = 800) {
        const nlohmann::json box = State(p)["widgets"][id];
        ASSERT_TRUE(box.is_array()) << id << " is not drawn";
        ImGuiIO& io = ImGui::GetIO();
        io.AddMousePosEvent(box[0].get<float>() + box[2].get<float>() * 0.5f,
                            box[1].get<float>() + box[3].get<float>() * 0.5f);
        Frames(p, w, h, 1);
        io.AddMouseButtonEvent(0, true);
        Frames(p, w, h, 1);
        io.AddMouseButtonEvent(0, false);
        Frames(p, w, h, 2);
    }

    // No worker thread, no preset loaded: the test shows what it wants with Show*.
    static PlaygroundSettings Offline() {
        PlaygroundSettings s;
        s.backgroundThreads = false;
        s.loadPresetOnStart = false;
        return s;
    }

    // Four tasks of 50 ms CPU on four threads (and then 50 ms of I/O each, with `withIo`).
    static scenario::Scenario CpuScenario(bool withIo = false) {
        scenario::Scenario s;
        s.name = "cpu";
        scenario::TaskGroup g;
        g.name = "work";
        g.count = 4;
        scenario::Step step;
        step.kind = scenario::StepKind::Cpu;
        step.duration = 50'000'000;
        g.steps.push_back(step);
        if (withIo) {
            step.kind = scenario::StepKind::Io;
            g.steps.push_back(step);
        }
        s.groups.push_back(g);
        s.model.kind = scenario::ModelKind::Threads;
        s.model.workers = 4;
        return s;
    }

    // A comparison of three models (one thread for sequential, four for the others; processes recommended) and a
    // sweep of 1..maxWorkers workers (threads flat at 800 ms, processes faster up to 4 cores), made up: the Compare and
    // Scaling tabs without simulating.
    static models::Comparison SyntheticComparison() {
        models::Comparison c;
        for (auto kind : {scenario::ModelKind::Sequential, scenario::ModelKind::Threads, scenario::ModelKind::Processes}) {
            scenario::Model m;
            m.kind = kind;
            c.models.push_back(m);
            models::SimulationResult r;
            r.ok = true;
            r.trace = ThreadsTrace(kind == scenario::ModelKind::Sequential ? 1 : 4, 4, 40);
            c.results.push_back(std::move(r));
        }
        c.recommended = 2;
        c.reason = "CPU-bound work needs processes: each has its own GIL.";
        return c;
    }
    static std::vector<ScalingSeries> SyntheticScaling(int maxWorkers = 8) {
        std::vector<ScalingSeries> out;
        for (auto kind : {scenario::ModelKind::Threads, scenario::ModelKind::Processes}) {
            ScalingSeries s;
            s.model = kind;
            for (int w = 1; w <= maxWorkers; ++w) {
                s.workers.push_back(w);
                s.makespan.push_back(kind == scenario::ModelKind::Threads ? 800'000'000 : 800'000'000 / std::min(w, 4));
            }
            out.push_back(std::move(s));
        }
        return out;
    }

private:
    std::unique_ptr<HeadlessContext> m_context;
};

}  // namespace interleave::ui::testing
