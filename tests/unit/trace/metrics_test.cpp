#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "trace/trace.h"

using namespace interleave::trace;

namespace {

// A trace whose finished tasks took `latencies` ns (in a shuffled order) and one task that never ended.
Trace TasksTaking(std::vector<TimeNs> latencies) {
    std::mt19937 random(9);
    std::shuffle(latencies.begin(), latencies.end(), random);
    Trace trace;
    for (TimeNs latency : latencies) {
        TaskRecord task;
        task.submitted = 100;
        task.started = 100;
        task.finished = 100 + latency;
        trace.tasks.push_back(task);
    }
    trace.tasks.push_back(TaskRecord{});  // unfinished: not a latency
    return trace;
}

}  // namespace

TEST(Metrics, LatencyPercentilesAreNearestRankOverFinishedTasks) {
    std::vector<TimeNs> latencies;
    for (TimeNs l = 1; l <= 1000; ++l) latencies.push_back(l * 1000);
    Trace trace = TasksTaking(latencies);
    ComputeMetrics(trace);
    EXPECT_EQ(trace.metrics.latency.p50, 500'000);
    EXPECT_EQ(trace.metrics.latency.p90, 900'000);
    EXPECT_EQ(trace.metrics.latency.p99, 990'000);
    EXPECT_EQ(trace.metrics.latency.max, 1'000'000);
    EXPECT_EQ(trace.metrics.tasksDone, 1000);
}

TEST(Metrics, LatencyPercentilesOfFewTasksAndOfNone) {
    Trace three = TasksTaking({30, 10, 20});
    ComputeMetrics(three);
    EXPECT_EQ(three.metrics.latency.p50, 20);
    EXPECT_EQ(three.metrics.latency.p90, 30);
    EXPECT_EQ(three.metrics.latency.p99, 30);
    EXPECT_EQ(three.metrics.latency.max, 30);

    Trace repeated = TasksTaking({7, 7, 7, 7, 9});
    ComputeMetrics(repeated);
    EXPECT_EQ(repeated.metrics.latency.p50, 7);
    EXPECT_EQ(repeated.metrics.latency.p90, 9);
    EXPECT_EQ(repeated.metrics.latency.max, 9);

    Trace none = TasksTaking({});
    ComputeMetrics(none);
    EXPECT_EQ(none.metrics.latency.p50, 0);
    EXPECT_EQ(none.metrics.latency.max, 0);
}

TEST(Metrics, MedianGilSliceIsTheLowerMedianOfTheHoldingSpans) {
    Trace trace;
    const TrackId gil = trace.AddTrack("GIL", TrackKind::Gil);
    const std::vector<TimeNs> lengths = {40, 10, 80, 20, 70, 30, 60, 50};  // lower median: 40
    TimeNs at = 0;
    for (TimeNs length : lengths) {
        Span span;
        span.track = gil;
        span.start = at;
        span.end = at + length;
        span.state = SpanState::HoldingGil;
        trace.spans.push_back(span);
        at += length;
    }
    trace.Finish();
    ComputeMetrics(trace);
    EXPECT_EQ(trace.metrics.medianGilSlice, 40);
}
