// The explanation against the trace it explains: the convoy preset's tasks are counted by what each one does,
// and the figure that makes the convoy (the I/O task's round trip, stretched by its waits for the GIL) is quoted
// as the trace measured it. The figures are recomputed here from the spans, independently of explain.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "figures_in_text.h"
#include "scenario/presets.h"
#include "test_support.h"
#include "ui/explain.h"
#include "ui/playground.h"
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
    return trace::TaskId::None();
}

TaskOnItsThreads Measure(const trace::Trace& t, trace::TaskId task) {
    TaskOnItsThreads m;
    for (const trace::Span& span : t.spans) {
        if (span.task != task || t.tracks[span.track.Index()].kind != trace::TrackKind::Thread) continue;
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
    ASSERT_NE(io, trace::TaskId::None());
    const TaskOnItsThreads m = Measure(t, io);
    ASSERT_GT(m.ioCalls, 0);
    const trace::TaskRecord& record = t.tasks[io.Index()];
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

TEST(Explain, SequentialCodeWhoseChildrenOverlapIsNotCalledTheSumOfItsSteps) {
    // fan_out_as_completed: one sequential task hands 24 downloads to an executor of 8 threads. The tasks take turns,
    // but the children overlap: 769 ms of steps take about 112 ms, and the text must not say the time is their sum.
    const scenario::Scenario s = testing::Preset("fan_out_as_completed");
    const trace::Trace t = testing::SimulateOk(s).trace;
    const std::string text = Explain(s, t);
    EXPECT_FALSE(Says(text, "nothing overlaps")) << text;
    double childrenTime = 0;
    for (size_t k = 1; k < t.tasks.size(); ++k) childrenTime += double(t.tasks[k].finished - t.tasks[k].started);
    EXPECT_GT(childrenTime, 24 * 32e6);  // each child's 30 ms of I/O and 2 ms of Python, and its waits for the GIL
    EXPECT_TRUE(Says(text, "the children they start overlapped: 24 children ran " + FormatTime(childrenTime) +
                               " between them"))
        << text;
    // Sequential code whose one child runs alone still overlaps nothing.
    scenario::Scenario alone = s;
    alone.children[0].count = 1;
    const std::string aloneText = Explain(alone, testing::SimulateOk(alone).trace);
    EXPECT_TRUE(Says(aloneText, "nothing overlaps")) << aloneText;
}

TEST(Explain, TasksThatOnlyIncrementACounterAreCpuBoundNotEmpty) {
    // counter_free_threaded's tasks run `shared_counter += 1` 100,000 times and nothing else: Python, so CPU-bound.
    const scenario::Scenario s = testing::Preset("counter_free_threaded");
    const std::string text = Explain(s, testing::SimulateOk(s).trace);
    EXPECT_EQ(text.find("empty"), std::string::npos) << text;
    EXPECT_TRUE(Says(text, "4 CPU-bound tasks on 4 free-threaded threads")) << text;
}

TEST(Explain, PipelinePresetSaysHowLongEachGroupWaitedOnTheQueue) {
    const scenario::Scenario s = testing::Preset("pipeline");
    const trace::Trace t = testing::SimulateOk(s).trace;
    // Recomputed here: the parse group's time in waiting_queue spans (its tasks are 1 and 2, after download's 0).
    double parseWait = 0;
    for (const trace::Span& span : t.spans)
        if (span.state == SpanState::WaitingQueue && (span.task == trace::TaskId(1) || span.task == trace::TaskId(2)))
            parseWait += double(span.end - span.start);
    ASSERT_GT(parseWait, 0);
    const std::string text = Explain(s, t);
    EXPECT_NE(text.find("parse " + FormatTime(parseWait)), std::string::npos) << text;
    EXPECT_NE(text.find("waited for each other on queues"), std::string::npos) << text;
    // Between processes it names what they share, as the plan makes it.
    const scenario::Scenario pipe = testing::Preset("pipe_processes");
    EXPECT_NE(Explain(pipe, testing::SimulateOk(pipe).trace).find("waited for each other on a multiprocessing.Pipe"),
              std::string::npos);
    const scenario::Scenario mpQueue = testing::Preset("pipeline_processes");
    EXPECT_NE(
        Explain(mpQueue, testing::SimulateOk(mpQueue).trace).find("waited for each other on multiprocessing queues"),
        std::string::npos);
    // The convoy has no queue: no such sentence.
    EXPECT_EQ(Explain(testing::Preset("convoy_effect"), testing::SimulateOk(testing::Preset("convoy_effect")).trace)
                  .find("queues"),
              std::string::npos);
}

TEST(Explain, APoolSaysWhetherWhatCrossedWasBytesOrObjectGraphs) {
    // Object graphs pickle object by object, many times slower per byte than bytes: the text names which crossed.
    auto explain = [](const std::string& sendPayload, const std::string& returnPayload) {
        const scenario::Scenario s = testing::ParseOrDie(R"({"tasks":[{"name":"rows","count":4,"steps":[
            {"send":"2MB")" + sendPayload + R"(},{"cpu":"5ms"},{"return":"500KB")" + returnPayload + R"(}]}],
            "model":{"kind":"processes","workers":2},"machine":{"cores":2}})");
        return Explain(s, testing::SimulateOk(s).trace);
    };
    const std::string bytes = explain("", "");
    EXPECT_TRUE(Says(bytes, "pickling and unpickling what crossed (10.0 MB of bytes)")) << bytes;
    const std::string objects = explain(R"(,"payload":"objects")", R"(,"payload":"objects")");
    EXPECT_TRUE(Says(objects, "what crossed (10.0 MB of object graphs, pickled object by object)")) << objects;
    const std::string both = explain(R"(,"payload":"objects")", "");
    EXPECT_TRUE(Says(both, "what crossed (2.0 MB of bytes and 8.0 MB of object graphs")) << both;
}

