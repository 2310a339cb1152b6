#pragma once
// Which rows a trace's tracks take on the timeline: one row per track, except that cores which never ran anything
// share one row ("Cores 2-3 idle"). Pure (no ImGui), so the live view and the exported pictures (ui/picture.h) can
// both read it.
#include <string>
#include <vector>

#include "trace/trace.h"

namespace interleave::ui {

struct LaneRow {
    trace::TrackId first{0};   // the row's track (the first of a run of idle cores)
    trace::TrackId last{0};    // the last track the row stands for (== first unless idle cores share it)
    std::string label;         // the row's label when it is not the track's name ("Cores 2-3 idle", "Core 1 idle")
};

// Every track once, depth first: each root in the trace's order followed by its descendants (children in the
// trace's order under their parent).
std::vector<trace::TrackId> TracksInTreeOrder(const trace::Trace& trace);

// The rows of `trace`, in that order. The live view (TimelineController::AddSection) and the pictures both read it.
std::vector<LaneRow> GroupLaneRows(const trace::Trace& trace);

// [SECTION] Groups that collapse
// A track with tracks under it (a process and its threads, a pool worker or a loop and its task lanes) is a group: its
// row gets a triangle, and collapsed, it stands alone for every row under it (one summary row).

struct ShownRow {
    LaneRow row;
    int depth = 0;                       // the row's track's depth in the track tree (0: a root)
    int members = 0;                     // rows under it in the tree (> 0: a group)
    bool collapsed = false;              // a group whose members are hidden: this row summarises them
    std::vector<trace::TrackId> hidden;  // collapsed: every track its hidden rows stand for, in row order
    bool Group() const { return members > 0; }
};

// Every track `row` draws: its own (first to last) and, collapsed, those it hides.
std::vector<trace::TrackId> RowTracks(const ShownRow& row);

// The rows shown of `rows` (GroupLaneRows(trace)) when the groups whose track is flagged in `collapsed` (by track id;
// ids past its end are expanded) are collapsed: a collapsed group's members are left out, however deep, and a group
// inside a collapsed one stays collapsed or not as flagged, for when it shows again.
std::vector<ShownRow> ShowLaneRows(const trace::Trace& trace,
                                   const std::vector<LaneRow>& rows,
                                   const std::vector<bool>& collapsed);

// Flags by track id: the tracks whose names are in `names` (the groups a share link or the live view keeps collapsed).
std::vector<bool> TracksFlaggedByName(const trace::Trace& trace, const std::vector<std::string>& names);

// [SECTION] A row's label, as the live view and the pictures draw it

// The label's indent for the row's depth in the track tree: 8 px for a child, 6 more per level below, up to three.
float DepthIndent(int depth);
// The room a group's triangle takes before its name, at font size `fontSize` (px).
float TriangleRoom(float fontSize);
// A collapsed group's label: its name and how many rows it hides ("MainProcess (+7)": the tail goes first when the
// column is narrow).
std::string RowName(const std::string& name, const ShownRow& row);
// A group's triangle in the `room` (TriangleRoom) left of its name, its box's left edge at `x`, centred on `midY`:
// pointing right when collapsed, down when expanded.
struct GroupTriangle {
    float x0, y0, x1, y1, x2, y2;
};
GroupTriangle GroupTriangleAt(float x, float midY, float room, bool collapsed);

// Per track of `trace`, the index in `shown` of the row that draws it (a hidden track: its collapsed group's row; a
// core sharing an idle row: that row), or -1 when none does.
std::vector<int32_t> RowOfTrack(const trace::Trace& trace, const std::vector<ShownRow>& shown);

}  // namespace interleave::ui
