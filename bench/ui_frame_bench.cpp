// CPU time to build one frame of timeline draw commands (the preprocess step of the Tracy-style
// timeline) with 10K to 10M spans in view: it should stay flat, because the level-of-detail step finds
// the visible spans by binary search and folds sub-3-px spans, so its work is bounded by pixel width.
//
// interleave_bench links interleave_cli (models, scenario, trace), not interleave_ui, so the two pure
// UI sources the bench needs (no ImGui in them) are compiled into it here.
#include <benchmark/benchmark.h>

#include <vector>

#include "../src/ui/timeline_lod.cpp"
#include "../src/ui/timeline_math.cpp"
#include "trace/trace.h"

namespace {

using interleave::trace::Span;
using interleave::trace::SpanState;
using interleave::ui::BuildDrawCommands;
using interleave::ui::DrawCmd;
using interleave::ui::TimeRange;

constexpr int kLanes = 32;          // a full-HD timeline shows about this many lanes
constexpr float kWidthPx = 1800.0f;

// `total` spans over kLanes tracks, each 70..130 ns with 30 ns gaps, so all of them are in view when
// fitted; states alternate like GIL turns.
struct Frame {
    std::vector<std::vector<Span>> lanes;
    TimeRange range;
};

Frame MakeFrame(int64_t total) {
    Frame f;
    f.lanes.resize(kLanes);
    const int64_t perLane = total / kLanes;
    int64_t end = 0;
    for (int l = 0; l < kLanes; ++l) {
        auto& spans = f.lanes[size_t(l)];
        spans.reserve(size_t(perLane));
        int64_t t = l * 7;
        for (int64_t i = 0; i < perLane; ++i) {
            Span s;
            s.start = t;
            s.end = t + 70 + (i * 37 + l) % 61;
            s.track = l;
            s.state = (i + l) % 3 == 0 ? SpanState::RunningPython : SpanState::WaitingGil;
            spans.push_back(s);
            t = s.end + 30;
        }
        end = std::max(end, t);
    }
    f.range = {0, double(end)};
    return f;
}

void BM_BuildFrameDrawCommands(benchmark::State& state) {
    const Frame frame = MakeFrame(state.range(0));
    std::vector<DrawCmd> cmds;
    cmds.reserve(8192);
    size_t built = 0;
    for (auto _ : state) {
        built = 0;
        for (const auto& lane : frame.lanes) {
            cmds.clear();
            BuildDrawCommands(lane, frame.range, kWidthPx, cmds);
            built += cmds.size();
            benchmark::DoNotOptimize(cmds.data());
        }
    }
    state.counters["spans"] = double(state.range(0));
    state.counters["draw_cmds"] = double(built);
}
BENCHMARK(BM_BuildFrameDrawCommands)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

// The same 1M spans zoomed into the middle tenth: culling by binary search.
void BM_BuildFrameDrawCommandsZoomed(benchmark::State& state) {
    const Frame frame = MakeFrame(state.range(0));
    const TimeRange zoomed{frame.range.t0 + frame.range.Width() * 0.45, frame.range.t0 + frame.range.Width() * 0.55};
    std::vector<DrawCmd> cmds;
    size_t built = 0;
    for (auto _ : state) {
        built = 0;
        for (const auto& lane : frame.lanes) {
            cmds.clear();
            BuildDrawCommands(lane, zoomed, kWidthPx, cmds);
            built += cmds.size();
            benchmark::DoNotOptimize(cmds.data());
        }
    }
    state.counters["draw_cmds"] = double(built);
}
BENCHMARK(BM_BuildFrameDrawCommandsZoomed)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
