// [SECTION] Index
//   Timeline view .. the run of the scenario as configured
//   Compare view ... one timeline per model on one shared time axis, and the results table
//   Scaling view ... makespan vs workers, one line per model
//   Results panel .. legend, metrics, explanation (bottom)
//   Help overlay
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "scenario/model_info.h"
#include "ui/explain.h"
#include "ui/fonts.h"
#include "ui/picture_export.h"
#include "ui/playground.h"
#include "ui/theme.h"
#include "ui/timeline_math.h"
#include "ui/widgets.h"

namespace interleave::ui {

using scenario::ModelKind;

namespace {

void CentredText(const char* text, float height) {
    const ImVec2 size = ImGui::CalcTextSize(text);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + std::max(0.0f, (avail.x - size.x) * 0.5f),
                               ImGui::GetCursorPosY() + std::max(0.0f, (height - size.y) * 0.5f)));
    ImGui::TextUnformatted(text);
}

uint32_t SeriesColor(ModelKind kind, Theme theme) {
    switch (kind) {
        case ModelKind::Threads: return StateColor(trace::SpanState::WaitingGil, theme);
        case ModelKind::Processes: return StateColor(trace::SpanState::RunningPython, theme);
        case ModelKind::FreeThreaded: return StateColor(trace::SpanState::RunningC, theme);
        default: return StateColor(trace::SpanState::BlockedIo, theme);
    }
}

}  // namespace

// [SECTION] Timeline view

void Playground::TimelineView(float height) {
    ImGui::BeginChild("timeline_view", ImVec2(0, height), false);
    // Without a run of its own the timeline still shows what is kept beside it (a pinned run, opened trace files).
    if (!m_haveTrace && m_timeline.Sections() == 0) {
        CentredText(Busy()                ? "simulating..."
                    : !m_simError.empty() ? "no trace: the simulation stopped before the end (the banner above says why)"
                                          : "no trace yet: pick a preset",
                    height);
    } else {
        m_timeline.Draw("lanes", ImGui::GetContentRegionAvail(), m_view.visible, m_view.selectedTask, m_view.theme, m_view.playbackTime);
        const auto& r = m_timeline.LanesRect();
        m_widgets["timeline"] = r;
        if (!m_timeline.Tooltip().empty()) m_tooltip = m_timeline.Tooltip();
    }
    ImGui::EndChild();
}

// [SECTION] Compare view

void Playground::CompareView(float height) {
    ImGui::BeginChild("compare_view", ImVec2(0, height), false);
    // Which models to stack.
    ImGui::TextUnformatted("Show:");
    for (const scenario::ModelInfo& info : scenario::Models()) {
        const std::string name(info.id);
        auto it = std::find(m_view.models.begin(), m_view.models.end(), name);
        bool shown = it != m_view.models.end();
        const float w = ImGui::CalcTextSize(name.c_str()).x + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
        ImGui::SameLine();
        if (ImGui::GetCursorPosX() + w > ImGui::GetContentRegionMax().x) ImGui::NewLine();
        if (ImGui::Checkbox(name.c_str(), &shown)) {
            if (shown) m_view.models.push_back(name);
            else m_view.models.erase(it);
            m_timelinesStale = true;
        }
        Remember(("show_" + name).c_str());
    }
    const float rest = ImGui::GetContentRegionAvail().y;
    if (!m_haveComparison) {
        CentredText("comparing the models...", rest);
    } else {
        m_compareTimeline.Draw("compare_lanes", ImGui::GetContentRegionAvail(), m_view.visible, m_view.selectedTask, m_view.theme,
                               m_view.playbackTime);
        m_widgets["compare_timeline"] = m_compareTimeline.LanesRect();
        if (!m_compareTimeline.Tooltip().empty()) m_tooltip = m_compareTimeline.Tooltip();
    }
    ImGui::EndChild();
}

