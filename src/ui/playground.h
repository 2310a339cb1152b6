#pragma once
// The playground: every window of the app, drawn with Dear ImGui between NewFrame() and Render().
// The platform layer owns the window, the GL context and the main loop; it calls Frame() once a frame.
#include <string>
#include <string_view>

namespace interleave::ui {

class Playground {
public:
    Playground();
    // Draws one frame of every view. Never blocks: long simulations run in the background.
    void Frame();
    // Test hook: a JSON object describing the visible state, for end-to-end tests. Always has
    // "frame" (frames drawn), "playing" (bool), and "widgets": {"id": [x, y, w, h], ...} in
    // framebuffer-independent ImGui coordinates (CSS pixels on the web) for the widgets tests click,
    // including "play" (the play/pause button).
    std::string TestStateJson() const;

private:
    long m_frame = 0;
    bool m_playing = false;
    float m_playRect[4] = {0, 0, 0, 0};
};

}  // namespace interleave::ui
