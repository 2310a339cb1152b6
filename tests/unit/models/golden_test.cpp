// Golden traces: the simulator's output for a few presets, as readable text (trace::ToText) in
// tests/golden/<preset>.trace.txt. A change shows which span moved, on which lane, from when to when. The same test
// runs natively and as wasm under node, so a match in both proves the trace is identical on both platforms.
// Regenerate after an intended change with INTERLEAVE_UPDATE_GOLDEN=1, and read the diff before committing it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "test_support.h"
#include "trace/trace_text.h"

using namespace interleave;

namespace {

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// "" when equal; else the first difference, with the lane (or section) it is in, and how many lines differ.
std::string FirstDifference(const std::string& expected, const std::string& actual) {
    const std::vector<std::string> want = Lines(expected), got = Lines(actual);
    size_t first = 0;
    while (first < want.size() && first < got.size() && want[first] == got[first]) ++first;
    if (first == want.size() && first == got.size()) return "";
    std::string section = "(header)";
    for (size_t i = 0; i < first && i < want.size(); ++i)
        if (!want[i].empty() && want[i][0] != ' ') section = want[i];
    size_t differing = 0;
    for (size_t i = 0; i < std::max(want.size(), got.size()); ++i)
        differing += i >= want.size() || i >= got.size() || want[i] != got[i];
    return "line " + std::to_string(first + 1) + ", in " + section + ":\n  expected: " +
           (first < want.size() ? want[first] : "(end)") + "\n  actual:   " + (first < got.size() ? got[first] : "(end)") +
           "\n(" + std::to_string(differing) + " of " + std::to_string(want.size()) + " lines differ; " +
           std::to_string(got.size()) + " lines now)";
}

}  // namespace

TEST(Golden, PresetTracesMatchTheirReadableGoldens) {
    const char* presets[] = {"blog_io_threads", "blog_cpu_threads", "blog_cpu_pool", "convoy_effect", "asyncio_to_thread",
                             "asyncio_taskgroup_failure", "lock_contention", "decision_mixed", "free_threaded_what_if"};
    const bool update = std::getenv("INTERLEAVE_UPDATE_GOLDEN") != nullptr;
    for (const char* preset : presets) {
        const auto result = models::Simulate(interleave::testing::Preset(preset));
        ASSERT_TRUE(result.ok) << preset << ": " << result.error;
        const std::string actual = trace::ToText(result.trace);
        const std::string path = std::string(INTERLEAVE_SOURCE_DIR) + "/tests/golden/" + preset + ".trace.txt";
        if (update) {
            std::ofstream(path) << actual;
            continue;
        }
        std::ifstream in(path);
        ASSERT_TRUE(in) << "missing " << path << " (run with INTERLEAVE_UPDATE_GOLDEN=1)";
        std::stringstream expected;
        expected << in.rdbuf();
        EXPECT_EQ(FirstDifference(expected.str(), actual), "") << preset << " (" << path << ")";
    }
    if (update) GTEST_SKIP() << "wrote tests/golden/*.trace.txt";
}
