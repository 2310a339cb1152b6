// CPU time to build one frame of timeline draw commands (the preprocess step of the Tracy-style
// timeline) with 10K to 10M spans in view: it should stay flat, because the level-of-detail step folds
// sub-3-px spans and finds each fold's end in the track's SpanIndex, so its work is bounded by pixel
// width. The "Searching" variant folds without the index (a galloping search through the spans per
// fold window), for comparison: it grows with the spans per pixel and their cache misses.
// bench/ui_playground_frame_bench.cpp measures the whole frame (ImGui included).
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "../tests/unit/ui/synthetic_trace.h"
#include "trace/trace.h"
#include "ui/timeline_lod.h"

namespace {

using interleave::trace::Trace;
using interleave::ui::BuildDrawCommands;
using interleave::ui::DrawCmd;
using interleave::ui::SpanIndex;
using interleave::ui::TimeRange;

constexpr int kLanes = 32;          // a full-HD timeline shows about this many lanes
constexpr float kWidthPx = 1800.0f;

// `total` spans over kLanes tracks (testing::LanesTrace), fitted, with each track's index. Kept
// between the benchmark's runs (Google Benchmark calls a function several times): 10M spans take a
// second to make.
struct Frame {
    int64_t total = 0;
    Trace trace;
    std::vector<SpanIndex> index;
    TimeRange range;
};

const Frame& GetFrame(int64_t total) {
    static std::unique_ptr<Frame> frame;
    if (!frame || frame->total != total) {
        frame.reset();
        frame = std::make_unique<Frame>();
        frame->total = total;
        frame->trace = interleave::ui::testing::LanesTrace(total, kLanes);
        for (size_t t = 0; t < frame->trace.tracks.size(); ++t)
            frame->index.emplace_back(frame->trace.SpansOf(interleave::trace::TrackId(int32_t(t))));
        frame->range = {0, double(frame->trace.EndTime())};
    }
    return *frame;
}

void Run(benchmark::State& state, const TimeRange& range, bool useIndex) {
    const Frame& frame = GetFrame(state.range(0));
    std::vector<DrawCmd> cmds;
    cmds.reserve(8192);
    size_t built = 0;
    for (auto _ : state) {
        built = 0;
        for (size_t t = 0; t < frame.trace.tracks.size(); ++t) {
            cmds.clear();
            BuildDrawCommands(frame.trace.SpansOf(interleave::trace::TrackId(int32_t(t))), range, kWidthPx, cmds,
                              interleave::ui::kFoldPx, useIndex ? &frame.index[t] : nullptr);
            built += cmds.size();
            benchmark::DoNotOptimize(cmds.data());
        }
    }
    state.counters["spans"] = double(state.range(0));
    state.counters["draw_cmds"] = double(built);
}

void BM_BuildFrameDrawCommands(benchmark::State& state) { Run(state, GetFrame(state.range(0)).range, true); }
BENCHMARK(BM_BuildFrameDrawCommands)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

void BM_BuildFrameDrawCommandsSearching(benchmark::State& state) { Run(state, GetFrame(state.range(0)).range, false); }
BENCHMARK(BM_BuildFrameDrawCommandsSearching)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

// The same spans zoomed into the middle tenth: culling by the index (or by binary search).
void BM_BuildFrameDrawCommandsZoomed(benchmark::State& state) {
    const TimeRange r = GetFrame(state.range(0)).range;
    Run(state, {r.t0 + r.Width() * 0.45, r.t0 + r.Width() * 0.55}, true);
}
BENCHMARK(BM_BuildFrameDrawCommandsZoomed)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

// Building the index of every track: once per trace (a simulation's or a file's), not per frame.
void BM_BuildSpanIndex(benchmark::State& state) {
    const Frame& frame = GetFrame(state.range(0));
    size_t bytes = 0;
    for (auto _ : state) {
        bytes = 0;
        for (size_t t = 0; t < frame.trace.tracks.size(); ++t) {
            SpanIndex index(frame.trace.SpansOf(interleave::trace::TrackId(int32_t(t))));
            bytes += index.Bytes();
            benchmark::DoNotOptimize(bytes);
        }
    }
    state.counters["index_bytes"] = double(bytes);
}
BENCHMARK(BM_BuildSpanIndex)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
