#pragma once
// The trace's two file forms:
//  - Interleave's own JSON ("format": "interleave-trace"), lossless: tracks, spans, instants, tasks,
//    metrics.
//  - Chrome Trace Event JSON, which opens in Perfetto and chrome://tracing. Our export carries exact
//    nanoseconds in args, so importing it back is lossless too; other producers' files are read as far
//    as they map (X, B/E, i events and thread/process names).
// Readers never throw: a broken file gives false and an error naming what is wrong.
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace interleave::trace {

std::string ToJson(const Trace& trace);
bool FromJson(std::string_view text, Trace& out, std::string& error);

std::string ToChromeJson(const Trace& trace);
bool FromChromeJson(std::string_view text, Trace& out, std::string& error);

// Reads either form, by looking at what the text holds.
bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error);

}  // namespace interleave::trace
