// The real-run commands' command line (docs/real-runs.md, docs/cli.md): --help on every command, the exit
// code table, option values, size-limited reads, checked writes. In-process, with files for stdout/stderr.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "cli_capture.h"
#include "native/native_cli.h"

namespace {

using interleave::testing::Contains;
using interleave::testing::ReadBack;
using interleave::testing::TempPath;
using Result = interleave::testing::CommandResult;

Result Capture(const std::vector<std::string>& args) {
    return interleave::testing::CaptureCommand(interleave::native::Run, args);
}

// A scenario that runs for real in a few milliseconds.
std::string TinyScenario() {
    const std::string path = TempPath("native_cli_tiny.json");
    std::ofstream(path) << R"({"name": "tiny", "tasks": [{"name": "t", "count": 1, "steps": [{"cpu": "1ms"}]}],
                              "model": {"kind": "sequential"}, "machine": {"cores": 1}})";
    return path;
}

}  // namespace

TEST(NativeCli, EveryCommandAnswersHelpOnStdout) {
    for (const char* command : {"run", "export-python", "calibrate", "check"}) {
        for (const char* flag : {"--help", "-h"}) {
            SCOPED_TRACE(std::string(command) + " " + flag);
            Result r = Capture({command, flag});
            EXPECT_EQ(r.code, 0) << r.err;
            EXPECT_TRUE(Contains(r.out, "usage: interleave " + std::string(command))) << r.out;
            EXPECT_EQ(r.err, "");
        }
    }
    EXPECT_EQ(Capture({"run", "--cpp", "--help"}).code, 0);
}

TEST(NativeCli, BadScenariosAndProfilesAreBadInput) {
    const std::string invalid = TempPath("native_cli_invalid.json");
    std::ofstream(invalid) << R"({"tasks": 5})";
    for (const char* command : {"run", "export-python", "check"}) {
        SCOPED_TRACE(command);
        Result missing = Capture({command, "/no/such/scenario.json"});
        EXPECT_EQ(missing.code, 3) << missing.err;
        EXPECT_TRUE(Contains(missing.err, "/no/such/scenario.json")) << missing.err;
        Result bad = Capture({command, invalid});
        EXPECT_EQ(bad.code, 3) << bad.err;
        EXPECT_TRUE(Contains(bad.err, "tasks")) << bad.err;
    }
    Result profile = Capture({"run", TinyScenario(), "--profile", "/no/such/profile.json"});
    EXPECT_EQ(profile.code, 3) << profile.err;
    EXPECT_TRUE(Contains(profile.err, "/no/such/profile.json")) << profile.err;
}

TEST(NativeCli, EmptyMissingOrUnusedOptionValuesAreUsageErrors) {
    const std::string tiny = TinyScenario();
    const std::vector<std::vector<std::string>> cases = {
        {"run", tiny, "--out", ""},
        {"run", tiny, "--chrome", ""},
        {"run", tiny, "--profile", ""},
        {"run", tiny, "--out"},
        {"run", tiny, "--out", "--chrome", "x.json"},
        {"run", tiny, "--scale", "2x"},
        {"run", tiny, "--max-tasks", "many"},
        {"check", tiny, "--python-bin", ""},
        {"calibrate", "--out", "", "--python-bin", "/bin/false"},
        {"export-python", tiny, "--out", "x.py"},  // export-python prints; --out would be ignored
        {"run", tiny, "--allow-busy"},             // only calibrate measures the machine
        {"export-python", ""},
    };
    for (const auto& args : cases) {
        std::string shown;
        for (const std::string& a : args)
            shown += "'" + a + "' ";
        SCOPED_TRACE(shown);
        Result r = Capture(args);
        EXPECT_EQ(r.code, 2) << r.err;
        if (args.size() > 2 && args[2].rfind("--", 0) == 0) {
            EXPECT_TRUE(Contains(r.err, args[2])) << r.err;
        }
    }
}

