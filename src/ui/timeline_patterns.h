#pragma once
// [SECTION] Patterns of the span states
//
// Each span state has a fill pattern as well as a colour (theme.h), so a reader who cannot tell the colours
// apart (or prints the page in grey) still tells "waiting for the GIL" (hatched) from "running Python" (solid).
// One table, read by the GPU path (the fragment shader gets it as a uniform array), the CPU path
// (DrawPatternedRect) and the legend. The geometry below is in ImGui units (logical pixels) and is the same on
// both paths: patterns are anchored at the span's left edge and the lane's top, so they move with the span.
#include <array>
#include <cstdint>
#include <vector>

#include "trace/trace.h"

struct ImDrawList;
struct ImVec2;

namespace interleave::ui {

// The numbers are the shader's (shaders/timeline.frag switches on them): change both together.
enum class PatternKind : uint8_t {
    Solid = 0,              // running: the calmest fill for the state a reader looks for first
    DiagonalHatch = 1,      // "/" lines: waiting for the GIL
    BackDiagonalHatch = 2,  // "\" lines
    CrossHatch = 3,         // both diagonals
    Dots = 4,               // a grid of dots: runnable, waiting for its turn (a core, the event loop)
    HorizontalLines = 5,
    VerticalLines = 6,
    Grid = 7,  // horizontal and vertical lines
    Checker = 8,
    Outline = 9,      // hollow: a faint fill inside a border of the state's colour (not using a CPU)
    HalfHeight = 10,  // a bar half the lane's height: idle, present but quiet
    Dashes = 11,      // rows of short dashes
    Count
};

// The pattern of a state. Every two states that can share a lane (StatesSharingALane) differ.
PatternKind StatePattern(trace::SpanState state);

// The sets of states the simulator and the real runners put on one lane (trace/trace.h says what each state
// means): a thread's lane, an asyncio task's lane, the GIL's lane.
const std::vector<std::vector<trace::SpanState>>& StatesSharingALane();

// The colour the pattern's lines and dots are drawn in, over a span of `fill` (packed ABGR, IM_COL32): a darker
// shade of a light fill, a lighter one of a dark fill, so the pattern reads on every state without new hues.
uint32_t PatternInk(uint32_t fill);

// Pattern geometry, ImGui units.
inline constexpr float kPatternSpacing = 6.0f;  // between lines (measured along x) and between dots
inline constexpr float kPatternLineWidth = 1.25f;
inline constexpr float kPatternDotRadius = 1.1f;
inline constexpr float kOutlineWidth = 1.5f;
inline constexpr int kOutlineFillAlpha = 70;  // of 255: the hollow fill of an Outline state
// Spans narrower than this are filled plainly on the CPU path: a pattern needs room to be read (the GPU
// path draws it at every width; under this width it is a pixel or two of lines either way).
inline constexpr float kPatternMinWidth = 5.0f;

// Fills [a, b] (a lane-high rectangle) with `fill` and the state's pattern on the CPU, as the fragment shader
// does. `patternOriginX` is the unclipped left edge of the span (the pattern's anchor). Returns false, having
// drawn the plain fill only, when the pattern would need more than `vertexRoom` vertices.
bool DrawPatternedRect(ImDrawList* draw,
                       const ImVec2& a,
                       const ImVec2& b,
                       float patternOriginX,
                       uint32_t fill,
                       PatternKind pattern,
                       unsigned vertexRoom);

}  // namespace interleave::ui