void Playground::CompareTable() {
    if (!m_haveComparison) {
        ImGui::TextDisabled(m_compareJob ? "comparing the models..." : "open the Compare tab to compare the models");
        return;
    }
    if (m_comparison.recommended >= 0 && size_t(m_comparison.recommended) < m_comparison.models.size()) {
        ImGui::TextWrapped("Recommended: %s. %s", std::string(scenario::ModelKindName(m_comparison.models[size_t(m_comparison.recommended)].kind)).c_str(),
                           m_comparison.reason.c_str());
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("results", 6, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    // Every column has a weight: with SizingStretchProp a column without one is weighted by its content's
    // width, which is 0 on the table's first frame, and ImGui then divides 0 by 0 (a NaN cast to int: UB,
    // found by fuzzing the share link with the Compare tab).
    ImGui::TableSetupColumn("model", ImGuiTableColumnFlags_WidthStretch, 1.6f);
    for (const char* column : {"makespan", "speedup", "CPU use", "GIL wait", "overhead"})
        ImGui::TableSetupColumn(column, ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < m_comparison.results.size(); ++i) {
        const auto& result = m_comparison.results[i];
        const auto& m = result.trace.metrics;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const std::string name(scenario::ModelKindName(m_comparison.models[i].kind));
        if (int(i) == m_comparison.recommended) ImGui::Text("%s *", name.c_str());
        else ImGui::TextUnformatted(name.c_str());
        if (!result.ok) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("failed: %s", result.error.c_str());
            continue;
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(FormatTime(double(m.makespan)).c_str());
        ImGui::TableNextColumn();
        if (m.sequentialMakespan > 0) ImGui::Text("%.2fx", m.speedup);
        else ImGui::TextDisabled("n/a");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(FormatShare(m.cpuUtilisation).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(FormatTime(double(m.gilWait)).c_str());
        ImGui::TableNextColumn();
        const double overhead = double(m.processStart + m.pickling + m.unpickling + m.threadStart + m.loopOverhead);
        ImGui::TextUnformatted(FormatTime(overhead).c_str());
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("process start %s\npickling %s\nunpickling %s\nthread start %s\nevent loop %s",
                              FormatTime(double(m.processStart)).c_str(), FormatTime(double(m.pickling)).c_str(),
                              FormatTime(double(m.unpickling)).c_str(), FormatTime(double(m.threadStart)).c_str(),
                              FormatTime(double(m.loopOverhead)).c_str());
        }
    }
    ImGui::EndTable();
}

// [SECTION] Scaling view

void Playground::ScalingView(float height) {
    ImGui::BeginChild("scaling_view", ImVec2(0, height), false);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    const float font = ImGui::GetFontSize();
    const float left = p0.x + font * 5, right = p0.x + size.x - font * 1;
    const float top = p0.y + font * 1.5f, bottom = p0.y + size.y - font * 2.5f;
    ImGui::InvisibleButton("plot", ImVec2(std::max(1.0f, size.x), std::max(1.0f, size.y)));
    m_widgets["scaling_plot"] = {left, top, right - left, bottom - top};
    int maxWorkers = 1;
    int64_t maxMakespan = 0;
    for (const auto& s : m_scaling) {
        if (!s.workers.empty()) maxWorkers = std::max(maxWorkers, s.workers.back());
        for (int64_t v : s.makespan) maxMakespan = std::max(maxMakespan, v);
    }
    const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Separator, 0.5f);
    if (m_scaling.empty() || maxMakespan <= 0 || right - left < 20 || bottom - top < 20) {
        ImGui::SetCursorScreenPos(p0);
        CentredText(m_sweepJob || m_scalingStale ? "sweeping the number of workers..." : "no scaling data", size.y);
        ImGui::EndChild();
        return;
    }
    // Axes: y = makespan from 0 with 1-2-5 ticks; x = workers 1..max.
    const TimeRange yRange{0, double(maxMakespan) * 1.1};
    const float plotH = bottom - top;
    const auto yTicks = MakeTicks(yRange, plotH, font * 2.5f);
    const double yStep = TickStep(yRange, plotH, font * 2.5f);
    auto X = [&](double w) { return left + float((w - 1) / std::max(1.0, double(maxWorkers - 1))) * (right - left); };
    auto Y = [&](double ns) { return bottom - float(ns / yRange.t1) * plotH; };
    draw->AddLine(ImVec2(left, top), ImVec2(left, bottom), text);
    draw->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), text);
    for (const Tick& t : yTicks) {
        const float y = Y(t.time);
        draw->AddLine(ImVec2(left, y), ImVec2(right, y), grid);
        const std::string label = FormatTickLabel(t.time, yStep);
        const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
        draw->AddText(ImVec2(left - ls.x - 4, y - ls.y * 0.5f), text, label.c_str());
    }
    const int xStep = std::max(1, int(std::ceil(double(maxWorkers) * font * 2.5 / std::max(1.0f, right - left))));
    for (int w = 1; w <= maxWorkers; w += xStep) {
        char label[16];
        std::snprintf(label, sizeof label, "%d", w);
        const float x = X(w);
        draw->AddLine(ImVec2(x, bottom), ImVec2(x, bottom + 4), text);
        draw->AddText(ImVec2(x - ImGui::CalcTextSize(label).x * 0.5f, bottom + 5), text, label);
    }
    const float coresX = X(m_scenario.machine.cores);
    draw->AddLine(ImVec2(coresX, top), ImVec2(coresX, bottom), grid, 2.0f);
    draw->AddText(ImVec2(coresX + 3, bottom - font * 1.3f), ImGui::GetColorU32(ImGuiCol_TextDisabled), "cores");
    draw->AddText(ImVec2((left + right) * 0.5f - font * 3, bottom + font * 1.2f), text, "workers");
    draw->AddText(ImVec2(p0.x, p0.y), text, "makespan");
    // Lines, and the nearest point under the mouse.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const bool hovered = ImGui::IsItemHovered();
    float best = font * 1.0f;
    std::string tip;
    float legendX = left + font;
    // Earlier lines drawn thicker, so a line hidden under an identical one still shows at its edges.
    float thickness = 2.0f + 2.0f * float(m_scaling.size());
    for (const auto& s : m_scaling) {
        const ImU32 color = SeriesColor(s.model, m_view.theme);
        thickness -= 2.0f;
        ImVec2 prev;
        bool havePrev = false;
        for (size_t i = 0; i < s.workers.size(); ++i) {
            if (s.makespan[i] < 0) {
                havePrev = false;
                continue;
            }
            const ImVec2 p(X(s.workers[i]), Y(double(s.makespan[i])));
            if (havePrev) draw->AddLine(prev, p, color, thickness);
            draw->AddCircleFilled(p, thickness * 0.5f + 2.0f, color);
            prev = p;
            havePrev = true;
            const float d = std::hypot(mouse.x - p.x, mouse.y - p.y);
            if (hovered && d < best) {
                best = d;
                tip = std::string(scenario::ModelKindName(s.model)) + " x" + std::to_string(s.workers[i]) + ": makespan " +
                      FormatTime(double(s.makespan[i]));
            }
        }
        const std::string name(scenario::ModelKindName(s.model));
        draw->AddRectFilled(ImVec2(legendX, top + 4), ImVec2(legendX + font * 0.8f, top + 4 + font * 0.8f), color);
        draw->AddText(ImVec2(legendX + font, top), text, name.c_str());
        legendX += font * 1.5f + ImGui::CalcTextSize(name.c_str()).x;
    }
    if (!tip.empty()) {
        m_tooltip = tip;
        ImGui::SetTooltip("%s", tip.c_str());
    }
    ImGui::EndChild();
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
            char speedup[32];
            std::snprintf(speedup, sizeof speedup, "%.2fx", double(one) / double(best));
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
            out.append(" coincide (within 1% at every point): the thinner line is drawn on the thicker one.");
        }
    }
    return out;
}

