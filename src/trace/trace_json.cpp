#include "trace/trace_json.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace interleave::trace {

using nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;
constexpr size_t kMaxTraceRecords = 50'000'000;

json MetricsToJson(const Metrics& m) {
    json counters = json::object();
    for (const auto& [name, value] : m.counters) counters[name] = value;
    return json{{"makespan_ns", m.makespan},
                {"sequential_makespan_ns", m.sequentialMakespan},
                {"speedup", m.speedup},
                {"core_utilisation", m.coreUtilisation},
                {"cpu_utilisation", m.cpuUtilisation},
                {"gil_wait_ns", m.gilWait},
                {"core_wait_ns", m.coreWait},
                {"lock_wait_ns", m.lockWait},
                {"process_start_ns", m.processStart},
                {"pickling_ns", m.pickling},
                {"unpickling_ns", m.unpickling},
                {"thread_start_ns", m.threadStart},
                {"loop_overhead_ns", m.loopOverhead},
                {"gil_switches", m.gilSwitches},
                {"drop_requests", m.dropRequests},
                {"median_gil_slice_ns", m.medianGilSlice},
                {"latency_ns", {{"p50", m.latency.p50}, {"p90", m.latency.p90}, {"p99", m.latency.p99}, {"max", m.latency.max}}},
                {"tasks_done", m.tasksDone},
                {"tasks_failed", m.tasksFailed},
                {"tasks_cancelled", m.tasksCancelled},
                {"counters", counters}};
}

void MetricsFromJson(const json& j, Metrics& m) {
    m.makespan = j.value("makespan_ns", int64_t{0});
    m.sequentialMakespan = j.value("sequential_makespan_ns", int64_t{0});
    m.speedup = j.value("speedup", 0.0);
    if (j.contains("core_utilisation") && j["core_utilisation"].is_array())
        for (const json& u : j["core_utilisation"]) m.coreUtilisation.push_back(u.is_number() ? u.get<double>() : 0.0);
    m.cpuUtilisation = j.value("cpu_utilisation", 0.0);
    m.gilWait = j.value("gil_wait_ns", int64_t{0});
    m.coreWait = j.value("core_wait_ns", int64_t{0});
    m.lockWait = j.value("lock_wait_ns", int64_t{0});
    m.processStart = j.value("process_start_ns", int64_t{0});
    m.pickling = j.value("pickling_ns", int64_t{0});
    m.unpickling = j.value("unpickling_ns", int64_t{0});
    m.threadStart = j.value("thread_start_ns", int64_t{0});
    m.loopOverhead = j.value("loop_overhead_ns", int64_t{0});
    m.gilSwitches = j.value("gil_switches", int64_t{0});
    m.dropRequests = j.value("drop_requests", int64_t{0});
    m.medianGilSlice = j.value("median_gil_slice_ns", int64_t{0});
    if (j.contains("latency_ns") && j["latency_ns"].is_object()) {
        const json& l = j["latency_ns"];
        m.latency = {l.value("p50", int64_t{0}), l.value("p90", int64_t{0}), l.value("p99", int64_t{0}), l.value("max", int64_t{0})};
    }
    m.tasksDone = j.value("tasks_done", int64_t{0});
    m.tasksFailed = j.value("tasks_failed", int64_t{0});
    m.tasksCancelled = j.value("tasks_cancelled", int64_t{0});
    if (j.contains("counters") && j["counters"].is_object())
        for (const auto& [name, value] : j["counters"].items())
            m.counters.emplace_back(name, value.is_number_integer() ? value.get<int64_t>() : 0);
}

bool IsInt(const json& j) { return j.is_number_integer(); }

// Checks a record's track index; names the record in the error.
bool ValidTrack(int64_t track, size_t trackCount, const char* what, size_t index, std::string& error) {
    if (track < 0 || static_cast<size_t>(track) >= trackCount) {
        error = std::string(what) + "[" + std::to_string(index) + "]: track " + std::to_string(track) +
                " does not exist (the trace has " + std::to_string(trackCount) + " tracks)";
        return false;
    }
    return true;
}

}  // namespace

