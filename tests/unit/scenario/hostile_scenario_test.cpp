// Hostile scenarios (issue 16): each input once crashed, overflowed the stack or gave a vague error.
// Every one must give a clear error naming what is wrong, never a throw (wasm aborts on a throw).
#include <gtest/gtest.h>

#include <string>

#include "scenario/scenario.h"

using namespace interleave::scenario;

namespace {

std::string ErrorOf(const std::string& json) {
    ParseError error;
    auto parsed = ParseScenario(json, error);
    EXPECT_FALSE(parsed.has_value()) << "accepted: " << json.substr(0, 200);
    return error.Message();
}

std::string Nested(const std::string& open, const std::string& inner, const std::string& close, int depth) {
    std::string text;
    text.reserve((open.size() + close.size()) * size_t(depth) + inner.size());
    for (int i = 0; i < depth; ++i) text += open;
    text += inner;
    for (int i = 0; i < depth; ++i) text += close;
    return text;
}

}  // namespace

TEST(HostileScenario, ATaskNameThatIsNotAStringIsAnErrorNotAnAbort) {
    for (const char* name : {"5", "null", "[1,2]", "{\"a\":1}", "true"}) {
        std::string error = ErrorOf(std::string(R"({"tasks":[{"name":)") + name + R"(,"steps":[{"cpu":"1ms"}]}]})");
        EXPECT_NE(error.find("tasks[0].name"), std::string::npos) << error;
        EXPECT_NE(error.find("must be a name"), std::string::npos) << error;
    }
}

TEST(HostileScenario, DeepNestingIsRefusedWithoutRecursingThroughIt) {
    // A step value nested 200 000 deep: the error message once dumped it recursively.
    std::string deep = R"({"tasks":[{"name":"a","steps":[{"cpu":)" + Nested("[", "1", "]", 200'000) + "}]}]}";
    std::string error = ErrorOf(deep);
    EXPECT_NE(error.find("nest deeper than"), std::string::npos) << error;
    // Objects as well as arrays.
    error = ErrorOf(Nested(R"({"a":)", "1", "}", 200'000));
    EXPECT_NE(error.find("nest deeper than"), std::string::npos) << error;
}

TEST(HostileScenario, NestedToThreadIsRejectedAtTheFirstLevel) {
    std::string steps = Nested(R"({"to_thread":)", R"({"io":"1ms"})", "}", 20);
    std::string error = ErrorOf(R"({"tasks":[{"name":"a","steps":[)" + steps + "]}]}");
    EXPECT_NE(error.find("tasks[0].steps[0].to_thread: to_thread runs one"), std::string::npos) << error;
}

TEST(HostileScenario, RepeatNestsAtMostEightDeepAsDocumented) {
    auto repeats = [](int depth) {
        return R"({"tasks":[{"name":"a","steps":[)" + Nested(R"({"repeat":2,"steps":[)", R"({"cpu":"1us"})", "]}", depth) + "]}]}";
    };
    ParseError error;
    EXPECT_TRUE(ParseScenario(repeats(8), error).has_value()) << error.Message();
    std::string message = ErrorOf(repeats(9));
    EXPECT_NE(message.find("repeat blocks nest deeper than 8"), std::string::npos) << message;
}

TEST(HostileScenario, AnOverflowingNumberSaysWhereItIs) {
    std::string error = ErrorOf(R"({"tasks":[{"name":"a","count": 1e400,"steps":[{"cpu":"1ms"}]}]})");
    EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
    EXPECT_NE(error.find("line 1, column"), std::string::npos) << error;
    EXPECT_NE(error.find("1e400"), std::string::npos) << error;
    error = ErrorOf("{\n  \"tasks\": [tru]\n}");
    EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

TEST(HostileScenario, ADurationTooLargeSaysTooLarge) {
    std::string error = ErrorOf(R"({"tasks":[{"name":"a","steps":[{"cpu":"99999999999999999999h"}]}]})");
    EXPECT_NE(error.find("too large"), std::string::npos) << error;
    error = ErrorOf(R"({"tasks":[{"name":"a","steps":[{"cpu":"9999999h"}]}]})");
    EXPECT_NE(error.find("too large"), std::string::npos) << error;
    error = ErrorOf(R"({"tasks":[{"name":"a","steps":[{"send":"99999999999999999999GiB"}]}]})");
    EXPECT_NE(error.find("too large"), std::string::npos) << error;
    error = ErrorOf(R"({"tasks":[{"name":"a","steps":[{"send":18446744073709551615}]}]})");
    EXPECT_NE(error.find("too large"), std::string::npos) << error;
    // Malformed is still malformed.
    error = ErrorOf(R"({"tasks":[{"name":"a","steps":[{"cpu":"5 parsecs"}]}]})");
    EXPECT_NE(error.find("must be a duration like"), std::string::npos) << error;
}

TEST(HostileScenario, HugeUnsignedCountsAreOutOfRangeNotWrapped) {
    std::string error = ErrorOf(R"({"tasks":[{"name":"a","count":18446744073709551615,"steps":[{"cpu":"1ms"}]}]})");
    EXPECT_NE(error.find("tasks[0].count: must be between 1 and"), std::string::npos) << error;
}

TEST(HostileScenario, AWronglyTypedFormatIsAnError) {
    std::string error = ErrorOf(R"({"format":5,"tasks":[{"name":"a","steps":[{"cpu":"1ms"}]}]})");
    EXPECT_NE(error.find("format"), std::string::npos) << error;
}

TEST(HostileScenario, ErrorMessagesQuoteAtMostFortyCharacters) {
    std::string big(1'000'000, 'x');
    std::string error = ErrorOf(R"({"tasks":[{"name":"a","steps":[{"cpu":")" + big + R"("}]}]})");
    EXPECT_LT(error.size(), 200u) << error.substr(0, 300);
}

TEST(HostileScenario, ADeepProfileIsRefused) {
    MachineProfile profile;
    std::string error;
    EXPECT_FALSE(ApplyProfileJson(Nested(R"({"profile":)", "{}", "}", 100'000), profile, error));
    EXPECT_NE(error.find("nest deeper than"), std::string::npos) << error;
    EXPECT_FALSE(ApplyProfileJson("{\"switch_interval\": 5", profile, error));
    EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
}
