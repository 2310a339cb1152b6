// Gecko (Firefox Profiler) profiles as CPython 3.15's sampling profiler writes them, read as a trace
// (src/trace/trace_gecko.h): the fixture's threads and GIL become the expected lanes, and hostile variants give
// an error naming the field, never a throw.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "trace/trace_gecko.h"
#include "trace/trace_json.h"

using namespace interleave;
using nlohmann::json;

namespace {

constexpr trace::TimeNs kMs = 1'000'000;

// Two CPU-bound threads (101, 102) taking turns with the GIL, an I/O thread (103) that takes it once for
// half a millisecond, the main thread joining them; 25 ms, in the profiler's processed Gecko form.
std::string Fixture() {
    std::ifstream in(std::string(INTERLEAVE_SOURCE_DIR) + "/tests/data/gecko/two_cpu_threads_one_io.json");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

json FixtureJson() {
    return json::parse(Fixture());
}

trace::TrackId TrackNamed(const trace::Trace& t, const std::string& name) {
    for (size_t i = 0; i < t.tracks.size(); ++i) {
        if (t.tracks[i].name == name) return static_cast<trace::TrackId>(i);
    }
    return trace::TrackId::None();
}

struct Expected {
    trace::TimeNs start, end;
    trace::SpanState state;
    trace::TrackId cause;
};

void ExpectSpans(const trace::Trace& t, trace::TrackId track, const std::vector<Expected>& want) {
    auto spans = t.SpansOf(track);
    ASSERT_EQ(spans.size(), want.size()) << t.tracks[track.Index()].name;
    for (size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE(t.tracks[track.Index()].name + " span " + std::to_string(i));
        EXPECT_EQ(spans[i].start, want[i].start);
        EXPECT_EQ(spans[i].end, want[i].end);
        EXPECT_EQ(trace::SpanStateName(spans[i].state), trace::SpanStateName(want[i].state));
        EXPECT_EQ(spans[i].cause, want[i].cause);
    }
}

// Reads `doc` (dumped to text) through ReadAnyTrace, which must refuse it with an error containing `needle`.
void ExpectRefused(const json& doc, const std::string& needle) {
    trace::Trace t;
    std::string error;
    bool ok = true;
    EXPECT_NO_THROW(ok = trace::ReadAnyTrace(doc.dump(), t, error));
    EXPECT_FALSE(ok) << "accepted; wanted an error with " << needle;
    EXPECT_NE(error.find(needle), std::string::npos) << error;
    EXPECT_EQ(error.rfind("gecko profile: ", 0), 0u) << error;
}

}  // namespace

TEST(TraceGecko, FixtureReadsIntoAThreadTrackPerThreadAndAGilTrack) {
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::ReadAnyTrace(Fixture(), t, error)) << error;
    EXPECT_EQ(t.producer, "cpython-gecko");
    ASSERT_EQ(t.tracks.size(), 6u);
    const trace::TrackId process = TrackNamed(t, "Python process 4242");
    const trace::TrackId main = TrackNamed(t, "MainThread");
    const trace::TrackId w1 = TrackNamed(t, "Thread-101");
    const trace::TrackId w2 = TrackNamed(t, "Thread-102");
    const trace::TrackId io = TrackNamed(t, "Thread-103");
    const trace::TrackId gil = TrackNamed(t, "GIL 4242");
    ASSERT_NE(process, trace::TrackId::None());
    ASSERT_NE(main, trace::TrackId::None());
    ASSERT_NE(w1, trace::TrackId::None());
    ASSERT_NE(w2, trace::TrackId::None());
    ASSERT_NE(io, trace::TrackId::None());
    ASSERT_NE(gil, trace::TrackId::None());
    EXPECT_EQ(t.tracks[process.Index()].kind, trace::TrackKind::Process);
    EXPECT_EQ(t.tracks[gil.Index()].kind, trace::TrackKind::Gil);
    for (trace::TrackId thread : {main, w1, w2, io}) {
        EXPECT_EQ(t.tracks[thread.Index()].kind, trace::TrackKind::Thread);
        EXPECT_EQ(t.tracks[thread.Index()].parent, process);
    }
    EXPECT_EQ(t.tracks[gil.Index()].parent, process);
}

