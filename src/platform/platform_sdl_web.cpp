// Web platform: SDL2 (built for wasm by scripts/setup.sh) + WebGL2 through Dear ImGui's OpenGL3 backend
// in its GLES3 mode. The browser owns the loop: emscripten_set_main_loop calls OneFrame() each animation
// frame on the main thread (PROXY_TO_PTHREAD breaks SDL's GL on Emscripten 3.1.6; background work goes to
// std::thread in the threaded build). The page (web/app.html) provides <canvas id="canvas">, sized by CSS
// to the browser window; the canvas backing store follows devicePixelRatio (SDL_WINDOW_ALLOW_HIGHDPI).
#include <GLES3/gl3.h>
#include <SDL.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl2.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "platform/gl_timeline.h"
#include "platform/platform.h"
#include "platform/sdl_events.h"

namespace interleave::platform {

namespace {

struct WebState {
    App app;
    SDL_Window* window = nullptr;
    SDL_GLContext context = nullptr;
    std::string testState;  // keeps the string alive for interleave_test_state()'s caller
    std::string viewState;  // same, for interleave_get_view_state()
    std::string applyError; // same, for interleave_apply_view_state()
    std::unique_ptr<ui::TimelineRenderer> timelineRenderer;  // null: the timeline draws on the CPU
    bool firstFrameDrawn = false;
    bool contentShown = false;  // Module.firstFrameMs is set
    int nextLinkId = 1;
    std::map<int, std::function<void(const std::string&)>> pendingLinks;  // MakeShareLink callbacks by id
};

WebState* g_state = nullptr;

// web/loader.js defines Module.interleaveMakeLink (async: CompressionStream) and Module.interleaveCopy.
EM_JS(void, JsMakeLink, (int id, const char* json), {
    const text = UTF8ToString(json);
    const ready = (url) => Module.ccall("interleave_link_ready", null, ["number", "string"], [id, url]);
    if (!Module.interleaveMakeLink) { ready(""); return; }
    Module.interleaveMakeLink(text).then(ready, (e) => { console.warn("interleave: cannot make a link: " + e); ready(""); });
});
EM_JS(void, JsCopy, (const char* text), {
    if (Module.interleaveCopy) Module.interleaveCopy(UTF8ToString(text));
});
// web/loader.js defines Module.interleavePickTraces: the page's file picker, whose files come back through
// interleave_open_trace / interleave_refuse_trace.
EM_JS(void, JsPickTraceFiles, (), {
    if (Module.interleavePickTraces) Module.interleavePickTraces();
});
// clang-format off (it would split the arrow function's `=>`)
EM_JS(void, JsDownload, (const char* name, const char* mime, const char* data, int size), {
    const blob = new Blob([HEAPU8.slice(data, data + size)], {type: UTF8ToString(mime)});
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = UTF8ToString(name);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 30000);
});
// clang-format on
// performance.mark("interleave:<name>"): the start-up breakdown the end-to-end suite prints.
EM_JS(void, JsMark, (const char* name), {
    if (typeof performance != "undefined" && performance.mark) performance.mark("interleave:" + UTF8ToString(name));
});
// Called after each frame until it returns 1, with the app's test state (JSON). Module.firstPaintMs: the first
// frame drawn. Module.firstFrameMs: the first frame with real content, the view the page asked for: its link
// applied (web/loader.js sets interleaveLink.done), nothing computing, and a simulated trace or a message on
// screen. Both in ms since navigation start, taken when the frame has been handed to the browser.
EM_JS(int, JsFrameShown, (const char* stateJson), {
    const now = performance.now();
    if (!Module.firstPaintMs) {
        Module.firstPaintMs = now;
        if (performance.mark) performance.mark("interleave:first-paint");
        if (Module.onFirstPaint) Module.onFirstPaint();
    }
    let s = {};
    try { s = JSON.parse(UTF8ToString(stateJson)); } catch (e) { return 0; }
    const link = Module.interleaveLink;
    if ((link && !link.done) || s.simulating || !(s.spans > 0 || s.error)) return 0;
    Module.firstFrameMs = now;
    if (performance.mark) performance.mark("interleave:first-frame");
    if (Module.onFirstFrame) Module.onFirstFrame();
    return 1;
});

// Module.interleaveTimeline: "gpu" or "cpu", which path draws the timeline (the end-to-end suite reads it).
EM_JS(void, JsSetTimelinePath, (const char* path), { Module.interleaveTimeline = UTF8ToString(path); });
// console.error, which the browser suites fail on (emscripten_log would add 3 KB of JavaScript to the page).
EM_JS(void, JsConsoleError, (const char* text), { console.error(UTF8ToString(text)); });

void FitCanvasToPage() {
    double cssWidth = 0, cssHeight = 0;
    if (emscripten_get_element_css_size("#canvas", &cssWidth, &cssHeight) != EMSCRIPTEN_RESULT_SUCCESS) return;
    int width = static_cast<int>(cssWidth), height = static_cast<int>(cssHeight);
    int current = 0, currentH = 0;
    SDL_GetWindowSize(g_state->window, &current, &currentH);
    if (width > 0 && height > 0 && (width != current || height != currentH)) {
        SDL_SetWindowSize(g_state->window, width, height);
    }
}

void OneFrame() {
    const bool first = !g_state->firstFrameDrawn;
    if (first) JsMark("frame1-start");
    SDL_Event event;
    while (SDL_PollEvent(&event)) ProcessEvent(event, g_state->app, g_state->window);
    FitCanvasToPage();
    ImGui_ImplOpenGL3_NewFrame();  // the first call compiles the shaders and uploads the font atlas
    if (first) JsMark("frame1-gl-objects");
    ImGui_ImplSDL2_NewFrame();  // sets io.DisplaySize (CSS pixels) and io.DisplayFramebufferScale (devicePixelRatio)
    BeginGlTimelineFrame(g_state->timelineRenderer.get());
    // Browser zoom or a move to another screen changes devicePixelRatio: new glyphs at the new density, uploaded once.
    if (g_state->app.prepareFonts && g_state->app.prepareFonts()) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ImGui::NewFrame();
    if (g_state->app.frame) g_state->app.frame();
    if (first) JsMark("frame1-app");
    ImGui::Render();
    int fbWidth = 0, fbHeight = 0;
    SDL_GL_GetDrawableSize(g_state->window, &fbWidth, &fbHeight);
    glViewport(0, 0, fbWidth, fbHeight);
    glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    SDL_GL_SwapWindow(g_state->window);
    g_state->firstFrameDrawn = true;
    if (!g_state->contentShown && g_state->app.testStateJson) {
        g_state->contentShown = JsFrameShown(g_state->app.testStateJson().c_str()) != 0;
    }
}

}  // namespace

