#pragma once
// The timeline's GPU renderer (ui::TimelineRenderer over OpenGL 3.3 core natively, WebGL2 in the browser):
// shaders/timeline.{vert,frag}, one buffer of span instances per trace, one instanced draw per lane from inside
// Dear ImGui's draw lists (ImDrawList::AddCallback, then ImDrawCallback_ResetRenderState, which puts the ImGui
// OpenGL3 backend's state back).
#include <memory>
#include <string>

#include "ui/timeline_gpu.h"

namespace interleave::platform {

// Compiles and links the timeline's shaders in the current GL context. Null, with the reason in `why` (the
// compiler's or the linker's log), when they do not build or a GL entry point is missing: the timeline then
// stays on the CPU path. INTERLEAVE_TIMELINE=cpu in the environment also says no ("asked for the CPU path").
std::unique_ptr<ui::TimelineRenderer> CreateGlTimelineRenderer(std::string& why);

// Call once a frame before ImGui::NewFrame(): forgets the last frame's lane draws (their callbacks have run).
void BeginGlTimelineFrame(ui::TimelineRenderer* renderer);

}  // namespace interleave::platform
