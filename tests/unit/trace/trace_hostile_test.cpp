// The trace readers against hostile files (docs/trace-format.md): wrongly typed fields, numbers that do not
// fit, times beyond the bounds, spans that end before they start, huge and deep input. The readers never
// throw (a throw aborts the wasm build of these tests), and whatever they accept survives both exports.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "jsonio/bounded_json.h"
#include "scenario/presets.h"
#include "test_support.h"
#include "trace/trace_json.h"

using namespace interleave;
using nlohmann::json;

namespace {

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kTimeBound = (int64_t{1} << 62) - 1;  // the largest time the readers accept

// A small trace in Interleave's own form: one track, one span, one instant, one task, some metrics.
const char* kOwnBase = R"({"format":"interleave-trace","version":1,"label":"l","producer":"p",
  "tracks":[{"name":"main","kind":"thread","parent":-1},{"name":"gil","kind":"gil","parent":-1}],
  "spans":[[0,10,0,"running_python",0,-1,-1,-1],[10,20,0,"waiting_gil",0,1,4,6]],
  "instants":[[5,0,"task_start",-1,0]],
  "tasks":[{"name":"t","submitted":0,"started":0,"finished":10,"failed":false,"cancelled":false}],
  "metrics":{"makespan_ns":10,"speedup":1.0,"latency_ns":{"p50":10},"counters":{"hits":3},"core_utilisation":[0.5]}})";

// The same in Chrome Trace Event JSON, as our export writes it (exact nanoseconds in args).
const char* kChromeBase = R"({"traceEvents":[
  {"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"main","kind":"thread","parent":-1}},
  {"ph":"X","name":"running_python","pid":1,"tid":1,"ts":0,"dur":0.01,
   "args":{"state":"running_python","start_ns":0,"end_ns":10,"task":0,"cause":-1}},
  {"ph":"i","name":"task_start","pid":1,"tid":1,"ts":0.005,"args":{"time_ns":5}}],
  "otherData":{"label":"l","source":"s","tasks":[{"name":"t","submitted":0}],"metrics":{"makespan_ns":10}}})";

// A Chrome trace from another producer: B/E pairs, fractional microseconds, no exact nanoseconds,
// events on undeclared threads, events we do not model, causes and tasks that do not exist.
const char* kForeignChrome = R"([
  {"ph":"M","name":"process_name","pid":7,"args":{"name":"python"}},
  {"ph":"M","name":"thread_name","pid":7,"tid":70,"args":{"name":"worker","kind":"spinning","extra":{"a":[1,{"b":2}]}}},
  {"ph":"M","name":"thread_name","pid":7,"tid":71,"args":{"name":"self","parent":1}},
  {"ph":"B","name":"running_python","pid":7,"tid":70,"ts":10.0005},
  {"ph":"B","name":"blocked_io","pid":7,"tid":70,"ts":11},
  {"ph":"E","pid":7,"tid":70,"ts":12.25},
  {"ph":"E","pid":7,"tid":70,"ts":25},
  {"ph":"E","pid":7,"tid":70,"ts":26},
  {"ph":"X","name":"waiting_gil","pid":7,"tid":71,"ts":30,"dur":5,"args":{"cause":99,"task":3,"cause_since_ns":-7}},
  {"ph":"X","name":"something else","pid":8,"tid":80,"ts":-2.5,"dur":0},
  {"ph":"C","name":"counter","pid":7,"tid":70,"ts":1,"args":{"value":5}},
  {"ph":"i","name":"gil_handoff","pid":7,"tid":71,"ts":31,"args":{"cause":0,"task":12}},
  {"ph":"i","name":"unknown_instant","pid":7,"tid":71,"ts":31},
  {"ph":"s","id":1,"pid":7,"tid":71,"ts":3}])";

json Parsed(const char* text) {
    return json::parse(text);
}

// `base` with the value at `pointer` replaced.
std::string With(const char* base, const std::string& pointer, const json& value) {
    json doc = Parsed(base);
    doc[json::json_pointer(pointer)] = value;
    return doc.dump();
}

struct Case {
    const char* base;
    std::string pointer;
    json value;
    std::string expected;  // what the error must mention: the field's path
};

