// What crosses a process boundary costs by its kind: bytes at pickle_throughput, object graphs at
// pickle_objects_throughput (plan::PickleTime), in the simulator's process pools.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using trace::SpanState;

// The time the parent (`inParent`: its _handle_tasks thread pickling arguments, its _handle_results thread
// unpickling results) or the workers spend in `state`.
trace::TimeNs ProcessTime(const trace::Trace& t, SpanState state, bool inParent) {
    trace::TimeNs total = 0;
    for (const trace::Span& span : t.spans) {
        if (span.state != state || !span.track.Valid()) continue;
        trace::TrackId root = span.track;
        while (t.tracks[root.Index()].parent != trace::TrackId::None())
            root = t.tracks[root.Index()].parent;
        if ((t.tracks[root.Index()].name == plan::kMainProcess) == inParent &&
            t.tracks[span.track.Index()].kind != trace::TrackKind::Core)
            total += span.end - span.start;
    }
    return total;
}
trace::TimeNs ParentTime(const trace::Trace& t, SpanState state) { return ProcessTime(t, state, true); }

scenario::Scenario Pool(const std::string& payload) {
    return testing::ParseOrDie(
        R"({"tasks":[{"name":"t","count":4,"steps":[{"send":"10MB")" + payload + R"(},{"cpu":"5ms"},{"return":"2MB")" +
        payload + R"(}]}],"model":{"kind":"processes","workers":2},"machine":{"cores":4}})");
}

TEST(Payload, AnObjectGraphPicklesAtTheObjectThroughput) {
    const auto bytes = testing::SimulateOk(Pool(""));
    const auto objects = testing::SimulateOk(Pool(R"(,"payload":"objects")"));
    const scenario::MachineProfile profile;
    // Four tasks of 10 MB arguments: pickled by the parent at 1 GB/s as bytes, at 86 MB/s as objects.
    const trace::TimeNs bytesPickling = ParentTime(bytes.trace, SpanState::Pickling);
    const trace::TimeNs objectsPickling = ParentTime(objects.trace, SpanState::Pickling);
    // The parent's first message also writes fresh pages (plan::FreshPagesSent), at 1 us a page.
    const double firstSendPages = static_cast<double>(plan::PageTouchTime(profile, plan::FreshPagesSent(10'000'064, true)));
    EXPECT_NEAR(static_cast<double>(bytesPickling), 4 * 10e6 * 1e9 / double(profile.pickleBytesPerSecond) + firstSendPages, 2e6);
    // An object graph built before the fork also copies its pages at its first pickling (plan::PagesCopiedOnWrite).
    const double copied = static_cast<double>(
        plan::PageTouchTime(profile, plan::PagesCopiedOnWrite(10'000'000, scenario::StartMethod::Fork)));
    EXPECT_NEAR(static_cast<double>(objectsPickling),
                4 * 10e6 * 1e9 / double(profile.pickleObjectsBytesPerSecond) + firstSendPages + copied, 5e6);
    // The results come back as objects too, unpickled by the parent at 72 MB/s.
    EXPECT_GT(ParentTime(objects.trace, SpanState::Unpickling), 4 * trace::TimeNs(2e6 * 1e9 / double(profile.unpickleObjectsBytesPerSecond)) * 9 / 10);
    EXPECT_GT(objects.trace.metrics.makespan, bytes.trace.metrics.makespan + 300'000'000);
}

