#include "trace/trace_json.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "trace/trace_gecko.h"

namespace interleave::trace {

using nlohmann::json;

namespace {

constexpr int kFormatVersion = 1;
constexpr size_t kMaxTraceRecords = 50'000'000;
constexpr size_t kNoIndex = std::numeric_limits<size_t>::max();
constexpr int64_t kMaxId = std::numeric_limits<int32_t>::max();  // track and task ids are int32

// Reading from strangers (docs/trace-format.md): every value's type is checked before it is used, and
// numbers become integers only through ToInt64, so a file can neither throw (Emscripten builds abort on
// a throw) nor convert a float that does not fit (undefined behaviour). Errors name the field's path.

// Where a value sits, for error messages: "spans[3][0] (start)", "traceEvents[7].args.start_ns",
// "metrics.latency_ns.p50". The text is built only when there is an error.
struct Where {
    std::string_view prefix;  // "trace" or "chrome trace"
    std::string_view list;    // "spans", "traceEvents", "metrics", or empty at the top level
    size_t index;             // the record's index in `list`, or kNoIndex
    std::string_view sub;     // an object inside the record: "args"

    explicit Where(std::string_view prefixText,
                   std::string_view listName = {},
                   size_t recordIndex = kNoIndex,
                   std::string_view subObject = {})
        : prefix(prefixText), list(listName), index(recordIndex), sub(subObject) {}

