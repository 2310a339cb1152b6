#pragma once
// The native command line: `interleave sim|compare|...`. Platform-free; app/main.cpp dispatches here.
namespace interleave::cli {
// True when argv[1] names a command-line subcommand rather than a GUI flag.
bool IsCommand(int argc, char** argv);
// Runs the subcommand; returns the process exit code (see docs/cli.md).
int Main(int argc, char** argv);
}  // namespace interleave::cli
