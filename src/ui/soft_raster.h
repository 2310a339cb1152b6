#pragma once
// [SECTION] Index
//   RasterImage ........ RGBA pixels
//   RasterizeDrawData .. Dear ImGui's draw data (indexed triangles, per-vertex colour, textured by the font atlas)
//                        drawn in software: the PNG export needs no GPU and no window
//   (ui/png_encode.h encodes the pixels)
//   RenderPicturePng ... a Picture (ui/picture.h) drawn with ImGui's own draw list and fonts, rasterised, encoded
#include <cstdint>
#include <string>
#include <vector>

#include "ui/picture.h"
#include "ui/png_encode.h"

struct ImDrawData;

namespace interleave::ui {

struct RasterImage {
    int width = 0, height = 0;
    std::vector<uint8_t> rgba;  // width * height * 4, rows top to bottom
    void Fill(uint32_t abgr);
};

// Draws every command of `data` into `image` (which must be data->DisplaySize big) with alpha blending, honouring
// each command's clip rectangle; textures are taken to be the font atlas `atlas` (RGBA32, atlasW x atlasH), the only
// texture the picture's draw lists use. Pixel centres at +0.5, the top-left fill rule, bilinear texture sampling.
void RasterizeDrawData(const ImDrawData& data, const uint8_t* atlas, int atlasW, int atlasH, RasterImage& image);

// The picture drawn into `image` (resized to the picture), the same way (and with the same needs) as below.
bool RasterizePicture(const Picture& picture, RasterImage& image, std::string& error);

// The picture as PNG bytes, drawn by ImGui with the UI's fonts at the picture's size. Needs a current ImGui context
// whose atlas holds the UI's faces (HeadlessContext, ui/headless.h) and no frame in progress: it runs one frame.
// False (and why) when the picture is bigger than kMaxPictureSide.
bool RenderPicturePng(const Picture& picture, std::string& png, std::string& error);

}  // namespace interleave::ui