int Run(const Options& options, App app) {
    JsMark("run");  // main() has built the app (the playground, its first simulation where it runs inline)
    g_state = new WebState{};  // lives for the page's lifetime
    g_state->app = std::move(app);
    // No SDL_INIT_TIMER: nothing here uses SDL timers, and in the threaded build it would start a thread (a second
    // worker to load before the first frame).
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        std::fprintf(stderr, "interleave: cannot start SDL video: %s\n", SDL_GetError());
        return 1;
    }
    JsMark("sdl-init");
    // The window (the canvas) starts at the page's size, so the first frame does not resize it (a new drawing buffer).
    int width = options.width, height = options.height;
    double cssWidth = 0, cssHeight = 0;
    if (emscripten_get_element_css_size("#canvas", &cssWidth, &cssHeight) == EMSCRIPTEN_RESULT_SUCCESS &&
        cssWidth >= 1 && cssHeight >= 1) {
        width = static_cast<int>(cssWidth);
        height = static_cast<int>(cssHeight);
    }
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, 0);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    // ImGui draws with neither a depth nor a stencil test: a WebGL drawing buffer without them is less for the GPU
    // process to allocate and clear (SDL's defaults would ask for a 16-bit depth buffer).
    SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
    SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);
    g_state->window = SDL_CreateWindow(options.title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                                       width, height,
                                       SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!g_state->window) {
        std::fprintf(stderr, "interleave: cannot create the canvas window: %s\n", SDL_GetError());
        return 1;
    }
    JsMark("sdl-window");
    g_state->context = SDL_GL_CreateContext(g_state->window);
    if (!g_state->context) {
        std::fprintf(stderr, "interleave: cannot create a WebGL2 context: %s\n", SDL_GetError());
        return 1;
    }
    SDL_GL_MakeCurrent(g_state->window, g_state->context);
    JsMark("gl-context");

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no file system to save window layout to
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui::StyleColorsDark();
    ImGui_ImplSDL2_InitForOpenGL(g_state->window, g_state->context);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    // The timeline on the GPU when its shaders build in this browser; else on the CPU. Said on stdout (the
    // console's log, not its errors: the page works either way).
    std::string timelineWhy;
    g_state->timelineRenderer = CreateGlTimelineRenderer(timelineWhy);
    if (g_state->timelineRenderer) ui::SetTimelineRenderer(g_state->timelineRenderer.get());
    else std::printf("interleave: the timeline draws on the CPU: %s\n", timelineWhy.c_str());
    JsSetTimelinePath(g_state->timelineRenderer ? "gpu" : "cpu");
    JsMark("imgui-init");
    // The fonts before the first frame, rasterised at the canvas's devicePixelRatio (its drawing buffer over its
    // CSS size), so the first frame uploads them once and text is sharp on a phone's 3x screen.
    int drawableWidth = 0, drawableHeight = 0;
    SDL_GL_GetDrawableSize(g_state->window, &drawableWidth, &drawableHeight);
    if (width > 0 && height > 0 && drawableWidth > 0 && drawableHeight > 0)
        io.DisplayFramebufferScale = ImVec2(float(drawableWidth) / float(width), float(drawableHeight) / float(height));
    if (g_state->app.prepareFonts) g_state->app.prepareFonts();
    JsMark("fonts");

    // fps 0: use requestAnimationFrame; simulate_infinite_loop: main() never returns.
    emscripten_set_main_loop(OneFrame, 0, true);
    return 0;
}

