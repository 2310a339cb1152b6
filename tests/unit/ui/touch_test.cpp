// Two fingers zoom the timeline (ui/touch.h PinchTracker, Playground::Touch); one finger is the platform's mouse.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cmath>
#include <limits>

#include "headless_imgui.h"
#include "ui/playground.h"
#include "ui/touch.h"

namespace interleave::ui {
namespace {

TEST(PinchTracker, TwoFingersMovingApartZoomInAroundTheirMidpoint) {
    PinchTracker t;
    EXPECT_FALSE(t.Touch(1, 100, 50, TouchPhase::Down));
    EXPECT_FALSE(t.Pinching());
    EXPECT_FALSE(t.Touch(1, 110, 50, TouchPhase::Move)) << "one finger is the mouse's: no zoom";
    EXPECT_FALSE(t.Touch(2, 210, 50, TouchPhase::Down));
    EXPECT_TRUE(t.Pinching());
    // 100 px apart, then 200: twice the spread.
    const auto apart = t.Touch(2, 310, 50, TouchPhase::Move);
    ASSERT_TRUE(apart);
    EXPECT_DOUBLE_EQ(apart->ratio, 2.0);
    EXPECT_FLOAT_EQ(apart->x, 210);
    EXPECT_FLOAT_EQ(apart->y, 50);
    // Back together by a quarter: ratio 0.75, the midpoint moving with the finger.
    const auto together = t.Touch(1, 160, 50, TouchPhase::Move);
    ASSERT_TRUE(together);
    EXPECT_DOUBLE_EQ(together->ratio, 150.0 / 200.0);
    EXPECT_FLOAT_EQ(together->x, 235);
    // A third finger changes nothing; lifting one of the two ends the pinch.
    EXPECT_FALSE(t.Touch(3, 500, 50, TouchPhase::Down));
    EXPECT_FALSE(t.Touch(3, 600, 50, TouchPhase::Move));
    EXPECT_EQ(t.Fingers(), 2u);
    EXPECT_FALSE(t.Touch(1, 160, 50, TouchPhase::Up));
    EXPECT_FALSE(t.Pinching());
    EXPECT_FALSE(t.Touch(2, 400, 50, TouchPhase::Move));
}

TEST(PinchTracker, FingersOnTopOfEachOtherOrNotANumberGiveNoZoom) {
    PinchTracker t;
    t.Touch(1, 100, 100, TouchPhase::Down);
    t.Touch(2, 102, 100, TouchPhase::Down);
    EXPECT_FALSE(t.Touch(2, 400, 100, TouchPhase::Move)) << "from 2 px apart: a ratio of 150";
    EXPECT_FALSE(t.Touch(1, std::numeric_limits<float>::quiet_NaN(), 100, TouchPhase::Move));
    EXPECT_FALSE(t.Touch(1, 400, 100, TouchPhase::Move)) << "to 0 px apart";
    EXPECT_FALSE(t.Touch(1, 200, 100, TouchPhase::Move)) << "from 0 px apart";
    const auto ok = t.Touch(1, 100, 100, TouchPhase::Move);  // 200 px apart -> 300
    ASSERT_TRUE(ok);
    EXPECT_DOUBLE_EQ(ok->ratio, 1.5);
}

class TouchPlayground : public testing::HeadlessImGuiTest {};

// The view shows half the time after the fingers double their spread, and the time under their midpoint stays put;
// a pinch over the scenario panel changes nothing.
TEST_F(TouchPlayground, APinchOverTheLanesZoomsAroundItsMidpoint) {
    Playground p(Offline());
    std::string error;
    ASSERT_TRUE(p.LoadPreset("blog_cpu_threads", error)) << error;
    FramesUntilIdle(p);
    Frames(p, 2);
    const auto lanes = State(p)["widgets"]["timeline"];
    const float x0 = lanes[0], y0 = lanes[1], w = lanes[2];
    const double v0 = State(p)["visible"][0], v1 = State(p)["visible"][1];
    const float mid = x0 + w * 0.25f;
    const double timeAtMid = v0 + (v1 - v0) * 0.25;
    EXPECT_FALSE(p.Touch(7, mid - 50, y0 + 20, TouchPhase::Down));
    EXPECT_TRUE(p.Touch(8, mid + 50, y0 + 20, TouchPhase::Down));
    EXPECT_TRUE(p.Touch(7, mid - 100, y0 + 20, TouchPhase::Move));  // spread 100 -> 150, midpoint mid - 25
    EXPECT_TRUE(p.Touch(8, mid + 100, y0 + 20, TouchPhase::Move));  // 150 -> 200, midpoint back at mid
    Frames(p, 1);
    const double a = State(p)["visible"][0], b = State(p)["visible"][1];
    EXPECT_NEAR(b - a, (v1 - v0) / 2, (v1 - v0) * 1e-6);
    EXPECT_NEAR(a + (b - a) * 0.25, timeAtMid, (v1 - v0) * 0.02);
    EXPECT_FALSE(p.Touch(7, mid - 100, y0 + 20, TouchPhase::Up));
    EXPECT_FALSE(p.Touch(8, mid + 100, y0 + 20, TouchPhase::Up));

    // Over the scenario panel (left of the lanes): nothing.
    p.Touch(1, 20, y0 + 20, TouchPhase::Down);
    p.Touch(2, 60, y0 + 20, TouchPhase::Down);
    p.Touch(2, 120, y0 + 20, TouchPhase::Move);
    Frames(p, 1);
    EXPECT_EQ(State(p)["visible"][0].get<double>(), a);
    EXPECT_EQ(State(p)["visible"][1].get<double>(), b);
}

}  // namespace
}  // namespace interleave::ui
