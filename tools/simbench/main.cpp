// A plain timing run of the simulator's benchmark workloads, for where Google Benchmark is not
// available: the wasm build under node. Prints one line per workload: events, wall time, events/s.
#include <chrono>
#include <cstdio>

#include "../../bench/sim_workloads.h"
#include "models/simulate.h"

using namespace interleave;

namespace {

void Measure(const char* name, const std::string& json, int repeats) {
    scenario::ParseError error;
    auto s = scenario::ParseScenario(json, error);
    if (!s) {
        std::printf("%s: %s\n", name, error.Message().c_str());
        return;
    }
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    double best = 1e300;
    int64_t events = 0;
    size_t spans = 0;
    for (int i = 0; i < repeats; ++i) {
        auto start = std::chrono::steady_clock::now();
        models::SimulationResult result = models::Simulate(*s, options);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (seconds < best) best = seconds;
        events = result.events;
        spans = result.trace.spans.size();
    }
    std::printf("%-34s events=%-10lld spans=%-9zu best=%8.1f ms  %6.2f M events/s\n", name, static_cast<long long>(events), spans,
                best * 1e3, static_cast<double>(events) / best / 1e6);
}

}  // namespace

int main() {
    for (const char* model : {"sequential", "threads", "processes", "asyncio", "process_asyncio"})
        Measure((std::string("10k tasks, ") + model).c_str(), bench::TenThousandTasks(model), 3);
    Measure("1000 threads x 1000 steps", bench::ThousandThreadsThousandSteps(), 2);
    std::printf("sizeof(trace::Span) = %zu bytes\n", sizeof(trace::Span));
    return 0;
}
