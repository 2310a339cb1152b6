#pragma once
// RGBA pixels -> PNG bytes, with no compression library: zlib's format with one fixed-Huffman block whose only
// matches repeat the previous pixel, so flat pictures (the timeline, the UI) shrink 20-50x. Pure standard C++:
// the picture export (ui/soft_raster.h) and the native screenshot (platform/png.cpp) share it.
#include <cstdint>
#include <string>

namespace interleave::ui {

// A PNG (8-bit RGBA, no interlace) of `rgba` (width * height * 4 bytes, rows top to bottom): the file's bytes, or
// "" for an empty image.
std::string EncodePng(int width, int height, const uint8_t* rgba);

}  // namespace interleave::ui
