// The CPU time of one whole playground frame (tools/uibench/frame_workload.h) with 10K to 10M spans in
// view, as a plain program so it runs as wasm under node as well as natively (scripts/bench.sh runs
// both and prints them side by side). One line per size: the median and best time of a frame, timed
// with steady_clock around the frame (the frame is single-threaded, so on an idle core that is its CPU
// time), and the median of std::clock() (the process's CPU time natively; in wasm clock() only ticks
// in whole milliseconds, so read the first figure there).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "frame_workload.h"

using interleave::ui::HeadlessContext;
using interleave::ui::bench::FrameWorkload;

int main(int argc, char** argv) {
    // Optional: the largest size to run (10M spans need about 0.6 GB).
    const long long maxSpans = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
    HeadlessContext context;
    for (long long spans : {10'000LL, 100'000LL, 1'000'000LL, 10'000'000LL}) {
        if (spans > maxSpans) break;
        const auto setupStart = std::chrono::steady_clock::now();
        FrameWorkload workload(spans);
        const double setupMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - setupStart).count();
        std::vector<double> cpu, wall;
        const auto runStart = std::chrono::steady_clock::now();
        int vertices = 0;
        // At least 20 frames and 0.5 s.
        while (cpu.size() < 20 || std::chrono::steady_clock::now() - runStart < std::chrono::milliseconds(500)) {
            const std::clock_t c0 = std::clock();
            const auto w0 = std::chrono::steady_clock::now();
            vertices = workload.Frame();
            wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w0).count());
            cpu.push_back(double(std::clock() - c0) * 1e3 / CLOCKS_PER_SEC);
            if (cpu.size() >= 2000) break;
        }
        std::sort(cpu.begin(), cpu.end());
        std::sort(wall.begin(), wall.end());
        std::printf("frame %9lld spans: median %6.3f ms  best %6.3f ms | cpu median %6.3f ms | %4zu frames, %6d vertices, setup %6.0f ms\n",
                    spans, wall[wall.size() / 2], wall.front(), cpu[cpu.size() / 2], cpu.size(), vertices, setupMs);
        std::fflush(stdout);
    }
    return 0;
}
