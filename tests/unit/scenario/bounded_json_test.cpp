// The shared reader of untrusted JSON (src/jsonio): bounded in size, depth and in what it quotes.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "jsonio/bounded_json.h"

TEST(BoundedJson, ShowJsonIsBoundedForHugeAndDeepValues) {
    nlohmann::json deep = nlohmann::json::array();
    nlohmann::json* at = &deep;
    for (int i = 0; i < 50; ++i) {
        at->push_back(nlohmann::json::array());
        at = &(*at)[0];
    }
    std::string shown = interleave::jsonio::ShowJson(deep, 40);
    EXPECT_LE(shown.size(), 40u);
    EXPECT_EQ(interleave::jsonio::ShowJson(nlohmann::json("abc")), "\"abc\"");
    EXPECT_EQ(interleave::jsonio::ShowJson(nlohmann::json::parse(R"({"a":[1,2]})")), R"({"a": [1, 2]})");
    std::string big(100'000, 'y');
    EXPECT_LE(interleave::jsonio::ShowJson(nlohmann::json(big), 40).size(), 40u);
}

TEST(BoundedJson, RefusesTooLargeBeforeParsing) {
    nlohmann::json out;
    std::string error;
    EXPECT_FALSE(interleave::jsonio::ParseBoundedJson(std::string(2 << 20, ' '), out, error, {size_t{1} << 20, 8}, "the file"));
    EXPECT_EQ(error, "the file is larger than 1 MiB");
    EXPECT_TRUE(interleave::jsonio::ParseBoundedJson("[[1]]", out, error, {1024, 2}));
    EXPECT_FALSE(interleave::jsonio::ParseBoundedJson("[[[1]]]", out, error, {1024, 2}));
}

namespace {

using interleave::jsonio::SlicedJsonParser;

// Runs a SlicedJsonParser over `text` in steps of `stepBytes`; counts the steps.
struct SlicedResult {
    bool ok = false;
    std::string error;
    nlohmann::json document;
    int steps = 0;
    double largestStep = 0;  // the most of the text one step read, as a fraction of it
};
SlicedResult ParseInSteps(const std::string& text, size_t stepBytes, interleave::jsonio::JsonLimits limits = {}) {
    SlicedResult result;
    SlicedJsonParser parser(text, limits, "the trace");
    double before = parser.Progress();
    bool done = false;
    while (!done) {
        done = parser.Step(stepBytes);
        ++result.steps;
        result.largestStep = std::max(result.largestStep, parser.Progress() - before);
        before = parser.Progress();
    }
    result.ok = parser.Ok();
    result.error = parser.Error();
    result.document = std::move(parser.Document());
    return result;
}

// A document far larger than SlicedJsonParser::kWholeValueBytes, with what trips a splitter up: brackets, commas,
// colons and escaped quotes inside strings, \u escapes, a name given twice, big and small members, empty ones,
// numbers of every kind, nesting; one member per line.
std::string AwkwardDocument() {
    std::string text = "\xEF\xBB\xBF {\"format\" : \"x\", \"spans\": [\n";
    for (int i = 0; i < 20000; ++i) {
        if (i) text += ",\n";
        text += "[" + std::to_string(i) + ", -1.5e3, \"a \\\"]\\\" , {: \\u00e9 \\\\\", [], {}, [[1, [2]], {\"k\": null}], true]";
    }
    text += "\n], \"big\": {";
    for (int i = 0; i < 3000; ++i) text += (i ? ", " : "") + ("\"key" + std::to_string(i) + "\": ") + "{\"v\": [1, 2, 3]}";
    text += "}, \"format\": \"last wins\", \"long\": \"" + std::string(100000, 'z') + "\", \"empty\": [],\n";
    text += "\"nested\": [[" + std::string(200, ' ') + "]], \"n\": 18446744073709551615 }  \n";
    return text;
}

}  // namespace

TEST(SlicedJson, BuildsTheDocumentNlohmannBuildsInManySteps) {
    const std::string text = AwkwardDocument();
    ASSERT_GT(text.size(), 10 * SlicedJsonParser::kWholeValueBytes);
    const nlohmann::json whole = nlohmann::json::parse(text);
    for (size_t stepBytes : {size_t{1}, size_t{4096}, SlicedJsonParser::kDefaultStepBytes, text.size()}) {
        SlicedResult sliced = ParseInSteps(text, stepBytes);
        ASSERT_TRUE(sliced.ok) << sliced.error;
        EXPECT_EQ(sliced.document, whole) << "steps of " << stepBytes << " bytes";
        EXPECT_EQ(sliced.document["format"], "last wins");
        // No step reads much more than it was asked to: at most a value of kWholeValueBytes past the mark, and the
        // one long string (parsed whole, as it cannot be split).
        if (stepBytes < text.size()) {
            EXPECT_GE(sliced.steps, int(text.size() / (stepBytes + 2 * SlicedJsonParser::kWholeValueBytes)));
            EXPECT_LE(sliced.largestStep * double(text.size()),
                      double(stepBytes + 2 * SlicedJsonParser::kWholeValueBytes + 100000 + 16));
        }
    }
}

TEST(SlicedJson, ASmallDocumentIsOneParseAndReadsAsBefore) {
    nlohmann::json out;
    std::string error;
    EXPECT_FALSE(interleave::jsonio::ParseBoundedJson("{\"a\": [1, 2,]}", out, error));
    EXPECT_EQ(error, "not valid JSON at line 1, column 13: syntax error while parsing value - unexpected ']'; "
                     "expected '[', '{', or a literal");
    SlicedResult small = ParseInSteps("[1, 2, 3]", 1);
    EXPECT_EQ(small.steps, 1);
    EXPECT_EQ(small.document, nlohmann::json::array({1, 2, 3}));
}

// An error inside a long document: where it is, counted from the document's start, as a whole parse counts.
TEST(SlicedJson, ErrorsNameTheirLineAndColumnInTheWholeDocument) {
    std::string lines = "{\"spans\": [\n";
    for (int i = 0; i < 5000; ++i) lines += "  [" + std::to_string(i) + ", \"running\"],\n";
    const std::string tail = "  [1, \"done\"]\n]}\n";
    auto errorOf = [](const std::string& text) { return ParseInSteps(text, 1024).error; };

    // Inside a member nlohmann reads: its message, at the document's line and column (nlohmann's own text for
    // "[\n  [5000, tru],\n  [1]]" reads "at line 2, column 13: ... last read: '5000, tru]'").
    EXPECT_EQ(errorOf(lines + "  [5000, tru],\n" + tail),
              "not valid JSON at line 5002, column 13: syntax error while parsing value - invalid literal; last read: "
              "'5000, tru]'");
    EXPECT_EQ(errorOf(lines + "  [1e999],\n" + tail), "not valid JSON at line 5002, column 9: number overflow parsing '1e999'");
    // In the punctuation between members, which the walker reads.
    EXPECT_EQ(errorOf(lines + "  [1] [2],\n" + tail), "not valid JSON at line 5002, column 7: expected ',' or ']', got '['");
    EXPECT_EQ(errorOf(lines + "  [1],\n  ]}"),
              "not valid JSON at line 5003, column 3: syntax error while parsing value - unexpected ']'; expected "
              "'[', '{', or a literal");
    EXPECT_EQ(errorOf(lines + tail + "x"), "not valid JSON at line 5004, column 1: expected the end of the text, got 'x'");
    EXPECT_EQ(errorOf(lines), "not valid JSON at line 5002, column 0: expected a value, got the end of the text");
    std::string object = "{\"a\": [" + std::string(70000, ' ') + "1], \"b\" 2}";
    EXPECT_EQ(errorOf(object), "not valid JSON at line 1, column " + std::to_string(object.size() - 1) +
                                   ": expected ':', got '2'");
    EXPECT_EQ(errorOf("{\"a\": [" + std::string(70000, ' ') + "1], 7: 2}"),
              "not valid JSON at line 1, column 70012: expected a string (a member's name), got '7'");
}

TEST(SlicedJson, WalkedArraysCountTowardTheNestingLimit) {
    // Four levels, each long enough to be walked; the limit counts them as a whole parse does.
    std::string text = "[[[[" + std::string(70000, ' ') + "1]]]]";
    EXPECT_TRUE(ParseInSteps(text, 4096, {size_t{1} << 20, 4}).ok);
    SlicedResult deep = ParseInSteps(text, 4096, {size_t{1} << 20, 3});
    EXPECT_FALSE(deep.ok);
    EXPECT_EQ(deep.error, "arrays and objects nest deeper than 3 levels");
    // A member nlohmann reads whole is limited by the levels above it.
    std::string members = "[" + std::string(70000, ' ') + "[[1]], [[[1]]]]";
    EXPECT_EQ(ParseInSteps(members, 4096, {size_t{1} << 20, 3}).error, "arrays and objects nest deeper than 3 levels");
    EXPECT_TRUE(ParseInSteps(members, 4096, {size_t{1} << 20, 4}).ok);
}

// nlohmann reads a NUL byte as the end of its input and skips a byte order mark at its input's start: in a piece of a
// walked document, either let text through that a whole parse refuses (found by fuzz_json: "[12\0x, 3, 4]" read as
// [12, 3, 4], "[1, <BOM>2, 3]" as [1, 2, 3]). Refused wherever they are, whether the text is walked or read whole.
TEST(SlicedJson, ANulByteOrAByteOrderMarkInsideTheTextIsRefused) {
    using namespace std::string_literals;
    for (const size_t whole : {size_t{1}, SlicedJsonParser::kWholeValueBytes}) {
        SCOPED_TRACE(whole);
        const auto read = [&](const std::string& text) {
            SlicedJsonParser parser(text, {}, "the text", whole);
            while (!parser.Step(3)) {
            }
            return parser.Ok() ? std::string("ok") : parser.Error();
        };
        EXPECT_EQ(read("[12\0x, 3, 4]"s), "not valid JSON at line 1, column 4: expected no NUL byte (JSON text holds none), got byte 0x00");
        EXPECT_EQ(read("{\"a\": 1}\0garbage"s).rfind("not valid JSON at line 1, column ", 0), 0u);
        EXPECT_NE(read("[1, \xEF\xBB\xBF" "2, 3]"), "ok");
        EXPECT_EQ(read("\xEF\xBB\xBF[1, 2, 3]"), "ok");  // at the start it is allowed, as nlohmann allows it
        EXPECT_EQ(read("[\"\xEF\xBB\xBF\", 2]"), "ok");  // inside a string it is a character (U+FEFF)
    }
}