std::string ToJson(const Trace& trace) {
    json tracks = json::array();
    for (const Track& t : trace.tracks)
        tracks.push_back({{"name", t.name}, {"kind", TrackKindName(t.kind)}, {"parent", t.parent}});
    json spans = json::array();
    for (const Span& s : trace.spans) {
        const WaitDetail wait = trace.WaitOf(s);
        spans.push_back(json::array({s.start, s.end, s.track, SpanStateName(s.state), s.task, s.cause, wait.causeSince, wait.dropRequestAt}));
    }
    json instants = json::array();
    for (const Instant& i : trace.instants)
        instants.push_back(json::array({i.time, i.track, InstantKindName(i.kind), i.cause, i.task}));
    json tasks = json::array();
    for (const TaskRecord& t : trace.tasks)
        tasks.push_back({{"name", t.name}, {"submitted", t.submitted}, {"started", t.started}, {"finished", t.finished},
                         {"failed", t.failed}, {"cancelled", t.cancelled}});
    json doc = {{"format", "interleave-trace"}, {"version", kFormatVersion}, {"label", trace.label},
                {"producer", trace.producer}, {"tracks", tracks}, {"spans", spans}, {"instants", instants},
                {"tasks", tasks}, {"metrics", MetricsToJson(trace.metrics)}};
    return doc.dump();
}

bool FromJson(std::string_view text, Trace& out, std::string& error) {
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) {
        error = "trace: not valid JSON";
        return false;
    }
    if (!doc.is_object() || doc.value("format", std::string()) != "interleave-trace") {
        error = "trace: \"format\" is not \"interleave-trace\"";
        return false;
    }
    int version = doc.contains("version") && doc["version"].is_number_integer() ? doc["version"].get<int>() : -1;
    if (version != kFormatVersion) {
        error = "trace: version " + std::to_string(version) + " is not supported (this build reads version " +
                std::to_string(kFormatVersion) + ")";
        return false;
    }
    Trace trace;
    trace.label = doc.value("label", std::string());
    trace.producer = doc.value("producer", std::string());
    for (const char* key : {"tracks", "spans", "instants", "tasks"}) {
        if (!doc.contains(key) || !doc[key].is_array()) {
            error = std::string("trace: \"") + key + "\" is missing or not an array";
            return false;
        }
        if (doc[key].size() > kMaxTraceRecords) {
            error = std::string("trace: \"") + key + "\" has more than " + std::to_string(kMaxTraceRecords) + " records";
            return false;
        }
    }
    size_t index = 0;
    for (const json& t : doc["tracks"]) {
        TrackKind kind;
        if (!t.is_object() || !t.contains("name") || !t["name"].is_string() ||
            !ParseTrackKind(t.value("kind", std::string()), kind)) {
            error = "trace: tracks[" + std::to_string(index) + "] needs a string \"name\" and a known \"kind\"";
            return false;
        }
        int64_t parent = t.contains("parent") && IsInt(t["parent"]) ? t["parent"].get<int64_t>() : kNone;
        trace.tracks.push_back(Track{t["name"].get<std::string>(), kind, static_cast<TrackId>(parent)});
        ++index;
    }
    for (size_t i = 0; i < trace.tracks.size(); ++i) {
        TrackId parent = trace.tracks[i].parent;
        if (parent != kNone && (parent < 0 || static_cast<size_t>(parent) >= trace.tracks.size())) {
            error = "trace: tracks[" + std::to_string(i) + "].parent " + std::to_string(parent) + " does not exist";
            return false;
        }
    }
    index = 0;
    for (const json& s : doc["spans"]) {
        SpanState state;
        if (!s.is_array() || s.size() != 8 || !IsInt(s[0]) || !IsInt(s[1]) || !IsInt(s[2]) || !s[3].is_string() ||
            !IsInt(s[4]) || !IsInt(s[5]) || !IsInt(s[6]) || !IsInt(s[7]) || !ParseSpanState(s[3].get<std::string>(), state)) {
            error = "trace: spans[" + std::to_string(index) +
                    "] must be [start, end, track, state, task, cause, cause_since, drop_request_at] with a known state";
            return false;
        }
        Span span{s[0].get<int64_t>(), s[1].get<int64_t>(), static_cast<TrackId>(s[2].get<int64_t>()),
                  static_cast<TaskId>(s[4].get<int64_t>()), static_cast<TrackId>(s[5].get<int64_t>()), state};
        if (!ValidTrack(s[2].get<int64_t>(), trace.tracks.size(), "trace: spans", index, error)) return false;
        if (span.end < span.start) {
            error = "trace: spans[" + std::to_string(index) + "] ends before it starts";
            return false;
        }
        trace.AddWait(span, s[6].get<int64_t>(), s[7].get<int64_t>());
        trace.spans.push_back(span);
        ++index;
    }
    index = 0;
    for (const json& i : doc["instants"]) {
        InstantKind kind;
        if (!i.is_array() || i.size() != 5 || !IsInt(i[0]) || !IsInt(i[1]) || !i[2].is_string() || !IsInt(i[3]) ||
            !IsInt(i[4]) || !ParseInstantKind(i[2].get<std::string>(), kind)) {
            error = "trace: instants[" + std::to_string(index) + "] must be [time, track, kind, cause, task] with a known kind";
            return false;
        }
        if (!ValidTrack(i[1].get<int64_t>(), trace.tracks.size(), "trace: instants", index, error)) return false;
        trace.instants.push_back(Instant{i[0].get<int64_t>(), static_cast<TrackId>(i[1].get<int64_t>()), kind,
                                         static_cast<TrackId>(i[3].get<int64_t>()), static_cast<TaskId>(i[4].get<int64_t>())});
        ++index;
    }
    for (const json& t : doc["tasks"]) {
        if (!t.is_object()) {
            error = "trace: tasks[" + std::to_string(trace.tasks.size()) + "] is not an object";
            return false;
        }
        trace.tasks.push_back(TaskRecord{t.value("name", std::string()), t.value("submitted", int64_t{0}),
                                         t.value("started", int64_t{-1}), t.value("finished", int64_t{-1}),
                                         t.value("failed", false), t.value("cancelled", false)});
    }
    if (doc.contains("metrics") && doc["metrics"].is_object()) MetricsFromJson(doc["metrics"], trace.metrics);
    trace.Finish();
    out = std::move(trace);
    return true;
}

