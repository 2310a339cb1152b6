// The native screenshot's PNG file. The encoding is the picture export's (ui/png_encode.h: plain C++, no compression
// library), so there is one PNG encoder; this file only writes it out.
#include <cstdio>
#include <string>

#include "platform/platform.h"
#include "ui/png_encode.h"

namespace interleave::platform {

bool WritePng(const std::string& path, int width, int height, const unsigned char* rgba) {
    if (width <= 0 || height <= 0 || !rgba) return false;
    const std::string png = ui::EncodePng(width, height, rgba);
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) return false;
    bool ok = std::fwrite(png.data(), 1, png.size(), file) == png.size();
    ok = std::fclose(file) == 0 && ok;
    return ok;
}

}  // namespace interleave::platform
