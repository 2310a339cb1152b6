// Rows of the timeline. See lane_rows.h.
#include "ui/lane_rows.h"

namespace interleave::ui {

std::vector<LaneRow> GroupLaneRows(const trace::Trace& trace) {
    // Tracks in the trace's order: the simulator writes cores, GIL, processes, threads, tasks. Cores that never ran
    // anything share one row: a 4-core machine under the GIL shows two busy cores and one line saying the rest
    // stayed idle, not two empty lanes.
    const auto idleCore = [&](size_t t) {
        if (trace.tracks[t].kind != trace::TrackKind::Core) return false;
        for (const trace::Span& span : trace.SpansOf(trace::TrackId(t)))
            if (span.state != trace::SpanState::Idle) return false;
        return true;
    };
    // "Cores 2-3 idle" for plan::CoreLaneName's "Core 2" .. "Core 3"; other producers' names in full.
    const auto idleRange = [&](size_t first, size_t last) {
        const std::string &a = trace.tracks[first].name, &b = trace.tracks[last].name;
        if (a.rfind("Core ", 0) == 0 && b.rfind("Core ", 0) == 0)
            return std::string("Cores ").append(a.substr(5)).append("-").append(b.substr(5)).append(" idle");
        return std::string(a).append(" to ").append(b).append(" idle");
    };
    std::vector<LaneRow> rows;
    for (size_t t = 0; t < trace.tracks.size(); ++t) {
        LaneRow row{trace::TrackId(t), trace::TrackId(t), {}};
        if (idleCore(t)) {
            size_t last = t;
            while (last + 1 < trace.tracks.size() && idleCore(last + 1))
                ++last;
            row.last = trace::TrackId(last);
            row.label = last > t ? idleRange(t, last) : std::string(trace.tracks[t].name).append(" idle");
            t = last;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace interleave::ui