TEST(NativeCli, InputFilesAreReadWithASizeLimit) {
    Result zero = Capture({"export-python", "/dev/zero"});
    EXPECT_EQ(zero.code, 3);
    EXPECT_TRUE(Contains(zero.err, "/dev/zero")) << zero.err;
    EXPECT_TRUE(Contains(zero.err, "64 MiB")) << zero.err;
    Result profile = Capture({"run", TinyScenario(), "--profile", "/dev/zero"});
    EXPECT_EQ(profile.code, 3);
    EXPECT_TRUE(Contains(profile.err, "1 MiB")) << profile.err;
    Result directory = Capture({"export-python", ::testing::TempDir()});
    EXPECT_EQ(directory.code, 3);
    EXPECT_TRUE(Contains(directory.err, std::strerror(EISDIR))) << directory.err;
    // A FIFO has no size to trust: it is read as it comes.
    const std::string fifo = TempPath("native_cli_fifo");
    ::unlink(fifo.c_str());
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
    std::thread writer([&fifo] {
        std::ofstream(fifo) << R"({"name": "piped", "tasks": [{"name": "t", "steps": [{"cpu": "1ms"}]}]})";
    });
    Result piped = Capture({"export-python", fifo});
    writer.join();
    ::unlink(fifo.c_str());
    EXPECT_EQ(piped.code, 0) << piped.err;
    EXPECT_FALSE(piped.out.empty());
}

TEST(NativeCli, WriteFailuresExitFourNamingThePathAndTheReason) {
    const std::string tiny = TinyScenario();
    Result noDirectory = Capture({"run", tiny, "--out", "/no/such/directory/trace.json"});
    EXPECT_EQ(noDirectory.code, 4) << noDirectory.err;
    EXPECT_TRUE(Contains(noDirectory.err, "/no/such/directory/trace.json")) << noDirectory.err;
    EXPECT_TRUE(Contains(noDirectory.err, std::strerror(ENOENT))) << noDirectory.err;
    Result full = Capture({"run", tiny, "--chrome", "/dev/full"});
    EXPECT_EQ(full.code, 4) << full.err;
    EXPECT_TRUE(Contains(full.err, "/dev/full")) << full.err;
    EXPECT_TRUE(Contains(full.err, std::strerror(ENOSPC))) << full.err;
    // A written trace reads back.
    const std::string written = TempPath("native_cli_trace.json");
    EXPECT_EQ(Capture({"run", tiny, "--out", written}).code, 0);
    struct stat info {};
    ASSERT_EQ(::stat(written.c_str(), &info), 0);
    EXPECT_GT(info.st_size, 0);
    // export-python's program on a standard output that cannot take it.
    std::FILE* devFull = std::fopen("/dev/full", "wb");
    ASSERT_NE(devFull, nullptr);
    std::FILE* err = std::fopen(TempPath("native_cli_stderr_full.txt").c_str(), "w+b");
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(interleave::native::Run({"export-python", tiny}, devFull, err), 4);
    std::fclose(devFull);
    const std::string message = ReadBack(err);
    EXPECT_TRUE(Contains(message, "standard output")) << message;
    EXPECT_TRUE(Contains(message, std::strerror(ENOSPC))) << message;
    std::fclose(err);
}

namespace {

// A scenario for `release`, written to a file.
std::string ScenarioOn(const std::string& release) {
    const std::string path = TempPath("native_cli_release.json");
    std::ofstream(path) << R"({"version": 5, "python": ")" + release +
                               R"(", "tasks": [{"name": "t", "count": 1, "steps": [{"cpu": "1ms"}]}],
                              "model": {"kind": "threads"}, "machine": {"cores": 1}})";
    return path;
}

