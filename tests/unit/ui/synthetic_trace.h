#pragma once
// Synthetic traces for the UI tests and the bench: no simulator involved.
#include <cstdint>
#include <string>
#include <vector>

#include "trace/trace.h"

namespace interleave::ui::testing {

// `count` back-to-back spans of `width` ns on one track, alternating states, starting at 0.
inline std::vector<trace::Span> UniformSpans(int64_t count, int64_t width, int64_t gap = 0) {
    std::vector<trace::Span> spans;
    spans.reserve(size_t(count));
    int64_t t = 0;
    for (int64_t i = 0; i < count; ++i) {
        trace::Span s;
        s.start = t;
        s.end = t + width;
        s.track = trace::TrackId(0);
        s.task = trace::TaskId(int32_t(i % 8));
        s.state = i % 2 ? trace::SpanState::WaitingGil : trace::SpanState::RunningPython;
        spans.push_back(s);
        t += width + gap;
    }
    return spans;
}

// A GIL-bound run of `threads` threads on `cores` cores: a GIL lane, core lanes and thread lanes
// taking 5 ms turns, `turns` times; the waiters wait with cause = the holder and a drop request.
inline trace::Trace ThreadsTrace(int threads = 4, int cores = 4, int turns = 40, int64_t slice = 5'000'000) {
    trace::Trace t;
    t.label = "threads x" + std::to_string(threads);
    t.producer = "test";
    std::vector<trace::TrackId> core, thread;
    for (int c = 0; c < cores; ++c) core.push_back(t.AddTrack("core " + std::to_string(c), trace::TrackKind::Core));
    const trace::TrackId gil = t.AddTrack("GIL", trace::TrackKind::Gil);
    const trace::TrackId process = t.AddTrack("MainProcess", trace::TrackKind::Process);
    for (int i = 0; i < threads; ++i)
        thread.push_back(t.AddTrack("Thread-" + std::to_string(i + 1), trace::TrackKind::Thread, process));
    for (int i = 0; i < threads; ++i) t.tasks.push_back({"work[" + std::to_string(i) + "]", 0, 0, int64_t(turns) * slice});
    for (int k = 0; k < turns; ++k) {
        const int holder = k % threads;
        const trace::TaskId work(holder);
        const int64_t a = int64_t(k) * slice, b = a + slice;
        t.spans.push_back(
            {a, b, thread[size_t(holder)], work, trace::TrackId::None(), trace::SpanState::RunningPython});
        t.spans.push_back({a, b, gil, work, thread[size_t(holder)], trace::SpanState::HoldingGil});
        t.spans.push_back(
            {a, b, core[size_t(holder % cores)], work, thread[size_t(holder)], trace::SpanState::RunningPython});
        for (int j = 0; j < threads; ++j) {
            if (j == holder) continue;
            t.spans.push_back(
                {a, b, thread[size_t(j)], trace::TaskId(j), thread[size_t(holder)], trace::SpanState::WaitingGil});
            t.AddWait(t.spans.back(), a, a + slice);
        }
    }
    t.Finish();
    t.metrics.makespan = int64_t(turns) * slice;
    t.metrics.sequentialMakespan = t.metrics.makespan * 99 / 100;
    t.metrics.speedup = 0.99;
    t.metrics.gilWait = t.metrics.makespan * (threads - 1);
    t.metrics.cpuUtilisation = 1.0 / cores;
    return t;
}

// One track of `count` dense spans (1 ns gaps) plus a core track, for LOD-heavy frames.
inline trace::Trace DenseTrace(int64_t count, int64_t width = 100) {
    trace::Trace t;
    t.label = "dense";
    t.AddTrack("Thread-1", trace::TrackKind::Thread);
    t.spans = UniformSpans(count, width, 1);
    t.Finish();
    t.metrics.makespan = t.EndTime();
    return t;
}

// `total` spans spread over `lanes` thread tracks of one process, all in view when fitted: each lane
// alternates runs of Python and waits for the GIL (70..130 ns spans, 30 ns gaps), a task per lane,
// like a long GIL-bound run. Spans are appended grouped by track, in time order, and reserved once
// (10M spans are 320 MB: no doubling on the way, which matters in wasm's 2 GB).
inline trace::Trace LanesTrace(int64_t total, int lanes = 32) {
    trace::Trace t;
    t.label = "synthetic x" + std::to_string(lanes);
    t.producer = "test";
    const trace::TrackId process = t.AddTrack("MainProcess", trace::TrackKind::Process);
    std::vector<trace::TrackId> track;
    for (int l = 0; l < lanes; ++l) {
        track.push_back(t.AddTrack("Thread-" + std::to_string(l + 1), trace::TrackKind::Thread, process));
        t.tasks.push_back({"work[" + std::to_string(l) + "]", 0, 0, 0});
    }
    const int64_t perLane = total / lanes;
    t.spans.reserve(size_t(perLane) * size_t(lanes));
    for (int l = 0; l < lanes; ++l) {
        int64_t time = l * 7;
        for (int64_t i = 0; i < perLane; ++i) {
            trace::Span s;
            s.start = time;
            s.end = time + 70 + (i * 37 + l) % 61;
            s.track = track[size_t(l)];
            s.task = trace::TaskId(l);
            const bool runs = (i + l) % 3 == 0;
            s.state = runs ? trace::SpanState::RunningPython : trace::SpanState::WaitingGil;
            if (!runs) s.cause = track[size_t((l + 1) % lanes)];
            t.spans.push_back(s);
            time = s.end + 30;
        }
        t.tasks[size_t(l)].finished = time;
    }
    t.Finish();
    t.metrics.makespan = t.EndTime();
    return t;
}

}  // namespace interleave::ui::testing
