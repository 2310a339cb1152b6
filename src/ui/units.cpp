// Editor text forms of durations and sizes. See units.h.
#include "ui/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace interleave::ui {

namespace {

std::string Trimmed(std::string_view text) {
    size_t a = 0, b = text.size();
    while (a < b && std::isspace(static_cast<unsigned char>(text[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(text[b - 1]))) --b;
    return std::string(text.substr(a, b - a));
}

// Splits "1.5 ms" into 1.5 and "ms". Returns false if no number leads.
bool SplitNumber(std::string_view text, double& value, std::string& unit) {
    const std::string s = Trimmed(text);
    if (s.empty()) return false;
    char* endp = nullptr;
    value = std::strtod(s.c_str(), &endp);
    if (endp == s.c_str() || !std::isfinite(value)) return false;
    unit = Trimmed(std::string_view(endp));
    for (auto& c : unit) c = char(std::tolower(static_cast<unsigned char>(c)));
    return true;
}

std::string Compact(double value, const char* unit) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g%s", value, unit);
    return buffer;
}

}  // namespace

std::string DurationToInput(int64_t ns) {
    const double v = double(ns);
    const double mag = std::abs(v);
    if (ns == 0) return "0";
    if (mag >= 1e9) return Compact(v / 1e9, "s");
    if (mag >= 1e6) return Compact(v / 1e6, "ms");
    if (mag >= 1e3) return Compact(v / 1e3, "us");
    return Compact(v, "ns");
}

bool ParseDurationInput(std::string_view text, int64_t& ns) {
    double value = 0;
    std::string unit;
    if (!SplitNumber(text, value, unit)) return false;
    double scale = 0;
    if (unit == "s" || unit == "sec") scale = 1e9;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") scale = 1e3;
    else if (unit == "ns") scale = 1;
    else if (unit.empty() && value == 0) scale = 1;
    else return false;
    const double result = std::round(value * scale);
    if (result < 0 || result > 9.2e18) return false;
    ns = static_cast<int64_t>(result);
    return true;
}

std::string BytesToInput(int64_t bytes) {
    const double v = double(bytes);
    if (bytes >= 1'000'000'000) return Compact(v / 1e9, "GB");
    if (bytes >= 1'000'000) return Compact(v / 1e6, "MB");
    if (bytes >= 1'000) return Compact(v / 1e3, "KB");
    return Compact(v, "B");
}

bool ParseBytesInput(std::string_view text, int64_t& bytes) {
    double value = 0;
    std::string unit;
    if (!SplitNumber(text, value, unit)) return false;
    double scale = 0;
    if (unit.empty() || unit == "b") scale = 1;
    else if (unit == "kb") scale = 1e3;
    else if (unit == "mb") scale = 1e6;
    else if (unit == "gb") scale = 1e9;
    else if (unit == "kib") scale = 1024.0;
    else if (unit == "mib") scale = 1024.0 * 1024;
    else if (unit == "gib") scale = 1024.0 * 1024 * 1024;
    else return false;
    const double result = std::round(value * scale);
    if (result < 0 || result > 9.2e18) return false;
    bytes = static_cast<int64_t>(result);
    return true;
}

}  // namespace interleave::ui
