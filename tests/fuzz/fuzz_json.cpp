// Fuzzes the sliced JSON reader every reader of untrusted JSON goes through (scripts/fuzz.sh json):
// jsonio::SlicedJsonParser against nlohmann's own parse of the whole text. The input's first byte sets the bound on
// values read whole (1 to 64 bytes: small enough that the walker reads nearly every array and object), its second
// the bytes a step reads (1 to 256); the rest is the text.
// Properties, each aborting when violated:
//   - it accepts exactly the texts nlohmann accepts that hold no NUL byte (the nesting limit, the text's length,
//     never binds);
//   - what it accepts is nlohmann's document (a name given twice: its last value);
//   - what it refuses, it says why: "not valid JSON" and where;
//   - its progress never goes back, and ends at 1 when it accepts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "jsonio/bounded_json.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view text, const std::string& detail) {
    std::fprintf(stderr, "fuzz_json: property violated: %s\n%s\ntext: %s\n", what, detail.substr(0, 2000).c_str(),
                 std::string(text.substr(0, 2000)).c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const size_t wholeValueBytes = 1 + data[0] % 64, stepBytes = 1 + data[1];
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

    // nlohmann reads a NUL byte as the end of the text (after "{}" it accepts anything); the reader refuses it.
    const nlohmann::json whole = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    const bool wholeOk = !whole.is_discarded() && text.find('\0') == std::string_view::npos;

    interleave::jsonio::JsonLimits limits;
    limits.maxBytes = text.size() + 1;
    limits.maxDepth = int(text.size()) + 1;
    interleave::jsonio::SlicedJsonParser parser(text, limits, "the text", wholeValueBytes);
    double progress = parser.Progress();
    for (size_t steps = 0; !parser.Step(stepBytes); ++steps) {
        if (parser.Progress() < progress) Fail("its progress went back", text, std::to_string(parser.Progress()));
        progress = parser.Progress();
        if (steps > text.size() + 8) Fail("it takes more steps than the text has bytes", text, "");
    }
    if (parser.Ok() != wholeOk)
        Fail(wholeOk ? "it refuses what nlohmann accepts" : "it accepts what nlohmann refuses", text,
             parser.Ok() ? parser.Document().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                         : parser.Error());
    if (wholeOk) {
        if (parser.Document() != whole)
            Fail("its document differs from nlohmann's", text,
                 parser.Document().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\nnlohmann: " +
                     whole.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (parser.Progress() != 1.0) Fail("it accepted before its progress reached 1", text, "");
    } else if (parser.Error().rfind("not valid JSON", 0) != 0) {
        Fail("it refused without saying where the text is not JSON", text, parser.Error());
    }
    return 0;
}
