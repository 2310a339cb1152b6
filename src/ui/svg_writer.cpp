// SVG out. See svg_writer.h.
#include "ui/svg_writer.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <initializer_list>

#include "interleave_fonts.h"
#include "ui/theme.h"
#include "ui/timeline_patterns.h"

namespace interleave::ui {

namespace {

// Coordinates to a tenth of a pixel, without a trailing ".0": most of an SVG's bytes are numbers.
void Num(std::string& out, float v) {
    if (!std::isfinite(v)) v = 0;
    const long tenths = std::lround(double(v) * 10.0);
    if (tenths < 0) out += '-';
    const unsigned long a = (unsigned long)std::labs(tenths);
    out += std::to_string(a / 10);
    if (a % 10) out.append(".").append(std::to_string(a % 10));
}

// "#rrggbb" of ImGui's packed ABGR.
std::string Hex(uint32_t abgr) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", abgr & 0xff, (abgr >> 8) & 0xff, (abgr >> 16) & 0xff);
    return buffer;
}

int Alpha(uint32_t abgr) {
    return int(abgr >> 24);
}

void Fill(std::string& out, uint32_t color) {
    out.append(" fill=\"").append(Hex(color)).append("\"");
    if (Alpha(color) < 255) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, " fill-opacity=\"%.3g\"", Alpha(color) / 255.0);
        out += buffer;
    }
}

void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

uint16_t U16(const unsigned char* p) {
    return uint16_t((p[0] << 8) | p[1]);
}
uint32_t U32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// (hhea ascender - hhea descender) / head unitsPerEm of an OpenType font, or 0 if the tables cannot be read.
double HeightPerEm(const unsigned char* data, size_t size) {
    if (!data || size < 12) return 0;
    const unsigned tables = U16(data + 4);
    int upm = 0, ascender = 0, descender = 0;
    bool head = false, hhea = false;
    for (unsigned i = 0; i < tables && 12 + 16 * (size_t(i) + 1) <= size; ++i) {
        const unsigned char* rec = data + 12 + 16 * size_t(i);
        const uint32_t offset = U32(rec + 8);
        if (std::string_view(reinterpret_cast<const char*>(rec), 4) == "head" && size_t(offset) + 20 <= size) {
            upm = U16(data + offset + 18);
            head = true;
        } else if (std::string_view(reinterpret_cast<const char*>(rec), 4) == "hhea" && size_t(offset) + 8 <= size) {
            ascender = int16_t(U16(data + offset + 4));
            descender = int16_t(U16(data + offset + 6));
            hhea = true;
        }
    }
    if (!head || !hhea || upm <= 0 || ascender - descender <= 0) return 0;
    return double(ascender - descender) / double(upm);
}

// "Mx0 y0Lx1 y1L...": a path through the points (x, y pairs).
void PathPoints(std::string& out, std::initializer_list<float> xy) {
    size_t i = 0;
    for (float v : xy) {
        if (i % 2 == 0) out += i == 0 ? 'M' : 'L';
        else out += ' ';
        Num(out, v);
        ++i;
    }
}

std::string F(float v) {
    std::string out;
    Num(out, v);
    return out;
}