TEST(Payload, PickleTimeSplitsAPayloadByKind) {
    scenario::MachineProfile p;
    p.pickleBytesPerSecond = 1'000'000'000;
    p.pickleObjectsBytesPerSecond = 100'000'000;
    p.unpickleBytesPerSecond = 2'000'000'000;
    p.unpickleObjectsBytesPerSecond = 50'000'000;
    EXPECT_EQ(plan::PickleTime(p, 1'000'000, 0, false), 1'000'000);             // 1 MB of bytes: 1 ms
    EXPECT_EQ(plan::PickleTime(p, 1'000'000, 1'000'000, false), 10'000'000);    // 1 MB of objects: 10 ms
    EXPECT_EQ(plan::PickleTime(p, 2'000'000, 1'000'000, true), 500'000 + 20'000'000);
    EXPECT_EQ(plan::PickleTime(p, 100, 5'000, false), 1'000);  // never more objects than bytes
}

// Fresh pages (plan::FreshPagesReceived): a message larger than the OS pipe arrives in pieces and leaves the heap to
// be trimmed, so every receipt touches fresh pages; one that fits arrives in one read and only a process's first
// receipt does. Measured with page-fault counts per call (docs/real-runs.md, "Inside the Pool").
TEST(Payload, AMessageLargerThanThePipeTouchesFreshPagesAtEveryReceipt) {
    EXPECT_EQ(plan::FreshPagesReceived(1 << 20, 0, false), 711);  // 256 pages: 1.778 x 256 received, 256 unpickled
    EXPECT_EQ(plan::FreshPagesReceived(1 << 20, 0, true), 711);
    EXPECT_EQ(plan::FreshPagesReceived(1 << 20, 1 << 20, false), 2503);  // an object graph: 8 pages a page unpickled
    EXPECT_EQ(plan::FreshPagesReceived(plan::kPipeBufferBytes, 0, false), 0);  // fits the pipe: warm after the first
    EXPECT_EQ(plan::FreshPagesReceived(plan::kPipeBufferBytes, 0, true), 37);
    EXPECT_EQ(plan::FreshPagesReceived(plan::kPipeBufferBytes + 1, 0, false), 39);
    EXPECT_EQ(plan::FreshPagesReceived(0, 0, true), 0);
    // The read (while the sender writes) and the unpickling (after) are its two parts.
    EXPECT_EQ(plan::FreshPagesRead(1 << 20, false), 455);
    EXPECT_EQ(plan::FreshPagesUnpickled(1 << 20, 1 << 20, false), 2048);
    EXPECT_EQ(plan::FreshPagesRead(plan::kPipeBufferBytes, false), 0);
    EXPECT_EQ(plan::FreshPagesUnpickled(plan::kPipeBufferBytes, 0, true), 16);
    // The sender: its first message, and every message above glibc's 32 MiB mmap ceiling.
    EXPECT_EQ(plan::FreshPagesSent(1 << 20, true), 256);
    EXPECT_EQ(plan::FreshPagesSent(1 << 20, false), 0);
    EXPECT_EQ(plan::FreshPagesSent(plan::kMmapThresholdMaxBytes + 1, false), 8193);
    scenario::MachineProfile profile;
    profile.pageTouch = 10'000;
    EXPECT_EQ(plan::PageTouchTime(profile, 704), 7'040'000);
    profile.pageTouch = 10'000'000;  // the largest a profile takes, times more pages than any chunk has: saturates
    EXPECT_GT(plan::PageTouchTime(profile, int64_t{1} << 50), 0);
    EXPECT_LE(plan::PageTouchTime(profile, int64_t{1} << 50), std::numeric_limits<trace::TimeNs>::max() / 4);
}

// A receipt's pages grow with the message: each os.read() of what is left allocates it, and while that is above
// malloc's mmap threshold it is a fresh mapping, written and unmapped again. Measured in a real Pool's workers: 1.29
// fresh pages per page at 200 KiB, 2.12 at 40 and 100 MiB (results/pool-phases-bytes-sizes-*).
TEST(Payload, ALargerMessageTouchesMorePagesPerPageWhileItIsRead) {
    EXPECT_DOUBLE_EQ(plan::ReceiptPagesPerPage(100 << 10), 1.294);  // below the smallest size measured: flat
    EXPECT_DOUBLE_EQ(plan::ReceiptPagesPerPage(1'048'585), 1.778);
    EXPECT_DOUBLE_EQ(plan::ReceiptPagesPerPage(int64_t{1} << 40), 2.124);  // above the largest: flat
    // Halfway between two measured sizes on a logarithmic scale, halfway between their figures.
    const double between = std::sqrt(10'485'769.0 * 41'943'049.0);
    EXPECT_NEAR(plan::ReceiptPagesPerPage(std::llround(between)), (1.942 + 2.123) / 2, 1e-6);
    double previous = 0;
    for (int64_t bytes = 65'537; bytes < (int64_t{200} << 20); bytes += bytes / 7) {
        const double perPage = plan::ReceiptPagesPerPage(bytes);
        EXPECT_GE(perPage, previous) << bytes;
        previous = perPage;
    }
    // 100 MiB of bytes: 25,601 pages, read as the workers measured it (54,383 to 54,458 fresh pages).
    EXPECT_EQ(plan::FreshPagesRead(104'857'609, false), 54'377);
    EXPECT_EQ(plan::FreshPagesRead(204'809, false), 66);  // 51 pages
}

scenario::Scenario PoolOfFour(const std::string& size, const std::string& pageTouch) {
    return testing::ParseOrDie(R"({"tasks":[{"name":"t","count":4,"steps":[{"send":")" + size +
                               R"("},{"cpu":"5ms"},{"return":"30B"}]}],"model":{"kind":"processes","workers":2},)"
                               R"("machine":{"cores":4,"profile":{"page_touch":")" + pageTouch + R"("}}})");
}

