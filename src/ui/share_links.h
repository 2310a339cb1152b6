#pragma once
// Share links and the embed snippet, apart from their drawing: what a link carries of the view (LinkViewState), a link
// read back and checked before anything on screen changes (ReadLink), and the Share / Embed buttons' state (ShareLinks:
// the last link, the link being made, the snippet and its poster, the opening link's problem). No ImGui here: the
// buttons, the snippet's modal and the banner are drawn in playground_share.cpp.
//
// A link comes from a stranger: ReadLink reads it through ViewStateFromJson and the scenario parser only, and a link
// refused for any part of it changes nothing.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "scenario/scenario.h"
#include "ui/picture_poster.h"
#include "ui/view_state.h"

namespace interleave::ui {

// Turns the view state (JSON) into a share link, maybe later (the web encodes it asynchronously in JS);
// `done` gets the full playground URL, or "" on failure.
using MakeLinkFn = std::function<void(const std::string& viewJson, std::function<void(const std::string& url)> done)>;

// The view state a link carries: `view` (with the timeline's own settings already in it), the scenario on screen
// (with `storyBaseModel` when the view is on a story step, since a step's model switch is the step's: the link reopens
// on the same step), and the pinned run as the scenario that made it and its preset (`pinnedScenario` null when no
// pinned run came from a scenario).
ViewState LinkViewState(ViewState view,
                        const scenario::Scenario& scenario,
                        const scenario::Model& storyBaseModel,
                        const scenario::Scenario* pinnedScenario,
                        const std::string& pinnedPreset);

// A link read back over the view on screen (keys the link lacks keep the current values).
struct OpenedLink {
    ViewState state;
    bool hasRange = false;                       // the link names its visible range (else state.visible is current's)
    std::optional<scenario::Scenario> scenario;  // the link's scenario, when it names one
    std::optional<scenario::Scenario> pinned;    // the scenario of its pinned run, when it carries one
};
// False with why in `error` (nothing to change then): JSON that is malformed or wrongly typed, a scenario or a pinned
// run's scenario the parser refuses ("scenario: ...", "pinned run: scenario: ..."), a pinned preset that is not one.
bool ReadLink(std::string_view json, const ViewState& current, OpenedLink& out, std::string& error);

// The playground link with `embed` added to its query, before any fragment (the iframe's src).
std::string EmbedUrl(const std::string& url);

class ShareLinks {
public:
    // `notify` shows a line of progress ("making the link...", "Link copied to the clipboard"); makeLink empty: no
    // links at all (the buttons are hidden).
    ShareLinks(MakeLinkFn makeLink,
               std::function<void(const std::string& text)> copyToClipboard,
               std::function<void(std::string notice)> notify);

    bool Available() const { return bool(m_makeLink); }
    // The Share button: a link to `viewJson`, copied to the clipboard when it arrives.
    void Share(const std::string& viewJson);
    // The Embed button: a link to `viewJson`, then the snippet around it, copied, with its modal asked for. `fill`
    // gives the snippet's title and poster when the link arrives (the view as it is then); it leaves the poster empty
    // with why in `posterNote` when there is none.
    using SnippetFill = std::function<void(EmbedSnippetParts& parts, std::string& posterNote)>;
    void MakeEmbedSnippet(const std::string& viewJson, SnippetFill fill);
    void CopySnippetAgain() const;

    // A link asked for and not yet made.
    bool Pending() const { return m_pending; }
    const std::string& Url() const { return m_url; }  // the last link made, "" before one
    const std::string& Snippet() const { return m_snippet; }
    std::string& SnippetText() { return m_snippet; }  // for a read-only text box, which takes a char buffer
    const std::string& PosterNote() const { return m_posterNote; }
    size_t PosterBytes() const { return m_posterBytes; }

    // The snippet's modal: asked for once per snippet (TakeModalRequest), and whether it was open in the last frame.
    bool TakeModalRequest();
    void SetModalOpen(bool open) { m_modalOpen = open; }
    bool ModalOpen() const { return m_modalOpen; }

    // A problem with the link that opened the page (the banner, the test state's "error").
    void ShowLinkError(std::string message) { m_linkError = std::move(message); }
    void ClearLinkError() { m_linkError.clear(); }
    const std::string& LinkError() const { return m_linkError; }

private:
    MakeLinkFn m_makeLink;
    std::function<void(const std::string& text)> m_copyToClipboard;
    std::function<void(std::string notice)> m_notify;
    bool m_pending = false;
    std::string m_url;
    std::string m_snippet;
    std::string m_posterNote;  // why the last snippet has no poster ("" when it has one)
    size_t m_posterBytes = 0;
    bool m_modalRequested = false;
    bool m_modalOpen = false;
    std::string m_linkError;
};

}  // namespace interleave::ui