// Reads `text` with the reader its base needs; the read must fail without a throw, naming `expected`.
void ExpectRejected(const Case& c) {
    const std::string text = With(c.base, c.pointer, c.value);
    SCOPED_TRACE(c.pointer + " = " + c.value.dump());
    trace::Trace t;
    std::string error;
    bool ok = true;
    if (c.base == kOwnBase)
        EXPECT_NO_THROW(ok = trace::FromJson(text, t, error));
    else
        EXPECT_NO_THROW(ok = trace::FromChromeJson(text, t, error));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find(c.expected), std::string::npos) << "error: " << error;
    // ReadAnyTrace picks the same reader.
    std::string anyError;
    EXPECT_NO_THROW(ok = trace::ReadAnyTrace(text, t, anyError));
    EXPECT_FALSE(ok);
}

void ExpectSameTrace(const trace::Trace& a, const trace::Trace& b) {
    ASSERT_EQ(a.tracks.size(), b.tracks.size());
    for (size_t i = 0; i < a.tracks.size(); ++i) {
        EXPECT_EQ(a.tracks[i].name, b.tracks[i].name) << "track " << i;
        EXPECT_EQ(a.tracks[i].kind, b.tracks[i].kind) << "track " << i;
        EXPECT_EQ(a.tracks[i].parent, b.tracks[i].parent) << "track " << i;
    }
    ASSERT_EQ(a.spans.size(), b.spans.size());
    for (size_t i = 0; i < a.spans.size(); ++i) {
        const trace::Span& x = a.spans[i];
        const trace::Span& y = b.spans[i];
        EXPECT_EQ(x.start, y.start) << "span " << i;
        EXPECT_EQ(x.end, y.end) << "span " << i;
        EXPECT_EQ(x.track, y.track) << "span " << i;
        EXPECT_EQ(x.state, y.state) << "span " << i;
        EXPECT_EQ(x.task, y.task) << "span " << i;
        EXPECT_EQ(x.cause, y.cause) << "span " << i;
        EXPECT_EQ(a.WaitOf(x).causeSince, b.WaitOf(y).causeSince) << "span " << i;
        EXPECT_EQ(a.WaitOf(x).dropRequestAt, b.WaitOf(y).dropRequestAt) << "span " << i;
    }
    ASSERT_EQ(a.instants.size(), b.instants.size());
    for (size_t i = 0; i < a.instants.size(); ++i) {
        EXPECT_EQ(a.instants[i].time, b.instants[i].time) << "instant " << i;
        EXPECT_EQ(a.instants[i].track, b.instants[i].track) << "instant " << i;
        EXPECT_EQ(a.instants[i].kind, b.instants[i].kind) << "instant " << i;
        EXPECT_EQ(a.instants[i].cause, b.instants[i].cause) << "instant " << i;
        EXPECT_EQ(a.instants[i].task, b.instants[i].task) << "instant " << i;
    }
}

// The round-trip property: a trace the readers accepted, exported in both forms, reads back from both
// with the same tracks, spans and instants.
void ExpectSurvivesBothExports(const trace::Trace& accepted) {
    trace::Trace own, chrome;
    std::string error;
    bool ok = false;
    EXPECT_NO_THROW(ok = trace::FromJson(trace::ToJson(accepted), own, error));
    ASSERT_TRUE(ok) << "own form: " << error;
    EXPECT_NO_THROW(ok = trace::FromChromeJson(trace::ToChromeJson(accepted), chrome, error));
    ASSERT_TRUE(ok) << "chrome form: " << error;
    {
        SCOPED_TRACE("own form");
        ExpectSameTrace(accepted, own);
    }
    {
        SCOPED_TRACE("chrome form");
        ExpectSameTrace(accepted, chrome);
    }
}

}  // namespace

