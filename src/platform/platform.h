#pragma once
// The platform layer: the window, the GL context, Dear ImGui's backends and the main loop.
// One header, one implementation per platform, chosen in cmake/app.cmake:
//   platform_sdl_native.cpp  SDL2 + desktop OpenGL 3.3 core (X11, Wayland, or SDL_VIDEODRIVER=offscreen/EGL)
//   platform_sdl_web.cpp     SDL2 + WebGL2 (GLSL ES 3.00), driven by emscripten_set_main_loop
// This layer is the only place besides CMake where `#ifdef __EMSCRIPTEN__` may appear.
#include <functional>
#include <string>

namespace interleave::platform {

struct Options {
    int width = 1280;            // window size in screen coordinates (CSS pixels on the web)
    int height = 800;
    int frames = 0;              // > 0: draw this many frames, then quit (natively)
    std::string screenshot;      // with frames: write the last frame to this PNG file (natively)
    std::string title = "Interleave";
};

// Parses the GUI options: --frames N, --screenshot FILE, --size WxH, --help.
// Returns false with a one-line message in `error` (empty for --help, after printing usage).
bool ParseOptions(int argc, char** argv, Options& options, std::string& error);

struct App {
    std::function<void()> frame;                 // draws one frame of ImGui windows (between NewFrame/Render)
    std::function<std::string()> testStateJson;  // the e2e test hook (exported to JavaScript on the web)
};

// Opens the window and runs the main loop, calling app.frame once a frame. Natively returns the exit
// code when the window closes (or after options.frames); on the web it never returns.
int Run(const Options& options, App app);

// Writes 8-bit RGBA pixels (rows top to bottom) as a PNG (stored deflate, no compression library).
bool WritePng(const std::string& path, int width, int height, const unsigned char* rgba);

}  // namespace interleave::platform
