#pragma once
// Which rows a trace's tracks take on the timeline: one row per track, except that cores which never ran anything
// share one row ("Cores 2-3 idle"). Pure (no ImGui), so the live view and the exported pictures (ui/picture.h) can
// both read it. The live view (TimelineController::AddSection) still has its own copy of this rule, written before
// this file: it should call this instead (docs/pictures.md, "Shared with the live view").
#include <string>
#include <vector>

#include "trace/trace.h"

namespace interleave::ui {

struct LaneRow {
    trace::TrackId first = 0;  // the row's track (the first of a run of idle cores)
    trace::TrackId last = 0;   // the last track the row stands for (== first unless idle cores share it)
    std::string label;         // the row's label when it is not the track's name ("Cores 2-3 idle", "Core 1 idle")
};

// The rows of `trace`, in track order.
std::vector<LaneRow> GroupLaneRows(const trace::Trace& trace);

}  // namespace interleave::ui
