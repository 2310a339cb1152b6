#include "ui/test_probe.h"

#include <algorithm>

namespace interleave::ui {

void TestProbe::BeginFrame() {
    m_widgets.clear();
    m_scrollingWidgets.clear();
    m_tooltip.clear();
    m_cutCells.clear();
}

void TestProbe::Remember(const std::string& id, const Rect& rect, bool scrolls) {
    m_widgets[id] = rect;
    if (scrolls) m_scrollingWidgets.insert(id);
}

void TestProbe::ForgetPrefix(std::string_view prefix) {
    std::erase_if(m_widgets, [prefix](const auto& widget) { return widget.first.starts_with(prefix); });
}

TestProbe::Rect TestProbe::RectOf(const std::string& id) const {
    const auto found = m_widgets.find(id);
    return found == m_widgets.end() ? Rect{0, 0, 0, 0} : found->second;
}

void TestProbe::WriteTo(nlohmann::json& state) const {
    nlohmann::json widgets = nlohmann::json::object();
    for (const auto& [id, r] : m_widgets)
        widgets[id] = {r[0], r[1], r[2], r[3]};
    state["widgets"] = widgets;
    state["scrolling_widgets"] = m_scrollingWidgets;
    state["hover_tooltip"] = m_tooltip;
    state["scenario_overflow_x"] = m_scenarioOverflowX;
    state["cut_table_cells"] = m_cutCells;
}

double WorkMsP90(std::vector<float> workMs) {
    if (workMs.empty()) return 0;
    const size_t k = workMs.size() * 9 / 10;
    std::nth_element(workMs.begin(), workMs.begin() + std::ptrdiff_t(k), workMs.end());
    return workMs[k];
}

}  // namespace interleave::ui