TEST(Explain, APoolWithMoreWorkersThanCoresDoesNotGiveEachProcessACoreOfItsOwn) {
    // Fifty workers on two cores wait for a core in turn (the timeline's "waiting for a core" spans): the text must
    // not say each runs on its own core, as it may for two workers on two cores.
    auto explain = [](int workers) {
        const scenario::Scenario s = testing::ParseOrDie(R"({"tasks":[{"name":"t","count":)" +
            std::to_string(workers) + R"(,"steps":[{"cpu":"5ms"}]}],"model":{"kind":"processes","workers":)" +
            std::to_string(workers) + R"(},"machine":{"cores":2}})");
        return Explain(s, testing::SimulateOk(s).trace);
    };
    const std::string many = explain(50);
    EXPECT_FALSE(Says(many, "its own core")) << many;
    EXPECT_TRUE(Says(many, "the 50 processes take turns on 2 cores")) << many;
    const std::string two = explain(2);
    EXPECT_TRUE(Says(two, "runs on its own core (2 cores)")) << two;
}

TEST(Explain, SaysWhoRanTheMainModuleAgainAsTheReleaseDecides) {
    // A spawned worker, and a forkserver worker on 3.11 and 3.12, run the program's main module again (the running-
    // Python span after its start); from 3.13 the fork server runs it once. A forked worker inherits it: no sentence.
    auto explain = [](const std::string& python, const std::string& method) {
        const scenario::Scenario s = testing::ParseOrDie(R"({"version":10,"python":")" + python +
            R"(","main_imports":"40ms","tasks":[{"name":"t","count":2,"steps":[{"cpu":"5ms"}]}],)"
            R"("model":{"kind":"processes","workers":2,"start_method":")" + method +
            R"("},"machine":{"cores":2,"profile":{"main_rerun":"6ms"}}})");
        return Explain(s, testing::SimulateOk(s).trace);
    };
    const std::string old = explain("3.11", "forkserver");
    EXPECT_TRUE(Says(old, "Each forkserver worker ran the program's main module again before its first task (the "
                          "Python after its start: runpy's own part and the program's imports), since 3.11's fork "
                          "server does not preload it")) << old;
    const std::string fixed = explain("3.14", "forkserver");
    EXPECT_TRUE(Says(fixed, "The fork server ran the program's main module once, before its first fork")) << fixed;
    EXPECT_FALSE(Says(fixed, "Each forkserver worker")) << fixed;
    EXPECT_TRUE(Says(explain("3.14", "spawn"), "Each spawned worker ran the program's main module again"));
    EXPECT_FALSE(Says(explain("3.14", "fork"), "main module")) << explain("3.14", "fork");
}

// Every preset's claims point at moments of its own trace: each moment is a span of the state its label names, on
// the lane its label names, and is the longest of its kind (recomputed here from the spans).
// What an explanation may quote about a run, computed here from the trace alone: its metrics; every span's length;
// per state, the longest span and the sum over all spans, over each track and over each task's spans on threads;
// every task's length. Ratios: the speedup; percentages: the CPU utilisation and each core's.
struct Quotable {
    std::vector<double> times, ratios, fractions;
};

