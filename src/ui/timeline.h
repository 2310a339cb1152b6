#pragma once
// [SECTION] Index
//   TimelineContext ..... the per-frame value: visible range, scale, theme, selection, playback cursor
//   TimelineItem ........ one row: one track of one trace; preprocesses its visible spans into DrawCmds
//   TimelineController .. owns the rows of one or more traces (Compare stacks several on one time
//                         axis), draws the minimap (timeline_minimap.h), the axis, the labels and the lanes
//                         (groups collapse: lane_rows.h) and the causality arrows over them
//                         (timeline_arrows.h), and turns the mouse into zoom, pan, range selection, hover
//                         tooltips and task selection
//
// After Tracy's TimelineController / TimelineItem / TimelineContext. Each frame first preprocesses the
// visible rows into draw commands (timeline_lod.h, a pure function), then draws them.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "trace/trace.h"
#include "ui/lane_rows.h"
#include "ui/picture.h"
#include "ui/timeline_arrows.h"
#include "ui/timeline_gpu.h"
#include "ui/timeline_lod.h"
#include "ui/timeline_math.h"
#include "ui/timeline_minimap.h"
#include "ui/view_state.h"

struct ImDrawList;
struct ImVec2;

namespace interleave::ui {

struct TimelineContext {
    TimeRange range;    // visible, ns
    float widthPx = 0;  // of the lanes (without the label column)
    double pxPerNs = 0;
    Theme theme = Theme::Dark;
    trace::TaskId selectedTask;  // highlighted in every lane
    double cursorTime = -1;  // playback cursor, ns; < 0: none
};

class TimelineItem {
public:
    explicit TimelineItem(trace::TrackId track) : m_track(track) {}
    trace::TrackId Track() const { return m_track; }
    // The row's label when it is not the track's name ("Cores 2-3 idle": idle cores share one row).
    const std::string& Label() const { return m_label; }
    void SetLabel(std::string label) { m_label = std::move(label); }
    // Replaces the commands with those of the visible spans and instants of this track.
    void Preprocess(const trace::Trace& trace, const TimelineContext& ctx);
    // Builds the search index of this track's spans (once per trace: AddSection does it).
    void BuildIndex(const trace::Trace& trace);
    const SpanIndex& Index() const { return m_index; }
    const std::vector<DrawCmd>& Commands() const { return m_cmds; }
    const std::vector<InstantMark>& Marks() const { return m_marks; }
    // A counter lane's bars and its largest value over the whole trace (the lane's scale, steady while zooming).
    const std::vector<CounterBar>& Bars() const { return m_bars; }
    int64_t CounterMax() const { return m_counterMax; }
    std::vector<trace::Instant>& Instants() { return m_instants; }
    const std::vector<trace::Instant>& Instants() const { return m_instants; }

private:
    trace::TrackId m_track;
    std::string m_label;
    SpanIndex m_index;
    std::vector<DrawCmd> m_cmds;
    std::vector<trace::Instant> m_instants;  // this track's, by time (copied once per section)
    std::vector<InstantMark> m_marks;
    std::vector<CounterBar> m_bars;
    int64_t m_counterMax = 0;
};

class TimelineController {
public:
    // Rows: one section per trace (a header row, then one row per track). The traces must outlive the
    // controller's use of them; call Clear() before they go.
    void Clear();
    void AddSection(std::string title, const trace::Trace* trace);
    size_t Sections() const { return m_sections.size(); }
    // The sections as a picture of this view draws them (ui/picture.h): each one's title and trace, and under a lane
    // filter the lanes it names in that section (all of them where it names none, as Draw shows them).
    std::vector<PictureSection> PictureSections() const;

    // Draws the whole timeline into `size` at the cursor: a strip with the arrows' toggle ("causes") and the minimap of
    // the whole run (a click or a drag on it moves the view there), the axis, the labels (a group's triangle, or a tap
    // on its name, collapses or expands it), the lanes and the causality arrows over them. Applies the mouse: wheel
    // zooms around the cursor, drag pans, shift-drag or right-drag zooms to the dragged range, a click on a span
    // selects its task (again: clears). `range` and `selectedTask` are updated.
    void Draw(const char* id,
              const ImVec2& size,
              TimeRange& range,
              trace::TaskId& selectedTask,
              Theme theme,
              double cursorTime);

