#pragma once
// Pictures of a trace as files: SVG and PNG bytes for the command line (`interleave sim --svg/--png`) and the
// playground's "Save SVG" button, and handing a file to the user (natively: a file in the working directory; in the
// browser: a download). Measuring and rasterising text needs the UI's fonts: these functions use the current ImGui
// context's fonts when there is one (the playground) and make a headless one for the call otherwise (the command
// line).
#include <functional>
#include <string>

#include "trace/trace.h"
#include "ui/picture.h"

namespace interleave::ui {

// Any picture (a timeline's sections, the scaling plot), laid out with the text metrics it is given: the UI font's at
// content scale 1 (UiTextMetrics).
using PictureBuilder = std::function<Picture(const TextMetrics& metrics)>;

std::string PictureSvg(const PictureBuilder& build);
std::string PictureSvg(const trace::Trace& trace, const PictureView& view);
// Always runs in a headless context of its own (a PNG takes a whole ImGui frame, which cannot nest in the
// playground's). False and why when the view is bigger than kMaxPictureSide.
bool PicturePng(const PictureBuilder& build, std::string& png, std::string& error);
bool PicturePng(const trace::Trace& trace, const PictureView& view, std::string& png, std::string& error);

// Writes `bytes` to the file `fileName` in the working directory (`where` then names it). False and why when the
// file cannot be written. What the playground does where no PlaygroundSettings::saveFile is given (tests, native).
bool SavePictureFile(const std::string& fileName, const std::string& bytes, std::string& where);

// A file name for a picture of `name` (a preset id or a scenario's name): letters, digits, '-' and '_' kept, the
// rest '_', at most 60 characters: "interleave-convoy.svg".
std::string PictureFileName(const std::string& name, const char* extension);

}  // namespace interleave::ui
