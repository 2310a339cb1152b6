#pragma once
// The native command line: `interleave sim|compare|...`. Platform-free; app/main.cpp dispatches here.
// Exit codes and what every command shares: cli/cli_io.h, docs/cli.md.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace interleave::cli {
// `sim --svg/--png`: the picture the command line asks for, checked (docs/cli.md, docs/pictures.md).
struct PictureRequest {
    int64_t startNs = 0;             // the time range drawn, ns
    int64_t endNs = 0;               // <= startNs: the whole run
    std::vector<trace::TrackId> tracks;     // the lanes to draw; empty: every lane
    std::vector<trace::TrackId> collapsed;  // the groups folded into one summary row, as the playground folds them
    int width = 1280;                       // pixels (ImGui units)
    int height = 0;                         // 0: as tall as the lanes need
    bool light = false;                     // the light theme
    bool arrows = true;                     // the causality arrows, as the live view shows them by default
};
inline constexpr int kMinPictureSide = 64;    // the same bounds as ui/picture.h
inline constexpr int kMaxPictureSide = 8192;
// Pictures are drawn by the UI layer (fonts, Dear ImGui), which this layer must not depend on: the app hands in
// the renderers (src/app/picture_export.cpp). Without them --svg and --png are refused.
struct PictureRenderers {
    std::function<std::string(const trace::Trace&, const PictureRequest&)> svg;
    std::function<bool(const trace::Trace&, const PictureRequest&, std::string& png, std::string& error)> png;
};
void SetPictureRenderers(PictureRenderers renderers);
// "--lanes" against a trace: comma-separated lane names or name prefixes (a name matches itself only if some lane
// has exactly that name, else every lane whose name starts with it). The tracks in trace order; false and why if
// an entry is empty or matches nothing. `option` names the option in the error ("--lanes", "--collapse").
bool SelectLanes(const trace::Trace& trace,
                 const std::string& spec,
                 std::vector<trace::TrackId>& tracks,
                 std::string& error,
                 std::string_view option = "--lanes");
// The same for entries already apart (a story step's lanes, which may hold a comma).
bool SelectLanes(const trace::Trace& trace,
                 const std::vector<std::string>& entries,
                 std::vector<trace::TrackId>& tracks,
                 std::string& error,
                 std::string_view option = "--lanes");
// "--range START..END" (durations as in scenarios: 10ms..250ms; END may be left out: to the end). False and why.
bool ParseRange(const std::string& text, int64_t& startNs, int64_t& endNs, std::string& error);
// "--size WxH": each side kMinPictureSide to kMaxPictureSide. False and why.
bool ParsePictureSize(const std::string& text, int& width, int& height, std::string& error);

// True when argv[1] names a command-line subcommand rather than a GUI flag.
bool IsCommand(int argc, char** argv);
// Runs the subcommand; returns the process exit code (see docs/cli.md).
int Main(int argc, char** argv);
// The same for `args` (the command and its arguments, without the program's name), printing to `out`
// (results, --help) and `err` (errors) instead of stdout and stderr.
int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);
}  // namespace interleave::cli