TEST(TraceGecko, GilSpansAreHoldingGilWithTheHolderAsCause) {
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromGeckoJson(Fixture(), t, error)) << error;
    const trace::TrackId main = TrackNamed(t, "MainThread"), w1 = TrackNamed(t, "Thread-101"),
                         w2 = TrackNamed(t, "Thread-102"), io = TrackNamed(t, "Thread-103");
    using S = trace::SpanState;
    ExpectSpans(t, TrackNamed(t, "GIL 4242"),
                {{0, 1 * kMs, S::HoldingGil, main},
                 {1 * kMs, 6 * kMs, S::HoldingGil, w1},
                 {6 * kMs, 11 * kMs, S::HoldingGil, w2},
                 {11 * kMs, 16 * kMs, S::HoldingGil, w1},
                 {16 * kMs, 16'500'000, S::HoldingGil, io},
                 {16'500'000, 21'500'000, S::HoldingGil, w2},
                 {21'500'000, 25 * kMs, S::HoldingGil, w1}});
    // A hand-off instant at every change of holder, naming the previous one.
    ASSERT_EQ(t.instants.size(), 6u);
    EXPECT_EQ(t.instants[4].time, 16'500'000);
    EXPECT_EQ(t.instants[4].track, w2);
    EXPECT_EQ(t.instants[4].cause, io);
    EXPECT_EQ(t.instants[4].kind, trace::InstantKind::GilHandoff);
    EXPECT_EQ(t.metrics.gilSwitches, 6);
    EXPECT_EQ(t.metrics.medianGilSlice, 5 * kMs);
}

TEST(TraceGecko, ThreadSpansFollowTheMarkersWithTheHolderAsTheWaitsCause) {
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromGeckoJson(Fixture(), t, error)) << error;
    const trace::TrackId main = TrackNamed(t, "MainThread"), w1 = TrackNamed(t, "Thread-101"),
                         w2 = TrackNamed(t, "Thread-102"), io = TrackNamed(t, "Thread-103");
    using S = trace::SpanState;
    const trace::TrackId none = trace::TrackId::None();
    ExpectSpans(t, main, {{0, 1 * kMs, S::RunningPython, none}, {1 * kMs, 25 * kMs, S::BlockedIo, none}});
    ExpectSpans(t, w1,
                {{1 * kMs, 6 * kMs, S::RunningPython, none},
                 {6 * kMs, 11 * kMs, S::WaitingGil, w2},
                 {11 * kMs, 16 * kMs, S::RunningPython, none},
                 {16 * kMs, 21'500'000, S::WaitingGil, io},
                 {21'500'000, 25 * kMs, S::RunningPython, none}});
    ExpectSpans(t, w2,
                {{1 * kMs, 6 * kMs, S::WaitingGil, w1},
                 {6 * kMs, 11 * kMs, S::RunningPython, none},
                 {11 * kMs, 16'500'000, S::WaitingGil, w1},
                 {16'500'000, 21'500'000, S::RunningPython, none},
                 {21'500'000, 25 * kMs, S::WaitingGil, w1}});
    ExpectSpans(t, io,
                {{1 * kMs, 16 * kMs, S::BlockedIo, none},
                 {16 * kMs, 16'500'000, S::RunningPython, none},
                 {16'500'000, 25 * kMs, S::BlockedIo, none}});
    // The wait's detail: since when its cause held the GIL.
    const trace::Span& wait = t.SpansOf(w2)[2];
    EXPECT_EQ(t.WaitOf(wait).causeSince, 11 * kMs);
    EXPECT_GT(t.metrics.gilWait, 0);
}

TEST(TraceGecko, OnCpuWithoutTheGilIsRunningCAndOverlappingHoldersAreCut) {
    // Native code (On CPU, no GIL) and two threads seen holding the GIL at once (sampling is not atomic):
    // the later holder wins from its start.
    json doc = {
        {"meta", json::object()},
        {"threads",
         json::array(
             {{{"name", "a"},
               {"pid", 7},
               {"markers",
                {{"name", {"Has GIL", "On CPU", "Native Code"}}, {"startTime", {0, 4, 4}}, {"endTime", {4, 9, 9}}}}},
              {{"name", "b"},
               {"pid", 7},
               {"markers", {{"name", {"Has GIL"}}, {"startTime", {3}}, {"endTime", {6}}}}}})}};
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromGeckoDocument(doc, t, error)) << error;
    const trace::TrackId a = TrackNamed(t, "a"), b = TrackNamed(t, "b");
    using S = trace::SpanState;
    ExpectSpans(t, TrackNamed(t, "GIL 7"), {{0, 3 * kMs, S::HoldingGil, a}, {3 * kMs, 6 * kMs, S::HoldingGil, b}});
    ExpectSpans(t, a,
                {{0, 4 * kMs, S::RunningPython, trace::TrackId::None()},
                 {4 * kMs, 9 * kMs, S::RunningC, trace::TrackId::None()}});
}

