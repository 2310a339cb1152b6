#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/cli_io.h"
#include "cli_capture.h"
#include "trace/trace_json.h"

namespace {

using interleave::testing::Contains;
using interleave::testing::ReadBack;
using interleave::testing::TempPath;
using CliResult = interleave::testing::CommandResult;

// What a command printed and returned, run in-process.
CliResult Capture(const std::vector<std::string>& args) {
    return interleave::testing::CaptureCommand(interleave::cli::Run, args);
}

int RunCli(const std::vector<std::string>& args) {
    return Capture(args).code;
}

}  // namespace

TEST(Cli, HelpSucceeds) {
    EXPECT_EQ(RunCli({"--help"}), 0);
}

TEST(Cli, UnknownCommandIsAUsageError) {
    EXPECT_EQ(RunCli({"simulate-everything"}), 2);
}

TEST(Cli, MissingScenarioFileIsBadInput) {
    EXPECT_EQ(RunCli({"sim", "/no/such/scenario.json"}), 3);
}

TEST(Cli, InvalidScenarioIsBadInput) {
    std::string path = TempPath("bad_scenario.json");
    std::ofstream(path) << R"({"tasks":[{"name":"t","steps":[{"warp":"1s"}]}]})";
    EXPECT_EQ(RunCli({"sim", path}), 3);
}

TEST(Cli, BadWorkersIsAUsageError) {
    EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--workers", "0"}), 2);
}

// Every integer option goes through one reader: digits only, within the option's bounds.
TEST(Cli, IntegerOptionsAreDigitsWithinTheirBoundsAndNothingElse) {
    int64_t v = -1;
    EXPECT_TRUE(interleave::cli::ParseBoundedInt("7", 1, 10, v));
    EXPECT_EQ(v, 7);
    EXPECT_TRUE(interleave::cli::ParseBoundedInt("9007199254740991", 0, (int64_t{1} << 53) - 1, v));
    EXPECT_EQ(v, (int64_t{1} << 53) - 1);
    for (const char* bad : {"", "0", "11", "-3", "+3", " 3", "3 ", "3x", "0x3", "1e2", "99999999999999999999999"}) {
        v = -1;
        EXPECT_FALSE(interleave::cli::ParseBoundedInt(bad, 1, 10, v)) << "'" << bad << "'";
        EXPECT_EQ(v, -1) << "'" << bad << "' leaves the output alone";
    }
    EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--workers", "+2"}), 2);
    EXPECT_EQ(RunCli({"vary", "blog_io_threads", "--runs", "1001"}), 2);
}

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

TEST(Cli, SimWritesAPerfettoTrace) {
    const std::string path = TempPath("cli_trace.pftrace");
    ASSERT_EQ(RunCli({"sim", "convoy_effect", "--perfetto", path}), 0);
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string data = bytes.str();
    ASSERT_GT(data.size(), 1000u);
    EXPECT_EQ(data[0], '\x0a');  // Trace.packet: field 1, length-delimited
    EXPECT_NE(data.find("GIL (MainProcess)"), std::string::npos);
    EXPECT_EQ(Capture({"sim", "blog_io_threads", "--perfetto", "/dev/full"}).code, 4);
}

TEST(Cli, CompareSucceedsOnAPreset) {
    EXPECT_EQ(RunCli({"compare", "decision_cpu_bound"}), 0);
}

TEST(Cli, UnknownModelIsAUsageError) {
    EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--model", "greenlets"}), 2);
}

TEST(Cli, EveryCommandAnswersHelpOnStdout) {
    for (const char* command : {"sim", "compare", "vary", "presets"}) {
        for (const char* flag : {"--help", "-h"}) {
            SCOPED_TRACE(std::string(command) + " " + flag);
            CliResult r = Capture({command, flag});
            EXPECT_EQ(r.code, 0) << r.err;
            EXPECT_TRUE(Contains(r.out, "usage: interleave " + std::string(command))) << r.out;
            EXPECT_EQ(r.err, "");
        }
    }
    // Also after other arguments, and the general help.
    EXPECT_EQ(Capture({"sim", "blog_io_threads", "--json", "--help"}).code, 0);
    CliResult general = Capture({"--help"});
    EXPECT_EQ(general.code, 0);
    EXPECT_TRUE(Contains(general.out, "Exit codes")) << general.out;
}

