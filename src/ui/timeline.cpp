// [SECTION] Index
//   TimelineItem ........ preprocess
//   TimelineController .. rows, axis, lanes, input
//   Legend
#include "ui/timeline.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/fonts.h"
#include "ui/lane_rows.h"
#include "ui/span_style.h"
#include "ui/span_text.h"
#include "ui/story_view.h"
#include "ui/theme.h"
#include "ui/timeline_gpu.h"
#include "ui/timeline_patterns.h"

namespace interleave::ui {

namespace {

// Without ImGuiBackendFlags_RendererHasVtxOffset (WebGL2 / GLES3) a draw list holds at most 64K
// vertices with 16-bit indices. The LOD bounds commands by pixel width, but many dense lanes on a big
// screen could still pass that: past this budget a lane is drawn as one summary bar.
constexpr unsigned kVertexBudget = 60000;

uint32_t WithAlpha(uint32_t color, int alpha) {
    return (color & ~IM_COL32_A_MASK) | (uint32_t(alpha) << IM_COL32_A_SHIFT);
}

SpanInstance InstanceOf(double start, double end, uint16_t lane, trace::SpanState state, int32_t task, uint8_t flags) {
    SpanInstance instance;
    SplitTime(start, instance.startHi, instance.startLo);
    SplitTime(end, instance.endHi, instance.endLo);
    instance.lane = lane;
    instance.state = uint8_t(state);
    instance.flags = flags;
    instance.task = task;
    return instance;
}

}  // namespace

// [SECTION] TimelineItem

void TimelineItem::BuildIndex(const trace::Trace& trace) {
    m_index.Build(trace.SpansOf(m_track));
    m_counterMax = 0;
    for (const trace::CounterSample& sample : trace.SamplesOf(m_track))
        m_counterMax = std::max(m_counterMax, sample.value);
}

void TimelineItem::Preprocess(const trace::Trace& trace, const TimelineContext& ctx) {
    m_cmds.clear();
    BuildDrawCommands(trace.SpansOf(m_track), ctx.range, ctx.widthPx, m_cmds, kFoldPx, &m_index);
    m_marks.clear();
    BuildInstantMarks(m_instants, ctx.range, ctx.widthPx, m_marks);
    m_bars.clear();
    BuildCounterBars(trace.SamplesOf(m_track), ctx.range, ctx.widthPx, m_bars);
}

// [SECTION] TimelineController

TimelineController::GpuTrace::~GpuTrace() {
    // A renderer that is gone (or replaced) took its buffers with it.
    if (buffer != 0 && renderer == ActiveTimelineRenderer()) renderer->Release(buffer);
}

const TimelineController::GpuTrace* TimelineController::GpuTraceOf(Section& section, TimelineRenderer* gpu) {
    if (!gpu || !section.trace) return nullptr;
    if (!section.gpu || section.gpu->renderer != gpu) {
        // Once per trace (and renderer): every span, lane by lane. A failed upload is not retried every frame.
        auto uploaded = std::make_shared<GpuTrace>();
        uploaded->renderer = gpu;
        SpanInstances built = BuildSpanInstances(*section.trace);
        uploaded->buffer = gpu->Upload(built.instances);
        uploaded->laneFirst = std::move(built.laneFirst);
        section.gpu = std::move(uploaded);
    }
    return section.gpu->buffer != 0 ? section.gpu.get() : nullptr;
}

void TimelineController::Clear() {
    m_sections.clear();
    m_rows.clear();
    m_labelWidth = -1;
    m_tooltip.clear();
    m_arrowsShown.clear();
    m_minimap = {};
    m_minimapStale = true;
}

void TimelineController::AddSection(std::string title, const trace::Trace* trace) {
    Section section;
    section.title = std::move(title);
    section.trace = trace;
    if (trace) {
        // One item per track (indexed by track id); rows in the order and grouping the pictures use too.
        for (size_t t = 0; t < trace->tracks.size(); ++t)
            section.items.emplace_back(trace::TrackId(t));
        section.lanes = GroupLaneRows(*trace);
        for (const LaneRow& row : section.lanes)
            if (!row.label.empty()) section.items[row.first.Index()].SetLabel(row.label);
        section.CollapseNamed(m_collapsedNames);
        section.all = ShowLaneRows(*trace, section.lanes, {});
        // Instants are sorted by (time, track) after Finish(): split them per track, keeping the order.
        for (const trace::Instant& instant : trace->instants)
            if (instant.track.Valid() && instant.track.Index() < section.items.size())
                section.items[instant.track.Index()].Instants().push_back(instant);
        for (TimelineItem& item : section.items)
            item.BuildIndex(*trace);
        section.links = BuildCausalLinks(*trace);
    }
    m_sections.push_back(std::move(section));
    RebuildRows();
    m_labelWidth = -1;
    m_minimapStale = true;
}

std::vector<PictureSection> TimelineController::PictureSections() const {
    std::vector<PictureSection> out;
    for (const Section& section : m_sections) {
        out.push_back({section.trace, section.title,
                       section.trace ? TrackIdsNamed(*section.trace, m_laneFilter) : std::vector<trace::TrackId>{},
                       section.collapsed});
    }
    return out;
}

void TimelineController::RebuildRows() {
    m_rows.clear();
    for (size_t s = 0; s < m_sections.size(); ++s) {
        Section& section = m_sections[s];
        m_rows.push_back({int32_t(s), -1, -1});
        if (!section.trace) continue;
        section.shown = ShowLaneRows(*section.trace, section.lanes, section.collapsed);
        if (const std::vector<bool> named = TracksNamed(*section.trace, m_laneFilter); !named.empty()) {
            // A row stays when it stands for a named track (idle cores sharing a row, a collapsed group's members).
            const auto names = [&](trace::TrackId track) {
                return track.Valid() && track.Index() < named.size() && named[track.Index()];
            };
            std::erase_if(section.shown, [&](const ShownRow& row) {
                for (int32_t t = row.row.first.value; t <= row.row.last.value; ++t)
                    if (names(trace::TrackId(t))) return false;
                return std::none_of(row.hidden.begin(), row.hidden.end(), names);
            });
        }
        const auto offset = int32_t(m_rows.size());
        for (size_t r = 0; r < section.shown.size(); ++r)
            m_rows.push_back({int32_t(s), int32_t(section.shown[r].row.first.value), int32_t(r)});
        section.rowOfTrack = RowOfTrack(*section.trace, section.shown);
        for (int32_t& row : section.rowOfTrack)
            if (row >= 0) row += offset;
    }
}

void TimelineController::SetCollapsed(size_t section, trace::TrackId track, bool collapsed) {
    if (section >= m_sections.size()) return;
    Section& s = m_sections[section];
    if (!track.Valid() || track.Index() >= s.collapsed.size() || s.collapsed[track.Index()] == collapsed) return;
    s.collapsed[track.Index()] = collapsed;
    const std::string& name = s.trace->tracks[track.Index()].name;
    const auto known = std::find(m_collapsedNames.begin(), m_collapsedNames.end(), name);
    if (collapsed && known == m_collapsedNames.end()) m_collapsedNames.push_back(name);
    if (!collapsed && known != m_collapsedNames.end()) m_collapsedNames.erase(known);
    RebuildRows();
}

void TimelineController::SetLaneFilter(std::vector<std::string> lanes) {
    if (lanes == m_laneFilter) return;
    m_laneFilter = std::move(lanes);
    RebuildRows();
}

void TimelineController::Section::CollapseNamed(const std::vector<std::string>& names) {
    collapsed = trace ? TracksFlaggedByName(*trace, names) : std::vector<bool>{};
}

void TimelineController::SetCollapsedGroups(std::vector<std::string> names) {
    if (names == m_collapsedNames) return;
    m_collapsedNames = std::move(names);
    for (Section& section : m_sections)
        section.CollapseNamed(m_collapsedNames);
    RebuildRows();
}

std::vector<std::string> TimelineController::ShownLabels() const {
    std::vector<std::string> labels;
    labels.reserve(m_drawnRows.size());
    for (const DrawnRow& row : m_drawnRows)
        labels.push_back(row.label);
    return labels;
}

bool TimelineController::ToggleEveryGroup() {
    // Fold them all when any is open, else open them all; by name, as the groups are remembered.
    std::vector<std::string> groups;
    bool anyOpen = false;
    for (const Section& section : m_sections) {
        for (const ShownRow& row : section.all) {
            if (!row.Group()) continue;
            groups.push_back(section.trace->tracks[row.row.first.Index()].name);
            if (!section.collapsed[row.row.first.Index()]) anyOpen = true;
        }
    }
    if (groups.empty()) return false;
    std::vector<std::string> names = m_collapsedNames;
    for (const std::string& name : groups) {
        const auto known = std::find(names.begin(), names.end(), name);
        if (anyOpen && known == names.end()) names.push_back(name);
        if (!anyOpen && known != names.end()) names.erase(known);
    }
    SetCollapsedGroups(std::move(names));
    return anyOpen;
}

bool TimelineController::Collapsed(size_t section, trace::TrackId track) const {
    if (section >= m_sections.size()) return false;
    const Section& s = m_sections[section];
    return track.Valid() && track.Index() < s.collapsed.size() && s.collapsed[track.Index()];
}

int64_t TimelineController::EndTime() const {
    int64_t end = 0;
    for (const auto& s : m_sections)
        if (s.trace) end = std::max<int64_t>(end, s.trace->EndTime());
    return end;
}

void TimelineController::DrawAxis(ImDrawList* draw, const TimelineContext& ctx, float x, float y, float h) {
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    draw->AddRectFilled(ImVec2(x, y), ImVec2(x + ctx.widthPx, y + h), ImGui::GetColorU32(ImGuiCol_FrameBg));
    // Short unlabelled ticks at least 12 px apart, and labelled ones (their own 1-2-5 step) far
    // enough apart for a label like "120.5 ms".
    const float minor = 12.0f * ImGui::GetFontSize() / kUiFontSize;  // 12 px at content scale 1
    const float labelSpacing = ImGui::CalcTextSize("-000.0 ms").x + 12;
    // One-device-pixel lines: snap to the framebuffer's pixel grid (high-DPI displays have 2+ per unit).
    const float fb = ImGui::GetIO().DisplayFramebufferScale.x > 0 ? ImGui::GetIO().DisplayFramebufferScale.x : 1.0f;
    auto snap = [fb](float v) { return (std::round(v * fb) + 0.5f) / fb; };
    draw->PushClipRect(ImVec2(x, y), ImVec2(x + ctx.widthPx, y + h), true);
    for (const Tick& tick : MakeTicks(ctx.range, ctx.widthPx, minor)) {
        const float px = snap(x + PxAtTime(ctx.range, ctx.widthPx, tick.time));
        draw->AddLine(ImVec2(px, y + h * 0.75f), ImVec2(px, y + h), faint, 1.0f / fb);
    }
    const double labelStep = TickStep(ctx.range, ctx.widthPx, labelSpacing);
    float labelEnd = -1e30f;
    for (const Tick& tick : MakeTicks(ctx.range, ctx.widthPx, labelSpacing)) {
        const float px = snap(x + PxAtTime(ctx.range, ctx.widthPx, tick.time));
        draw->AddLine(ImVec2(px, y + h * 0.45f), ImVec2(px, y + h), text, 1.0f / fb);
        const std::string label = FormatTickLabel(tick.time, labelStep);
        // Keep the last label inside the axis rather than cut at the edge, unless it would then
        // run into its neighbour.
        const float lw = ImGui::CalcTextSize(label.c_str()).x;
        const float lx = std::min(px + 3, x + ctx.widthPx - lw - 2);
        if (lx < labelEnd + 4) continue;
        draw->AddText(ImVec2(lx, y + 1), text, label.c_str());
        labelEnd = lx + lw;
    }
    if (ctx.cursorTime >= 0) {
        const float px = x + PxAtTime(ctx.range, ctx.widthPx, ctx.cursorTime);
        draw->AddTriangleFilled(ImVec2(px - 5, y), ImVec2(px + 5, y), ImVec2(px, y + 7), IM_COL32(255, 200, 0, 255));
    }
    draw->PopClipRect();
}

void TimelineController::DrawLane(ImDrawList* draw,
                                  const Section& section,
                                  const TimelineItem& item,
                                  const TimelineContext& ctx,
                                  float x,
                                  float y,
                                  float h,
                                  TimelineRenderer* gpu) {
    const auto& cmds = item.Commands();
    if (cmds.empty()) return;
    const auto spans = section.trace->SpansOf(item.Track());
    const float top = y + 2, bottom = y + h - 2;
    const ImU32 outline = ctx.theme == Theme::Dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(0, 0, 0, 255);
    const GpuTrace* onGpu =
        section.gpu && section.gpu->buffer != 0 && section.gpu->renderer == gpu ? section.gpu.get() : nullptr;
    if (onGpu) {
        GpuLaneDraw lane;
        lane.x = x;
        lane.y = top;
        lane.w = ctx.widthPx;
        lane.h = bottom - top;
        lane.t0 = ctx.range.t0;
        lane.pxPerNs = ctx.pxPerNs;
        lane.minWidth = kFoldPx;  // BuildDrawCommands draws a lone narrow span this wide
        lane.selectedTask = ctx.selectedTask.value;
        lane.outline = outline;
        for (size_t s = 0; s < size_t(trace::SpanState::Count); ++s) {
            lane.fill[s] = StateColor(trace::SpanState(s), ctx.theme);
            lane.ink[s] = PatternInk(lane.fill[s]);
            lane.pattern[s] = uint8_t(StatePattern(trace::SpanState(s)));
        }
        const bool folded = std::any_of(cmds.begin(), cmds.end(), [](const DrawCmd& cmd) { return cmd.Folded(); });
        if (!folded) {
            // Every span in view is drawn as itself: its range of the trace's buffer, nothing uploaded.
            lane.buffer = onGpu->buffer;
            lane.first = onGpu->laneFirst[item.Track().Index()] + cmds.front().first;
            lane.count = cmds.back().first - cmds.front().first + 1;
            gpu->AddLane(draw, lane, {});
        } else {
            // A lane denser than its pixels: the level-of-detail commands (bounded by the width), streamed.
            m_streamed.clear();
            const auto laneIndex = uint16_t(item.Track().value);
            for (const DrawCmd& cmd : cmds) {
                const trace::Span& span = spans[cmd.first];
                if (cmd.Folded())
                    m_streamed.push_back(InstanceOf(ctx.range.t0 + double(cmd.x0) / ctx.pxPerNs,
                                                    ctx.range.t0 + double(cmd.x1) / ctx.pxPerNs, laneIndex, cmd.state,
                                                    -1, kInstanceFolded));
                else
                    m_streamed.push_back(
                        InstanceOf(double(span.start), double(span.end), laneIndex, span.state, span.task.value, 0));
            }
            gpu->AddLane(draw, lane, m_streamed);
        }
        ++m_gpuLanes;
    } else {
        const bool canOffset = (draw->Flags & ImDrawListFlags_AllowVtxOffset) != 0;
        if (!canOffset && draw->_VtxCurrentIdx + cmds.size() * 4 > kVertexBudget) {
            draw->AddRectFilled(ImVec2(x + cmds.front().x0, top), ImVec2(x + cmds.back().x1, bottom),
                                StateColor(trace::SpanState::Idle, ctx.theme));
            return;
        }
        for (size_t i = 0; i < cmds.size(); ++i) {
            const DrawCmd& cmd = cmds[i];
            const ImVec2 a(x + cmd.x0, top), b(x + std::max(cmd.x1, cmd.x0 + 1.0f), bottom);
            const ImU32 color = StateColor(cmd.state, ctx.theme);
            if (cmd.Folded()) {
                // A folded mark: the first state's colour, half-transparent, with a darker band, so it
                // reads as "many things here" rather than one span.
                draw->AddRectFilled(a, b, WithAlpha(color, 150));
                draw->AddRectFilled(ImVec2(a.x, (a.y + b.y) * 0.5f - 1), ImVec2(b.x, (a.y + b.y) * 0.5f + 1),
                                    WithAlpha(color, 255));
                continue;
            }
            // A one-pixel gap ends every span wide enough to spare it, so back-to-back slices of the
            // same state (GIL turns) read as slices. The pattern gets what the vertex budget leaves after
            // a quad for every command still to come.
            const trace::Span& span = spans[cmd.first];
            const unsigned left = unsigned((cmds.size() - i) * 4);
            const unsigned room = canOffset ? 1u << 20
                                  : kVertexBudget > draw->_VtxCurrentIdx + left
                                      ? kVertexBudget - draw->_VtxCurrentIdx - left
                                      : 0u;
            const double leftPx = (double(span.start) - ctx.range.t0) * ctx.pxPerNs;
            DrawPatternedRect(draw, a, ImVec2(b.x - (b.x - a.x >= 4 ? 1.0f : 0.0f), b.y), x + PatternAnchor(leftPx),
                              color, StatePattern(cmd.state), room);
            if (ctx.selectedTask.Valid() && span.task == ctx.selectedTask)
                draw->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), outline, 0, 0, 2.0f);
        }
    }
    // The labels of spans wide enough for one, on either path: text stays with ImGui's font atlas.
    const float textMin = ImGui::GetFontSize() * 4;
    for (const DrawCmd& cmd : cmds) {
        if (cmd.Folded()) continue;
        const ImVec2 a(x + cmd.x0, top), b(x + std::max(cmd.x1, cmd.x0 + 1.0f), bottom);
        if (b.x - a.x <= textMin) continue;
        const trace::Span& span = spans[cmd.first];
        const ImU32 color = StateColor(cmd.state, ctx.theme);
        const char* label = StateLabel(span.state);
        std::string task;
        if (span.task.Valid() && span.task.Index() < section.trace->tasks.size()) {
            task = section.trace->tasks[span.task.Index()].name;
            label = task.c_str();
        }
        // Dark on light fills, white on dark ones, the theme's text over a half-height bar (span_style.h).
        const ImU32 textColor = SpanLabelColor(span.state, color, ImGui::GetColorU32(ImGuiCol_Text));
        const ImVec4 clip(std::max(a.x, x) + 2, a.y, std::min(b.x, x + ctx.widthPx) - 2, b.y);
        // Whole words with an ellipsis where the label does not fit, not a glyph cut through (timeline_math.h).
        const std::string shown = FitSpanLabel(label, clip.z - (clip.x + 1), [](std::string_view part) {
            return ImGui::CalcTextSize(part.data(), part.data() + part.size()).x;
        });
        if (shown.empty()) continue;
        draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(),
                      ImVec2(clip.x + 1, a.y + (b.y - a.y - ImGui::GetFontSize()) * 0.5f), textColor, shown.c_str(),
                      shown.c_str() + shown.size(), 0.0f, &clip);
    }
}

