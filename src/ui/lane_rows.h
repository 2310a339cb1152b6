#pragma once
// Which rows a trace's tracks take on the timeline: one row per track, except that cores which never ran anything
// share one row ("Cores 2-3 idle"). Pure (no ImGui), so the live view and the exported pictures (ui/picture.h) can
// both read it.
#include <string>
#include <vector>

#include "trace/trace.h"

namespace interleave::ui {

struct LaneRow {
    trace::TrackId first = 0;  // the row's track (the first of a run of idle cores)
    trace::TrackId last = 0;   // the last track the row stands for (== first unless idle cores share it)
    std::string label;         // the row's label when it is not the track's name ("Cores 2-3 idle", "Core 1 idle")
};

// Every track once, depth first: each root in the trace's order followed by its descendants (children in the
// trace's order under their parent).
std::vector<trace::TrackId> TracksInTreeOrder(const trace::Trace& trace);

// The rows of `trace`, in that order. The live view (TimelineController::AddSection) and the pictures both read it.
std::vector<LaneRow> GroupLaneRows(const trace::Trace& trace);

}  // namespace interleave::ui
