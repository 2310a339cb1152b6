#pragma once
// The trace's two file forms (docs/trace-format.md):
//  - Interleave's own JSON ("format": "interleave-trace"), lossless: tracks, spans, instants, tasks,
//    metrics.
//  - Chrome Trace Event JSON, which opens in Perfetto and chrome://tracing. Our export carries exact
//    nanoseconds in args, so importing it back is lossless too; other producers' files are read as far
//    as they map (X, B/E, i events and thread/process names).
// Readers never throw: a broken file gives false and an error naming what is wrong and where. Every
// value's type is checked, times must lie within kMaxTraceTimeNs of 0, and files larger than
// kMaxTraceJsonBytes or nested deeper than kMaxTraceJsonDepth are refused before anything is built.
#include <cstddef>
#include <string>
#include <string_view>

#include "jsonio/bounded_json.h"
#include "trace/trace.h"

namespace interleave::trace {

// Simulated traces take about 70 bytes a span in Interleave's JSON and 250 as Chrome JSON (a million
// spans: 70 MB, 250 MB), and the parsed document takes 5 (ours) to 8 (Chrome's) times the file's size
// in memory: a 256 MiB file is up to 2 GB while it is read. Larger files are refused before parsing.
inline constexpr size_t kMaxTraceJsonBytes = size_t{256} << 20;
// Both forms nest four levels; other producers' args may nest more, but not this much.
inline constexpr int kMaxTraceJsonDepth = 64;
inline jsonio::JsonLimits TraceJsonLimits() {
    return jsonio::JsonLimits{kMaxTraceJsonBytes, kMaxTraceJsonDepth};
}

std::string ToJson(const Trace& trace);
bool FromJson(std::string_view text, Trace& out, std::string& error);
bool FromJson(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits);

std::string ToChromeJson(const Trace& trace);
bool FromChromeJson(std::string_view text, Trace& out, std::string& error);
bool FromChromeJson(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits);

// Reads either form, by looking at what the text holds.
bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error);
bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits);

}  // namespace interleave::trace
