#pragma once
// What the end-to-end tests measure of a frame, apart from the view's own state: where each widget was drawn, which of
// them sit in a window that scrolls, the tooltip under the pointer, how far the scenario panel's widest row passes its
// edge. The playground fills it while it draws (Playground::Remember, its views) and writes it into its test state
// (Playground::TestStateJson) under the keys tests/e2e and web/ read: "widgets", "scrolling_widgets",
// "hover_tooltip", "scenario_overflow_x". No ImGui here: what was measured is the playground's business.
#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace interleave::ui {

class TestProbe {
public:
    using Rect = std::array<float, 4>;  // x, y, w, h in ImGui coordinates (CSS pixels on the web)

    // A new frame: only the widgets drawn in it are listed, and no tooltip unless one is hovered in it.
    void BeginFrame();
    // Widget `id` was drawn at `rect`; `scrolls`: its window's content is larger than the window, so the widget may
    // lie outside it (a test scrolls to it first). Drawn again in the frame, its last place counts.
    void Remember(const std::string& id, const Rect& rect, bool scrolls);
    // Forgets the widgets whose id starts with `prefix` (rows drawn again under the same numbers: "step_remove_").
    void ForgetPrefix(std::string_view prefix);
    // Where widget `id` was drawn this frame; zeros when it was not.
    Rect RectOf(const std::string& id) const;
    bool Drawn(const std::string& id) const { return m_widgets.count(id) > 0; }

    void SetTooltip(std::string tooltip) { m_tooltip = std::move(tooltip); }
    const std::string& Tooltip() const { return m_tooltip; }
    // > 0: a row of the scenario panel is wider than the panel by this many pixels.
    void SetScenarioOverflowX(float pixels) { m_scenarioOverflowX = pixels; }
    float ScenarioOverflowX() const { return m_scenarioOverflowX; }

    // A table cell whose text is wider than its column, so Dear ImGui clips it ("720.733 ms" shown as "720.733").
    void NoteCutCell(std::string text) { m_cutCells.push_back(std::move(text)); }

    // Adds this frame's measurements to the test state `state` (a JSON object), under the names the tests read.
    void WriteTo(nlohmann::json& state) const;

private:
    std::map<std::string, Rect> m_widgets;
    std::set<std::string> m_scrollingWidgets;
    std::string m_tooltip;
    float m_scenarioOverflowX = 0;
    std::vector<std::string> m_cutCells;
};

// The 90th percentile of the simulation's slices on the UI thread (their wall-clock times in ms), 0 when none ran:
// the test state's "simulation_work_ms_p90", what the slicing decides (the longest is what the machine's load adds).
double WorkMsP90(std::vector<float> workMs);

}  // namespace interleave::ui