TEST(TraceHostile, WronglyTypedFieldsGiveAnErrorNamingTheField) {
    const std::vector<Case> cases = {
        {kOwnBase, "/format", 42, "format"},
        {kOwnBase, "/version", "1", "version"},
        {kOwnBase, "/label", 5, "label"},
        {kOwnBase, "/producer", json::array(), "producer"},
        {kOwnBase, "/tracks/0/name", 1, "tracks[0]"},
        {kOwnBase, "/tracks/0/kind", 3, "tracks[0]"},
        {kOwnBase, "/tracks/0/parent", "x", "tracks[0].parent"},
        {kOwnBase, "/spans/0/0", "0", "spans[0][0]"},
        {kOwnBase, "/spans/0/4", "t", "spans[0][4]"},
        {kOwnBase, "/spans/1/6", json::object(), "spans[1][6]"},
        {kOwnBase, "/instants/0/0", "soon", "instants[0][0]"},
        {kOwnBase, "/tasks/0", 7, "tasks[0]"},
        {kOwnBase, "/tasks/0/name", 1, "tasks[0].name"},
        {kOwnBase, "/tasks/0/submitted", "soon", "tasks[0].submitted"},
        {kOwnBase, "/tasks/0/failed", "yes", "tasks[0].failed"},
        {kOwnBase, "/metrics/makespan_ns", "1s", "metrics.makespan_ns"},
        {kOwnBase, "/metrics/speedup", "fast", "metrics.speedup"},
        {kOwnBase, "/metrics/latency_ns", 5, "metrics.latency_ns"},
        {kOwnBase, "/metrics/latency_ns/p50", "x", "metrics.latency_ns.p50"},
        {kOwnBase, "/metrics/counters/hits", "x", "metrics.counters.hits"},
        {kOwnBase, "/metrics/core_utilisation/0", "x", "metrics.core_utilisation[0]"},
        {kChromeBase, "/traceEvents/1/ph", 5, "traceEvents[1].ph"},
        {kChromeBase, "/traceEvents/1/name", 7, "traceEvents[1].name"},
        {kChromeBase, "/traceEvents/1/pid", "1", "traceEvents[1].pid"},
        {kChromeBase, "/traceEvents/1/tid", json::object(), "traceEvents[1].tid"},
        {kChromeBase, "/traceEvents/1/args", "x", "traceEvents[1].args"},
        {kChromeBase, "/traceEvents/1/args/state", 3, "traceEvents[1].args.state"},
        {kChromeBase, "/traceEvents/1/args/start_ns", "0", "traceEvents[1].args.start_ns"},
        {kChromeBase, "/traceEvents/1/args/task", "0", "traceEvents[1].args.task"},
        {kChromeBase, "/traceEvents/0/ph", json::array(), "traceEvents[0].ph"},
        {kChromeBase, "/traceEvents/0/name", 5, "traceEvents[0].name"},
        {kChromeBase, "/traceEvents/0/args/name", 5, "traceEvents[0].args.name"},
        {kChromeBase, "/traceEvents/0/args/kind", 5, "traceEvents[0].args.kind"},
        {kChromeBase, "/traceEvents/2/args/time_ns", "5", "traceEvents[2].args.time_ns"},
        {kChromeBase, "/otherData", 5, "otherData"},
        {kChromeBase, "/otherData/label", 5, "otherData.label"},
        {kChromeBase, "/otherData/tasks/0/submitted", "x", "otherData.tasks[0].submitted"},
        {kChromeBase, "/otherData/metrics/makespan_ns", "x", "otherData.metrics.makespan_ns"},
    };
    for (const Case& c : cases)
        ExpectRejected(c);
}

TEST(TraceHostile, FloatsAndOutOfRangeNumbersInIntegerFieldsAreRejected) {
    const std::vector<Case> cases = {
        {kOwnBase, "/tasks/0/submitted", 1e20, "tasks[0].submitted"},
        {kOwnBase, "/tasks/0/submitted", 1.5, "tasks[0].submitted"},
        {kOwnBase, "/spans/0/1", 1e20, "spans[0][1]"},
        {kOwnBase, "/spans/0/0", std::numeric_limits<uint64_t>::max(), "spans[0][0]"},
        {kOwnBase, "/spans/0/4", int64_t{1} << 32, "spans[0][4]"},  // would wrap to task 0 as an int32
        {kOwnBase, "/spans/0/2", 1e300, "spans[0][2]"},
        {kOwnBase, "/instants/0/3", -1e19, "instants[0][3]"},
        {kOwnBase, "/tracks/0/parent", 1e30, "tracks[0].parent"},
        {kOwnBase, "/version", 1e20, "version"},
        {kOwnBase, "/metrics/gil_switches", 1e20, "metrics.gil_switches"},
        {kOwnBase, "/metrics/latency_ns/p50", -1e300, "metrics.latency_ns.p50"},
        {kChromeBase, "/traceEvents/1/pid", 1e300, "traceEvents[1].pid"},
        {kChromeBase, "/traceEvents/1/args/task", 1e20, "traceEvents[1].args.task"},
        {kChromeBase, "/traceEvents/1/args/start_ns", 2.5, "traceEvents[1].args.start_ns"},
        {kChromeBase, "/traceEvents/0/args/parent", 1e20, "traceEvents[0].args.parent"},
        {kChromeBase, "/otherData/tasks/0/submitted", 1e20, "otherData.tasks[0].submitted"},
    };
    for (const Case& c : cases)
        ExpectRejected(c);
}

