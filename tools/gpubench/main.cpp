// The timeline's frame time with the GPU renderer (src/platform/gl_timeline.cpp) against the CPU path
// (ImDrawList quads), natively in a real GL 3.3 context: 10K to 10M spans in view over 32 lanes, in a
// 1280x800 window holding the timeline alone. Run it under Xvfb for Mesa's llvmpipe (scripts/bench.sh does):
//   xvfb-run -a -s "-screen 0 1280x800x24" build/<preset>/interleave_gpubench [MAX_SPANS]
// Each frame zooms a little (the view changes every frame, as while a reader zooms). Per size and path, the
// medians of: "submit", the wall time from ImGui::NewFrame() to the end of RenderDrawData() (the main thread's
// work; the driver may still be drawing); "finish", the same up to glFinish() (everything drawn); "cpu", the
// process's CPU time over the same span (llvmpipe draws on threads of this process, so this counts its
// rasterising too); "gpu", GL_TIME_ELAPSED around RenderDrawData() where the context has timer queries.
//
// It also takes pictures of the timeline alone at a chosen zoom, on either path, to compare them by eye:
//   interleave_gpubench --shot FILE --preset ID [--from NS --to NS] [--cpu] [--light]
#include <SDL.h>
#include <SDL_opengl.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl2.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../../tests/unit/ui/synthetic_trace.h"
#include "models/simulate.h"
#include "platform/gl_timeline.h"
#include "platform/platform.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "ui/fonts.h"
#include "ui/theme.h"
#include "ui/timeline.h"

namespace {

using Clock = std::chrono::steady_clock;

struct TimerGl {
    void(APIENTRY* GenQueries)(GLsizei, GLuint*) = nullptr;
    void(APIENTRY* BeginQuery)(GLenum, GLuint) = nullptr;
    void(APIENTRY* EndQuery)(GLenum) = nullptr;
    void(APIENTRY* GetQueryObjectui64v)(GLuint, GLenum, GLuint64*) = nullptr;
    void(APIENTRY* Finish)() = nullptr;
    void(APIENTRY* Viewport)(GLint, GLint, GLsizei, GLsizei) = nullptr;
    void(APIENTRY* ClearColor)(GLfloat, GLfloat, GLfloat, GLfloat) = nullptr;
    void(APIENTRY* Clear)(GLbitfield) = nullptr;
    bool timers = false;
    void Load() {
        const auto get = [](const char* name) { return SDL_GL_GetProcAddress(name); };
        GenQueries = reinterpret_cast<decltype(GenQueries)>(get("glGenQueries"));
        BeginQuery = reinterpret_cast<decltype(BeginQuery)>(get("glBeginQuery"));
        EndQuery = reinterpret_cast<decltype(EndQuery)>(get("glEndQuery"));
        GetQueryObjectui64v = reinterpret_cast<decltype(GetQueryObjectui64v)>(get("glGetQueryObjectui64v"));
        Finish = reinterpret_cast<decltype(Finish)>(get("glFinish"));
        Viewport = reinterpret_cast<decltype(Viewport)>(get("glViewport"));
        ClearColor = reinterpret_cast<decltype(ClearColor)>(get("glClearColor"));
        Clear = reinterpret_cast<decltype(Clear)>(get("glClear"));
        // GL 3.3 core has timer queries (ARB_timer_query); a context without the entry points gets no GPU figure.
        timers = GenQueries && BeginQuery && EndQuery && GetQueryObjectui64v;
    }
};

// One frame of the timeline (and its legend) alone, in the window.
void TimelineFrame(interleave::ui::TimelineController& controller,
                   interleave::ui::TimeRange& range,
                   interleave::ui::Theme theme,
                   const interleave::ui::StateSet* legend,
                   int width,
                   int height) {
    using namespace interleave;
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(float(width), float(height)));
    ImGui::Begin("timeline", nullptr, ImGuiWindowFlags_NoDecoration);
    trace::TaskId selected;
    const float legendH = legend ? ImGui::GetTextLineHeightWithSpacing() * 2 : 0;
    controller.Draw("lanes", ImVec2(float(width) - 20, float(height) - 20 - legendH), range, selected, theme, -1);
    if (legend) ui::DrawLegend(*legend, theme);
    ImGui::End();
    ImGui::Render();
}

