// The UI's fonts (ui/fonts.h): Inter and JetBrains Mono, embedded, rasterised at the size the screen shows them
// (content scale x pixel density) instead of a bitmap font stretched by FontGlobalScale, and holding a glyph for
// every non-ASCII character the UI's sources can draw.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ui/fonts.h"
#include "ui/headless.h"
#include "ui/playground.h"

namespace interleave::ui {
namespace {

PlaygroundSettings Offline(float contentScale) {
    PlaygroundSettings settings;
    settings.backgroundThreads = false;
    settings.loadPresetOnStart = false;
    settings.contentScale = contentScale;
    return settings;
}

void Frames(Playground& playground, int n) {
    for (int i = 0; i < n; ++i)
        HeadlessFrame([&] { playground.Frame(); });
}

// The atlas's font whose configuration is named `name` ("Inter Regular"), or null.
const ImFont* FontNamed(std::string_view name) {
    for (const ImFont* font : ImGui::GetIO().Fonts->Fonts)
        if (font->ConfigData && name == font->ConfigData->Name) return font;
    return nullptr;
}

// How many atlas texels tall the glyph of `c` is, per ImGui unit of its quad: the pixel density it was rasterised at.
float TexelsPerUnit(const ImFont& font, ImWchar c) {
    const ImFontGlyph* glyph = font.FindGlyphNoFallback(c);
    if (!glyph || glyph->Y1 <= glyph->Y0) return 0;
    const float texels = (glyph->V1 - glyph->V0) * float(font.ContainerAtlas->TexHeight);
    return texels / (glyph->Y1 - glyph->Y0);
}

TEST(Fonts, ThePlaygroundDrawsInterAndJetBrainsMonoAtItsContentScaleWithoutFontGlobalScale) {
    for (const float scale : {1.0f, 2.0f, 3.0f}) {
        SCOPED_TRACE(::testing::Message() << "content scale " << scale);
        HeadlessContext context;
        HeadlessContext::SetDisplay(1280 * scale, 800 * scale);
        Playground playground(Offline(scale));
        Frames(playground, 3);
        const ImGuiIO& io = ImGui::GetIO();
        EXPECT_EQ(io.FontGlobalScale, 1.0f) << "glyphs must not be stretched";
        EXPECT_EQ(io.Fonts->Fonts.Size, 2) << "the two faces only (no ProggyClean)";
        const ImFont* ui = FontNamed("Inter Regular");
        const ImFont* mono = FontNamed("JetBrains Mono Regular");
        ASSERT_NE(ui, nullptr);
        ASSERT_NE(mono, nullptr);
        EXPECT_EQ(io.Fonts->Fonts[0], ui) << "Inter is the default font";
        EXPECT_EQ(UiFont(), ui);
        EXPECT_EQ(MonoFont(), mono);
        EXPECT_FLOAT_EQ(ui->FontSize, kUiFontSize * scale);
        EXPECT_FLOAT_EQ(ui->ConfigData->SizePixels, kUiFontSize * scale);
        EXPECT_FLOAT_EQ(mono->FontSize, kMonoFontSize * scale);
        // What the frame laid its text out with.
        HeadlessFrame([&] {
            playground.Frame();
            EXPECT_FLOAT_EQ(ImGui::GetFontSize(), kUiFontSize * scale);
            EXPECT_EQ(ImGui::GetFont(), ui);
        });
        EXPECT_NEAR(TexelsPerUnit(*ui, 'M'), 1.0f, 0.15f) << "one texel per pixel at pixel density 1";
    }
}

// The atlas only changes between frames, yet the frame that first applies a content scale already measures text at
// that size: layouts and caches it makes then (the timeline's lane-name column) hold for the frames after.
TEST(Fonts, TheFirstFrameAtAContentScaleMeasuresTextAtThatSize) {
    float widthAt1x = 0;
    {
        HeadlessContext context;
        Playground playground(Offline(1.0f));
        HeadlessFrame([&] {
            playground.Frame();
            widthAt1x = ImGui::CalcTextSize("Thread-2 (run_task)").x;
        });
    }
    ASSERT_GT(widthAt1x, 0);
    HeadlessContext context;
    Playground playground(Offline(2.0f));
    float fontSize = 0, width = 0;
    HeadlessFrame([&] {
        playground.Frame();
        fontSize = ImGui::GetFontSize();
        width = ImGui::CalcTextSize("Thread-2 (run_task)").x;
    });
    EXPECT_FLOAT_EQ(fontSize, kUiFontSize * 2);
    EXPECT_NEAR(width, widthAt1x * 2, 2.0f);
    EXPECT_TRUE(PrepareFonts()) << "then the glyphs are rasterised at that size";
    EXPECT_FLOAT_EQ(UiFont()->FontSize, kUiFontSize * 2);
    EXPECT_FLOAT_EQ(UiFont()->Scale, 1.0f) << "and no longer stretched";
}

// A display with 2 or 3 device pixels per ImGui unit (a Retina screen, devicePixelRatio 2 or 3): the glyphs keep
// their size in ImGui units but are rasterised with that many texels per unit, rebuilt once, between frames.
TEST(Fonts, GlyphsAreRasterisedAtTheDisplaysPixelDensityOnceItChanges) {
    HeadlessContext context;
    Playground playground(Offline(1.0f));
    Frames(playground, 2);
    const ImFont* ui = FontNamed("Inter Regular");
    const ImFont* mono = FontNamed("JetBrains Mono Regular");
    ASSERT_NE(ui, nullptr);
    ASSERT_NE(mono, nullptr);
    for (const float density : {2.0f, 3.0f, 1.0f}) {
        SCOPED_TRACE(::testing::Message() << "framebuffer scale " << density);
        ImGui::GetIO().DisplayFramebufferScale = ImVec2(density, density);
        EXPECT_TRUE(PrepareFonts()) << "a new pixel density rebuilds the atlas";
        EXPECT_FALSE(PrepareFonts()) << "once";
        Frames(playground, 1);
        EXPECT_EQ(ImGui::GetIO().FontGlobalScale, 1.0f);
        EXPECT_FLOAT_EQ(ui->FontSize, kUiFontSize) << "the same size in ImGui units";
        EXPECT_FLOAT_EQ(ui->ConfigData->RasterizerDensity, density);
        EXPECT_NEAR(TexelsPerUnit(*ui, 'M'), density, 0.15f);
        EXPECT_NEAR(TexelsPerUnit(*mono, '0'), density, 0.15f);
    }
}

TEST(Fonts, AResizedWindowsFramebufferRatioDoesNotRebuildTheAtlasEveryFrame) {
    EXPECT_EQ(FontPixelDensity(1.0f), 1.0f);
    EXPECT_EQ(FontPixelDensity(2.0f), 2.0f);
    EXPECT_EQ(FontPixelDensity(1.2496f), 1.25f);
    EXPECT_EQ(FontPixelDensity(1.2504f), 1.25f);
    EXPECT_EQ(FontPixelDensity(1.1f), 1.25f) << "up: shrinking a glyph is sharper than stretching it";
    EXPECT_EQ(FontPixelDensity(0.0f), 1.0f) << "no framebuffer yet";
    EXPECT_EQ(FontPixelDensity(40.0f), 4.0f) << "a zoomed page cannot ask for a huge atlas";
}

// Every code point above ASCII in `text`, where a C++ "\xNN" escape stands for its byte (units.cpp spells µ so).
void CollectNonAscii(const std::string& text, std::set<char32_t>& out) {
    std::string bytes;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 3 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 3]))) {
            bytes.push_back(static_cast<char>(std::stoi(text.substr(i + 2, 2), nullptr, 16)));
            i += 3;
        } else {
            bytes.push_back(text[i]);
        }
    }
    for (size_t i = 0; i < bytes.size();) {
        const auto lead = static_cast<unsigned char>(bytes[i]);
        const int length = lead < 0x80           ? 1
                           : (lead >> 5) == 0x6  ? 2
                           : (lead >> 4) == 0xE  ? 3
                           : (lead >> 3) == 0x1E ? 4
                                                 : 0;
        if (length == 0 || i + size_t(length) > bytes.size()) {
            ++i;  // not UTF-8 (an escape of raw bytes): nothing drawn from it
            continue;
        }
        char32_t c = length == 1 ? lead : lead & (0x7F >> length);
        bool valid = true;
        for (int k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(bytes[i + size_t(k)]);
            valid = valid && (next & 0xC0) == 0x80;
            c = (c << 6) | (next & 0x3F);
        }
        if (valid && c >= 0x80) out.insert(c);
        i += valid ? size_t(length) : 1;
    }
}

