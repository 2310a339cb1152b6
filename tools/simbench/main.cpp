// A plain timing run of the simulator's benchmark workloads, for where Google Benchmark is not
// available: the wasm build under node, and scripts/bench-compare.sh, which builds this same file against an
// older revision's simulator to time both side by side. Prints one line per workload: events, spans, the first
// and the best wall time, events/s at the best.
//     interleave_simbench [REPEATS [WORKLOAD]]   each 10k-task workload REPEATS times (default 5), the large one
//                                                REPEATS/10 times (at most 3 below 30); WORKLOAD: only the workloads
//                                                whose name contains it
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../../bench/sim_workloads.h"
#include "models/simulate.h"
#include "platform/memory.h"

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
    double best = 1e300, first = 0;
    int64_t events = 0;
    size_t spans = 0;
    for (int i = 0; i < repeats; ++i) {
        auto start = std::chrono::steady_clock::now();
        models::SimulationResult result = models::Simulate(*s, options);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (i == 0) first = seconds;
        if (seconds < best) best = seconds;
        events = result.events;
        spans = result.trace.spans.size();
    }
    std::printf("%-34s events=%-10lld spans=%-9zu first=%9.3f ms best=%9.3f ms  %6.2f M events/s\n", name,
                static_cast<long long>(events), spans, first * 1e3, best * 1e3, static_cast<double>(events) / best / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
    const int repeats = argc > 1 ? std::clamp(std::atoi(argv[1]), 1, 100000) : 5;
    const std::string only = argc > 2 ? argv[2] : "";
    const auto chosen = [&](const std::string& name) { return name.find(only) != std::string::npos; };
    std::printf("memory policy (platform/memory.h): %s\n",
                platform::MemoryPolicyApplied() ? "huge pages for large blocks, freed memory kept" : "the allocator's defaults");
    // The large workload first, as a fresh process's first simulation (what `interleave sim` pays).
    if (chosen("1000 threads x 1000 steps"))
        Measure("1000 threads x 1000 steps", bench::ThousandThreadsThousandSteps(),
                repeats >= 30 ? repeats / 10 : std::min(repeats, 3));
    for (const char* model : {"sequential", "threads", "processes", "asyncio", "process_asyncio"}) {
        const std::string name = std::string("10k tasks, ") + model;
        if (chosen(name)) Measure(name.c_str(), bench::TenThousandTasks(model), repeats);
    }
    std::printf("sizeof(trace::Span) = %zu bytes\n", sizeof(trace::Span));
    return 0;
}
