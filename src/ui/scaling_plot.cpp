// The scaling plot. See scaling_plot.h.
#include "ui/scaling_plot.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "scenario/model_info.h"
#include "ui/theme.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

using scenario::ModelKind;

// A series takes the colour of what limits its model: the GIL for threads under it, Python on many cores for a pool
// of processes or interpreters, C-like parallel Python for threads without a GIL, waiting for the rest.
uint32_t SeriesColor(ModelKind kind, Theme theme) {
    const scenario::ModelInfo& model = scenario::Info(kind);
    if (model.threads) return StateColor(model.gil ? trace::SpanState::WaitingGil : trace::SpanState::RunningC, theme);
    if ((model.processPool || model.interpreterPool) && !model.eventLoop)
        return StateColor(trace::SpanState::RunningPython, theme);
    return StateColor(trace::SpanState::BlockedIo, theme);
}

ScalingPlot BuildScalingPicture(const std::vector<ScalingSeries>& series, const ScalingPlotView& view,
                                const TextMetrics& metrics) {
    ScalingPlot plot;
    Picture& pic = plot.picture;
    const PictureColors colors = ColorsFor(view.theme);
    pic.theme = view.theme;
    pic.fontSize = metrics.size;
    pic.ascent = metrics.ascent;
    pic.width = std::clamp(view.width, 1.0f, float(kMaxPictureSide));
    pic.height = std::clamp(view.height, 1.0f, float(kMaxPictureSide));
    pic.background = colors.background;
    const auto add = [&](PictureShape shape, PictureRole role, float x0, float y0, float x1, float y1, float x2,
                         uint32_t color, std::string text = {}) {
        PictureItem item;
        item.shape = shape;
        item.role = role;
        item.x0 = x0, item.y0 = y0, item.x1 = x1, item.y1 = y1, item.x2 = x2;
        item.color = color;
        item.text = std::move(text);
        pic.items.push_back(std::move(item));
    };
    const auto text = [&](PictureRole role, float x, float y, uint32_t color, std::string s) {
        add(PictureShape::Text, role, x, y, pic.width, y + metrics.size, 0, color, std::move(s));
    };
    if (view.background)
        add(PictureShape::Rect, PictureRole::Background, 0, 0, pic.width, pic.height, 0, colors.background);

    const float font = metrics.size;
    plot.left = font * 5, plot.right = pic.width - font;
    plot.top = font * 1.5f, plot.bottom = pic.height - font * 2.5f;
    const float left = plot.left, right = plot.right, top = plot.top, bottom = plot.bottom;
    int maxWorkers = 1;
    int64_t maxMakespan = 0;
    for (const ScalingSeries& s : series) {
        if (!s.workers.empty()) maxWorkers = std::max(maxWorkers, s.workers.back());
        for (int64_t v : s.makespan)
            maxMakespan = std::max(maxMakespan, v);
    }
    if (series.empty() || maxMakespan <= 0 || right - left < 20 || bottom - top < 20) return plot;
    plot.empty = false;

    // Axes: y = makespan from 0 with 1-2-5 ticks; x = workers 1..max.
    const TimeRange yRange{0, double(maxMakespan) * 1.1};
    const float plotH = bottom - top;
    const double yStep = TickStep(yRange, plotH, font * 2.5f);
    const auto X = [&](double w) {
        return left + float((w - 1) / std::max(1.0, double(maxWorkers - 1))) * (right - left);
    };
    const auto Y = [&](double ns) { return bottom - float(ns / yRange.t1) * plotH; };
    add(PictureShape::Line, PictureRole::PlotAxis, left, top, left, bottom, 1, colors.text);
    add(PictureShape::Line, PictureRole::PlotAxis, left, bottom, right, bottom, 1, colors.text);
    for (const Tick& t : MakeTicks(yRange, plotH, font * 2.5f)) {
        const float y = Y(t.time);
        add(PictureShape::Line, PictureRole::PlotGrid, left, y, right, y, 1, colors.grid);
        std::string label = FormatTickLabel(t.time, yStep);
        // Measured before the label is handed over: an argument's evaluation order is unspecified, and GCC moved the
        // label out first (a width of 0 drew every label over the axis).
        const float x = left - metrics.width(label) - 4;
        text(PictureRole::TickLabel, x, y - font * 0.5f, colors.text, std::move(label));
    }
    const int xStep = std::max(1, int(std::ceil(double(maxWorkers) * font * 2.5 / std::max(1.0f, right - left))));
    for (int w = 1; w <= maxWorkers; w += xStep) {
        const std::string label = std::to_string(w);
        const float x = X(w);
        add(PictureShape::Line, PictureRole::PlotAxis, x, bottom, x, bottom + 4, 1, colors.text);
        text(PictureRole::TickLabel, x - metrics.width(label) * 0.5f, bottom + 5, colors.text, label);
    }
    if (view.cores > 0) {
        const float coresX = X(view.cores);
        add(PictureShape::Line, PictureRole::PlotGrid, coresX, top, coresX, bottom, 2, colors.grid);
        // Right of its line, or left of it where the plot ends there (as many workers as cores).
        const float w = metrics.width("cores");
        text(PictureRole::PlotText, coresX + 3 + w > pic.width ? coresX - 3 - w : coresX + 3, bottom - font * 1.3f,
             colors.faint, "cores");
    }
    text(PictureRole::PlotText, (left + right) * 0.5f - font * 3, bottom + font * 1.2f, colors.text, "workers");
    text(PictureRole::PlotText, 0, 0, colors.text, "makespan");

    // Earlier lines drawn thicker, so a line hidden under an identical one still shows at its edges, and each line and
    // point on a halo of the background's colour, so the thinner line stands apart from the thicker one under it
    // even where their colours are alike (two series of similar colour, or a reader who cannot tell them apart).
    // Thickness in the picture's units: as many pixels as the live view draws at content scale 1.
    // Each line is 4 px thinner than the one before and its halo 1 px each side, so a line under an identical one shows
    // 1 px of its colour each side of the halo: threads, processes and free threads at 10, 6 and 2 px.
    const float unit = font / 15.0f;
    const float halo = 1.0f * unit;
    const float step = 4.0f * unit;
    float thickness = 2.0f * unit + step * float(series.size());
    float legendX = left + font;
    for (const ScalingSeries& s : series) {
        const uint32_t color = SeriesColor(s.model, view.theme);
        thickness -= step;
        const std::string name(scenario::ModelKindName(s.model));
        float prevX = 0, prevY = 0;
        bool havePrev = false;
        for (size_t i = 0; i < s.workers.size() && i < s.makespan.size(); ++i) {
            if (s.makespan[i] < 0) {
                havePrev = false;
                continue;
            }
            const float x = X(s.workers[i]), y = Y(double(s.makespan[i]));
            const uint32_t under = colors.background;
            if (havePrev) {
                add(PictureShape::Line, PictureRole::PlotHalo, prevX, prevY, x, y, thickness + 2 * halo, under);
                add(PictureShape::Line, PictureRole::PlotLine, prevX, prevY, x, y, thickness, color);
            }
            const float pointSize = thickness + 4.0f * unit;
            add(PictureShape::Disc, PictureRole::PlotHalo, x, y, 0, 0, pointSize + 2 * halo, under);
            add(PictureShape::Disc, PictureRole::PlotPoint, x, y, 0, 0, pointSize, color,
                std::string(name).append(" x").append(std::to_string(s.workers[i])).append(": makespan ")
                    .append(FormatTime(double(s.makespan[i]))));
            prevX = x, prevY = y;
            havePrev = true;
        }
        add(PictureShape::Rect, PictureRole::PlotKey, legendX, top + 4, legendX + font * 0.8f, top + 4 + font * 0.8f, 0,
            color);
        text(PictureRole::PlotText, legendX + font, top, colors.text, name);
        legendX += font * 1.5f + metrics.width(name);
    }
    return plot;
}

