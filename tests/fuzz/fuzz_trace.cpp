// Fuzzes both trace readers (scripts/fuzz.sh trace): trace::FromJson (our own format), trace::FromChromeJson
// (Chrome Trace Event JSON) and trace::ReadAnyTrace, which picks one of them.
// Properties, each aborting when violated (readers never throw, so an exception is a violation too):
//   - a reader that refuses says why;
//   - whatever one reader accepts, both writers write, and what they write is read back: ToJson by FromJson and
//     ReadAnyTrace, ToChromeJson by FromChromeJson and ReadAnyTrace;
//   - the Perfetto writer takes it;
//   - our own format is lossless: ToJson(FromJson(ToJson(t))) == ToJson(t);
//   - the Chrome export is lossless on traces it wrote itself (after one trip, which drops what Chrome's form
//     cannot hold, such as references to tracks or tasks that do not exist): a second trip changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "trace/trace_json.h"
#include "trace/trace_perfetto.h"

namespace {

using namespace interleave;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_trace: property violated: %s\n%s\n", what, detail.substr(0, 4000).c_str());
    std::abort();
}

using Reader = bool (*)(std::string_view, trace::Trace&, std::string&);

trace::Trace MustRead(Reader read, const char* what, const std::string& text) {
    trace::Trace t;
    std::string error;
    if (!read(text, t, error)) Fail(what, error + "\n" + text);
    return t;
}

// Everything that must hold for a trace one of the readers accepted.
void CheckWriters(const trace::Trace& t) {
    // The Perfetto writer takes whatever a reader accepted (no reader for it: it must only not crash or hang).
    if (trace::ToPerfetto(t).empty() && !t.tracks.empty()) Fail("ToPerfetto wrote nothing", trace::ToJson(t));
    const std::string own = trace::ToJson(t);
    const trace::Trace fromOwn = MustRead(trace::FromJson, "FromJson refuses ToJson's output", own);
    const std::string ownAgain = trace::ToJson(fromOwn);
    if (ownAgain != own) Fail("ToJson -> FromJson is not lossless", own + "\n---\n" + ownAgain);
    const trace::Trace anyOwn = MustRead(trace::ReadAnyTrace, "ReadAnyTrace refuses ToJson's output", own);
    if (trace::ToJson(anyOwn) != own) Fail("ReadAnyTrace reads ToJson's output differently from FromJson", own);

    const std::string chrome = trace::ToChromeJson(t);
    const trace::Trace fromChrome =
        MustRead(trace::FromChromeJson, "FromChromeJson refuses ToChromeJson's output", chrome);
    MustRead(trace::ReadAnyTrace, "ReadAnyTrace refuses ToChromeJson's output", chrome);
    // What one writer wrote, after a trip through the other.
    MustRead(trace::FromJson, "FromJson refuses ToJson of a trace read from ToChromeJson's output",
             trace::ToJson(fromChrome));
    const std::string chrome2 = trace::ToChromeJson(fromChrome);
    const trace::Trace fromChrome2 = MustRead(trace::FromChromeJson, "FromChromeJson refuses its second trip", chrome2);
    if (trace::ToJson(fromChrome2) != trace::ToJson(fromChrome))
        Fail("ToChromeJson -> FromChromeJson is not lossless on its own export",
             trace::ToJson(fromChrome) + "\n---\n" + trace::ToJson(fromChrome2));
}

void Read(Reader read, const char* name, std::string_view text) {
    trace::Trace t;
    std::string error;
    if (!read(text, t, error)) {
        if (error.empty()) Fail(name, "refused without a reason");
        return;
    }
    CheckWriters(t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Read(trace::FromJson, "FromJson", text);
    Read(trace::FromChromeJson, "FromChromeJson", text);
    // ReadAnyTrace only dispatches to one of the two: it must not crash, and must say why when it refuses.
    trace::Trace any;
    std::string error;
    if (!trace::ReadAnyTrace(text, any, error)) {
        if (error.empty()) Fail("ReadAnyTrace", "refused without a reason");
        return 0;
    }
    // What the playground does with a trace file it opens (ui::Playground::OpenTrace): a trace without metrics (another
    // tool's Chrome trace) gets them derived from its spans, then it is drawn and compared by its makespan.
    if (any.metrics.makespan <= 0) {
        trace::ComputeMetrics(any);
        if (any.metrics.makespan < 0) Fail("ComputeMetrics", "a negative makespan: " + trace::ToJson(any));
    }
    return 0;
}