// One tile (12 x 12 units: every pattern's period, timeline.cpp's kPatternPeriod) of a state's pattern as SVG
// shapes, the geometry of DrawPatternedRect (ui/timeline_patterns.cpp) with the tile's origin where DrawPatternedRect
// has the pattern's (the span's left edge, the lane's top). Empty for the patterns that are no tile.
std::string PatternTile(PatternKind kind, uint32_t fill) {
    const float s = kPatternSpacing, t = 2 * s;
    const std::string ink = Hex(PatternInk(fill));
    const std::string stroke = "\" stroke=\"" + ink + "\" stroke-width=\"" + F(kPatternLineWidth) + "\"/>";
    std::string out;
    const auto line = [&](float x0, float y0, float x1, float y1) {
        out.append("<path d=\"M")
            .append(F(x0))
            .append(" ")
            .append(F(y0))
            .append("L")
            .append(F(x1))
            .append(" ")
            .append(F(y1))
            .append(stroke);
    };
    const auto box = [&](float x0, float y0, float x1, float y1, const std::string& extra) {
        out.append("<rect x=\"").append(F(x0)).append("\" y=\"").append(F(y0)).append("\" width=\"").append(F(x1 - x0));
        out.append("\" height=\"")
            .append(F(y1 - y0))
            .append("\" fill=\"")
            .append(ink)
            .append("\"")
            .append(extra)
            .append("/>");
    };
    switch (kind) {
        case PatternKind::DiagonalHatch:  // x + y = k s (y down): "/"
        case PatternKind::CrossHatch:
            for (float u = 0; u <= 2 * t; u += s)
                line(u, 0, u - t, t);
            if (kind == PatternKind::DiagonalHatch) break;
            [[fallthrough]];
        case PatternKind::BackDiagonalHatch:  // x - y = k s: "\"
            for (float u = -t; u <= t; u += s)
                line(u, 0, u + t, t);
            break;
        case PatternKind::HorizontalLines:
        case PatternKind::Grid:
            for (float y = s * 0.5f; y < t; y += s)
                line(0, y, t, y);
            if (kind == PatternKind::HorizontalLines) break;
            [[fallthrough]];
        case PatternKind::VerticalLines:
            for (float x = s * 0.5f; x < t; x += s)
                line(x, 0, x, t);
            break;
        case PatternKind::Dots: {
            const float half = kPatternDotRadius * 0.886f;
            for (float y = s * 0.5f; y < t; y += s)
                for (float x = s * 0.5f; x < t; x += s)
                    box(x - half, y - half, x + half, y + half, "");
            break;
        }
        case PatternKind::Checker:  // the odd cells, at half strength
            box(s, 0, t, s, " fill-opacity=\"0.451\"");
            box(0, s, s, t, " fill-opacity=\"0.451\"");
            break;
        case PatternKind::Dashes:  // dashes half a spacing long; the second row shifted by half a spacing
            for (float x = 0; x < t; x += s)
                line(x, s * 0.5f, x + s * 0.5f, s * 0.5f);
            for (float x = s * 0.5f; x < t; x += s)
                line(x, s * 1.5f, x + s * 0.5f, s * 1.5f);
            break;
        default:
            break;
    }
    return out;
}

const char* kFontFamily =
    "Inter, 'Inter Variable', system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

}  // namespace

std::string XmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    for (size_t i = 0; i < n;) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            switch (c) {
                case '&':
                    out += "&amp;";
                    break;
                case '<':
                    out += "&lt;";
                    break;
                case '>':
                    out += "&gt;";
                    break;
                case '"':
                    out += "&quot;";
                    break;
                case '\'':
                    out += "&apos;";
                    break;
                default:
                    // C0 controls are not allowed in XML 1.0 (tab and newlines are, but would draw as spaces);
                    // DEL is allowed but invisible: all stand out as U+FFFD instead of vanishing.
                    if (c < 0x20 || c == 0x7F)
                        AppendUtf8(out, 0xFFFD);
                    else
                        out += char(c);
            }
            ++i;
            continue;
        }
        // A UTF-8 sequence: decode and check it (overlong forms, surrogates, past U+10FFFF, U+FFFE/U+FFFF and C1
        // controls are all refused), else one U+FFFD for the lead byte.
        int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        uint32_t cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;
        bool ok = len > 0 && i + size_t(len) <= n;
        for (int k = 1; ok && k < len; ++k) {
            if ((s[i + size_t(k)] & 0xC0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (s[i + size_t(k)] & 0x3Fu);
        }
        if (ok) {
            const uint32_t least = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
            ok = cp >= least && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF &&
                 !(cp >= 0x80 && cp <= 0x9F);
        }
        if (ok) {
            out.append(text.substr(i, size_t(len)));
            i += size_t(len);
        } else {
            AppendUtf8(out, 0xFFFD);
            ++i;
        }
    }
    return out;
}

float CssFontSize(float imguiSize) {
    static const double ratio = [] {
        const fonts::EmbeddedFont& ui = fonts::Ui();
        const double r = HeightPerEm(ui.bytes, ui.size);
        return r > 0.5 && r < 3 ? r : 1.21;
    }();
    return float(imguiSize / ratio);
}

