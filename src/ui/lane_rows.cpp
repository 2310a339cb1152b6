// Rows of the timeline. See lane_rows.h.
#include "ui/lane_rows.h"

#include <algorithm>
#include <cmath>

namespace interleave::ui {

std::vector<trace::TrackId> TracksInTreeOrder(const trace::Trace& trace) {
    // Children by parent, each list in the trace's order; a track whose parent is missing, or comes after it (a
    // broken trace), is a root, so every track appears once and no cycle can loop.
    const size_t n = trace.tracks.size();
    std::vector<std::vector<trace::TrackId>> children(n);
    std::vector<trace::TrackId> roots;
    for (size_t t = 0; t < n; ++t) {
        const trace::TrackId parent = trace.tracks[t].parent;
        if (parent.Valid() && parent.Index() < t)
            children[parent.Index()].push_back(trace::TrackId(t));
        else
            roots.push_back(trace::TrackId(t));
    }
    std::vector<trace::TrackId> order;
    order.reserve(n);
    std::vector<trace::TrackId> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {  // depth first, without recursion (a trace may nest deeply)
        const trace::TrackId t = stack.back();
        stack.pop_back();
        order.push_back(t);
        const auto& below = children[t.Index()];
        stack.insert(stack.end(), below.rbegin(), below.rend());
    }
    return order;
}

std::vector<LaneRow> GroupLaneRows(const trace::Trace& trace) {
    // Tracks as a tree, each under its parent (a pool worker's children under the worker, though the run made
    // their lanes after every worker's), otherwise in the trace's order: the simulator writes cores, GIL,
    // processes, threads, tasks. Cores that never ran anything share one row: a 4-core machine under the GIL shows
    // two busy cores and one line saying the rest stayed idle, not two empty lanes.
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
    const std::vector<trace::TrackId> order = TracksInTreeOrder(trace);
    std::vector<LaneRow> rows;
    for (size_t i = 0; i < order.size(); ++i) {
        const auto t = order[i].Index();
        LaneRow row{trace::TrackId(t), trace::TrackId(t), {}};
        if (idleCore(t)) {
            // A run of idle cores: consecutive in the order and in the trace (a row stands for first..last).
            size_t last = t;
            while (i + 1 < order.size() && order[i + 1].Index() == last + 1 && idleCore(last + 1)) {
                ++last;
                ++i;
            }
            row.last = trace::TrackId(last);
            row.label = last > t ? idleRange(t, last) : std::string(trace.tracks[t].name).append(" idle");
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<ShownRow> ShowLaneRows(const trace::Trace& trace,
                                   const std::vector<LaneRow>& rows,
                                   const std::vector<bool>& collapsed) {
    // Depths by the tree's rule (TracksInTreeOrder): a parent that is missing or comes later makes a root.
    const size_t n = trace.tracks.size();
    std::vector<int> depth(n, 0);
    for (size_t t = 0; t < n; ++t) {
        const trace::TrackId parent = trace.tracks[t].parent;
        if (parent.Valid() && parent.Index() < t) depth[t] = depth[parent.Index()] + 1;
    }
    const auto depthOf = [&](const LaneRow& row) {
        return row.first.Valid() && row.first.Index() < n ? depth[row.first.Index()] : 0;
    };
    const auto isCollapsed = [&](const LaneRow& row) {
        return row.first.Valid() && row.first.Index() < collapsed.size() && collapsed[row.first.Index()];
    };
    std::vector<ShownRow> shown;
    shown.reserve(rows.size());
    for (size_t i = 0; i < rows.size();) {
        ShownRow out;
        out.row = rows[i];
        out.depth = depthOf(rows[i]);
        size_t end = i + 1;  // rows are depth first: the members are the deeper rows that follow
        while (end < rows.size() && depthOf(rows[end]) > out.depth)
            ++end;
        out.members = int(end - i - 1);
        out.collapsed = out.members > 0 && isCollapsed(rows[i]);
        if (out.collapsed) {
            for (size_t j = i + 1; j < end; ++j)
                for (int32_t t = rows[j].first.value; t <= rows[j].last.value; ++t)
                    out.hidden.push_back(trace::TrackId(t));
            shown.push_back(std::move(out));
            i = end;
        } else {
            shown.push_back(std::move(out));
            ++i;
        }
    }
    return shown;
}

std::vector<int32_t> RowOfTrack(const trace::Trace& trace, const std::vector<ShownRow>& shown) {
    std::vector<int32_t> rowOf(trace.tracks.size(), -1);
    const auto set = [&](trace::TrackId t, size_t row) {
        if (t.Valid() && t.Index() < rowOf.size()) rowOf[t.Index()] = int32_t(row);
    };
    for (size_t r = 0; r < shown.size(); ++r) {
        for (int32_t t = shown[r].row.first.value; t <= shown[r].row.last.value; ++t)
            set(trace::TrackId(t), r);
        for (const trace::TrackId t : shown[r].hidden)
            set(t, r);
    }
    return rowOf;
}

std::vector<trace::TrackId> RowTracks(const ShownRow& row) {
    std::vector<trace::TrackId> tracks;
    for (int32_t t = row.row.first.value; t <= row.row.last.value; ++t)
        tracks.push_back(trace::TrackId(t));
    tracks.insert(tracks.end(), row.hidden.begin(), row.hidden.end());
    return tracks;
}

std::vector<bool> TracksFlaggedByName(const trace::Trace& trace, const std::vector<std::string>& names) {
    std::vector<bool> flagged(trace.tracks.size(), false);
    for (size_t t = 0; t < flagged.size(); ++t)
        flagged[t] = std::find(names.begin(), names.end(), trace.tracks[t].name) != names.end();
    return flagged;
}

float DepthIndent(int depth) {
    return depth <= 0 ? 0.0f : 8.0f + 6.0f * float(std::min(depth, 3) - 1);
}

float TriangleRoom(float fontSize) {
    return std::round(fontSize * 0.5f) + 3.0f;
}

std::string RowName(const std::string& name, const ShownRow& row) {
    return row.collapsed ? name + " (+" + std::to_string(row.members) + ")" : name;
}

GroupTriangle GroupTriangleAt(float x, float midY, float room, bool collapsed) {
    const float s = room - 4, cx = x + s * 0.5f;
    if (collapsed) return {cx - s * 0.3f, midY - s * 0.5f, cx - s * 0.3f, midY + s * 0.5f, cx + s * 0.5f, midY};
    return {cx - s * 0.5f, midY - s * 0.3f, cx + s * 0.5f, midY - s * 0.3f, cx, midY + s * 0.5f};
}

}  // namespace interleave::ui
