#pragma once
// Files under src/native/python/, embedded at build time by cmake/native.cmake.
#include <string_view>

namespace interleave::native {
struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};
// The text of src/native/python/<name>, or empty if there is no such file.
std::string_view EmbeddedPython(std::string_view name);
}  // namespace interleave::native
