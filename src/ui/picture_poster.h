#pragma once
// Posters: a small picture of a view's timeline that an embed shows before it loads, and that a reader without
// JavaScript, an RSS reader or a printed page sees instead of the live view. A preset's poster is an SVG file made at
// build time (scripts/build-web.sh: `interleave sim PRESET --svg`); a shared view's goes into the Embed button's
// snippet as a data: URI. docs/authoring.md describes the snippet.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"
#include "ui/picture.h"

namespace interleave::ui {

// A poster as big as an embed (the snippet's iframe is 420 px tall) and the most a snippet may carry (bytes of the
// data: URI): a poster that does not fit at any of the widths tried is left out.
inline constexpr int kPosterHeight = 420;
inline constexpr size_t kMaxPosterUriBytes = 96 * 1024;
// The name of a snippet's iframe whose poster is below it (web/loader.js reads window.name).
inline constexpr const char* kPosterBelowFrameName = "interleave-poster-below";

// `svg` as a data: URI that can stand in a double-quoted HTML attribute or a srcset: every byte that is not a URL's
// plain character (quotes, < > &, %, #, whitespace, controls, non-ASCII) is percent-encoded.
std::string SvgDataUri(std::string_view svg);

// What a poster shows: the view's range (empty: the whole run), its lanes (a story step's; empty: every lane), its
// theme and highlighted task.
struct PosterView {
    TimeRange range{0, 0};
    std::vector<trace::TrackId> tracks;
    Theme theme = Theme::Dark;
    trace::TaskId selectedTask;
};

// What a poster draws at a given width, kPosterHeight tall, laid out with the given text metrics: a tab's picture
// (Playground::TabPicture: a timeline's sections, the compared models, the scaling plot). Posters leave the causality
// arrows out: a poster is a glance at 400-760 px, where they are clutter, and they double a dense run's bytes
// (blog_cpu_threads at 760x420: 40 KB without, 84 KB with), which a snippet's 96 KB bound would pay for with the
// phone's poster.
using PosterPicture = std::function<Picture(float width, const TextMetrics& metrics)>;

// The poster of `trace` as `view` asks (without arrows), as a data: URI, at most kMaxPosterUriBytes: drawn
// kPosterHeight tall at the widest of a few widths whose URI fits; "" with why in `why` when none fits.
std::string PosterDataUri(const trace::Trace& trace, const PosterView& view, std::string& why);

// A shared view's posters for a snippet: `wide` (760 or 560 px wide) and `narrow` (400 px, for a phone's column; ""
// when only one fits, then `wide` is the 400 px one), data: URIs of at most kMaxPosterUriBytes together, and the
// picture's background colour ("#rrggbb"). False with why when not even the narrow one fits.
struct Poster {
    std::string wide, narrow, background;
};
bool MakePoster(const PosterPicture& picture, Theme theme, Poster& out, std::string& why);

struct EmbedSnippetParts {
    std::string embedUrl;          // the iframe's src (the playground link with ?embed)
    std::string fullUrl;           // the full playground on the same view: the poster links there
    std::string title;             // "Interleave: <scenario name>" (a stranger's text: escaped here)
    std::string posterUri;         // PosterDataUri() or Poster::wide; "" for none (then the plain iframe)
    std::string posterNarrowUri;   // Poster::narrow: shown at widths up to 560 px ("" for none)
    std::string posterBackground;  // CSS colour behind the poster where it does not fill the frame ("" for none)
};

// The snippet the Embed button copies: the iframe over its poster. Without JavaScript (the iframe's page then stays
// transparent), in an RSS reader (which drops the iframe) and in print, the poster is what is seen; with it, the
// embed's placeholder shows the poster through and its Load button over it until the live view covers both. Every
// value is escaped for a double-quoted HTML attribute.
std::string EmbedSnippet(const EmbedSnippetParts& parts);

}  // namespace interleave::ui