TEST(NativeCli, ACPythonRunUsesTheScenariosReleaseAndNamesAMissingBuild) {
    // No builds here: the run names the release, the missing interpreter and how to build it.
    ASSERT_EQ(setenv("INTERLEAVE_CPYTHON_DIR", "/nonexistent-interleave-cpython", 1), 0);
    const Result r = Capture({"run", "--python", ScenarioOn("3.14t")});
    const Result check = Capture({"check", ScenarioOn("3.15")});
    const Result calibrate = Capture({"calibrate", "--python-bin", "3.14"});
    unsetenv("INTERLEAVE_CPYTHON_DIR");
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_TRUE(Contains(r.err, "3.14t is not built")) << r.err;
    EXPECT_TRUE(Contains(r.err, "setup.sh --cpython=3.14t")) << r.err;
    EXPECT_EQ(check.code, 1) << check.err;
    EXPECT_TRUE(Contains(check.err, "3.15 is not built")) << check.err;
    EXPECT_EQ(calibrate.code, 1) << calibrate.err;
    EXPECT_TRUE(Contains(calibrate.err, "/nonexistent-interleave-cpython/3.14/bin/python3")) << calibrate.err;
}

TEST(NativeCli, CheckOnAFreeThreadedBuildTakesCpuStepsAsCpuTimeInAllThreeRuns) {
    // The program's probe burns a cpu step's CPU time, so a slowdown simulated on top of it would be counted only by
    // the simulation: check leaves it out of all three runs and says so (docs/real-runs.md, "Per release").
    const Result check = Capture({"check", ScenarioOn("3.13t"), "--timeout", "30"});
    if (check.code == 1 && Contains(check.err, "is not built")) GTEST_SKIP() << "no 3.13t build here: " << check.err;
    EXPECT_EQ(check.code, 0) << check.err << check.out;
    EXPECT_TRUE(Contains(check.out, "cpu steps taken as CPU time on 3.13t")) << check.out;
    EXPECT_TRUE(Contains(check.out, "(1.40x) is left out of all three runs")) << check.out;
    const Result gil = Capture({"check", ScenarioOn("3.11"), "--timeout", "30"});
    EXPECT_EQ(gil.code, 0) << gil.err;
    EXPECT_FALSE(Contains(gil.out, "cpu steps taken as CPU time")) << gil.out;
}

std::string FileText(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An interpreter that prints what calibrate.py would, without measuring: the profile is written from its figures.
std::string FakeCalibrationInterpreter(const std::string& name, const std::string& figures) {
    const std::string path = TempPath(name);
    std::ofstream(path) << "#!/bin/sh\ncat <<'EOF'\n" << figures << "\nEOF\n";
    chmod(path.c_str(), 0755);
    return path;
}

TEST(NativeCli, CalibrateWritesTheMainModulesRunAndSaysWhoRanIt) {
    // A spawned worker, and a forkserver worker on 3.11 and 3.12, run the main module again: runpy's part is the
    // profile's main_rerun; calibrate's own module run and who ran it are reported beside the profile.
    const std::string measured = FakeCalibrationInterpreter(
        "native_cli_fake_python_main",
        R"({"python": "3.11.2", "main_rerun": 5766734, "process_start_spawn": 22156758,)"
        R"( "main_module_run_calibrate": 30002535, "forkserver_worker_runs_main": true, "effective_cores": 4096.0})");
    const std::string out = TempPath("native_cli_calibrated_main.json");
    const Result r = Capture({"calibrate", "--python-bin", measured, "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    for (const char* field : {R"("main_rerun": "5766734ns")", R"("process_start_spawn": "22156758ns")",
                              R"("main_module_run_calibrate": "30002535ns")", R"("forkserver_worker_runs_main": true)"})
        EXPECT_TRUE(Contains(FileText(out), field)) << field << " missing from\n" << FileText(out);
    // What is not a yes or a no is reported as unknown, never copied.
    const std::string odd = FakeCalibrationInterpreter(
        "native_cli_fake_python_main_odd",
        R"({"forkserver_worker_runs_main": "yes\"; import os", "effective_cores": 4096.0})");
    const Result s = Capture({"calibrate", "--python-bin", odd, "--out", out});
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_TRUE(Contains(FileText(out), R"("forkserver_worker_runs_main": null)")) << FileText(out);
    EXPECT_FALSE(Contains(FileText(out), "import os")) << FileText(out);
}

