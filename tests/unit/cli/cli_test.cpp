#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "trace/trace_json.h"

namespace {

int RunCli(std::vector<std::string> args) {
    args.insert(args.begin(), "interleave");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return interleave::cli::Main(static_cast<int>(args.size()), argv.data());
}

std::string TempPath(const char* name) { return ::testing::TempDir() + name; }

}  // namespace

TEST(Cli, HelpSucceeds) { EXPECT_EQ(RunCli({"--help"}), 0); }

TEST(Cli, UnknownCommandIsAUsageError) { EXPECT_EQ(RunCli({"simulate-everything"}), 2); }

TEST(Cli, MissingScenarioFileIsBadInput) { EXPECT_EQ(RunCli({"sim", "/no/such/scenario.json"}), 3); }

TEST(Cli, InvalidScenarioIsBadInput) {
    std::string path = TempPath("bad_scenario.json");
    std::ofstream(path) << R"({"tasks":[{"name":"t","steps":[{"warp":"1s"}]}]})";
    EXPECT_EQ(RunCli({"sim", path}), 3);
}

TEST(Cli, BadWorkersIsAUsageError) { EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--workers", "0"}), 2); }

TEST(Cli, SimWritesAChromeTraceThatReadsBack) {
    std::string path = TempPath("cli_trace.json");
    ASSERT_EQ(RunCli({"sim", "blog_cpu_threads", "--model", "processes", "--chrome", path, "--json"}), 0);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    interleave::trace::Trace t;
    std::string error;
    ASSERT_TRUE(interleave::trace::ReadAnyTrace(text.str(), t, error)) << error;
    EXPECT_GT(t.spans.size(), 0u);
    EXPECT_NE(t.label.find("processes"), std::string::npos);
}

TEST(Cli, CompareSucceedsOnAPreset) { EXPECT_EQ(RunCli({"compare", "decision_cpu_bound"}), 0); }

TEST(Cli, UnknownModelIsAUsageError) { EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--model", "greenlets"}), 2); }
