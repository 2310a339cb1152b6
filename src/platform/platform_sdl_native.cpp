// Native platform: SDL2 window + OpenGL 3.3 core context, Dear ImGui's SDL2/OpenGL3 backends, and a plain
// main loop. Works under X11/Wayland, under Xvfb, and with SDL_VIDEODRIVER=offscreen (EGL, no X server).
// GL entry points we call ourselves are fetched with SDL_GL_GetProcAddress, so nothing links libGL
// directly (the offscreen driver has only EGL).
#include <SDL.h>
#include <SDL_opengl.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl2.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "platform/gl_timeline.h"
#include "platform/platform.h"
#include "platform/sdl_events.h"
#include "ui/picture_export.h"

namespace interleave::platform {

namespace {

struct GlFunctions {
    void(APIENTRY* Viewport)(GLint, GLint, GLsizei, GLsizei) = nullptr;
    void(APIENTRY* ClearColor)(GLfloat, GLfloat, GLfloat, GLfloat) = nullptr;
    void(APIENTRY* Clear)(GLbitfield) = nullptr;
    void(APIENTRY* ReadPixels)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void*) = nullptr;
    void(APIENTRY* PixelStorei)(GLenum, GLint) = nullptr;
    void(APIENTRY* ReadBuffer)(GLenum) = nullptr;
    void(APIENTRY* Finish)() = nullptr;

    bool Load() {
        Viewport = reinterpret_cast<decltype(Viewport)>(SDL_GL_GetProcAddress("glViewport"));
        ClearColor = reinterpret_cast<decltype(ClearColor)>(SDL_GL_GetProcAddress("glClearColor"));
        Clear = reinterpret_cast<decltype(Clear)>(SDL_GL_GetProcAddress("glClear"));
        ReadPixels = reinterpret_cast<decltype(ReadPixels)>(SDL_GL_GetProcAddress("glReadPixels"));
        PixelStorei = reinterpret_cast<decltype(PixelStorei)>(SDL_GL_GetProcAddress("glPixelStorei"));
        ReadBuffer = reinterpret_cast<decltype(ReadBuffer)>(SDL_GL_GetProcAddress("glReadBuffer"));
        Finish = reinterpret_cast<decltype(Finish)>(SDL_GL_GetProcAddress("glFinish"));
        return Viewport && ClearColor && Clear && ReadPixels && PixelStorei && ReadBuffer && Finish;
    }
};

bool SaveScreenshot(const GlFunctions& gl, const std::string& path, int width, int height) {
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * static_cast<size_t>(height) * 4);
    gl.Finish();
    gl.ReadBuffer(GL_BACK);
    gl.PixelStorei(GL_PACK_ALIGNMENT, 1);
    gl.ReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // GL rows run bottom to top; PNG rows top to bottom. The window is opaque: force alpha to 255.
    std::vector<unsigned char> flipped(pixels.size());
    const size_t row = static_cast<size_t>(width) * 4;
    for (int y = 0; y < height; ++y) {
        const unsigned char* src = pixels.data() + row * static_cast<size_t>(height - 1 - y);
        unsigned char* dst = flipped.data() + row * static_cast<size_t>(y);
        for (size_t i = 0; i < row; i += 4) {
            dst[i] = src[i];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i + 2];
            dst[i + 3] = 255;
        }
    }
    return WritePng(path, width, height, flipped.data());
}

// Physical pixels per window coordinate (2 on a Retina-style display; 1 on X11, which scales nothing).
ImVec2 FramebufferScale(SDL_Window* window) {
    int width = 0, height = 0, drawableWidth = 0, drawableHeight = 0;
    SDL_GetWindowSize(window, &width, &height);
    SDL_GL_GetDrawableSize(window, &drawableWidth, &drawableHeight);
    if (width <= 0 || height <= 0) return ImVec2(1, 1);
    return ImVec2(float(drawableWidth) / float(width), float(drawableHeight) / float(height));
}

// Between frames: new glyphs when the content scale or the pixel density changed (the window went to another
// screen), uploaded once.
void UpdateFonts(const App& app) {
    if (app.prepareFonts && app.prepareFonts()) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
}

}  // namespace

float ContentScale(const Options& options) {
    if (options.contentScale > 0) return options.contentScale;
    // SDL counts its subsystems: this start and stop leave Run()'s SDL_Init unaffected.
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) return 1.0f;
    float dpi = 0;
    float scale = 1.0f;
    if (SDL_GetDisplayDPI(0, &dpi, nullptr, nullptr) == 0 && dpi > 120.0f)
        scale = std::round(dpi / 96.0f * 4.0f) / 4.0f;
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return std::clamp(scale, 1.0f, 4.0f);
}

