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
#include <vector>

namespace interleave::jsonio {

namespace detail {
class BoundedDomBuilder;
}

struct JsonLimits {
    size_t maxBytes = size_t{64} << 20;  // larger inputs are refused before parsing
    int maxDepth = 64;                   // arrays and objects nested deeper are refused
};

// Parses `text` into `out`. On failure returns false and `error` says what is wrong and where:
//   "not valid JSON at line 1, column 12: number overflow parsing '1e400'"
//   "arrays and objects nest deeper than 64 levels (at line 1, column 65)"
//   "the text is larger than 64 MiB"
// `what` names the document in the size message ("the scenario", "the trace").
// It runs a SlicedJsonParser to the end.
bool ParseBoundedJson(std::string_view text, nlohmann::json& out, std::string& error, const JsonLimits& limits = {},
                      std::string_view what = "the text");

// ParseBoundedJson in steps of bounded work, for a caller that must draw between them (the single-threaded web
// build opening a 60 MB trace on its UI thread). Each Step reads about `bytes` more of the text.
//
// How: a value whose text is shorter than kWholeValueBytes is handed to nlohmann whole, exactly as
// ParseBoundedJson always did; a longer array or object is walked here (its brackets, keys, colons and commas),
// and each of its members is parsed the same way in turn. So nlohmann checks every value's text strictly, this
// walker only the punctuation between them, and a small document is one nlohmann parse, as before. The result
// and every error's text are those of a whole-document parse, except that an error inside a walked value gives
// its line and column as counted from the start of the document, not as nlohmann would for its piece (the same
// numbers, but for a character read back across a line break).
//
// The text is borrowed: it must outlive the parser until Done().
class SlicedJsonParser {
public:
    static constexpr size_t kWholeValueBytes = size_t{32} << 10;
    static constexpr size_t kDefaultStepBytes = size_t{256} << 10;

    // `wholeValueBytes`: values shorter than this go to nlohmann whole (smaller walks more of the document: the
    // fuzzer, fuzz_json, walks nearly all of it).
    SlicedJsonParser(std::string_view text, const JsonLimits& limits = {}, std::string_view what = "the text",
                     size_t wholeValueBytes = kWholeValueBytes);
    // Parses about `bytes` more (at least one value or punctuation mark); true once finished, well or not.
    bool Step(size_t bytes = kDefaultStepBytes);
    bool Done() const { return m_phase == Phase::Done; }
    bool Ok() const { return Done() && m_error.empty(); }
    const std::string& Error() const { return m_error; }
    nlohmann::json& Document() { return m_document; }
    // How much of the text lies behind, 0 to 1.
    double Progress() const { return m_text.empty() ? 1.0 : double(m_at) / double(m_text.size()); }

private:
    enum class Phase { Start, Walk, Done };
    enum class Expect { FirstMember, Member, CommaOrClose };
    struct Open {
        nlohmann::json* value;
        bool object;
        Expect expect;
    };
    void WalkOne();
    bool Value(nlohmann::json& slot);
    bool ArrayRun(nlohmann::json& array);
    bool ParsePiece(size_t begin, size_t end, nlohmann::json& out, int depthLeft);
    bool RefuseNulOrMark(size_t begin, std::string_view piece);
    void ReportPieceError(const detail::BoundedDomBuilder& builder, size_t begin, size_t errorAt);
    void SkipSpace();
    void SkipSpaceFrom(size_t& at) const;
    void Fail(std::string_view expected);

    std::string_view m_text;
    JsonLimits m_limits;
    std::string m_what;
    size_t m_wholeValueBytes;
    size_t m_at = 0;
    Phase m_phase = Phase::Start;
    std::vector<Open> m_open;
    nlohmann::json m_document;
    std::string m_error;
};

// A short rendering of a value for an error message: at most `maxChars` characters (then "..."), never
// recursing deeper than a few levels, whatever the value's size or depth.
std::string ShowJson(const nlohmann::json& value, size_t maxChars = 40);

// The value's type in words ("a string", "a number", "an object", ...), for "must be X, got Y" messages.
std::string_view JsonTypeName(const nlohmann::json& value);

}  // namespace interleave::jsonio
