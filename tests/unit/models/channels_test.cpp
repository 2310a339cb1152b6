// Queues and events between tasks (put, get, set, wait): the format, and what the simulator does with them under
// threads, the free-threaded build, asyncio and sequential code, and where they are refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <string>

#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using testing::ParseOrDie;
using testing::SimulateOk;

std::string Scenario(const std::string& tasks, const std::string& model, const std::string& extra = "") {
    return R"({"name": "channels", "version": 3, "tasks": )" + tasks + extra + R"(, "model": )" + model +
           R"(, "machine": {"cores": 4}})";
}

// A producer that only puts (no work of its own) and a consumer that takes each item and then does 10 ms of I/O.
std::string ProducerConsumer(int items, const std::string& queues) {
    const std::string n = std::to_string(items);
    return Scenario(R"([{"name": "produce", "count": 1, "steps": [{"repeat": )" + n + R"(, "steps": [{"put": "q"}]}]},
                        {"name": "consume", "count": 1, "steps": [{"repeat": )" + n +
                        R"(, "steps": [{"get": "q"}, {"io": "10ms"}]}]}])",
                    R"({"kind": "threads"})", queues);
}

double FinishedMs(const trace::Trace& t, int task) { return static_cast<double>(t.tasks[static_cast<size_t>(task)].finished) / 1e6; }

TEST(ChannelsFormat, StepsAndQueueBoundsRoundTrip) {
    const scenario::Scenario s = ParseOrDie(ProducerConsumer(3, R"(, "queues": {"q": {"maxsize": 2}})"));
    ASSERT_EQ(s.names.size(), 1u);
    EXPECT_EQ(s.QueueMaxsize(0), 2);
    EXPECT_TRUE(s.UsesChannels());
    const std::string json = scenario::ScenarioToJson(s);
    EXPECT_NE(json.find("\"maxsize\": 2"), std::string::npos) << json;
    const scenario::Scenario again = ParseOrDie(json);
    EXPECT_EQ(scenario::ScenarioToJson(again), json);
    EXPECT_EQ(again.QueueMaxsize(0), 2);
}

TEST(ChannelsFormat, ANameIsOneKindOfObject) {
    scenario::ParseError error;
    const auto parsed = scenario::ParseScenario(
        Scenario(R"([{"name": "a", "steps": [{"acquire": "x"}, {"release": "x"}, {"put": "x"}]}])", R"({"kind": "threads"})"),
        error);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(error.path, "tasks[0].steps[2].put");
    EXPECT_NE(error.reason.find("is a lock in an earlier step, so it cannot be a queue"), std::string::npos) << error.reason;
}

TEST(ChannelsFormat, QueueBoundsNameAQueueAndAreWholeNumbers) {
    scenario::ParseError error;
    const std::string tasks = R"([{"name": "a", "steps": [{"put": "q"}, {"get": "q"}, {"set": "e"}]}])";
    EXPECT_FALSE(scenario::ParseScenario(Scenario(tasks, R"({"kind": "threads"})", R"(, "queues": {"typo": {"maxsize": 1}})"), error));
    EXPECT_EQ(error.path, "queues.typo");
    EXPECT_FALSE(scenario::ParseScenario(Scenario(tasks, R"({"kind": "threads"})", R"(, "queues": {"e": {"maxsize": 1}})"), error));
    EXPECT_EQ(error.path, "queues.e");  // an event is not a queue
    EXPECT_FALSE(scenario::ParseScenario(Scenario(tasks, R"({"kind": "threads"})", R"(, "queues": {"q": {"maxsize": -1}})"), error));
    EXPECT_EQ(error.path, "queues.q.maxsize");
    EXPECT_FALSE(scenario::ParseScenario(Scenario(tasks, R"({"kind": "threads"})", R"(, "queues": {"q": {"size": 1}})"), error));
    EXPECT_EQ(error.path, "queues.q.size");
}

TEST(ChannelsSimulation, ABoundedQueueHoldsTheProducerBack) {
    // maxsize 2: the 10th put can go in once the consumer has taken 8 items, and it takes one every 10 ms.
    const trace::Trace bounded = SimulateOk(ParseOrDie(ProducerConsumer(10, R"(, "queues": {"q": {"maxsize": 2}})"))).trace;
    EXPECT_GT(FinishedMs(bounded, 0), 69.0);
    EXPECT_LT(FinishedMs(bounded, 0), 72.0);
    // Unbounded: the producer is done at once; the consumer still needs ten I/O waits.
    const trace::Trace unbounded = SimulateOk(ParseOrDie(ProducerConsumer(10, ""))).trace;
    EXPECT_LT(FinishedMs(unbounded, 0), 1.0);
    EXPECT_GT(FinishedMs(unbounded, 1), 100.0);
    // The producer's waits are on its lane, as waiting on a queue.
    int64_t queueWaits = 0;
    for (const trace::Span& span : bounded.spans) queueWaits += span.state == trace::SpanState::WaitingQueue;
    EXPECT_GT(queueWaits, 0);
}

TEST(ChannelsSimulation, AnEventHoldsEveryWaiterUntilItIsSet) {
    const std::string tasks = R"([{"name": "waiter", "count": 3, "steps": [{"wait": "ready"}, {"cpu": "1ms"}]},
                                  {"name": "setter", "count": 1, "steps": [{"io": "20ms"}, {"set": "ready"}]}])";
    for (const char* model : {R"({"kind": "threads"})", R"({"kind": "free_threaded"})", R"({"kind": "asyncio"})"}) {
        const trace::Trace t = SimulateOk(ParseOrDie(Scenario(tasks, model))).trace;
        for (int w = 0; w < 3; ++w) EXPECT_GT(FinishedMs(t, w), 21.0) << model;
        EXPECT_LT(FinishedMs(t, 3), 20.5) << model;
    }
}

