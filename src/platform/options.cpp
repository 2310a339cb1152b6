#include "platform/platform.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace interleave::platform {

namespace {

bool ParseInt(std::string_view text, int& out) {
    if (text.empty()) return false;
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9' || value > 1000000) return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

}  // namespace

bool ParseOptions(int argc, char** argv, Options& options, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto next = [&](std::string_view name) -> const char* {
            if (i + 1 >= argc) {
                error = std::string(name) + " needs a value";
                return nullptr;
            }
            return argv[++i];
        };
        // A file option refuses an empty name here, where the option is named, not later as "cannot open ''".
        auto nextFile = [&](std::string_view name) -> const char* {
            const char* value = next(name);
            if (value && *value == '\0') {
                error = std::string(name) + " needs a file, got an empty name";
                return nullptr;
            }
            return value;
        };
        if (arg == "--help" || arg == "-h") {
            std::printf(
                "usage: interleave [--size WxH] [--frames N [--screenshot out.png]] [--embed] [--preset ID]\n"
                "                  [--view timeline|compare|scaling|help|embed] [--theme dark|light] [--scale S]\n"
                "                  [--open-trace TRACE.json ...] [--scenario SCENARIO.json]\n"
                "       interleave <command> ...   (the command line; see docs/)\n");
            error.clear();
            return false;
        } else if (arg == "--frames") {
            const char* value = next(arg);
            if (!value) return false;
            if (!ParseInt(value, options.frames) || options.frames <= 0) {
                error = "--frames wants a positive number, got '" + std::string(value) + "'";
                return false;
            }
        } else if (arg == "--embed") {
            options.embed = true;
        } else if (arg == "--preset") {
            const char* value = next(arg);
            if (!value) return false;
            options.preset = value;
        } else if (arg == "--view") {
            const char* value = next(arg);
            if (!value) return false;
            const std::string_view view = value;
            if (view != "timeline" && view != "compare" && view != "scaling" && view != "help" && view != "embed") {
                error = "--view wants timeline, compare, scaling, help or embed, got '" + std::string(view) + "'";
                return false;
            }
            options.view = value;
            if (view == "embed") options.embed = true;
        } else if (arg == "--theme") {
            const char* value = next(arg);
            if (!value) return false;
            if (std::string_view(value) != "dark" && std::string_view(value) != "light") {
                error = "--theme wants dark or light, got '" + std::string(value) + "'";
                return false;
            }
            options.theme = value;
        } else if (arg == "--scale") {
            const char* value = next(arg);
            if (!value) return false;
            char* end = nullptr;
            const float scale = std::strtof(value, &end);
            if (end == value || *end != '\0' || !(scale >= 0.5f && scale <= 4.0f)) {
                error.assign("--scale wants a number from 0.5 to 4, got '").append(value).append("'");
                return false;
            }
            options.contentScale = scale;
        } else if (arg == "--open-trace") {
            const char* value = nextFile(arg);
            if (!value) return false;
            options.openTraces.emplace_back(value);
        } else if (arg == "--scenario") {
            const char* value = nextFile(arg);
            if (!value) return false;
            options.scenarioFile = value;
        } else if (arg == "--screenshot") {
            const char* value = nextFile(arg);
            if (!value) return false;
            options.screenshot = value;
        } else if (arg == "--size") {
            const char* value = next(arg);
            if (!value) return false;
            std::string_view size = value;
            size_t x = size.find('x');
            if (x == std::string_view::npos || !ParseInt(size.substr(0, x), options.width) ||
                !ParseInt(size.substr(x + 1), options.height) || options.width < 64 || options.height < 64) {
                error = "--size wants WIDTHxHEIGHT (at least 64x64), got '" + std::string(size) + "'";
                return false;
            }
        } else {
            error = "unknown option '" + std::string(arg) + "' (try --help)";
            return false;
        }
    }
    if (!options.screenshot.empty() && options.frames == 0) options.frames = 3;
    return true;
}

}  // namespace interleave::platform
