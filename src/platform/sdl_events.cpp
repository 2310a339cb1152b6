// SDL events to Dear ImGui and the app's touch handler. See sdl_events.h.
#include "platform/sdl_events.h"

#include <imgui_impl_sdl2.h>

namespace interleave::platform {

namespace {

bool g_pinching = false;  // the app's last answer: two fingers are down

bool FromEmulatedMouse(const SDL_Event& event) {
    switch (event.type) {
        case SDL_MOUSEMOTION: return event.motion.which == SDL_TOUCH_MOUSEID;
        case SDL_MOUSEBUTTONDOWN:
        case SDL_MOUSEBUTTONUP: return event.button.which == SDL_TOUCH_MOUSEID;
        case SDL_MOUSEWHEEL: return event.wheel.which == SDL_TOUCH_MOUSEID;
        default: return false;
    }
}

}  // namespace

void ProcessEvent(const SDL_Event& event, const App& app, SDL_Window* window) {
    if (event.type == SDL_FINGERDOWN || event.type == SDL_FINGERMOTION || event.type == SDL_FINGERUP) {
        if (app.touch) {
            int w = 0, h = 0;
            SDL_GetWindowSize(window, &w, &h);
            using ui::TouchPhase;
            const TouchPhase phase = event.type == SDL_FINGERDOWN ? TouchPhase::Down
                                     : event.type == SDL_FINGERUP ? TouchPhase::Up
                                                                  : TouchPhase::Move;
            g_pinching = app.touch(int64_t(event.tfinger.fingerId), event.tfinger.x * float(w),
                                   event.tfinger.y * float(h), phase);
        }
        return;
    }
    if (event.type == SDL_DROPFILE) {
        if (event.drop.file && app.openTraceFile) app.openTraceFile(event.drop.file);
        SDL_free(event.drop.file);
        return;
    }
    if (g_pinching && FromEmulatedMouse(event)) return;
    ImGui_ImplSDL2_ProcessEvent(&event);
}

}  // namespace interleave::platform