// [SECTION] Results panel

bool Playground::ShowExplainMoment(size_t index) {
    if (index >= m_explainMoments.size()) return false;
    const ExplainMoment& moment = m_explainMoments[index];
    const double length = double(std::max<trace::TimeNs>(moment.end - moment.start, 1));
    // Half its length again on each side: the moment between what led to it and what followed.
    m_view.visible = TimeRange{double(moment.start) - length * 0.5, double(moment.end) + length * 0.5};
    m_view.tab = Tab::Timeline;
    m_fitPending = false;
    return true;
}

void Playground::RunSummary() {
    if (!m_haveTrace) {
        ImGui::TextDisabled("%s", Busy() ? "simulating..." : !m_simError.empty() ? "no run: the simulation stopped" : "no run yet");
        OpenedTraceControls();  // files opened beside the run stay closable without one
        return;
    }
    if (m_haveReal) ImGui::TextUnformatted("simulated:");
    TextWrappedAtSpaces(MetricsLine(m_trace.metrics));
    if (m_haveReal) {
        ImGui::Text("real run (%s):", m_realKind == 0 ? "C++ runtime" : "CPython");
        TextWrappedAtSpaces(MetricsLine(m_realTrace.metrics));
    }
    // The actions before the prose: on a phone the panel shows a few lines, and Unpin must not scroll away under
    // an explanation and its Show buttons.
    PictureButtons();
    PinControls();
    OpenedTraceControls();
    TextWrappedAtSpaces(m_explain);
    // The claims' moments: a tap zooms the timeline there. The label is a track name (a stranger's text in a
    // link): drawn as text, never as a format string.
    for (size_t i = 0; i < m_explainMoments.size(); ++i) {
        ImGui::PushID(int(i));
        if (ImGui::SmallButton("Show")) ShowExplainMoment(i);
        const std::string id = "explain_moment_" + std::to_string(i);
        Remember(id.c_str());
        ImGui::SameLine();
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextUnformatted(m_explainMoments[i].label.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopID();
    }
}

namespace {
// The width and height a PNG's header states (IHDR: bytes 16-23, big-endian); 0 if it has none.
void PngSize(const std::string& png, int& width, int& height) {
    width = height = 0;
    if (png.size() < 24) return;
    auto at = [&](size_t i) {
        return int(uint8_t(png[i])) << 24 | int(uint8_t(png[i + 1])) << 16 | int(uint8_t(png[i + 2])) << 8 |
               int(uint8_t(png[i + 3]));
    };
    width = at(16);
    height = at(20);
}
}  // namespace

bool Playground::SavePicture(bool png) {
    if (!m_haveTrace) {
        m_notice = "no run to save yet";
        return false;
    }
    // The timeline as it is on screen (its range, theme and highlighted task, every lane) (ui/picture.h).
    PictureView view;
    view.range = m_view.visible;
    view.theme = m_view.theme;
    view.selectedTask = m_view.selectedTask;
    // The lanes as wide as on screen (in units of content scale 1, the picture's), so spans fold as they do here.
    // Before the timeline has been drawn (tests, a first frame) the picture's default width.
    const float lanesOnScreen = m_timeline.LanesRect()[2];
    if (lanesOnScreen > 1) view.lanesWidth = lanesOnScreen / std::max(0.25f, ImGui::GetFontSize() / kUiFontSize);
    const std::string fileName =
        PictureFileName(m_view.preset.empty() ? m_scenario.name : m_view.preset, png ? "png" : "svg");
    std::string bytes, error;
    int width = 0, height = 0;
    if (png) {
        if (!PicturePng(m_trace, view, bytes, error)) {
            m_notice = "could not draw the PNG: " + error;
            return false;
        }
        PngSize(bytes, width, height);
    } else {
        bytes = PictureSvg(m_trace, view);
    }
    std::string where;
    const char* mime = png ? "image/png" : "image/svg+xml";
    const bool saved = m_settings.saveFile ? m_settings.saveFile(fileName, bytes, mime, where)
                                           : SavePictureFile(fileName, bytes, where);
    if (!saved) {
        m_notice = where;
        return false;
    }
    m_notice = "Saved " + where;
    if (png) m_notice += " (" + std::to_string(width) + "x" + std::to_string(height) + " px)";
    m_savedFile = fileName;
    m_savedBytes = bytes.size();
    m_savedWidth = width;
    m_savedHeight = height;
    return true;
}

void Playground::PictureButtons() {
    // Natively a file in the working directory; in the browser a download.
    if (ImGui::SmallButton("Save SVG")) SavePicture(false);
    Remember("save_svg");
    ButtonHint("The timeline as on screen, as a vector picture (SVG)");
    ImGui::SameLine();
    if (ImGui::SmallButton("Save PNG")) SavePicture(true);
    Remember("save_png");
    ButtonHint("The timeline as on screen, as an image (PNG)");
}

// [SECTION] Pinned run (compare across runs)

std::string PinnedRunTitle(const std::string& preset, const scenario::Scenario& scenario) {
    std::string name = preset.empty() ? scenario.name : preset;
    if (name.empty()) name = "scenario";
    return name.append(", ").append(scenario::ModelKindName(scenario.model.kind));
}

namespace {
// "<subject>: makespan X; this run Y, Zx faster": a run kept beside the current one, measured against it.
std::string KeptRunComparison(std::string line, int64_t keptMakespanNs, int64_t makespanNs) {
    line.append(": makespan ").append(FormatTime(double(keptMakespanNs)));
    if (keptMakespanNs <= 0 || makespanNs <= 0) return line;
    const double ratio = double(keptMakespanNs) / double(makespanNs);
    char figures[64];
    std::snprintf(figures, sizeof figures, "%.2fx %s", ratio >= 1 ? ratio : 1 / ratio,
                  ratio >= 1 ? "faster" : "slower");
    return line.append("; this run ").append(FormatTime(double(makespanNs))).append(", ").append(figures);
}
}  // namespace

std::string PinnedComparison(const std::string& pinnedTitle, int64_t pinnedMakespanNs, int64_t makespanNs) {
    return KeptRunComparison(std::string("pinned ").append(pinnedTitle), pinnedMakespanNs, makespanNs);
}

std::string OpenedComparison(const std::string& fileTitle, int64_t fileMakespanNs, int64_t makespanNs) {
    return KeptRunComparison(std::string("opened ").append(fileTitle), fileMakespanNs, makespanNs);
}

bool Playground::PinRun() {
    if (!m_haveTrace) return false;
    ShowPinnedRun(PinnedRunTitle(m_view.preset, m_traceScenario), m_trace);
    m_pinnedFromScenario = true;
    m_pinnedScenario = m_traceScenario;
    m_pinnedPreset = m_view.preset;
    return true;
}

void Playground::ShowPinnedRun(std::string title, trace::Trace trace) {
    DropPinJob();  // a link's pinned run still being simulated would replace this one when done
    m_pinnedTrace = std::move(trace);
    if (!m_pinnedTrace.IsFinished()) m_pinnedTrace.Finish();
    m_pinnedTitle = std::move(title);
    m_havePinned = true;
    m_pinnedFromScenario = false;  // PinRun and a link's pinned run say otherwise after this
    m_timelinesStale = true;
}

void Playground::Unpin() {
    m_havePinned = false;
    m_pinnedTrace = trace::Trace();
    m_pinnedTitle.clear();
    m_pinnedFromScenario = false;
    DropPinJob();
    m_timelinesStale = true;
}

void Playground::PinControls() {
    ImGui::SameLine();
    if (!m_havePinned) {
        if (ImGui::SmallButton("Pin this run")) PinRun();
        Remember("pin");
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Keep this run on screen and compare it with the next one: change the model or the "
                              "scenario, or pick another preset; both runs share one time axis");
        return;
    }
    if (ImGui::SmallButton("Unpin")) Unpin();
    Remember("unpin");
    if (!m_havePinned || !m_haveTrace) return;
    const std::string line = PinnedComparison(m_pinnedTitle, m_pinnedTrace.metrics.makespan, m_trace.metrics.makespan);
    // Wrapped on a line of its own (a phone's panel is narrow; a scenario's name can be long).
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextWrappedAtSpaces(line);
    ImGui::PopStyleColor();
    Remember("pinned_line");
}