void TimelineController::DrawCounter(ImDrawList* draw,
                                     const TimelineItem& item,
                                     const TimelineContext& ctx,
                                     float x,
                                     float y,
                                     float h) {
    // A step chart from the lane's bottom, scaled to the lane's largest value (a queue's depth up to its fullest):
    // the fill is the level (a folded bar's time-weighted mean), a thin line the peak where they differ.
    const float bottom = y + h - 2, room = h - 5;
    const float scale = item.CounterMax() > 0 ? room / float(item.CounterMax()) : 0.0f;
    const ImU32 color = StateColor(trace::SpanState::WaitingQueue, ctx.theme);
    for (const CounterBar& bar : item.Bars()) {
        const float x0 = x + bar.x0, x1 = x + std::max(bar.x1, bar.x0 + 1.0f);
        if (bar.level > 0)
            draw->AddRectFilled(ImVec2(x0, bottom - std::max(1.0f, float(bar.level) * scale)), ImVec2(x1, bottom),
                                WithAlpha(color, 220));
        if (bar.Folded() && bar.peak > 0) {
            const float peakY = bottom - float(bar.peak) * scale;
            draw->AddRectFilled(ImVec2(x0, peakY), ImVec2(x1, peakY + 1), WithAlpha(color, 110));
        }
    }
    // The scale in the lane's corner, on the lane's background so bars never hide it.
    const std::string most = std::string("max ").append(std::to_string(item.CounterMax()));
    const ImVec2 size = ImGui::CalcTextSize(most.c_str());
    const ImVec2 at(x + ctx.widthPx - size.x - 4, y + (h - size.y) * 0.5f);
    draw->AddRectFilled(ImVec2(at.x - 2, at.y), ImVec2(at.x + size.x + 2, at.y + size.y),
                        ImGui::GetColorU32(ImGuiCol_WindowBg));
    draw->AddText(at, ImGui::GetColorU32(ImGuiCol_TextDisabled), most.c_str());
}

