#include "jsonio/bounded_json.h"

#include <string>

namespace interleave::jsonio {

namespace {

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

}  // namespace

bool ParseBoundedJson(std::string_view text, json& out, std::string& error, const JsonLimits& limits, std::string_view what) {
    out = json();
    if (text.size() > limits.maxBytes) {
        error = std::string(what) + " is larger than " + std::to_string(limits.maxBytes >> 20) + " MiB";
        return false;
    }
    json result;
    BoundedDomBuilder builder(result, limits.maxDepth);
    const bool ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true, false);
    if (ok && !builder.is_errored()) {
        out = std::move(result);
        return true;
    }
    if (builder.TooDeep()) {
        error = "arrays and objects nest deeper than " + std::to_string(limits.maxDepth) + " levels";
    } else if (!builder.Message().empty()) {
        std::string message = CleanMessage(builder.Message());
        if (message.rfind("at line", 0) != 0) message = Where(text, builder.ErrorAt()) + ": " + message;
        error = "not valid JSON " + message;
    } else {
        error = "not valid JSON";
    }
    return false;
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