TEST(Cli, EmptyOrMissingOptionValuesAreUsageErrorsNamingTheOption) {
    for (const char* option : {"--out", "--chrome", "--perfetto", "--model", "--profile", "--workers"}) {
        SCOPED_TRACE(option);
        CliResult empty = Capture({"sim", "blog_io_threads", option, ""});
        EXPECT_EQ(empty.code, 2);
        EXPECT_TRUE(Contains(empty.err, option)) << empty.err;
        CliResult missing = Capture({"sim", "blog_io_threads", option});
        EXPECT_EQ(missing.code, 2);
        EXPECT_TRUE(Contains(missing.err, option)) << missing.err;
        CliResult swallowed = Capture({"sim", "blog_io_threads", option, "--json"});
        EXPECT_EQ(swallowed.code, 2);
        EXPECT_TRUE(Contains(swallowed.err, option)) << swallowed.err;
    }
    EXPECT_EQ(RunCli({"sim", ""}), 2);
    EXPECT_EQ(RunCli({"compare", ""}), 2);
    EXPECT_EQ(RunCli({"presets", "extra"}), 2);
}

TEST(Cli, BadInputFollowsTheExitCodeTable) {
    std::string invalid = TempPath("cli_invalid.json");
    std::ofstream(invalid) << R"({"tasks": 5})";
    std::string profile = TempPath("cli_bad_profile.json");
    std::ofstream(profile) << R"({"machine": {"profile": {"switch_interval": "soon"}}})";
    EXPECT_EQ(RunCli({"compare", "/no/such/scenario.json"}), 3);
    EXPECT_EQ(RunCli({"compare", invalid}), 3);
    EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--profile", "/no/such/profile.json"}), 3);
    EXPECT_EQ(RunCli({"sim", "blog_io_threads", "--profile", profile}), 3);
    CliResult missing = Capture({"sim", "/no/such/scenario.json"});
    EXPECT_TRUE(Contains(missing.err, "/no/such/scenario.json")) << missing.err;
    EXPECT_TRUE(Contains(missing.err, "no preset")) << missing.err;
}

TEST(Cli, InputFilesAreReadWithASizeLimit) {
    // /dev/zero never ends: the reader stops one byte past the limit instead of reading until memory runs out.
    CliResult zero = Capture({"sim", "/dev/zero"});
    EXPECT_EQ(zero.code, 3);
    EXPECT_TRUE(Contains(zero.err, "/dev/zero")) << zero.err;
    EXPECT_TRUE(Contains(zero.err, "64 MiB")) << zero.err;
    CliResult profile = Capture({"sim", "blog_io_threads", "--profile", "/dev/zero"});
    EXPECT_EQ(profile.code, 3);
    EXPECT_TRUE(Contains(profile.err, "/dev/zero")) << profile.err;
    EXPECT_TRUE(Contains(profile.err, "1 MiB")) << profile.err;
    // A directory is a clear error, not an empty scenario.
    CliResult directory = Capture({"sim", ::testing::TempDir()});
    EXPECT_EQ(directory.code, 3);
    EXPECT_TRUE(Contains(directory.err, "cannot read")) << directory.err;
}

TEST(Cli, ReadFileLimitedReadsAtMostOneBytePastTheLimit) {
    std::string path = TempPath("cli_limited.txt");
    std::ofstream(path) << std::string(100, 'x');
    std::string text, error;
    EXPECT_EQ(interleave::cli::ReadFileLimited(path, 100, "a test file", text, error), interleave::cli::ReadStatus::Ok)
        << error;
    EXPECT_EQ(text.size(), 100u);
    text.clear();
    EXPECT_EQ(interleave::cli::ReadFileLimited(path, 99, "a test file", text, error),
              interleave::cli::ReadStatus::Failed);
    EXPECT_TRUE(text.empty());
    EXPECT_TRUE(Contains(error, path)) << error;
    EXPECT_TRUE(Contains(error, "99 bytes")) << error;
    EXPECT_EQ(interleave::cli::ReadFileLimited("/no/such/file", 99, "a test file", text, error),
              interleave::cli::ReadStatus::NotFound);
}

