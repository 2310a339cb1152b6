#pragma once
// The platform layer: the window, the GL context, Dear ImGui's backends and the main loop.
// One header, one implementation per platform, chosen in cmake/app.cmake:
//   platform_sdl_native.cpp  SDL2 + desktop OpenGL 3.3 core (X11, Wayland, or SDL_VIDEODRIVER=offscreen/EGL)
//   platform_sdl_web.cpp     SDL2 + WebGL2 (GLSL ES 3.00), driven by emscripten_set_main_loop
// This layer is the only place besides CMake where `#ifdef __EMSCRIPTEN__` may appear.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ui/touch.h"  // ui::TouchPhase: SDL-free, the app's touch hook takes it as is

namespace interleave::platform {

struct Options {
    int width = 1280;            // window size in screen coordinates (CSS pixels on the web)
    int height = 800;
    int frames = 0;              // > 0: draw this many frames, then quit (natively)
    std::string screenshot;      // with frames: write the last frame to this PNG file (natively)
    std::string title = "Interleave";
    bool embed = false;          // --embed: the compact view for an iframe (the web page passes it for ?embed)
    std::string preset;          // --preset ID: the preset to open with (the web page passes it for ?preset=ID)
    std::string view;            // --view timeline|compare|scaling|help|embed: the view to open on ("" = timeline)
    std::string theme;           // --theme dark|light ("" = dark)
    float contentScale = 0;      // --scale S: sizes and text S times larger (0: the display's, ContentScale())
    std::vector<std::string> openTraces;  // --open-trace FILE (repeatable): trace files opened beside the run
    std::string scenarioFile;    // --scenario FILE: a scenario file (docs/scenario.md) to open instead of a preset
};

// Parses the GUI options: --frames N, --screenshot FILE, --size WxH, --embed, --preset ID,
// --view NAME, --theme dark|light, --scale S, --open-trace FILE, --scenario FILE, --help.
// Returns false with a one-line message in `error` (empty for --help, after printing usage).
bool ParseOptions(int argc, char** argv, Options& options, std::string& error);

struct App {
    std::function<void()> frame;                 // draws one frame of ImGui windows (between NewFrame/Render)
    std::function<std::string()> testStateJson;  // the e2e test hook (exported to JavaScript on the web)
    // The share link's payload (web exports: interleave_get_view_state / interleave_apply_view_state).
    std::function<std::string()> viewStateJson;
    std::function<std::string(const std::string& json)> applyViewState;  // "" or why the state was refused
    std::function<void(const std::string& message)> showLinkError;       // the page could not decode its link
    // Natively, with Options::frames: while this says true (simulations still running) frames are not
    // counted, for up to a minute, so a scripted screenshot shows the finished view.
    std::function<bool()> busy;
    // Called once before the first frame and before every NewFrame, after the backend has set
    // io.DisplayFramebufferScale: loads or rebuilds the font atlas (ui::PrepareFonts) and says whether it
    // changed; then the platform uploads the font texture again. Unset: Dear ImGui's built-in font.
    std::function<bool()> prepareFonts;
    // A finger went down, moved or went up at (x, y) in ImGui's coordinates (sdl_events.h). Returns whether two
    // fingers pinch now: meanwhile the mouse SDL emulates from the first finger does not reach ImGui.
    std::function<bool(int64_t finger, float x, float y, ui::TouchPhase phase)> touch;
    // A trace file the user opened. Natively its path (dropped on the window), which the app reads. On the web its
    // name and text (web/loader.js: the page's file picker, or a file dropped on the page), or why the page could not
    // read it.
    std::function<void(const std::string& path)> openTraceFile;
    std::function<void(const std::string& name, std::string text)> openTraceText;
    std::function<void(const std::string& name, const std::string& why)> refuseTrace;
    // Asked before the page reads a file of `bytes` bytes: true when the app refused it (too large), saying why.
    std::function<bool(const std::string& name, double bytes)> refuseOversizedTrace;
};

// The content scale for PlaygroundSettings::contentScale: --scale when given; natively, else, the primary
// display's DPI over 96 when above 120 DPI (X11 screens report no framebuffer scale: their pixels are ImGui's
// units), in quarters; 1 on the web, where the browser's devicePixelRatio is the framebuffer scale and the fonts
// follow it (ui/fonts.h) while sizes stay in CSS pixels.
float ContentScale(const Options& options);

// Asks the user for trace files to open (PlaygroundSettings::pickTraceFiles): on the web the page's file picker, whose
// files arrive through App::openTraceText. Natively empty (no dialog: a file is dropped on the window instead).
std::function<void()> TraceFilePicker();

// Copies text to the clipboard (SDL natively; the browser's clipboard API on the web).
void CopyToClipboard(const std::string& text);

// Gives bytes to the user as a file named `fileName`: natively written to the working directory, on the web offered
// as a download. `where` names the file, or says why it could not be written. PlaygroundSettings::saveFile.
bool SaveFile(const std::string& fileName, const std::string& bytes, const char* mimeType, std::string& where);

// Makes a share link for the view state (JSON). The web encodes it in the URL fragment in JavaScript
// (web/loader.js: #v1.<base64url(deflate-raw(json))>) and calls `done` later with the playground URL;
// natively there is no page, so `done` gets the JSON itself. "" on failure.
void MakeShareLink(const std::string& viewJson, std::function<void(const std::string& url)> done);

// Opens the window and runs the main loop, calling app.frame once a frame. Natively returns the exit
// code when the window closes (or after options.frames); on the web it never returns.
int Run(const Options& options, App app);

// Writes 8-bit RGBA pixels (rows top to bottom) as a PNG (stored deflate, no compression library).
bool WritePng(const std::string& path, int width, int height, const unsigned char* rgba);

}  // namespace interleave::platform
