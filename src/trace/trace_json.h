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
#include <memory>
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

// Reads either form, or a Gecko profile (trace_gecko.h), by looking at what the text holds.
bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error);
bool ReadAnyTrace(std::string_view text, Trace& out, std::string& error, const jsonio::JsonLimits& limits);

// Which form a TraceFileReader expects: Any decides by the document's structure (ReadAnyTrace).
enum class TraceForm { Any, Interleave, Chrome };

// Reads a trace file in steps of bounded work: FromJson, FromChromeJson and ReadAnyTrace run one to the end, and
// the playground runs one a step at a time, so the single-threaded web build draws frames while a 60 MB file is
// read (the JSON parse: jsonio::SlicedJsonParser; then the conversion, kStepRecords records a step).
//
// The text is borrowed: it must outlive the reader until TextRead(). The results and errors are exactly those of
// the functions above.
class TraceFileReader {
public:
    // A step's work: about 2 to 5 ms natively on this project's 2-core VM, a few times that in WebAssembly
    // (docs/authoring.md has the figures).
    static constexpr size_t kStepBytes = size_t{128} << 10;
    static constexpr size_t kStepRecords = 4096;
    // The parse's share of the whole read, for Progress (measured: docs/authoring.md).
    static constexpr double kParseShare = 0.7;

    explicit TraceFileReader(std::string_view text, TraceForm form = TraceForm::Any,
                             const jsonio::JsonLimits& limits = TraceJsonLimits());
    ~TraceFileReader();
    TraceFileReader(const TraceFileReader&) = delete;
    TraceFileReader& operator=(const TraceFileReader&) = delete;

    // One step; true once finished, well or not.
    bool Step();
    bool Done() const { return m_done; }
    bool Ok() const { return m_done && m_error.empty(); }
    // Why it was refused ("trace: spans[3] ends before it starts").
    const std::string& Error() const { return m_error; }
    // The trace read, finished (Trace::Finish); once.
    Trace TakeTrace();
    // How much of the reading lies behind, 0 to 1.
    double Progress() const;
    // Whether the text is no longer looked at (parsed, or refused): the caller may free it.
    bool TextRead() const;

private:
    struct Reading;
    bool Finish(std::string error);

    TraceForm m_form;
    std::unique_ptr<Reading> m_reading;  // the parser, the document and the converter, while reading
    bool m_done = false;
    std::string m_error;
    Trace m_trace;
};

}  // namespace interleave::trace
