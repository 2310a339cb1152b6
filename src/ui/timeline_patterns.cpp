// The span states' patterns. See timeline_patterns.h; shaders/timeline.frag draws the same on the GPU.
#include "ui/timeline_patterns.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace interleave::ui {

using trace::SpanState;

PatternKind StatePattern(SpanState state) {
    switch (state) {
        case SpanState::RunningPython:
            return PatternKind::Solid;
        case SpanState::RunningC:
            return PatternKind::HorizontalLines;
        case SpanState::WaitingGil:
            return PatternKind::DiagonalHatch;
        case SpanState::WaitingCore:
            return PatternKind::Dots;
        case SpanState::BlockedIo:
            return PatternKind::Outline;
        // Awaiting shares the task lane with blocked I/O: both hand the CPU back, told apart by the checker.
        case SpanState::Awaiting:
            return PatternKind::Checker;
        // Ready in the loop's queue is the event loop's "waiting for a core": the same dots (never on one lane).
        case SpanState::Ready:
            return PatternKind::Dots;
        case SpanState::StartingProcess:
            return PatternKind::VerticalLines;
        case SpanState::Pickling:
            return PatternKind::BackDiagonalHatch;
        case SpanState::Unpickling:
            return PatternKind::Grid;
        case SpanState::WaitingLock:
            return PatternKind::CrossHatch;
        // The GIL lane shows only who holds it and idle: solid, like the holder's running Python.
        case SpanState::HoldingGil:
            return PatternKind::Solid;
        case SpanState::Idle:
            return PatternKind::HalfHeight;
        case SpanState::WaitingQueue:
            return PatternKind::Dashes;
        default:
            return PatternKind::Solid;
    }
}

const std::vector<std::vector<SpanState>>& StatesSharingALane() {
    static const std::vector<std::vector<SpanState>> lanes = {
        // A thread (or a process's main thread): every state a thread can be in.
        {SpanState::RunningPython, SpanState::RunningC, SpanState::WaitingGil, SpanState::WaitingCore,
         SpanState::BlockedIo, SpanState::WaitingLock, SpanState::Idle, SpanState::StartingProcess, SpanState::Pickling,
         SpanState::Unpickling, SpanState::WaitingQueue},
        // An asyncio task.
        {SpanState::Awaiting, SpanState::Ready, SpanState::RunningPython, SpanState::RunningC, SpanState::BlockedIo,
         SpanState::WaitingLock},
        // The GIL.
        {SpanState::HoldingGil, SpanState::Idle},
    };
    return lanes;
}

uint32_t PatternInk(uint32_t fill) {
    const float r = float(fill & 0xff), g = float((fill >> 8) & 0xff), b = float((fill >> 16) & 0xff);
    const float luma = 0.299f * r + 0.587f * g + 0.114f * b;
    // Light fills (yellow, pale tints) get a darker ink, dark ones a lighter: the contrast of the lines against
    // their own span, whatever the theme.
    const auto mix = [&](float c) {
        return luma > 120 ? uint32_t(std::lround(c * 0.55f)) : uint32_t(std::lround(c + (255 - c) * 0.45f));
    };
    return mix(r) | (mix(g) << 8) | (mix(b) << 16) | (fill & IM_COL32_A_MASK);
}

namespace {

uint32_t WithAlpha(uint32_t color, int alpha) {
    return (color & ~IM_COL32_A_MASK) | (uint32_t(alpha) << IM_COL32_A_SHIFT);
}

// Diagonal lines x + sign * y = k * spacing (pattern coordinates) across the rectangle, as segments.
// sign = +1: "/" (y grows downwards), -1: "\".
template <typename Emit>
void DiagonalLines(const ImVec2& a, const ImVec2& b, float ox, float oy, float sign, Emit&& emit) {
    const float s = kPatternSpacing;
    // u = (x - ox) + sign * (y - oy) over the rectangle's corners.
    const float u0 = (a.x - ox) + std::min(sign * (a.y - oy), sign * (b.y - oy));
    const float u1 = (b.x - ox) + std::max(sign * (a.y - oy), sign * (b.y - oy));
    for (float k = std::ceil(u0 / s); k * s <= u1; k += 1) {
        const float u = k * s;
        // x = ox + u - sign * (y - oy); clip x to [a.x, b.x] by choosing y.
        float ya = a.y, yb = b.y;
        const auto xAt = [&](float y) { return ox + u - sign * (y - oy); };
        const auto yAt = [&](float x) { return oy + (ox + u - x) * sign; };
        if (xAt(ya) < a.x) ya = yAt(a.x);
        if (xAt(ya) > b.x) ya = yAt(b.x);
        if (xAt(yb) < a.x) yb = yAt(a.x);
        if (xAt(yb) > b.x) yb = yAt(b.x);
        // A thick line's square ends stick out by half its width at 45 degrees: stop that much short of the
        // span's top and bottom, so the hatching stays inside the span as the shader's does.
        const float inset = kPatternLineWidth * 0.36f;
        ya = std::clamp(ya, a.y + inset, b.y - inset);
        yb = std::clamp(yb, a.y + inset, b.y - inset);
        if (yb - ya < 0.5f) continue;
        emit(ImVec2(xAt(ya), ya), ImVec2(xAt(yb), yb));
    }
}

}  // namespace

