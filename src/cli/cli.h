#pragma once
// The native command line: `interleave sim|compare|...`. Platform-free; app/main.cpp dispatches here.
// Exit codes and what every command shares: cli/cli_io.h, docs/cli.md.
#include <cstdio>
#include <string>
#include <vector>

namespace interleave::cli {
// True when argv[1] names a command-line subcommand rather than a GUI flag.
bool IsCommand(int argc, char** argv);
// Runs the subcommand; returns the process exit code (see docs/cli.md).
int Main(int argc, char** argv);
// The same for `args` (the command and its arguments, without the program's name), printing to `out`
// (results, --help) and `err` (errors) instead of stdout and stderr.
int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);
}  // namespace interleave::cli
