// The span states' palette as readers with colour-vision deficiencies see it: the states that share a lane
// must stay apart under simulated deuteranopia, protanopia and tritanopia, and every state must stand off the
// timeline's background. Colour science (sRGB, CIELAB, CIEDE2000, WCAG contrast) is written out below from
// the published formulas, so a failure names the pair, the theme, the simulation and the distance.
#include <gtest/gtest.h>

#include <cctype>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iomanip>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "trace/trace.h"
#include "ui/span_style.h"
#include "ui/theme.h"
#include "ui/timeline_patterns.h"
#include "ui/timeline_arrows.h"

namespace interleave::ui {
namespace {

using trace::SpanState;

// [SECTION] Thresholds

// CIEDE2000 distance between two states that share a lane. About 1 is the just-noticeable difference for two
// large patches side by side; spans are a lane high, often a few pixels wide, seen apart from each other and
// matched against the legend's boxes, so we ask ten times that (a difference read at a glance, not found by
// peering). Checked for normal vision and under deuteranopia and protanopia, the strongest forms of the
// red-green deficiencies that about one man in twelve has (milder forms see more of the difference).
constexpr double kMinLaneDistance = 10.0;
// Tritanopia is rare (of the order of one person in ten thousand). With every state, 3:1 contrast against
// a near-white background and the two red-green simulations above, the light theme has no room left to reach
// 10 here as well, so tritan readers get a smaller, still clearly visible difference between neighbours.
constexpr double kMinLaneDistanceTritanopia = 6.0;
// Every state's colour against every other, normal vision: the legend names each state by its colour, so two
// states that never share a lane (ready, pickling) still need colours of their own.
constexpr double kMinLegendDistance = 10.0;
// WCAG 2.1 success criterion 1.4.11 (non-text contrast): graphical objects needed to understand the content
// need 3:1 against adjacent colours. A span is read against the lane it lies on.
constexpr double kMinBackgroundContrast = 3.0;

// [SECTION] Which states share a lane

// What the simulator and the real runners put on one lane (trace/trace.h says what each state means).
const std::vector<SpanState> kThreadLane = {
    SpanState::RunningPython, SpanState::RunningC,    SpanState::WaitingGil,  SpanState::WaitingCore,
    SpanState::BlockedIo,     SpanState::WaitingLock, SpanState::Idle,        SpanState::StartingProcess,
    SpanState::Pickling,      SpanState::Unpickling,  SpanState::WaitingQueue};
const std::vector<SpanState> kTaskLane = {SpanState::Awaiting, SpanState::Ready,     SpanState::RunningPython,
                                          SpanState::RunningC, SpanState::BlockedIo, SpanState::WaitingLock};
const std::vector<SpanState> kGilLane = {SpanState::HoldingGil, SpanState::Idle};
const std::vector<const std::vector<SpanState>*> kLanes = {&kThreadLane, &kTaskLane, &kGilLane};

// [SECTION] Colour science

struct Rgb {
    double r = 0, g = 0, b = 0;  // 0..1
};
struct Lab {
    double l = 0, a = 0, b = 0;
};
using Matrix3 = std::array<std::array<double, 3>, 3>;

// IEC 61966-2-1 (sRGB) transfer function, encoded -> linear.
double SrgbToLinear(double c) {
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

// An ImGui packed colour (IM_COL32) as encoded sRGB, alpha dropped (the palette is opaque).
Rgb EncodedOf(uint32_t packed) {
    const auto channel = [packed](int shift) { return double((packed >> shift) & 0xff) / 255.0; };
    return {channel(IM_COL32_R_SHIFT), channel(IM_COL32_G_SHIFT), channel(IM_COL32_B_SHIFT)};
}
Rgb EncodedOf(const ImVec4& c) {
    return {c.x, c.y, c.z};
}
Rgb LinearOf(const Rgb& encoded) {
    return {SrgbToLinear(encoded.r), SrgbToLinear(encoded.g), SrgbToLinear(encoded.b)};
}

// Machado, Oliveira & Fernandes, "A Physiologically-based Model for Simulation of Color Vision Deficiency",
// IEEE TVCG 15(6), 2009: the severity 1.0 (dichromat) matrices of the paper's table, applied to linear RGB.
constexpr Matrix3 kDeuteranopia = {
    {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}}};
constexpr Matrix3 kProtanopia = {
    {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}}};
constexpr Matrix3 kTritanopia = {
    {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}}};