TEST(NativeCli, CalibrateWritesTheShallowWakeUpAndThePoolsOwnCosts) {
    // issue 14: a calibrated profile had the defaults for these (from one-off probes), so a Pool's set-up and the
    // quick wake-up of a core that just went idle were never this machine's.
    const std::string measured = FakeCalibrationInterpreter(
        "native_cli_fake_python",
        R"({"python": "3.11.7", "switch_interval": 5000000, "wakeup_latency": 33117, "wakeup_latency_shallow": 8150,)"
        R"( "wakeup_ns_by_idle_us": {"20": 8150, "150": 8701, "200": 23072}, "shallow_idle": 200000,)"
        R"( "waker_cost": 38122, "waker_cost_shallow": 6950, "scheduler": "cfs",)"
        R"( "pool_import": 14818831, "pool_setup": 3300000, "pool_teardown": 1600000, "pool_teardown_worker": 385000,)"
        R"( "process_start_fork": 607799, "thread_start_cpu": 29288, "thread_bootstrap": 21237, "thread_exit": 27920,)"
        R"( "effective_cores": 4096.0, "spreads": {"pool_setup": 0.1}})");
    const std::string out = TempPath("native_cli_calibrated.json");
    const Result r = Capture({"calibrate", "--python-bin", measured, "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string profile = FileText(out);
    for (const char* field : {R"("wakeup_latency_shallow": "8150ns")", R"("shallow_idle": "200000ns")",
                              R"("pool_import": "14818831ns")", R"("pool_setup": "3300000ns")",
                              R"("pool_teardown": "1600000ns")",
                              R"("pool_teardown_worker": "385000ns")", R"("200": 23072)", R"("waker_cost": "38122ns")",
                              R"("waker_cost_shallow": "6950ns")", R"("scheduler": "cfs")",
                              // Thread.start() in parts, reported beside the profile (measured, not yet modelled)
                              R"("thread_start_cpu": "29288ns")", R"("thread_bootstrap": "21237ns")",
                              R"("thread_exit": "27920ns")"})
        EXPECT_TRUE(Contains(profile, field)) << field << " missing from\n" << profile;

    // Where no idle time gave a slow wake-up, calibrate prints no shallow_idle and the profile keeps the default.
    // Nor does a kernel's scheduler that is not one the profile knows reach the profile.
    const std::string allShallow = FakeCalibrationInterpreter(
        "native_cli_fake_python_shallow",
        R"({"wakeup_latency_shallow": 8150, "effective_cores": 4096.0, "scheduler": "bfs\"; import os"})");
    const Result s = Capture({"calibrate", "--python-bin", allShallow, "--out", out});
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_FALSE(Contains(FileText(out), "shallow_idle")) << FileText(out);
    EXPECT_FALSE(Contains(FileText(out), "scheduler")) << FileText(out);
}

TEST(NativeCli, TheInterpreterPathIsNeverShellSyntax) {
    // calibrate runs the interpreter through a shell: a path with quotes and a command stays one word.
    const std::string marker = TempPath("native_cli_injected");
    std::remove(marker.c_str());
    const Result r = Capture({"calibrate", "--python-bin", "/nonexistent' ; touch " + marker + " ; echo 'x"});
    const Result bare = Capture({"calibrate", "--python-bin", "/nonexistent ; touch " + marker + " ;"});
    EXPECT_EQ(bare.code, 1) << bare.err;
    EXPECT_EQ(r.code, 1) << r.err;
    struct stat st{};
    EXPECT_NE(stat(marker.c_str(), &st), 0) << "the path ran as shell code: " << marker << " exists";
}

}  // namespace