    // From the last Draw: the tooltip text under the mouse ("" if none), the lanes' screen rectangle
    // (x, y, w, h), and the number of draw commands built (for the bench and tests).
    const std::string& Tooltip() const { return m_tooltip; }
    const std::array<float, 4>& LanesRect() const { return m_lanesRect; }
    size_t CommandsLastFrame() const { return m_commands; }
    // How many lanes the last Draw handed to the GPU renderer (ActiveTimelineRenderer(); 0 on the CPU path).
    size_t GpuLanesLastFrame() const { return m_gpuLanes; }
    // The labels of the rows drawn in the last Draw, as shown (shortened to fit), top to bottom: for the tests.
    std::vector<std::string> ShownLabels() const;
    // The time extent of every section's trace.
    int64_t EndTime() const;

    // The causality arrows (drop requests, hand-offs, lock wakes, resumes): shown or not (the strip's "causes" box).
    bool ShowArrows() const { return m_showArrows; }
    void SetShowArrows(bool show) { m_showArrows = show; }
    // The arrows drawn in the last Draw (after folding), for the tests.
    const std::vector<Arrow>& ArrowsLastFrame() const { return m_arrowsShown; }
    // Collapses or expands the group whose header is `track`'s row in section `section` (the rows change at once).
    // A track with no lanes under it keeps the flag, but its row stays as it is. Groups are remembered by name across
    // Clear(): a run simulated again (an edited scenario) shows the groups of those names collapsed still.
    void SetCollapsed(size_t section, trace::TrackId track, bool collapsed);
    bool Collapsed(size_t section, trace::TrackId track) const;
    // The names of the groups collapsed, in the order they were folded (kept across Clear()): what a share link holds.
    const std::vector<std::string>& CollapsedGroups() const { return m_collapsedNames; }
    // Collapses exactly the groups named (by track name) and expands every other; a name no lane has now is kept for
    // the traces that come later.
    void SetCollapsedGroups(std::vector<std::string> names);
    // The G key: folds every group of every section when any of them is open, else opens them all. Returns whether
    // they are folded now (false when there is no group).
    bool ToggleEveryGroup();
    // The rows drawn in the last Draw, top to bottom, with their label's screen rectangle (x, y, w, h): for the tests,
    // which click a group's name.
    struct DrawnRow {
        std::string label;  // as shown (ShownLabels())
        std::array<float, 4> rect{0, 0, 0, 0};
        int members = 0;  // > 0: a group of that many rows
        bool collapsed = false;
    };
    const std::vector<DrawnRow>& DrawnRows() const { return m_drawnRows; }
    // The section headers drawn in the last Draw: their title as shown (cut in the middle when wider than the view) and
    // the header's screen rectangle.
    struct DrawnTitle {
        std::string shown;
        std::array<float, 4> rect{0, 0, 0, 0};
    };
    const std::vector<DrawnTitle>& DrawnTitles() const { return m_drawnTitles; }
    // The strip's widgets in the last Draw (x, y, w, h): the arrows' "causes" box and the minimap.
    const std::array<float, 4>& CausesRect() const { return m_causesRect; }
    const std::array<float, 4>& MinimapRect() const { return m_minimapRect; }
    // The rows (section headers included) as they are now.
    size_t Rows() const { return m_rows.size(); }
    // Shows only the lanes `lanes` names (a story step's: ui/story_view.h's TracksNamed) in every section, or every
    // lane when it is empty. A section where the names match nothing shows all its lanes.
    void SetLaneFilter(std::vector<std::string> lanes);
    const std::vector<std::string>& LaneFilter() const { return m_laneFilter; }

private:
    // A trace's spans on the GPU (timeline_gpu.h): uploaded once, released when the section goes.
    struct GpuTrace {
        TimelineRenderer* renderer = nullptr;  // the one that holds the buffer
        uint64_t buffer = 0;                   // 0: the upload failed; this trace draws on the CPU
        std::vector<uint32_t> laneFirst;       // per track, its first instance in the buffer
        GpuTrace() = default;
        GpuTrace(const GpuTrace&) = delete;
        GpuTrace& operator=(const GpuTrace&) = delete;
        ~GpuTrace();
    };
    struct Section {
        std::string title;
        const trace::Trace* trace = nullptr;
        std::vector<TimelineItem> items;
        std::shared_ptr<GpuTrace> gpu;
        std::vector<LaneRow> lanes;       // GroupLaneRows: every row, expanded
        std::vector<ShownRow> all;        // those rows with their depths and groups, none collapsed
        std::vector<bool> collapsed;      // by track id
        void CollapseNamed(const std::vector<std::string>& names);  // `collapsed` from group names
        std::vector<ShownRow> shown;      // the rows shown now
        std::vector<int32_t> rowOfTrack;  // by track id: its row in m_rows (a collapsed group's), or -1
        CausalLinks links;                // built once per trace
    };
    struct Row {
        int32_t section;
        int32_t item;   // -1: the section's header
        int32_t shown;  // its index in the section's `shown` rows (-1: the header)
    };
    void RebuildRows();
    void DrawStrip(const TimelineContext& ctx,
                   const ImVec2& origin,
                   float labelW,
                   float lanesX,
                   float stripH,
                   TimeRange& range);
    void DrawArrows(ImDrawList* draw,
                    const TimelineContext& ctx,
                    float lanesX,
                    float top,
                    float bottom,
                    float rowsTop,
                    float laneH,
                    bool hovered);
    void DrawSummary(ImDrawList* draw,
                     const Section& section,
                     const ShownRow& row,
                     const TimelineContext& ctx,
                     float x,
                     float y,
                     float h,
                     bool hovered,
                     float mx);
    void DrawAxis(ImDrawList* draw, const TimelineContext& ctx, float x, float y, float h);
    void DrawLane(ImDrawList* draw,
                  const Section& section,
                  const TimelineItem& item,
                  const TimelineContext& ctx,
                  float x,
                  float y,
                  float h,
                  TimelineRenderer* gpu);
    // The section's spans on `gpu`, uploaded on first use: null when there is no renderer or the upload failed.
    const GpuTrace* GpuTraceOf(Section& section, TimelineRenderer* gpu);
    void DrawCounter(ImDrawList* draw, const TimelineItem& item, const TimelineContext& ctx, float x, float y, float h);
    void DrawMarks(ImDrawList* draw, const TimelineItem& item, const TimelineContext& ctx, float x, float y);

