// Queues and events in the C++ runtimes: the same waits as the simulator, and a deadlock reported at once (CPython
// would hang until the run's timeout).
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "native_test_support.h"

namespace interleave::native {
namespace {

using namespace testing;

std::string Pipeline(const std::string& model, const std::string& queues) {
    return R"({"name": "pipeline", "version": 3, "tasks": [
        {"name": "produce", "count": 1, "steps": [{"repeat": 10, "steps": [{"put": "q"}]}]},
        {"name": "consume", "count": 1, "steps": [{"repeat": 10, "steps": [{"get": "q"}, {"io": "10ms"}]}]}],
        "model": )" + model + queues + R"(, "machine": {"cores": 2}})";
}

TEST(ChannelsRuntime, ABoundedQueueHoldsTheProducerBackUnderThreadsAndAsyncio) {
    for (const char* model : {R"({"kind": "threads"})", R"({"kind": "asyncio"})"}) {
        const RealRunResult r = RunOk(Parse(Pipeline(model, R"(, "queues": {"q": {"maxsize": 2}})")));
        ASSERT_TRUE(r.ok) << r.error;
        // The tenth put waits for the eighth get, which comes after seven 10 ms waits of the consumer.
        EXPECT_GT(Ms(r.trace.tasks[0].finished), 65.0) << model;
        EXPECT_EQ(r.trace.metrics.tasksDone, 2) << model;
    }
}

TEST(ChannelsRuntime, AnEventHoldsEveryWaiterUntilItIsSetInTheCppRuntimeAndInCPython) {
    // Three tasks wait on "go"; a fourth sets it after 30 ms of I/O. threading.Event under threads, asyncio.Event
    // under asyncio; the C++ runtime and CPython running the exported program.
    const std::string waiters = R"({"name": "event", "version": 3, "tasks": [
        {"name": "wait", "count": 3, "steps": [{"wait": "go"}, {"cpu": "1ms"}]},
        {"name": "set", "count": 1, "steps": [{"io": "30ms"}, {"set": "go"}]}], "model": )";
    std::vector<RealRunKind> kinds = {RealRunKind::CppRuntime};
    if (HasPython()) kinds.push_back(RealRunKind::CPython);
    for (const RealRunKind kind : kinds) {
        for (const char* model : {R"({"kind": "threads"})", R"({"kind": "asyncio"})"}) {
            const RealRunResult r = RunOk(Parse(waiters + model + R"(, "machine": {"cores": 2}})"), kind, 60);
            ASSERT_EQ(r.trace.metrics.tasksDone, 4) << model;
            const trace::TaskRecord& setter = r.trace.tasks[3];
            for (int w = 0; w < 3; ++w) {
                const trace::TaskRecord& waiter = r.trace.tasks[static_cast<size_t>(w)];
                // Not before the set (the setter's 30 ms of I/O), and its 1 ms of Python after it.
                EXPECT_GE(Ms(waiter.finished - waiter.started), 29.0) << model << " " << waiter.name;
                EXPECT_GE(Ms(waiter.finished - setter.started), 30.0) << model << " " << waiter.name;
            }
        }
    }
}

TEST(ChannelsRuntime, ADeadlockIsReportedNotWaitedOut) {
    const auto start = std::chrono::steady_clock::now();
    {
        // Sequential: the producer fills the queue (maxsize 2) and waits for a consumer that runs after it.
        RunOptions options;
        options.timeoutSeconds = 60;
        const RealRunResult r = RunForReal(Parse(Pipeline(R"({"kind": "sequential"})", R"(, "queues": {"q": {"maxsize": 2}})")),
                                           RealRunKind::CppRuntime, options);
        EXPECT_FALSE(r.ok);
        EXPECT_NE(r.error.find("room on queue \"q\""), std::string::npos) << r.error;
    }
    const std::string lonely = R"({"name": "lonely", "tasks": [{"name": "t", "steps": [{"get": "jobs"}]}], "model": )";
    for (const char* model : {R"({"kind": "threads"})", R"({"kind": "asyncio"})"}) {
        RunOptions options;
        options.timeoutSeconds = 60;
        const RealRunResult r = RunForReal(Parse(lonely + model + "}"), RealRunKind::CppRuntime, options);
        EXPECT_FALSE(r.ok) << model;
        EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

}  // namespace
}  // namespace interleave::native
