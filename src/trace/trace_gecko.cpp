#include "trace/trace_gecko.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "jsonio/bounded_json.h"
#include "trace/trace_json.h"

namespace interleave::trace {

using nlohmann::json;

namespace {

// A profile's threads become tracks (int32 ids); its markers are bounded by the file's size already, this
// bounds the work a small file full of tiny markers can ask for.
constexpr size_t kMaxGeckoThreads = size_t{1} << 16;
constexpr size_t kMaxGeckoMarkers = 20'000'000;
// Markers' times are milliseconds; a trace's times are ns within kMaxTraceTimeNs.
constexpr double kMaxGeckoMs = static_cast<double>(kMaxTraceTimeNs) / 1e6;
// The Firefox Profiler's marker phases; only intervals are read.
constexpr int64_t kPhaseInterval = 1;
constexpr int64_t kMaxPhase = 3;

bool Fail(std::string& error, const std::string& path, std::string_view reason) {
    error = "gecko profile: " + path + " " + std::string(reason);
    return false;
}
bool FailType(std::string& error, const std::string& path, std::string_view expected, const json& got) {
    return Fail(error, path, "must be " + std::string(expected) + ", got " + jsonio::ShowJson(got));
}

const json* Member(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

// Any JSON number as a double; false for everything else.
bool NumberOf(const json& value, double& out) {
    if (const auto* f = value.get_ptr<const json::number_float_t*>())
        out = *f;
    else if (const auto* u = value.get_ptr<const json::number_unsigned_t*>())
        out = static_cast<double>(*u);  // before signed: parsed non-negative integers are unsigned
    else if (const auto* i = value.get_ptr<const json::number_integer_t*>())
        out = static_cast<double>(*i);
    else
        return false;
    return true;
}

// A time in milliseconds to whole nanoseconds, refusing what is not finite or beyond kMaxTraceTimeNs.
bool ReadMs(const json& value, const std::string& path, TimeNs& out, std::string& error) {
    double ms = 0;
    if (!NumberOf(value, ms) || !std::isfinite(ms) || std::fabs(ms) > kMaxGeckoMs)
        return FailType(error, path, "a time in milliseconds (a finite number within +-4.6e12)", value);
    // |ms * 1e6| <= 2^62 (rounded), well inside int64; clamp the last rounding step back into the bound.
    const auto ns = static_cast<TimeNs>(std::llround(ms * 1e6));
    out = std::clamp(ns, -kMaxTraceTimeNs, kMaxTraceTimeNs);
    return true;
}

// A non-negative integer (an index, a length, a phase) up to `max`.
bool ReadIndex(const json& value, const std::string& path, uint64_t max, uint64_t& out, std::string& error) {
    if (const auto* u = value.get_ptr<const json::number_unsigned_t*>()) {
        if (*u <= max) {
            out = *u;
            return true;
        }
    } else if (const auto* i = value.get_ptr<const json::number_integer_t*>()) {
        if (*i >= 0 && static_cast<uint64_t>(*i) <= max) {
            out = static_cast<uint64_t>(*i);
            return true;
        }
    } else if (const auto* f = value.get_ptr<const json::number_float_t*>()) {
        if (std::isfinite(*f) && *f >= 0 && *f == std::trunc(*f) && *f <= static_cast<double>(max)) {
            out = static_cast<uint64_t>(*f);
            return true;
        }
    }
    return FailType(error, path, "an integer from 0 to " + std::to_string(max), value);
}

// A thread's or process's id as text: the profiler writes pid as a string and tid as a number.
bool ReadIdText(const json& object, const char* key, const std::string& path, std::string& out, std::string& error) {
    const json* value = Member(object, key);
    if (!value || value->is_null()) return true;
    if (const auto* text = value->get_ptr<const json::string_t*>()) {
        if (text->size() > 64) return FailType(error, path + "." + key, "an id of at most 64 characters", *value);
        out = *text;
        return true;
    }
    if (const auto* u = value->get_ptr<const json::number_unsigned_t*>()) {
        out = std::to_string(*u);
        return true;
    }
    if (const auto* i = value->get_ptr<const json::number_integer_t*>()) {
        out = std::to_string(*i);
        return true;
    }
    return FailType(error, path + "." + key, "a string or an integer", *value);
}

bool OptionalString(const json& object,
                    const char* key,
                    const std::string& path,
                    std::string& out,
                    std::string& error) {
    const json* value = Member(object, key);
    if (!value || value->is_null()) return true;
    const auto* text = value->get_ptr<const json::string_t*>();
    if (!text) return FailType(error, path + "." + key, "a string", *value);
    out = *text;
    return true;
}

// The markers the reader knows, by the names the profiler gives them.
enum class Mark : uint8_t { HasGil, WaitingGil, PythonCode, NativeCode, OnCpu, OffCpu, Count };
constexpr size_t kMarks = static_cast<size_t>(Mark::Count);

bool MarkOf(std::string_view name, Mark& out) {
    static constexpr std::array<std::pair<std::string_view, Mark>, kMarks> kNames = {{
        {"Has GIL", Mark::HasGil},
        {"Waiting for GIL", Mark::WaitingGil},
        {"Python Code", Mark::PythonCode},
        {"Native Code", Mark::NativeCode},
        {"On CPU", Mark::OnCpu},
        {"Off CPU", Mark::OffCpu},
    }};
    for (const auto& [text, mark] : kNames) {
        if (text == name) {
            out = mark;
            return true;
        }
    }
    return false;
}

struct Interval {
    TimeNs start = 0;
    TimeNs end = 0;
};

struct GeckoThread {
    std::string name;
    std::string pid;
    TrackId track;
    std::array<std::vector<Interval>, kMarks> marks;
};

// The string table: "shared"."stringArray" (the profiler's), or the thread's own "stringArray" (older
// processed profiles). Every entry must be a string.
bool ReadStringTable(const json& table, const std::string& path, const json*& out, std::string& error) {
    if (!table.is_array()) return FailType(error, path, "an array of strings", table);
    for (size_t i = 0; i < table.size(); ++i) {
        if (!table[i].is_string()) return FailType(error, path + "[" + std::to_string(i) + "]", "a string", table[i]);
    }
    out = &table;
    return true;
}

// A column of the markers table: an array with exactly `count` entries.
bool Column(const json& markers,
            const char* key,
            const std::string& path,
            size_t count,
            bool required,
            const json*& out,
            std::string& error) {
    out = Member(markers, key);
    if (!out) return required ? Fail(error, path, std::string("lacks \"") + key + "\" (an array)") : true;
    if (!out->is_array()) return FailType(error, path + "." + key, "an array", *out);
    if (out->size() != count)
        return Fail(error, path + "." + key,
                    "has " + std::to_string(out->size()) + " entries, but \"name\" has " + std::to_string(count));
    return true;
}

bool ReadMarkers(const json& thread,
                 const std::string& path,
                 const json* sharedStrings,
                 GeckoThread& out,
                 size_t& markersSeen,
                 std::string& error) {
    const json* markers = Member(thread, "markers");
    if (!markers || markers->is_null()) return true;  // a thread the profiler saw no change on
    const std::string mpath = path + ".markers";
    if (!markers->is_object())
        return FailType(error, mpath, "an object of arrays (name, startTime, endTime)", *markers);

    const json* strings = sharedStrings;
    if (const json* own = Member(thread, "stringArray")) {
        if (!ReadStringTable(*own, path + ".stringArray", strings, error)) return false;
    }
    const json* names = Member(*markers, "name");
    if (!names) return Fail(error, mpath, "lacks \"name\" (an array)");
    if (!names->is_array()) return FailType(error, mpath + ".name", "an array", *names);
    const size_t count = names->size();
    if (count > kMaxGeckoMarkers - markersSeen)
        return Fail(error, mpath, "makes the profile hold more than " + std::to_string(kMaxGeckoMarkers) + " markers");
    markersSeen += count;
    if (const json* length = Member(*markers, "length")) {
        uint64_t n = 0;
        if (!ReadIndex(*length, mpath + ".length", std::numeric_limits<uint32_t>::max(), n, error)) return false;
        if (n != count)
            return Fail(error, mpath + ".length",
                        "is " + std::to_string(n) + ", but \"name\" has " + std::to_string(count) + " entries");
    }
    const json *starts = nullptr, *ends = nullptr, *phases = nullptr;
    if (!Column(*markers, "startTime", mpath, count, true, starts, error) ||
        !Column(*markers, "endTime", mpath, count, true, ends, error) ||
        !Column(*markers, "phase", mpath, count, false, phases, error))
        return false;

    for (size_t k = 0; k < count; ++k) {
        const std::string at = "[" + std::to_string(k) + "]";
        if (phases) {
            uint64_t phase = 0;
            if (!ReadIndex((*phases)[k], mpath + ".phase" + at, kMaxPhase, phase, error)) return false;
            if (phase != kPhaseInterval) continue;  // instants and open-ended halves say nothing of a state
        }
        const json& nameValue = (*names)[k];
        std::string_view name;
        if (const auto* text = nameValue.get_ptr<const json::string_t*>()) {
            name = *text;
        } else {
            if (!strings)
                return Fail(error, mpath + ".name" + at, "is an index, but the profile has no shared.stringArray");
            uint64_t index = 0;
            if (strings->empty())
                return FailType(error, mpath + ".name" + at, "a string (shared.stringArray is empty)", nameValue);
            if (!ReadIndex(nameValue, mpath + ".name" + at, strings->size() - 1, index, error)) return false;
            const auto* entry = (*strings)[index].get_ptr<const json::string_t*>();
            if (!entry) return FailType(error, mpath + ".name" + at, "an index of a string", (*strings)[index]);
            name = *entry;
        }
        Interval interval;
        if (!ReadMs((*starts)[k], mpath + ".startTime" + at, interval.start, error) ||
            !ReadMs((*ends)[k], mpath + ".endTime" + at, interval.end, error))
            return false;
        if (interval.end < interval.start)
            return Fail(error, mpath + ".endTime" + at,
                        "is before its startTime (" + jsonio::ShowJson((*ends)[k]) + " < " +
                            jsonio::ShowJson((*starts)[k]) + " ms)");
        Mark mark;
        if (MarkOf(name, mark) && interval.end > interval.start)
            out.marks[static_cast<size_t>(mark)].push_back(interval);
    }
    return true;
}

struct Holding {
    TimeNs start = 0;
    TimeNs end = 0;
    TrackId holder;
};

// The GIL holder at `time` in holdings sorted by start and not overlapping; none when it was free.
const Holding* HolderAt(const std::vector<Holding>& holdings, TimeNs time) {
    auto it = std::upper_bound(holdings.begin(), holdings.end(), time,
                               [](TimeNs t, const Holding& h) { return t < h.start; });
    if (it == holdings.begin()) return nullptr;
    --it;
    return time < it->end ? &*it : nullptr;
}

// One thread's spans from its markers: every stretch between two marker edges gets the state of the
// strongest marker covering it.
void AddThreadSpans(const GeckoThread& thread, const std::vector<Holding>& holdings, Trace& trace) {
    struct Edge {
        TimeNs time;
        size_t mark;
        int delta;
    };
    std::vector<Edge> edges;
    for (size_t m = 0; m < kMarks; ++m) {
        for (const Interval& i : thread.marks[m]) {
            edges.push_back({i.start, m, +1});
            edges.push_back({i.end, m, -1});
        }
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.time < b.time; });
    std::array<int64_t, kMarks> active{};
    auto on = [&](Mark m) { return active[static_cast<size_t>(m)] > 0; };
    bool open = false;
    Span current;
    auto close = [&](TimeNs at) {
        if (!open) return;
        current.end = at;
        if (current.end > current.start) {
            trace.spans.push_back(current);
            if (current.state == SpanState::WaitingGil) {
                const Holding* h = HolderAt(holdings, current.start);
                trace.AddWait(current, h && current.cause != TrackId::None() ? h->start : -1, -1);
            }
        }
        open = false;
    };
    for (size_t e = 0; e < edges.size();) {
        const TimeNs time = edges[e].time;
        for (; e < edges.size() && edges[e].time == time; ++e)
            active[edges[e].mark] += edges[e].delta;
        bool any = true;
        SpanState state = SpanState::Idle;
        TrackId cause;
        if (on(Mark::WaitingGil)) {
            state = SpanState::WaitingGil;
            const Holding* h = HolderAt(holdings, time);
            cause = h && h->holder != thread.track ? h->holder : TrackId::None();
        } else if (on(Mark::PythonCode) || on(Mark::HasGil)) {
            state = SpanState::RunningPython;
        } else if (on(Mark::NativeCode) || on(Mark::OnCpu)) {
            state = SpanState::RunningC;
        } else if (on(Mark::OffCpu)) {
            state = SpanState::BlockedIo;
        } else {
            any = false;
        }
        // A wait keeps one cause for its whole length: the holder when it began (what the other producers
        // record); a hand-off during the wait does not split it.
        if (open && any && current.state == state) continue;
        close(time);
        if (!any) continue;
        current = Span{};
        current.start = time;
        current.track = thread.track;
        current.state = state;
        current.cause = cause;
        open = true;
    }
    if (open) close(current.start);  // unreachable for well-formed edges: every interval closes
}

}  // namespace

bool IsGeckoProfile(const json& doc) {
    return doc.is_object() && doc.contains("meta") && doc.contains("threads") && !doc.contains("format") &&
           !doc.contains("traceEvents");
}

bool FromGeckoDocument(const json& doc, Trace& out, std::string& error) {
    if (!doc.is_object()) return FailType(error, "the file", "an object with \"meta\" and \"threads\"", doc);
    const json* meta = Member(doc, "meta");
    if (!meta || !meta->is_object())
        return meta ? FailType(error, "meta", "an object", *meta)
                    : Fail(error, "the file", "lacks \"meta\" (an object)");
    const json* threads = Member(doc, "threads");
    if (!threads) return Fail(error, "the file", "lacks \"threads\" (an array)");
    if (!threads->is_array()) return FailType(error, "threads", "an array", *threads);
    if (threads->size() > kMaxGeckoThreads)
        return Fail(
            error, "threads",
            "has " + std::to_string(threads->size()) + " threads, more than " + std::to_string(kMaxGeckoThreads));
    std::string product = "Python";
    if (!OptionalString(*meta, "product", "meta", product, error)) return false;

    const json* sharedStrings = nullptr;
    if (const json* shared = Member(doc, "shared")) {
        if (!shared->is_object()) return FailType(error, "shared", "an object", *shared);
        if (const json* table = Member(*shared, "stringArray")) {
            if (!ReadStringTable(*table, "shared.stringArray", sharedStrings, error)) return false;
        }
    }

    std::vector<GeckoThread> parsed(threads->size());
    size_t markersSeen = 0;
    for (size_t i = 0; i < threads->size(); ++i) {
        const json& thread = (*threads)[i];
        const std::string path = "threads[" + std::to_string(i) + "]";
        if (!thread.is_object()) return FailType(error, path, "an object", thread);
        GeckoThread& t = parsed[i];
        std::string tid;
        if (!OptionalString(thread, "name", path, t.name, error) || !ReadIdText(thread, "tid", path, tid, error) ||
            !ReadIdText(thread, "pid", path, t.pid, error))
            return false;
        if (const json* isMain = Member(thread, "isMainThread")) {
            if (!isMain->is_boolean() && !isMain->is_null())
                return FailType(error, path + ".isMainThread", "true or false", *isMain);
            const auto* flag = isMain->get_ptr<const json::boolean_t*>();
            if (flag && *flag) t.name = "MainThread";
        }
        if (t.name.empty()) t.name = tid.empty() ? "Thread " + std::to_string(i) : "Thread-" + tid;
        if (t.name.size() > 256) t.name.resize(256);
        if (!ReadMarkers(thread, path, sharedStrings, t, markersSeen, error)) return false;
    }

    Trace trace;
    trace.label = "CPython sampling profile (" + product.substr(0, 64) + ")";
    trace.producer = "cpython-gecko";
    // One process per pid, in order of first appearance: its track, its threads, its GIL.
    // Each pid's threads, by index; a map, so that many processes cost n log n, not n^2.
    std::vector<std::string> pids;
    std::vector<std::vector<size_t>> members;
    {
        std::map<std::string, size_t> index;
        for (size_t i = 0; i < parsed.size(); ++i) {
            auto [it, added] = index.emplace(parsed[i].pid, pids.size());
            if (added) {
                pids.push_back(parsed[i].pid);
                members.emplace_back();
            }
            members[it->second].push_back(i);
        }
    }
    for (size_t p = 0; p < pids.size(); ++p) {
        const std::string& pid = pids[p];
        const TrackId process =
            trace.AddTrack(pid.empty() ? std::string("Python process") : "Python process " + pid, TrackKind::Process);
        for (size_t i : members[p])
            parsed[i].track = trace.AddTrack(parsed[i].name, TrackKind::Thread, process);
        std::vector<Holding> holdings;
        for (size_t i : members[p]) {
            for (const Interval& interval : parsed[i].marks[static_cast<size_t>(Mark::HasGil)])
                holdings.push_back({interval.start, interval.end, parsed[i].track});
        }
        std::sort(holdings.begin(), holdings.end(), [](const Holding& a, const Holding& b) {
            return a.start != b.start ? a.start < b.start : a.end < b.end;
        });
        // Sampling can see two holders at once (the reads are not atomic): the later one wins from its start.
        std::vector<Holding> gil;
        for (size_t h = 0; h < holdings.size(); ++h) {
            Holding cut = holdings[h];
            if (h + 1 < holdings.size()) cut.end = std::min(cut.end, holdings[h + 1].start);
            if (cut.end > cut.start) gil.push_back(cut);
        }
        if (!gil.empty()) {
            const TrackId gilTrack =
                trace.AddTrack(pid.empty() ? std::string("GIL") : "GIL " + pid, TrackKind::Gil, process);
            for (size_t h = 0; h < gil.size(); ++h) {
                Span s;
                s.start = gil[h].start;
                s.end = gil[h].end;
                s.track = gilTrack;
                s.cause = gil[h].holder;
                s.state = SpanState::HoldingGil;
                trace.spans.push_back(s);
                if (h > 0 && gil[h - 1].holder != gil[h].holder)
                    trace.instants.push_back(
                        {gil[h].start, gil[h].holder, InstantKind::GilHandoff, gil[h - 1].holder, TaskId::None()});
            }
        }
        for (size_t i : members[p])
            AddThreadSpans(parsed[i], gil, trace);
    }
    trace.Finish();
    ComputeMetrics(trace);
    out = std::move(trace);
    return true;
}

bool FromGeckoJson(std::string_view text, Trace& out, std::string& error) {
    json doc;
    std::string why;
    if (!jsonio::ParseBoundedJson(text, doc, why, TraceJsonLimits(), "the profile")) {
        error = "gecko profile: " + why;
        return false;
    }
    return FromGeckoDocument(doc, out, error);
}

}  // namespace interleave::trace