TEST(Cli, TraceFilesAreReadWithASizeLimit) {
    std::string path = TempPath("cli_own_trace.json");
    ASSERT_EQ(RunCli({"sim", "blog_io_threads", "--out", path}), 0);
    interleave::trace::Trace t;
    std::string error;
    EXPECT_EQ(interleave::cli::LoadTraceFile(path, t, error), 0) << error;
    EXPECT_GT(t.spans.size(), 0u);
    EXPECT_EQ(interleave::cli::LoadTraceFile("/dev/zero", t, error), 3);
    EXPECT_TRUE(Contains(error, "256 MiB")) << error;
}

TEST(Cli, WriteFailuresExitFourNamingThePathAndTheReason) {
    CliResult noDirectory = Capture({"sim", "blog_io_threads", "--out", "/no/such/directory/trace.json"});
    EXPECT_EQ(noDirectory.code, 4);
    EXPECT_TRUE(Contains(noDirectory.err, "/no/such/directory/trace.json")) << noDirectory.err;
    EXPECT_TRUE(Contains(noDirectory.err, std::strerror(ENOENT))) << noDirectory.err;
    CliResult full = Capture({"sim", "blog_io_threads", "--chrome", "/dev/full"});
    EXPECT_EQ(full.code, 4);
    EXPECT_TRUE(Contains(full.err, "/dev/full")) << full.err;
    EXPECT_TRUE(Contains(full.err, std::strerror(ENOSPC))) << full.err;
    // Standard output that cannot take the metrics is a write failure too.
    std::FILE* devFull = std::fopen("/dev/full", "wb");
    ASSERT_NE(devFull, nullptr);
    std::FILE* err = std::fopen(TempPath("cli_stderr_full.txt").c_str(), "w+b");
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(interleave::cli::Run({"presets"}, devFull, err), 4);
    std::fclose(devFull);
    const std::string message = ReadBack(err);
    EXPECT_TRUE(Contains(message, "standard output")) << message;
    EXPECT_TRUE(Contains(message, std::strerror(ENOSPC))) << message;
    std::fclose(err);
}

// Issue 16: a 184-byte scenario (24 tasks of an hour of CPU at a 1 us switch interval) once ran for 129 s
// before its event limit. Every simulation the command line runs is bounded in time (60 s unless told).
TEST(Cli, ATimeLimitStopsATinyScenarioThatAsksForBillionsOfEvents) {
    const std::string path = TempPath("cli_endless.json");
    {
        std::ofstream f(path);
        f << R"({"tasks":[{"name":"spin","count":24,"steps":[{"cpu":"1h"}]}],"model":{"kind":"threads"},
                 "machine":{"cores":4,"profile":{"switch_interval":"1us"}}})";
    }
    CliResult sim = Capture({"sim", path, "--time-limit", "0.2"});
    EXPECT_EQ(sim.code, 1);
    EXPECT_NE(sim.err.find("time limit of 0.2 s"), std::string::npos) << sim.err;
    // compare also runs the sequential model, for which 24 h of CPU alone on a core is a few events (no thread waits
    // for a core, so no tick): ask every model for the most steps a scenario may have (2 million) instead, each
    // several events, and give them 20 ms.
    const std::string steps = TempPath("cli_endless_steps.json");
    {
        std::ofstream f(steps);
        f << R"({"tasks":[{"name":"step","count":20,"steps":[{"repeat":50000,"steps":[{"cpu":"1us"},{"io":"1us"}]}]}],
                 "model":{"kind":"threads"},"machine":{"cores":4}})";
    }
    CliResult compare = Capture({"compare", steps, "--time-limit", "0.02"});
    EXPECT_EQ(compare.code, 1);
    EXPECT_NE(compare.err.find("no model finished"), std::string::npos) << compare.err;
    for (const char* bad : {"x", "-1", "1e9", ""}) {
        CliResult r = Capture({"sim", "blog_io_threads", "--time-limit", bad});
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_NE(r.err.find("--time-limit"), std::string::npos) << r.err;
    }
}

