// Golden traces: the simulator's output for a few presets, fingerprinted. The same test runs natively
// and as wasm under node, so a match in both proves the trace is identical on both platforms.
// Regenerate after an intended change with INTERLEAVE_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_support.h"
#include "trace/trace_json.h"

using namespace interleave;

namespace {

uint64_t Fnv1a(const std::string& text) {
    uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

std::string Fingerprint(const std::string& preset) {
    auto result = models::Simulate(interleave::testing::Preset(preset));
    std::string json = trace::ToJson(result.trace);
    char line[256];
    std::snprintf(line, sizeof line, "%s spans=%zu instants=%zu makespan_ns=%lld fnv1a=%016llx\n", preset.c_str(),
                  result.trace.spans.size(), result.trace.instants.size(),
                  static_cast<long long>(result.trace.metrics.makespan), static_cast<unsigned long long>(Fnv1a(json)));
    return line;
}

}  // namespace

TEST(Golden, PresetTracesMatchTheirFingerprints) {
    const char* presets[] = {"blog_io_threads", "blog_cpu_threads", "blog_cpu_pool", "convoy_effect", "asyncio_to_thread",
                             "asyncio_taskgroup_failure", "lock_contention", "decision_mixed", "free_threaded_what_if"};
    std::string actual;
    for (const char* preset : presets) actual += Fingerprint(preset);
    const std::string path = std::string(INTERLEAVE_SOURCE_DIR) + "/tests/golden/simulator_fingerprints.txt";
    if (std::getenv("INTERLEAVE_UPDATE_GOLDEN")) {
        std::ofstream(path) << actual;
        GTEST_SKIP() << "wrote " << path;
    }
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing " << path << " (run with INTERLEAVE_UPDATE_GOLDEN=1)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str());
}