// A dichromat's view of a linear colour, clipped to what a display can show.
Rgb Simulate(const Matrix3& m, const Rgb& linear) {
    const std::array<double, 3> in = {linear.r, linear.g, linear.b};
    std::array<double, 3> out{};
    for (size_t row = 0; row < 3; ++row) {
        double sum = 0;
        for (size_t col = 0; col < 3; ++col)
            sum += m[row][col] * in[col];
        out[row] = std::clamp(sum, 0.0, 1.0);
    }
    return {out[0], out[1], out[2]};
}

// Linear sRGB -> CIE XYZ (D65, IEC 61966-2-1's matrix) -> CIELAB (CIE 15:2004).
Lab LabOf(const Rgb& linear) {
    const double x = 0.4124564 * linear.r + 0.3575761 * linear.g + 0.1804375 * linear.b;
    const double y = 0.2126729 * linear.r + 0.7151522 * linear.g + 0.0721750 * linear.b;
    const double z = 0.0193339 * linear.r + 0.1191920 * linear.g + 0.9503041 * linear.b;
    constexpr double kEpsilon = 216.0 / 24389.0, kKappa = 24389.0 / 27.0;
    const auto f = [](double t) { return t > kEpsilon ? std::cbrt(t) : (kKappa * t + 16.0) / 116.0; };
    const double fx = f(x / 0.95047), fy = f(y / 1.0), fz = f(z / 1.08883);
    return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

double Degrees(double radians) {
    return radians * 180.0 / std::numbers::pi;
}
double Radians(double degrees) {
    return degrees * std::numbers::pi / 180.0;
}

// CIEDE2000 (CIE 142-2001), in the form and with the hue conventions of Sharma, Wu & Dalal, "The CIEDE2000
// Color-Difference Formula: Implementation Notes, Supplementary Test Data, and Mathematical Observations",
// Color Research & Application 30(1), 2005. kL = kC = kH = 1.
double DeltaE2000(const Lab& one, const Lab& two) {
    const double c1 = std::hypot(one.a, one.b), c2 = std::hypot(two.a, two.b);
    const double cMean7 = std::pow((c1 + c2) / 2.0, 7.0);
    const double g = 0.5 * (1.0 - std::sqrt(cMean7 / (cMean7 + std::pow(25.0, 7.0))));
    const double a1 = (1.0 + g) * one.a, a2 = (1.0 + g) * two.a;
    const double c1p = std::hypot(a1, one.b), c2p = std::hypot(a2, two.b);
    const auto hueOf = [](double b, double a) {
        if (a == 0 && b == 0) return 0.0;
        const double h = Degrees(std::atan2(b, a));
        return h < 0 ? h + 360.0 : h;
    };
    const double h1 = hueOf(one.b, a1), h2 = hueOf(two.b, a2);
    const bool achromatic = c1p * c2p == 0;
    double dh = 0;
    if (!achromatic) {
        dh = h2 - h1;
        if (dh > 180)
            dh -= 360;
        else if (dh < -180)
            dh += 360;
    }
    const double dL = two.l - one.l, dC = c2p - c1p;
    const double dH = 2.0 * std::sqrt(c1p * c2p) * std::sin(Radians(dh / 2.0));
    const double lMean = (one.l + two.l) / 2.0, cpMean = (c1p + c2p) / 2.0;
    double hMean = h1 + h2;
    if (!achromatic) {
        if (std::abs(h1 - h2) <= 180)
            hMean = (h1 + h2) / 2.0;
        else if (h1 + h2 < 360)
            hMean = (h1 + h2 + 360.0) / 2.0;
        else
            hMean = (h1 + h2 - 360.0) / 2.0;
    }
    const double t = 1.0 - 0.17 * std::cos(Radians(hMean - 30.0)) + 0.24 * std::cos(Radians(2.0 * hMean)) +
                     0.32 * std::cos(Radians(3.0 * hMean + 6.0)) - 0.20 * std::cos(Radians(4.0 * hMean - 63.0));
    const double dTheta = 30.0 * std::exp(-std::pow((hMean - 275.0) / 25.0, 2.0));
    const double cpMean7 = std::pow(cpMean, 7.0);
    const double rC = 2.0 * std::sqrt(cpMean7 / (cpMean7 + std::pow(25.0, 7.0)));
    const double sL = 1.0 + 0.015 * std::pow(lMean - 50.0, 2.0) / std::sqrt(20.0 + std::pow(lMean - 50.0, 2.0));
    const double sC = 1.0 + 0.045 * cpMean;
    const double sH = 1.0 + 0.015 * cpMean * t;
    const double rT = -std::sin(Radians(2.0 * dTheta)) * rC;
    const double l = dL / sL, c = dC / sC, h = dH / sH;
    return std::sqrt(l * l + c * c + h * h + rT * c * h);
}

// WCAG 2.1: relative luminance of a linear sRGB colour, and the contrast ratio (L1 + 0.05) / (L2 + 0.05).
double RelativeLuminance(const Rgb& linear) {
    return 0.2126 * linear.r + 0.7152 * linear.g + 0.0722 * linear.b;
}
double ContrastRatio(const Rgb& linearOne, const Rgb& linearTwo) {
    const double one = RelativeLuminance(linearOne), two = RelativeLuminance(linearTwo);
    return (std::max(one, two) + 0.05) / (std::min(one, two) + 0.05);
}

// [SECTION] The palette and the backgrounds it is drawn on

struct Vision {
    const char* name;
    const Matrix3* simulation;  // nullptr: normal vision
};
const Vision kNormal{"normal vision", nullptr};
const Vision kDeuteranope{"deuteranopia", &kDeuteranopia};
const Vision kProtanope{"protanopia", &kProtanopia};
const Vision kTritanope{"tritanopia", &kTritanopia};

const char* ThemeName(Theme theme) {
    return theme == Theme::Dark ? "dark" : "light";
}

Lab SeenAs(SpanState state, Theme theme, const Vision& vision) {
    const Rgb linear = LinearOf(EncodedOf(StateColor(state, theme)));
    return LabOf(vision.simulation ? Simulate(*vision.simulation, linear) : linear);
}

// Two decimals are plenty for a message.
std::string Figure(double value) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << value;
    return out.str();
}

