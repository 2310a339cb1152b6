// Software rasteriser and PNG encoder for the picture export. See soft_raster.h.
#include "ui/soft_raster.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "ui/headless.h"

namespace interleave::ui {

// [SECTION] RasterImage

void RasterImage::Fill(uint32_t abgr) {
    rgba.assign(size_t(width) * size_t(height) * 4, 0);
    for (size_t i = 0; i < rgba.size(); i += 4) {
        rgba[i] = uint8_t(abgr & 0xff);
        rgba[i + 1] = uint8_t((abgr >> 8) & 0xff);
        rgba[i + 2] = uint8_t((abgr >> 16) & 0xff);
        rgba[i + 3] = uint8_t(abgr >> 24);
    }
}

// [SECTION] Rasteriser

namespace {

struct Vtx {
    float x, y, u, v;
    float r, g, b, a;  // 0..1
};

Vtx FromImGui(const ImDrawVert& v, const ImVec2& offset) {
    const ImU32 c = v.col;
    return {v.pos.x - offset.x,
            v.pos.y - offset.y,
            v.uv.x,
            v.uv.y,
            float(c & 0xff) / 255.0f,
            float((c >> 8) & 0xff) / 255.0f,
            float((c >> 16) & 0xff) / 255.0f,
            float(c >> 24) / 255.0f};
}

// Bilinear alpha of the atlas at (u, v).
float SampleAlpha(const uint8_t* atlas, int w, int h, float u, float v) {
    const float x = u * float(w) - 0.5f, y = v * float(h) - 0.5f;
    const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
    const float fx = x - float(x0), fy = y - float(y0);
    auto at = [&](int px, int py) {
        px = std::clamp(px, 0, w - 1);
        py = std::clamp(py, 0, h - 1);
        return float(atlas[(size_t(py) * size_t(w) + size_t(px)) * 4 + 3]) / 255.0f;
    };
    const float top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
    const float bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
    return top * (1 - fy) + bottom * fy;
}

// An edge owns the pixels exactly on it when it is a top or a left edge (counter-clockwise after normalising), so
// two triangles sharing an edge draw each pixel once: translucent quads get no seam.
bool TopLeft(float ax, float ay, float bx, float by) {
    return (ay == by && bx < ax) || by > ay;
}

void DrawTriangle(Vtx a, Vtx b, Vtx c, const uint8_t* atlas, int aw, int ah, const ImVec4& clip, RasterImage& img) {
    float area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    if (area == 0 || !std::isfinite(area)) return;
    if (area > 0) std::swap(b, c), area = -area;  // one winding for the edge tests below
    const int x0 = std::max({0, int(std::floor(std::min({a.x, b.x, c.x}))), int(std::floor(clip.x))});
    const int y0 = std::max({0, int(std::floor(std::min({a.y, b.y, c.y}))), int(std::floor(clip.y))});
    const int x1 = std::min({img.width - 1, int(std::ceil(std::max({a.x, b.x, c.x}))), int(std::ceil(clip.z)) - 1});
    const int y1 = std::min({img.height - 1, int(std::ceil(std::max({a.y, b.y, c.y}))), int(std::ceil(clip.w)) - 1});
    if (x0 > x1 || y0 > y1) return;
    auto edge = [](const Vtx& p, const Vtx& q, float x, float y) {
        return (q.x - p.x) * (y - p.y) - (q.y - p.y) * (x - p.x);
    };
    const bool tl0 = TopLeft(b.x, b.y, c.x, c.y), tl1 = TopLeft(c.x, c.y, a.x, a.y), tl2 = TopLeft(a.x, a.y, b.x, b.y);
    const float inv = 1.0f / area;
    // Solid shapes sample the atlas's white pixel: skip the texture when all three UVs are the same.
    const bool textured = !(a.u == b.u && b.u == c.u && a.v == b.v && b.v == c.v);
    const float solidAlpha = textured ? 1.0f : SampleAlpha(atlas, aw, ah, a.u, a.v);
    for (int y = y0; y <= y1; ++y) {
        const float py = float(y) + 0.5f;
        if (py < clip.y || py >= clip.w) continue;
        for (int x = x0; x <= x1; ++x) {
            const float px = float(x) + 0.5f;
            if (px < clip.x || px >= clip.z) continue;
            const float w0 = edge(b, c, px, py), w1 = edge(c, a, px, py), w2 = edge(a, b, px, py);
            // Inside: all on the same side as the area (negative here), or on an owned edge.
            if (w0 > 0 || w1 > 0 || w2 > 0) continue;
            if ((w0 == 0 && !tl0) || (w1 == 0 && !tl1) || (w2 == 0 && !tl2)) continue;
            const float l0 = w0 * inv, l1 = w1 * inv, l2 = w2 * inv;
            float alpha = (a.a * l0 + b.a * l1 + c.a * l2);
            alpha *= textured
                         ? SampleAlpha(atlas, aw, ah, a.u * l0 + b.u * l1 + c.u * l2, a.v * l0 + b.v * l1 + c.v * l2)
                         : solidAlpha;
            if (alpha <= 0) continue;
            alpha = std::min(alpha, 1.0f);
            uint8_t* dst = &img.rgba[(size_t(y) * size_t(img.width) + size_t(x)) * 4];
            const float src[3] = {a.r * l0 + b.r * l1 + c.r * l2, a.g * l0 + b.g * l1 + c.g * l2,
                                  a.b * l0 + b.b * l1 + c.b * l2};
            for (int k = 0; k < 3; ++k)
                dst[k] = uint8_t(
                    std::lround(std::clamp(src[k] * 255.0f * alpha + float(dst[k]) * (1 - alpha), 0.0f, 255.0f)));
            dst[3] = uint8_t(std::lround(std::clamp(255.0f * alpha + float(dst[3]) * (1 - alpha), 0.0f, 255.0f)));
        }
    }
}

}  // namespace

void RasterizeDrawData(const ImDrawData& data, const uint8_t* atlas, int atlasW, int atlasH, RasterImage& image) {
    if (!atlas || atlasW <= 0 || atlasH <= 0 || image.rgba.size() != size_t(image.width) * size_t(image.height) * 4)
        return;
    const ImVec2 offset = data.DisplayPos;
    for (int l = 0; l < data.CmdListsCount; ++l) {
        const ImDrawList* list = data.CmdLists[l];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback) continue;
            const ImVec4 clip(cmd.ClipRect.x - offset.x, cmd.ClipRect.y - offset.y, cmd.ClipRect.z - offset.x,
                              cmd.ClipRect.w - offset.y);
            for (unsigned i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const ImDrawIdx* idx = list->IdxBuffer.Data + cmd.IdxOffset + i;
                const int n = list->VtxBuffer.Size;
                const unsigned ia = cmd.VtxOffset + idx[0], ib = cmd.VtxOffset + idx[1], ic = cmd.VtxOffset + idx[2];
                if (ia >= unsigned(n) || ib >= unsigned(n) || ic >= unsigned(n)) continue;
                DrawTriangle(FromImGui(list->VtxBuffer[int(ia)], offset), FromImGui(list->VtxBuffer[int(ib)], offset),
                             FromImGui(list->VtxBuffer[int(ic)], offset), atlas, atlasW, atlasH, clip, image);
            }
        }
    }
}

