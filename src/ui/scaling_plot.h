#pragma once
// [SECTION] Index
//   ScalingSeries ....... one line of the scaling plot: a model's makespan at 1..N workers
//   ScalingSummary ...... what the plot shows, in words
//   BuildScalingPicture . the plot as a Picture (ui/picture.h): one layout for the live Scaling tab (drawn with
//                         DrawPicture), its SVG and PNG, and the poster of an embed of that tab
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "ui/picture.h"

namespace interleave::ui {

// One line of the scaling plot: the makespan of one model at 1..N workers.
struct ScalingSeries {
    scenario::ModelKind model = scenario::ModelKind::Threads;
    std::vector<int32_t> workers;
    std::vector<int64_t> makespan;  // ns; < 0 while not computed (or failed)
};

// What the scaling plot shows, in words, from its own points: each line's makespan with one worker and at its
// best ("processes: 500.0 ms with 1 worker, at best 150.0 ms with 4 (3.33x faster)"), and the lines that lie on
// one another, which the plot cannot show (within 1% at every worker count: "threads and free_threaded
// coincide ..."). Lines without a computed point are left out; empty when none has one.
std::string ScalingSummary(const std::vector<ScalingSeries>& series);

// A series' colour: the colour of a state that model is known by, so the plot and the timelines agree.
uint32_t SeriesColor(scenario::ModelKind kind, Theme theme);

struct ScalingPlotView {
    float width = 760, height = 420;  // ImGui units (content scale 1 in a picture; the live view's at its own)
    Theme theme = Theme::Dark;
    int cores = 0;            // the machine's cores: a vertical line at that many workers (0: none)
    bool background = true;   // the picture's own background (the live view draws on its window's)
};

// The plot: a y axis of makespan from 0 (1-2-5 ticks), an x axis of workers 1..N, the cores line, each series as a
// line through its computed points (earlier series thicker, so a line under an identical one shows at its edges;
// each point's text says "threads x4: makespan 1.20 s") and a legend of the series. `plot` is the axes' rectangle
// (left, top, right, bottom). Empty (no items but the background) when no point is computed or the plot has no room.
struct ScalingPlot {
    Picture picture;
    float left = 0, top = 0, right = 0, bottom = 0;
    bool empty = true;
};
ScalingPlot BuildScalingPicture(const std::vector<ScalingSeries>& series,
                                const ScalingPlotView& view,
                                const TextMetrics& metrics);

}  // namespace interleave::ui
