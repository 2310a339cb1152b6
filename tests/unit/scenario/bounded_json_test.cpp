// The shared reader of untrusted JSON (src/jsonio): bounded in size, depth and in what it quotes.
#include <gtest/gtest.h>

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
