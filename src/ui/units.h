#pragma once
// Text forms of durations and sizes for the scenario editor's input fields. Pure.
// Accepts what people type: "5ms", "5 ms", "1.5s", "40us", "40µs", "100ns", "0"; "10MB", "512 KiB", "100B".
#include <cstdint>
#include <string>
#include <string_view>

namespace interleave::ui {

// Shortest exact-enough form, no space: 5'000'000 -> "5ms", 1'500'000'000 -> "1.5s", 100 -> "100ns".
std::string DurationToInput(int64_t ns);
bool ParseDurationInput(std::string_view text, int64_t& ns);
// 10'000'000 -> "10MB" (decimal units), 1536 -> "1.536KB", 100 -> "100B".
std::string BytesToInput(int64_t bytes);
bool ParseBytesInput(std::string_view text, int64_t& bytes);

}  // namespace interleave::ui
