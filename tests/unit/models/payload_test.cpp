// What crosses a process boundary costs by its kind: bytes at pickle_throughput, object graphs at
// pickle_objects_throughput (plan::PickleTime), in the simulator's process pools.
#include <gtest/gtest.h>

#include "plan/plan.h"
#include "test_support.h"

namespace interleave {
namespace {

using trace::SpanState;

// The time the parent spends pickling arguments (its _handle_tasks thread) and unpickling results.
trace::TimeNs ParentTime(const trace::Trace& t, SpanState state) {
    trace::TimeNs total = 0;
    for (const trace::Span& span : t.spans) {
        if (span.state != state || !span.track.Valid()) continue;
        trace::TrackId root = span.track;
        while (t.tracks[root.Index()].parent != trace::TrackId::None())
            root = t.tracks[root.Index()].parent;
        if (t.tracks[root.Index()].name == plan::kMainProcess &&
            t.tracks[span.track.Index()].kind != trace::TrackKind::Core)
            total += span.end - span.start;
    }
    return total;
}

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
    EXPECT_NEAR(static_cast<double>(bytesPickling), 4 * 10e6 * 1e9 / double(profile.pickleBytesPerSecond), 2e6);
    EXPECT_NEAR(static_cast<double>(objectsPickling), 4 * 10e6 * 1e9 / double(profile.pickleObjectsBytesPerSecond), 5e6);
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

}  // namespace
}  // namespace interleave