Quotable QuotableFigures(const trace::Trace& t) {
    Quotable q;
    const trace::Metrics& m = t.metrics;
    q.times = {double(m.makespan),     double(m.sequentialMakespan), double(m.gilWait),      double(m.coreWait),
               double(m.lockWait),     double(m.processStart),       double(m.pickling),     double(m.unpickling),
               double(m.threadStart),  double(m.loopOverhead),       double(m.medianGilSlice), double(m.latency.p50),
               double(m.latency.p90),  double(m.latency.p99),        double(m.latency.max)};
    std::map<std::pair<int, int>, double> byTrack, byTask;
    std::map<std::pair<std::string, int>, double> byGroup;  // over the tasks of a group ("parse" of "parse[1]")
    std::map<int, double> byState, longest;
    for (const trace::Span& span : t.spans) {
        const double length = double(span.end - span.start);
        const int state = int(span.state);
        q.times.push_back(length);
        byTrack[{int(span.track.value), state}] += length;
        byState[state] += length;
        longest[state] = std::max(longest[state], length);
        const trace::TrackKind kind = t.tracks[span.track.Index()].kind;
        if (span.task.Valid() && kind == trace::TrackKind::Thread) byTask[{int(span.task.value), state}] += length;
        // Where tasks run: threads, and a pool's worker processes (their main thread's spans are the process's).
        if (span.task.Valid() && span.task.Index() < t.tasks.size() &&
            (kind == trace::TrackKind::Thread || kind == trace::TrackKind::Process)) {
            const std::string& name = t.tasks[span.task.Index()].name;
            byGroup[{name.substr(0, name.find('[')), state}] += length;
        }
    }
    for (const auto* sums : {&byTrack, &byTask})
        for (const auto& [key, sum] : *sums) q.times.push_back(sum);
    for (const auto& [key, sum] : byGroup) q.times.push_back(sum);
    for (const auto* sums : {&byState, &longest})
        for (const auto& [key, sum] : *sums) q.times.push_back(sum);
    for (const trace::TaskRecord& task : t.tasks)
        if (task.started >= 0 && task.finished >= 0) q.times.push_back(double(task.finished - task.started));
    // A pool's costs are quoted summed and as shares of the CPU time on the cores' lanes (running, pickling, starting).
    double cpu = 0;
    for (const trace::Span& span : t.spans)
        if (t.tracks[span.track.Index()].kind == trace::TrackKind::Core &&
            (span.state == SpanState::RunningPython || span.state == SpanState::RunningC ||
             span.state == SpanState::Pickling || span.state == SpanState::Unpickling ||
             span.state == SpanState::StartingProcess))
            cpu += double(span.end - span.start);
    const double pickle = double(m.pickling + m.unpickling);
    q.times.insert(q.times.end(), {cpu, pickle});
    q.ratios = {m.speedup};
    q.fractions = {m.cpuUtilisation};
    if (cpu > 0) q.fractions.insert(q.fractions.end(), {double(m.processStart) / cpu, pickle / cpu});
    q.fractions.insert(q.fractions.end(), m.coreUtilisation.begin(), m.coreUtilisation.end());
    return q;
}

// Every preset's explanation, under each model the playground offers for it, quotes its run's own figures: each
// time, ratio and percentage it states is, to its written digits, one the trace shows (QuotableFigures), or one of the
// figures the convoy quotes as round trips (checked against the spans by the tests above).
TEST(Explain, EveryPresetsFiguresAreItsTracesOwn) {
    int checked = 0, presets = 0;
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        const scenario::Scenario s = interleave::testing::Preset(std::string(preset.id));
        const auto result = interleave::testing::SimulateOk(s);
        const std::string text = Explain(s, result.trace);
        Quotable q = QuotableFigures(result.trace);
        // The children's start-to-end times summed (they are numbered after the scenario's own tasks).
        double childrenTime = 0;
        for (size_t k = size_t(s.TaskCount()); k < result.trace.tasks.size(); ++k)
            childrenTime += double(result.trace.tasks[k].finished - result.trace.tasks[k].started);
        q.times.push_back(childrenTime);
        // The model's own figure: a free-threaded build's slower Python (scenario::PythonCpuScale, from its profile).
        q.fractions.push_back(scenario::PythonCpuScale(s) - 1);
        const auto figures = interleave::testing::FiguresIn(text);
        // "5.076 ms on average, 203x as long" as "a round trip needs 25.0 us": a ratio of two times the text quotes.
        for (const auto& a : figures)
            for (const auto& b : figures)
                if (a.kind == 't' && b.kind == 't' && b.value > 0) q.ratios.push_back(a.value / b.value);
        ++presets;
        for (const interleave::testing::Figure& figure : figures) {
            const std::vector<double>& pool = figure.kind == 'x' ? q.ratios : figure.kind == '%' ? q.fractions : q.times;
            // A ratio of two rounded times is itself inexact: 2% more room for those.
            const double room = figure.kind == 'x' ? std::max(figure.halfUlp, 0.02 * figure.value) : figure.halfUlp;
            const bool found = std::any_of(pool.begin(), pool.end(),
                                           [&](double v) { return interleave::testing::Matches(figure, v, room * 1.0001); });
            const bool roundTrip = Says(text, "round trip") && figure.kind == 't';
            EXPECT_TRUE(found || roundTrip) << preset.id << ": \"" << figure.text << "\" in \"" << text << "\"";
            ++checked;
        }
    }
    EXPECT_GE(presets, 20);
    EXPECT_GE(checked, 3 * presets);
}