void TimelineController::DrawMarks(ImDrawList* draw,
                                   const TimelineItem& item,
                                   const TimelineContext& ctx,
                                   float x,
                                   float y) {
    // Small triangles hanging from the lane's top edge: drop requests red, hand-offs in the text
    // colour, the rest (task and process events) grey.
    const bool canOffset = (draw->Flags & ImDrawListFlags_AllowVtxOffset) != 0;
    if (!canOffset && draw->_VtxCurrentIdx + item.Marks().size() * 3 > kVertexBudget) return;
    const ImU32 drop = StateColor(trace::SpanState::WaitingGil, ctx.theme);
    const ImU32 handoff = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 other = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    for (const InstantMark& mark : item.Marks()) {
        const float px = x + mark.x;
        const ImU32 color = mark.kind == trace::InstantKind::DropRequest  ? drop
                            : mark.kind == trace::InstantKind::GilHandoff ? handoff
                                                                          : other;
        draw->AddTriangleFilled(ImVec2(px - 3, y), ImVec2(px + 3, y), ImVec2(px, y + 5), color);
    }
}


void TimelineController::DrawStrip(const TimelineContext& ctx,
                                   const ImVec2& origin,
                                   float labelW,
                                   float lanesX,
                                   float stripH,
                                   TimeRange& range) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    // The arrows' toggle in the label column.
    ImGui::SetCursorScreenPos(ImVec2(origin.x + 2, origin.y + 1));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                        ImVec2(2, std::max(0.0f, (stripH - 2 - ImGui::GetFontSize()) * 0.5f)));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemInnerSpacing, ImVec2(3, 0));
    ImGui::Checkbox("causes", &m_showArrows);
    ImGui::PopStyleVar(2);
    {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        m_causesRect = {a.x, a.y, b.x - a.x, b.y - a.y};
    }
    if (ImGui::IsItemHovered())
        m_tooltip =
            "arrows for causes: GIL drop requests and hand-offs, lock wake-ups, resumed awaits\n"
            "(hover an arrow: who asked whom)";
    (void)labelW;

    // The minimap: the state mix of the whole run, the view's window over it.
    if (m_minimapStale) {
        std::vector<const trace::Trace*> traces;
        for (const Section& section : m_sections)
            if (section.trace) traces.push_back(section.trace);
        m_minimap = BuildMinimap(traces);
        m_minimapStale = false;
    }
    const float w = ctx.widthPx, top = origin.y + 1, bottom = origin.y + stripH - 1;
    draw->AddRectFilled(ImVec2(lanesX, top), ImVec2(lanesX + w, bottom), ImGui::GetColorU32(ImGuiCol_FrameBg));
    if (m_minimap.Empty()) return;
    const bool canOffset = (draw->Flags & ImDrawListFlags_AllowVtxOffset) != 0;
    const int columns = std::max(1, int(w / 3.0f));
    const std::vector<Mix> mix = MinimapColumns(m_minimap, columns);
    const float room = bottom - top - 1;
    const float colW = w / float(columns);
    for (int c = 0; c < columns; ++c) {
        float y = bottom;
        const float x0 = lanesX + float(c) * colW, x1 = x0 + colW;
        for (size_t k = 0; k < kMixStates; ++k) {
            const float v = mix[size_t(c)][k];
            if (v <= 0 || m_minimap.peak <= 0) continue;
            const float h = room * v / m_minimap.peak;
            if (h < 0.25f) continue;
            if (!canOffset && draw->_VtxCurrentIdx + 4 > kVertexBudget) break;
            draw->AddRectFilled(ImVec2(x0, y - h), ImVec2(x1, y), StateColor(trace::SpanState(k), ctx.theme));
            y -= h;
        }
    }
    // The view's window: the rest of the run dimmed, the window outlined.
    const auto [wx0, wx1] = MinimapWindow(m_minimap.end, range, w);
    const ImU32 dim = ImGui::GetColorU32(ImGuiCol_WindowBg, 0.55f);
    draw->AddRectFilled(ImVec2(lanesX, top), ImVec2(lanesX + wx0, bottom), dim);
    draw->AddRectFilled(ImVec2(lanesX + wx1, top), ImVec2(lanesX + w, bottom), dim);
    draw->AddRect(ImVec2(lanesX + wx0, top), ImVec2(lanesX + wx1, bottom), ImGui::GetColorU32(ImGuiCol_Text), 0, 0,
                  1.5f);
    // A click or a drag moves the view's centre there.
    ImGui::SetCursorScreenPos(ImVec2(lanesX, top));
    ImGui::InvisibleButton("minimap", ImVec2(std::max(1.0f, w), std::max(1.0f, bottom - top)));
    m_minimapRect = {lanesX, top, std::max(1.0f, w), std::max(1.0f, bottom - top)};
    const float mx = ImGui::GetIO().MousePos.x - lanesX;
    if (ImGui::IsItemActive()) range = ViewCentredAt(m_minimap.end, range, w, mx);
    if (ImGui::IsItemHovered()) {
        const int c = std::clamp(int(mx / colW), 0, columns - 1);
        char line[96];
        std::snprintf(line, sizeof line, "the whole run (click or drag: move the view there)\nat %s, lanes on average:",
                      FormatTime(MinimapTimeAt(m_minimap.end, w, mx)).c_str());
        m_tooltip = line;
        for (size_t k = 0; k < kMixStates; ++k) {
            if (mix[size_t(c)][k] < 0.05f) continue;
            std::snprintf(line, sizeof line, "\n  %.1f %s", double(mix[size_t(c)][k]), StateLabel(trace::SpanState(k)));
            m_tooltip += line;
        }
    }
}

