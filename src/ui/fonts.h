#pragma once
// The UI's typefaces: Inter for the interface and JetBrains Mono for numbers that line up, embedded at build time
// from Debian's font packages (cmake/fonts.cmake; licences in docs/fonts.md). They are rasterised at the size the
// screen shows them, so text stays sharp at 1x, 2x and 3x instead of a small bitmap font scaled up:
//   - the content scale (PlaygroundSettings::contentScale, ApplyTheme) sets the font size in ImGui units;
//   - the pixel density, physical pixels per ImGui unit (io.DisplayFramebufferScale: the browser's
//     devicePixelRatio, a Retina display), sets ImFontConfig::RasterizerDensity, which rasterises the glyphs at
//     that many pixels per unit without changing their metrics.
// io.FontGlobalScale stays 1: nothing is bitmap-scaled. The atlas can only change between frames, so the
// platform (and HeadlessFrame) calls PrepareFonts() before each NewFrame().
#include <imgui.h>

namespace interleave::ui {

// Font sizes in ImGui units at content scale 1 (ImFontConfig::SizePixels: ascender to descender). Inter 15
// and JetBrains Mono 15 have an x-height close to ProggyClean 13's, and a mono advance of 6.8 units (7 in
// ProggyClean), so layouts made for the bitmap font keep their proportions.
inline constexpr float kUiFontSize = 15.0f;
inline constexpr float kMonoFontSize = 15.0f;

// The code points both faces rasterise (ImGui glyph ranges: inclusive pairs, zero-terminated): Latin-1 (µ, ×,
// accented names typed into a scenario), the Greek µ some keyboards type, and the few symbols the UI draws or
// will (dashes, quotes, bullet, ellipsis, arrows, minus, ≈, ≤, ≥, play/stop triangles, ●, ✓, ✗).
const ImWchar* UiGlyphRanges();

// Before each ImGui::NewFrame(), after the backend has set io.DisplayFramebufferScale: loads the two faces into
// the current context's atlas if it does not hold them yet (at content scale 1), or rebuilds the atlas when the
// requested content scale (RequestFontScale) or the pixel density changed. Returns true when the atlas changed:
// the renderer must upload the font texture again (ImGui_ImplOpenGL3_DestroyFontsTexture/CreateFontsTexture).
bool PrepareFonts();

// Asks for the fonts at `contentScale` (ApplyTheme calls it during a frame, when the atlas is locked); the next
// PrepareFonts() rebuilds the atlas. The rest of this frame already has text of the new size (its glyphs
// stretched, for that frame only), so layouts measured now hold. No effect on an atlas without the UI's faces.
void RequestFontScale(float contentScale);

// The faces, or ImGui's current font when the atlas does not hold them (a context PrepareFonts never saw).
// UiFont() is the default font; push MonoFont() for columns of numbers.
ImFont* UiFont();
ImFont* MonoFont();

// The pixel density the atlas is rasterised at for io.DisplayFramebufferScale `framebufferScale`: rounded up
// to a quarter (a window being resized gives ratios like 1.2496 that must not rebuild the atlas every frame),
// within [0.5, 4] (a zoomed-out page; above 4 the atlas would grow past 16 MB for nothing one can see).
float FontPixelDensity(float framebufferScale);

}  // namespace interleave::ui