TEST(Cli, ASeedNamesOneRunAndABadSeedIsAUsageErrorNamingIt) {
    const CliResult a = Capture({"sim", "convoy_effect", "--seed", "3", "--json"});
    const CliResult b = Capture({"sim", "convoy_effect", "--seed", "3", "--json"});
    const CliResult c = Capture({"sim", "convoy_effect", "--seed", "4", "--json"});
    ASSERT_EQ(a.code, 0) << a.err;
    EXPECT_EQ(a.out, b.out) << "the same seed, the same run";
    EXPECT_NE(a.out, c.out) << "another seed, another run";
    for (const char* bad : {"-1", "abc", "9007199254740992", "3x", "1e3"}) {
        const CliResult r = Capture({"sim", "convoy_effect", "--seed", bad});
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_TRUE(Contains(r.err, "--seed")) << bad << ": " << r.err;
    }
}

TEST(Cli, AProfileNeverOverridesTheSwitchIntervalTheScenarioSets) {
    // sys.setswitchinterval() is the program's choice: a calibrated profile fills in the machine's costs only.
    const std::string scenario = TempPath("cli_interval_scenario.json");
    std::ofstream(scenario) << R"({"name": "interval", "tasks": [{"name": "cpu", "count": 2, "steps": [{"cpu": "40ms"}]}],
        "model": {"kind": "threads"}, "machine": {"cores": 2, "profile": {"switch_interval": "1ms"}}})";
    const std::string profile = TempPath("cli_interval_profile.json");
    std::ofstream(profile) << R"({"machine": {"profile": {"switch_interval": "5ms"}}})";
    const CliResult plain = Capture({"sim", scenario, "--json"});
    const CliResult profiled = Capture({"sim", scenario, "--profile", profile, "--json"});
    ASSERT_EQ(plain.code, 0) << plain.err;
    ASSERT_EQ(profiled.code, 0) << profiled.err;
    EXPECT_EQ(plain.out, profiled.out) << "the scenario's 1 ms interval stands";
}

TEST(Cli, AProfileFillsInTheCostsAScenarioLeftAtTheirDefaultsAndNoOthers) {
    // issue 14: a scenario written from measurements of a program's parts says what its pool's import costs (a program
    // that imported requests pays 4.3 ms, not 12); a calibrated profile must not replace that with the machine's.
    const std::string scenario = TempPath("cli_own_costs_scenario.json");
    std::ofstream(scenario) << R"({"name": "own", "tasks": [{"name": "job", "count": 4, "steps": [{"cpu": "2ms"}]}],
        "model": {"kind": "processes", "workers": 2, "start_method": "fork"},
        "machine": {"cores": 2, "profile": {"pool_import": "4300us"}}})";
    const std::string same = TempPath("cli_own_costs_same.json");  // the scenario's value, written into the profile
    std::ofstream(same) << R"({"machine": {"profile": {"pool_import": "4300us"}}})";
    const std::string other = TempPath("cli_own_costs_other.json");  // the machine's import, and a cost left at default
    std::ofstream(other) << R"({"machine": {"profile": {"pool_import": "14ms", "pool_setup": "9ms"}}})";
    const std::string setupOnly = TempPath("cli_own_costs_setup.json");
    std::ofstream(setupOnly) << R"({"machine": {"profile": {"pool_import": "4300us", "pool_setup": "9ms"}}})";
    const CliResult plain = Capture({"sim", scenario, "--json"});
    const CliResult keptImport = Capture({"sim", scenario, "--profile", other, "--json"});
    const CliResult expected = Capture({"sim", scenario, "--profile", setupOnly, "--json"});
    const CliResult sameImport = Capture({"sim", scenario, "--profile", same, "--json"});
    for (const CliResult* r : {&plain, &keptImport, &expected, &sameImport}) ASSERT_EQ(r->code, 0) << r->err;
    EXPECT_EQ(keptImport.out, expected.out) << "the scenario's pool_import stands; the profile's pool_setup applies";
    EXPECT_NE(keptImport.out, plain.out) << "pool_setup, left at its default by the scenario, is the profile's";
    EXPECT_EQ(sameImport.out, plain.out);
}

