// multiprocessing.Queue between a process pool's workers (models/pool/process_queues.h): an item reaches another
// worker only once the putting process's feeder thread has pickled it into the pipe, that thread needs its process's
// GIL, the semaphore bounds the queue, and what the model cannot run is refused with the reason. A multiprocessing.Pipe
// has none of the feeder's delay: its send() pickles and writes in the caller.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using testing::Ms;
using testing::ParseOrDie;
using testing::SimulateOk;
using testing::TaskNamed;

// A pool of two forked workers, one task each (chunksize 1), on four cores, without the Pool's own set-up costs.
std::string PoolScenario(const std::string& produce, const std::string& consume, const std::string& profile,
                         const std::string& queues = "") {
    return R"({"name": "mp queue", "version": 3, "tasks": [{"name": "produce", "count": 1, "steps": )" + produce +
           R"(}, {"name": "consume", "count": 1, "steps": )" + consume + "}]" + queues +
           R"(, "model": {"kind": "processes", "workers": 2, "chunksize": 1, "start_method": "fork"},)" +
           R"( "machine": {"cores": 4, "profile": {"pool_import": "0us", "pool_setup": "0us")" + profile + "}}}";
}

const trace::Track* TrackNamed(const trace::Trace& t, const std::string& name) {
    for (const trace::Track& track : t.tracks)
        if (track.name == name) return &track;
    return nullptr;
}

TEST(ProcessQueues, ThePlanMakesAPoolsQueuesMultiprocessingQueues) {
    const scenario::Scenario s = ParseOrDie(PoolScenario(R"([{"put": "q"}])", R"([{"get": "q"}])", ""));
    EXPECT_TRUE(plan::MakePlan(s).processQueues);
    EXPECT_EQ(plan::Unsupported(s), "");
    EXPECT_FALSE(plan::MakePlan(testing::WithModel(s, scenario::ModelKind::Threads)).processQueues);
}

TEST(ProcessQueues, AnItemReachesAnotherWorkerOnlyOnceItsFeederPickledItIntoThePipe) {
    // put() returns at once; the feeder thread then spends mp_queue_feed on the item before a get() can see it.
    const std::string profile = R"(, "mp_queue_put": "0us", "mp_queue_feed": "10ms", "mp_queue_get": "1ms")";
    const trace::Trace t = SimulateOk(ParseOrDie(PoolScenario(R"([{"put": "q"}])", R"([{"get": "q"}])", profile))).trace;
    ASSERT_EQ(t.metrics.tasksDone, 2);
    const double after = Ms(TaskNamed(t, "consume[0]").finished - TaskNamed(t, "produce[0]").finished);
    EXPECT_GE(after, 11.0);  // the feeder's 10 ms, then the get's 1 ms
    EXPECT_LE(after, 12.0);
    // The feeder's lane is a thread of the process that put the item, and holds its pickling.
    const trace::Track* feeder = TrackNamed(t, plan::QueueFeederThreadName("q"));
    ASSERT_NE(feeder, nullptr);
    const trace::TrackId feederId = static_cast<trace::TrackId>(feeder - t.tracks.data());
    trace::TrackId producer = trace::TrackId::None();
    for (const trace::Instant& instant : t.instants)
        if (instant.kind == trace::InstantKind::TaskStart && instant.task == trace::TaskId(0)) producer = instant.track;
    EXPECT_EQ(feeder->parent, producer);
    trace::TimeNs pickling = 0;
    for (const trace::Span& span : t.spans)
        if (span.track == feederId && span.state == trace::SpanState::Pickling) pickling += span.end - span.start;
    EXPECT_NEAR(Ms(pickling), 10.0, 0.01);
    // Only a process that puts starts a feeder.
    int feeders = 0;
    for (const trace::Track& track : t.tracks) feeders += track.name.rfind("QueueFeederThread", 0) == 0;
    EXPECT_EQ(feeders, 1);
}

