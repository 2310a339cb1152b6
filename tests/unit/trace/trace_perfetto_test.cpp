// trace::ToPerfetto: the Perfetto protobuf export, decoded back here by a minimal wire-format reader, and by
// Debian's `protoc --decode_raw` where a shell and protoc exist (scripts/setup.sh installs protobuf-compiler).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"
#include "trace/trace_perfetto.h"

namespace interleave::trace {
namespace {

// One decoded field: its number, and a varint / fixed64 value or the bytes of a length-delimited one.
struct Field {
    uint32_t number = 0;
    uint32_t wire = 0;
    uint64_t value = 0;
    std::string bytes;
};

// Decodes one message's fields; false (and a failed expectation) on malformed input.
bool Decode(const std::string& data, std::vector<Field>& out) {
    size_t i = 0;
    auto varint = [&](uint64_t& v) {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (i >= data.size()) return false;
            const auto byte = static_cast<unsigned char>(data[i++]);
            v |= uint64_t(byte & 0x7f) << shift;
            if (!(byte & 0x80)) return true;
        }
        return false;
    };
    while (i < data.size()) {
        uint64_t key = 0;
        if (!varint(key)) return false;
        Field f;
        f.number = static_cast<uint32_t>(key >> 3);
        f.wire = static_cast<uint32_t>(key & 7);
        if (f.wire == 0) {
            if (!varint(f.value)) return false;
        } else if (f.wire == 1) {
            if (i + 8 > data.size()) return false;
            for (int b = 0; b < 8; ++b) f.value |= uint64_t(static_cast<unsigned char>(data[i + size_t(b)])) << (8 * b);
            i += 8;
        } else if (f.wire == 2) {
            uint64_t n = 0;
            if (!varint(n) || n > data.size() - i) return false;
            f.bytes = data.substr(i, n);
            i += n;
        } else {
            return false;
        }
        out.push_back(std::move(f));
    }
    return true;
}

std::vector<Field> Fields(const std::string& data) {
    std::vector<Field> fields;
    EXPECT_TRUE(Decode(data, fields)) << "malformed protobuf";
    return fields;
}

const Field* Find(const std::vector<Field>& fields, uint32_t number) {
    for (const Field& f : fields)
        if (f.number == number) return &f;
    return nullptr;
}

// The field that must be there (a failed expectation, and an empty field, when it is not).
const Field& Must(const std::vector<Field>& fields, uint32_t number) {
    static const Field kMissing;
    const Field* f = Find(fields, number);
    EXPECT_NE(f, nullptr) << "no field " << number;
    return f ? *f : kMissing;
}

TEST(TracePerfetto, EveryLaneIsATrackEverySpanASliceAndEveryDropRequestFlowsToItsHandOff) {
    const auto result = testing::SimulateOk(testing::Preset("convoy_effect"));
    const Trace& t = result.trace;
    const std::string data = ToPerfetto(t);

    std::map<uint64_t, std::string> trackNames;  // uuid -> name
    int begins = 0, ends = 0, instants = 0, counters = 0;
    std::set<uint64_t> flowsOut, flowsIn;
    uint64_t lastTime = 0;
    for (const Field& packetField : Fields(data)) {
        ASSERT_EQ(packetField.number, 1u);  // Trace.packet
        const auto packet = Fields(packetField.bytes);
        const Field* sequence = Find(packet, 10);
        ASSERT_TRUE(sequence && sequence->value == 1);
        if (const Field* descriptor = Find(packet, 60)) {
            const auto d = Fields(descriptor->bytes);
            const uint64_t uuid = Must(d, 1).value;
            std::string name;
            if (const Field* n = Find(d, 2)) name = n->bytes;
            if (const Field* p = Find(d, 3)) name = Must(Fields(p->bytes), 6).bytes;
            if (const Field* th = Find(d, 4)) name = Must(Fields(th->bytes), 5).bytes;
            EXPECT_TRUE(trackNames.emplace(uuid, name).second) << "two tracks with uuid " << uuid;
            continue;
        }
        const Field* event = Find(packet, 11);
        ASSERT_NE(event, nullptr);
        const uint64_t time = Must(packet, 8).value;
        EXPECT_GE(time, lastTime) << "events out of time order";
        lastTime = time;
        const auto e = Fields(event->bytes);
        EXPECT_TRUE(trackNames.count(Must(e, 11).value)) << "an event on a track never described";
        switch (Must(e, 9).value) {
            case 1: ++begins; break;
            case 2: ++ends; break;
            case 3: ++instants; break;
            case 4: ++counters; break;
            default: ADD_FAILURE() << "unknown event type";
        }
        for (const Field& f : e) {
            if (f.number == 47) flowsOut.insert(f.value);
            if (f.number == 48) flowsIn.insert(f.value);
        }
    }
    EXPECT_EQ(trackNames.size(), t.tracks.size() + 1);  // every lane, and the cores-busy counter
    for (size_t i = 0; i < t.tracks.size(); ++i) EXPECT_EQ(trackNames[i + 1], t.tracks[i].name);
    EXPECT_EQ(trackNames[t.tracks.size() + 1], "cores busy");
    EXPECT_EQ(begins, static_cast<int>(t.spans.size()));
    EXPECT_EQ(ends, begins);
    EXPECT_EQ(instants, static_cast<int>(t.instants.size()));
    EXPECT_GT(counters, 0);
    // The convoy's drop requests: each one's flow ends at a hand-off.
    EXPECT_EQ(static_cast<int64_t>(flowsOut.size()), t.metrics.dropRequests);
    EXPECT_GT(flowsOut.size(), 0u);
    EXPECT_EQ(flowsIn, flowsOut);
}

TEST(TracePerfetto, AQueuesDepthIsACounterTrackWithEverySample) {
    const auto result = testing::SimulateOk(testing::Preset("pipeline"));
    const Trace& t = result.trace;
    TrackId queue = TrackId::None();
    for (size_t i = 0; i < t.tracks.size(); ++i)
        if (t.tracks[i].kind == TrackKind::Counter) queue = TrackId(i);
    ASSERT_NE(queue, TrackId::None());
    ASSERT_GT(t.SamplesOf(queue).size(), 2u);
    bool describedAsCounter = false;
    std::vector<int64_t> values;  // the queue's counter events, in order (int64: two's complement varints)
    for (const Field& packetField : Fields(ToPerfetto(t))) {
        const auto packet = Fields(packetField.bytes);
        if (const Field* descriptor = Find(packet, 60)) {
            const auto d = Fields(descriptor->bytes);
            if (Must(d, 1).value == uint64_t(queue.value) + 1) describedAsCounter = Find(d, 8) != nullptr;
            continue;
        }
        const auto e = Fields(Must(packet, 11).bytes);
        if (Must(e, 11).value != uint64_t(queue.value) + 1) continue;
        EXPECT_EQ(Must(e, 9).value, 4u);  // TYPE_COUNTER
        values.push_back(int64_t(Must(e, 30).value));
    }
    EXPECT_TRUE(describedAsCounter) << "the queue's track has no CounterDescriptor";
    std::vector<int64_t> expected;
    for (const CounterSample& sample : t.SamplesOf(queue)) expected.push_back(sample.value);
    EXPECT_EQ(values, expected);
}

TEST(TracePerfetto, ProtocDecodesItAsRawProtobuf) {
    if (std::system(nullptr) == 0 || std::system("command -v protoc >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "no protoc here (Debian's protobuf-compiler; scripts/setup.sh installs it)";
    const auto result = testing::SimulateOk(testing::Preset("blog_io_threads"));
    const std::string path = ::testing::TempDir() + "interleave-perfetto-" + std::to_string(::getpid()) + ".pftrace";
    std::ofstream(path, std::ios::binary) << ToPerfetto(result.trace);
    // Through a file, not popen: the same test runs as wasm under node, whose system() runs a shell but has no popen.
    const std::string decoded = path + ".txt";
    const int rc = std::system(("protoc --decode_raw < '" + path + "' > '" + decoded + "' 2>&1").c_str());
    std::ifstream in(decoded);
    std::stringstream output;
    output << in.rdbuf();
    const std::string text = output.str();
    EXPECT_EQ(rc, 0) << text.substr(0, 2000);
    std::remove(decoded.c_str());
    std::remove(path.c_str());
    EXPECT_NE(text.find("\"Thread-1 (run_task)\""), std::string::npos) << text.substr(0, 2000);
    EXPECT_NE(text.find("\"running_python fetch[0]\""), std::string::npos);
    EXPECT_NE(text.find("\"cores busy\""), std::string::npos);
}

}  // namespace
}  // namespace interleave::trace
