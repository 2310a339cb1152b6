#pragma once
// [SECTION] The timeline on the GPU, as seen from src/ui (no GL here)
//
// A trace's spans go into one GPU buffer once (SpanInstance: start, end, lane, state, task), and each frame
// every lane draws the range of its spans in view as instanced quads: shaders/timeline.vert maps time to pixels
// from the view's start and scale (uniforms), so zooming and panning change a few uniforms, not vertices.
// Lanes too dense to show span by span (more spans than pixels) are drawn from the level-of-detail commands
// (timeline_lod.h) instead, streamed each frame: at most one instance per few pixels.
//
// The GL side is src/platform/gl_timeline.cpp, behind TimelineRenderer. The platform installs one
// (SetTimelineRenderer) once its shaders compile and link; without one (the headless tests, a GPU whose
// driver refuses the shaders, INTERLEAVE_TIMELINE=cpu) the timeline draws with ImDrawList on the CPU.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

struct ImDrawList;

namespace interleave::ui {

// One span as the vertex shader reads it (24 bytes). Times are split into two floats each (hi + lo == the time
// in ns, exactly for times below 2^48 ns, about three days), so a span deep into a long trace keeps nanosecond
// precision at any zoom: the shader subtracts the view's start, split the same way, hi from hi and lo from lo.
struct SpanInstance {
    float startHi = 0, startLo = 0;
    float endHi = 0, endLo = 0;
    uint16_t lane = 0;  // the track
    uint8_t state = 0;  // trace::SpanState
    uint8_t flags = 0;  // kInstanceFolded
    int32_t task = -1;  // for the selected task's outline
};
static_assert(sizeof(SpanInstance) == 24, "the vertex layout in gl_timeline.cpp assumes 24 bytes");
inline constexpr uint8_t kInstanceFolded = 1;  // a level-of-detail mark standing for many spans

// `t` as hi + lo floats.
void SplitTime(double t, float& hi, float& lo);

// The instances of every span of `trace`, lane by lane (track order), and where each lane's run starts:
// lane `track`'s spans are instances [laneFirst[track], laneFirst[track + 1]), in the order of SpansOf(track).
struct SpanInstances {
    std::vector<SpanInstance> instances;
    std::vector<uint32_t> laneFirst;  // tracks + 1 entries
};
SpanInstances BuildSpanInstances(const trace::Trace& trace);

// What the GPU needs to draw one lane this frame. Coordinates are ImGui's (logical pixels, screen space).
struct GpuLaneDraw {
    uint64_t buffer = 0;               // an Upload()ed trace, or 0: the instances passed to AddLane
    uint32_t first = 0, count = 0;     // the range of instances in `buffer`
    float x = 0, y = 0, w = 0, h = 0;  // the lane's rectangle where spans go (x = where time t0 is)
    double t0 = 0;                     // ns at x
    double pxPerNs = 0;
    float minWidth = 1;         // the narrowest a (not folded) span is drawn, as the level of detail draws it
    int32_t selectedTask = -1;  // outlined
    uint32_t outline = 0;       // its colour (packed ABGR)
    // Per state: fill, pattern ink, pattern (PatternKind).
    std::array<uint32_t, size_t(trace::SpanState::Count)> fill{}, ink{};
    std::array<uint8_t, size_t(trace::SpanState::Count)> pattern{};
};

class TimelineRenderer {
public:
    virtual ~TimelineRenderer() = default;
    // Copies `instances` to a GPU buffer; returns its handle (never 0), or 0 when the GPU refused it.
    virtual uint64_t Upload(std::span<const SpanInstance> instances) = 0;
    virtual void Release(uint64_t buffer) = 0;
    // Adds to `draw`, where the lane's spans go in the draw order, a callback that draws them, then resets the
    // ImGui renderer's state. With lane.buffer == 0 the `streamed` instances are drawn instead (copied: they
    // need not outlive the call). The lane is clipped to the draw list's current clip rectangle.
    virtual void AddLane(ImDrawList* draw, const GpuLaneDraw& lane, std::span<const SpanInstance> streamed) = 0;
};

// The renderer the timeline draws with, or null (CPU path). The platform owns it and sets it back to null before
// it destroys it.
TimelineRenderer* ActiveTimelineRenderer();
void SetTimelineRenderer(TimelineRenderer* renderer);

// [SECTION] Shader sources
// shaders/timeline.vert and .frag carry no #version line: one source serves desktop GL 3.3 and WebGL2. This
// prepends the dialect's version line and, for GLSL ES, the precisions.
enum class GlslDialect { Glsl330, GlslEs300 };
std::string ShaderForDialect(std::string_view source, GlslDialect dialect);
// shaders/<name> as embedded at build time, for `dialect`; "" if there is no such shader.
std::string TimelineShader(std::string_view name, GlslDialect dialect);

}  // namespace interleave::ui