void TimelineController::DrawSummary(ImDrawList* draw,
                                     const Section& section,
                                     const ShownRow& row,
                                     const TimelineContext& ctx,
                                     float x,
                                     float y,
                                     float h,
                                     bool hovered,
                                     float mx) {
    // One row for the group: per pixel, how many of its lanes are busy (the bar's height) and in what state most of
    // them are (its colour and pattern).
    std::vector<std::span<const DrawCmd>> lanes;
    const auto add = [&](trace::TrackId t) {
        if (!t.Valid() || t.Index() >= section.items.size()) return;
        if (section.trace->tracks[t.Index()].kind == trace::TrackKind::Counter) return;
        lanes.emplace_back(section.items[t.Index()].Commands());
    };
    for (const trace::TrackId t : RowTracks(row))
        add(t);
    const std::vector<SummaryRun> runs = SummariseLanes(lanes, ctx.widthPx);
    const bool canOffset = (draw->Flags & ImDrawListFlags_AllowVtxOffset) != 0;
    const float top = y + 2, bottom = y + h - 2, room = bottom - top;
    for (const SummaryRun& run : runs) {
        if (!canOffset && draw->_VtxCurrentIdx + 64 > kVertexBudget) break;
        const float height = run.Height(room);
        DrawPatternedRect(draw, ImVec2(x + run.x0, bottom - height), ImVec2(x + run.x1, bottom), x,
                          StateColor(run.state, ctx.theme), StatePattern(run.state), 1u << 8);
        if (hovered && run.x0 <= mx && mx < run.x1) {
            char line[160];
            std::snprintf(line, sizeof line,
                          " and the %zu lanes under it (collapsed: click its name to expand)\n"
                          "%u of %u busy here, most %s",
                          row.hidden.size(), run.busy, run.lanes, StateLabel(run.state));
            m_tooltip = TrackName(*section.trace, row.row.first) + line;
        }
    }
}

