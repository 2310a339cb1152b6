// Simulator speed: events per second on the 10,000-task workload under each model, the 1,000 threads x
// 1,000 steps workload, and the memory each recorded span costs.
#include <benchmark/benchmark.h>

#include "models/simulate.h"
#include "sim_workloads.h"

using namespace interleave;

namespace {

scenario::Scenario Parse(const std::string& json) {
    scenario::ParseError error;
    auto parsed = scenario::ParseScenario(json, error);
    if (!parsed) std::abort();
    return *parsed;
}

void Run(benchmark::State& state, const scenario::Scenario& s) {
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    int64_t events = 0, spans = 0, bytes = 0;
    for (auto _ : state) {
        models::SimulationResult result = models::Simulate(s, options);
        if (!result.ok) state.SkipWithError(result.error.c_str());
        events += result.events;
        spans += static_cast<int64_t>(result.trace.spans.size());
        // A span's memory: the span itself, and its share of the wait details kept beside the spans.
        bytes += static_cast<int64_t>(result.trace.spans.capacity() * sizeof(trace::Span) +
                                      result.trace.Waits().capacity() * sizeof(trace::WaitDetail));
        benchmark::DoNotOptimize(result);
    }
    state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
    state.counters["events"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
    state.counters["spans"] = benchmark::Counter(static_cast<double>(spans), benchmark::Counter::kAvgIterations);
    state.counters["bytes_per_span"] = spans > 0 ? static_cast<double>(bytes) / static_cast<double>(spans) : 0.0;
}

void BM_TenThousandTasks(benchmark::State& state, const char* model) { Run(state, Parse(bench::TenThousandTasks(model))); }
void BM_ThousandThreadsThousandSteps(benchmark::State& state) { Run(state, Parse(bench::ThousandThreadsThousandSteps())); }

}  // namespace

BENCHMARK_CAPTURE(BM_TenThousandTasks, sequential, "sequential")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TenThousandTasks, threads, "threads")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TenThousandTasks, processes, "processes")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TenThousandTasks, asyncio, "asyncio")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TenThousandTasks, process_asyncio, "process_asyncio")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThousandThreadsThousandSteps)->Unit(benchmark::kMillisecond);
