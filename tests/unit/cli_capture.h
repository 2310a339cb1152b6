#pragma once
// Runs a command-line entry point in-process with files standing in for stdout and stderr, and returns
// what it printed and its exit code: the command line's tests (tests/unit/cli) and the real-run
// commands' (tests/unit/native) share it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace interleave::testing {

struct CommandResult {
    int code = -1;
    std::string out, err;
};

inline std::string TempPath(const std::string& name) { return ::testing::TempDir() + name; }

inline std::string ReadBack(std::FILE* file) {
    std::string text;
    std::rewind(file);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
    return text;
}

// `run(args, out, err)` is cli::Run or native::Run; `stem` names the capture files.
template <class RunFn>
CommandResult CaptureCommand(RunFn run, const std::vector<std::string>& args, const std::string& stem) {
    CommandResult result;
    std::FILE* out = std::fopen(TempPath(stem + "_stdout.txt").c_str(), "w+b");
    std::FILE* err = std::fopen(TempPath(stem + "_stderr.txt").c_str(), "w+b");
    if (!out || !err) {
        ADD_FAILURE() << "cannot create the capture files in " << ::testing::TempDir();
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
