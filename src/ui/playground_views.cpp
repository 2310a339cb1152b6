// [SECTION] Index
//   Timeline view .. the run of the scenario as configured
//   Compare view ... one timeline per model on one shared time axis, and the results table
//   Scaling view ... makespan vs workers, one line per model
//   Results panel .. legend, metrics, explanation (bottom)
//   Help overlay
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "scenario/model_info.h"
#include "ui/explain.h"
#include "ui/fonts.h"
#include "ui/picture_export.h"
#include "ui/picture_poster.h"
#include "ui/story_view.h"
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
        m_probe.Remember("timeline", r, false);
        if (!m_timeline.Tooltip().empty()) m_probe.SetTooltip(m_timeline.Tooltip());
    }
    ImGui::EndChild();
}

// [SECTION] Compare view

void Playground::CompareView(float height) {
    ImGui::BeginChild("compare_view", ImVec2(0, height), false);
    // What to compare: every model on the scenario's release, or the scenario's own program on every release.
    ImGui::TextUnformatted("Compare:");
    ImGui::SameLine();
    if (ImGui::RadioButton("models", !m_view.compareReleases) && m_view.compareReleases) {
        m_view.compareReleases = false;
        CompareByChanged();
    }
    Remember("compare_by_models");
    ImGui::SameLine();
    if (ImGui::RadioButton("Python releases", m_view.compareReleases) && !m_view.compareReleases) {
        m_view.compareReleases = true;
        CompareByChanged();
    }
    Remember("compare_by_releases");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("the same program (%s) on every release that has what it uses",
                          std::string(scenario::ModelKindName(m_scenario.model.kind)).c_str());
    // Which rows to stack: models, or releases (a release that cannot run the program is greyed, saying why).
    ImGui::TextUnformatted("Show:");
    std::vector<std::string> names;
    if (m_view.compareReleases) {
        for (const scenario::PythonInfo& info : scenario::Pythons()) names.emplace_back(info.id);
    } else {
        for (const scenario::ModelInfo& info : scenario::Models()) names.emplace_back(info.id);
    }
    std::vector<std::string>& shownNames = m_view.compareReleases ? m_view.releases : m_view.models;
    for (const std::string& name : names) {
        auto it = std::find(shownNames.begin(), shownNames.end(), name);
        bool shown = it != shownNames.end();
        const float w = ImGui::CalcTextSize(name.c_str()).x + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
        ImGui::SameLine();
        if (ImGui::GetCursorPosX() + w > ImGui::GetContentRegionMax().x) ImGui::NewLine();
        std::string missing;
        scenario::PythonVersion version;
        if (m_view.compareReleases && scenario::ParsePythonVersion(name, version))
            missing = scenario::MissingFromRelease(scenario::OnRelease(m_scenario, version));
        ImGui::BeginDisabled(!missing.empty());
        if (ImGui::Checkbox(name.c_str(), &shown)) {
            if (shown) shownNames.push_back(name);
            else shownNames.erase(it);
            m_timelinesStale = true;
        }
        ImGui::EndDisabled();
        if (!missing.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", missing.c_str());
        Remember(("show_" + name).c_str());
    }
    const float rest = ImGui::GetContentRegionAvail().y;
    if (!m_haveComparison) {
        CentredText(m_view.compareReleases ? "comparing the releases..." : "comparing the models...", rest);
    } else {
        m_compareTimeline.Draw("compare_lanes", ImGui::GetContentRegionAvail(), m_view.visible, m_view.selectedTask, m_view.theme,
                               m_view.playbackTime);
        m_probe.Remember("compare_timeline", m_compareTimeline.LanesRect(), false);
        if (!m_compareTimeline.Tooltip().empty()) m_probe.SetTooltip(m_compareTimeline.Tooltip());
    }
    ImGui::EndChild();
}

void Playground::CompareTable() {
    const bool byRelease = !m_comparison.releases.empty();
    if (!m_haveComparison) {
        const char* what = m_view.compareReleases ? "the releases" : "the models";
        if (m_jobs.Comparing()) ImGui::TextDisabled("comparing %s...", what);
        else ImGui::TextDisabled("open the Compare tab to compare %s", what);
        return;
    }
    if (byRelease && m_comparison.recommended >= 0) {
        ImGui::TextWrapped("By release: %s.", m_comparison.reason.c_str());
    } else if (m_comparison.recommended >= 0 && size_t(m_comparison.recommended) < m_comparison.models.size()) {
        ImGui::TextWrapped("Recommended: %s. %s", ComparisonRowName(size_t(m_comparison.recommended)).c_str(),
                           m_comparison.reason.c_str());
    }
    // Every cell's text first, to size the columns by it: where the window is wide enough each column gets at least
    // its widest text, and where it is not (a phone) the columns keep their widths and the table scrolls sideways,
    // rather than Dear ImGui clipping "720.733 ms" to "720.733" and "makespan" to "makes".
    constexpr int kColumns = 6;
    const char* headers[kColumns] = {byRelease ? "Python" : "model", "makespan", "speedup", "CPU use", "GIL wait",
                                     "overhead"};
    std::vector<std::array<std::string, kColumns>> cells(m_comparison.results.size());
    for (size_t i = 0; i < cells.size(); ++i) {
        const auto& result = m_comparison.results[i];
        const auto& m = result.trace.metrics;
        cells[i][0] = ComparisonRowName(i) + (int(i) == m_comparison.recommended ? " *" : "");
        if (!result.ok) {
            cells[i][1] = "failed: " + result.error;  // runs across the row; not counted in the widths below
            continue;
        }
        cells[i][1] = FormatTime(double(m.makespan));
        cells[i][2] = m.sequentialMakespan > 0 ? scenario::FormatRatio(m.speedup) : "n/a";
        cells[i][3] = FormatShare(m.cpuUtilisation);
        cells[i][4] = FormatTime(double(m.gilWait));
        cells[i][5] = FormatTime(double(m.processStart + m.pickling + m.unpickling + m.threadStart + m.loopOverhead));
    }
    // Each cell's text is measured once a frame: its width sizes the column here and is checked against the column
    // below.
    std::vector<std::array<float, kColumns>> textWidth(cells.size());
    float widest[kColumns];
    float needed = 0;
    for (int c = 0; c < kColumns; ++c) {
        widest[c] = ImGui::CalcTextSize(headers[c]).x;
        for (size_t i = 0; i < cells.size(); ++i) {
            textWidth[i][c] = ImGui::CalcTextSize(cells[i][c].c_str()).x;
            if (m_comparison.results[i].ok || c == 0) widest[c] = std::max(widest[c], textWidth[i][c]);
        }
        needed += widest[c] + ImGui::GetStyle().CellPadding.x * 2 + 1;  // padding both sides, an inner border
    }
    // The vertical scrollbar takes its width from the table's.
    const bool sideways = needed + ImGui::GetStyle().ScrollbarSize > ImGui::GetContentRegionAvail().x;
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                  (sideways ? ImGuiTableFlags_ScrollX : ImGuiTableFlags_SizingStretchProp);
    if (!ImGui::BeginTable("results", kColumns, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    // Every column has a weight (its widest text, never 0): with SizingStretchProp a column without one is weighted by
    // its content's width, which is 0 on the table's first frame, and ImGui then divides 0 by 0 (a NaN cast to int:
    // UB, found by fuzzing the share link with the Compare tab).
    for (int c = 0; c < kColumns; ++c) {
        if (sideways) ImGui::TableSetupColumn(headers[c], ImGuiTableColumnFlags_WidthFixed, widest[c]);
        else ImGui::TableSetupColumn(headers[c], ImGuiTableColumnFlags_WidthStretch, std::max(widest[c], 1.0f));
    }
    ImGui::TableHeadersRow();
    // A cell's text, noted for the tests when it is wider than its column (Dear ImGui would clip it).
    const auto cell = [&](size_t row, int column, bool disabled = false) {
        const std::string& text = cells[row][column];
        ImGui::TableNextColumn();
        if (textWidth[row][column] > ImGui::GetContentRegionAvail().x + 0.5f) m_probe.NoteCutCell(text);
        if (disabled) ImGui::TextDisabled("%s", text.c_str());
        else ImGui::TextUnformatted(text.c_str());
    };
    for (size_t i = 0; i < cells.size(); ++i) {
        const auto& result = m_comparison.results[i];
        const auto& m = result.trace.metrics;
        ImGui::TableNextRow();
        cell(i, 0);
        if (!result.ok) {
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", cells[i][1].c_str());
            continue;
        }
        for (int c = 1; c < kColumns; ++c) cell(i, c, c == 2 && m.sequentialMakespan <= 0);
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
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const ImVec2 size = ImGui::GetContentRegionAvail();
    ImGui::InvisibleButton("plot", ImVec2(std::max(1.0f, size.x), std::max(1.0f, size.y)));
    // The plot's one layout (ui/scaling_plot.h), at this window's size and font: its pictures and posters are this.
    ScalingPlotView view;
    view.width = size.x;
    view.height = size.y;
    view.theme = m_view.theme;
    view.cores = m_scenario.machine.cores;
    view.background = false;
    const TextMetrics metrics = CurrentTextMetrics();
    const ScalingPlot plot = BuildScalingPicture(m_scaling, view, metrics);
    const float scale = std::max(0.25f, metrics.size / kUiFontSize);
    m_scalingSize = {size.x / scale, size.y / scale};
    m_probe.Remember("scaling_plot",
                     {p0.x + plot.left, p0.y + plot.top, plot.right - plot.left, plot.bottom - plot.top}, false);
    if (plot.empty) {
        ImGui::SetCursorScreenPos(p0);
        CentredText(m_jobs.Sweeping() || m_scalingStale ? "sweeping the number of workers..." : "no scaling data", size.y);
        ImGui::EndChild();
        return;
    }
    DrawPicture(ImGui::GetWindowDrawList(), plot.picture, p0.x, p0.y, ImGui::GetFont());
    // The point nearest the mouse, within a line's height, says what it is.
    if (ImGui::IsItemHovered()) {
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        float best = ImGui::GetFontSize();
        const PictureItem* nearest = nullptr;
        for (const PictureItem& item : plot.picture.items) {
            if (item.role != PictureRole::PlotPoint) continue;
            const float d = std::hypot(mouse.x - (p0.x + item.x0), mouse.y - (p0.y + item.y0));
            if (d < best) best = d, nearest = &item;
        }
        if (nearest) {
            m_probe.SetTooltip(nearest->text);
            ImGui::SetTooltip("%s", nearest->text.c_str());
        }
    }
    ImGui::EndChild();
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

Playground::TabPictureFn Playground::TabPicture(bool embedded, std::string& why) const {
    switch (m_view.tab) {
        case Tab::Timeline: {
            std::vector<PictureSection> sections;
            if (!embedded) {
                sections = m_timeline.PictureSections();
            } else if (m_haveTrace) {
                // What the link's reader simulates: the run, and a pinned run that travels in the link as its
                // scenario; the lanes a story step shows.
                // The groups folded as the link folds them.
                const std::vector<std::string>& lanes = m_timeline.LaneFilter();
                const std::vector<std::string>& folded = m_timeline.CollapsedGroups();
                sections.push_back({&m_trace, RunSectionTitle(false), TrackIdsNamed(m_trace, lanes),
                                    TracksFlaggedByName(m_trace, folded)});
                if (m_havePinned && m_pinnedFromScenario)
                    sections.push_back({&m_pinnedTrace, PinnedSectionTitle(), TrackIdsNamed(m_pinnedTrace, lanes),
                                        TracksFlaggedByName(m_pinnedTrace, folded)});
            }
            if (sections.empty()) {
                why = "no run to draw yet";
                return {};
            }
            return [sections = std::move(sections)](const PictureView& view, const TextMetrics& metrics) {
                return BuildPicture(sections, view, metrics);
            };
        }
        case Tab::Compare: {
            if (!m_haveComparison || m_compareTimeline.Sections() == 0) {
                why = m_haveComparison ? "no model is shown" : "the models are still being compared";
                return {};
            }
            return [sections = m_compareTimeline.PictureSections()](const PictureView& view, const TextMetrics& metrics) {
                return BuildPicture(sections, view, metrics);
            };
        }
        case Tab::Scaling: {
            const bool computed = std::any_of(m_scaling.begin(), m_scaling.end(), [](const ScalingSeries& s) {
                return std::any_of(s.makespan.begin(), s.makespan.end(), [](int64_t v) { return v > 0; });
            });
            if (!computed) {
                why = "the number of workers is still being swept";
                return {};
            }
            return [series = m_scaling, cores = m_scenario.machine.cores](const PictureView& view,
                                                                          const TextMetrics& metrics) {
                ScalingPlotView plot;
                plot.width = view.width;
                plot.height = view.height > 0 ? view.height : float(kPosterHeight);
                plot.theme = view.theme;
                plot.cores = cores;
                return BuildScalingPicture(series, plot, metrics).picture;
            };
        }
    }
    why = "no such tab";
    return {};
}

bool Playground::SavePicture(bool png) {
    std::string why;
    const TabPictureFn build = TabPicture(false, why);
    if (!build) {
        m_notice = "nothing to save: " + why;
        return false;
    }
    // The tab as it is on screen (its range, theme and highlighted task, every lane, the arrows if shown)
    // (ui/picture.h).
    PictureView view;
    view.range = m_view.visible;
    view.theme = m_view.theme;
    view.selectedTask = m_view.selectedTask;
    view.arrows = (m_view.tab == Tab::Compare ? m_compareTimeline : m_timeline).ShowArrows();
    const float scale = std::max(0.25f, ImGui::GetFontSize() / kUiFontSize);
    if (m_view.tab == Tab::Scaling) {
        // The plot as big as on screen, in units of content scale 1 (the picture's).
        if (m_scalingSize[0] > 1 && m_scalingSize[1] > 1) view.width = m_scalingSize[0], view.height = m_scalingSize[1];
    } else {
        // The lanes as wide as on screen, so spans fold as they do here. Before the timeline has been drawn (tests,
        // a first frame) the picture's default width.
        const float lanesOnScreen = (m_view.tab == Tab::Compare ? m_compareTimeline : m_timeline).LanesRect()[2];
        if (lanesOnScreen > 1) view.lanesWidth = lanesOnScreen / scale;
    }
    const char* suffix = m_view.tab == Tab::Compare ? "-compare" : m_view.tab == Tab::Scaling ? "-scaling" : "";
    const std::string fileName =
        PictureFileName((m_view.preset.empty() ? m_scenario.name : m_view.preset) + suffix, png ? "png" : "svg");
    const auto picture = [&](const TextMetrics& metrics) { return build(view, metrics); };
    std::string bytes, error;
    int width = 0, height = 0;
    if (png) {
        if (!PicturePng(picture, bytes, error)) {
            m_notice = "could not draw the PNG: " + error;
            return false;
        }
        PngSize(bytes, width, height);
    } else {
        bytes = PictureSvg(picture);
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
    const char* what = m_view.tab == Tab::Compare ? "The compared models as on screen"
                       : m_view.tab == Tab::Scaling ? "The scaling plot as on screen"
                                                    : "The timeline as on screen";
    ButtonHint((std::string(what) + ", as a vector picture (SVG)").c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("Save PNG")) SavePicture(true);
    Remember("save_png");
    ButtonHint((std::string(what) + ", as an image (PNG)").c_str());
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
    const std::string figures = scenario::FormatRatio(ratio >= 1 ? ratio : 1 / ratio) + (ratio >= 1 ? " faster" : " slower");
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
    m_jobs.DropPinned();  // a link's pinned run still being simulated would replace this one when done
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
    m_jobs.DropPinned();
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
            if (m_haveComparison) PictureButtons();
            CompareTable();
            break;
        case Tab::Scaling:
            PictureButtons();
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
