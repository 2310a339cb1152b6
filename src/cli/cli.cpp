#include "cli/cli.h"
#include <cstdio>
#include <cstring>
namespace interleave::cli {
bool IsCommand(int argc, char** argv) { return argc > 1 && argv[1][0] != '-'; }
int Main(int, char**) { std::fprintf(stderr, "interleave: the command line is being written\n"); return 2; }
}  // namespace interleave::cli