TEST(TraceHostile, TimesBeyondTheBoundsAreRejected) {
    const std::vector<Case> cases = {
        {kOwnBase, "/spans/0", json::array({kInt64Min, kInt64Max, 0, "running_python", 0, -1, -1, -1}), "spans[0][0]"},
        {kOwnBase, "/spans/0/1", kTimeBound + 1, "spans[0][1]"},
        {kOwnBase, "/instants/0/0", -kTimeBound - 1, "instants[0][0]"},
        {kOwnBase, "/tasks/0/finished", kInt64Max, "tasks[0].finished"},
        {kOwnBase, "/metrics/makespan_ns", kInt64Max, "metrics.makespan_ns"},
        {kChromeBase, "/traceEvents/1/args/start_ns", kInt64Min, "traceEvents[1].args.start_ns"},
        {kChromeBase, "/traceEvents/1/args/end_ns", kInt64Max, "traceEvents[1].args.end_ns"},
    };
    for (const Case& c : cases)
        ExpectRejected(c);
    // ts in microseconds beyond the bound, with no exact nanoseconds to fall back on.
    for (const char* event :
         {R"([{"ph":"X","pid":1,"tid":1,"ts":1e300,"dur":1}])", R"([{"ph":"X","pid":1,"tid":1,"ts":0,"dur":1e300}])",
          R"([{"ph":"B","pid":1,"tid":1,"ts":-1e300}])",
          R"([{"ph":"i","name":"task_end","pid":1,"tid":1,"ts":4.7e15}])"}) {
        trace::Trace t;
        std::string error;
        bool ok = true;
        EXPECT_NO_THROW(ok = trace::FromChromeJson(event, t, error));
        EXPECT_FALSE(ok) << event;
        EXPECT_NE(error.find("traceEvents[0].ts"), std::string::npos) << error;
    }
    // The bounds themselves are accepted.
    trace::Trace t;
    std::string error;
    const std::string edge =
        With(kOwnBase, "/spans/0", json::array({-kTimeBound, kTimeBound, 0, "running_python", 0, -1, -1, -1}));
    ASSERT_TRUE(trace::FromJson(edge, t, error)) << error;
    ExpectSurvivesBothExports(t);
}

TEST(TraceHostile, ChromeSpansThatEndBeforeTheyStartAreRejected) {
    const char* text = R"([{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"main"}},
                          {"ph":"X","pid":1,"tid":1,"ts":0,"dur":1,"args":{"start_ns":100,"end_ns":50}}])";
    trace::Trace t;
    std::string error;
    bool ok = true;
    EXPECT_NO_THROW(ok = trace::FromChromeJson(text, t, error));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("event 1"), std::string::npos) << error;
    EXPECT_NE(error.find("ends before it starts"), std::string::npos) << error;
}

