#pragma once
// Firefox Profiler profiles ("Gecko" JSON, the processed form) as CPython 3.15's sampling profiler writes them
// (`python3.15 -m profiling.sampling run --gecko -o out.json ...`, PEP 799; Lib/profiling/sampling/
// gecko_collector.py): a "threads" array, each thread with its "markers" as columns (name, startTime, endTime,
// phase), the marker names in "shared"."stringArray", times in milliseconds since the profiler started.
//
// The profiler samples each thread's state and writes, per thread, interval markers where it changed:
//   "Has GIL" / "No GIL", "On CPU" / "Off CPU", "Python Code" / "Native Code", "Waiting for GIL", ...
// Read as a trace (docs/python-builds.md):
//   - a Process track per pid, a Thread track per thread under it (the main thread named MainThread),
//   - a Gil track per process whose HoldingGil spans have cause = the holding thread's track (from "Has GIL";
//     overlapping holdings, which sampling can show, are cut where the next one starts), a GilHandoff
//     instant where the GIL changes hands,
//   - on each thread, by precedence: WaitingGil ("Waiting for GIL", cause = the holder when the wait
//     began), RunningPython ("Python Code", or "Has GIL"), RunningC ("Native Code", or "On CPU" without
//     the GIL), BlockedIo ("Off CPU" otherwise); no span where the profile says nothing.
// Times are the profile's own (its start is 0), rounded to whole nanoseconds. Other markers (GC, exceptions,
// opcodes) and the samples' stacks are not read.
//
// Reading never throws: a file that is not such a profile, or holds a wrong type, a time that is not a
// finite number within kMaxTraceTimeNs, an interval that ends before it starts or a name that is not in the
// string table, gives false and an error naming the field ("gecko profile: threads[1].markers.endTime[7] ...").
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "trace/trace.h"

namespace interleave::trace {

// Whether a parsed document is meant as a Gecko profile: an object with "meta" and "threads" and neither
// "format" (ours) nor "traceEvents" (Chrome's). ReadAnyTrace asks this first.
bool IsGeckoProfile(const nlohmann::json& doc);

// Reads a parsed Gecko profile into `out` (finished, with metrics computed).
bool FromGeckoDocument(const nlohmann::json& doc, Trace& out, std::string& error);

// Parses `text` with the trace limits (trace::TraceJsonLimits()) and reads it.
bool FromGeckoJson(std::string_view text, Trace& out, std::string& error);

}  // namespace interleave::trace