// CSS pixels are ImGui's units on the web: sizes scale only when asked (--scale), and text
// follows devicePixelRatio through the fonts' pixel density instead.
float ContentScale(const Options& options) { return options.contentScale > 0 ? options.contentScale : 1.0f; }

void CopyToClipboard(const std::string& text) { JsCopy(text.c_str()); }

std::function<void()> TraceFilePicker() {
    return [] { JsPickTraceFiles(); };
}

bool SaveFile(const std::string& fileName, const std::string& bytes, const char* mimeType, std::string& where) {
    JsDownload(fileName.c_str(), mimeType, bytes.data(), static_cast<int>(bytes.size()));
    where = fileName;
    return true;
}

void MakeShareLink(const std::string& viewJson, std::function<void(const std::string& url)> done) {
    if (!g_state) return;
    const int id = g_state->nextLinkId++;
    g_state->pendingLinks[id] = std::move(done);
    JsMakeLink(id, viewJson.c_str());
}

}  // namespace interleave::platform

// SDL's Emscripten video driver looks GL functions up by name through eglGetProcAddress. Emscripten's own
// eglGetProcAddress (system/lib/gl/libprocaddr.c) answers from a table of every WebGL 1 and 2 entry point, which keeps
// all 271 of them in the page's JS and their names in the wasm (45 KB of JS measured in web-single). The page calls GL
// directly (GLES3/gl3.h); SDL asks by name only for the six below (SDL_GL_ExtensionSupported, SDL_GL_GetAttribute),
// so this definition, linked before Emscripten's library, answers those and says in the console when asked for any
// other. EGL extension names (eglQueryDmaBufFormatsEXT, ...) get null, as from Emscripten's table.
extern "C" void* eglGetProcAddress(const char* name) {
    struct Entry {
        const char* name;
        void* function;
    };
    static const Entry kEntries[] = {
        {"glGetString", reinterpret_cast<void*>(&glGetString)},
        {"glGetStringi", reinterpret_cast<void*>(&glGetStringi)},
        {"glGetIntegerv", reinterpret_cast<void*>(&glGetIntegerv)},
        {"glGetError", reinterpret_cast<void*>(&glGetError)},
        {"glBindFramebuffer", reinterpret_cast<void*>(&glBindFramebuffer)},
        {"glGetFramebufferAttachmentParameteriv", reinterpret_cast<void*>(&glGetFramebufferAttachmentParameteriv)},
    };
    if (name == nullptr) return nullptr;
    for (const Entry& entry : kEntries)
        if (std::strcmp(entry.name, name) == 0) return entry.function;
    if (std::strncmp(name, "egl", 3) != 0) {  // a lookup SDL starts making fails the browser suites at once
        char message[200];
        std::snprintf(message, sizeof message, "interleave: SDL asked for GL function %.120s (not linked)", name);
        interleave::platform::JsConsoleError(message);
    }
    return nullptr;
}