namespace {

// Chrome's timestamps are microseconds; three decimals keep every nanosecond.
double Micros(TimeNs ns) { return static_cast<double>(ns) / 1000.0; }

TrackId RootOf(const Trace& trace, TrackId track) {
    int guard = 0;
    while (trace.tracks[track].parent != kNone && guard++ < 64) track = trace.tracks[track].parent;
    return track;
}

}  // namespace

std::string ToChromeJson(const Trace& trace) {
    json events = json::array();
    for (size_t i = 0; i < trace.tracks.size(); ++i) {
        const Track& t = trace.tracks[i];
        TrackId root = RootOf(trace, static_cast<TrackId>(i));
        int pid = root + 1;
        int tid = static_cast<int>(i) + 1;
        if (root == static_cast<TrackId>(i))
            events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", t.name}}}});
        events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", tid},
                          {"args", {{"name", t.name}, {"kind", TrackKindName(t.kind)}, {"parent", t.parent}, {"track", i}}}});
        events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", i}}}});
    }
    for (const Span& s : trace.spans) {
        TrackId root = RootOf(trace, s.track);
        json args = {{"state", SpanStateName(s.state)}, {"start_ns", s.start}, {"end_ns", s.end}};
        if (s.task != kNone) {
            args["task"] = s.task;
            if (static_cast<size_t>(s.task) < trace.tasks.size()) args["task_name"] = trace.tasks[s.task].name;
        }
        if (s.cause != kNone) {
            args["cause"] = s.cause;
            if (static_cast<size_t>(s.cause) < trace.tracks.size()) args["cause_name"] = trace.tracks[s.cause].name;
        }
        const WaitDetail wait = trace.WaitOf(s);
        if (wait.causeSince >= 0) args["cause_since_ns"] = wait.causeSince;
        if (wait.dropRequestAt >= 0) args["drop_request_ns"] = wait.dropRequestAt;
        events.push_back({{"ph", "X"}, {"name", SpanStateName(s.state)}, {"cat", "state"}, {"pid", root + 1},
                          {"tid", s.track + 1}, {"ts", Micros(s.start)}, {"dur", Micros(s.end - s.start)}, {"args", args}});
    }
    for (const Instant& i : trace.instants) {
        TrackId root = RootOf(trace, i.track);
        json args = {{"time_ns", i.time}};
        if (i.cause != kNone) args["cause"] = i.cause;
        if (i.task != kNone) args["task"] = i.task;
        events.push_back({{"ph", "i"}, {"s", "t"}, {"name", InstantKindName(i.kind)}, {"cat", "instant"}, {"pid", root + 1},
                          {"tid", i.track + 1}, {"ts", Micros(i.time)}, {"args", args}});
    }
    json tasks = json::array();
    for (const TaskRecord& t : trace.tasks)
        tasks.push_back({{"name", t.name}, {"submitted", t.submitted}, {"started", t.started}, {"finished", t.finished},
                         {"failed", t.failed}, {"cancelled", t.cancelled}});
    json doc = {{"traceEvents", events}, {"displayTimeUnit", "ns"},
                {"otherData", {{"producer", "interleave"}, {"label", trace.label}, {"source", trace.producer},
                               {"tasks", tasks}, {"metrics", MetricsToJson(trace.metrics)}}}};
    return doc.dump();
}

