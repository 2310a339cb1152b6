#pragma once
// The figures a text on screen states (a story's caption, the explanation), read as written, for the tests that check
// each against the run it describes.
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace interleave::testing {

struct Figure {
    std::string text;    // as written: "2.54 s", "0.99x", "25%"
    double value = 0;    // times in ns; a ratio ("x") as itself; a percentage as a fraction (25% -> 0.25)
    double halfUlp = 0;  // half its last written digit, in the same unit: "2.54 s" means 2.535 to 2.545 s
    char kind = 't';     // 't' a time, 'x' a ratio, '%' a percentage
    bool below = false;  // written as a bound, "<0.1%": the figure is above 0 and under `value`
};

// Whether `actual` is what `figure` states: within half its last digit, or for a bound, between 0 and the bound.
inline bool Matches(const Figure& figure, double actual, double room) {
    if (figure.below) return actual > 0 && actual < figure.value + room;
    return std::abs(actual - figure.value) <= room;
}

// Every number followed (after an optional space) by us, ms or s, not followed by a letter (times); every number
// followed at once by 'x' or '%' (ratios, percentages). Other numbers ("3 steps", "v3.14") are not figures.
inline std::vector<Figure> FiguresIn(const std::string& text) {
    std::vector<Figure> out;
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    for (size_t i = 0; i < text.size(); ++i) {
        if (!digit(text[i]) || (i > 0 && (digit(text[i - 1]) || text[i - 1] == '.' || letter(text[i - 1])))) continue;
        size_t j = i, decimals = 0;
        while (j < text.size() && digit(text[j])) ++j;
        if (j + 1 < text.size() && text[j] == '.' && digit(text[j + 1])) {
            ++j;
            while (j < text.size() && digit(text[j])) ++j, ++decimals;
        }
        const double number = std::stod(text.substr(i, j - i));
        const double half = 0.5 * std::pow(10.0, -double(decimals));
        if (j < text.size() && (text[j] == 'x' || text[j] == '%') &&
            (j + 1 >= text.size() || !letter(text[j + 1]))) {
            const double scale = text[j] == '%' ? 0.01 : 1.0;
            const bool below = i > 0 && text[i - 1] == '<';
            out.push_back({text.substr(below ? i - 1 : i, j + 1 - i + (below ? 1 : 0)), number * scale, half * scale, text[j],
                           below});
            i = j;
            continue;
        }
        const size_t u = j < text.size() && text[j] == ' ' ? j + 1 : j;
        for (const auto& [unit, ns] : {std::pair<const char*, double>{"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}) {
            const size_t n = std::strlen(unit);
            if (text.compare(u, n, unit) != 0 || (u + n < text.size() && letter(text[u + n]))) continue;
            out.push_back({text.substr(i, u + n - i), number * ns, half * ns, 't'});
            break;
        }
        i = j;
    }
    return out;
}

}  // namespace interleave::testing