// Dear ImGui's ImFontAtlas::Build() adds its built-in ProggyClean font when the atlas has none. The page's atlas always
// has Inter and JetBrains Mono (ui/fonts.cpp's PrepareFonts adds them before any Build), yet the call keeps ProggyClean
// (12 KB of base85 text) and its decompressor in the wasm: 12.0 KB gzipped, measured with LTO. cmake/app.cmake links
// the page with --wrap=_ZN11ImFontAtlas14AddFontDefaultEPK12ImFontConfig: Build() calls this instead; they drop out.
extern "C" ImFont* __wrap__ZN11ImFontAtlas14AddFontDefaultEPK12ImFontConfig(ImFontAtlas*, const ImFontConfig*) {
    interleave::platform::JsConsoleError("interleave: Dear ImGui asked for its built-in font, which the page omits");
    std::abort();
}

// The end-to-end tests' hook: Module.ccall('interleave_test_state', 'string', [], []).
extern "C" EMSCRIPTEN_KEEPALIVE const char* interleave_test_state() {
    using interleave::platform::g_state;
    if (!g_state || !g_state->app.testStateJson) return "{}";
    g_state->testState = g_state->app.testStateJson();
    return g_state->testState.c_str();
}

// The share link's payload: the view state as JSON (web/loader.js compresses it into the fragment).
extern "C" EMSCRIPTEN_KEEPALIVE const char* interleave_get_view_state() {
    using interleave::platform::g_state;
    if (!g_state || !g_state->app.viewStateJson) return "{}";
    g_state->viewState = g_state->app.viewStateJson();
    return g_state->viewState.c_str();
}

// Applies a view state (JSON); returns "" or why it was refused (then the banner says so too).
extern "C" EMSCRIPTEN_KEEPALIVE const char* interleave_apply_view_state(const char* json) {
    using interleave::platform::g_state;
    if (!g_state || !g_state->app.applyViewState) return "the app is not running yet";
    g_state->applyError = g_state->app.applyViewState(json ? std::string(json) : std::string());
    return g_state->applyError.c_str();
}

// The page could not decode its link (garbage, truncated, too long, a future version): show why.
extern "C" EMSCRIPTEN_KEEPALIVE void interleave_show_link_error(const char* message) {
    using interleave::platform::g_state;
    if (g_state && g_state->app.showLinkError) g_state->app.showLinkError(message ? message : "");
}

// A trace file the page read (its picker, or a drop): `size` bytes at `text` (the heap; not NUL-terminated).
extern "C" EMSCRIPTEN_KEEPALIVE void interleave_open_trace(const char* name, const char* text, int size) {
    using interleave::platform::g_state;
    if (!g_state || !g_state->app.openTraceText || size < 0 || (size > 0 && !text)) return;
    g_state->app.openTraceText(name ? name : "", std::string(text ? text : "", size_t(size)));
}

// A file the page could not read (too large to read, the reader failed): the banner says why.
extern "C" EMSCRIPTEN_KEEPALIVE void interleave_refuse_trace(const char* name, const char* why) {
    using interleave::platform::g_state;
    if (g_state && g_state->app.refuseTrace) g_state->app.refuseTrace(name ? name : "", why ? why : "");
}

// Asked by the page before it reads a file (web/loader.js): 1 when the app refused it as too large (the banner says
// why and what the limit is), so a file of gigabytes is never read into the tab.
extern "C" EMSCRIPTEN_KEEPALIVE int interleave_refuse_oversized_trace(const char* name, double bytes) {
    using interleave::platform::g_state;
    if (!g_state || !g_state->app.refuseOversizedTrace) return 0;
    return g_state->app.refuseOversizedTrace(name ? name : "", bytes) ? 1 : 0;
}

// Module.interleaveMakeLink's answer to MakeShareLink (id) with the URL, "" on failure.
extern "C" EMSCRIPTEN_KEEPALIVE void interleave_link_ready(int id, const char* url) {
    using interleave::platform::g_state;
    if (!g_state) return;
    auto it = g_state->pendingLinks.find(id);
    if (it == g_state->pendingLinks.end()) return;
    auto done = std::move(it->second);
    g_state->pendingLinks.erase(it);
    if (done) done(url ? url : "");
}