double Median(std::vector<double> v) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    using namespace interleave;
    long long maxSpans = 10'000'000;
    std::string shot, preset = "convoy_effect";
    double from = -1, to = -1;
    bool cpuPath = false;
    ui::Theme theme = ui::Theme::Dark;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool more = i + 1 < argc;
        if (arg == "--shot" && more)
            shot = argv[++i];
        else if (arg == "--preset" && more)
            preset = argv[++i];
        else if (arg == "--from" && more)
            from = std::atof(argv[++i]);
        else if (arg == "--to" && more)
            to = std::atof(argv[++i]);
        else if (arg == "--cpu")
            cpuPath = true;
        else if (arg == "--light")
            theme = ui::Theme::Light;
        else
            maxSpans = std::atoll(argv[i]);
    }
    const int width = 1280, height = shot.empty() ? 800 : 420;
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        std::fprintf(stderr, "gpubench: no SDL video (run it under xvfb-run): %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
    SDL_Window* window = SDL_CreateWindow("gpubench", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width, height,
                                          SDL_WINDOW_OPENGL | SDL_WINDOW_SHOWN);
    SDL_GLContext context = window ? SDL_GL_CreateContext(window) : nullptr;
    if (!context) {
        std::fprintf(stderr, "gpubench: no OpenGL 3.3 core context: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_MakeCurrent(window, context);
    SDL_GL_SetSwapInterval(0);
    TimerGl gl;
    gl.Load();
    const auto* renderer = reinterpret_cast<const char*>(
        reinterpret_cast<const GLubyte*(APIENTRY*)(GLenum)>(SDL_GL_GetProcAddress("glGetString"))(GL_RENDERER));
    std::printf("gpubench: %s, %dx%d, timer queries: %s\n", renderer ? renderer : "?", width, height,
                gl.timers ? "yes" : "no");

    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui_ImplSDL2_InitForOpenGL(window, context);
    ImGui_ImplOpenGL3_Init("#version 330 core");
    ui::PrepareFonts();
    std::string why;
    std::unique_ptr<ui::TimelineRenderer> gpu = platform::CreateGlTimelineRenderer(why);
    if (!gpu) {
        std::fprintf(stderr, "gpubench: the GPU path is unavailable: %s\n", why.c_str());
        return 1;
    }
    GLuint query = 0;
    if (gl.timers) gl.GenQueries(1, &query);

    if (!shot.empty()) {
        const scenario::PresetFile* file = scenario::FindPreset(preset);
        scenario::ParseError error;
        const auto parsed = file ? scenario::ParseScenario(file->json, error) : std::nullopt;
        if (!parsed) {
            std::fprintf(stderr, "gpubench: no preset %s\n", preset.c_str());
            return 1;
        }
        const models::SimulationResult run = models::Simulate(*parsed);
        ui::SetTimelineRenderer(cpuPath ? nullptr : gpu.get());
        ui::ApplyTheme(theme, 1.0f);
        ui::TimelineController controller;
        controller.AddSection(preset, &run.trace);
        ui::TimeRange range = ui::FitRange(0, run.trace.EndTime());
        if (from >= 0 && to > from) range = {from, to};
        const ui::StateSet legend = ui::StatesPresent({&run.trace});
        std::vector<unsigned char> pixels(size_t(width) * size_t(height) * 4), flipped(pixels.size());
        for (int frame = 0; frame < 4; ++frame) {
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplSDL2_NewFrame();
            ui::PrepareFonts();
            platform::BeginGlTimelineFrame(gpu.get());
            TimelineFrame(controller, range, theme, &legend, width, height);
            gl.Viewport(0, 0, width, height);
            gl.ClearColor(0.1f, 0.11f, 0.13f, 1.0f);
            gl.Clear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            if (frame == 3) {
                gl.Finish();
                reinterpret_cast<void(APIENTRY*)(GLint, GLint, GLsizei, GLsizei, GLenum, GLenum, void*)>(
                    SDL_GL_GetProcAddress("glReadPixels"))(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE,
                                                           pixels.data());
                const size_t row = size_t(width) * 4;
                for (int y = 0; y < height; ++y)
                    std::copy_n(pixels.data() + row * size_t(height - 1 - y), row, flipped.data() + row * size_t(y));
                for (size_t i = 3; i < flipped.size(); i += 4)
                    flipped[i] = 255;
            }
            SDL_GL_SwapWindow(window);
        }
        controller.Clear();
        ui::SetTimelineRenderer(nullptr);
        const bool ok = platform::WritePng(shot, width, height, flipped.data());
        std::printf("gpubench: %s %s (%s path, %.0f..%.0f ns)\n", ok ? "wrote" : "cannot write", shot.c_str(),
                    cpuPath ? "CPU" : "GPU", range.t0, range.t1);
        gpu.reset();
        return ok ? 0 : 1;
    }

    for (long long spans : {10'000LL, 100'000LL, 1'000'000LL, 10'000'000LL}) {
        if (spans > maxSpans) break;
        const trace::Trace t = ui::testing::LanesTrace(spans, 32);
        for (const bool onGpu : {true, false}) {
            ui::SetTimelineRenderer(onGpu ? gpu.get() : nullptr);
            ui::TimelineController controller;
            controller.AddSection("bench", &t);
            ui::TimeRange range = ui::FitRange(0, t.EndTime());
            const ui::TimeRange fitted = range;
            std::vector<double> submit, finish, cpu, gpuMs;
            double setupMs = 0;
            const auto runStart = Clock::now();
            for (int frame = 0;; ++frame) {
                // Breathe the zoom in and out around the middle, every frame a new view; all spans stay in view.
                const double scale = 1.0 - 0.002 * double(frame % 10);
                const double mid = (fitted.t0 + fitted.t1) * 0.5, half = fitted.Width() * 0.5 * scale;
                range = {mid - half, mid + half};
                SDL_Event event;
                while (SDL_PollEvent(&event))
                    ImGui_ImplSDL2_ProcessEvent(&event);
                const std::clock_t c0 = std::clock();
                const auto w0 = Clock::now();
                ImGui_ImplOpenGL3_NewFrame();
                ImGui_ImplSDL2_NewFrame();
                platform::BeginGlTimelineFrame(gpu.get());
                TimelineFrame(controller, range, ui::Theme::Dark, nullptr, width, height);
                gl.Viewport(0, 0, width, height);
                gl.ClearColor(0.1f, 0.11f, 0.13f, 1.0f);
                gl.Clear(GL_COLOR_BUFFER_BIT);
                if (gl.timers) gl.BeginQuery(0x88BF /* GL_TIME_ELAPSED */, query);
                ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
                if (gl.timers) gl.EndQuery(0x88BF);
                const auto w1 = Clock::now();
                gl.Finish();
                const auto w2 = Clock::now();
                const std::clock_t c1 = std::clock();
                if (frame == 0) {
                    setupMs = std::chrono::duration<double, std::milli>(w2 - w0).count();  // includes the upload
                } else if (frame >= 3) {
                    submit.push_back(std::chrono::duration<double, std::milli>(w1 - w0).count());
                    finish.push_back(std::chrono::duration<double, std::milli>(w2 - w0).count());
                    cpu.push_back(double(c1 - c0) * 1e3 / CLOCKS_PER_SEC);
                    if (gl.timers) {
                        GLuint64 ns = 0;
                        gl.GetQueryObjectui64v(query, 0x8866 /* GL_QUERY_RESULT */, &ns);
                        gpuMs.push_back(double(ns) / 1e6);
                    }
                }
                SDL_GL_SwapWindow(window);
                if (submit.size() >= 200 || (submit.size() >= 15 && Clock::now() - runStart > std::chrono::seconds(2)))
                    break;
            }
            std::printf(
                "%9lld spans %s: submit %7.2f ms  finish %7.2f ms  cpu %7.2f ms  gpu %7.2f ms | %3zu frames, "
                "%zu commands, %zu GPU lanes, first frame %7.1f ms\n",
                spans, onGpu ? "gpu-path" : "cpu-path", Median(submit), Median(finish), Median(cpu), Median(gpuMs),
                submit.size(), controller.CommandsLastFrame(), controller.GpuLanesLastFrame(), setupMs);
            std::fflush(stdout);
            controller.Clear();
            ui::SetTimelineRenderer(nullptr);
        }
    }
    ui::SetTimelineRenderer(nullptr);
    gpu.reset();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
    SDL_GL_DeleteContext(context);
    SDL_DestroyWindow(window);
    SDL_Quit();
    return 0;
}
