#pragma once
// [SECTION] Index
//   PictureView ..... what to draw: a time range, which lanes, the size, the theme
//   Picture ......... the drawing as shapes (rectangles, triangles, text) in draw order, platform-free
//   PictureSection .. one trace drawn under its own header row (a run, a pinned run, an opened file, a compared model)
//   BuildPicture .... traces + view -> Picture, with the live timeline's layout and decisions
//   DrawPicture ..... a Picture onto an ImGui draw list (the PNG's rasteriser and the live scaling plot draw this way)
//   Text metrics .... the UI font's widths (from the ImGui context) or any other measure (tests)
//
// One picture, two outputs: ui/svg_writer.h writes it as SVG (one element per visible span or folded run, text as
// text) and ui/soft_raster.h rasterises it to a PNG through headless Dear ImGui with the app's own fonts. The
// layout follows TimelineController::Draw at content scale 1 (axis, a header row with the run's title, one row per
// lane with its fitted name, spans folded by the same level-of-detail step, counter lanes, instant marks) and adds
// the legend below the lanes. docs/pictures.md describes it.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"
#include "ui/timeline_math.h"
#include "ui/view_state.h"

struct ImDrawList;
struct ImFont;

namespace interleave::ui {

// Bounds on a picture's size in pixels (ImGui units): a PNG of 8192 x 8192 is 256 MiB of RGBA while it is drawn.
inline constexpr int kMinPictureSide = 64;
inline constexpr int kMaxPictureSide = 8192;

struct PictureView {
    TimeRange range{0, 0};               // ns; empty (t1 <= t0): the whole run, as "zoom to fit" shows it
    std::vector<trace::TrackId> tracks;  // the lanes to draw (drawn in trace order); empty: every lane
    std::vector<bool> collapsed;         // by track id: the groups folded into one summary row (ids past its end: not)
    float width = 1280;
    float lanesWidth = 0;  // > 0: the lanes this wide instead (the width follows: the label column, the
                           // lanes and a margin), so spans fold exactly as in a live view that wide
    float height = 0;      // 0: as tall as the lanes and the legend need; else exactly (lanes that do
                           // not fit are cut, as the live view's would scroll)
    Theme theme = Theme::Dark;
    std::string title;      // the header row's text; "" = the trace's label and its makespan (one trace only)
    trace::TaskId selectedTask;  // outlined in every lane, as in the live view
    bool legend = true;
    bool arrows = true;  // the causality arrows over the lanes (ui/timeline_arrows.h), as the live view's "causes" box
};

// Line: (x0, y0)-(x1, y1), x2 thick, dashed every y2 along it (60% drawn) when y2 > 0. Disc: centred on (x0, y0),
// x2 across.
enum class PictureShape : uint8_t { Rect, Triangle, Text, Line, Disc };
// What a shape stands for: the SVG writer groups and classes by it, tests count by it.
enum class PictureRole : uint8_t {
    Background,
    AxisBg,
    Tick,
    TickLabel,
    Header,
    HeaderText,
    LaneBg,
    LaneLabel,
    Span,     // one span drawn as itself (state set)
    Fold,     // a folded run of spans (state: the first window's; drawn translucent with a solid middle band)
    Outline,  // the selected task's outline (a rectangle's border, 2 px)
    SpanText,
    CounterBar,
    CounterPeak,
    CounterTextBg,
    CounterText,
    Mark,
    GroupMark,  // a group's triangle before its name: down when expanded, right when collapsed
    Summary,    // a collapsed group's summary bar: as tall as the share of its lanes busy, in their commonest state
    LegendBox,
    LegendText,
    // A plot (the scaling view: ui/scaling_plot.h): its axes, grid lines, a series' line and its points (a point's
    // text says what it is: the live view's tooltip, the SVG's <title>) each on a halo, and other text (axis names,
    // legend).
    // A causality arrow (ui/timeline_arrows.h): the halo in the window's colour under it, its line (dashed for a drop
    // request: several), its head at the effect, its dot at the cause.
    ArrowHalo,
    ArrowLine,
    ArrowHead,
    ArrowDot,
    PlotAxis,
    PlotGrid,
    PlotHalo,  // in the plot's background colour under each line and point: a line drawn on an identical one shows
    PlotLine,
    PlotPoint,
    PlotKey,  // a series' swatch in the plot's legend
    PlotText,
};

// Whether an item of `role` is a rectangle filled with its state's colour and pattern (ui/timeline_patterns.h).
inline bool IsPatterned(PictureRole role) {
    return role == PictureRole::Span || role == PictureRole::Summary || role == PictureRole::LegendBox;
}

struct PictureItem {
    PictureShape shape = PictureShape::Rect;
    PictureRole role = PictureRole::Background;
    // Rect: corners (x0, y0)-(x1, y1); for spans and legend swatches x2 is the x their pattern is anchored at
    // (ui/timeline_patterns.h), as the live view anchors it. Triangle: (x0, y0), (x1, y1), (x2, y2). Text: top-left
    // (x0, y0) as ImGui places it, clipped at x1 (a span's label is already fitted to x1: whole words and an
    // ellipsis, FitSpanLabel).
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    uint32_t color = 0;  // ImGui's packed ABGR (IM_COL32), alpha included
    trace::SpanState state = trace::SpanState::Idle;
    std::string text;
};

struct Picture {
    float width = 0, height = 0;
    float fontSize = 15;  // ImGui units: ascender to descender of the UI font
    float ascent = 12;    // the baseline's distance below a text's top
    Theme theme = Theme::Dark;
    uint32_t background = 0;  // opaque
    std::vector<PictureItem> items;
    size_t Count(PictureRole role) const;
};

// The text measure the layout fits names with: the line height (ImGui's font size), the ascent and the width of a
// string. UiTextMetrics() measures with the UI face (ui/fonts.h) of the current ImGui context at content scale 1.
struct TextMetrics {
    float size = 15;
    float ascent = 12;
    std::function<float(std::string_view)> width;
};
TextMetrics UiTextMetrics();
// The current window's font at its current size (content scale included): what a live view lays out with.
TextMetrics CurrentTextMetrics();

// One section of a picture: a header row with `title`, then the lanes of `trace`, as the live timeline stacks a run,
// a real run, a pinned run and opened files, or the Compare tab its models.
struct PictureSection {
    const trace::Trace* trace = nullptr;  // null: the header alone (a compared model whose run failed)
    std::string title;                    // "" = the trace's label and its makespan
    std::vector<trace::TrackId> tracks;   // the lanes to draw; empty: every lane
    std::vector<bool> collapsed;          // by track id: the groups folded into one summary row, as the live view's
};

// The picture of `trace` as `view` asks. Tracks out of range in view.tracks are ignored; a view with no lanes left
// still draws the axis and the legend. Work is bounded by the width (the level-of-detail step) times the lanes.
Picture BuildPicture(const trace::Trace& trace, const PictureView& view, const TextMetrics& metrics);
// The sections one under another on one time axis (view.range; empty: every section's whole run), with one label
// column as wide as the widest section's names and one legend of every state drawn. view.tracks and view.title are
// not read: each section has its own.
Picture BuildPicture(const std::vector<PictureSection>& sections, const PictureView& view, const TextMetrics& metrics);

// The colours the live view takes from ImGui's style, opaque over the window (ImGui's style colours for the theme).
struct PictureColors {
    uint32_t background, text, faint, axisBg, laneBg, headerBg, windowBg, grid;
};
PictureColors ColorsFor(Theme theme);

// Draws `picture`'s items (all but its Background) onto `draw` with `origin` as the picture's (0, 0), text in `font`
// at the picture's fontSize: the shapes exactly as the live views draw them (patterns, folds, outlines).
void DrawPicture(ImDrawList* draw, const Picture& picture, float originX, float originY, ImFont* font);
// A line from (x0, y0) to (x1, y1), `thick` wide, dashed every `dash` px (60% drawn) when dash > 0: a picture's Line
// and the live view's arrows.
void DrawLine(ImDrawList* draw, float x0, float y0, float x1, float y1, uint32_t color, float thick, float dash);

}  // namespace interleave::ui
