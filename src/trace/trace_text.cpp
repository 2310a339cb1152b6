// A trace as readable text (trace_text.h).
#include "trace/trace_text.h"

#include <algorithm>
#include <cinttypes>
#include <initializer_list>
#include <string_view>
#include <cstdio>
#include <numeric>
#include <vector>

namespace interleave::trace {

namespace {

// Pieces appended in order (GCC 12 at -O3 warns falsely, -Wrestrict, on `"literal" + std::string`).
std::string Join(std::initializer_list<std::string_view> pieces) {
    size_t size = 0;
    for (std::string_view piece : pieces) size += piece.size();
    std::string out;
    out.reserve(size);
    for (std::string_view piece : pieces) out.append(piece);
    return out;
}

// "12.500000" (ms, exact to the nanosecond); negative times keep their sign.
std::string Ms(TimeNs ns) {
    char out[48];
    const uint64_t magnitude = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
    std::snprintf(out, sizeof out, "%s%" PRIu64 ".%06" PRIu64, ns < 0 ? "-" : "", magnitude / 1'000'000,
                  magnitude % 1'000'000);
    return out;
}

std::string TrackName(const Trace& t, TrackId id) {
    if (id == TrackId::None()) return "-";
    if (!id.Valid() || id.Index() >= t.tracks.size()) return Join({"#", std::to_string(id.value)});
    return t.tracks[id.Index()].name;
}

std::string TaskName(const Trace& t, TaskId id) {
    if (id == TaskId::None()) return "-";
    if (!id.Valid() || id.Index() >= t.tasks.size()) return Join({"#", std::to_string(id.value)});
    return t.tasks[id.Index()].name;
}

}  // namespace

std::string ToText(const Trace& t) {
    std::string out;
    out.reserve(64 * (t.spans.size() + t.instants.size() + t.tasks.size() + t.tracks.size()) + 256);
    auto line = [&](const std::string& text) { out.append(text).append("\n"); };

    line(Join({"trace ", t.label, " (", t.producer, ")"}));
    line(Join({"makespan ", Ms(t.metrics.makespan), " ms, ", std::to_string(t.tracks.size()), " lanes, ",
               std::to_string(t.spans.size()), " spans, ", std::to_string(t.instants.size()), " instants, ",
               std::to_string(t.tasks.size()), " tasks"}));
    const Metrics& m = t.metrics;
    line(Join({"waits (ms): gil ", Ms(m.gilWait), ", core ", Ms(m.coreWait), ", lock ", Ms(m.lockWait),
               "; gil switches ", std::to_string(m.gilSwitches), ", drop requests ", std::to_string(m.dropRequests),
               "; tasks done ", std::to_string(m.tasksDone), ", failed ", std::to_string(m.tasksFailed),
               ", cancelled ", std::to_string(m.tasksCancelled)}));
    for (const auto& [name, value] : m.counters) line(Join({"counter ", name, " = ", std::to_string(value)}));

    line("");
    line("tasks (submitted, started, finished; ms)");
    for (const TaskRecord& task : t.tasks)
        line(Join({"  ", task.name, "  ", Ms(task.submitted), "  ", Ms(task.started), "  ", Ms(task.finished),
                   task.failed ? "  failed" : "", task.cancelled ? "  cancelled" : ""}));

    // Spans lane by lane (lanes in their order), each lane's in time order.
    std::vector<size_t> order(t.spans.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const Span& x = t.spans[a];
        const Span& y = t.spans[b];
        if (x.track != y.track) return x.track < y.track;
        return x.start != y.start ? x.start < y.start : x.end < y.end;
    });
    size_t next = 0;
    for (size_t lane = 0; lane < t.tracks.size(); ++lane) {
        const Track& track = t.tracks[lane];
        line("");
        line(Join({"lane ", track.name, " (", TrackKindName(track.kind), track.parent != TrackId::None() ? ", in " : "",
                   track.parent != TrackId::None() ? TrackName(t, track.parent) : std::string(), ")"}));
        while (next < order.size() && t.spans[order[next]].track < static_cast<TrackId>(lane)) ++next;
        for (; next < order.size() && t.spans[order[next]].track == static_cast<TrackId>(lane); ++next) {
            const Span& span = t.spans[order[next]];
            std::string text = Join({"  ", Ms(span.start), " .. ", Ms(span.end), "  ", SpanStateName(span.state)});
            if (span.task != TaskId::None()) text.append("  ").append(TaskName(t, span.task));
            if (span.cause != TrackId::None()) text.append("  <- ").append(TrackName(t, span.cause));
            line(text);
        }
    }
    // Spans on lanes that do not exist (a broken trace): listed, never dropped.
    for (const Span& span : t.spans)
        if (!span.track.Valid() || span.track.Index() >= t.tracks.size())
            line(Join({"  on missing lane ", TrackName(t, span.track), ": ", Ms(span.start), " .. ", Ms(span.end)}));

    line("");
    line("instants");
    std::vector<size_t> marks(t.instants.size());
    std::iota(marks.begin(), marks.end(), size_t{0});
    std::stable_sort(marks.begin(), marks.end(),
                     [&](size_t a, size_t b) { return t.instants[a].time < t.instants[b].time; });
    for (size_t i : marks) {
        const Instant& mark = t.instants[i];
        std::string text = Join({"  ", Ms(mark.time), "  ", InstantKindName(mark.kind), "  on ", TrackName(t, mark.track)});
        if (mark.task != TaskId::None()) text.append("  ").append(TaskName(t, mark.task));
        if (mark.cause != TrackId::None()) text.append("  <- ").append(TrackName(t, mark.cause));
        line(text);
    }
    // Counter samples (a queue's depth), only where there are some: traces without them read as before.
    if (!t.samples.empty()) {
        line("");
        line("samples");
        std::vector<size_t> byLane(t.samples.size());
        std::iota(byLane.begin(), byLane.end(), size_t{0});
        std::stable_sort(byLane.begin(), byLane.end(), [&](size_t a, size_t b) {
            const CounterSample &x = t.samples[a], &y = t.samples[b];
            return x.track != y.track ? x.track < y.track : x.time < y.time;
        });
        for (size_t i : byLane) {
            const CounterSample& sample = t.samples[i];
            line(Join({"  ", Ms(sample.time), "  ", TrackName(t, sample.track), " = ", std::to_string(sample.value)}));
        }
    }
    return out;
}

}  // namespace interleave::trace