TEST(Cli, VaryPrintsTheSpreadOfManySeededRuns) {
    const CliResult r = Capture({"vary", "convoy_effect", "--runs", "4", "--seed", "5", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json doc = nlohmann::json::parse(r.out);
    ASSERT_EQ(doc["runs"].size(), 4u);
    EXPECT_EQ(doc["runs"][0]["seed"], 5);
    EXPECT_EQ(doc["runs"][3]["seed"], 8);
    EXPECT_LE(doc["makespan"]["min_ns"].get<int64_t>(), doc["makespan"]["max_ns"].get<int64_t>());
    const CliResult text = Capture({"vary", "convoy_effect", "--runs", "3"});
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_TRUE(Contains(text.out, "typical run: --seed")) << text.out;
    for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
             {"vary", "convoy_effect", "--runs", "0"}, {"vary", "convoy_effect", "--runs", "1001"},
             {"vary", "convoy_effect", "--seed", "0"}, {"vary", "convoy_effect", "--seed", "9007199254740991", "--runs", "2"},
             {"vary"}}) {
        const CliResult b = Capture(bad);
        EXPECT_EQ(b.code, 2) << bad.back() << ": " << b.err;
    }
}

// compare's table keeps its columns in line whatever the labels: the free-threaded what-if's label is longer than the
// 44 characters the model column used to have, and pushed that row's figures out of line.
// The rows of a compare table (up to the first empty line or the closing "interleave ..." line), each checked to end
// its makespan where the header's "makespan" ends ("800.005 ms" or "2.978 s" under "makespan").
std::vector<std::string> RowsLinedUpUnderMakespan(const std::string& out) {
    std::istringstream lines(out);
    std::string line, header;
    std::getline(lines, header);
    const size_t at = header.find("makespan");
    EXPECT_NE(at, std::string::npos) << header;
    if (at == std::string::npos) return {};
    const size_t makespanEnd = at + std::string("makespan").size();
    std::vector<std::string> rows;
    while (std::getline(lines, line) && !line.empty() && line.rfind("interleave", 0) != 0) {
        rows.push_back(line);
        EXPECT_TRUE(line.size() > makespanEnd && line[makespanEnd - 1] == 's' && line[makespanEnd] == ' ')
            << "row out of line with the header:\n" << header << "\n" << line;
    }
    return rows;
}

TEST(Cli, CompareReleasesTableColumnsLineUpWithALongModelLabel) {
    // "process_asyncio (10000 x forkserver) on 3.15t" is 45 characters: one more than the column had.
    const std::string path = TempPath("cli_long_label.json");
    std::ofstream(path) << R"({"tasks":[{"name":"t","count":2,"steps":[{"cpu":"1ms"}]}],)"
                           R"("model":{"kind":"process_asyncio","workers":10000,"start_method":"forkserver"}})";
    const CliResult r = Capture({"compare", path, "--python", "3.14,3.15t"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(RowsLinedUpUnderMakespan(r.out).size(), 2u) << r.out;
    EXPECT_NE(r.out.find("on 3.15t"), std::string::npos) << r.out;
}

TEST(Cli, CompareTableColumnsLineUpWithALongModelLabel) {
    const CliResult r = Capture({"compare", "pickling_large_payload"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<std::string> rows = RowsLinedUpUnderMakespan(r.out);
    EXPECT_GE(rows.size(), 5u);
    EXPECT_TRUE(std::any_of(rows.begin(), rows.end(),
                            [](const std::string& row) { return row.find("(what-if)") != std::string::npos; }))
        << r.out;
}