std::string PairName(SpanState one, SpanState two) {
    std::string name(trace::SpanStateName(one));
    name.append(" / ").append(trace::SpanStateName(two));
    return name;
}

// The smallest distance between two states of one lane, with every pair under `minimum` reported.
double CheckLanes(Theme theme, const Vision& vision, double minimum) {
    double smallest = 1e9;
    for (const auto* lane : kLanes)
        for (size_t i = 0; i < lane->size(); ++i)
            for (size_t j = i + 1; j < lane->size(); ++j) {
                const SpanState one = (*lane)[i], two = (*lane)[j];
                const double distance = DeltaE2000(SeenAs(one, theme, vision), SeenAs(two, theme, vision));
                smallest = std::min(smallest, distance);
                EXPECT_GE(distance, minimum) << ThemeName(theme) << " theme, " << vision.name << ": "
                                             << PairName(one, two) << " are only " << Figure(distance) << " apart";
            }
    return smallest;
}

// "Blend `over` with alpha `alpha` onto `under`", as the GL backends blend (in encoded sRGB, the framebuffers
// are not sRGB-aware).
Rgb Over(const Rgb& over, double alpha, const Rgb& under) {
    return {over.r * alpha + under.r * (1 - alpha), over.g * alpha + under.g * (1 - alpha),
            over.b * alpha + under.b * (1 - alpha)};
}

// The two backgrounds a span lies on (encoded sRGB), from the style ApplyTheme() sets: the playground's window
// (ImGuiCol_WindowBg, drawn over the platform's clear colour, since the dark style's WindowBg is not opaque),
// the children the timeline sits in (ImGuiCol_ChildBg) and, on every other lane, timeline.cpp's stripe
// (ImGuiCol_FrameBg at 0.35 alpha).
std::vector<Rgb> TimelineBackgrounds(Theme theme) {
    IMGUI_CHECKVERSION();
    ImGuiContext* context = ImGui::CreateContext();
    ApplyTheme(theme, 1.0f);
    const ImGuiStyle& style = ImGui::GetStyle();
    // glClearColor in src/platform/platform_sdl_native.cpp and platform_sdl_web.cpp.
    const Rgb clearColor{0.10, 0.11, 0.13};
    const auto layer = [&](ImGuiCol col, float alphaScale, const Rgb& under) {
        const ImVec4& c = style.Colors[col];
        return Over(EncodedOf(c), double(c.w * alphaScale * style.Alpha), under);
    };
    const Rgb window = layer(ImGuiCol_WindowBg, 1.0f, clearColor);
    const Rgb child = layer(ImGuiCol_ChildBg, 1.0f, window);
    const Rgb stripe = layer(ImGuiCol_FrameBg, 0.35f, child);
    ImGui::DestroyContext(context);
    return {child, stripe};
}

std::vector<SpanState> AllStates() {
    std::vector<SpanState> states;
    for (size_t i = 0; i < size_t(SpanState::Count); ++i)
        states.push_back(SpanState(i));
    return states;
}

// [SECTION] The colour science against its published test data