bool DrawPatternedRect(ImDrawList* draw,
                       const ImVec2& a,
                       const ImVec2& b,
                       float patternOriginX,
                       uint32_t fill,
                       PatternKind pattern,
                       unsigned vertexRoom) {
    const float w = b.x - a.x, h = b.y - a.y;
    if (pattern == PatternKind::HalfHeight) {
        const float mid = (a.y + b.y) * 0.5f;
        draw->AddRectFilled(ImVec2(a.x, mid - h * 0.25f), ImVec2(b.x, mid + h * 0.25f), fill);
        return true;
    }
    if (pattern == PatternKind::Outline) {
        draw->AddRectFilled(a, b, WithAlpha(fill, kOutlineFillAlpha));
        if (w >= 2 * kOutlineWidth) draw->AddRect(a, b, fill, 0, 0, kOutlineWidth);
        return true;
    }
    draw->AddRectFilled(a, b, fill);
    if (pattern == PatternKind::Solid || w < kPatternMinWidth) return true;
    const float s = kPatternSpacing;
    // A bound on the vertices: every line and dot is a quad (4 vertices).
    const float cols = w / s + 2, rows = h / s + 2, diagonals = (w + h) / s + 2;
    float quads = 0;
    switch (pattern) {
        case PatternKind::DiagonalHatch:
        case PatternKind::BackDiagonalHatch:
            quads = diagonals;
            break;
        case PatternKind::CrossHatch:
            quads = 2 * diagonals;
            break;
        case PatternKind::Dots:
        case PatternKind::Checker:
        case PatternKind::Dashes:
            quads = cols * rows;
            break;
        case PatternKind::HorizontalLines:
            quads = rows;
            break;
        case PatternKind::VerticalLines:
            quads = cols;
            break;
        case PatternKind::Grid:
            quads = rows + cols;
            break;
        default:
            break;
    }
    if (quads * 4 > float(vertexRoom)) return false;
    const uint32_t ink = PatternInk(fill);
    const float ox = patternOriginX, oy = a.y;
    const auto line = [&](const ImVec2& p, const ImVec2& q) { draw->AddLine(p, q, ink, kPatternLineWidth); };
    // The first multiple of the spacing (plus `offset`) at or after `from`, relative to `origin`.
    const auto firstStep = [s](float from, float origin, float offset) {
        return origin + offset + std::ceil((from - origin - offset) / s) * s;
    };
    switch (pattern) {
        case PatternKind::DiagonalHatch:
            DiagonalLines(a, b, ox, oy, 1.0f, line);
            break;
        case PatternKind::BackDiagonalHatch:
            DiagonalLines(a, b, ox, oy, -1.0f, line);
            break;
        case PatternKind::CrossHatch:
            DiagonalLines(a, b, ox, oy, 1.0f, line);
            DiagonalLines(a, b, ox, oy, -1.0f, line);
            break;
        case PatternKind::HorizontalLines:
        case PatternKind::Grid:
            for (float y = firstStep(a.y, oy, s * 0.5f); y <= b.y; y += s)
                line(ImVec2(a.x, y), ImVec2(b.x, y));
            if (pattern == PatternKind::HorizontalLines) break;
            [[fallthrough]];
        case PatternKind::VerticalLines:
            for (float x = firstStep(a.x, ox, s * 0.5f); x <= b.x; x += s)
                line(ImVec2(x, a.y), ImVec2(x, b.y));
            break;
        case PatternKind::Dots: {
            // Squares of the dots' area: at this size a reader sees dots either way.
            const float half = kPatternDotRadius * 0.886f;
            for (float y = firstStep(a.y, oy, s * 0.5f); y <= b.y; y += s)
                for (float x = firstStep(a.x, ox, s * 0.5f); x <= b.x; x += s)
                    draw->AddRectFilled(ImVec2(std::max(a.x, x - half), std::max(a.y, y - half)),
                                        ImVec2(std::min(b.x, x + half), std::min(b.y, y + half)), ink);
            break;
        }
        case PatternKind::Checker: {
            // Half-strength ink: a full-strength checker would flicker against the lanes around it.
            const uint32_t soft = WithAlpha(ink, 115);
            for (float y = firstStep(a.y - s, oy, 0); y < b.y; y += s)
                for (float x = firstStep(a.x - s, ox, 0); x < b.x; x += s) {
                    const long cell = std::lround((x - ox) / s) + std::lround((y - oy) / s);
                    if (cell % 2 == 0) continue;
                    const ImVec2 p(std::max(a.x, x), std::max(a.y, y)), q(std::min(b.x, x + s), std::min(b.y, y + s));
                    if (q.x > p.x && q.y > p.y) draw->AddRectFilled(p, q, soft);
                }
            break;
        }
        case PatternKind::Dashes: {
            // Rows of dashes half the spacing long, every other row shifted by half a spacing (a brick bond).
            for (float y = firstStep(a.y, oy, s * 0.5f); y <= b.y; y += s) {
                const long rowIndex = std::lround((y - oy - s * 0.5f) / s);
                const float shift = (rowIndex % 2 != 0) ? s * 0.5f : 0.0f;
                for (float x = firstStep(a.x - s, ox, shift); x < b.x; x += s) {
                    const float x0 = std::max(a.x, x), x1 = std::min(b.x, x + s * 0.5f);
                    if (x1 > x0) line(ImVec2(x0, y), ImVec2(x1, y));
                }
            }
            break;
        }
        default:
            break;
    }
    return true;
}

}  // namespace interleave::ui
