// The UI's typefaces. See fonts.h.
#include "ui/fonts.h"

#include <imgui_internal.h>  // ImGui::SetCurrentFont: the frame's font size after RequestFontScale

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "interleave_fonts.h"

namespace interleave::ui {

namespace {

// The code points to rasterise: src/ui/glyph_ranges.txt, which the build also cut the embedded fonts down to.
static_assert(std::is_same_v<ImWchar, unsigned short>, "src/ui/glyph_ranges.txt is made for 16-bit ImWchar");

struct Face {
    const fonts::EmbeddedFont& font;
    float baseSize;  // ImGui units at content scale 1
};

// In the atlas in this order: the UI face first, so it is ImGui's default font.
Face Faces(int index) {
    return index == 0 ? Face{fonts::Ui(), kUiFontSize} : Face{fonts::Mono(), kMonoFontSize};
}
constexpr int kFaceCount = 2;

ImFontAtlas* Atlas() {
    return ImGui::GetIO().Fonts;
}

// True when the atlas holds exactly the UI's faces (not ImGui's default font, nor fonts a test added).
bool HoldsOurFaces(const ImFontAtlas* atlas) {
    if (atlas->ConfigData.Size != kFaceCount || atlas->Fonts.Size != kFaceCount) return false;
    for (int i = 0; i < kFaceCount; ++i) {
        const std::string_view name = Faces(i).font.name;
        const char* configName = atlas->ConfigData[i].Name;
        if (std::strlen(configName) != name.size() || name.compare(configName) != 0) return false;
    }
    return true;
}

float CurrentPixelDensity() {
    return FontPixelDensity(ImGui::GetIO().DisplayFramebufferScale.x);
}

void SetPixelDensity(ImFontConfig& config, float pixelDensity) {
    config.RasterizerDensity = pixelDensity;
    // Horizontal oversampling places glyphs at half-pixel positions; at 2 pixels a unit and more the pixels
    // are small enough without it, and the atlas is half as wide.
    config.OversampleH = pixelDensity >= 2.0f ? 1 : 2;
    config.OversampleV = 1;
}

void LoadFaces(ImFontAtlas* atlas, float pixelDensity) {
    atlas->Clear();
    for (int i = 0; i < kFaceCount; ++i) {
        const Face face = Faces(i);
        ImFontConfig config;
        // Dear ImGui 1.90.1 copies the bytes into the atlas when it does not own them: the embedded array stays
        // read-only and is never freed (hence the const_cast, for an API that takes void*).
        config.FontData = const_cast<unsigned char*>(face.font.bytes);
        config.FontDataSize = static_cast<int>(face.font.size);
        config.FontDataOwnedByAtlas = false;
        config.SizePixels = face.baseSize;
        SetPixelDensity(config, pixelDensity);
        config.GlyphRanges = fonts::kGlyphRanges;
        const size_t nameLength = std::min(face.font.name.size(), sizeof(config.Name) - 1);
        std::memcpy(config.Name, face.font.name.data(), nameLength);
        config.Name[nameLength] = '\0';
        atlas->AddFont(&config);
    }
}

}  // namespace

const ImWchar* UiGlyphRanges() {
    return fonts::kGlyphRanges;
}

float FontPixelDensity(float framebufferScale) {
    if (!(framebufferScale > 0) || !std::isfinite(framebufferScale)) return 1.0f;
    // Up to the next quarter, with a little slack so 1.2501 stays 1.25.
    const float quarters = std::ceil(framebufferScale * 4.0f - 0.05f);
    return std::clamp(quarters / 4.0f, 0.5f, 4.0f);
}

bool PrepareFonts() {
    ImFontAtlas* atlas = Atlas();
    const float density = CurrentPixelDensity();
    if (!HoldsOurFaces(atlas)) {
        LoadFaces(atlas, density);
        atlas->Build();
        return true;
    }
    // ConfigData holds what the next build makes (RequestFontScale wrote the sizes); ImFont what the last one made.
    bool stale = !atlas->IsBuilt();
    for (const ImFontConfig& config : atlas->ConfigData)
        stale = stale || config.RasterizerDensity != density || config.DstFont->FontSize != config.SizePixels;
    if (!stale) return false;
    for (ImFontConfig& config : atlas->ConfigData)
        SetPixelDensity(config, density);
    atlas->Build();  // keeps the ImFont objects (ImGui's current font stays valid): only their glyphs change
    for (ImFont* font : atlas->Fonts)
        font->Scale = 1.0f;  // glyphs of the right size now (see RequestFontScale)
    return true;
}

void RequestFontScale(float contentScale) {
    ImFontAtlas* atlas = Atlas();
    if (!HoldsOurFaces(atlas)) return;
    // Within [0.5, 4], like the pixel density: a glyph is at most 15 x 4 x 4 = 240 pixels tall.
    const float scale = contentScale > 0 && std::isfinite(contentScale) ? std::clamp(contentScale, 0.5f, 4.0f) : 1.0f;
    // The atlas is locked during a frame; its configuration is not read until the next Build() (PrepareFonts).
    for (int i = 0; i < kFaceCount; ++i) {
        ImFontConfig& config = atlas->ConfigData[i];
        config.SizePixels = Faces(i).baseSize * scale;
        // Until then this frame stretches the glyphs it has to the new size (ImFont::Scale, one frame at most), so
        // what it measures and lays out, and caches (a lane-name column), is already right at the new scale.
        if (config.DstFont->FontSize > 0) config.DstFont->Scale = config.SizePixels / config.DstFont->FontSize;
    }
    if (ImGui::GetCurrentContext() && ImGui::GetFont()) ImGui::SetCurrentFont(ImGui::GetFont());  // the frame's size
}

ImFont* UiFont() {
    ImFontAtlas* atlas = Atlas();
    return HoldsOurFaces(atlas) ? atlas->Fonts[0] : ImGui::GetFont();
}

ImFont* MonoFont() {
    ImFontAtlas* atlas = Atlas();
    return HoldsOurFaces(atlas) ? atlas->Fonts[1] : ImGui::GetFont();
}

}  // namespace interleave::ui
