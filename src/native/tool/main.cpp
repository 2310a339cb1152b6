// interleave-real: the real-runs commands on their own (the app's `interleave` dispatches to the same
// native::Main once wired in src/app/main.cpp). Used by scripts/accuracy.sh.
#include "native/native_cli.h"

#include <cstdio>

int main(int argc, char** argv) {
    if (!interleave::native::IsCommand(argc, argv)) {
        std::fputs("usage: interleave-real run|export-python|calibrate|check ... (docs/real-runs.md)\n", stderr);
        return 2;
    }
    return interleave::native::Main(argc, argv);
}