void TimelineController::DrawArrows(ImDrawList* draw,
                                    const TimelineContext& ctx,
                                    float lanesX,
                                    float top,
                                    float bottom,
                                    float rowsTop,
                                    float laneH,
                                    bool hovered) {
    // Over the lanes (after the GPU's callbacks in the draw order): a halo in the background's colour under each line,
    // so an arrow reads over spans of its own colour too; a dot at the cause, a head at the effect; drop requests
    // dashed.
    const bool canOffset = (draw->Flags & ImDrawListFlags_AllowVtxOffset) != 0;
    const ImU32 halo = ImGui::GetColorU32(ImGuiCol_WindowBg, 1.0f) | IM_COL32_A_MASK;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float nearest = 5.0f;
    size_t hit = SIZE_MAX;  // into m_arrowsShown
    const Section* hitSection = nullptr;
    draw->PushClipRect(ImVec2(lanesX, top), ImVec2(lanesX + ctx.widthPx, bottom), true);
    for (const Section& section : m_sections) {
        if (!section.trace || section.links.links.empty()) continue;
        // At most one arrow per 6 px of width (and per 24 px, kind and pair of rows): denser is noise, not causes.
        ArrowFold fold;
        fold.maxArrows = std::max<size_t>(fold.maxScan, size_t(ctx.widthPx / 6.0f));
        FoldArrows(section.links, ctx.range, ctx.widthPx, section.rowOfTrack, m_arrows, fold);
        for (const Arrow& arrow : m_arrows) {
            float yFrom = 0, yTo = 0;
            ArrowEndsY(arrow, rowsTop + float(arrow.fromRow) * laneH, rowsTop + float(arrow.toRow) * laneH, laneH, yFrom,
                       yTo);
            if ((yFrom < top && yTo < top) || (yFrom > bottom && yTo > bottom)) continue;
            if (!canOffset && draw->_VtxCurrentIdx + 200 > kVertexBudget) break;
            m_arrowsShown.push_back(arrow);
            // The shape the pictures draw too (ShapeArrow).
            const ArrowShape s = ShapeArrow(arrow, lanesX + arrow.x0, yFrom, lanesX + arrow.x1, yTo);
            const ImVec2 a(s.ax, s.ay), b(s.bx, s.by);
            const ImU32 color = ArrowColor(arrow.kind, ctx.theme);
            const float thick = 2.0f;
            draw->AddLine(a, ImVec2(s.baseX, s.baseY), halo, thick + 3.0f);
            DrawLine(draw, s.ax, s.ay, s.baseX, s.baseY, color, thick, s.dash);
            draw->AddTriangleFilled(ImVec2(b.x + s.ux, b.y + s.uy), ImVec2(s.leftX + s.nx, s.leftY + s.ny),
                                    ImVec2(s.rightX - s.nx, s.rightY - s.ny), halo);
            draw->AddTriangleFilled(b, ImVec2(s.leftX, s.leftY), ImVec2(s.rightX, s.rightY), color);
            if (s.dot) {
                draw->AddCircleFilled(a, 3.5f, halo, 8);
                draw->AddCircleFilled(a, 2.5f, color, 8);
            }
            if (hovered) {
                const float d = DistanceToSegment(mouse.x, mouse.y, a.x, a.y, b.x, b.y);
                if (d < nearest) {
                    nearest = d;
                    hit = m_arrowsShown.size() - 1;
                    hitSection = &section;
                }
            }
        }
    }
    draw->PopClipRect();
    if (hitSection) m_tooltip = ArrowTooltip(*hitSection->trace, hitSection->links, m_arrowsShown[hit]);
}

