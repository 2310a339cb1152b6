#pragma once
// One whole frame of the playground, headless: ImGui::NewFrame(), Playground::Frame() (scenario panel,
// toolbar, timeline with every lane in view, legend, metrics, explanation), ImGui::Render(), at
// 1920x1080 with fonts built and no GPU, showing a synthetic trace of `spans` spans over 32 thread
// lanes fitted to the view. Shared by bench/ui_playground_frame_bench.cpp (Google Benchmark, native)
// and tools/uibench (the plain program that also runs as wasm under node).
#include <cstdint>
#include <memory>

#include "../../tests/unit/ui/synthetic_trace.h"
#include "ui/headless.h"
#include "ui/playground.h"

namespace interleave::ui::bench {

inline constexpr int kLanes = 32;
inline constexpr float kWidth = 1920, kHeight = 1080;

class FrameWorkload {
public:
    explicit FrameWorkload(int64_t spans) : m_spans(spans) {
        HeadlessContext::SetDisplay(kWidth, kHeight, /*vtxOffset=*/false);  // like WebGL2
        PlaygroundSettings settings;
        settings.backgroundThreads = false;
        settings.loadPresetOnStart = false;
        m_playground = std::make_unique<Playground>(settings);
        scenario::Scenario s;
        s.name = "synthetic";
        s.description = "A synthetic trace for the frame benchmark.";
        scenario::TaskGroup group;
        group.name = "work";
        group.count = kLanes;
        scenario::Step step;
        step.kind = scenario::StepKind::Cpu;
        step.duration = 1'000'000;
        group.steps.push_back(step);
        s.groups.push_back(group);
        s.model.kind = scenario::ModelKind::Threads;
        s.model.workers = kLanes;
        m_playground->ShowRun(s, testing::LanesTrace(spans, kLanes));
        for (int i = 0; i < 3; ++i) Frame();  // fit, fonts, first layout
    }
    // One whole frame; returns the vertices it drew.
    int Frame() {
        const ImDrawData* data = HeadlessFrame([&] { m_playground->Frame(); });
        return data ? data->TotalVtxCount : 0;
    }
    int64_t Spans() const { return m_spans; }

private:
    int64_t m_spans;
    std::unique_ptr<Playground> m_playground;
};

}  // namespace interleave::ui::bench
