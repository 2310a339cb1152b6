// CPU time of one whole playground frame (ImGui NewFrame, every panel and the timeline with all 32
// lanes in view, Render; headless at 1920x1080, no GPU) with 10K to 10M spans in the trace, all in
// view. It should stay flat: the timeline's work is bounded by pixels (see ui_frame_bench.cpp), and
// nothing else in a frame walks the spans. tools/uibench measures the same frame as wasm under node.
#include <benchmark/benchmark.h>

#include <memory>

#include "../tools/uibench/frame_workload.h"

namespace {

using interleave::ui::HeadlessContext;
using interleave::ui::bench::FrameWorkload;

void BM_PlaygroundFrame(benchmark::State& state) {
    // Kept between the benchmark's runs of this size (making 10M spans takes seconds).
    static std::unique_ptr<HeadlessContext> context;
    static std::unique_ptr<FrameWorkload> workload;
    if (!context) context = std::make_unique<HeadlessContext>();
    if (!workload || workload->Spans() != state.range(0)) {
        workload.reset();
        workload = std::make_unique<FrameWorkload>(state.range(0));
    }
    int vertices = 0;
    for (auto _ : state) vertices = workload->Frame();
    state.counters["spans"] = double(state.range(0));
    state.counters["vertices"] = double(vertices);
}
BENCHMARK(BM_PlaygroundFrame)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
