// Two-finger pinch. See touch.h.
#include "ui/touch.h"

#include <algorithm>
#include <cmath>

namespace interleave::ui {

namespace {

// Fingers closer than this (in pixels) give no ratio: a division by almost nothing would zoom by millions.
constexpr double kMinSpreadPx = 8.0;

double Spread(float ax, float ay, float bx, float by) {
    return std::hypot(double(ax) - double(bx), double(ay) - double(by));
}

}  // namespace

std::optional<Pinch> PinchTracker::Touch(int64_t finger, float x, float y, TouchPhase phase) {
    if (!std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
    const auto known = std::find_if(m_fingers.begin(), m_fingers.end(), [&](const Finger& f) { return f.id == finger; });
    switch (phase) {
        case TouchPhase::Down:
            if (known == m_fingers.end() && m_fingers.size() < 2) m_fingers.push_back({finger, x, y});
            return std::nullopt;
        case TouchPhase::Up:
            if (known != m_fingers.end()) m_fingers.erase(known);
            return std::nullopt;
        case TouchPhase::Move: {
            if (known == m_fingers.end()) return std::nullopt;
            if (m_fingers.size() < 2) {
                known->x = x, known->y = y;
                return std::nullopt;
            }
            const Finger& other = m_fingers[known == m_fingers.begin() ? 1 : 0];
            const double before = Spread(known->x, known->y, other.x, other.y);
            const double after = Spread(x, y, other.x, other.y);
            known->x = x, known->y = y;
            if (before < kMinSpreadPx || after < kMinSpreadPx) return std::nullopt;
            Pinch pinch;
            pinch.x = (x + other.x) * 0.5f;
            pinch.y = (y + other.y) * 0.5f;
            pinch.ratio = after / before;
            return pinch;
        }
    }
    return std::nullopt;
}

}  // namespace interleave::ui