TEST(ProcessQueues, TheFeederWaitsForItsProcesssGilWhileThePutterRunsPython) {
    // After the put, the producer runs 50 ms of Python: its feeder gets the GIL only by a drop request, a switch
    // interval (5 ms) later. A producer that sleeps instead leaves the GIL free and the item goes at once.
    const std::string profile = R"(, "mp_queue_put": "0us", "mp_queue_feed": "100us", "mp_queue_get": "0us")";
    // How long after the put (produce's start) the item was taken, and how long the consumer, which starts later
    // (its worker is forked second), waited for it.
    auto run = [&](const std::string& after) {
        return SimulateOk(ParseOrDie(PoolScenario(R"([{"put": "q"}, )" + after + "]", R"([{"get": "q"}])", profile)))
            .trace;
    };
    const trace::Trace busy = run(R"({"cpu": "50ms"})");
    const double busyArrival = Ms(TaskNamed(busy, "consume[0]").finished - TaskNamed(busy, "produce[0]").started);
    EXPECT_GE(busyArrival, 5.0);
    EXPECT_LE(busyArrival, 7.0);
    EXPECT_GE(Ms(busy.metrics.gilWait), 5.0);  // the feeder waited for the GIL, not for a core
    const trace::Trace sleeping = run(R"({"io": "50ms"})");
    EXPECT_LE(Ms(TaskNamed(sleeping, "consume[0]").finished - TaskNamed(sleeping, "consume[0]").started), 0.5);
}

TEST(ProcessQueues, ABoundedQueueBlocksThePutUntilAGetReleasesTheSemaphore) {
    // maxsize 1: each put after the first waits for the consumer's next get, 10 ms of I/O apart.
    const std::string consume = R"([{"repeat": 3, "steps": [{"get": "q"}, {"io": "10ms"}]}])";
    const trace::Trace t = SimulateOk(ParseOrDie(PoolScenario(R"([{"repeat": 3, "steps": [{"put": "q"}]}])", consume,
                                                              "", R"(, "queues": {"q": {"maxsize": 1}})")))
                               .trace;
    ASSERT_EQ(t.metrics.tasksDone, 2);
    EXPECT_GE(Ms(TaskNamed(t, "produce[0]").finished - TaskNamed(t, "consume[0]").started), 10.0);
    // One depth lane, the parent's (qsize() is the same in every process), never above maxsize, back at 0.
    const trace::Track* lane = TrackNamed(t, plan::QueueLaneName("q"));
    ASSERT_NE(lane, nullptr);
    ASSERT_NE(lane->parent, trace::TrackId::None());
    EXPECT_EQ(t.tracks[lane->parent.Index()].name, plan::kMainProcess);
    const trace::TrackId laneId = static_cast<trace::TrackId>(lane - t.tracks.data());
    int64_t deepest = 0, last = -1;
    for (const trace::CounterSample& sample : t.samples) {
        if (sample.track != laneId) continue;
        deepest = std::max(deepest, sample.value);
        last = sample.value;
    }
    EXPECT_EQ(deepest, 1);
    EXPECT_EQ(last, 0);
}

TEST(ProcessQueues, AGetNobodyPutsToIsADeadlockThatNamesTheQueue) {
    const models::SimulationResult r =
        models::Simulate(ParseOrDie(PoolScenario(R"([{"io": "1ms"}])", R"([{"get": "jobs"}])", "")));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("multiprocessing.Queue \"jobs\""), std::string::npos) << r.error;
}

const char* const kPipe = R"(, "queues": {"q": {"pipe": true}})";

