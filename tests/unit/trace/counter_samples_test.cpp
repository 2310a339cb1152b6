// Counter samples (a queue's depth over time) in the trace: both JSON forms carry them losslessly, the readers refuse
// broken ones by name, and the text form lists them.
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"
#include "trace/trace_json.h"
#include "trace/trace_text.h"

namespace interleave::trace {
namespace {

Trace WithACounter() {
    Trace t;
    const TrackId process = t.AddTrack("MainProcess", TrackKind::Process);
    const TrackId thread = t.AddTrack("MainThread", TrackKind::Thread, process);
    const TrackId queue = t.AddTrack("Queue jobs", TrackKind::Counter, process);
    t.spans.push_back({0, 5'000'000, thread, TaskId::None(), TrackId::None(), SpanState::RunningPython});
    // Out of order on purpose: Finish() sorts them by (track, time), keeping equal times in the order given.
    t.samples = {{2'000'000, queue, 2}, {0, queue, 0}, {1'000'000, queue, 1}, {2'000'000, queue, 1}};
    t.Finish();
    return t;
}

TEST(CounterSamples, FinishOrdersThemByTimeAndSamplesOfGivesATracksOwn) {
    const Trace t = WithACounter();
    const auto samples = t.SamplesOf(TrackId(2));
    ASSERT_EQ(samples.size(), 4u);
    EXPECT_EQ(samples[0].time, 0);
    EXPECT_EQ(samples[1].value, 1);
    EXPECT_EQ(samples[2].value, 2);
    EXPECT_EQ(samples[3].value, 1);  // the later of two at one time: the value from then on
    EXPECT_TRUE(t.SamplesOf(TrackId(1)).empty());
    EXPECT_EQ(t.EndTime(), 5'000'000);
}

TEST(CounterSamples, BothJsonFormsCarryThemLosslessly) {
    const Trace t = WithACounter();
    const std::string own = ToJson(t);
    Trace back;
    std::string error;
    ASSERT_TRUE(FromJson(own, back, error)) << error;
    EXPECT_EQ(ToJson(back), own);
    ASSERT_EQ(back.samples.size(), 4u);
    Trace fromChrome;
    ASSERT_TRUE(FromChromeJson(ToChromeJson(t), fromChrome, error)) << error;
    ASSERT_EQ(fromChrome.tracks.size(), t.tracks.size());
    EXPECT_EQ(fromChrome.tracks[2].kind, TrackKind::Counter);
    ASSERT_EQ(fromChrome.samples.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(fromChrome.samples[i].time, back.samples[i].time);
        EXPECT_EQ(fromChrome.samples[i].value, back.samples[i].value);
    }
    EXPECT_NE(ToText(t).find("Queue jobs = 2"), std::string::npos) << ToText(t);
    // A trace without counters is written as before: no "samples" key at all.
    Trace plain = WithACounter();
    plain.samples.clear();
    plain.Finish();
    EXPECT_EQ(ToJson(plain).find("samples"), std::string::npos);
}

TEST(CounterSamples, BrokenSamplesAreRefusedByName) {
    const std::string own = ToJson(WithACounter());
    auto withSamples = [&](const std::string& samples) {
        std::string text = own;
        const size_t at = text.find("\"samples\":");
        EXPECT_NE(at, std::string::npos);
        const size_t end = text.find("]]", at);
        return text.replace(at, end + 2 - at, "\"samples\":" + samples);
    };
    const struct {
        const char* samples;
        const char* says;
    } cases[] = {
        {"[[0,1,3]]", "not a counter track"},               // a thread's lane
        {"[[0,9,3]]", "samples"},                           // no such track
        {"[[0,2]]", "must be [time, track, value]"},
        {"[[0,2,\"3\"]]", "samples[0]"},
        {"[[0,2,1e300]]", "samples[0]"},
        {"[[0,2,18014398509481985]]", "samples[0]"},        // past 2^53
        {"{\"a\":1}", "\"samples\" must be an array"},
    };
    for (const auto& c : cases) {
        Trace t;
        std::string error;
        EXPECT_FALSE(FromJson(withSamples(c.samples), t, error)) << c.samples;
        EXPECT_NE(error.find(c.says), std::string::npos) << c.samples << " -> " << error;
    }
}

}  // namespace
}  // namespace interleave::trace