TEST(TraceHostile, MetricsAndChromeExportOfExtremeSpansDoNotOverflow) {
    // Producers are trusted more than files: a span across the whole int64 range must not wrap a sum.
    trace::Trace t;
    const auto core = t.AddTrack("core", trace::TrackKind::Core);
    const auto thread = t.AddTrack("thread", trace::TrackKind::Thread);
    t.spans.push_back({kInt64Min, kInt64Max, core, trace::TaskId::None(), thread, trace::SpanState::RunningPython});
    t.spans.push_back(
        {kInt64Min, kInt64Max, thread, trace::TaskId::None(), trace::TrackId::None(), trace::SpanState::WaitingGil});
    t.spans.push_back({kInt64Min + 1, kInt64Max, thread, trace::TaskId::None(), trace::TrackId::None(),
                       trace::SpanState::WaitingGil});
    trace::TaskRecord task;
    task.submitted = kInt64Min;
    task.finished = kInt64Max;
    t.tasks.push_back(task);
    t.Finish();
    trace::ComputeMetrics(t);
    EXPECT_EQ(t.metrics.gilWait, kInt64Max);
    EXPECT_EQ(t.metrics.latency.max, kInt64Max);
    ASSERT_EQ(t.metrics.coreUtilisation.size(), 1u);
    EXPECT_GE(t.metrics.coreUtilisation[0], 0.0);

    const json chrome = json::parse(trace::ToChromeJson(t));
    int spans = 0;
    for (const json& e : chrome["traceEvents"]) {
        if (e["ph"] != "X") continue;
        ++spans;
        EXPECT_GE(e["dur"].get<double>(), 0.0) << e.dump();
    }
    EXPECT_EQ(spans, 3);
}

TEST(TraceHostile, TooLargeOrTooDeepInputIsRefused) {
    trace::Trace t;
    std::string error;
    bool ok = true;
    // Deeper than the nesting limit: refused while parsing, with the reason.
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    EXPECT_NO_THROW(ok = trace::ReadAnyTrace(deep, t, error));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("deeper"), std::string::npos) << error;
    json doc = Parsed(kChromeBase);
    json nested = json::object();
    for (int i = 0; i < 100; ++i)
        nested = json{{"a", nested}};
    doc["traceEvents"][1]["args"]["extra"] = nested;
    EXPECT_NO_THROW(ok = trace::FromChromeJson(doc.dump(), t, error));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("deeper"), std::string::npos) << error;
    // Larger than the limit: refused before parsing (a small limit here; the default is kMaxTraceJsonBytes).
    const std::string large = std::string(kOwnBase) + std::string(2000, ' ');
    const jsonio::JsonLimits small{1024, 64};
    EXPECT_NO_THROW(ok = trace::FromJson(large, t, error, small));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("larger than"), std::string::npos) << error;
    EXPECT_NO_THROW(ok = trace::FromChromeJson(std::string(kChromeBase) + std::string(2000, ' '), t, error, small));
    EXPECT_FALSE(ok);
    EXPECT_NE(error.find("larger than"), std::string::npos) << error;
}

TEST(TraceHostile, EveryAcceptedTraceSurvivesBothExports) {
    // Simulated traces of every preset, read back as files.
    for (const scenario::PresetFile& preset : scenario::Presets()) {
        SCOPED_TRACE(std::string(preset.id));
        models::SimulationResult result =
            interleave::testing::SimulateOk(interleave::testing::Preset(std::string(preset.id)));
        trace::Trace read;
        std::string error;
        ASSERT_TRUE(trace::FromJson(trace::ToJson(result.trace), read, error)) << error;
        ExpectSurvivesBothExports(read);
    }
    // Hand-made files of both forms, ours and another producer's.
    const std::vector<std::string> files = {
        kOwnBase,
        kChromeBase,
        kForeignChrome,
        // Parents in a cycle, zero-length spans, negative wait times (unknown), an instant with a cause.
        R"({"format":"interleave-trace","version":1,"tracks":[{"name":"a","kind":"process","parent":1},
            {"name":"b","kind":"thread","parent":0}],"spans":[[5,5,1,"idle",-1,-1,-9,-1],[5,5,1,"ready",-1,0,3,-4]],
            "instants":[[0,0,"gil_handoff",1,-1]],"tasks":[]})",
        // Times at the bounds, integral floats.
        R"({"format":"interleave-trace","version":1.0,"tracks":[{"name":"a","kind":"core"}],
            "spans":[[-4611686018427387903,4611686018427387903,0,"running_c",-1,-1,-1,-1],[1e3,2e3,0.0,"idle",-1,-1,-1,-1]],
            "instants":[],"tasks":[{"submitted":-4611686018427387903,"finished":4611686018427387903}]})",
    };
    for (const std::string& file : files) {
        SCOPED_TRACE(file.substr(0, 80));
        trace::Trace read;
        std::string error;
        ASSERT_TRUE(trace::ReadAnyTrace(file, read, error)) << error;
        ExpectSurvivesBothExports(read);
    }
}

