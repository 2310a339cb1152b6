// The explanation against the trace it explains: the convoy preset's tasks are counted by what each one does,
// and the figure that makes the convoy (the I/O task's round trip, stretched by its waits for the GIL) is quoted
// as the trace measured it. The figures are recomputed here from the spans, independently of explain.cpp.
#include <gtest/gtest.h>

#include <string>

#include "test_support.h"
#include "ui/explain.h"
#include "ui/timeline_math.h"

namespace interleave::ui {
namespace {

using trace::SpanState;

// What the trace shows of one task on the threads that ran it (core and GIL lanes repeat the same time).
struct TaskOnItsThreads {
    int64_t ioCalls = 0;
    trace::TimeNs io = 0, python = 0, gilWait = 0;
};

trace::TaskId TaskNamed(const trace::Trace& t, const std::string& name) {
    for (size_t i = 0; i < t.tasks.size(); ++i)
        if (t.tasks[i].name == name) return trace::TaskId(i);
    ADD_FAILURE() << "no task " << name << " in the trace";
    return trace::kNone;
}

TaskOnItsThreads Measure(const trace::Trace& t, trace::TaskId task) {
    TaskOnItsThreads m;
    for (const trace::Span& span : t.spans) {
        if (span.task != task || t.tracks[size_t(span.track)].kind != trace::TrackKind::Thread) continue;
        const trace::TimeNs length = span.end - span.start;
        if (span.state == SpanState::BlockedIo) {
            ++m.ioCalls;
            m.io += length;
        } else if (span.state == SpanState::RunningPython || span.state == SpanState::RunningC) {
            m.python += length;
        } else if (span.state == SpanState::WaitingGil) {
            m.gilWait += length;
        }
    }
    return m;
}

bool Says(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Explain, ConvoyPresetCountsItsCpuBoundAndItsIoBoundTask) {
    // scenarios/convoy_effect.json: io_bound (500 x 5 us CPU + 20 us I/O: 80% I/O) beside cpu_bound (4 s CPU).
    const auto s = testing::Preset("convoy_effect");
    const auto run = testing::SimulateOk(s);
    const std::string text = Explain(s, run.trace);
    EXPECT_TRUE(Says(text, "1 CPU-bound and 1 I/O-bound task on 2 threads took ")) << text;
    EXPECT_FALSE(Says(text, "2 CPU-bound tasks")) << text;
}

TEST(Explain, ConvoyPresetQuotesTheIoTasksRoundTripAsTheTraceMeasuredIt) {
    const auto s = testing::Preset("convoy_effect");
    const auto run = testing::SimulateOk(s);
    const trace::Trace& t = run.trace;
    const trace::TaskId io = TaskNamed(t, "io_bound[0]");
    ASSERT_NE(io, trace::kNone);
    const TaskOnItsThreads m = Measure(t, io);
    ASSERT_GT(m.ioCalls, 0);
    const trace::TaskRecord& record = t.tasks[size_t(io)];
    const double roundTrip = double(record.finished - record.started) / double(m.ioCalls);
    const double ownWork = double(m.io + m.python) / double(m.ioCalls);
    // The convoy is in the trace: each round trip took many times the work it needs.
    ASSERT_GT(roundTrip, 20 * ownWork);
    ASSERT_GT(m.gilWait, 0);

    const std::string text = Explain(s, t);
    RecordProperty("explanation", text);  // in --gtest_output=xml, for reading it whole
    EXPECT_TRUE(Says(text, std::to_string(m.ioCalls) + " I/O calls")) << text;
    EXPECT_TRUE(Says(text, FormatTime(double(m.io) / double(m.ioCalls)))) << "the I/O's own duration\n" << text;
    EXPECT_TRUE(Says(text, FormatTime(ownWork))) << "the round trip's own work\n" << text;
    EXPECT_TRUE(Says(text, FormatTime(roundTrip))) << "the measured round trip\n" << text;
    EXPECT_TRUE(Says(text, FormatTime(double(m.gilWait)))) << "the I/O task's wait for the GIL\n" << text;
}

TEST(Explain, AnIoBoundThreadAloneIsNotCalledAConvoy) {
    // The convoy preset without its CPU-bound thread: the round trips stay at their own cost, so the
    // explanation must not claim they grew.
    auto s = testing::Preset("convoy_effect");
    ASSERT_EQ(s.groups.size(), 2u);
    s.groups.pop_back();
    const auto run = testing::SimulateOk(s);
    const std::string text = Explain(s, run.trace);
    EXPECT_TRUE(Says(text, "1 I/O-bound task on 1 thread took ")) << text;
    EXPECT_FALSE(Says(text, "round trip")) << text;
}

TEST(Explain, ATaskThatOnlyStartsChildrenIsJudgedByTheirWork) {
    // Each site's one step starts its pages: the sites are not "empty", their work is their children's, and the
    // children are counted apart from the tasks that start them.
    const scenario::Scenario s = testing::Preset("pool_items_event_loop");
    const std::string text = Explain(s, testing::SimulateOk(s).trace);
    EXPECT_EQ(text.find("empty"), std::string::npos) << text;
    EXPECT_NE(text.find("4 mixed tasks (with the 40 children they start)"), std::string::npos) << text;
}

TEST(Explain, PipelinePresetSaysHowLongEachGroupWaitedOnTheQueue) {
    const scenario::Scenario s = testing::Preset("pipeline");
    const trace::Trace t = testing::SimulateOk(s).trace;
    // Recomputed here: the parse group's time in waiting_queue spans (its tasks are 1 and 2, after download's 0).
    double parseWait = 0;
    for (const trace::Span& span : t.spans)
        if (span.state == SpanState::WaitingQueue && (span.task == 1 || span.task == 2))
            parseWait += double(span.end - span.start);
    ASSERT_GT(parseWait, 0);
    const std::string text = Explain(s, t);
    EXPECT_NE(text.find("parse " + FormatTime(parseWait)), std::string::npos) << text;
    EXPECT_NE(text.find("waited for each other on queues"), std::string::npos) << text;
    // The convoy has no queue: no such sentence.
    EXPECT_EQ(Explain(testing::Preset("convoy_effect"), testing::SimulateOk(testing::Preset("convoy_effect")).trace)
                  .find("queues"),
              std::string::npos);
}

}  // namespace
}  // namespace interleave::ui