TEST(Palette, DeltaE2000MatchesSharmaWuDalalTestData) {
    // Pairs 1, 7, 17 and 25 of Sharma, Wu & Dalal (2005), table 1.
    EXPECT_NEAR(DeltaE2000({50.0, 2.6772, -79.7751}, {50.0, 0.0, -82.7485}), 2.0425, 1e-4);
    EXPECT_NEAR(DeltaE2000({50.0, 0.0, 0.0}, {50.0, -1.0, 2.0}), 2.3669, 1e-4);
    EXPECT_NEAR(DeltaE2000({50.0, 2.5, 0.0}, {73.0, 25.0, -18.0}), 27.1492, 1e-4);
    EXPECT_NEAR(DeltaE2000({60.2574, -34.0099, 36.2677}, {60.4626, -34.1751, 39.4387}), 1.2644, 1e-4);
}

TEST(Palette, SimulatedDichromatsConfuseRedWithGreenButNotWithBlue) {
    // The simulation does what it is for: pure red and a green of its lightness nearly merge for a deuteranope,
    // while blue stays far from both.
    const auto seen = [](Rgb encoded, const Matrix3& m) { return LabOf(Simulate(m, LinearOf(encoded))); };
    const Rgb red{0.8, 0.2, 0.1}, green{0.45, 0.5, 0.1}, blue{0.1, 0.3, 0.9};
    EXPECT_GT(DeltaE2000(LabOf(LinearOf(red)), LabOf(LinearOf(green))), 20.0);
    EXPECT_LT(DeltaE2000(seen(red, kDeuteranopia), seen(green, kDeuteranopia)), 5.0);
    EXPECT_GT(DeltaE2000(seen(red, kDeuteranopia), seen(blue, kDeuteranopia)), 30.0);
    EXPECT_NEAR(LabOf(LinearOf({1, 1, 1})).l, 100.0, 1e-3);
}

// [SECTION] The palette

// One check, four ways of seeing: normal vision and the three dichromacies (tritanopia, rarer and confusing blue
// with green, gets a lower bar).
struct LaneCase {
    const Vision* vision;
    double minimum;
};
class PaletteLanes : public ::testing::TestWithParam<LaneCase> {};

TEST_P(PaletteLanes, StatesSharingALaneDiffer) {
    for (const Theme theme : {Theme::Dark, Theme::Light})
        CheckLanes(theme, *GetParam().vision, GetParam().minimum);
}

INSTANTIATE_TEST_SUITE_P(Palette, PaletteLanes,
                         ::testing::Values(LaneCase{&kNormal, kMinLaneDistance}, LaneCase{&kDeuteranope, kMinLaneDistance},
                                           LaneCase{&kProtanope, kMinLaneDistance},
                                           LaneCase{&kTritanope, kMinLaneDistanceTritanopia}),
                         [](const ::testing::TestParamInfo<LaneCase>& lane) {
                             std::string name;
                             for (char c : std::string(lane.param.vision->name))
                                 if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                             return name;
                         });

TEST(Palette, EveryStateHasAColourOfItsOwnInTheLegend) {
    const auto states = AllStates();
    for (const Theme theme : {Theme::Dark, Theme::Light})
        for (size_t i = 0; i < states.size(); ++i)
            for (size_t j = i + 1; j < states.size(); ++j) {
                const double distance =
                    DeltaE2000(SeenAs(states[i], theme, kNormal), SeenAs(states[j], theme, kNormal));
                EXPECT_GE(distance, kMinLegendDistance)
                    << ThemeName(theme) << " theme: " << PairName(states[i], states[j]) << " are only "
                    << Figure(distance) << " apart";
            }
}

TEST(Palette, EveryStateStandsOffTheTimelineBackground) {
    for (const Theme theme : {Theme::Dark, Theme::Light}) {
        const auto backgrounds = TimelineBackgrounds(theme);
        for (const SpanState state : AllStates())
            for (const Rgb& background : backgrounds) {
                const double contrast =
                    ContrastRatio(LinearOf(EncodedOf(StateColor(state, theme))), LinearOf(background));
                EXPECT_GE(contrast, kMinBackgroundContrast)
                    << ThemeName(theme) << " theme: " << trace::SpanStateName(state) << " has a contrast of only "
                    << Figure(contrast) << ":1 against its lane";
            }
    }
}

