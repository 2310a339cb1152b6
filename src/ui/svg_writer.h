#pragma once
// A picture (ui/picture.h) as SVG: a real vector drawing, one element per visible span or folded run, text as text
// in Inter (with fallbacks), a viewBox so it scales crisply. Every piece of text is escaped for XML (lane and task
// names come from strangers: a name that looks like markup stays text; control characters and invalid UTF-8
// become U+FFFD, which XML 1.0 allows).
#include <string>
#include <string_view>

#include "ui/picture.h"

namespace interleave::ui {

// `text` escaped for an XML or HTML text node or a quoted attribute value (& < > " '); control characters and
// invalid UTF-8 become U+FFFD. The one escape for every piece of markup we write (SVG pictures, the embed snippet).
std::string XmlEscape(std::string_view text);

// The CSS font-size (px) of the UI face drawn `imguiSize` ImGui units tall: ImGui sizes a face from its ascender to
// its descender (stb_truetype's ScaleForPixelHeight, from the hhea table), CSS from its em square. Read from the
// embedded Inter's own tables; 1 / 1.21 of imguiSize (Inter 4's ratio) if they cannot be read.
float CssFontSize(float imguiSize);

std::string WriteSvg(const Picture& picture);

}  // namespace interleave::ui