void Playground::ResultsPanel() {
    // The legend names the states on screen: the run's, or every compared run's (found once per
    // trace by RebuildTimelines: scanning 10M spans every frame would cost more than drawing them).
    // The scaling plot shows no states: its lines have their own legend.
    if (m_view.tab != Tab::Scaling) {
        DrawLegend(m_view.tab == Tab::Compare && m_haveComparison ? m_compareStates : m_runStates, m_view.theme);
        ImGui::Separator();
    }
    switch (m_view.tab) {
        case Tab::Timeline:
            RunSummary();
            break;
        case Tab::Compare:
            CompareTable();
            break;
        case Tab::Scaling:
            ImGui::TextWrapped("Makespan of this workload as the number of workers grows from 1 to twice the machine's %d cores. "
                               "Threads scale only while the work waits (I/O, GIL-releasing C calls) and stay flat on CPU-bound Python "
                               "(one GIL); processes and free threads also scale on CPU-bound work, until the cores run out.",
                               m_scenario.machine.cores);
            if (const std::string summary = ScalingSummary(m_scaling); !summary.empty()) {
                TextWrappedAtSpaces(summary);
                Remember("scaling_summary");
            }
            break;
    }
}

// [SECTION] Help overlay

void Playground::HelpOverlay() {
    static const char* const rows[][2] = {
        {"Space", "play / pause the schedule"},
        {"F, Home", "zoom to fit"},
        {"+ / -", "zoom in / out"},
        {"Left / Right", "pan; with a story: its previous / next step (shift: pan)"},
        {"wheel", "zoom around the cursor (shift: scroll lanes)"},
        {"drag", "pan (and scroll the lanes)"},
        {"shift-drag, right-drag", "zoom to the dragged range"},
        {"click a span", "highlight its task in every lane"},
        {"two fingers", "pinch to zoom around them (touch screens)"},
        {"one finger", "drag to pan, tap a span for its details"},
        {"Esc", "clear the highlight, close this"},
        {"1 / 2 / 3", "timeline / compare / scaling"},
        {"T", "dark / light theme"},
        {"A", "show / hide the arrows for causes"},
        {"G", "fold / unfold every lane group (click a group's name: one)"},
        {"F1, ?", "this help"},
    };
    const ImGuiIO& io = ImGui::GetIO();
    const ImGuiStyle& style = ImGui::GetStyle();
    // As wide as its longest rows, or 95% of the window on a phone, where the descriptions wrap at spaces.
    float keysW = 0, whatW = 0;
    for (const auto& row : rows) {
        keysW = std::max(keysW, ImGui::CalcTextSize(row[0]).x);
        whatW = std::max(whatW, ImGui::CalcTextSize(row[1]).x);
    }
    const float natural = keysW + whatW + style.CellPadding.x * 4 + style.WindowPadding.x * 2 + style.ItemSpacing.x;
    const float width = std::min(natural, io.DisplaySize.x * 0.95f);
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);  // height 0: fits the rows
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(io.DisplaySize.x * 0.95f, io.DisplaySize.y * 0.95f));
    if (!ImGui::Begin("Keyboard, mouse and touch", &m_showHelp,
                      ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove)) {
        ImGui::End();
        return;
    }
    Remember("help_window");
    if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, keysW);
        ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
        for (const auto& row : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row[0]);
            ImGui::TableNextColumn();
            TextWrappedAtSpaces(row[1]);
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

}  // namespace interleave::ui