TEST(ExplainMoments, EveryPresetsMomentsAreTheLongestSpansOfTheirKindInItsTrace) {
    int presetsWithMoments = 0;
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        const scenario::Scenario s = testing::Preset(std::string(preset.id));
        const trace::Trace t = testing::SimulateOk(s).trace;
        const std::vector<ExplainMoment> moments = ExplainMoments(s, t);
        presetsWithMoments += moments.empty() ? 0 : 1;
        for (const ExplainMoment& moment : moments) {
            SCOPED_TRACE(std::string(preset.id) + ": " + moment.label);
            ASSERT_GE(moment.track, trace::TrackId(0));
            EXPECT_GE(moment.start, 0);
            EXPECT_LT(moment.start, moment.end);
            EXPECT_LE(moment.end, t.EndTime());
            EXPECT_NE(moment.label.find(FormatTime(double(moment.end - moment.start))), std::string::npos);
            EXPECT_NE(moment.label.find(t.tracks[moment.track.Index()].name), std::string::npos);
            const auto states = [&]() -> std::vector<SpanState> {
                if (moment.label.find("wait for the GIL") != std::string::npos) return {SpanState::WaitingGil};
                if (moment.label.find("start") != std::string::npos) return {SpanState::StartingProcess};
                if (moment.label.find("pickling") != std::string::npos) return {SpanState::Pickling, SpanState::Unpickling};
                if (moment.label.find("blocking call") != std::string::npos) return {SpanState::BlockedIo};
                if (moment.label.find("queue") != std::string::npos) return {SpanState::WaitingQueue};
                return {};
            }();
            ASSERT_FALSE(states.empty()) << "a label that names no state";
            // The I/O-bound thread's wait is the longest on that thread; the others, on any lane of the same kind.
            const bool ownLane = moment.label.rfind("an I/O-bound thread's", 0) == 0;
            bool found = false;
            trace::TimeNs longest = 0;
            for (const trace::Span& span : t.spans) {
                if (std::find(states.begin(), states.end(), span.state) == states.end()) continue;
                if (t.tracks[span.track.Index()].kind != t.tracks[moment.track.Index()].kind) continue;
                if (ownLane && span.track != moment.track) continue;
                found |= span.track == moment.track && span.start == moment.start && span.end == moment.end;
                longest = std::max(longest, span.end - span.start);
            }
            EXPECT_TRUE(found) << "no such span";
            EXPECT_EQ(moment.end - moment.start, longest) << "not the longest of its kind";
        }
    }
    EXPECT_GE(presetsWithMoments, 10);
}

// The convoy's figure "up to X at a time" and the moment its button shows are the same wait.
TEST(ExplainMoments, TheConvoysLongestWaitIsTheOneItsTextQuotes) {
    const scenario::Scenario s = testing::Preset("convoy_effect");
    const trace::Trace t = testing::SimulateOk(s).trace;
    const std::string text = Explain(s, t);
    const std::vector<ExplainMoment> moments = ExplainMoments(s, t);
    const auto io = std::find_if(moments.begin(), moments.end(),
                                 [](const ExplainMoment& m) { return m.label.rfind("an I/O-bound thread's", 0) == 0; });
    ASSERT_NE(io, moments.end());
    EXPECT_NE(text.find("up to " + FormatTime(double(io->end - io->start)) + " at a time"), std::string::npos) << text;
    EXPECT_EQ(t.tracks[io->track.Index()].name, "Thread-1 (run_task)");
}

// Shares keep a small figure visible: an I/O-bound run used its CPU a little, and "CPU 0%" said it used none.
TEST(FormatShare, WritesSmallSharesWithoutHidingThem) {
    EXPECT_EQ(FormatShare(0), "0%");
    EXPECT_EQ(FormatShare(std::nan("")), "0%");
    EXPECT_EQ(FormatShare(0.0004), "<0.1%");
    EXPECT_EQ(FormatShare(0.003), "0.3%");
    EXPECT_EQ(FormatShare(0.25), "25%");
    trace::Metrics m;
    m.makespan = 1'000'000'000;
    m.cpuUtilisation = 0.003;
    const std::string line = MetricsLine(m);
    EXPECT_NE(line.find("CPU 0.3%"), std::string::npos) << line;
}

}  // namespace
}  // namespace interleave::ui
