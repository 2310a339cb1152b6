#include <gtest/gtest.h>

#include "test_support.h"
#include "trace/trace_json.h"

#include <algorithm>
#include <utility>

using namespace interleave;

namespace {
trace::Trace Sample() { return interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect")).trace; }
}  // namespace

TEST(TraceJson, OwnFormatRoundTripsExactly) {
    trace::Trace original = Sample();
    std::string json = trace::ToJson(original);
    trace::Trace back;
    std::string error;
    ASSERT_TRUE(trace::FromJson(json, back, error)) << error;
    EXPECT_EQ(trace::ToJson(back), json);
}

TEST(TraceJson, ChromeExportImportsBackWithTheSameSpans) {
    trace::Trace original = Sample();
    std::string chrome = trace::ToChromeJson(original);
    EXPECT_NE(chrome.find("\"traceEvents\""), std::string::npos);
    trace::Trace back;
    std::string error;
    ASSERT_TRUE(trace::FromChromeJson(chrome, back, error)) << error;
    ASSERT_EQ(back.spans.size(), original.spans.size());
    ASSERT_EQ(back.tracks.size(), original.tracks.size());
    // Tracks are keyed by (pid, tid) in the file; compare the span multiset per track name.
    for (size_t i = 0; i < back.tracks.size(); ++i) {
        size_t j = 0;
        while (j < original.tracks.size() && original.tracks[j].name != back.tracks[i].name) ++j;
        ASSERT_LT(j, original.tracks.size()) << back.tracks[i].name;
        auto a = original.SpansOf(static_cast<trace::TrackId>(j));
        auto b = back.SpansOf(static_cast<trace::TrackId>(i));
        ASSERT_EQ(a.size(), b.size()) << back.tracks[i].name;
        for (size_t k = 0; k < a.size(); ++k) {
            EXPECT_EQ(a[k].start, b[k].start);
            EXPECT_EQ(a[k].end, b[k].end);
            EXPECT_EQ(a[k].state, b[k].state);
        }
    }
    EXPECT_EQ(back.metrics.makespan, original.metrics.makespan);
}

TEST(TraceJson, GenericChromeTraceWithBeginEndPairsIsRead) {
    const char* text = R"([{"ph":"M","name":"thread_name","pid":1,"tid":7,"args":{"name":"worker"}},
                           {"ph":"B","name":"running_python","pid":1,"tid":7,"ts":10},
                           {"ph":"E","pid":1,"tid":7,"ts":25},
                           {"ph":"X","name":"blocked_io","pid":1,"tid":7,"ts":30,"dur":5}])";
    trace::Trace t;
    std::string error;
    ASSERT_TRUE(trace::FromChromeJson(text, t, error)) << error;
    ASSERT_EQ(t.tracks.size(), 1u);
    EXPECT_EQ(t.tracks[0].name, "worker");
    ASSERT_EQ(t.spans.size(), 2u);
    EXPECT_EQ(t.spans[0].start, 10'000);
    EXPECT_EQ(t.spans[0].end, 25'000);
    EXPECT_EQ(t.spans[1].state, trace::SpanState::BlockedIo);
}

TEST(TraceJson, BrokenFilesGiveAnErrorNamingTheProblem) {
    trace::Trace t;
    std::string error;
    EXPECT_FALSE(trace::ReadAnyTrace("{\"format\":\"interleave-trace\",\"version\":1", t, error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(trace::FromJson(R"({"format":"interleave-trace","version":99,"tracks":[],"spans":[],"instants":[],"tasks":[]})", t, error));
    EXPECT_NE(error.find("version 99"), std::string::npos) << error;
    EXPECT_FALSE(trace::FromJson(R"({"format":"interleave-trace","version":1,"tracks":[],"spans":[[0,1,5,"idle",-1,-1,-1,-1]],"instants":[],"tasks":[]})", t, error));
    EXPECT_NE(error.find("track 5 does not exist"), std::string::npos) << error;
    EXPECT_FALSE(trace::FromChromeJson(R"({"traceEvents":[{"ph":"X","pid":1,"tid":1,"ts":"soon","dur":1}]})", t, error));
    EXPECT_NE(error.find("ts"), std::string::npos) << error;
    EXPECT_FALSE(trace::FromChromeJson("42", t, error));
}

TEST(Trace, SpansOfReturnsEachTracksSpansSortedByStart) {
    trace::Trace t;
    auto a = t.AddTrack("a", trace::TrackKind::Thread);
    auto b = t.AddTrack("b", trace::TrackKind::Thread);
    t.spans.push_back({30, 40, b});
    t.spans.push_back({20, 25, a});
    t.spans.push_back({0, 10, b});
    t.Finish();
    ASSERT_EQ(t.SpansOf(a).size(), 1u);
    ASSERT_EQ(t.SpansOf(b).size(), 2u);
    EXPECT_EQ(t.SpansOf(b)[0].start, 0);
    EXPECT_EQ(t.SpansOf(b)[1].start, 30);
    EXPECT_TRUE(t.SpansOf(trace::TrackId(7)).empty());
}

namespace {
// A simulated run of several megabytes: 2,000 tasks of CPU and I/O on 8 threads.
trace::Trace LargeTrace() {
    return interleave::testing::SimulateOk(interleave::testing::ParseOrDie(R"({
        "name": "many small tasks",
        "tasks": [{"name": "fetch", "count": 2000, "steps": [{"cpu": "1ms"}, {"io": "2ms"}, {"cpu": "0.5ms"}]}],
        "model": {"kind": "threads", "workers": 8},
        "machine": {"cores": 4}})")).trace;
}

struct SteppedRead {
    bool ok = false;
    std::string error;
    trace::Trace trace;
    int parseSteps = 0, convertSteps = 0;
    double largestParseStep = 0;  // the most Progress() moved in one step of the parse
    bool progressOnlyGrew = true;
};
SteppedRead ReadInSteps(const std::string& text, trace::TraceForm form) {
    SteppedRead read;
    trace::TraceFileReader reader(text, form);
    double before = reader.Progress();
    bool done = false;
    while (!done) {
        const bool parsing = !reader.TextRead();
        done = reader.Step();
        (parsing ? read.parseSteps : read.convertSteps)++;
        if (parsing) read.largestParseStep = std::max(read.largestParseStep, reader.Progress() - before);
        if (reader.Progress() < before) read.progressOnlyGrew = false;
        before = reader.Progress();
    }
    read.ok = reader.Ok();
    read.error = reader.Error();
    if (read.ok) read.trace = reader.TakeTrace();
    return read;
}
}  // namespace

// The playground reads a file a step at a time (the single-threaded web build draws frames between steps): the same
// trace as the one-call readers, in many steps of bounded work, its progress only growing.
TEST(TraceFileReader, ReadsALargeFileInManyBoundedStepsOfEitherForm) {
    const trace::Trace original = LargeTrace();
    ASSERT_GT(original.spans.size(), 3 * trace::TraceFileReader::kStepRecords);
    const std::string own = trace::ToJson(original), chrome = trace::ToChromeJson(original);
    ASSERT_GT(own.size(), 8 * trace::TraceFileReader::kStepBytes);
    const size_t stepLimit = trace::TraceFileReader::kStepBytes + 2 * jsonio::SlicedJsonParser::kWholeValueBytes;
    for (const auto& [text, form] : {std::pair{own, trace::TraceForm::Any}, std::pair{chrome, trace::TraceForm::Any},
                                     std::pair{own, trace::TraceForm::Interleave},
                                     std::pair{chrome, trace::TraceForm::Chrome}}) {
        SCOPED_TRACE(text.substr(0, 30));
        SteppedRead read = ReadInSteps(text, form);
        ASSERT_TRUE(read.ok) << read.error;
        trace::Trace whole;
        std::string error;
        ASSERT_TRUE(trace::ReadAnyTrace(text, whole, error)) << error;
        EXPECT_EQ(trace::ToJson(read.trace), trace::ToJson(whole));
        // The pairs hold copies, so the texts are told apart by content, not address.
        if (text == own) {
            EXPECT_EQ(trace::ToJson(read.trace), own);
        }
        EXPECT_GE(read.parseSteps, int(text.size() / stepLimit));
        EXPECT_LE(read.largestParseStep, trace::TraceFileReader::kParseShare * double(stepLimit) / double(text.size()));
        EXPECT_GE(read.convertSteps, int(original.spans.size() / trace::TraceFileReader::kStepRecords));
        EXPECT_TRUE(read.progressOnlyGrew);
    }
}

TEST(TraceFileReader, ABrokenRecordDeepInAFileIsNamedAfterManySteps) {
    trace::Trace broken = LargeTrace();
    const size_t at = broken.spans.size() - 10;
    std::swap(broken.spans[at].start, broken.spans[at].end);
    ASSERT_LT(broken.spans[at].end, broken.spans[at].start);
    SteppedRead read = ReadInSteps(trace::ToJson(broken), trace::TraceForm::Any);
    EXPECT_FALSE(read.ok);
    EXPECT_EQ(read.error, "trace: spans[" + std::to_string(at) + "] ends before it starts");
    EXPECT_GT(read.convertSteps, 1);
    // A text cut short: the parse says where it ends, and nothing is converted.
    const std::string text = trace::ToJson(LargeTrace());
    read = ReadInSteps(text.substr(0, text.size() / 2), trace::TraceForm::Any);
    EXPECT_FALSE(read.ok);
    EXPECT_NE(read.error.find("trace: not valid JSON at line "), std::string::npos) << read.error;
    EXPECT_EQ(read.convertSteps, 0);
}