std::string ScalingSummary(const std::vector<ScalingSeries>& series) {
    const auto at = [](const ScalingSeries& s, int32_t workers) -> int64_t {
        for (size_t i = 0; i < s.workers.size() && i < s.makespan.size(); ++i)
            if (s.workers[i] == workers) return s.makespan[i];
        return -1;
    };
    const auto plural = [](int32_t n) { return std::to_string(n) + (n == 1 ? " worker" : " workers"); };
    std::string out;
    for (const ScalingSeries& s : series) {
        int64_t best = -1;
        int32_t bestWorkers = 0;
        for (size_t i = 0; i < s.workers.size() && i < s.makespan.size(); ++i) {
            if (s.makespan[i] < 0) continue;
            if (best < 0 || s.makespan[i] < best) {
                best = s.makespan[i];
                bestWorkers = s.workers[i];
            }
        }
        if (best < 0) continue;
        const int64_t one = at(s, 1);
        std::string line = std::string(scenario::ModelKindName(s.model)) + ": ";
        if (one <= 0) {
            line.append("at best ").append(FormatTime(double(best))).append(" with ").append(plural(bestWorkers));
        } else if (bestWorkers == 1) {
            line += FormatTime(double(one)) + " with 1 worker, and no faster with more";
        } else {
            const std::string speedup = scenario::FormatRatio(double(one) / double(best));
            line += FormatTime(double(one)) + " with 1 worker, at best " + FormatTime(double(best)) + " with " +
                    std::to_string(bestWorkers) + " (" + speedup + " faster)";
        }
        if (!out.empty()) out += "; ";
        out += line;
    }
    if (out.empty()) return out;
    out += ".";
    // Lines within 1% of each other at every worker count both computed (and at least one such count).
    for (size_t a = 0; a < series.size(); ++a) {
        for (size_t b = a + 1; b < series.size(); ++b) {
            int shared = 0;
            bool apart = false;
            for (size_t i = 0; i < series[a].workers.size() && i < series[a].makespan.size() && !apart; ++i) {
                const int64_t x = series[a].makespan[i], y = at(series[b], series[a].workers[i]);
                if (x < 0 || y < 0) continue;
                ++shared;
                apart = std::llabs(x - y) > std::max(x, y) / 100;
            }
            if (apart || shared < 2) continue;
            // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false positive) on "literal" + std::string.
            out.append(" ").append(scenario::ModelKindName(series[a].model)).append(" and ");
            out.append(scenario::ModelKindName(series[b].model));
            out.append(" coincide (within 1% at every point): the thinner line is drawn on the thicker one, with a gap"
                       " between them.");
        }
    }
    return out;
}

}  // namespace interleave::ui