// A span's label (ui/span_style.h SpanLabelColor) is read against what is drawn under it: a solid or patterned
// state's fill, a hollow state's faint fill over the lane, a half-height bar and the lane around it. WCAG AA for
// text (4.5:1). It failed for "blocked on I/O" in the light theme (white on its pale hollow fill, 1.6:1).
TEST(Palette, SpanLabelsAreReadableOnWhatIsDrawnUnderThem) {
    constexpr double kMinTextContrast = 4.5;
    for (const Theme theme : {Theme::Dark, Theme::Light}) {
        ImGuiContext* context = ImGui::CreateContext();
        ApplyTheme(theme, 1.0f);
        const uint32_t themeText = ImGui::GetColorU32(ImGuiCol_Text);
        ImGui::DestroyContext(context);
        for (const SpanState state : AllStates()) {
            const uint32_t fill = StateColor(state, theme);
            const Rgb label = EncodedOf(SpanLabelColor(state, fill, themeText));
            for (const Rgb& lane : TimelineBackgrounds(theme)) {
                // A half-height bar runs through the middle of its name: the name crosses the bar and the lane.
                const PatternKind pattern = StatePattern(state);
                std::vector<Rgb> under{EncodedOf(fill)};
                if (pattern == PatternKind::Outline) under = {Over(EncodedOf(fill), kOutlineFillAlpha / 255.0, lane)};
                if (pattern == PatternKind::HalfHeight) under.push_back(lane);
                for (const Rgb& colour : under) {
                    const double contrast = ContrastRatio(LinearOf(label), LinearOf(colour));
                    EXPECT_GE(contrast, kMinTextContrast) << ThemeName(theme) << " theme: a label on "
                                                          << trace::SpanStateName(state) << " has a contrast of only "
                                                          << Figure(contrast) << ":1";
                }
            }
        }
    }
}

// The causality arrows (ui/timeline_arrows.h) cross the lanes together: each kind must stay apart from the others for
// every reader the lanes are checked for, and stand off the lanes' background as a span does.
TEST(Palette, ArrowKindsDifferForEveryReaderAndStandOffTheLanes) {
    std::vector<ArrowKind> kinds;
    for (size_t k = 0; k < size_t(ArrowKind::Count); ++k)
        kinds.push_back(ArrowKind(k));
    const auto seen = [](ArrowKind kind, Theme theme, const Vision& vision) {
        const Rgb linear = LinearOf(EncodedOf(ArrowColor(kind, theme)));
        return LabOf(vision.simulation ? Simulate(*vision.simulation, linear) : linear);
    };
    const std::vector<LaneCase> readers = {{&kNormal, kMinLaneDistance},
                                           {&kDeuteranope, kMinLaneDistance},
                                           {&kProtanope, kMinLaneDistance},
                                           {&kTritanope, kMinLaneDistanceTritanopia}};
    for (const Theme theme : {Theme::Dark, Theme::Light}) {
        for (const LaneCase& reader : readers)
            for (size_t i = 0; i < kinds.size(); ++i)
                for (size_t j = i + 1; j < kinds.size(); ++j) {
                    const double distance =
                        DeltaE2000(seen(kinds[i], theme, *reader.vision), seen(kinds[j], theme, *reader.vision));
                    EXPECT_GE(distance, reader.minimum)
                        << ThemeName(theme) << " theme, " << reader.vision->name << ": arrows for "
                        << ArrowKindLabel(kinds[i]) << " and " << ArrowKindLabel(kinds[j]) << " are only "
                        << Figure(distance) << " apart";
                }
        for (const ArrowKind kind : kinds)
            for (const Rgb& background : TimelineBackgrounds(theme)) {
                const double contrast =
                    ContrastRatio(LinearOf(EncodedOf(ArrowColor(kind, theme))), LinearOf(background));
                EXPECT_GE(contrast, kMinBackgroundContrast)
                    << ThemeName(theme) << " theme: arrows for " << ArrowKindLabel(kind) << " have a contrast of only "
                    << Figure(contrast) << ":1";
            }
    }
}

TEST(Palette, EveryStateHasANameInTheLegend) {
    // A state added to trace::SpanState without a colour and a label falls back to a grey and "?".
    for (const SpanState state : AllStates())
        EXPECT_STRNE(StateLabel(state), "?") << trace::SpanStateName(state);
}

TEST(Palette, TheTwoThemesDrawOnBackgroundsOfOppositeLightness) {
    // What the contrast test above reads must be the timeline's real background, not an empty style.
    EXPECT_LT(RelativeLuminance(LinearOf(TimelineBackgrounds(Theme::Dark).front())), 0.02);
    EXPECT_GT(RelativeLuminance(LinearOf(TimelineBackgrounds(Theme::Light).front())), 0.8);
}

}  // namespace
}  // namespace interleave::ui
