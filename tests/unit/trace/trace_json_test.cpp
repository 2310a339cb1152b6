#include <gtest/gtest.h>

#include "test_support.h"
#include "trace/trace_json.h"

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
    EXPECT_TRUE(t.SpansOf(7).empty());
}