TEST(ProcessPipes, APipeIsAMultiprocessingPipeOnlyInAProcessPoolWithItsOwnCosts) {
    const scenario::Scenario s = ParseOrDie(PoolScenario(R"([{"put": "q"}])", R"([{"get": "q"}])",
                                                         R"(, "mp_pipe_send": "7us", "mp_pipe_recv": "3us")", kPipe));
    const int32_t q = 0;
    EXPECT_TRUE(plan::IsProcessPipe(s, q));
    EXPECT_EQ(plan::Unsupported(s), "");
    EXPECT_TRUE(plan::DepthLaneQueues(s).empty());  // a pipe cannot say how much it holds
    EXPECT_EQ(plan::ChannelCallCpu(s, scenario::StepKind::Put, q), 7'000);
    EXPECT_EQ(plan::ChannelCallCpu(s, scenario::StepKind::Get, q), 3'000);
    // Under threads (or asyncio) the same scenario's pipe is an unbounded queue, with its depth lane.
    const scenario::Scenario threads = testing::WithModel(s, scenario::ModelKind::Threads);
    EXPECT_FALSE(plan::IsProcessPipe(threads, q));
    EXPECT_EQ(plan::DepthLaneQueues(threads), std::vector<int32_t>{q});
    EXPECT_EQ(threads.QueueMaxsize(q), 0);
    EXPECT_EQ(SimulateOk(threads).trace.metrics.tasksDone, 2);
    // The format keeps it.
    EXPECT_TRUE(ParseOrDie(scenario::ScenarioToJson(s)).IsPipe(q));
}

TEST(ProcessPipes, ASentObjectIsReadableAtOnceWithoutAFeederThreadOrADepthLane) {
    // send() pickles and writes in the caller (10 ms here), then the reader reads and unpickles it (1 ms); the sender's
    // later 50 ms of Python do not hold it back (no feeder thread waits for the GIL).
    const std::string profile = R"(, "mp_pipe_send": "10ms", "mp_pipe_recv": "1ms")";
    const trace::Trace t = SimulateOk(ParseOrDie(PoolScenario(R"([{"put": "q"}, {"cpu": "50ms"}])",
                                                              R"([{"get": "q"}])", profile, kPipe)))
                               .trace;
    ASSERT_EQ(t.metrics.tasksDone, 2);
    const double arrival = Ms(TaskNamed(t, "consume[0]").finished - TaskNamed(t, "produce[0]").started);
    EXPECT_GE(arrival, 11.0);
    EXPECT_LE(arrival, 11.5);
    for (const trace::Track& track : t.tracks) {
        EXPECT_EQ(track.name.rfind("QueueFeederThread", 0), std::string::npos) << track.name;
        EXPECT_NE(track.name, plan::QueueLaneName("q"));
    }
    // The pickling is the sending task's own, on its worker's lane.
    trace::TrackId producer = trace::TrackId::None();
    for (const trace::Instant& instant : t.instants)
        if (instant.kind == trace::InstantKind::TaskStart && instant.task == trace::TaskId(0)) producer = instant.track;
    trace::TimeNs pickling = 0;
    for (const trace::Span& span : t.spans)
        if (span.track == producer && span.state == trace::SpanState::Pickling) pickling += span.end - span.start;
    // ...and the task's result, pickled back to the parent (message_overhead), the worker's first message: one fresh
    // page (plan::FreshPagesSent).
    const scenario::MachineProfile defaults;
    EXPECT_NEAR(Ms(pickling), 10.0 + Ms(defaults.messageOverhead) + Ms(plan::PageTouchTime(defaults, 1)), 0.001);
}

TEST(ProcessPipes, ASendBlocksWhileTheOSPipeIsFull) {
    // The reader starts reading 20 ms in: the sender's first kPipeCapacity objects fit in the pipe, the next two wait.
    const std::string sends = std::to_string(plan::kPipeCapacity + 2);
    const std::string profile = R"(, "mp_pipe_send": "1us", "mp_pipe_recv": "1us")";
    const trace::Trace t =
        SimulateOk(ParseOrDie(PoolScenario(R"([{"repeat": )" + sends + R"(, "steps": [{"put": "q"}]}])",
                                           R"([{"io": "20ms"}, {"repeat": )" + sends + R"(, "steps": [{"get": "q"}]}])",
                                           profile, kPipe)))
            .trace;
    ASSERT_EQ(t.metrics.tasksDone, 2);
    EXPECT_GE(Ms(TaskNamed(t, "produce[0]").finished - TaskNamed(t, "consume[0]").started), 20.0);
    trace::TimeNs waited = 0;
    for (const trace::Span& span : t.spans)
        if (span.task == trace::TaskId(0) && span.state == trace::SpanState::WaitingQueue)
            waited += span.end - span.start;
    EXPECT_GT(Ms(waited), 5.0);
}

TEST(ProcessPipes, APipeTwoTasksReadIsRefusedAndAnUnsentRecvIsADeadlockNamingThePipe) {
    const std::string twoReaders = R"({"name": "p", "version": 8, "tasks": [{"name": "produce", "count": 1, "steps": )"
                                   R"([{"put": "q"}]}, {"name": "consume", "count": 2, "steps": [{"get": "q"}]}],)"
                                   R"( "queues": {"q": {"pipe": true}}, "model": {"kind": "processes", "workers": 3}})";
    const std::string why = plan::Unsupported(ParseOrDie(twoReaders));
    EXPECT_NE(why.find("multiprocessing.Pipe \"q\" is read by 2 tasks"), std::string::npos) << why;
    EXPECT_FALSE(models::Simulate(ParseOrDie(twoReaders)).ok);
    // Under threads the same scenario is a queue.Queue two threads may read.
    EXPECT_EQ(plan::Unsupported(testing::WithModel(ParseOrDie(twoReaders), scenario::ModelKind::Threads)), "");

    const models::SimulationResult r =
        models::Simulate(ParseOrDie(PoolScenario(R"([{"io": "1ms"}])", R"([{"get": "q"}])", "", kPipe)));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("deadlock"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("multiprocessing.Pipe \"q\""), std::string::npos) << r.error;
}

TEST(ProcessPipes, APipeHasNoMaxsizeAndSaysWhy) {
    scenario::ParseError error;
    EXPECT_FALSE(scenario::ParseScenario(PoolScenario(R"([{"put": "q"}])", R"([{"get": "q"}])", "",
                                                      R"(, "queues": {"q": {"pipe": true, "maxsize": 2}})"),
                                         error));
    EXPECT_EQ(error.path, "queues.q.maxsize");
    EXPECT_NE(error.reason.find("has no maxsize"), std::string::npos) << error.reason;
    EXPECT_FALSE(scenario::ParseScenario(PoolScenario(R"([{"put": "q"}])", R"([{"get": "q"}])", "",
                                                      R"(, "queues": {"q": {"pipe": "yes"}})"),
                                         error));
    EXPECT_EQ(error.path, "queues.q.pipe");
}

// How long the task `name` ran in `s`, less the same with waking costing nothing: what its wake-ups cost it.
trace::TimeNs WakeCostsPaidBy(scenario::Scenario s, const std::string& name) {
    const trace::Trace paying = SimulateOk(s).trace;
    s.machine.profile.wakerCost = 0;
    s.machine.profile.wakerCostShallow = 0;
    const trace::Trace free = SimulateOk(s).trace;
    const auto time = [&](const trace::Trace& t) { return TaskNamed(t, name).finished - TaskNamed(t, name).started; };
    return time(paying) - time(free);
}

// Writing to a pipe a process sleeps on in read() wakes it as a futex wake does, and costs the writer the same:
// tests/reference/programs/wake_probe.c --pipe (a forked reader, 2026-12-06, quiet): 6.0 us to a core idle for up
// to 150 us, 16-18.5 us after 200 us or more, against 6.0-7.2 and 16.6-22 us for pthread_cond_signal in the same run;
// 1.2 us with nobody reading. Here the receiver has slept in recv() for the sender's 5 ms of I/O, on a core of its
// own (four cores): the sender's next Python starts waker_cost later.
TEST(ProcessPipes, ASendThatWakesAReceiverAsleepInRecvCostsTheSenderAWake) {
    const scenario::Scenario s = ParseOrDie(PoolScenario(R"([{"io": "5ms"}, {"put": "q"}, {"cpu": "1ms"}])",
                                                         R"([{"get": "q"}])", "", kPipe));
    EXPECT_EQ(WakeCostsPaidBy(s, "produce[0]"), scenario::MachineProfile{}.wakerCost);
    // Sent before anyone reads: nobody to wake, nothing to pay.
    const scenario::Scenario early =
        ParseOrDie(PoolScenario(R"([{"put": "q"}, {"cpu": "1ms"}])", R"([{"io": "5ms"}, {"get": "q"}])", "", kPipe));
    EXPECT_EQ(WakeCostsPaidBy(early, "produce[0]"), 0);
}

// A multiprocessing.Queue's put() notifies its feeder thread through a threading.Condition (a Lock's release: the
// futex wake of wake_probe.c --sem), and a get() releases the queue's semaphore, a sem_post() to a put() blocked in
// sem_wait() in another process. The producer's first put starts the feeder and wakes it a moment after it fell
// asleep (waker_cost_shallow: in CPython the feeder blocks on the condition's lock, which put() holds while it starts
// the thread, and the release wakes it); the second put wakes it after the producer's 5 ms of I/O: waker_cost. With
// maxsize 1 the producer's second put blocks until the consumer's get, which then pays for waking it.
TEST(ProcessQueues, APutThatWakesTheFeederAndAGetThatWakesABlockedPutCostTheirCallersAWake) {
    const std::string produce = R"([{"put": "q"}, {"io": "5ms"}, {"put": "q"}, {"cpu": "1ms"}])";
    const scenario::Scenario s = ParseOrDie(PoolScenario(produce, R"([{"get": "q"}, {"get": "q"}])", ""));
    const scenario::MachineProfile profile;
    EXPECT_EQ(WakeCostsPaidBy(s, "produce[0]"), profile.wakerCostShallow + profile.wakerCost);
    const scenario::Scenario bounded =
        ParseOrDie(PoolScenario(R"([{"put": "q"}, {"put": "q"}])", R"([{"io": "5ms"}, {"get": "q"}, {"cpu": "1ms"}])",
                                "", R"(, "queues": {"q": {"maxsize": 1}})"));
    EXPECT_EQ(WakeCostsPaidBy(bounded, "consume[0]"), profile.wakerCost);
}

}  // namespace
}  // namespace interleave