int Run(const Options& options, App app) {
    SDL_SetHint(SDL_HINT_VIDEO_HIGHDPI_DISABLED, "0");
    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        std::fprintf(stderr, "interleave: cannot start SDL video: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 8);

    Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
    if (options.frames > 0) flags |= SDL_WINDOW_SHOWN;
    SDL_Window* window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                          options.width, options.height, flags);
    if (!window) {
        std::fprintf(stderr, "interleave: cannot open a window: %s\n", SDL_GetError());
        SDL_Quit();
        return 1;
    }
    SDL_GLContext context = SDL_GL_CreateContext(window);
    if (!context) {
        std::fprintf(stderr, "interleave: cannot create an OpenGL 3.3 core context: %s\n", SDL_GetError());
        SDL_DestroyWindow(window);
        SDL_Quit();
        return 1;
    }
    SDL_GL_MakeCurrent(window, context);
    SDL_GL_SetSwapInterval(options.frames > 0 ? 0 : 1);
    GlFunctions gl;
    if (!gl.Load()) {
        std::fprintf(stderr, "interleave: OpenGL entry points missing\n");
        return 1;
    }

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // same layout every start; tests rely on it
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui::StyleColorsDark();
    // High DPI: sizes and text follow the playground's content scale (ContentScale(), ApplyTheme); glyphs are
    // rasterised at the framebuffer's pixel density (Retina-style displays, where window and drawable sizes
    // differ), never stretched by io.FontGlobalScale.
    ImGui_ImplSDL2_InitForOpenGL(window, context);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    // The timeline on the GPU when its shaders build here; else (logged) on the CPU, as in the headless tests.
    std::string timelineWhy;
    std::unique_ptr<ui::TimelineRenderer> timelineRenderer = CreateGlTimelineRenderer(timelineWhy);
    if (timelineRenderer) ui::SetTimelineRenderer(timelineRenderer.get());
    else std::fprintf(stderr, "interleave: the timeline draws on the CPU: %s\n", timelineWhy.c_str());
    // The fonts before the first frame, at the window's pixel density, so the backend uploads them once.
    io.DisplayFramebufferScale = FramebufferScale(window);
    if (app.prepareFonts) app.prepareFonts();

    int exitCode = 0;
    int frame = 0;
    const Uint64 startTicks = SDL_GetTicks64();
    bool running = true;
    while (running) {
        SDL_Event event;
        while (SDL_PollEvent(&event)) {
            ProcessEvent(event, app, window);
            if (event.type == SDL_QUIT) running = false;
            if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
                event.window.windowID == SDL_GetWindowID(window)) {
                running = false;
            }
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplSDL2_NewFrame();  // sets io.DisplaySize and io.DisplayFramebufferScale
        UpdateFonts(app);
        BeginGlTimelineFrame(timelineRenderer.get());
        if (options.frames > 0) {
            // Scripted runs have no real window size events under offscreen drivers: pin the size.
            int w = 0, h = 0;
            SDL_GetWindowSize(window, &w, &h);
            if (w <= 0 || h <= 0) io.DisplaySize = ImVec2(float(options.width), float(options.height));
        }
        ImGui::NewFrame();
        if (app.frame) app.frame();
        ImGui::Render();
        int fbWidth = 0, fbHeight = 0;
        SDL_GL_GetDrawableSize(window, &fbWidth, &fbHeight);
        gl.Viewport(0, 0, fbWidth, fbHeight);
        gl.ClearColor(0.10f, 0.11f, 0.13f, 1.0f);
        gl.Clear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        // A scripted run waits for the simulations (Compare, Scaling) before it counts frames.
        const bool waiting = options.frames > 0 && app.busy && app.busy() && SDL_GetTicks64() - startTicks < 60'000;
        if (waiting) SDL_Delay(5);  // leave the cores to the simulations
        else ++frame;
        if (options.frames > 0 && frame >= options.frames) {
            if (!options.screenshot.empty()) {
                if (SaveScreenshot(gl, options.screenshot, fbWidth, fbHeight)) {
                    std::printf("interleave: wrote %s (%dx%d)\n", options.screenshot.c_str(), fbWidth, fbHeight);
                } else {
                    std::fprintf(stderr, "interleave: cannot write %s\n", options.screenshot.c_str());
                    exitCode = 1;
                }
            }
            running = false;
        }
        SDL_GL_SwapWindow(window);
    }

    ui::SetTimelineRenderer(nullptr);
    timelineRenderer.reset();  // while the GL context lives
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(context);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return exitCode;
}

void CopyToClipboard(const std::string& text) { SDL_SetClipboardText(text.c_str()); }

std::function<void()> TraceFilePicker() { return {}; }  // no dialog: SDL_DROPFILE and --open-trace

bool SaveFile(const std::string& fileName, const std::string& bytes, const char*, std::string& where) {
    return ui::SavePictureFile(fileName, bytes, where);  // into the working directory
}

void MakeShareLink(const std::string& viewJson, std::function<void(const std::string& url)> done) {
    if (done) done(viewJson);  // no page natively: the view state itself is what can be shared
}

}  // namespace interleave::platform
