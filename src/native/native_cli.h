#pragma once
// The real-runs commands: `interleave run --cpp|--python`, `export-python`, `calibrate`, `check`
// (docs/real-runs.md). app/main.cpp dispatches here before the other command line.
#include <cstdio>
#include <string>
#include <vector>

namespace interleave::native {
// True when argv[1] is one of the commands here (run, export-python, calibrate, check, or the hidden
// worker entry points of the process runtimes).
bool IsCommand(int argc, char** argv);
int Main(int argc, char** argv);
// Main's work for `args` (the command first), printing to `out` and `err`; the exit code (docs/cli.md).
int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);
}  // namespace interleave::native
