// The timeline as a picture. See picture.h.
//
// Every decision that the live view makes (which rows, how names are shortened, which spans fold, where ticks go
// and what they say, a counter's scale) is taken from the same functions the live view calls: lane_rows.h,
// timeline_math.h (FitLaneLabel, MakeTicks, FormatTickLabel, FitRange), timeline_lod.h (BuildDrawCommands,
// BuildCounterBars, BuildInstantMarks) and theme.h. What is left here is the geometry TimelineController::Draw
// uses at content scale 1, in picture coordinates.
#include "ui/picture.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "ui/fonts.h"
#include "ui/lane_rows.h"
#include "ui/span_style.h"
#include "ui/theme.h"
#include "ui/timeline_arrows.h"
#include "ui/timeline_lod.h"
#include "ui/timeline_math.h"
#include "ui/timeline_patterns.h"

namespace interleave::ui {

namespace {

uint32_t WithAlpha(uint32_t color, int alpha) {
    return (color & ~IM_COL32_A_MASK) | (uint32_t(alpha) << IM_COL32_A_SHIFT);
}

// `top` (with its alpha, times `alphaScale`) over the opaque `under`: the colour the live view ends up showing.
uint32_t Over(const ImVec4& top, float alphaScale, const ImVec4& under) {
    const float a = std::clamp(top.w * alphaScale, 0.0f, 1.0f);
    return ImGui::ColorConvertFloat4ToU32(
        ImVec4(top.x * a + under.x * (1 - a), top.y * a + under.y * (1 - a), top.z * a + under.z * (1 - a), 1.0f));
}

}  // namespace

size_t Picture::Count(PictureRole role) const {
    return size_t(std::count_if(items.begin(), items.end(), [role](const PictureItem& i) { return i.role == role; }));
}

PictureColors ColorsFor(Theme theme) {
    ImGuiStyle style;
    if (theme == Theme::Light)
        ImGui::StyleColorsLight(&style);
    else
        ImGui::StyleColorsDark(&style);
    const ImVec4* c = style.Colors;
    // The window's background over the platform's clear colour (platform_sdl_*.cpp: 0.10, 0.11, 0.13).
    const ImVec4 clear(0.10f, 0.11f, 0.13f, 1.0f);
    const uint32_t windowBg = Over(c[ImGuiCol_WindowBg], 1.0f, clear);
    const ImVec4 bg = ImGui::ColorConvertU32ToFloat4(windowBg);
    PictureColors colors{};
    colors.background = windowBg;
    colors.windowBg = windowBg;
    colors.text = Over(c[ImGuiCol_Text], 1.0f, bg);
    colors.faint = Over(c[ImGuiCol_TextDisabled], 1.0f, bg);
    colors.axisBg = Over(c[ImGuiCol_FrameBg], 1.0f, bg);
    colors.laneBg = Over(c[ImGuiCol_FrameBg], 0.35f, bg);  // GetColorU32(ImGuiCol_FrameBg, 0.35f) in DrawLane's row
    colors.headerBg = Over(c[ImGuiCol_Header], 1.0f, bg);
    colors.grid = Over(c[ImGuiCol_Separator], 0.5f, bg);  // GetColorU32(ImGuiCol_Separator, 0.5f): the plot's grid
    return colors;
}

TextMetrics UiTextMetrics() {
    ImFont* font = UiFont();
    TextMetrics m;
    m.size = kUiFontSize;
    const float scale = font->FontSize > 0 ? kUiFontSize / font->FontSize : 1.0f;
    m.ascent = font->Ascent * scale;
    m.width = [font](std::string_view text) {
        return font->CalcTextSizeA(kUiFontSize, 1e30f, 0.0f, text.data(), text.data() + text.size()).x;
    };
    return m;
}

TextMetrics CurrentTextMetrics() {
    ImFont* font = ImGui::GetFont();
    TextMetrics m;
    m.size = ImGui::GetFontSize();
    m.ascent = font->FontSize > 0 ? font->Ascent * m.size / font->FontSize : m.size * 0.8f;
    m.width = [font, size = m.size](std::string_view text) {
        return font->CalcTextSizeA(size, 1e30f, 0.0f, text.data(), text.data() + text.size()).x;
    };
    return m;
}

Picture BuildPicture(const trace::Trace& trace, const PictureView& view, const TextMetrics& metrics) {
    return BuildPicture({PictureSection{&trace, view.title, view.tracks, view.collapsed}}, view, metrics);
}

Picture BuildPicture(const std::vector<PictureSection>& sections, const PictureView& view, const TextMetrics& metrics) {
    Picture pic;
    const PictureColors colors = ColorsFor(view.theme);
    pic.theme = view.theme;
    pic.fontSize = metrics.size;
    pic.ascent = metrics.ascent;
    pic.width = std::clamp(view.width, float(kMinPictureSide), float(kMaxPictureSide));
    pic.background = colors.background;
    auto rect = [&](PictureRole role, float x0, float y0, float x1, float y1, uint32_t color,
                    trace::SpanState state = trace::SpanState::Idle) {
        PictureItem item;
        item.shape = PictureShape::Rect;
        item.role = role;
        item.x0 = x0, item.y0 = y0, item.x1 = x1, item.y1 = y1;
        item.color = color;
        item.state = state;
        pic.items.push_back(std::move(item));
    };
    auto text = [&](PictureRole role, float x, float y, float clipX1, uint32_t color, std::string s) {
        if (s.empty()) return;
        PictureItem item;
        item.shape = PictureShape::Text;
        item.role = role;
        item.x0 = x, item.y0 = y, item.x1 = clipX1, item.y1 = y + metrics.size;
        item.color = color;
        item.text = std::move(s);
        pic.items.push_back(std::move(item));
    };
    auto triangle = [&](PictureRole role, float x0, float y0, float x1, float y1, float x2, float y2, uint32_t color) {
        PictureItem item;
        item.shape = PictureShape::Triangle;
        item.role = role;
        item.x0 = x0, item.y0 = y0, item.x1 = x1, item.y1 = y1, item.x2 = x2, item.y2 = y2;
        item.color = color;
        pic.items.push_back(std::move(item));
    };

    // Which rows: the live view's rows of each section (its collapsed groups one summary row each), less the lanes the
    // section leaves out (a row stays when it stands for a lane kept, or hides one, as TimelineController::RebuildRows
    // keeps it).
    struct SectionRows {
        const trace::Trace* trace;
        std::string title;
        std::vector<ShownRow> rows;
    };
    std::vector<SectionRows> stacked;
    size_t rowCount = 0;
    int64_t end = 0;
    for (const PictureSection& section : sections) {
        SectionRows out{section.trace, section.title, {}};
        if (section.trace) {
            const trace::Trace& trace = *section.trace;
            out.rows = ShowLaneRows(trace, GroupLaneRows(trace), section.collapsed);
            if (!section.tracks.empty()) {
                const auto kept = [&](trace::TrackId t) {
                    return std::find(section.tracks.begin(), section.tracks.end(), t) != section.tracks.end();
                };
                std::erase_if(out.rows, [&](const ShownRow& row) {
                    for (int32_t t = row.row.first.value; t <= row.row.last.value; ++t)
                        if (kept(trace::TrackId(t))) return false;
                    return std::none_of(row.hidden.begin(), row.hidden.end(), kept);
                });
            }
            if (out.title.empty()) {
                out.title = trace.label;
                if (!out.title.empty()) out.title.append("  -  ");
                out.title.append("makespan ").append(FormatTime(double(trace.metrics.makespan)));
            }
            end = std::max<int64_t>(end, trace.EndTime());
        }
        rowCount += out.rows.size() + 1;  // + its header row
        stacked.push_back(std::move(out));
    }
    const auto rowName = [](const SectionRows& section, const ShownRow& row) {
        return RowName(row.row.label.empty() ? section.trace->tracks[row.row.first.Index()].name : row.row.label, row);
    };

    // TimelineController::Draw's geometry at content scale 1.
    const float lineH = metrics.size;
    const float axisH = lineH + 8;
    const float laneH = std::round(lineH + 6);
    const float triangleRoom = TriangleRoom(lineH);
    // The label column fits the longest name drawn (indented for its depth, after a group's triangle).
    float labelW = metrics.width("Core 00");
    for (const SectionRows& section : stacked)
        for (const ShownRow& row : section.rows)
            labelW = std::max(labelW, metrics.width(rowName(section, row)) + DepthIndent(row.depth) +
                                          (row.Group() ? triangleRoom : 0.0f));
    if (view.lanesWidth > 0) {
        // The width that leaves the lanes `lanesWidth` wide once the label column (up to 30% of it) is taken.
        const float column = labelW + 12;
        const float wanted = std::max(60.0f, column) + view.lanesWidth + 8;
        pic.width = std::clamp(column > wanted * 0.3f ? (view.lanesWidth + 8) / 0.7f : wanted, float(kMinPictureSide),
                               float(kMaxPictureSide));
    }
    labelW = std::clamp(labelW + 12, 60.0f, std::max(60.0f, pic.width * 0.3f));
    const float lanesX = labelW;
    const float lanesW =
        std::max(10.0f, pic.width - labelW - 8);  // a small margin where the live view has its scrollbar
    TimeRange range = view.range;
    if (!(range.t1 > range.t0)) range = FitRange(0, end);

    // The legend's layout first (DrawLegend's: a box 0.8 lines high, 4 px to its label, 12 px between entries,
    // wrapping at the width), so the height is known.
    struct LegendEntry {
        float x, line;
        trace::SpanState state;
    };
    std::vector<LegendEntry> legend;
    int legendLines = 0;
    if (view.legend) {
        std::array<bool, size_t(trace::SpanState::Count)> present{};
        for (const SectionRows& section : stacked)
            for (const ShownRow& row : section.rows)
                for (trace::TrackId t : RowTracks(row))
                    for (const trace::Span& s : section.trace->SpansOf(t))
                        present[size_t(s.state)] = true;
        const float box = lineH * 0.8f, swatchW = std::round(box * 1.8f), left = 8, right = pic.width - 8;
        float x = left;
        int line = 0;
        bool first = true;
        for (size_t i = 0; i < present.size(); ++i) {
            if (!present[i]) continue;
            const float w = swatchW + 4 + metrics.width(StateLabel(trace::SpanState(i)));
            if (!first) {
                x += 12;
                if (x + w > right) x = left, ++line;
            }
            first = false;
            legend.push_back({x, float(line), trace::SpanState(i)});
            x += w;
        }
        legendLines = legend.empty() ? 0 : line + 1;
    }
    const float legendH = legendLines > 0 ? float(legendLines) * (lineH + 4) + 8 : 0;
    const float lanesH = float(rowCount) * laneH;  // the header rows included
    pic.height = view.height > 0 ? std::clamp(view.height, float(kMinPictureSide), float(kMaxPictureSide))
                                 : std::clamp(std::ceil(axisH + lanesH + legendH + 4), float(kMinPictureSide),
                                              float(kMaxPictureSide));
    const float lanesBottom = pic.height - legendH;  // rows below this are cut

    rect(PictureRole::Background, 0, 0, pic.width, pic.height, colors.background);

    // The axis (DrawAxis): short ticks 12 px apart at least, labelled ticks on their own 1-2-5 step.
    rect(PictureRole::AxisBg, lanesX, 0, lanesX + lanesW, axisH, colors.axisBg);
    const float minor = 12.0f * lineH / kUiFontSize;
    const float labelSpacing = metrics.width("-000.0 ms") + 12;
    auto snap = [](float v) { return std::round(v) + 0.5f; };
    for (const Tick& tick : MakeTicks(range, lanesW, minor)) {
        const float px = snap(lanesX + PxAtTime(range, lanesW, tick.time));
        rect(PictureRole::Tick, px - 0.5f, axisH * 0.75f, px + 0.5f, axisH, colors.faint);
    }
    const double labelStep = TickStep(range, lanesW, labelSpacing);
    float labelEnd = -1e30f;
    for (const Tick& tick : MakeTicks(range, lanesW, labelSpacing)) {
        const float px = snap(lanesX + PxAtTime(range, lanesW, tick.time));
        rect(PictureRole::Tick, px - 0.5f, axisH * 0.45f, px + 0.5f, axisH, colors.text);
        std::string label = FormatTickLabel(tick.time, labelStep);
        const float lw = metrics.width(label);
        const float lx = std::min(px + 3, lanesX + lanesW - lw - 2);
        if (lx < labelEnd + 4) continue;
        text(PictureRole::TickLabel, lx, 1, lanesX + lanesW, colors.text, std::move(label));
        labelEnd = lx + lw;
    }

    const uint32_t outline = view.theme == Theme::Dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(0, 0, 0, 255);
    std::vector<DrawCmd> cmds;
    std::vector<CounterBar> bars;
    std::vector<InstantMark> marks;
    std::vector<std::vector<trace::Instant>> instantsOf;
    float y = axisH;
    size_t drawnRow = 0;  // the live view's row index over every section, headers included (for the stripes)
    // For the arrows: each section's track -> its row (-1: not drawn; a hidden lane: its collapsed group's row), and
    // each row's top.
    std::vector<std::vector<int32_t>> rowOfTrack(stacked.size());
    std::vector<float> rowTop;
    for (size_t s = 0; s < stacked.size(); ++s) {
        const SectionRows& section = stacked[s];
        if (y + laneH > lanesBottom) break;
        // The header row: the section's title, cut in its middle when too wide (its makespan stays at the end), as
        // the live view's.
        rect(PictureRole::Header, 0, y, pic.width, y + laneH, colors.headerBg);
        text(PictureRole::HeaderText, 4, y + 3, pic.width - 4, colors.text,
             ElideMiddle(section.title, pic.width - 8, metrics.width));
        y += laneH;
        ++drawnRow;
        if (!section.trace) continue;
        const trace::Trace& trace = *section.trace;
        const size_t firstRow = rowTop.size();
        // Instants are sorted by time: split them per track once (keeping the order), not once per row.
        instantsOf.assign(trace.tracks.size(), {});
        for (const trace::Instant& instant : trace.instants)
            if (instant.track.Valid() && instant.track.Index() < instantsOf.size())
                instantsOf[instant.track.Index()].push_back(instant);
        for (size_t r = 0; r < section.rows.size(); ++r, y += laneH, ++drawnRow) {
            if (y + laneH > lanesBottom) break;
            const ShownRow& shownRow = section.rows[r];
            const LaneRow& row = shownRow.row;
            const trace::Track& track = trace.tracks[row.first.Index()];
            rowTop.push_back(y);
            // The live view's even rows get the lighter stripe.
            if (drawnRow % 2 == 0) rect(PictureRole::LaneBg, lanesX, y, lanesX + lanesW, y + laneH, colors.laneBg);
            float labelX = 4 + DepthIndent(shownRow.depth);
            if (shownRow.Group()) {
                const GroupTriangle g = GroupTriangleAt(labelX, y + laneH * 0.5f, triangleRoom, shownRow.collapsed);
                triangle(PictureRole::GroupMark, g.x0, g.y0, g.x1, g.y1, g.x2, g.y2,
                         shownRow.collapsed ? colors.text : colors.faint);
                labelX += triangleRoom;
            }
            const float labelRoom = lanesX - 4 - labelX;
            text(PictureRole::LaneLabel, labelX, y + 3, lanesX - 4, colors.text,
                 FitLaneLabel(rowName(section, shownRow), labelRoom, metrics.width));

            // DrawSummary: a collapsed group is one row, per pixel as tall as the share of its lanes busy there, in
            // the state most of them are in.
            if (shownRow.collapsed) {
                std::vector<std::vector<DrawCmd>> laneCmds;
                for (trace::TrackId t : RowTracks(shownRow)) {
                    if (trace.tracks[t.Index()].kind == trace::TrackKind::Counter) continue;
                    BuildDrawCommands(trace.SpansOf(t), range, lanesW, laneCmds.emplace_back(), kFoldPx);
                }
                const std::vector<std::span<const DrawCmd>> lanes(laneCmds.begin(), laneCmds.end());
                const float top = y + 2, bottom = y + laneH - 2, room = bottom - top;
                for (const SummaryRun& run : SummariseLanes(lanes, lanesW)) {
                    const float height = run.Height(room);
                    rect(PictureRole::Summary, lanesX + run.x0, bottom - height, lanesX + run.x1, bottom,
                         StateColor(run.state, view.theme), run.state);
                    pic.items.back().x2 = lanesX;
                }
                continue;
            }

            // DrawCounter: a step chart from the lane's bottom, scaled to the lane's largest value over the whole run.
            if (track.kind == trace::TrackKind::Counter) {
                int64_t most = 0;
                for (const trace::CounterSample& sample : trace.SamplesOf(row.first))
                    most = std::max(most, sample.value);
                bars.clear();
                BuildCounterBars(trace.SamplesOf(row.first), range, lanesW, bars);
                const float bottom = y + laneH - 2, room = laneH - 5;
                const float scale = most > 0 ? room / float(most) : 0.0f;
                const uint32_t color = StateColor(trace::SpanState::WaitingQueue, view.theme);
                for (const CounterBar& bar : bars) {
                    const float x0 = lanesX + bar.x0, x1 = lanesX + std::max(bar.x1, bar.x0 + 1.0f);
                    if (bar.level > 0)
                        rect(PictureRole::CounterBar, x0, bottom - std::max(1.0f, float(bar.level) * scale), x1, bottom,
                             WithAlpha(color, 220), trace::SpanState::WaitingQueue);
                    if (bar.Folded() && bar.peak > 0) {
                        const float peakY = bottom - float(bar.peak) * scale;
                        rect(PictureRole::CounterPeak, x0, peakY, x1, peakY + 1, WithAlpha(color, 110),
                             trace::SpanState::WaitingQueue);
                    }
                }
                std::string label = std::string("max ").append(std::to_string(most));
                const float w = metrics.width(label);
                const float ax = lanesX + lanesW - w - 4, ay = y + (laneH - lineH) * 0.5f;
                rect(PictureRole::CounterTextBg, ax - 2, ay, ax + w + 2, ay + lineH, colors.windowBg);
                text(PictureRole::CounterText, ax, ay, lanesX + lanesW, colors.faint, std::move(label));
            }

            // DrawLane: spans as themselves, folded runs translucent with a solid band, names inside wide spans.
            const float top = y + 2, bottom = y + laneH - 2;
            const float textMin = lineH * 4;
            for (int32_t t = row.first.value; t <= row.last.value; ++t) {
                const auto spans = trace.SpansOf(trace::TrackId(t));
                cmds.clear();
                BuildDrawCommands(spans, range, lanesW, cmds, kFoldPx);
                for (const DrawCmd& cmd : cmds) {
                    const float ax = lanesX + std::max(cmd.x0, 0.0f),
                                bx = lanesX + std::min(std::max(cmd.x1, cmd.x0 + 1.0f), lanesW);
                    if (bx <= ax) continue;
                    const uint32_t color = StateColor(cmd.state, view.theme);
                    if (cmd.Folded()) {
                        rect(PictureRole::Fold, ax, top, bx, bottom, color, cmd.state);
                        continue;
                    }
                    // A one-pixel gap ends every span wide enough to spare it, so back-to-back slices read as slices.
                    const float fullB = lanesX + std::max(cmd.x1, cmd.x0 + 1.0f);
                    rect(PictureRole::Span, ax, top,
                         std::min(fullB - (fullB - (lanesX + cmd.x0) >= 4 ? 1.0f : 0.0f), lanesX + lanesW), bottom, color,
                         cmd.state);
                    const trace::Span& span = spans[cmd.first];
                    // The pattern's anchor, as DrawLane takes it.
                    const double leftPx = (double(span.start) - range.t0) * PxPerNs(range, lanesW);
                    pic.items.back().x2 = lanesX + PatternAnchor(leftPx);
                    if (view.selectedTask.Valid() && span.task == view.selectedTask) {
                        PictureItem o;
                        o.shape = PictureShape::Rect;
                        o.role = PictureRole::Outline;
                        o.x0 = ax - 1, o.y0 = top - 1, o.x1 = bx + 1, o.y1 = bottom + 1;
                        o.color = outline;
                        pic.items.push_back(std::move(o));
                    }
                    if (fullB - (lanesX + cmd.x0) > textMin) {
                        std::string label = StateLabel(span.state);
                        if (span.task.Valid() && span.task.Index() < trace.tasks.size())
                            label = trace.tasks[span.task.Index()].name;
                        const uint32_t textColor = SpanLabelColor(span.state, color, colors.text);
                        const float clipX0 = ax + 2, clipX1 = std::min(fullB, lanesX + lanesW) - 2;
                        std::string shown = FitSpanLabel(label, clipX1 - (clipX0 + 1), metrics.width);
                        if (!shown.empty())
                            text(PictureRole::SpanText, clipX0 + 1, top + (bottom - top - lineH) * 0.5f, clipX1,
                                 textColor, std::move(shown));
                    }
                }
            }

            // DrawMarks: small triangles hanging from the lane's top edge.
            marks.clear();
            BuildInstantMarks(instantsOf[row.first.Index()], range, lanesW, marks);
            const uint32_t drop = StateColor(trace::SpanState::WaitingGil, view.theme);
            for (const InstantMark& mark : marks) {
                const float px = lanesX + mark.x;
                const uint32_t color = mark.kind == trace::InstantKind::DropRequest  ? drop
                                       : mark.kind == trace::InstantKind::GilHandoff ? colors.text
                                                                                     : colors.faint;
                triangle(PictureRole::Mark, px - 3, y, px + 3, y, px, y + 5, color);
            }
        }
        // Only the rows drawn (those past the picture's bottom are cut) give their tracks a row.
        const size_t rowsDrawn = rowTop.size() - firstRow;
        rowOfTrack[s] = RowOfTrack(trace, std::vector<ShownRow>(section.rows.begin(),
                                                                section.rows.begin() + std::ptrdiff_t(rowsDrawn)));
        for (int32_t& row : rowOfTrack[s])
            if (row >= 0) row += int32_t(firstRow);
    }

    // The causality arrows over the lanes (DrawArrows): folded per pixel bucket as the live view folds them, clipped
    // to the lanes; a halo in the window's colour under each, a dot at the cause, a head at the effect, drop requests
    // dashed.
    if (view.arrows) {
        std::vector<Arrow> arrows;
        ArrowFold fold;
        fold.maxArrows = std::max<size_t>(fold.maxScan, size_t(lanesW / 6.0f));  // one per 6 px at most, as live
        const auto line = [&](PictureRole role, float x0, float y0, float x1, float y1, float thick, uint32_t color) {
            PictureItem item;
            item.shape = PictureShape::Line;
            item.role = role;
            item.x0 = x0, item.y0 = y0, item.x1 = x1, item.y1 = y1, item.x2 = thick;
            item.color = color;
            pic.items.push_back(std::move(item));
        };
        const auto disc = [&](PictureRole role, float x, float y0, float across, uint32_t color) {
            PictureItem item;
            item.shape = PictureShape::Disc;
            item.role = role;
            item.x0 = x, item.y0 = y0, item.x2 = across;
            item.color = color;
            pic.items.push_back(std::move(item));
        };
        const uint32_t halo = colors.windowBg | IM_COL32_A_MASK;
        for (size_t s = 0; s < stacked.size(); ++s) {
            if (!stacked[s].trace || rowOfTrack[s].empty()) continue;
            const CausalLinks links = BuildCausalLinks(*stacked[s].trace);
            if (links.links.empty()) continue;
            FoldArrows(links, range, lanesW, rowOfTrack[s], arrows, fold);
            for (const Arrow& arrow : arrows) {
                float ax = lanesX + arrow.x0, bx = lanesX + arrow.x1, ay = 0, by = 0;
                ArrowEndsY(arrow, rowTop[size_t(arrow.fromRow)], rowTop[size_t(arrow.toRow)], laneH, ay, by);
                // Clipped to the lanes as the live view clips them: a cause left of the view loses its dot, an
                // effect right of it its head.
                const float left = lanesX, right = lanesX + lanesW;
                if ((ax < left && bx < left) || (ax > right && bx > right)) continue;
                const bool causeShown = ax >= left && ax <= right, effectShown = bx >= left && bx <= right;
                const auto at = [&](float x) { return ay + (by - ay) * (bx != ax ? (x - ax) / (bx - ax) : 0.0f); };
                if (ax < left) ay = at(left), ax = left;
                if (bx > right) by = at(right), bx = right;
                const ArrowShape shape = ShapeArrow(arrow, ax, ay, bx, by, effectShown);
                const uint32_t color = ArrowColor(arrow.kind, view.theme);
                const float thick = 2.0f;
                line(PictureRole::ArrowHalo, shape.ax, shape.ay, shape.baseX, shape.baseY, thick + 3.0f, halo);
                line(PictureRole::ArrowLine, shape.ax, shape.ay, shape.baseX, shape.baseY, thick, color);
                pic.items.back().y2 = shape.dash;
                if (shape.head) {
                    triangle(PictureRole::ArrowHalo, shape.bx + shape.ux, shape.by + shape.uy, shape.leftX + shape.nx,
                             shape.leftY + shape.ny, shape.rightX - shape.nx, shape.rightY - shape.ny, halo);
                    triangle(PictureRole::ArrowHead, shape.bx, shape.by, shape.leftX, shape.leftY, shape.rightX,
                             shape.rightY, color);
                }
                if (shape.dot && causeShown) {
                    disc(PictureRole::ArrowHalo, shape.ax, shape.ay, 7.0f, halo);
                    disc(PictureRole::ArrowDot, shape.ax, shape.ay, 5.0f, color);
                }
            }
        }
    }

    // The legend under the lanes.
    const float legendTop = pic.height - legendH + 6;
    for (const LegendEntry& entry : legend) {
        // DrawLegend's swatch: wide enough to show a few periods of the state's pattern.
        const float box = lineH * 0.8f, swatchW = std::round(box * 1.8f), ly = legendTop + entry.line * (lineH + 4);
        const float dy = (lineH - box) * 0.5f;
        rect(PictureRole::LegendBox, entry.x, ly + dy, entry.x + swatchW, ly + dy + box,
             StateColor(entry.state, view.theme), entry.state);
        pic.items.back().x2 = entry.x;
        text(PictureRole::LegendText, entry.x + swatchW + 4, ly, pic.width, colors.text, StateLabel(entry.state));
    }
    return pic;
}

void DrawLine(ImDrawList* draw, float x0, float y0, float x1, float y1, uint32_t color, float thick, float dash) {
    if (!(dash > 0)) {
        draw->AddLine(ImVec2(x0, y0), ImVec2(x1, y1), color, thick);
        return;
    }
    const float dx = x1 - x0, dy = y1 - y0, length = std::hypot(dx, dy);
    const float ux = length > 0 ? dx / length : 0, uy = length > 0 ? dy / length : 0;
    for (float t = 0; t < length; t += dash) {
        const float t1 = std::min(t + dash * 0.6f, length);
        draw->AddLine(ImVec2(x0 + ux * t, y0 + uy * t), ImVec2(x0 + ux * t1, y0 + uy * t1), color, thick);
    }
}

void DrawPicture(ImDrawList* d, const Picture& pic, float originX, float originY, ImFont* font) {
    const auto at = [&](float x, float y) { return ImVec2(originX + x, originY + y); };
    for (const PictureItem& item : pic.items) {
        switch (item.shape) {
            case PictureShape::Rect:
                if (item.role == PictureRole::Background) {
                    continue;
                } else if (item.role == PictureRole::Outline) {
                    d->AddRect(at(item.x0, item.y0), at(item.x1, item.y1), item.color, 0, 0, 2.0f);
                } else if (item.role == PictureRole::Fold) {
                    // DrawLane's folded mark: the colour half-transparent, a solid band through the middle.
                    const uint32_t light = (item.color & ~IM_COL32_A_MASK) | (150u << IM_COL32_A_SHIFT);
                    const float mid = (item.y0 + item.y1) * 0.5f;
                    d->AddRectFilled(at(item.x0, item.y0), at(item.x1, item.y1), light);
                    d->AddRectFilled(at(item.x0, mid - 1), at(item.x1, mid + 1), item.color | IM_COL32_A_MASK);
                } else if (IsPatterned(item.role)) {
                    // The state's pattern, drawn by the live view's own CPU path.
                    DrawPatternedRect(d, at(item.x0, item.y0), at(item.x1, item.y1), originX + item.x2, item.color,
                                      StatePattern(item.state), 1u << 22);
                } else {
                    d->AddRectFilled(at(item.x0, item.y0), at(item.x1, item.y1), item.color);
                }
                break;
            case PictureShape::Triangle:
                d->AddTriangleFilled(at(item.x0, item.y0), at(item.x1, item.y1), at(item.x2, item.y2), item.color);
                break;
            case PictureShape::Line:
                DrawLine(d, originX + item.x0, originY + item.y0, originX + item.x1, originY + item.y1, item.color,
                         item.x2, item.y2);
                break;
            case PictureShape::Disc:
                d->AddCircleFilled(at(item.x0, item.y0), item.x2 * 0.5f, item.color);
                break;
            case PictureShape::Text: {
                const ImVec4 clip(originX + item.x0 - 2, originY + item.y0 - 4, originX + item.x1, originY + item.y1 + 4);
                d->AddText(font, pic.fontSize, at(item.x0, item.y0), item.color, item.text.c_str(),
                           item.text.c_str() + item.text.size(), 0.0f, &clip);
                break;
            }
        }
    }
}

}  // namespace interleave::ui
