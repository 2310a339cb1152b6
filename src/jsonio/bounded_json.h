#pragma once
// Reading JSON from strangers (scenario files, share links, profiles, traces) without trusting it.
//
// nlohmann::json's own parse() either throws (Emscripten builds abort on a throw) or, with exceptions
// off, says only "discarded": no position. Its dump() recurses once per nesting level, so a value nested
// a few hundred thousand deep overflows the stack when an error message quotes it. Every reader of
// untrusted JSON goes through ParseBoundedJson (no throw, a position in every error, a nesting limit)
// and quotes values with ShowJson (bounded in depth and length).
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace interleave::jsonio {

struct JsonLimits {
    size_t maxBytes = size_t{64} << 20;  // larger inputs are refused before parsing
    int maxDepth = 64;                   // arrays and objects nested deeper are refused
};

// Parses `text` into `out`. On failure returns false and `error` says what is wrong and where:
//   "not valid JSON at line 1, column 12: number overflow parsing '1e400'"
//   "arrays and objects nest deeper than 64 levels (at line 1, column 65)"
//   "the text is larger than 64 MiB"
// `what` names the document in the size message ("the scenario", "the trace").
bool ParseBoundedJson(std::string_view text, nlohmann::json& out, std::string& error, const JsonLimits& limits = {},
                      std::string_view what = "the text");

// A short rendering of a value for an error message: at most `maxChars` characters (then "..."), never
// recursing deeper than a few levels, whatever the value's size or depth.
std::string ShowJson(const nlohmann::json& value, size_t maxChars = 40);

// The value's type in words ("a string", "a number", "an object", ...), for "must be X, got Y" messages.
std::string_view JsonTypeName(const nlohmann::json& value);

}  // namespace interleave::jsonio