TEST(Payload, AWorkerPaysFreshPagesForEveryLargeItemButOnlyItsFirstSmallOne) {
    // Pool(2).map over four items, chunksize 1: each worker receives two. The workers' unpickling with a page touch
    // of 10 us, less the same run without: four receipts of 1 MiB, but only two (each worker's first) of 60 KB.
    auto extra = [](const std::string& size) {
        const trace::TimeNs touched = ProcessTime(testing::SimulateOk(PoolOfFour(size, "10us")).trace, SpanState::Unpickling, false);
        const trace::TimeNs warm = ProcessTime(testing::SimulateOk(PoolOfFour(size, "0ns")).trace, SpanState::Unpickling, false);
        return touched - warm;
    };
    const int64_t argBytes1MiB = (1 << 20) + 64;  // the payload and its call's framing (process_pool.cpp)
    EXPECT_EQ(extra("1MiB"), 4 * 10'000 * plan::FreshPagesReceived(argBytes1MiB, 0, false));
    EXPECT_EQ(extra("60KB"), 2 * 10'000 * plan::FreshPagesReceived(60'000 + 64, 0, true));
}

// The time `track`'s spans spend in `state`.
trace::TimeNs TrackTime(const trace::Trace& t, const std::string& track, SpanState state) {
    trace::TimeNs total = 0;
    for (const trace::Span& span : t.spans)
        if (span.state == state && span.track.Valid() && t.tracks[span.track.Index()].name == track)
            total += span.end - span.start;
    return total;
}

scenario::Scenario PoolOfOne(const std::string& size) {
    return testing::ParseOrDie(R"({"tasks":[{"name":"t","count":2,"steps":[{"send":")" + size +
                               R"("},{"cpu":"50ms"},{"return":"30B"}]}],"model":{"kind":"processes","workers":1},)"
                               R"("machine":{"cores":4,"profile":{"page_touch":"10us"}}})");
}

// A Pool's parent pickling a payload object graph it built before forking its workers writes every object's refcount,
// so the first pickling of each group's payload copies its pages (plan::PagesCopiedOnWrite); later items of the group
// send the same object, now private. Spawned workers share no pages, and `bytes` has no graph to write.
TEST(Payload, TheParentsFirstPicklingOfAnObjectGraphAfterTheForkCopiesItsPages) {
    auto pool = [](const std::string& groups, const std::string& method, const std::string& pageTouch) {
        return testing::ParseOrDie(R"({"tasks":[)" + groups + R"(],"model":{"kind":"processes","workers":2,)"
                                   R"("start_method":")" + method + R"("},"machine":{"cores":4,"profile":{)"
                                   R"("page_touch":")" + pageTouch + R"("}}})");
    };
    auto group = [](const std::string& name, const std::string& payload) {
        return R"({"name":")" + name + R"(","count":2,"steps":[{"send":"1MB","payload":")" + payload +
               R"("},{"cpu":"5ms"},{"return":"30B"}]})";
    };
    // The parent's pickling with a page touch of 10 us, less the same run without.
    auto extra = [&](const std::string& groups, const std::string& method) {
        const std::string taskHandler(plan::kPoolTaskHandler);
        return TrackTime(testing::SimulateOk(pool(groups, method, "10us")).trace, taskHandler, SpanState::Pickling) -
               TrackTime(testing::SimulateOk(pool(groups, method, "0ns")).trace, taskHandler, SpanState::Pickling);
    };
    const trace::TimeNs firstSend = 10'000 * plan::FreshPagesSent(1'000'000 + 64, true);  // the output's own pages
    const trace::TimeNs copied = 10'000 * plan::PagesCopiedOnWrite(1'000'000, scenario::StartMethod::Fork);
    EXPECT_EQ(copied, 10'000 * 1'600);  // 245 pages of pickle, 6.53 pages of objects each
    EXPECT_EQ(extra(group("a", "objects"), "fork"), firstSend + copied);  // two items, one object: copied once
    EXPECT_EQ(extra(group("a", "objects") + "," + group("b", "objects"), "fork"), firstSend + 2 * copied);
    EXPECT_EQ(extra(group("a", "objects") + "," + group("b", "objects"), "spawn"), firstSend);
    EXPECT_EQ(extra(group("a", "bytes"), "fork"), firstSend);
}

