// The command line's pictures (`interleave sim --svg/--png`, src/cli) are drawn by the UI layer, which the cli layer
// must not depend on (its tests run as wasm under node without Dear ImGui). The app links both: this file hands the
// UI's renderers to the command line before main() runs. A static object in the executable itself (not in a
// library) is always linked, so the hand-over cannot be dropped by the linker.
#include "ui/picture_export.h"
#include "cli/cli.h"

namespace {

interleave::ui::PictureView ViewOf(const interleave::cli::PictureRequest& request) {
    interleave::ui::PictureView view;
    view.range = {double(request.startNs), double(request.endNs)};
    view.tracks = request.tracks;
    for (const interleave::trace::TrackId track : request.collapsed) {
        if (!track.Valid()) continue;
        if (view.collapsed.size() <= track.Index()) view.collapsed.resize(track.Index() + 1, false);
        view.collapsed[track.Index()] = true;
    }
    view.width = float(request.width);
    view.height = float(request.height);
    view.theme = request.light ? interleave::ui::Theme::Light : interleave::ui::Theme::Dark;
    view.arrows = request.arrows;
    return view;
}

[[maybe_unused]] const bool kRegistered = [] {
    interleave::cli::PictureRenderers renderers;
    renderers.svg = [](const interleave::trace::Trace& trace, const interleave::cli::PictureRequest& request) {
        return interleave::ui::PictureSvg(trace, ViewOf(request));
    };
    renderers.png = [](const interleave::trace::Trace& trace, const interleave::cli::PictureRequest& request,
                       std::string& png,
                       std::string& error) { return interleave::ui::PicturePng(trace, ViewOf(request), png, error); };
    interleave::cli::SetPictureRenderers(std::move(renderers));
    return true;
}();

}  // namespace