// [SECTION] Picture -> PNG

bool RasterizePicture(const Picture& pic, RasterImage& image, std::string& error) {
    const int w = int(std::ceil(pic.width)), h = int(std::ceil(pic.height));
    if (w < 1 || h < 1 || w > kMaxPictureSide || h > kMaxPictureSide) {
        error = std::string("a picture must be 1 to ").append(std::to_string(kMaxPictureSide)).append(" pixels a side");
        return false;
    }
    HeadlessContext::SetDisplay(float(w), float(h), true);
    const ImDrawData* data = HeadlessFrame([&] {
        DrawPicture(ImGui::GetBackgroundDrawList(), pic, 0, 0, ImGui::GetFont());
    });
    unsigned char* atlas = nullptr;
    int aw = 0, ah = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&atlas, &aw, &ah);
    image.width = w;
    image.height = h;
    image.Fill(pic.background | IM_COL32_A_MASK);
    RasterizeDrawData(*data, atlas, aw, ah, image);
    return true;
}

bool RenderPicturePng(const Picture& pic, std::string& png, std::string& error) {
    RasterImage image;
    if (!RasterizePicture(pic, image, error)) return false;
    png = EncodePng(image.width, image.height, image.rgba.data());
    return true;
}

}  // namespace interleave::ui