// The text the UI draws comes from these folders: its own strings, the scenario layer's messages and units, lane
// and state names from the trace, models and plan layers, and the presets' names and descriptions.
std::set<char32_t> NonAsciiCharactersTheUiCanDraw() {
    namespace fs = std::filesystem;
    const fs::path root = INTERLEAVE_SOURCE_DIR;
    std::set<char32_t> found;
    for (const char* folder : {"src/ui", "src/scenario", "src/trace", "src/models", "src/plan", "scenarios"}) {
        for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
            const std::string ext = entry.path().extension().string();
            if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h" && ext != ".json")) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream text;
            text << in.rdbuf();
            CollectNonAscii(text.str(), found);
        }
    }
    return found;
}

TEST(Fonts, EveryNonAsciiCharacterTheUiDrawsHasAGlyphInBothFaces) {
    const std::set<char32_t> characters = NonAsciiCharactersTheUiCanDraw();
    ASSERT_TRUE(characters.count(U'\u00B5')) << "the scan finds the µ of \"40µs\" (src/ui/units.cpp)";
    ASSERT_TRUE(characters.count(U'\u03BC')) << "and the Greek μ spelt as escapes there";
    const char* kHint = " (the atlas and the embedded subsets keep only src/ui/glyph_ranges.txt: add it there)";
    HeadlessContext context;
    const ImFont* ui = FontNamed("Inter Regular");
    const ImFont* mono = FontNamed("JetBrains Mono Regular");
    ASSERT_NE(ui, nullptr);
    ASSERT_NE(mono, nullptr);
    for (const char32_t c : characters) {
        ASSERT_LE(c, char32_t(IM_UNICODE_CODEPOINT_MAX));
        EXPECT_NE(ui->FindGlyphNoFallback(ImWchar(c)), nullptr) << "Inter lacks U+" << std::hex << unsigned(c) << kHint;
        EXPECT_NE(mono->FindGlyphNoFallback(ImWchar(c)), nullptr)
            << "JetBrains Mono lacks U+" << std::hex << unsigned(c) << kHint;
    }
    // Text cut short with an ellipsis uses the font's own "…" glyph.
    EXPECT_EQ(ui->EllipsisChar, ImWchar(0x2026));
}

}  // namespace
}  // namespace interleave::ui
