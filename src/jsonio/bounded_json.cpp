#include "jsonio/bounded_json.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <string>

namespace interleave::jsonio {

namespace detail {

using nlohmann::json;

// nlohmann's DOM builder, with a nesting limit and the parse error's position kept. sax_parse calls the
// handler through the template parameter's static type, so these members hide the base class's.
class BoundedDomBuilder : public nlohmann::detail::json_sax_dom_parser<json> {
public:
    using Base = nlohmann::detail::json_sax_dom_parser<json>;
    BoundedDomBuilder(json& result, int maxDepth) : Base(result, false), m_maxDepth(maxDepth) {}

    bool start_object(std::size_t elements) { return Enter() && Base::start_object(elements); }
    bool end_object() {
        --m_depth;
        return Base::end_object();
    }
    bool start_array(std::size_t elements) { return Enter() && Base::start_array(elements); }
    bool end_array() {
        --m_depth;
        return Base::end_array();
    }
    template <class Exception>
    bool parse_error(std::size_t position, const std::string& /*lastToken*/, const Exception& ex) {
        m_errorAt = position;
        m_message = ex.what();
        return false;
    }

    bool TooDeep() const { return m_tooDeep; }
    const std::string& Message() const { return m_message; }
    std::size_t ErrorAt() const { return m_errorAt; }

private:
    bool Enter() {
        if (++m_depth > m_maxDepth) {
            m_tooDeep = true;
            return false;
        }
        return true;
    }
    int m_depth = 0;
    int m_maxDepth;
    bool m_tooDeep = false;
    std::size_t m_errorAt = 0;
    std::string m_message;
};

}  // namespace detail

namespace {

using detail::BoundedDomBuilder;

using nlohmann::json;


// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column 12: syntax
// error while parsing value - invalid literal; last read: 'tru,'": keep the part after the tag.
std::string CleanMessage(const std::string& message) {
    std::string text = message;
    if (!text.empty() && text[0] == '[') {
        size_t close = text.find("] ");
        if (close != std::string::npos) text = text.substr(close + 2);
    }
    const std::string prefix = "parse error ";
    if (text.rfind(prefix, 0) == 0) text = text.substr(prefix.size());
    if (text.size() > 200) text = text.substr(0, 197) + "...";
    return text;
}

// Line and column (1-based) of byte `offset` in `text`, for the errors whose message has no position
// (nlohmann's number overflow is an out_of_range error and says only "number overflow parsing ...").
std::string Where(std::string_view text, size_t offset) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "at line " + std::to_string(line) + ", column " + std::to_string(column);
}

void Append(std::string& out, const std::string& piece, size_t maxChars) {
    if (out.size() < maxChars + 1) out.append(piece, 0, maxChars + 1 - out.size());
}

void Show(const json& value, std::string& out, size_t maxChars, int depth) {
    if (out.size() > maxChars) return;
    if (value.is_string()) {
        // Dump only as much of the string as can be shown (a 60 MB string is not copied).
        const std::string& s = value.get_ref<const std::string&>();
        Append(out, json(s.substr(0, maxChars + 1)).dump(-1, ' ', false, json::error_handler_t::replace), maxChars);
        return;
    }
    if (!value.is_structured()) {
        Append(out, value.dump(), maxChars);
        return;
    }
    const bool object = value.is_object();
    Append(out, object ? "{" : "[", maxChars);
    if (depth >= 4 && !value.empty()) {
        Append(out, "...", maxChars);
    } else {
        bool first = true;
        for (auto it = value.begin(); it != value.end() && out.size() <= maxChars; ++it) {
            if (!first) Append(out, ", ", maxChars);
            first = false;
            if (object) Append(out, json(it.key().substr(0, maxChars + 1)).dump(-1, ' ', false, json::error_handler_t::replace) + ": ", maxChars);
            Show(it.value(), out, maxChars, depth + 1);
        }
    }
    Append(out, object ? "}" : "]", maxChars);
}

// Line and column (1-based line) of the character before `offsetRead`, as nlohmann counts them for its own
// messages: the column is how many characters of the line have been read, so a piece's error reads as the whole
// document's would.
std::string ReadPosition(std::string_view text, size_t offsetRead) {
    offsetRead = std::min(offsetRead, text.size());
    size_t line = 1, lineStart = 0;
    for (size_t i = 0; i < offsetRead; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return "at line " + std::to_string(line) + ", column " + std::to_string(offsetRead - lineStart);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One past the end of the value that starts at `begin`, found without checking it (nlohmann does that next):
// a string to its closing quote, a number or literal to the next punctuation or space, an array or object to its
// matching bracket (brackets inside strings skipped). An array or object still open after `containerLimit` bytes
// gives npos: it is walked instead. A text that ends first ends the value there, and nlohmann says what is missing.
size_t ValueEnd(std::string_view text, size_t begin, size_t containerLimit) {
    const char first = text[begin];
    if (first == '"') {
        for (size_t i = begin + 1; i < text.size(); ++i) {
            if (text[i] == '\\')
                ++i;
            else if (text[i] == '"')
                return i + 1;
        }
        return text.size();
    }
    if (first == '[' || first == '{') {
        int depth = 0;
        bool inString = false;
        for (size_t i = begin; i < text.size(); ++i) {
            if (i - begin >= containerLimit) return std::string_view::npos;
            const char c = text[i];
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if ((c == ']' || c == '}') && --depth == 0) {
                return i + 1;
            }
        }
        return text.size();
    }
    size_t i = begin;
    while (i < text.size() && !IsSpace(text[i]) && std::string_view(",:[]{}\"").find(text[i]) == std::string_view::npos)
        ++i;
    return i == begin ? begin + 1 : i;  // a stray ']' where a value belongs: nlohmann names it
}

// A run of array elements read as one array: '[', the run's text, ']'. Handing nlohmann a whole run at a time,
// rather than each element on its own, keeps a walked array of small elements as fast to read as a whole parse.
class BracketedRun {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = char;

    BracketedRun(std::string_view run, size_t at) : m_run(run), m_at(at) {}
    char operator*() const { return m_at == 0 ? '[' : m_at > m_run.size() ? ']' : m_run[m_at - 1]; }
    BracketedRun& operator++() {
        ++m_at;
        return *this;
    }
    bool operator==(const BracketedRun& other) const { return m_at == other.m_at; }
    bool operator!=(const BracketedRun& other) const { return m_at != other.m_at; }

private:
    std::string_view m_run;
    size_t m_at;
};

std::string TooDeepMessage(int maxDepth) {
    return "arrays and objects nest deeper than " + std::to_string(maxDepth) + " levels";
}

}  // namespace

SlicedJsonParser::SlicedJsonParser(std::string_view text, const JsonLimits& limits, std::string_view what,
                                   size_t wholeValueBytes)
    : m_text(text), m_limits(limits), m_what(what), m_wholeValueBytes(std::max<size_t>(1, wholeValueBytes)) {}

bool SlicedJsonParser::Step(size_t bytes) {
    if (m_phase == Phase::Start) {
        if (m_text.size() > m_limits.maxBytes) {
            m_error = m_what + " is larger than " + std::to_string(m_limits.maxBytes >> 20) + " MiB";
        } else if (m_text.size() <= m_wholeValueBytes) {
            ParsePiece(0, m_text.size(), m_document, m_limits.maxDepth);  // one nlohmann parse, as ever
            m_at = m_text.size();
            m_phase = Phase::Done;
        } else {
            if (m_text.substr(0, 3) == "\xEF\xBB\xBF") m_at = 3;  // a UTF-8 byte order mark, which nlohmann skips
            SkipSpace();
            if (m_at == m_text.size())
                Fail("a value");
            else if (Value(m_document))
                m_phase = Phase::Walk;
        }
    }
    const size_t stop = m_at + std::min(bytes, m_text.size() - m_at);
    for (bool first = true; m_phase == Phase::Walk && m_error.empty() && (first || m_at < stop); first = false)
        WalkOne();
    if (!m_error.empty()) {
        m_document = nlohmann::json();
        m_open.clear();
        m_phase = Phase::Done;
    }
    return Done();
}

void SlicedJsonParser::WalkOne() {
    SkipSpace();
    if (m_open.empty()) {  // the document's value is complete: only space may follow
        if (m_at != m_text.size())
            Fail("the end of the text");
        else
            m_phase = Phase::Done;
        return;
    }
    Open& open = m_open.back();
    const char close = open.object ? '}' : ']';
    if (m_at == m_text.size()) {
        Fail(open.expect == Expect::CommaOrClose ? (open.object ? "',' or '}'" : "',' or ']'") : "a value");
        return;
    }
    const char c = m_text[m_at];
    if ((open.expect == Expect::FirstMember || open.expect == Expect::CommaOrClose) && c == close) {
        ++m_at;
        m_open.pop_back();
        return;
    }
    if (open.expect == Expect::CommaOrClose) {
        if (c != ',') return Fail(open.object ? "',' or '}'" : "',' or ']'");
        ++m_at;
        open.expect = Expect::Member;
        return;
    }
    open.expect = Expect::CommaOrClose;  // set before Value, which may open a member of its own (and move `open`)
    json* slot = nullptr;
    if (open.object) {
        if (c != '"') return Fail("a string (a member's name)");
        const size_t keyEnd = ValueEnd(m_text, m_at, 0);
        json key;
        if (!ParsePiece(m_at, keyEnd, key, 0)) return;
        m_at = keyEnd;
        SkipSpace();
        if (m_at == m_text.size() || m_text[m_at] != ':') return Fail("':'");
        ++m_at;
        SkipSpace();
        // A name given twice keeps its last value, as nlohmann's own parse does.
        slot = &(*open.value)[key.get_ref<const std::string&>()];
        if (m_at == m_text.size()) return Fail("a value");
        Value(*slot);
        return;
    }
    if (ArrayRun(*open.value)) return;
    slot = &open.value->emplace_back();
    Value(*slot);
}

bool SlicedJsonParser::ArrayRun(json& array) {
    // The elements from here that are short enough to parse whole, up to about the bound on a whole value of them.
    size_t at = m_at, end = m_at, count = 0;
    while (at < m_text.size() && end - m_at < m_wholeValueBytes) {
        const size_t valueEnd = ValueEnd(m_text, at, m_wholeValueBytes);
        if (valueEnd == std::string_view::npos) break;  // a long one: walked on its own
        end = valueEnd;
        ++count;
        at = valueEnd;
        SkipSpaceFrom(at);
        if (at == m_text.size() || m_text[at] != ',') break;  // the array's end, or what Expect::CommaOrClose names
        ++at;
        SkipSpaceFrom(at);
    }
    if (count < 2) return false;
    json run;
    BoundedDomBuilder builder(run, m_limits.maxDepth - int(m_open.size()) + 1);  // '[' stands for the array's level
    const std::string_view text = m_text.substr(m_at, end - m_at);
    if (RefuseNulOrMark(m_at, text)) return true;
    const bool ok = json::sax_parse(BracketedRun(text, 0), BracketedRun(text, text.size() + 2), &builder,
                                    json::input_format_t::json, true, false);
    if (!ok || builder.is_errored()) {
        // Read back from the run's first character, past the '[' that is not in the text.
        ReportPieceError(builder, m_at, builder.ErrorAt() > 0 ? builder.ErrorAt() - 1 : 0);
        return true;
    }
    for (json& element : run) array.push_back(std::move(element));
    m_at = end;
    return true;
}

bool SlicedJsonParser::Value(json& slot) {
    const size_t end = ValueEnd(m_text, m_at, m_wholeValueBytes);
    const int depth = int(m_open.size());
    if (end == std::string_view::npos) {
        if (depth + 1 > m_limits.maxDepth) {
            m_error = TooDeepMessage(m_limits.maxDepth);
            return false;
        }
        const bool object = m_text[m_at] == '{';
        slot = object ? json::object() : json::array();
        m_open.push_back(Open{&slot, object, Expect::FirstMember});
        ++m_at;
        return true;
    }
    if (!ParsePiece(m_at, end, slot, m_limits.maxDepth - depth)) return false;
    m_at = end;
    return true;
}

bool SlicedJsonParser::RefuseNulOrMark(size_t begin, std::string_view piece) {
    // nlohmann reads a NUL byte as the end of its input (for C strings), and skips a byte order mark at its input's
    // start: in a piece of the text either would let something through that the whole text's parse refuses.
    if (const size_t nul = piece.find('\0'); nul != std::string_view::npos) {
        m_at = begin + nul;
        Fail("no NUL byte (JSON text holds none)");
        return true;
    }
    if (begin > 0 && piece.substr(0, 3) == "\xEF\xBB\xBF") {
        m_at = begin;
        Fail("a value, not a byte order mark");
        return true;
    }
    return false;
}

bool SlicedJsonParser::ParsePiece(size_t begin, size_t end, json& out, int depthLeft) {
    json result;
    BoundedDomBuilder builder(result, depthLeft);
    const std::string_view piece = m_text.substr(begin, end - begin);
    if (RefuseNulOrMark(begin, piece)) return false;
    const bool ok = json::sax_parse(piece.begin(), piece.end(), &builder, json::input_format_t::json, true, false);
    if (ok && !builder.is_errored()) {
        out = std::move(result);
        return true;
    }
    ReportPieceError(builder, begin, builder.ErrorAt());
    return false;
}

void SlicedJsonParser::ReportPieceError(const BoundedDomBuilder& builder, size_t begin, size_t errorAt) {
    if (builder.TooDeep()) {
        m_error = TooDeepMessage(m_limits.maxDepth);
    } else if (!builder.Message().empty()) {
        std::string message = CleanMessage(builder.Message());
        if (message.rfind("at line", 0) != 0) {
            message = Where(m_text, begin + errorAt) + ": " + message;
        } else if (begin > 0) {
            // nlohmann counted from the piece's start: count again from the document's.
            const size_t colon = message.find(": ");
            message = ReadPosition(m_text, begin + errorAt) +
                      (colon == std::string::npos ? std::string() : message.substr(colon));
        }
        m_error = "not valid JSON " + message;
    } else {
        m_error = "not valid JSON";
    }
}

void SlicedJsonParser::SkipSpace() { SkipSpaceFrom(m_at); }

void SlicedJsonParser::SkipSpaceFrom(size_t& at) const {
    while (at < m_text.size() && IsSpace(m_text[at])) ++at;
}

void SlicedJsonParser::Fail(std::string_view expected) {
    std::string got = "the end of the text";
    if (m_at < m_text.size()) {
        const auto c = static_cast<unsigned char>(m_text[m_at]);
        char shown[16];
        std::snprintf(shown, sizeof shown, c >= 0x20 && c < 0x7F ? "'%c'" : "byte 0x%02X", c);
        got = shown;
    }
    m_error = "not valid JSON " + ReadPosition(m_text, std::min(m_at + 1, m_text.size())) + ": expected " +
              std::string(expected) + ", got " + got;
}

bool ParseBoundedJson(std::string_view text, json& out, std::string& error, const JsonLimits& limits,
                      std::string_view what) {
    SlicedJsonParser parser(text, limits, what);
    while (!parser.Step(text.size())) {
    }
    if (!parser.Ok()) {
        out = json();
        error = parser.Error();
        return false;
    }
    out = std::move(parser.Document());
    return true;
}

std::string ShowJson(const json& value, size_t maxChars) {
    std::string out;
    Show(value, out, maxChars, 0);
    if (out.size() > maxChars) out = out.substr(0, maxChars > 3 ? maxChars - 3 : 0) + "...";
    return out;
}

std::string_view JsonTypeName(const json& value) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float: return "a number";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "a list";
        case json::value_t::binary: return "binary data";
        case json::value_t::discarded: return "nothing";
    }
    return "a value";
}

}  // namespace interleave::jsonio
