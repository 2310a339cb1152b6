#pragma once
// The built-in presets: the JSON files under scenarios/, embedded at build time and read by the same
// parser as a user's file.
#include <span>
#include <string_view>

namespace interleave::scenario {

struct PresetFile {
    std::string_view id;    // file name without .json: "blog_threads_io"
    std::string_view json;  // the file's text
};

std::span<const PresetFile> Presets();
const PresetFile* FindPreset(std::string_view id);

}  // namespace interleave::scenario