TEST(ChannelsSimulation, AsyncioQueuesPassEveryItem) {
    // Two producers of five items each, three consumers that take the ten between them: all finish, and the last
    // consumer cannot finish before the last item was put (after the producers' 5 x 10 ms of awaits).
    const std::string tasks = R"([{"name": "p", "count": 2, "steps": [{"repeat": 5, "steps": [{"await": "10ms"}, {"put": "q"}]}]},
                                  {"name": "c", "count": 2, "steps": [{"repeat": 4, "steps": [{"get": "q"}]}]},
                                  {"name": "d", "count": 1, "steps": [{"repeat": 2, "steps": [{"get": "q"}]}]}])";
    const trace::Trace t = SimulateOk(ParseOrDie(Scenario(tasks, R"({"kind": "asyncio"})", R"(, "queues": {"q": {"maxsize": 1}})"))).trace;
    EXPECT_EQ(t.metrics.tasksDone, 5);
    double last = 0;
    for (int k = 2; k < 5; ++k) last = std::max(last, FinishedMs(t, k));
    EXPECT_GE(last, 50.0);
}

TEST(ChannelsSimulation, AGetNobodyPutsToIsADeadlockThatNamesTheQueue) {
    const std::string tasks = R"([{"name": "lonely", "steps": [{"get": "jobs"}]}])";
    for (const char* model : {R"({"kind": "threads"})", R"({"kind": "sequential"})"}) {
        const models::SimulationResult r = models::Simulate(ParseOrDie(Scenario(tasks, model)));
        EXPECT_FALSE(r.ok) << model;
        EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
        EXPECT_NE(r.error.find("queue \"jobs\""), std::string::npos) << r.error;
    }
    const models::SimulationResult loop = models::Simulate(ParseOrDie(Scenario(tasks, R"({"kind": "asyncio"})")));
    EXPECT_FALSE(loop.ok);
    EXPECT_NE(loop.error.find("deadlock"), std::string::npos) << loop.error;
}