    std::vector<Section> m_sections;
    std::vector<Row> m_rows;
    std::vector<DrawnRow> m_drawnRows;
    std::vector<DrawnTitle> m_drawnTitles;
    std::array<float, 4> m_causesRect{0, 0, 0, 0};
    std::array<float, 4> m_minimapRect{0, 0, 0, 0};
    std::string m_tooltip;
    std::array<float, 4> m_lanesRect{0, 0, 0, 0};
    size_t m_commands = 0;
    size_t m_gpuLanes = 0;
    std::vector<SpanInstance> m_streamed;  // scratch: a dense lane's level-of-detail commands for the GPU
    float m_labelWidth = -1;               // of the label column, measured once per set of sections
    bool m_showArrows = true;
    std::vector<std::string> m_collapsedNames;  // the groups collapsed, by track name (kept across Clear())
    std::vector<std::string> m_laneFilter;      // SetLaneFilter's names (kept across Clear())
    std::vector<Arrow> m_arrows;                // scratch: one section's folded arrows
    std::vector<Arrow> m_arrowsShown;           // every section's, as drawn in the last frame (rows: m_rows)
    Minimap m_minimap;                          // of every section's trace, built when they change
    bool m_minimapStale = true;
    bool m_selecting = false;
    float m_selectStartX = 0;
};

// Which span states occur in any of `traces` (every state if there are none). O(spans): compute it
// once per set of traces, not every frame.
using StateSet = std::array<bool, size_t(trace::SpanState::Count)>;
StateSet StatesPresent(const std::vector<const trace::Trace*>& traces);
// A row of swatches naming the states in `present`, each in the state's colour and pattern (timeline_patterns.h),
// so the legend can be read without colour too.
void DrawLegend(const StateSet& present, Theme theme);

}  // namespace interleave::ui