namespace {

// Every value in `doc`, for picking one to replace.
void CollectValues(json& value, std::vector<json*>& out) {
    out.push_back(&value);
    if (value.is_structured())
        for (json& child : value)
            CollectValues(child, out);
}

json RandomValue(std::mt19937& random) {
    static const std::vector<json> kValues = {0,
                                              -1,
                                              1,
                                              2,
                                              3,
                                              1.5,
                                              1e20,
                                              -1e300,
                                              kInt64Max,
                                              kInt64Min,
                                              std::numeric_limits<uint64_t>::max(),
                                              kTimeBound,
                                              kTimeBound + 1,
                                              int64_t{1} << 32,
                                              "x",
                                              "",
                                              "running_python",
                                              "thread",
                                              "task_start",
                                              "X",
                                              "B",
                                              "E",
                                              "M",
                                              "thread_name",
                                              true,
                                              nullptr,
                                              json::array(),
                                              json::object(),
                                              json::array({1, 2}),
                                              json{{"name", 1}},
                                              json{{"start_ns", 5}, {"end_ns", 2}}};
    return kValues[std::uniform_int_distribution<size_t>(0, kValues.size() - 1)(random)];
}

}  // namespace

TEST(TraceHostile, MutatedTracesNeverThrowAndWhatIsAcceptedSurvivesBothExports) {
    const std::vector<std::string> bases = {kOwnBase, kChromeBase, kForeignChrome};
    std::mt19937 random(16);
    int accepted = 0, rejected = 0;
    for (const std::string& base : bases) {
        for (int round = 0; round < 400; ++round) {
            json doc = json::parse(base);
            const int edits = 1 + static_cast<int>(random() % 3);
            for (int e = 0; e < edits; ++e) {
                std::vector<json*> values;
                CollectValues(doc, values);
                json* target = values[random() % values.size()];
                if (target->is_object() && !target->empty() && random() % 4 == 0)
                    target->erase(target->begin());
                else
                    *target = RandomValue(random);
            }
            const std::string text = doc.dump();
            SCOPED_TRACE(text);
            for (int reader = 0; reader < 3; ++reader) {
                trace::Trace t;
                std::string error;
                bool ok = false;
                EXPECT_NO_THROW(ok = reader == 0   ? trace::ReadAnyTrace(text, t, error)
                                     : reader == 1 ? trace::FromJson(text, t, error)
                                                   : trace::FromChromeJson(text, t, error));
                if (!ok) {
                    EXPECT_FALSE(error.empty());
                    ++rejected;
                    continue;
                }
                ++accepted;
                ExpectSurvivesBothExports(t);
                if (::testing::Test::HasFailure()) return;  // one counterexample is enough
            }
        }
    }
    // Both outcomes are exercised.
    EXPECT_GT(accepted, 50);
    EXPECT_GT(rejected, 50);
}

// Found by fuzz_trace (tests/fuzz/regressions/trace/read_any_trace_label_traceEvents.json): ReadAnyTrace chose
// the reader by searching the text for "traceEvents", which a label can contain.
TEST(TraceHostile, ATraceLabelledTraceEventsIsStillOurOwnFormat) {
    interleave::trace::Trace trace;
    trace.label = "traceEvents";
    trace.producer = "simulator";
    const auto track = trace.AddTrack("traceEvents", interleave::trace::TrackKind::Thread);
    interleave::trace::Span span;
    span.start = 0;
    span.end = 10;
    span.track = track;
    trace.spans.push_back(span);
    trace.Finish();
    interleave::trace::Trace back;
    std::string error;
    ASSERT_TRUE(interleave::trace::ReadAnyTrace(interleave::trace::ToJson(trace), back, error)) << error;
    EXPECT_EQ(back.label, "traceEvents");
    EXPECT_EQ(back.spans.size(), 1u);
}
