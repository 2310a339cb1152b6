#pragma once
// Runs a command-line entry point in-process with files standing in for stdout and stderr, and returns
// what it printed and its exit code: the command line's tests (tests/unit/cli) and the real-run
// commands' (tests/unit/native) share it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace interleave::testing {

struct CommandResult {
    int code = -1;
    std::string out, err;
};

// A file name of this test process's own: ctest runs tests in parallel processes that share one temporary
// folder, and a fixed name let one test read a file another was rewriting.
inline std::string TempPath(const std::string& name) {
    return ::testing::TempDir() + "interleave-" + std::to_string(getpid()) + "-" + name;
}

inline std::string ReadBack(std::FILE* file) {
    std::string text;
    std::rewind(file);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
    return text;
}

// `run(args, out, err)` is cli::Run or native::Run. The captures are anonymous temporary files: ctest
// runs tests in parallel processes, and named files in one temporary folder were shared between them (a
// test once read another's stderr).
template <class RunFn>
CommandResult CaptureCommand(RunFn run, const std::vector<std::string>& args) {
    CommandResult result;
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    if (!out || !err) {
        ADD_FAILURE() << "cannot create temporary files for the capture";
        if (out) std::fclose(out);
        if (err) std::fclose(err);
        return result;
    }
    result.code = run(args, out, err);
    result.out = ReadBack(out);
    result.err = ReadBack(err);
    std::fclose(out);
    std::fclose(err);
    return result;
}

inline bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace interleave::testing