// Connection._send_bytes writes a message larger than the OS pipe whole, and write() returns only once a reader has
// taken all but the pipe's worth: Pool(1).map over two items of 10 MB keeps the parent's _handle_tasks thread in
// the second item's write while the worker runs the first item's 50 ms, then while it reads the second (its fresh
// pages, plan::FreshPagesRead). Two items of 30 KB both fit the pipe: the thread never waits.
TEST(Payload, AWriteLargerThanThePipeWaitsUntilAWorkerHasReadIt) {
    const trace::Trace large = testing::SimulateOk(PoolOfOne("10MB")).trace;
    const std::string taskHandler(plan::kPoolTaskHandler);
    const trace::TimeNs blocked = TrackTime(large, taskHandler, SpanState::BlockedIo);
    const trace::TimeNs read = 10'000 * plan::FreshPagesRead(10'000'064, false);
    EXPECT_GE(blocked, 2 * read + 50'000'000 - TrackTime(large, taskHandler, SpanState::Pickling));
    // Each wait ends as the worker's read of that item does and the writer is woken: the first part of the worker's
    // Unpickling span (its read and the unpickling after it are one span on the worker's lane).
    std::vector<trace::Span> handlerWaits, workerUnpickling;
    for (const trace::Span& span : large.spans) {
        const std::string& name = large.tracks[span.track.Index()].name;
        if (name == taskHandler && span.state == SpanState::BlockedIo) handlerWaits.push_back(span);
        if (name == plan::PoolWorkerName(scenario::StartMethod::Fork, 0) && span.state == SpanState::Unpickling)
            workerUnpickling.push_back(span);
    }
    ASSERT_EQ(handlerWaits.size(), 2u);
    ASSERT_EQ(workerUnpickling.size(), 2u);
    const trace::TimeNs wakeUp = scenario::MachineProfile{}.wakeupLatency;  // on a core idle for long
    EXPECT_EQ(handlerWaits[0].end, workerUnpickling[0].start + read + wakeUp);
    EXPECT_EQ(handlerWaits[1].end, workerUnpickling[1].start + read + wakeUp);
    const trace::Trace small = testing::SimulateOk(PoolOfOne("30KB")).trace;
    EXPECT_EQ(TrackTime(small, taskHandler, SpanState::BlockedIo), 0);
}

// The same from the other side: a worker's results larger than the pipe keep it in its write until the parent's
// _handle_results thread has read them, so a worker cannot start its next item before. The parent pays the fresh
// pages of both parts of every such receipt, as a worker does.
TEST(Payload, AWorkerWritingLargeResultsWaitsForTheParentToReadThem) {
    auto run = [](const std::string& pageTouch) {
        return testing::SimulateOk(testing::ParseOrDie(
                                       R"({"tasks":[{"name":"t","count":2,"steps":[{"cpu":"1ms"},{"return":"10MB"}]}],)"
                                       R"("model":{"kind":"processes","workers":1},)"
                                       R"("machine":{"cores":4,"profile":{"page_touch":")" + pageTouch + R"("}}})"))
            .trace;
    };
    const trace::Trace t = run("10us");
    const int64_t resultBytes = 10'000'000 + 32;  // the payload and its result's framing (process_pool.cpp)
    const trace::TimeNs read = 10'000 * plan::FreshPagesRead(resultBytes, false);
    std::vector<trace::Span> workerWaits, parentUnpickling;
    for (const trace::Span& span : t.spans) {
        const std::string& name = t.tracks[span.track.Index()].name;
        if (name == plan::PoolWorkerName(scenario::StartMethod::Fork, 0) && span.state == SpanState::BlockedIo)
            workerWaits.push_back(span);
        if (name == plan::kPoolResultHandler && span.state == SpanState::Unpickling) parentUnpickling.push_back(span);
    }
    ASSERT_EQ(workerWaits.size(), 2u);
    ASSERT_FALSE(parentUnpickling.empty());
    // _handle_results reads the first results, unpickles them, then reads the second (they arrived meanwhile); each
    // read's end lets the worker's write return, a wake-up later.
    const scenario::MachineProfile profile;
    const trace::TimeNs unpickle = plan::PickleTime(profile, resultBytes, 0, true) +
                                   10'000 * plan::FreshPagesUnpickled(resultBytes, 0, false);
    const trace::TimeNs firstRead = parentUnpickling[0].start;
    EXPECT_EQ(workerWaits[0].end, firstRead + read + profile.wakeupLatency);
    EXPECT_EQ(workerWaits[1].end, firstRead + read + unpickle + read + profile.wakeupLatency);
    // Both parts of both receipts, read and unpickled, at 10 us a page: what a page_touch of 0 leaves out.
    const trace::TimeNs touched = ParentTime(t, SpanState::Unpickling) - ParentTime(run("0ns"), SpanState::Unpickling);
    EXPECT_EQ(touched, 2 * 10'000 * plan::FreshPagesReceived(resultBytes, 0, false));
}

}  // namespace
}  // namespace interleave
