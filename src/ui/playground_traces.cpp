// [SECTION] Index
//   Titles .......... a file's name as its section shows it (a stranger's text)
//   Opening ......... OpenTrace, RefuseTrace, OpenScenarioFile, CloseOpenedTrace and the job that reads a file
//   Controls ........ the results panel's "Open trace..." button and a line per opened file
//
// Compare across traces: trace files opened beside the run, on the timeline's one time axis, as the pinned run is.
// A real run's trace next to the simulation of the same scenario, or two files next to each other.
#include <imgui.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "trace/trace_json.h"
#include "ui/playground.h"
#include "ui/widgets.h"

namespace interleave::ui {

// [SECTION] Titles

std::string OpenedTraceTitle(std::string_view fileName) {
    // The browser gives a bare name; a native drop gives a path.
    const size_t slash = fileName.find_last_of("/\\");
    if (slash != std::string_view::npos) fileName.remove_prefix(slash + 1);
    constexpr size_t kMaxBytes = 48;
    std::string title;
    for (size_t i = 0; i < fileName.size(); ++i) {
        const auto c = static_cast<unsigned char>(fileName[i]);
        // A character starts at any byte that is not a UTF-8 continuation byte: cut only there.
        if ((c & 0xC0) != 0x80 && title.size() >= kMaxBytes) {
            title.append("...");
            break;
        }
        title.push_back(c < 0x20 || c == 0x7F ? '?' : char(c));
    }
    return title.empty() ? std::string("trace") : title;
}

// [SECTION] Opening

namespace {
std::string Mebibytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", bytes / double(size_t{1} << 20));
    return text;
}
}  // namespace

bool Playground::OpenTrace(std::string fileName, std::string text) {
    const std::string title = OpenedTraceTitle(fileName);
    if (m_opened.size() + m_jobs.Reading() >= kMaxOpenedTraces) {
        RefuseTrace(fileName, "at most " + std::to_string(kMaxOpenedTraces) +
                                  " trace files are open at once; close one (its Close button) first");
        return false;
    }
    if (RefuseOversizedTrace(fileName, double(text.size()))) return false;
    m_jobs.Read(title, std::move(text));
    return true;
}

bool Playground::RefuseOversizedTrace(std::string_view fileName, double bytes) {
    if (!(bytes > double(kMaxOpenedTraceBytes))) return false;  // NaN (a page's garbage) is not "too large"
    RefuseTrace(fileName, "the file is " + Mebibytes(bytes) + ", larger than the playground opens (" +
                              Mebibytes(double(kMaxOpenedTraceBytes)) + "); cut the run shorter");
    return true;
}

void Playground::RefuseTrace(std::string_view fileName, std::string_view why) {
    m_openErrorTitle = OpenedTraceTitle(fileName);
    m_openError = "Could not open the trace " + m_openErrorTitle + ": " + std::string(why) + ".";
}

bool Playground::OpenScenarioFile(std::string_view fileName, const std::string& text, std::string& why) {
    std::string state;
    if (text.empty()) {
        why = "the file is empty";  // a link's empty scenario means "none"; a file's, nothing to open
    } else {
        try {
            state = nlohmann::json{{"preset", ""}, {"scenario", text}}.dump();  // the link's form (view_state.cpp)
        } catch (const nlohmann::json::exception&) {  // dump() refuses text that is not UTF-8
            why = "it is not UTF-8 text";
        }
    }
    if (!state.empty() && ApplyViewStateJson(state, why)) {
        m_openError.clear();
        return true;
    }
    RefuseScenarioFile(fileName, why);
    return false;
}

void Playground::RefuseScenarioFile(std::string_view fileName, std::string_view why) {
    m_openErrorTitle.clear();  // no opened trace's title: opening a trace does not take this error away
    m_openError = "Could not open the scenario " + OpenedTraceTitle(fileName) + ": " + std::string(why) + ".";
}

void Playground::CloseOpenedTrace(size_t index) {
    if (index >= m_opened.size()) return;
    m_opened.erase(m_opened.begin() + std::ptrdiff_t(index));
    // At once, not at the next frame's rebuild: the timelines hold a pointer to the trace just freed.
    RebuildTimelines();
}

void Playground::TakeReadTrace(Jobs::FinishedRead read) {
    if (!read.ok) {
        RefuseTrace(read.title, read.error);
        return;
    }
    auto opened = std::make_unique<OpenedTrace>();
    opened->title = std::move(read.title);
    opened->trace = std::move(read.trace);
    if (m_openErrorTitle == opened->title) m_openError.clear();
    m_opened.push_back(std::move(opened));
    m_timelinesStale = true;
    m_fitPending = true;  // the file may be longer than the run on screen
}

double Playground::OpeningProgress() const { return m_jobs.ReadingProgress(); }

// [SECTION] Controls

void Playground::OpenedTraceControls() {
    if (m_settings.pickTraceFiles) {
        // Beside Pin this run when it fits (after the pinned run's wrapped line it starts a line of its own).
        if (m_haveTrace && !m_havePinned) SameLineIfFits(ButtonWidth("Open trace..."));
        if (ImGui::SmallButton("Open trace...")) m_settings.pickTraceFiles();
        Remember("open_trace");
        ButtonHint("Open trace files (Interleave's JSON or Chrome's) beside this run, on one time axis: a real run's, "
                   "another scenario's, or the exported Python program's. You can also drop them on the page");
        if (m_jobs.Reading() > 0) {
            ImGui::SameLine();
            ImGui::TextDisabled("reading %d file%s: %d%%", int(m_jobs.Reading()), m_jobs.Reading() == 1 ? "" : "s",
                                int(100 * OpeningProgress()));
        }
    }
    for (size_t i = 0; i < m_opened.size(); ++i) {
        ImGui::PushID(int(i));
        const bool close = ImGui::SmallButton("Close");
        Remember(("close_trace_" + std::to_string(i)).c_str());
        ButtonHint("Take this file off the timeline");
        ImGui::SameLine();
        // The title is a stranger's file name: drawn as text, never as a format string.
        const OpenedTrace& opened = *m_opened[i];
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        TextWrappedAtSpaces(OpenedComparison(opened.title, opened.trace.metrics.makespan,
                                             m_haveTrace ? m_trace.metrics.makespan : 0));
        ImGui::PopStyleColor();
        ImGui::PopID();
        if (close) {
            CloseOpenedTrace(i);
            break;  // the rest move up a place: drawn next frame
        }
    }
}

}  // namespace interleave::ui