TEST(TraceGecko, AProfileWithoutGilMarkersHasNoGilTrack) {
    json doc = {{"meta", json::object()},
                {"threads",
                 json::array({{{"name", "t"},
                               {"markers",
                                {{"name", {"On CPU", "Off CPU"}}, {"startTime", {0, 2.5}}, {"endTime", {2.5, 3}}}}}})}};
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromGeckoDocument(doc, t, error)) << error;
    ASSERT_EQ(t.tracks.size(), 2u);  // the process and its thread
    ExpectSpans(t, trace::TrackId(1),
                {{0, 2'500'000, trace::SpanState::RunningC, trace::TrackId::None()},
                 {2'500'000, 3 * kMs, trace::SpanState::BlockedIo, trace::TrackId::None()}});
}

TEST(TraceGecko, InstantMarkersAndUnknownNamesAreSkipped) {
    json doc = FixtureJson();
    trace::Trace t;
    std::string error;
    // The fixture holds an instant marker (phase 0, endTime null) and an opcode marker; both are ignored.
    ASSERT_TRUE(trace::FromGeckoDocument(doc, t, error)) << error;
    EXPECT_EQ(t.SpansOf(TrackNamed(t, "Thread-103")).size(), 3u);
}

TEST(TraceGecko, WrongTypesAreRefusedWithTheFieldsPath) {
    ExpectRefused({{"meta", json::object()}, {"threads", json::object()}}, "threads must be an array");
    ExpectRefused({{"meta", 3}, {"threads", json::array()}}, "meta must be an object");
    json doc = FixtureJson();
    doc["threads"][1] = "thread";
    ExpectRefused(doc, "threads[1] must be an object");
    doc = FixtureJson();
    doc["threads"][2]["markers"]["startTime"][3] = "3 ms";
    ExpectRefused(doc, "threads[2].markers.startTime[3] must be a time in milliseconds");
    doc = FixtureJson();
    doc["threads"][0]["name"] = json::array();
    ExpectRefused(doc, "threads[0].name must be a string");
    doc = FixtureJson();
    doc["threads"][0]["markers"] = json::array();
    ExpectRefused(doc, "threads[0].markers must be an object");
    doc = FixtureJson();
    doc["shared"]["stringArray"][2] = 5;
    ExpectRefused(doc, "shared.stringArray[2] must be a string");
    doc = FixtureJson();
    doc["threads"][1]["markers"]["phase"][0] = 9;
    ExpectRefused(doc, "threads[1].markers.phase[0] must be an integer from 0 to 3");
    doc = FixtureJson();
    doc["threads"][1]["isMainThread"] = "yes";
    ExpectRefused(doc, "threads[1].isMainThread must be true or false");
}

TEST(TraceGecko, MissingFieldsAndMismatchedColumnsAreRefused) {
    json doc = FixtureJson();
    doc["threads"][0]["markers"].erase("endTime");
    ExpectRefused(doc, "threads[0].markers lacks \"endTime\"");
    doc = FixtureJson();
    doc["threads"][0]["markers"].erase("name");
    ExpectRefused(doc, "threads[0].markers lacks \"name\"");
    doc = FixtureJson();
    doc["threads"][3]["markers"]["startTime"].erase(0);
    ExpectRefused(doc, "threads[3].markers.startTime has 7 entries, but \"name\" has 8");
    doc = FixtureJson();
    doc["threads"][3]["markers"]["length"] = 99;
    ExpectRefused(doc, "threads[3].markers.length is 99");
    doc = FixtureJson();
    doc.erase("shared");
    ExpectRefused(doc, "no shared.stringArray");
    doc = FixtureJson();
    doc["threads"][0]["markers"]["name"][0] = 12;  // the table has 12 strings: 0 to 11
    ExpectRefused(doc, "threads[0].markers.name[0] must be an integer from 0 to 11");
    doc = FixtureJson();
    doc["threads"][0]["markers"]["name"][0] = -1;
    ExpectRefused(doc, "threads[0].markers.name[0] must be an integer from 0 to 11");
}

