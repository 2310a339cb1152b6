#pragma once
// Two-finger gestures on the timeline, as pure logic (no SDL, no ImGui): the platform reports every finger's
// position (SDL_FINGERDOWN / MOTION / UP, in the same pixels as ImGui's mouse), the tracker turns two fingers moving
// apart or together into a zoom around the point between them. One finger is left to the platform's mouse emulation:
// drag to pan, tap to select (and show the tooltip).
#include <cstdint>
#include <optional>
#include <vector>

namespace interleave::ui {

enum class TouchPhase { Down, Move, Up };

// One step of a pinch: zoom by `ratio` (> 1: the fingers moved apart, show less time) around (x, y), the midpoint
// of the two fingers now.
struct Pinch {
    float x = 0, y = 0;
    double ratio = 1;
};

class PinchTracker {
public:
    // Feeds one finger event; returns the zoom step it makes when two fingers are down and one of them moved. A third
    // finger is ignored; lifting either of the two ends the pinch (the other one pinches again with a new finger).
    std::optional<Pinch> Touch(int64_t finger, float x, float y, TouchPhase phase);
    // Two fingers are down: the platform keeps their emulated mouse away from the timeline meanwhile (no pan).
    bool Pinching() const { return m_fingers.size() >= 2; }
    // Fingers down, at most two.
    size_t Fingers() const { return m_fingers.size(); }

private:
    struct Finger {
        int64_t id;
        float x, y;
    };
    std::vector<Finger> m_fingers;  // the first two fingers down, in order
};

}  // namespace interleave::ui
