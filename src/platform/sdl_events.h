#pragma once
// SDL's events into Dear ImGui, the same on both platforms (platform_sdl_native.cpp, platform_sdl_web.cpp).
#include <SDL.h>

#include "platform/platform.h"

namespace interleave::platform {

// Hands `event` to Dear ImGui's SDL2 backend, and a finger's (SDL_FINGERDOWN / MOTION / UP) to app.touch in the
// window's coordinates (ImGui's mouse coordinates). While app.touch says two fingers pinch, the mouse SDL emulates
// from the first finger is held back from ImGui: it would pan the view while the fingers zoom it.
void ProcessEvent(const SDL_Event& event, const App& app, SDL_Window* window);

}  // namespace interleave::platform