TEST(TraceGecko, AbsurdTimesAndBackwardIntervalsAreRefused) {
    json doc = FixtureJson();
    doc["threads"][1]["markers"]["endTime"][0] = 1e300;
    ExpectRefused(doc, "threads[1].markers.endTime[0] must be a time in milliseconds");
    doc = FixtureJson();
    doc["threads"][1]["markers"]["startTime"][0] = -4.7e12;
    ExpectRefused(doc, "threads[1].markers.startTime[0] must be a time in milliseconds");
    doc = FixtureJson();
    doc["threads"][1]["markers"]["startTime"][0] = 18446744073709551615u;
    ExpectRefused(doc, "threads[1].markers.startTime[0] must be a time in milliseconds");
    doc = FixtureJson();
    doc["threads"][1]["markers"]["startTime"][0] = 7.0;
    doc["threads"][1]["markers"]["endTime"][0] = 6.5;
    ExpectRefused(doc, "threads[1].markers.endTime[0] is before its startTime");
    // The largest accepted time reads, clamped into the trace's bound.
    doc = FixtureJson();
    doc["threads"][0]["markers"]["endTime"][4] = 4.6e12;
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromGeckoDocument(doc, t, error)) << error;
    EXPECT_LE(t.EndTime(), trace::kMaxTraceTimeNs);
}

TEST(TraceGecko, TooManyThreadsAndDeepNestingAreRefused) {
    json doc = {{"meta", json::object()}, {"threads", json::array()}};
    for (int i = 0; i < 65537; ++i)
        doc["threads"].push_back(json::object());
    ExpectRefused(doc, "threads has 65537 threads, more than 65536");
    // Nested deeper than the trace limit: refused by the bounded parser before any reading.
    std::string deep = R"({"meta":{},"threads":[)";
    deep += std::string(100000, '[') + std::string(100000, ']') + "]}";
    trace::Trace t;
    std::string error;
    bool ok = true;
    EXPECT_NO_THROW(ok = trace::ReadAnyTrace(deep, t, error));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("nest deeper"), std::string::npos) << error;
    EXPECT_NO_THROW(ok = trace::FromGeckoJson(deep, t, error));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("gecko profile: arrays and objects nest deeper"), std::string::npos) << error;
}

TEST(TraceGecko, EveryThreadInAProcessOfItsOwnStillReadsInNLogNTime) {
    // 65536 threads (the limit), each in a process of its own: a reader that matched every thread against
    // every pid took over a minute on this; grouping by pid takes well under a second.
    json threads = json::array();
    for (int i = 0; i < 65536; ++i)
        threads.push_back({{"pid", i}, {"markers", {{"name", {"Has GIL"}}, {"startTime", {i}}, {"endTime", {i + 1}}}}});
    json doc = {{"meta", json::object()}, {"threads", std::move(threads)}};
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromGeckoDocument(doc, t, error)) << error;
    EXPECT_EQ(t.tracks.size(), 3u * 65536u);  // a process, its thread and its GIL each
    EXPECT_EQ(t.tracks[3].name, "Python process 1");
    EXPECT_EQ(t.spans.size(), 2u * 65536u);  // a GIL span and a running span each
}

TEST(TraceGecko, MutatedProfilesNeverThrowAndWhatIsAcceptedIsWellFormed) {
    const std::string base = Fixture();
    ASSERT_FALSE(base.empty());
    std::mt19937 rng(13);
    const std::string alphabet = "0123456789-.e,:[]{}\"nul tfaHsGIL";
    for (int round = 0; round < 400; ++round) {
        std::string text = base;
        for (int m = 0; m < 3; ++m)
            text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
        trace::Trace t;
        std::string error;
        bool ok = false;
        EXPECT_NO_THROW(ok = trace::ReadAnyTrace(text, t, error));
        if (!ok) {
            EXPECT_FALSE(error.empty());
            continue;
        }
        for (const trace::Span& s : t.spans) {
            EXPECT_LE(s.start, s.end);
            EXPECT_GE(s.track, trace::TrackId(0));
            EXPECT_LT(s.track.Index(), t.tracks.size());
            EXPECT_LT(s.cause, static_cast<trace::TrackId>(t.tracks.size()));
        }
    }
}