void TimelineController::Draw(const char* id,
                              const ImVec2& size,
                              TimeRange& range,
                              trace::TaskId& selectedTask,
                              Theme theme,
                              double cursorTime) {
    m_tooltip.clear();
    m_commands = 0;
    m_gpuLanes = 0;
    m_drawnRows.clear();
    m_drawnTitles.clear();
    m_minimapRect = {0, 0, 0, 0};
    m_arrowsShown.clear();
    ImGuiIO& io = ImGui::GetIO();
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    // The label column fits the longest track name (indented for its depth, after a group's triangle), within 60 px
    // and 36% of the width (on a phone a pool's task names, two groups deep, need that much: "site[0]/page[0]").
    if (m_labelWidth < 0) {
        m_labelWidth = ImGui::CalcTextSize("Core 00").x;
        for (const auto& section : m_sections) {
            if (!section.trace) continue;
            for (const ShownRow& row : section.all) {
                const TimelineItem& item = section.items[row.row.first.Index()];
                const trace::Track& track = section.trace->tracks[item.Track().Index()];
                const std::string& name = item.Label().empty() ? track.name : item.Label();
                m_labelWidth = std::max(m_labelWidth, ImGui::CalcTextSize(name.c_str()).x + DepthIndent(row.depth) +
                                                          (row.Group() ? TriangleRoom(ImGui::GetFontSize()) : 0.0f));
            }
        }
        m_labelWidth += 12;
    }
    const float labelW = std::clamp(m_labelWidth, 60.0f, std::max(60.0f, size.x * 0.36f));
    const float stripH = std::round(ImGui::GetFontSize() + 6);
    const float axisH = ImGui::GetTextLineHeight() + 8;
    const float laneH = std::round(ImGui::GetTextLineHeight() + 6);
    const float lanesX = origin.x + labelW;
    const float lanesW = std::max(10.0f, size.x - labelW - style.ScrollbarSize);

    TimelineContext ctx;
    ctx.range = range;
    ctx.widthPx = lanesW;
    ctx.pxPerNs = PxPerNs(range, lanesW);
    ctx.theme = theme;
    ctx.selectedTask = selectedTask;
    ctx.cursorTime = cursorTime;

    ImDrawList* outer = ImGui::GetWindowDrawList();
    ImGui::PushID(id);
    DrawStrip(ctx, origin, labelW, lanesX, stripH, range);
    ImGui::PopID();
    const std::string stripTooltip = m_tooltip;  // the strip's, kept unless the lanes have one of their own
    m_tooltip.clear();
    ctx.range = range;
    ctx.pxPerNs = PxPerNs(range, lanesW);
    DrawAxis(outer, ctx, lanesX, origin.y + stripH, axisH);
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(ImVec2(size.x, stripH + axisH));

    const float childH = std::max(laneH, size.y - axisH - stripH);
    ImGui::BeginChild(id, ImVec2(size.x, childH), false, ImGuiWindowFlags_NoScrollWithMouse);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 win = ImGui::GetWindowPos();
    const float scrollY = ImGui::GetScrollY();
    const float totalH = float(m_rows.size()) * laneH;
    m_lanesRect = {lanesX, win.y, lanesW, childH};

    // Input: one invisible button over the visible part of the lanes.
    ImGui::SetCursorPos(ImVec2(labelW, scrollY));
    ImGui::InvisibleButton("lanes", ImVec2(lanesW, childH),
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
    const bool hovered = ImGui::IsItemHovered();
    const bool active = ImGui::IsItemActive();
    const float mx = io.MousePos.x - lanesX;
    if (hovered && io.MouseWheel != 0) {
        if (io.KeyShift)
            ImGui::SetScrollY(scrollY - io.MouseWheel * laneH * 3);
        else
            range = ZoomAround(range, lanesW, mx, WheelZoomScale(io.MouseWheel));
    }
    if (hovered && io.MouseWheelH != 0) range = PanByPixels(range, lanesW, io.MouseWheelH * 40.0f);
    if (ImGui::IsItemActivated() && (io.KeyShift || ImGui::IsMouseClicked(ImGuiMouseButton_Right))) {
        m_selecting = true;
        m_selectStartX = mx;
    }
    if (active && !m_selecting && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
        range = PanByPixels(range, lanesW, io.MouseDelta.x);
        ImGui::SetScrollY(scrollY - io.MouseDelta.y);
    }
    bool clicked = false;
    if (ImGui::IsItemDeactivated()) {
        if (m_selecting && std::abs(mx - m_selectStartX) > 3)
            range = RangeFromPixels(range, lanesW, m_selectStartX, mx);
        else if (!m_selecting && io.MouseDragMaxDistanceSqr[0] < 9)
            clicked = true;
        m_selecting = false;
    }
    ctx.range = range;
    ctx.pxPerNs = PxPerNs(range, lanesW);

    // The GPU renderer when the platform has one (timeline_gpu.h); each trace's spans are uploaded once.
    TimelineRenderer* gpu = ActiveTimelineRenderer();
    if (gpu)
        for (Section& section : m_sections)
            GpuTraceOf(section, gpu);

    // Preprocess the visible rows (a collapsed group's hidden lanes too: its summary reads them), then draw them.
    const int firstRow = std::max(0, int(scrollY / laneH));
    const int lastRow = std::min(int(m_rows.size()) - 1, int((scrollY + childH) / laneH) + 1);
    for (int r = firstRow; r <= lastRow; ++r) {
        const Row& row = m_rows[size_t(r)];
        if (row.item < 0) continue;
        Section& section = m_sections[size_t(row.section)];
        TimelineItem& item = section.items[size_t(row.item)];
        item.Preprocess(*section.trace, ctx);
        m_commands += item.Commands().size();
        const ShownRow& shown = section.shown[size_t(row.shown)];
        for (const trace::TrackId t : shown.hidden) {
            section.items[t.Index()].Preprocess(*section.trace, ctx);
            m_commands += section.items[t.Index()].Commands().size();
        }
    }
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImU32 laneBg = ImGui::GetColorU32(ImGuiCol_FrameBg, 0.35f);
    const ImU32 headerBg = ImGui::GetColorU32(ImGuiCol_Header);
    int hoverRow = -1;
    if (hovered) hoverRow = int((io.MousePos.y - win.y + scrollY) / laneH);
    int labelHoverRow = -1;  // the row whose name is under the mouse
    if (ImGui::IsWindowHovered() && io.MousePos.x >= origin.x && io.MousePos.x < lanesX)
        labelHoverRow = int((io.MousePos.y - win.y + scrollY) / laneH);
    int toggleRow = -1;  // a group whose name was clicked: collapsed or expanded after drawing
    const float tri = TriangleRoom(ImGui::GetFontSize());
    for (int r = firstRow; r <= lastRow; ++r) {
        const Row& row = m_rows[size_t(r)];
        const float y = win.y - scrollY + float(r) * laneH;
        const Section& section = m_sections[size_t(row.section)];
        if (row.item < 0) {
            draw->AddRectFilled(ImVec2(origin.x, y), ImVec2(origin.x + size.x, y + laneH), headerBg);
            // A title wider than the view (a long file name on a phone) loses its middle, keeping its makespan at
            // the end; hovering it shows it whole.
            const std::string title = ElideMiddle(section.title, size.x - 8, [](std::string_view part) {
                return ImGui::CalcTextSize(part.data(), part.data() + part.size()).x;
            });
            draw->AddText(ImVec2(origin.x + 4, y + 3), text, title.c_str());
            if ((r == hoverRow || r == labelHoverRow) && title != section.title) m_tooltip = section.title;
            m_drawnTitles.push_back({title, {origin.x, y, size.x, laneH}});
            continue;
        }
        const TimelineItem& item = section.items[size_t(row.item)];
        const ShownRow& shownRow = section.shown[size_t(row.shown)];
        if (r % 2 == 0) draw->AddRectFilled(ImVec2(lanesX, y), ImVec2(lanesX + lanesW, y + laneH), laneBg);
        const trace::Track& track = section.trace->tracks[item.Track().Index()];
        // A name longer than its column loses its parenthesised tail first ("Thread-1 (run_task)" -> "Thread-1"),
        // then its middle (the end tells Thread-1 from Thread-2); hovering it shows the whole name.
        const std::string name = RowName(item.Label().empty() ? track.name : item.Label(), shownRow);
        float labelX = origin.x + 4 + DepthIndent(shownRow.depth);
        if (shownRow.Group()) {
            // The group's triangle: pointing right when collapsed, down when expanded.
            const GroupTriangle g = GroupTriangleAt(labelX, y + laneH * 0.5f, tri, shownRow.collapsed);
            draw->AddTriangleFilled(ImVec2(g.x0, g.y0), ImVec2(g.x1, g.y1), ImVec2(g.x2, g.y2),
                                    shownRow.collapsed ? text : faint);
            labelX += tri;
            if (r == labelHoverRow && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) toggleRow = r;
        }
        const float labelRoom = lanesX - 4 - labelX;
        const std::string shown = FitLaneLabel(name, labelRoom, [](std::string_view part) {
            return ImGui::CalcTextSize(part.data(), part.data() + part.size()).x;
        });
        draw->PushClipRect(ImVec2(origin.x, y), ImVec2(lanesX - 4, y + laneH), true);
        draw->AddText(ImVec2(labelX, y + 3), text, shown.c_str());
        draw->PopClipRect();
        if (r == labelHoverRow) {
            if (shown != name) m_tooltip = name;
            if (shownRow.Group())
                m_tooltip = (shown != name ? name + "\n" : std::string()) +
                            (shownRow.collapsed ? "click to show the " : "click to fold into one row the ") +
                            std::to_string(shownRow.members) + " lanes under " + track.name;
        }
        m_drawnRows.push_back({shown, {origin.x, y, lanesX - origin.x, laneH}, shownRow.members, shownRow.collapsed});
        draw->PushClipRect(ImVec2(lanesX, y), ImVec2(lanesX + lanesW, y + laneH), true);
        if (shownRow.collapsed) {
            DrawSummary(draw, section, shownRow, ctx, lanesX, y, laneH, r == hoverRow && mx >= 0 && mx <= lanesW, mx);
            draw->PopClipRect();
            continue;
        }
        if (track.kind == trace::TrackKind::Counter) DrawCounter(draw, item, ctx, lanesX, y, laneH);
        DrawLane(draw, section, item, ctx, lanesX, y, laneH, gpu);
        DrawMarks(draw, item, ctx, lanesX, y);
        draw->PopClipRect();
        if (r == hoverRow && mx >= 0 && mx <= lanesW) {
            const auto& cmds = item.Commands();
            const int hit = HitTest(cmds, mx);
            // The top few pixels of a lane hover its instant marks.
            const InstantMark* markHit = nullptr;
            if (io.MousePos.y - y < 7)
                for (const InstantMark& mark : item.Marks())
                    if (std::abs(mark.x - mx) <= 4) {
                        markHit = &mark;
                        break;
                    }
            const CounterBar* barHit = nullptr;
            for (const CounterBar& bar : item.Bars())
                if (bar.x0 <= mx && mx <= std::max(bar.x1, bar.x0 + 1.0f)) barHit = &bar;
            if (markHit) {
                m_tooltip = InstantTooltip(*section.trace, item.Instants()[markHit->first], markHit->count);
            } else if (barHit) {
                char detail[160];
                if (barHit->Folded())
                    std::snprintf(detail, sizeof detail,
                                  "%.2f items on average here, %lld at most (%lld at most in the run)", barHit->level,
                                  (long long)barHit->peak, (long long)item.CounterMax());
                else
                    std::snprintf(detail, sizeof detail, "%lld item%s (%lld at most in the run)",
                                  (long long)barHit->peak, barHit->peak == 1 ? "" : "s", (long long)item.CounterMax());
                m_tooltip = track.name + ": " + detail;
            } else if (hit >= 0) {
                const DrawCmd& cmd = cmds[size_t(hit)];
                const auto spans = section.trace->SpansOf(item.Track());
                if (cmd.Folded()) {
                    m_tooltip = FoldTooltip(*section.trace, item.Track(), cmd.count, spans[cmd.first].start,
                                            spans[cmd.first + cmd.count - 1].end);
                } else {
                    const trace::Span& span = spans[cmd.first];
                    m_tooltip = SpanTooltip(*section.trace, span);
                    if (clicked)
                        selectedTask =
                            (span.task.Valid() && span.task != selectedTask) ? span.task : trace::TaskId::None();
                }
            } else if (clicked) {
                selectedTask = trace::TaskId::None();
            }
        }
    }
    // The causes, over every lane.
    if (m_showArrows) DrawArrows(draw, ctx, lanesX, win.y, win.y + childH, win.y - scrollY, laneH, hovered);
    // Playback: dim what has not happened yet and draw the cursor.
    if (cursorTime >= 0) {
        const float cx = lanesX + std::clamp(PxAtTime(range, lanesW, cursorTime), 0.0f, lanesW);
        const ImU32 bg = ImGui::GetColorU32(ImGuiCol_WindowBg, 0.7f);
        draw->AddRectFilled(ImVec2(cx, win.y), ImVec2(lanesX + lanesW, win.y + childH), bg);
        draw->AddLine(ImVec2(cx, win.y), ImVec2(cx, win.y + childH), IM_COL32(255, 200, 0, 255), 2.0f);
    }
    if (m_selecting && active) {
        const float a = lanesX + std::clamp(std::min(m_selectStartX, mx), 0.0f, lanesW);
        const float b = lanesX + std::clamp(std::max(m_selectStartX, mx), 0.0f, lanesW);
        draw->AddRectFilled(ImVec2(a, win.y), ImVec2(b, win.y + childH), IM_COL32(100, 150, 255, 60));
        draw->AddRect(ImVec2(a, win.y), ImVec2(b, win.y + childH), IM_COL32(100, 150, 255, 200));
    }
    if (m_tooltip.empty()) m_tooltip = stripTooltip;
    if (!m_tooltip.empty()) ImGui::SetTooltip("%s", m_tooltip.c_str());
    // The content height, for the scrollbar.
    ImGui::SetCursorPos(ImVec2(0, 0));
    ImGui::Dummy(ImVec2(1, totalH));
    ImGui::EndChild();
    if (toggleRow >= 0) {
        const Row& row = m_rows[size_t(toggleRow)];
        SetCollapsed(size_t(row.section), trace::TrackId(row.item),
                     !Collapsed(size_t(row.section), trace::TrackId(row.item)));
    }
}

// [SECTION] Legend

StateSet StatesPresent(const std::vector<const trace::Trace*>& traces) {
    StateSet present{};
    if (!traces.empty()) {
        for (const trace::Trace* t : traces)
            if (t)
                for (const auto& s : t->spans)
                    present[size_t(s.state)] = true;
    } else {
        present.fill(true);
    }
    return present;
}

void DrawLegend(const StateSet& present, Theme theme) {
    const float box = ImGui::GetTextLineHeight() * 0.8f;
    const float swatchW = std::round(box * 1.8f);  // wide enough to show a few periods of the pattern
    const float right = ImGui::GetContentRegionMax().x;
    bool first = true;
    for (size_t i = 0; i < size_t(trace::SpanState::Count); ++i) {
        if (!present[i]) continue;
        const auto state = trace::SpanState(i);
        const char* label = StateLabel(state);
        const float w = swatchW + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
        if (!first) {
            ImGui::SameLine(0, ImGui::GetStyle().ItemSpacing.x * 2);
            if (ImGui::GetCursorPosX() + w > right) ImGui::NewLine();
        }
        first = false;
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float dy = (ImGui::GetTextLineHeight() - box) * 0.5f;
        DrawPatternedRect(ImGui::GetWindowDrawList(), ImVec2(p.x, p.y + dy), ImVec2(p.x + swatchW, p.y + dy + box), p.x,
                          StateColor(state, theme), StatePattern(state), 1u << 12);
        ImGui::Dummy(ImVec2(swatchW, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
        ImGui::TextUnformatted(label);
    }
}

}  // namespace interleave::ui