std::string WriteSvg(const Picture& pic) {
    std::string out;
    out.reserve(64 * pic.items.size() + 4096);
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"";
    Num(out, pic.width);
    out += "\" height=\"";
    Num(out, pic.height);
    out += "\" viewBox=\"0 0 ";
    Num(out, pic.width);
    out += ' ';
    Num(out, pic.height);
    out.append("\" font-family=\"").append(kFontFamily).append("\" font-size=\"");
    Num(out, CssFontSize(pic.fontSize));
    out += "\">\n";
    for (const PictureItem& item : pic.items)
        if (item.role == PictureRole::HeaderText) {
            out.append("<title>").append(XmlEscape(item.text)).append("</title>\n");
            break;
        }

    // One class a state (spans, legend boxes), one gradient a state for folded runs: a translucent fill with a
    // solid band 2 px high through the middle, as DrawLane draws a fold (alpha 150, band opaque).
    std::array<bool, size_t(trace::SpanState::Count)> used{}, folded{};
    float foldH = 0;
    for (const PictureItem& item : pic.items) {
        if (IsPatterned(item.role)) used[size_t(item.state)] = true;
        if (item.role == PictureRole::Fold) folded[size_t(item.state)] = true, foldH = item.y1 - item.y0;
    }
    out += "<style>";
    for (size_t s = 0; s < used.size(); ++s) {
        if (!used[s]) continue;
        const std::string n = std::to_string(s);
        const std::string c = Hex(StateColor(trace::SpanState(s), pic.theme));
        out.append(".s").append(n).append("{fill:").append(c).append("}");
        // DrawPatternedRect's hollow state: a faint fill inside a border of the state's colour.
        if (StatePattern(trace::SpanState(s)) == PatternKind::Outline) {
            char opacity[16];
            std::snprintf(opacity, sizeof opacity, "%.3f", kOutlineFillAlpha / 255.0);
            out.append(".s").append(n).append("{fill-opacity:").append(opacity).append(";stroke:").append(c);
            out.append(";stroke-width:").append(F(kOutlineWidth)).append("}");
        }
        if (!PatternTile(StatePattern(trace::SpanState(s)), 0).empty())
            out.append(".t").append(n).append("{fill:url(#p").append(n).append(")}");
    }
    for (size_t s = 0; s < folded.size(); ++s)
        if (folded[s])
            out.append(".f").append(std::to_string(s)).append("{fill:url(#g").append(std::to_string(s)).append(")}");
    out += "</style>\n";
    out += "<defs>";
    for (size_t s = 0; s < used.size(); ++s) {
        const uint32_t fill = StateColor(trace::SpanState(s), pic.theme);
        const std::string tile = used[s] ? PatternTile(StatePattern(trace::SpanState(s)), fill) : std::string();
        if (tile.empty()) continue;
        // userSpaceOnUse: anchored where the referencing rect's user space starts, its lane's top-left corner (the
        // spans of a lane are drawn in a group translated there).
        out.append("<pattern id=\"p")
            .append(std::to_string(s))
            .append("\" patternUnits=\"userSpaceOnUse\" width=\"12\" height=\"12\">");
        out.append("<rect width=\"12\" height=\"12\" fill=\"")
            .append(Hex(fill))
            .append("\"/>")
            .append(tile)
            .append("</pattern>");
    }
    if (foldH > 0) {
        char band[64];
        const double half = 1.0 / double(foldH);
        std::snprintf(band, sizeof band, "%.4f", 0.5 - half);
        const std::string a = band;
        std::snprintf(band, sizeof band, "%.4f", 0.5 + half);
        const std::string b = band;
        for (size_t s = 0; s < folded.size(); ++s) {
            if (!folded[s]) continue;
            const std::string c = Hex(StateColor(trace::SpanState(s), pic.theme));
            const std::string light = "\" stop-color=\"" + c + "\" stop-opacity=\"0.588\"/>";
            const std::string solid = "\" stop-color=\"" + c + "\"/>";
            out.append("<linearGradient id=\"g").append(std::to_string(s)).append("\" x2=\"0\" y2=\"1\">");
            out.append("<stop offset=\"0").append(light).append("<stop offset=\"").append(a).append(light);
            out.append("<stop offset=\"").append(a).append(solid).append("<stop offset=\"").append(b).append(solid);
            out.append("<stop offset=\"").append(b).append(light).append("<stop offset=\"1").append(light);
            out += "</linearGradient>";
        }
    }
    out += "</defs>\n";

    // The spans of a lane go in a group translated to the lane's top: their patterns (userSpaceOnUse) start there,
    // as DrawPatternedRect starts them at the lane's top, and every y inside is small. Other items that follow in
    // the group are written relative to it too.
    bool grouped = false;
    float dy = 0;
    for (const PictureItem& item : pic.items) {
        const bool span = IsPatterned(item.role);
        if ((span || item.role == PictureRole::Fold) && (!grouped || item.y0 != dy)) {
            if (grouped) out += "</g>\n";
            dy = item.y0;
            grouped = true;
            out += "<g transform=\"translate(0 ";
            Num(out, dy);
            out += ")\">\n";
        }
        switch (item.shape) {
            case PictureShape::Rect: {
                float y0 = item.y0 - dy, y1 = item.y1 - dy;
                if (item.role == PictureRole::Outline) {
                    out += "<rect x=\"";
                    Num(out, item.x0 + 1);
                    out += "\" y=\"";
                    Num(out, y0 + 1);
                    out += "\" width=\"";
                    Num(out, item.x1 - item.x0 - 2);
                    out += "\" height=\"";
                    Num(out, y1 - y0 - 2);
                    out.append("\" fill=\"none\" stroke=\"")
                        .append(Hex(item.color))
                        .append("\" stroke-width=\"2\"/>\n");
                    break;
                }
                out += "<rect";
                if (span) {
                    const PatternKind kind = StatePattern(item.state);
                    if (kind == PatternKind::HalfHeight) {  // idle: a bar half the lane's height
                        const float h = y1 - y0, mid = (y0 + y1) * 0.5f;
                        y0 = mid - h * 0.25f;
                        y1 = mid + h * 0.25f;
                    }
                    const bool tiled = item.x1 - item.x0 >= kPatternMinWidth && !PatternTile(kind, 0).empty();
                    out.append(tiled ? " class=\"t" : " class=\"s")
                        .append(std::to_string(size_t(item.state)))
                        .append("\"");
                } else if (item.role == PictureRole::Fold) {
                    out.append(" class=\"f").append(std::to_string(size_t(item.state))).append("\"");
                }
                out += " x=\"";
                Num(out, item.x0);
                out += "\" y=\"";
                Num(out, y0);
                out += "\" width=\"";
                Num(out, item.x1 - item.x0);
                out += "\" height=\"";
                Num(out, y1 - y0);
                out += '"';
                if (!span && item.role != PictureRole::Fold) Fill(out, item.color);
                out += "/>\n";
                break;
            }
            case PictureShape::Triangle: {
                out += "<path d=\"";
                PathPoints(out, {item.x0, item.y0 - dy, item.x1, item.y1 - dy, item.x2, item.y2 - dy});
                out += "Z\"";
                Fill(out, item.color);
                out += "/>\n";
                break;
            }
            case PictureShape::Line: {
                out += "<path d=\"";
                PathPoints(out, {item.x0, item.y0 - dy, item.x1, item.y1 - dy});
                out.append("\" fill=\"none\" stroke=\"").append(Hex(item.color)).append("\"");
                if (Alpha(item.color) < 255) {
                    char opacity[32];
                    std::snprintf(opacity, sizeof opacity, " stroke-opacity=\"%.3g\"", Alpha(item.color) / 255.0);
                    out += opacity;
                }
                out += " stroke-width=\"";
                Num(out, item.x2);
                out += '"';
                if (item.y2 > 0) {
                    out += " stroke-dasharray=\"";
                    Num(out, item.y2 * 0.6f);
                    out += ' ';
                    Num(out, item.y2 * 0.4f);
                    out += '"';
                }
                out += "/>\n";
                break;
            }
            case PictureShape::Disc: {
                out += "<circle cx=\"";
                Num(out, item.x0);
                out += "\" cy=\"";
                Num(out, item.y0 - dy);
                out += "\" r=\"";
                Num(out, item.x2 * 0.5f);
                out += '"';
                Fill(out, item.color);
                // What the point is (a plot's point: "threads x4: makespan 1.20 s"): shown on hover, read by screen
                // readers.
                if (item.text.empty()) out += "/>\n";
                else out.append("><title>").append(XmlEscape(item.text)).append("</title></circle>\n");
                break;
            }
            case PictureShape::Text: {
                out += "<text x=\"";
                Num(out, item.x0);
                out += "\" y=\"";
                Num(out, item.y0 + pic.ascent - dy);  // SVG places text on its baseline, ImGui by its top
                out += '"';
                Fill(out, item.color);
                // Runs of spaces ("Threads  -  makespan") kept: Chromium honours xml:space on the text element
                // itself, not inherited from the root.
                if (item.text.find("  ") != std::string::npos || item.text.front() == ' ' || item.text.back() == ' ')
                    out += " xml:space=\"preserve\"";
                out.append(">").append(XmlEscape(item.text)).append("</text>\n");
                break;
            }
        }
    }
    if (grouped) out += "</g>\n";
    out += "</svg>\n";
    return out;
}

}  // namespace interleave::ui
