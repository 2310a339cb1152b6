// A simulation is bounded in events, memory and wall-clock time, and can run in slices (issue 16: a
// 184-byte scenario once ran for minutes and a link to it froze the browser tab).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>

#include "models/simulate.h"
#include "test_support.h"
#include "trace/trace_json.h"

namespace models = interleave::models;
namespace scenario = interleave::scenario;

namespace {

// 24 tasks of an hour of pure Python at a 1 us switch interval: a few hundred bytes asking for about
// 10^11 GIL switches.
const char* kTinyButEndless = R"({"tasks":[{"name":"spin","count":24,"steps":[{"cpu":"1h"}]}],
    "model":{"kind":"threads"},"machine":{"cores":4,"profile":{"switch_interval":"1us"}}})";

}  // namespace

TEST(BoundedRun, ATimeLimitStopsATinyScenarioThatAsksForBillionsOfEvents) {
    auto s = interleave::testing::ParseOrDie(kTinyButEndless);
    models::SimulationOptions options;
    options.timeLimitSeconds = 0.2;
    auto result = models::Simulate(s, options);
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("time limit of 0.2 s"), std::string::npos) << result.error;
    EXPECT_GT(result.events, 0);
    EXPECT_LT(result.events, scenario::Limits::kMaxEvents);
}

TEST(BoundedRun, AMemoryLimitStopsARunWhoseTraceGrowsPastIt) {
    auto s = interleave::testing::ParseOrDie(kTinyButEndless);
    models::SimulationOptions options;
    options.maxTraceBytes = size_t{4} << 20;
    auto result = models::Simulate(s, options);
    EXPECT_FALSE(result.ok);
    EXPECT_NE(result.error.find("memory limit"), std::string::npos) << result.error;
    EXPECT_NE(result.error.find("limit 4 MiB"), std::string::npos) << result.error;
    // The failed run's spans are dropped, not copied into the result.
    EXPECT_TRUE(result.trace.spans.empty());
}

TEST(BoundedRun, SlicesGiveTheSameTraceAsOneGo) {
    // Every model, each long enough to be cut into many slices (the world pauses every 16384 events).
    for (const char* model : {"sequential", "threads", "free_threaded", "asyncio", "processes", "process_asyncio"}) {
        auto s = interleave::testing::ParseOrDie(std::string(R"({"tasks":[{"name":"t","count":8,"steps":[{"repeat":1000,"steps":[
            {"cpu":"50us"},{"await":"20us"},{"acquire":"l"},{"increment":"c"},{"release":"l"}]}]}],"model":{"kind":")") + model +
                                                 R"(","workers":3}})");
        models::SimulationOptions options;
        options.computeSequentialBaseline = false;
        const std::string whole = interleave::trace::ToJson(models::Simulate(s, options).trace);
        models::SimulationRun run(s, options);
        int slices = 1;
        while (!run.Advance(1)) ++slices;
        const models::SimulationResult sliced = run.TakeResult();
        ASSERT_TRUE(sliced.ok) << model << ": " << sliced.error;
        EXPECT_GE(slices, 20) << model << " was not cut into slices";
        EXPECT_EQ(interleave::trace::ToJson(sliced.trace), whole) << model << " in " << slices << " slices";
    }
}

TEST(BoundedRun, ACancelBetweenSlicesEndsTheRun) {
    auto s = interleave::testing::ParseOrDie(kTinyButEndless);
    std::atomic<bool> cancel{false};
    models::SimulationOptions options;
    options.cancel = &cancel;
    models::SimulationRun run(s, options);
    EXPECT_FALSE(run.Advance(1));
    cancel = true;
    EXPECT_TRUE(run.Advance(std::numeric_limits<int64_t>::max()));
    const auto result = run.TakeResult();
    EXPECT_FALSE(result.ok);
    EXPECT_EQ(result.error, "cancelled");
}