bool FromChromeJson(std::string_view text, Trace& out, std::string& error) {
    json doc = json::parse(text.begin(), text.end(), nullptr, false);
    if (doc.is_discarded()) {
        error = "chrome trace: not valid JSON";
        return false;
    }
    const json* events = nullptr;
    if (doc.is_array()) events = &doc;
    else if (doc.is_object() && doc.contains("traceEvents") && doc["traceEvents"].is_array()) events = &doc["traceEvents"];
    if (!events) {
        error = "chrome trace: expected an array of events or an object with a \"traceEvents\" array";
        return false;
    }
    if (events->size() > kMaxTraceRecords) {
        error = "chrome trace: more than " + std::to_string(kMaxTraceRecords) + " events";
        return false;
    }
    Trace trace;
    // A (pid, tid) pair is one track. Our own export names the track index in thread_name's args.
    std::map<std::pair<int64_t, int64_t>, TrackId> trackOf;
    std::map<int64_t, std::string> processNames;
    auto trackFor = [&](int64_t pid, int64_t tid) {
        auto key = std::make_pair(pid, tid);
        auto it = trackOf.find(key);
        if (it != trackOf.end()) return it->second;
        TrackId id = trace.AddTrack("pid " + std::to_string(pid) + " tid " + std::to_string(tid), TrackKind::Thread);
        trackOf.emplace(key, id);
        return id;
    };
    auto number = [](const json& e, const char* key, double& value) {
        if (!e.contains(key) || !e[key].is_number()) return false;
        value = e[key].get<double>();
        return std::isfinite(value);
    };
    auto exactNs = [](const json& args, const char* key, double micros) {
        if (args.is_object() && args.contains(key) && args[key].is_number_integer()) return args[key].get<int64_t>();
        return static_cast<int64_t>(std::llround(micros * 1000.0));
    };
    // Pass 1: metadata, so names and kinds are known before spans arrive.
    std::vector<std::pair<int64_t, std::pair<int64_t, int64_t>>> declaredParents;
    for (const json& e : *events) {
        if (!e.is_object() || e.value("ph", std::string()) != "M") continue;
        int64_t pid = e.contains("pid") && e["pid"].is_number_integer() ? e["pid"].get<int64_t>() : 0;
        int64_t tid = e.contains("tid") && e["tid"].is_number_integer() ? e["tid"].get<int64_t>() : 0;
        const json args = e.contains("args") && e["args"].is_object() ? e["args"] : json::object();
        std::string name = args.value("name", std::string());
        if (e.value("name", std::string()) == "process_name") processNames[pid] = name;
        if (e.value("name", std::string()) == "thread_name") {
            TrackId id = trackFor(pid, tid);
            trace.tracks[id].name = name;
            TrackKind kind;
            if (ParseTrackKind(args.value("kind", std::string()), kind)) trace.tracks[id].kind = kind;
            if (args.contains("parent") && args["parent"].is_number_integer())
                declaredParents.push_back({id, {args["parent"].get<int64_t>(), 0}});
        }
    }
    size_t index = 0;
    std::map<TrackId, std::vector<std::pair<double, std::string>>> openBegins;
    for (const json& e : *events) {
        ++index;
        if (!e.is_object()) {
            error = "chrome trace: event " + std::to_string(index - 1) + " is not an object";
            return false;
        }
        std::string ph = e.value("ph", std::string());
        if (ph == "M" || ph.empty()) continue;
        int64_t pid = e.contains("pid") && e["pid"].is_number_integer() ? e["pid"].get<int64_t>() : 0;
        int64_t tid = e.contains("tid") && e["tid"].is_number_integer() ? e["tid"].get<int64_t>() : 0;
        const json args = e.contains("args") && e["args"].is_object() ? e["args"] : json::object();
        double ts = 0;
        if ((ph == "X" || ph == "B" || ph == "E" || ph == "i" || ph == "I") && !number(e, "ts", ts)) {
            error = "chrome trace: event " + std::to_string(index - 1) + " (ph \"" + ph + "\") has no numeric \"ts\"";
            return false;
        }
        std::string name = e.value("name", std::string());
        SpanState state = SpanState::RunningPython;
        if (!ParseSpanState(args.value("state", std::string()), state)) ParseSpanState(name, state);
        TrackId track = trackFor(pid, tid);
        if (ph == "X") {
            double dur = 0;
            if (!number(e, "dur", dur) || dur < 0) {
                error = "chrome trace: event " + std::to_string(index - 1) + " (ph \"X\") needs a non-negative \"dur\"";
                return false;
            }
            Span span;
            span.track = track;
            span.state = state;
            span.start = exactNs(args, "start_ns", ts);
            span.end = exactNs(args, "end_ns", ts + dur);
            span.task = args.contains("task") && args["task"].is_number_integer() ? args["task"].get<int32_t>() : kNone;
            span.cause = args.contains("cause") && args["cause"].is_number_integer() ? args["cause"].get<int32_t>() : kNone;
            auto optionalNs = [&args](const char* key) {
                return args.contains(key) && args[key].is_number_integer() ? args[key].get<int64_t>() : int64_t{-1};
            };
            trace.AddWait(span, optionalNs("cause_since_ns"), optionalNs("drop_request_ns"));
            trace.spans.push_back(span);
        } else if (ph == "B") {
            openBegins[track].push_back({ts, args.value("state", name)});
        } else if (ph == "E") {
            auto& stack = openBegins[track];
            if (stack.empty()) continue;  // an unmatched end: Perfetto ignores it too
            auto [begin, stateName] = stack.back();
            stack.pop_back();
            Span span;
            span.track = track;
            if (!ParseSpanState(stateName, span.state)) span.state = SpanState::RunningPython;
            span.start = static_cast<int64_t>(std::llround(begin * 1000.0));
            span.end = static_cast<int64_t>(std::llround(ts * 1000.0));
            if (span.end >= span.start) trace.spans.push_back(span);
        } else if (ph == "i" || ph == "I") {
            InstantKind kind;
            if (!ParseInstantKind(name, kind)) continue;  // instants we do not model
            Instant instant{exactNs(args, "time_ns", ts), track, kind,
                            args.contains("cause") && args["cause"].is_number_integer() ? args["cause"].get<int32_t>() : kNone,
                            args.contains("task") && args["task"].is_number_integer() ? args["task"].get<int32_t>() : kNone};
            trace.instants.push_back(instant);
        }
    }
    for (const auto& [track, parentAndUnused] : declaredParents) {
        int64_t parent = parentAndUnused.first;
        if (parent >= 0 && static_cast<size_t>(parent) < trace.tracks.size() && parent != track)
            trace.tracks[track].parent = static_cast<TrackId>(parent);
    }
    // Causes and tasks refer to track and task indices of the exporting trace; drop any that do not exist here.
    for (Span& s : trace.spans) {
        if (s.cause != kNone && (s.cause < 0 || static_cast<size_t>(s.cause) >= trace.tracks.size())) s.cause = kNone;
    }
    if (doc.is_object() && doc.contains("otherData") && doc["otherData"].is_object()) {
        const json& other = doc["otherData"];
        trace.label = other.value("label", std::string());
        trace.producer = other.value("source", std::string("chrome-trace"));
        if (other.contains("tasks") && other["tasks"].is_array())
            for (const json& t : other["tasks"])
                if (t.is_object())
                    trace.tasks.push_back(TaskRecord{t.value("name", std::string()), t.value("submitted", int64_t{0}),
                                                     t.value("started", int64_t{-1}), t.value("finished", int64_t{-1}),
                                                     t.value("failed", false), t.value("cancelled", false)});
        if (other.contains("metrics") && other["metrics"].is_object()) MetricsFromJson(other["metrics"], trace.metrics);
    } else {
        trace.producer = "chrome-trace";
    }
    for (Span& s : trace.spans)
        if (s.task != kNone && (s.task < 0 || static_cast<size_t>(s.task) >= trace.tasks.size())) s.task = kNone;
    trace.Finish();
    out = std::move(trace);
    return true;
}

bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error) {
    size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
    if (text.find("\"interleave-trace\"") != std::string_view::npos && i < text.size() && text[i] == '{' &&
        text.find("\"traceEvents\"") == std::string_view::npos)
        return FromJson(text, out, error);
    return FromChromeJson(text, out, error);
}

}  // namespace interleave::trace
