#include "ui/share_links.h"

#include <algorithm>

#include "scenario/presets.h"

namespace interleave::ui {

ViewState LinkViewState(ViewState view,
                        const scenario::Scenario& scenario,
                        const scenario::Model& storyBaseModel,
                        const scenario::Scenario* pinnedScenario,
                        const std::string& pinnedPreset) {
    if (view.storyStep >= 0) {
        scenario::Scenario base = scenario;
        base.model = storyBaseModel;
        view.scenarioJson = scenario::ScenarioToJson(base);
    } else {
        view.scenarioJson = scenario::ScenarioToJson(scenario);
    }
    view.pinnedScenarioJson.clear();
    view.pinnedPreset.clear();
    if (pinnedScenario) {
        view.pinnedScenarioJson = scenario::ScenarioToJson(*pinnedScenario);
        view.pinnedPreset = pinnedPreset;
    }
    return view;
}

bool ReadLink(std::string_view json, const ViewState& current, OpenedLink& out, std::string& error) {
    ViewState state = current;
    // A range no link can hold: still there after reading, the link names no range (?step=N alone).
    const TimeRange noRange{-2, -1};
    state.visible = noRange;
    state.scenarioJson.clear();        // "the link names a scenario" below means this link, not an earlier one
    state.pinnedScenarioJson.clear();  // ...and so for its pinned run
    if (!ViewStateFromJson(json, state, error)) return false;
    // Every part is checked before the caller changes anything: a link refused for its pinned run leaves the view.
    std::optional<scenario::Scenario> pinned;
    if (!state.pinnedScenarioJson.empty()) {
        scenario::ParseError parseError;
        pinned = scenario::ParseScenario(state.pinnedScenarioJson, parseError);
        if (!pinned) {
            error = "pinned run: scenario: " + parseError.Message();
            return false;
        }
        if (!state.pinnedPreset.empty() && !scenario::FindPreset(state.pinnedPreset)) {
            error = "pinned run: no preset is called '" + state.pinnedPreset + "'";
            return false;
        }
    }
    std::optional<scenario::Scenario> named;
    if (!state.scenarioJson.empty()) {
        scenario::ParseError parseError;
        named = scenario::ParseScenario(state.scenarioJson, parseError);
        if (!named) {
            error = "scenario: " + parseError.Message();
            return false;
        }
    }
    out.hasRange = !(state.visible == noRange);
    if (!out.hasRange) state.visible = current.visible;
    out.state = std::move(state);
    out.scenario = std::move(named);
    out.pinned = std::move(pinned);
    return true;
}

std::string EmbedUrl(const std::string& url) {
    const size_t hash = std::min(url.find('#'), url.size());
    const size_t query = url.find('?');
    const std::string add = (query != std::string::npos && query < hash) ? "&embed" : "?embed";
    return url.substr(0, hash) + add + url.substr(hash);
}

ShareLinks::ShareLinks(MakeLinkFn makeLink,
                       std::function<void(const std::string& text)> copyToClipboard,
                       std::function<void(std::string notice)> notify)
    : m_makeLink(std::move(makeLink)), m_copyToClipboard(std::move(copyToClipboard)), m_notify(std::move(notify)) {}

void ShareLinks::Share(const std::string& viewJson) {
    if (!m_makeLink) return;
    m_pending = true;
    m_notify("making the link...");
    m_makeLink(viewJson, [this](const std::string& url) {
        m_pending = false;
        if (url.empty()) {
            m_notify("could not make a link");
            return;
        }
        m_url = url;
        if (m_copyToClipboard) m_copyToClipboard(url);
        m_notify("Link copied to the clipboard");
    });
}

void ShareLinks::MakeEmbedSnippet(const std::string& viewJson, SnippetFill fill) {
    if (!m_makeLink) return;
    m_pending = true;
    m_notify("making the snippet...");
    m_makeLink(viewJson, [this, fill = std::move(fill)](const std::string& url) {
        m_pending = false;
        if (url.empty()) {
            m_notify("could not make a link");
            return;
        }
        m_url = url;
        EmbedSnippetParts parts;
        parts.embedUrl = EmbedUrl(url);
        parts.fullUrl = url;
        m_posterNote.clear();
        if (fill) fill(parts, m_posterNote);
        m_posterBytes = parts.posterUri.size() + parts.posterNarrowUri.size();
        m_snippet = EmbedSnippet(parts);
        if (m_copyToClipboard) m_copyToClipboard(m_snippet);
        m_notify("Snippet copied to the clipboard");
        m_modalRequested = true;
    });
}

void ShareLinks::CopySnippetAgain() const {
    if (m_copyToClipboard) m_copyToClipboard(m_snippet);
}

bool ShareLinks::TakeModalRequest() {
    const bool requested = m_modalRequested;
    m_modalRequested = false;
    return requested;
}

}  // namespace interleave::ui