TEST(ChannelsSimulation, ProcessPoolsRefuseWhatTheyCannotShareWithTheReason) {
    // Between worker processes a queue is a multiprocessing.Queue (process_queues_test.cpp); an event is not
    // modelled, nor a queue in workers that each run an event loop.
    const scenario::Scenario queue = ParseOrDie(ProducerConsumer(2, ""));
    const std::string eventTasks = R"([{"name": "a", "steps": [{"set": "go"}]}, {"name": "b", "steps": [{"wait": "go"}]}])";
    const scenario::Scenario event = ParseOrDie(Scenario(eventTasks, R"({"kind": "threads"})"));
    const std::pair<scenario::Scenario, const char*> refused[] = {
        {testing::WithModel(queue, scenario::ModelKind::ProcessAsyncio), "the queue \"q\" would be a multiprocessing"},
        {testing::WithModel(event, scenario::ModelKind::Processes), "the event \"go\" would need a multiprocessing.Event"},
        {testing::WithModel(event, scenario::ModelKind::ProcessAsyncio), "the event \"go\""}};
    for (const auto& [s, why] : refused) {
        const models::SimulationResult r = models::Simulate(s);
        EXPECT_FALSE(r.ok);
        EXPECT_EQ(r.error, plan::Unsupported(s));
        EXPECT_NE(r.error.find("separate worker processes"), std::string::npos) << r.error;
        EXPECT_NE(r.error.find(why), std::string::npos) << r.error;
    }
    EXPECT_EQ(plan::Unsupported(queue), "");
    EXPECT_EQ(plan::Unsupported(testing::WithModel(queue, scenario::ModelKind::Processes)), "");
}

TEST(ChannelsSimulation, AQueuesDepthLaneFollowsEveryPutAndGet) {
    // The pipeline preset: under the GIL the run is the parsing, serialised (40 x 8 ms), whichever way the queue
    // goes (CPython 3.11 filled it in 3 of 5 runs and kept it at one page in 2: tests/reference/programs/
    // pipeline_depth.py); free-threaded, the parsers run side by side and the queue fills to its maxsize.
    const scenario::Scenario s = testing::Preset("pipeline");
    for (const auto& [kind, serialised] : {std::pair{scenario::ModelKind::Threads, true},
                                           std::pair{scenario::ModelKind::FreeThreaded, false}}) {
        const bool fills = !serialised;
        scenario::Scenario run = s;
        run.model.kind = kind;
        const trace::Trace t = SimulateOk(run).trace;
        trace::TrackId lane = trace::TrackId::None();
        for (size_t i = 0; i < t.tracks.size(); ++i)
            if (t.tracks[i].kind == trace::TrackKind::Counter) lane = trace::TrackId(i);
        ASSERT_NE(lane, trace::TrackId::None());
        EXPECT_EQ(t.tracks[lane.Index()].name, plan::QueueLaneName("pages"));
        const auto samples = t.SamplesOf(lane);
        ASSERT_EQ(samples.size(), 1u + 40 + 40);  // the start, then every put and every get
        int64_t most = 0, previous = 0;
        for (size_t i = 1; i < samples.size(); ++i) {
            EXPECT_EQ(std::abs(samples[i].value - previous), 1) << "a put or a get moves the depth by one";
            previous = samples[i].value;
            most = std::max(most, samples[i].value);
        }
        EXPECT_EQ(samples.back().value, 0);
        EXPECT_LE(most, 4);
        if (fills) {
            EXPECT_EQ(most, 4);
        }
        const trace::TimeNs parsing = 40 * 8'000'000;
        if (serialised) {
            EXPECT_GE(t.metrics.makespan, parsing);
        } else {
            EXPECT_LT(t.metrics.makespan, parsing * 8 / 10);  // side by side, each 1.4x slower (3.13t)
        }
    }
}

}  // namespace
}  // namespace interleave