    std::string Path(std::string_view field) const {
        std::string path(list);
        if (index != kNoIndex) path += "[" + std::to_string(index) + "]";
        if (!sub.empty()) {
            if (!path.empty()) path += '.';
            path += sub;
        }
        if (!field.empty() && field[0] != '[' && !path.empty()) path += '.';
        path += field;
        return path;
    }
    // Sets `error` to "<prefix>: <path> must be <expected>, got <value>" and returns false.
    bool Fail(std::string& error, std::string_view field, std::string_view expected, const json& got) const {
        return Fail(error, field, "must be " + std::string(expected) + ", got " + jsonio::ShowJson(got));
    }
    bool Fail(std::string& error, std::string_view field, std::string_view reason) const {
        const std::string path = Path(field);
        error =
            std::string(prefix) + ": " + (path.empty() ? std::string("the file") : path) + " " + std::string(reason);
        return false;
    }
};

const json& EmptyObject() {
    static const json empty = json::object();
    return empty;
}

// The member `key` of `object`, or nullptr when it has none (or is not an object).
const json* Member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// Member of an object the caller may change (a reader frees records as it goes).
json* MutableMember(json& object, const char* key) {
    return const_cast<json*>(Member(object, key));
}

// The one conversion of a JSON number to an int64: integers, and floats with an integral value, in
// [min, max]. Everything else is refused rather than converted.
bool ToInt64(const json& value, int64_t min, int64_t max, int64_t& out) {
    // Unsigned first: nlohmann hands out a number_integer_t pointer to an unsigned value too (parsed
    // non-negative integers are unsigned), which would read 2^64 - 1 as -1.
    int64_t n = 0;
    if (const auto* u = value.get_ptr<const json::number_unsigned_t*>()) {
        if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
        n = static_cast<int64_t>(*u);
    } else if (const auto* i = value.get_ptr<const json::number_integer_t*>()) {
        n = *i;
    } else if (const auto* f = value.get_ptr<const json::number_float_t*>()) {
        // -2^63 and 2^63 are exact doubles; an integral double strictly inside converts exactly.
        constexpr double kTwo63 = 9223372036854775808.0;
        if (!std::isfinite(*f) || *f != std::trunc(*f) || *f < -kTwo63 || *f >= kTwo63) return false;
        n = static_cast<int64_t>(*f);
    } else {
        return false;
    }
    if (n < min || n > max) return false;
    out = n;
    return true;
}

// Reads an int64 field in [min, max]; the error names the field and the range.
bool ReadInt(const json& value,
             const Where& where,
             std::string_view field,
             int64_t min,
             int64_t max,
             int64_t& out,
             std::string& error) {
    if (ToInt64(value, min, max, out)) return true;
    return where.Fail(error, field, "an integer from " + std::to_string(min) + " to " + std::to_string(max), value);
}

bool ReadTime(const json& value, const Where& where, std::string_view field, TimeNs& out, std::string& error) {
    return ReadInt(value, where, field, -kMaxTraceTimeNs, kMaxTraceTimeNs, out, error);
}

// A track or task id: -1 (none) or a non-negative int32; whether it exists is checked by the caller.
template <typename Id>
bool ReadId(const json& value, const Where& where, std::string_view field, Id& out, std::string& error) {
    int64_t id = 0;
    if (!ReadInt(value, where, field, kNone, kMaxId, id, error)) return false;
    out = Id(static_cast<int32_t>(id));
    return true;
}

// Optional members: an absent member keeps `out`; a present one must have the right type.
bool OptionalInt(const json& object,
                 const char* key,
                 const Where& where,
                 int64_t min,
                 int64_t max,
                 int64_t& out,
                 std::string& error) {
    const json* value = Member(object, key);
    return !value || ReadInt(*value, where, key, min, max, out, error);
}

bool OptionalTime(const json& object, const char* key, const Where& where, TimeNs& out, std::string& error) {
    return OptionalInt(object, key, where, -kMaxTraceTimeNs, kMaxTraceTimeNs, out, error);
}

bool OptionalString(const json& object, const char* key, const Where& where, std::string& out, std::string& error) {
    const json* value = Member(object, key);
    if (!value) return true;
    const auto* text = value->get_ptr<const json::string_t*>();
    if (!text) return where.Fail(error, key, "a string", *value);
    out = *text;
    return true;
}

bool OptionalBool(const json& object, const char* key, const Where& where, bool& out, std::string& error) {
    const json* value = Member(object, key);
    if (!value) return true;
    const auto* flag = value->get_ptr<const json::boolean_t*>();
    if (!flag) return where.Fail(error, key, "true or false", *value);
    out = *flag;
    return true;
}

// A ratio: any number; null reads as 0 (a NaN is written as null).
bool ReadDouble(const json& value, const Where& where, std::string_view field, double& out, std::string& error) {
    if (value.is_null())
        out = 0;
    else if (const auto* f = value.get_ptr<const json::number_float_t*>())
        out = *f;
    else if (const auto* u = value.get_ptr<const json::number_unsigned_t*>())
        out = static_cast<double>(*u);  // before signed: see ToInt64
    else if (const auto* i = value.get_ptr<const json::number_integer_t*>())
        out = static_cast<double>(*i);
    else
        return where.Fail(error, field, "a number", value);
    return true;
}

bool OptionalDouble(const json& object, const char* key, const Where& where, double& out, std::string& error) {
    const json* value = Member(object, key);
    return !value || ReadDouble(*value, where, key, out, error);
}

// An object member that must be an object (or absent: then an empty one).
bool OptionalObject(const json& object, const char* key, const Where& where, const json*& out, std::string& error) {
    out = &EmptyObject();
    const json* value = Member(object, key);
    if (!value) return true;
    if (!value->is_object()) return where.Fail(error, key, "an object", *value);
    out = value;
    return true;
}

double Finite(double value) {
    return std::isfinite(value) ? value : 0.0;
}

json MetricsToJson(const Metrics& m) {
    json counters = json::object();
    for (const auto& [name, value] : m.counters)
        counters[name] = value;
    json utilisation = json::array();
    for (double u : m.coreUtilisation)
        utilisation.push_back(Finite(u));
    return json{{"makespan_ns", m.makespan},
                {"sequential_makespan_ns", m.sequentialMakespan},
                {"speedup", Finite(m.speedup)},
                {"core_utilisation", utilisation},
                {"cpu_utilisation", Finite(m.cpuUtilisation)},
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
                {"latency_ns",
                 {{"p50", m.latency.p50}, {"p90", m.latency.p90}, {"p99", m.latency.p99}, {"max", m.latency.max}}},
                {"tasks_done", m.tasksDone},
                {"tasks_failed", m.tasksFailed},
                {"tasks_cancelled", m.tasksCancelled},
                {"counters", counters}};
}

// `path` is "metrics" or "otherData.metrics". The makespans are times (the time bounds); the other
// figures are sums and counts over the trace, any int64.
bool MetricsFromJson(const json& j, std::string_view prefix, std::string_view path, Metrics& m, std::string& error) {
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    const Where where{prefix, path};
    if (!OptionalTime(j, "makespan_ns", where, m.makespan, error) ||
        !OptionalTime(j, "sequential_makespan_ns", where, m.sequentialMakespan, error) ||
        !OptionalDouble(j, "speedup", where, m.speedup, error) ||
        !OptionalDouble(j, "cpu_utilisation", where, m.cpuUtilisation, error))
        return false;
    if (const json* utilisation = Member(j, "core_utilisation")) {
        if (!utilisation->is_array()) return where.Fail(error, "core_utilisation", "a list of numbers", *utilisation);
        size_t index = 0;
        for (const json& u : *utilisation) {
            double value = 0;
            if (!ReadDouble(u, where, "core_utilisation[" + std::to_string(index++) + "]", value, error)) return false;
            m.coreUtilisation.push_back(value);
        }
    }
    struct IntField {
        const char* key;
        int64_t* target;
    };
    const IntField fields[] = {{"gil_wait_ns", &m.gilWait},
                               {"core_wait_ns", &m.coreWait},
                               {"lock_wait_ns", &m.lockWait},
                               {"process_start_ns", &m.processStart},
                               {"pickling_ns", &m.pickling},
                               {"unpickling_ns", &m.unpickling},
                               {"thread_start_ns", &m.threadStart},
                               {"loop_overhead_ns", &m.loopOverhead},
                               {"gil_switches", &m.gilSwitches},
                               {"drop_requests", &m.dropRequests},
                               {"median_gil_slice_ns", &m.medianGilSlice},
                               {"tasks_done", &m.tasksDone},
                               {"tasks_failed", &m.tasksFailed},
                               {"tasks_cancelled", &m.tasksCancelled}};
    for (const IntField& field : fields)
        if (!OptionalInt(j, field.key, where, kMin, kMax, *field.target, error)) return false;
    const json* latency = nullptr;
    if (!OptionalObject(j, "latency_ns", where, latency, error)) return false;
    const std::string latencyPath = std::string(path) + ".latency_ns";
    const Where inLatency{prefix, latencyPath};
    if (!OptionalInt(*latency, "p50", inLatency, kMin, kMax, m.latency.p50, error) ||
        !OptionalInt(*latency, "p90", inLatency, kMin, kMax, m.latency.p90, error) ||
        !OptionalInt(*latency, "p99", inLatency, kMin, kMax, m.latency.p99, error) ||
        !OptionalInt(*latency, "max", inLatency, kMin, kMax, m.latency.max, error))
        return false;
    const json* counters = nullptr;
    if (!OptionalObject(j, "counters", where, counters, error)) return false;
    const std::string countersPath = std::string(path) + ".counters";
    const Where inCounters{prefix, countersPath};
    for (const auto& [name, value] : counters->items()) {
        int64_t n = 0;
        if (!ReadInt(value, inCounters, name, kMin, kMax, n, error)) return false;
        m.counters.emplace_back(name, n);
    }
    return true;
}

json TaskToJson(const TaskRecord& t) {
    return {{"name", t.name},         {"submitted", t.submitted}, {"started", t.started},
            {"finished", t.finished}, {"failed", t.failed},       {"cancelled", t.cancelled}};
}

// A task record, in both forms; `where` names it ("tasks[2]", "otherData.tasks[2]").
bool TaskFromJson(const json& t, const Where& where, TaskRecord& out, std::string& error) {
    if (!t.is_object()) return where.Fail(error, "", "an object", t);
    out = TaskRecord{};
    return OptionalString(t, "name", where, out.name, error) &&
           OptionalTime(t, "submitted", where, out.submitted, error) &&
           OptionalTime(t, "started", where, out.started, error) &&
           OptionalTime(t, "finished", where, out.finished, error) &&
           OptionalBool(t, "failed", where, out.failed, error) &&
           OptionalBool(t, "cancelled", where, out.cancelled, error);
}

// Checks a record's track index; names the record in the error.
bool ValidTrack(int64_t track, size_t trackCount, const char* what, size_t index, std::string& error) {
    if (track < 0 || static_cast<size_t>(track) >= trackCount) {
        error = std::string(what) + "[" + std::to_string(index) + "]: track " + std::to_string(track) +
                " does not exist (the trace has " + std::to_string(trackCount) + " tracks)";
        return false;
    }
    return true;
}

// An optional reference to a track or task: kNone, or an index below `count`.
template <typename Id>
bool ValidReference(Id id,
                    size_t count,
                    const Where& where,
                    std::string_view field,
                    const char* kind,
                    std::string& error) {
    if (id == Id::None() || (id.Valid() && id.Index() < count)) return true;
    return where.Fail(
        error, field,
        "is " + std::to_string(id.value) + ": no such " + kind + " (the trace has " + std::to_string(count) + ")");
}

// A wait detail's time: negative means unknown, read as -1 so both file forms agree.
bool ReadWaitTime(const json& value, const Where& where, std::string_view field, TimeNs& out, std::string& error) {
    if (!ReadTime(value, where, field, out, error)) return false;
    if (out < 0) out = -1;
    return true;
}

}  // namespace

std::string ToJson(const Trace& trace) {
    json tracks = json::array();
    for (const Track& t : trace.tracks)
        tracks.push_back({{"name", t.name}, {"kind", TrackKindName(t.kind)}, {"parent", t.parent.value}});
    json spans = json::array();
    for (const Span& s : trace.spans) {
        const WaitDetail wait = trace.WaitOf(s);
        spans.push_back(json::array({s.start, s.end, s.track.value, SpanStateName(s.state), s.task.value, s.cause.value,
                                     wait.causeSince, wait.dropRequestAt}));
    }
    json instants = json::array();
    for (const Instant& i : trace.instants)
        instants.push_back(json::array({i.time, i.track.value, InstantKindName(i.kind), i.cause.value, i.task.value}));
    json tasks = json::array();
    for (const TaskRecord& t : trace.tasks)
        tasks.push_back(TaskToJson(t));
    json doc = {{"format", "interleave-trace"},
                {"version", kFormatVersion},
                {"label", trace.label},
                {"producer", trace.producer},
                {"tracks", tracks},
                {"spans", spans},
                {"instants", instants},
                {"tasks", tasks},
                {"metrics", MetricsToJson(trace.metrics)}};
    // Counter samples only where there are some: a trace without counters reads as it always did.
    if (!trace.samples.empty()) {
        json samples = json::array();
        for (const CounterSample& c : trace.samples)
            samples.push_back(json::array({c.time, c.track.value, c.value}));
        doc["samples"] = std::move(samples);
    }
    // Names come from files and programs: invalid UTF-8 is replaced rather than thrown over.
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// A parsed document becomes a Trace in passes over its record lists, a bounded number of records a step, so that
// the single-threaded web build draws frames while a large file is read (TraceFileReader). Each converter's
// Start() checks the document's top level and lays out its passes; a pass calls `each` on every record of its
// list, then `after` once.
class DocumentConverter {
public:
    virtual ~DocumentConverter() = default;
    // False (with `error` set) when the document's top level is wrong.
    virtual bool Start() = 0;

    // Converts up to `records` more records; true once finished (Failed() says whether well).
    bool Step(size_t records) {
        while (m_pass < m_passes.size()) {
            Pass& pass = m_passes[m_pass];
            const size_t count = pass.list ? pass.list->size() : 0;
            for (; m_next < count; ++m_next, ++m_done) {
                if (records == 0) return false;
                --records;
                if (!pass.each((*pass.list)[m_next], m_next)) return Fail();
                // Freed as it goes: the document is several times the text's size, and freeing it all at the end
                // would hold one step as long as a dozen.
                if (pass.release) (*pass.list)[m_next] = json();
            }
            if (pass.after && !pass.after()) return Fail();
            ++m_pass;
            m_next = 0;
        }
        return true;
    }
    bool Failed() const { return m_failed; }
    // Records converted so far, of RecordCount().
    size_t RecordsDone() const { return m_done; }
    size_t RecordCount() const {
        size_t count = 0;
        for (const Pass& pass : m_passes) count += pass.list ? pass.list->size() : 0;
        return count;
    }

    Trace trace;
    std::string error;

protected:
    struct Pass {
        json* list;  // nullptr: only `after`
        std::function<bool(const json& record, size_t index)> each;
        std::function<bool()> after;
        bool release;  // each record is freed once read (no later pass reads it)
    };
    void AddPass(json* list, std::function<bool(const json&, size_t)> each, std::function<bool()> after = {},
                 bool release = true) {
        m_passes.push_back(Pass{list, std::move(each), std::move(after), release});
    }

private:
    bool Fail() {
        m_failed = true;
        m_passes.clear();
        return true;
    }
    std::vector<Pass> m_passes;
    size_t m_pass = 0;
    size_t m_next = 0;
    size_t m_done = 0;
    bool m_failed = false;
};

// Interleave's own form: tracks, tasks, spans, instants, samples, metrics (docs/trace-format.md).
class OwnTraceConverter final : public DocumentConverter {
public:
    explicit OwnTraceConverter(json& document) : doc(document) {}

    bool Start() override {
        const Where top{"trace"};
        if (!doc.is_object()) return top.Fail(error, "", "an object with \"format\": \"interleave-trace\"", doc);
        const json* format = Member(doc, "format");
        const auto* formatText = format ? format->get_ptr<const json::string_t*>() : nullptr;
        if (!formatText || *formatText != "interleave-trace") {
            error = "trace: \"format\" is not \"interleave-trace\"";
            if (format) error += " (got " + jsonio::ShowJson(*format) + ")";
            return false;
        }
        const json* versionValue = Member(doc, "version");
        int64_t version = -1;
        if (!versionValue ||
            !ToInt64(*versionValue, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                     version) ||
            version != kFormatVersion) {
            error = "trace: version " + (versionValue ? jsonio::ShowJson(*versionValue) : std::string("(none)")) +
                    " is not supported (this build reads version " + std::to_string(kFormatVersion) + ")";
            return false;
        }
        if (!OptionalString(doc, "label", top, trace.label, error) ||
            !OptionalString(doc, "producer", top, trace.producer, error))
            return false;
        for (const char* key : {"tracks", "spans", "instants", "tasks"}) {
            const json* list = Member(doc, key);
            if (!list || !list->is_array()) {
                error = std::string("trace: \"") + key + "\" is missing or not an array";
                return false;
            }
            if (list->size() > kMaxTraceRecords) {
                error = std::string("trace: \"") + key + "\" has more than " + std::to_string(kMaxTraceRecords) +
                        " records";
                return false;
            }
        }
        json* samples = MutableMember(doc, "samples");
        if (samples && (!samples->is_array() || samples->size() > kMaxTraceRecords)) {
            error = "trace: \"samples\" must be an array of at most " + std::to_string(kMaxTraceRecords) + " records";
            return false;
        }
        AddPass(MutableMember(doc, "tracks"), [this](const json& t, size_t index) { return ReadTrack(t, index); },
                [this] { return CheckParents(); });
        AddPass(MutableMember(doc, "tasks"), [this](const json& t, size_t index) {
            TaskRecord task;
            if (!TaskFromJson(t, Where{"trace", "tasks", index}, task, error)) return false;
            trace.tasks.push_back(std::move(task));
            return true;
        });
        AddPass(MutableMember(doc, "spans"), [this](const json& s, size_t index) { return ReadSpan(s, index); });
        AddPass(MutableMember(doc, "instants"), [this](const json& i, size_t index) { return ReadInstant(i, index); });
        AddPass(samples, [this](const json& c, size_t index) { return ReadSample(c, index); });
        AddPass(nullptr, {}, [this] {
            const json* metrics = nullptr;
            if (!OptionalObject(doc, "metrics", Where{"trace"}, metrics, error) ||
                !MetricsFromJson(*metrics, "trace", "metrics", trace.metrics, error))
                return false;
            trace.Finish();
            return true;
        });
        return true;
    }

private:
    bool ReadTrack(const json& t, size_t index) {
        const Where where{"trace", "tracks", index};
        TrackKind kind;
        const json* name = Member(t, "name");
        const json* kindValue = Member(t, "kind");
        const auto* nameText = name ? name->get_ptr<const json::string_t*>() : nullptr;
        const auto* kindText = kindValue ? kindValue->get_ptr<const json::string_t*>() : nullptr;
        if (!t.is_object() || !nameText || !kindText || !ParseTrackKind(*kindText, kind)) {
            error = "trace: tracks[" + std::to_string(index) + "] needs a string \"name\" and a known \"kind\", got " +
                    jsonio::ShowJson(t);
            return false;
        }
        int64_t parent = kNone;
        if (!OptionalInt(t, "parent", where, kNone, kMaxId, parent, error)) return false;
        trace.tracks.push_back(Track{*nameText, kind, TrackId(static_cast<int32_t>(parent))});
        return true;
    }

    bool CheckParents() {
        for (size_t i = 0; i < trace.tracks.size(); ++i) {
            TrackId parent = trace.tracks[i].parent;
            if (parent != TrackId::None() && (parent.Index() >= trace.tracks.size() || parent.Index() == i)) {
                error = "trace: tracks[" + std::to_string(i) + "].parent " + std::to_string(parent.value) +
                        (parent.Index() == i ? " is the track itself" : " does not exist");
                return false;
            }
        }
        return true;
    }

    bool ReadSpan(const json& s, size_t index) {
        const Where where{"trace", "spans", index};
        SpanState state;
        const auto* stateText = s.is_array() && s.size() == 8 ? s[3].get_ptr<const json::string_t*>() : nullptr;
        if (!stateText || !ParseSpanState(*stateText, state)) {
            error = "trace: spans[" + std::to_string(index) +
                    "] must be [start, end, track, state, task, cause, cause_since, drop_request_at] with a known "
                    "state, got " +
                    jsonio::ShowJson(s);
            return false;
        }
        Span span;
        span.state = state;
        int64_t track = 0;
        TimeNs causeSince = -1, dropRequestAt = -1;
        if (!ReadTime(s[0], where, "[0] (start)", span.start, error) ||
            !ReadTime(s[1], where, "[1] (end)", span.end, error) ||
            !ReadInt(s[2], where, "[2] (track)", std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max(), track, error) ||
            !ReadId(s[4], where, "[4] (task)", span.task, error) ||
            !ReadId(s[5], where, "[5] (cause)", span.cause, error) ||
            !ReadWaitTime(s[6], where, "[6] (cause_since)", causeSince, error) ||
            !ReadWaitTime(s[7], where, "[7] (drop_request_at)", dropRequestAt, error))
            return false;
        if (!ValidTrack(track, trace.tracks.size(), "trace: spans", index, error)) return false;
        span.track = static_cast<TrackId>(track);
        if (!ValidReference(span.task, trace.tasks.size(), where, "[4] (task)", "task", error) ||
            !ValidReference(span.cause, trace.tracks.size(), where, "[5] (cause)", "track", error))
            return false;
        if (span.end < span.start) {
            error = "trace: spans[" + std::to_string(index) + "] ends before it starts";
            return false;
        }
        trace.AddWait(span, causeSince, dropRequestAt);
        trace.spans.push_back(span);
        return true;
    }

    bool ReadInstant(const json& i, size_t index) {
        const Where where{"trace", "instants", index};
        InstantKind kind;
        const auto* kindText = i.is_array() && i.size() == 5 ? i[2].get_ptr<const json::string_t*>() : nullptr;
        if (!kindText || !ParseInstantKind(*kindText, kind)) {
            error = "trace: instants[" + std::to_string(index) +
                    "] must be [time, track, kind, cause, task] with a known kind, got " + jsonio::ShowJson(i);
            return false;
        }
        Instant instant;
        instant.kind = kind;
        int64_t track = 0;
        if (!ReadTime(i[0], where, "[0] (time)", instant.time, error) ||
            !ReadInt(i[1], where, "[1] (track)", std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max(), track, error) ||
            !ReadId(i[3], where, "[3] (cause)", instant.cause, error) ||
            !ReadId(i[4], where, "[4] (task)", instant.task, error))
            return false;
        if (!ValidTrack(track, trace.tracks.size(), "trace: instants", index, error)) return false;
        instant.track = static_cast<TrackId>(track);
        if (!ValidReference(instant.cause, trace.tracks.size(), where, "[3] (cause)", "track", error) ||
            !ValidReference(instant.task, trace.tasks.size(), where, "[4] (task)", "task", error))
            return false;
        trace.instants.push_back(instant);
        return true;
    }

    bool ReadSample(const json& c, size_t index) {
        const Where where{"trace", "samples", index};
        if (!c.is_array() || c.size() != 3) {
            error =
                "trace: samples[" + std::to_string(index) + "] must be [time, track, value], got " + jsonio::ShowJson(c);
            return false;
        }
        CounterSample sample;
        int64_t track = 0;
        if (!ReadTime(c[0], where, "[0] (time)", sample.time, error) ||
            !ReadInt(c[1], where, "[1] (track)", std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max(), track, error) ||
            !ReadInt(c[2], where, "[2] (value)", -kMaxCounterValue, kMaxCounterValue, sample.value, error))
            return false;
        if (!ValidTrack(track, trace.tracks.size(), "trace: samples", index, error)) return false;
        if (trace.tracks[static_cast<size_t>(track)].kind != TrackKind::Counter) {
            error = "trace: samples[" + std::to_string(index) + "] is on track " + std::to_string(track) +
                    ", which is not a counter track";
            return false;
        }
        sample.track = static_cast<TrackId>(track);
        trace.samples.push_back(sample);
        return true;
    }

    json& doc;
};

}  // namespace

namespace {

// Chrome's timestamps are microseconds; three decimals keep every nanosecond.
double Micros(TimeNs ns) {
    return static_cast<double>(ns) / 1000.0;
}

// Microseconds (a Chrome ts, or ts + dur) to ns; false beyond the time bounds. Doubles below 2^62 in
// magnitude round to at most 2^62 - 512, inside the bounds.
bool MicrosToNs(double micros, TimeNs& out) {
    const double ns = micros * 1000.0;
    if (!(std::fabs(ns) < static_cast<double>(TimeNs{1} << 62))) return false;
    out = static_cast<TimeNs>(std::llround(ns));
    return true;
}

// Follows parents to the root, at most 64 steps (a file may hold a cycle); a track that does not exist
// is its own root.
TrackId RootOf(const Trace& trace, TrackId track) {
    const auto count = trace.tracks.size();
    if (!track.Valid() || track.Index() >= count) return track;
    for (int guard = 0; guard < 64; ++guard) {
        const TrackId parent = trace.tracks[track.Index()].parent;
        if (!parent.Valid() || parent.Index() >= count) break;
        track = parent;
    }
    return track;
}

}  // namespace

std::string ToChromeJson(const Trace& trace) {
    json events = json::array();
    for (size_t i = 0; i < trace.tracks.size(); ++i) {
        const Track& t = trace.tracks[i];
        TrackId root = RootOf(trace, static_cast<TrackId>(i));
        int64_t pid = int64_t{root.value} + 1;
        int64_t tid = static_cast<int64_t>(i) + 1;
        if (root == static_cast<TrackId>(i))
            events.push_back(
                {{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", t.name}}}});
        events.push_back(
            {{"ph", "M"},
             {"name", "thread_name"},
             {"pid", pid},
             {"tid", tid},
             {"args", {{"name", t.name}, {"kind", TrackKindName(t.kind)}, {"parent", t.parent.value}, {"track", i}}}});
        events.push_back(
            {{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", pid}, {"tid", tid}, {"args", {{"sort_index", i}}}});
    }
    for (const Span& s : trace.spans) {
        TrackId root = RootOf(trace, s.track);
        json args = {{"state", SpanStateName(s.state)}, {"start_ns", s.start}, {"end_ns", s.end}};
        if (s.task != TaskId::None()) {
            args["task"] = s.task.value;
            if (s.task.Index() < trace.tasks.size()) args["task_name"] = trace.tasks[s.task.Index()].name;
        }
        if (s.cause != TrackId::None()) {
            args["cause"] = s.cause.value;
            if (s.cause.Index() < trace.tracks.size()) args["cause_name"] = trace.tracks[s.cause.Index()].name;
        }
        const WaitDetail wait = trace.WaitOf(s);
        if (wait.causeSince >= 0) args["cause_since_ns"] = wait.causeSince;
        if (wait.dropRequestAt >= 0) args["drop_request_ns"] = wait.dropRequestAt;
        // Saturating: the exact times are in args; dur is for viewers, and must not wrap negative.
        events.push_back({{"ph", "X"},
                          {"name", SpanStateName(s.state)},
                          {"cat", "state"},
                          {"pid", int64_t{root.value} + 1},
                          {"tid", int64_t{s.track.value} + 1},
                          {"ts", Micros(s.start)},
                          {"dur", Micros(SaturatingSub(s.end, s.start))},
                          {"args", args}});
    }
    for (const Instant& i : trace.instants) {
        TrackId root = RootOf(trace, i.track);
        json args = {{"time_ns", i.time}};
        if (i.cause != TrackId::None()) args["cause"] = i.cause.value;
        if (i.task != TaskId::None()) args["task"] = i.task.value;
        events.push_back({{"ph", "i"},
                          {"s", "t"},
                          {"name", InstantKindName(i.kind)},
                          {"cat", "instant"},
                          {"pid", int64_t{root.value} + 1},
                          {"tid", int64_t{i.track.value} + 1},
                          {"ts", Micros(i.time)},
                          {"args", args}});
    }
    for (const CounterSample& c : trace.samples) {
        if (!c.track.Valid() || c.track.Index() >= trace.tracks.size()) continue;
        TrackId root = RootOf(trace, c.track);
        events.push_back({{"ph", "C"},
                          {"name", trace.tracks[c.track.Index()].name},
                          {"cat", "counter"},
                          {"pid", int64_t{root.value} + 1},
                          {"tid", int64_t{c.track.value} + 1},
                          {"ts", Micros(c.time)},
                          {"args", {{"value", c.value}, {"time_ns", c.time}}}});
    }
    json tasks = json::array();
    for (const TaskRecord& t : trace.tasks)
        tasks.push_back(TaskToJson(t));
    json doc = {{"traceEvents", events},
                {"displayTimeUnit", "ns"},
                {"otherData",
                 {{"producer", "interleave"},
                  {"label", trace.label},
                  {"source", trace.producer},
                  {"tasks", tasks},
                  {"metrics", MetricsToJson(trace.metrics)}}}};
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

// Chrome's Trace Event form: pass 1 reads the metadata (names and kinds before any span arrives), pass 2 the
// events, and the last pass otherData (tasks, metrics) and the references between them.
class ChromeTraceConverter final : public DocumentConverter {
public:
    explicit ChromeTraceConverter(json& document) : doc(document) {}

    bool Start() override {
        json* events = nullptr;
        if (doc.is_array())
            events = &doc;
        else if (json* list = MutableMember(doc, "traceEvents"); list && list->is_array())
            events = list;
        if (!events) {
            error = "chrome trace: expected an array of events or an object with a \"traceEvents\" array";
            return false;
        }
        if (events->size() > kMaxTraceRecords) {
            error = "chrome trace: more than " + std::to_string(kMaxTraceRecords) + " events";
            return false;
        }
        AddPass(events, [this](const json& e, size_t index) { return ReadMetadata(e, index); }, {}, false);
        AddPass(events, [this](const json& e, size_t index) { return ReadEvent(e, index); },
                [this] { return ReadOtherData(); });
        return true;
    }

private:
    static constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();

    // What every event has: ph, name, pid, tid, args; each optional, each type-checked.
    struct Common {
        std::string ph, name;
        int64_t pid = 0, tid = 0;
        const json* args = nullptr;
    };

    // A (pid, tid) pair is one track. Our own export names the track index in thread_name's args.
    TrackId TrackFor(int64_t pid, int64_t tid) {
        auto key = std::make_pair(pid, tid);
        auto it = trackOf.find(key);
        if (it != trackOf.end()) return it->second;
        TrackId id = trace.AddTrack("pid " + std::to_string(pid) + " tid " + std::to_string(tid), TrackKind::Thread);
        trackOf.emplace(key, id);
        return id;
    }

    bool ReadCommon(const json& e, const Where& where, Common& c) {
        c = Common{};
        return OptionalString(e, "ph", where, c.ph, error) && OptionalString(e, "name", where, c.name, error) &&
               OptionalInt(e, "pid", where, kMin, kMax, c.pid, error) &&
               OptionalInt(e, "tid", where, kMin, kMax, c.tid, error) &&
               OptionalObject(e, "args", where, c.args, error);
    }

    // ts (microseconds; `field` names it: "ts" or "ts + dur") as ns, within the time bounds.
    bool MicrosToNsChecked(const Where& where, const char* field, double micros, TimeNs& ns) {
        if (MicrosToNs(micros, ns)) return true;
        char shown[64];
        std::snprintf(shown, sizeof shown, "%.17g", micros);
        return where.Fail(
            error, field,
            "must lie within " + std::to_string(kMaxTraceTimeNs / 1000) + " microseconds of 0, got " + shown);
    }

    // The same, unless `exactKey` in args (nanoseconds, written by our export) is present: it wins.
    bool TimeOf(const Where& where, const Common& c, const char* exactKey, const char* field, double micros,
                TimeNs& ns) {
        const Where inArgs{where.prefix, where.list, where.index, "args"};
        if (const json* exact = Member(*c.args, exactKey)) return ReadTime(*exact, inArgs, exactKey, ns, error);
        return MicrosToNsChecked(where, field, micros, ns);
    }

    bool ReadMetadata(const json& e, size_t index) {
        const Where where{"chrome trace", "traceEvents", index};
        if (!e.is_object()) return true;  // pass 2 names it
        Common c;
        if (!ReadCommon(e, where, c)) return false;
        if (c.ph != "M" || (c.name != "process_name" && c.name != "thread_name")) return true;
        const Where inArgs{where.prefix, where.list, where.index, "args"};
        std::string name, kindName;
        if (!OptionalString(*c.args, "name", inArgs, name, error)) return false;
        if (c.name != "thread_name") return true;
        int64_t parent = kNone;
        if (!OptionalString(*c.args, "kind", inArgs, kindName, error) ||
            !OptionalInt(*c.args, "parent", inArgs, kNone, kMaxId, parent, error))
            return false;
        TrackId id = TrackFor(c.pid, c.tid);
        trace.tracks[id.Index()].name = name;
        TrackKind kind;
        if (ParseTrackKind(kindName, kind)) trace.tracks[id.Index()].kind = kind;  // other producers' kinds: a thread
        if (parent != kNone) declaredParents.push_back({id, parent});
        return true;
    }

    bool ReadEvent(const json& e, size_t index) {
        const Where where{"chrome trace", "traceEvents", index};
        const Where inArgs{where.prefix, where.list, where.index, "args"};
        auto event = [index] { return "chrome trace: event " + std::to_string(index); };
        if (!e.is_object()) return where.Fail(error, "", "an object", e);
        Common c;
        if (!ReadCommon(e, where, c)) return false;
        if (c.ph == "M" || c.ph.empty()) return true;
        double ts = 0;
        const json* tsValue = Member(e, "ts");
        const bool timed = c.ph == "X" || c.ph == "B" || c.ph == "E" || c.ph == "i" || c.ph == "I" || c.ph == "C";
        if (timed) {
            if (!tsValue || !ReadDouble(*tsValue, where, "ts", ts, error) || tsValue->is_null()) {
                error = event() + " (ph \"" + c.ph + "\") has no numeric \"ts\"" +
                        (tsValue ? ", got " + jsonio::ShowJson(*tsValue) : "");
                return false;
            }
        }
        std::string stateName;
        if (!OptionalString(*c.args, "state", inArgs, stateName, error)) return false;
        SpanState state = SpanState::RunningPython;
        if (!ParseSpanState(stateName, state)) ParseSpanState(c.name, state);
        TrackId track = TrackFor(c.pid, c.tid);
        if (c.ph == "X") {
            const json* durValue = Member(e, "dur");
            double dur = 0;
            if (!durValue || !ReadDouble(*durValue, where, "dur", dur, error) || durValue->is_null() || dur < 0) {
                error = event() + " (ph \"X\") needs a non-negative \"dur\"" +
                        (durValue ? ", got " + jsonio::ShowJson(*durValue) : "");
                return false;
            }
            Span span;
            span.track = track;
            span.state = state;
            TaskId task;
            TrackId cause;
            TimeNs causeSince = -1, dropRequestAt = -1;
            if (!TimeOf(where, c, "start_ns", "ts", ts, span.start) ||
                !TimeOf(where, c, "end_ns", "ts + dur", ts + dur, span.end))
                return false;
            if (const json* v = Member(*c.args, "task"); v && !ReadId(*v, inArgs, "task", task, error)) return false;
            if (const json* v = Member(*c.args, "cause"); v && !ReadId(*v, inArgs, "cause", cause, error)) return false;
            if (const json* v = Member(*c.args, "cause_since_ns");
                v && !ReadWaitTime(*v, inArgs, "cause_since_ns", causeSince, error))
                return false;
            if (const json* v = Member(*c.args, "drop_request_ns");
                v && !ReadWaitTime(*v, inArgs, "drop_request_ns", dropRequestAt, error))
                return false;
            if (span.end < span.start) {
                error = event() + " (ph \"X\") ends before it starts (start " + std::to_string(span.start) +
                        " ns, end " + std::to_string(span.end) + " ns)";
                return false;
            }
            span.task = task;
            span.cause = cause;
            trace.AddWait(span, causeSince, dropRequestAt);
            trace.spans.push_back(span);
        } else if (c.ph == "B") {
            TimeNs begin = 0;
            if (!MicrosToNsChecked(where, "ts", ts, begin)) return false;
            openBegins[track].push_back({begin, stateName.empty() ? c.name : stateName});
        } else if (c.ph == "E") {
            TimeNs end = 0;
            if (!MicrosToNsChecked(where, "ts", ts, end)) return false;
            auto& stack = openBegins[track];
            if (stack.empty()) return true;  // an unmatched end: Perfetto ignores it too
            auto [begin, beginState] = stack.back();
            stack.pop_back();
            Span span;
            span.track = track;
            if (!ParseSpanState(beginState, span.state)) span.state = SpanState::RunningPython;
            span.start = begin;
            span.end = end;
            if (span.end >= span.start) trace.spans.push_back(span);
        } else if (c.ph == "C") {
            // A counter: ours only (a track declared as a counter, one integer "value"); other producers' series
            // are skipped like instants we do not model.
            if (trace.tracks[track.Index()].kind != TrackKind::Counter) return true;
            const json* value = Member(*c.args, "value");
            if (!value) return true;
            CounterSample sample;
            sample.track = track;
            if (!ReadInt(*value, inArgs, "value", -kMaxCounterValue, kMaxCounterValue, sample.value, error) ||
                !TimeOf(where, c, "time_ns", "ts", ts, sample.time))
                return false;
            trace.samples.push_back(sample);
        } else if (c.ph == "i" || c.ph == "I") {
            InstantKind kind;
            if (!ParseInstantKind(c.name, kind)) return true;  // instants we do not model
            Instant instant{0, track, kind, TrackId::None(), TaskId::None()};
            if (!TimeOf(where, c, "time_ns", "ts", ts, instant.time)) return false;
            if (const json* v = Member(*c.args, "cause"); v && !ReadId(*v, inArgs, "cause", instant.cause, error))
                return false;
            if (const json* v = Member(*c.args, "task"); v && !ReadId(*v, inArgs, "task", instant.task, error))
                return false;
            trace.instants.push_back(instant);
        }
        return true;
    }

    bool ReadOtherData() {
        for (const auto& [track, parent] : declaredParents) {
            if (parent >= 0 && static_cast<size_t>(parent) < trace.tracks.size() && parent != track.value)
                trace.tracks[track.Index()].parent = TrackId(static_cast<int32_t>(parent));
        }
        const Where top{"chrome trace"};
        const json* other = nullptr;
        if (!OptionalObject(doc, "otherData", top, other, error)) return false;
        trace.producer = "chrome-trace";
        if (!OptionalString(*other, "label", Where{"chrome trace", "otherData"}, trace.label, error) ||
            !OptionalString(*other, "source", Where{"chrome trace", "otherData"}, trace.producer, error))
            return false;
        if (const json* tasks = Member(*other, "tasks")) {
            if (!tasks->is_array()) return Where{"chrome trace", "otherData"}.Fail(error, "tasks", "a list", *tasks);
            if (tasks->size() > kMaxTraceRecords) {
                error = "chrome trace: otherData.tasks has more than " + std::to_string(kMaxTraceRecords) + " records";
                return false;
            }
            size_t taskIndex = 0;
            for (const json& t : *tasks) {
                TaskRecord task;
                if (!TaskFromJson(t, Where{"chrome trace", "otherData.tasks", taskIndex++}, task, error)) return false;
                trace.tasks.push_back(std::move(task));
            }
        }
        const json* metrics = nullptr;
        if (!OptionalObject(*other, "metrics", Where{"chrome trace", "otherData"}, metrics, error) ||
            !MetricsFromJson(*metrics, "chrome trace", "otherData.metrics", trace.metrics, error))
            return false;
        // Causes and tasks refer to track and task indices of the exporting trace; drop any that do not exist here.
        auto exists = [](auto id, size_t count) { return id.Valid() && id.Index() < count; };
        for (Span& s : trace.spans) {
            if (!exists(s.cause, trace.tracks.size())) s.cause = TrackId::None();
            if (!exists(s.task, trace.tasks.size())) s.task = TaskId::None();
        }
        for (Instant& i : trace.instants) {
            if (!exists(i.cause, trace.tracks.size())) i.cause = TrackId::None();
            if (!exists(i.task, trace.tasks.size())) i.task = TaskId::None();
        }
        trace.Finish();
        return true;
    }

    json& doc;
    std::map<std::pair<int64_t, int64_t>, TrackId> trackOf;
    std::vector<std::pair<TrackId, int64_t>> declaredParents;
    std::map<TrackId, std::vector<std::pair<TimeNs, std::string>>> openBegins;
};

// A Gecko profile (CPython 3.15's sampling profiler): converted in one step, after its parse in many. Its records
// are markers, far fewer than a simulated trace's spans.
class GeckoConverter final : public DocumentConverter {
public:
    explicit GeckoConverter(json& document) : doc(document) {}
    bool Start() override {
        AddPass(nullptr, {}, [this] { return FromGeckoDocument(doc, trace, error); });
        return true;
    }

private:
    const json& doc;
};

}  // namespace

struct TraceFileReader::Reading {
    Reading(std::string_view text, const jsonio::JsonLimits& limits) : parser(text, limits, "the trace") {}
    jsonio::SlicedJsonParser parser;
    std::unique_ptr<DocumentConverter> converter;
};

TraceFileReader::TraceFileReader(std::string_view text, TraceForm form, const jsonio::JsonLimits& limits)
    : m_form(form), m_reading(std::make_unique<Reading>(text, limits)) {}

TraceFileReader::~TraceFileReader() = default;

bool TraceFileReader::Step() {
    if (m_done) return true;
    Reading& r = *m_reading;
    if (!r.parser.Done()) {
        if (!r.parser.Step(kStepBytes)) return false;
        if (!r.parser.Ok()) return Finish(std::string(m_form == TraceForm::Chrome ? "chrome trace: " : "trace: ") + r.parser.Error());
        json& doc = r.parser.Document();
        // Decided by the document's structure, not by searching the text: a trace whose label is "traceEvents"
        // is still our own format (a fuzzer found that the text search sent it to the Chrome reader).
        if (m_form == TraceForm::Interleave || (m_form == TraceForm::Any && doc.is_object() && doc.contains("format")))
            r.converter = std::make_unique<OwnTraceConverter>(doc);
        else if (m_form == TraceForm::Any && IsGeckoProfile(doc))
            r.converter = std::make_unique<GeckoConverter>(doc);
        else
            r.converter = std::make_unique<ChromeTraceConverter>(doc);
        if (!r.converter->Start()) return Finish(r.converter->error);
        return false;
    }
    if (!r.converter->Step(kStepRecords)) return false;
    if (r.converter->Failed()) return Finish(r.converter->error);
    m_trace = std::move(r.converter->trace);
    return Finish({});
}

bool TraceFileReader::Finish(std::string error) {
    m_error = std::move(error);
    m_done = true;
    m_reading.reset();  // the document, often several times the text's size
    return true;
}

double TraceFileReader::Progress() const {
    if (m_done) return 1.0;
    const Reading& r = *m_reading;
    // The parse takes most of the time (kParseShare, measured natively on a 65 MB trace: docs/authoring.md).
    if (!r.parser.Done() || !r.converter) return kParseShare * r.parser.Progress();
    const size_t count = r.converter->RecordCount();
    return kParseShare + (1.0 - kParseShare) * (count == 0 ? 0.0 : double(r.converter->RecordsDone()) / double(count));
}

bool TraceFileReader::TextRead() const {
    return m_done || m_reading->parser.Done();
}

Trace TraceFileReader::TakeTrace() {
    return std::move(m_trace);
}

namespace {
bool ReadWhole(std::string_view text, TraceForm form, Trace& out, std::string& error,
               const jsonio::JsonLimits& limits) {
    TraceFileReader reader(text, form, limits);
    while (!reader.Step()) {
    }
    if (!reader.Ok()) {
        error = reader.Error();
        return false;
    }
    out = reader.TakeTrace();
    return true;
}
}  // namespace

bool FromJson(std::string_view text, Trace& out, std::string& error) {
    return FromJson(text, out, error, TraceJsonLimits());
}

bool FromJson(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits) {
    return ReadWhole(text, TraceForm::Interleave, out, error, limits);
}

bool FromChromeJson(std::string_view text, Trace& out, std::string& error) {
    return FromChromeJson(text, out, error, TraceJsonLimits());
}

bool FromChromeJson(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits) {
    return ReadWhole(text, TraceForm::Chrome, out, error, limits);
}

bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error) {
    return ReadAnyTrace(text, out, error, TraceJsonLimits());
}

bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits) {
    return ReadWhole(text, TraceForm::Any, out, error, limits);
}

}  // namespace interleave::trace
