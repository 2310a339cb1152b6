// Durations and sizes as people write them: "1.5s", "250ms", "10MB".
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "scenario/scenario.h"

namespace interleave::scenario {

namespace {

struct Unit {
    std::string_view suffix;
    int64_t multiplier;
};

// Parses "<digits>[.<digits>]<unit>" exactly, in integers, so "0.1s" is 100'000'000 ns on every platform.
// A well-formed quantity past int64 is TooLarge rather than Malformed, so the message can say so.
QuantityParse ParseScaled(std::string_view text, const Unit* units, size_t unitCount, int64_t& out) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    size_t i = 0;
    int64_t whole = 0;
    size_t wholeDigits = 0;
    bool overflow = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        if (whole > (std::numeric_limits<int64_t>::max() - 9) / 10) overflow = true;
        else whole = whole * 10 + (text[i] - '0');
        ++i;
        ++wholeDigits;
    }
    int64_t fraction = 0, fractionScale = 1;
    size_t fractionDigits = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            if (fractionDigits < 9) {
                fraction = fraction * 10 + (text[i] - '0');
                fractionScale *= 10;
            }
            ++i;
            ++fractionDigits;
        }
        if (fractionDigits == 0) return QuantityParse::Malformed;
    }
    if (wholeDigits == 0 && fractionDigits == 0) return QuantityParse::Malformed;
    std::string_view suffix = text.substr(i);
    while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
    for (size_t u = 0; u < unitCount; ++u) {
        if (suffix != units[u].suffix) continue;
        int64_t m = units[u].multiplier;
        if (overflow || whole > std::numeric_limits<int64_t>::max() / m) return QuantityParse::TooLarge;
        // fraction * m can overflow: split m = q * scale + r; fraction < scale <= 1e9 keeps both products in range.
        int64_t q = m / fractionScale, r = m % fractionScale;
        int64_t part = fraction * q + fraction * r / fractionScale;
        if (whole * m > std::numeric_limits<int64_t>::max() - part) return QuantityParse::TooLarge;
        out = whole * m + part;
        return QuantityParse::Ok;
    }
    return QuantityParse::Malformed;
}

constexpr std::array<Unit, 7> kTimeUnits = {{{"ns", 1},
                                             {"us", 1'000},
                                             {"\xC2\xB5s", 1'000},  // µs
                                             {"ms", 1'000'000},
                                             {"s", 1'000'000'000},
                                             {"min", 60'000'000'000},
                                             {"h", 3'600'000'000'000}}};
constexpr std::array<Unit, 8> kByteUnits = {{{"B", 1},
                                             {"KB", 1'000},
                                             {"MB", 1'000'000},
                                             {"GB", 1'000'000'000},
                                             {"KiB", 1LL << 10},
                                             {"MiB", 1LL << 20},
                                             {"GiB", 1LL << 30},
                                             {"", 1}}};

}  // namespace

QuantityParse ParseDurationDetailed(std::string_view text, TimeNs& out) {
    return ParseScaled(text, kTimeUnits.data(), kTimeUnits.size(), out);
}

QuantityParse ParseBytesDetailed(std::string_view text, int64_t& out) {
    return ParseScaled(text, kByteUnits.data(), kByteUnits.size(), out);
}

bool ParseDuration(std::string_view text, TimeNs& out) { return ParseDurationDetailed(text, out) == QuantityParse::Ok; }

bool ParseBytes(std::string_view text, int64_t& out) { return ParseBytesDetailed(text, out) == QuantityParse::Ok; }

std::string FormatDuration(TimeNs ns) {
    char buffer[48];
    double value = static_cast<double>(ns);
    const char* sign = "";
    if (ns < 0) {
        sign = "-";
        value = -value;
    }
    if (value >= 1e9) std::snprintf(buffer, sizeof buffer, "%s%.3f s", sign, value / 1e9);
    else if (value >= 1e6) std::snprintf(buffer, sizeof buffer, "%s%.3f ms", sign, value / 1e6);
    else if (value >= 1e3) std::snprintf(buffer, sizeof buffer, "%s%.1f us", sign, value / 1e3);
    else std::snprintf(buffer, sizeof buffer, "%s%lld ns", sign, static_cast<long long>(value));
    return buffer;
}

std::string FormatBytes(int64_t bytes) {
    char buffer[48];
    const double value = static_cast<double>(bytes);
    if (bytes >= 1'000'000'000) std::snprintf(buffer, sizeof buffer, "%.1f GB", value / 1e9);
    else if (bytes >= 1'000'000) std::snprintf(buffer, sizeof buffer, "%.1f MB", value / 1e6);
    else if (bytes >= 1'000) std::snprintf(buffer, sizeof buffer, "%.1f KB", value / 1e3);
    else std::snprintf(buffer, sizeof buffer, "%lld B", static_cast<long long>(bytes));
    return buffer;
}

std::string FormatRatio(double ratio) {
    if (!std::isfinite(ratio) || ratio < 0) return "n/a";
    if (ratio == 0) return "0x";
    if (ratio < 0.001) return "<0.001x";
    char buffer[48];
    if (ratio < 0.1) std::snprintf(buffer, sizeof buffer, "%.2gx", ratio);
    else if (ratio < 9.995) std::snprintf(buffer, sizeof buffer, "%.2fx", ratio);
    else if (ratio < 99.95) std::snprintf(buffer, sizeof buffer, "%.1fx", ratio);
    else std::snprintf(buffer, sizeof buffer, "%.0fx", ratio);
    return buffer;
}

}  // namespace interleave::scenario
