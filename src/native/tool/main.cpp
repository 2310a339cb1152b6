// interleave-real: the real-runs commands on their own (the app's `interleave` dispatches to the same
// native::Main once wired in src/app/main.cpp). Used by scripts/accuracy.sh.
#include "native/native_cli.h"

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (!interleave::native::IsCommand(argc, argv)) {
        const std::string first = argc > 1 ? argv[1] : "";
        const bool help = first == "--help" || first == "-h";
        // --help is an answer (stdout, exit 0); anything else is a usage error (stderr, exit 2).
        std::fputs("usage: interleave-real run|export-python|calibrate|check ... (interleave-real COMMAND --help, docs/real-runs.md)\n",
                   help ? stdout : stderr);
        return help ? 0 : 2;
    }
    return interleave::native::Main(argc, argv);
}
