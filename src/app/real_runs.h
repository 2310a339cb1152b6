#pragma once
// Real runs exist only in the native build (src/native). The app asks through this seam, and CMake
// links one of two implementations: real_runs/with_native.cpp or real_runs/without.cpp.
#include "ui/playground.h"

namespace interleave::app {
bool IsRealRunCommand(int argc, char** argv);
int RealRunMain(int argc, char** argv);
// The playground's "Run for real" (kind 0: C++ runtime, 1: CPython); empty where there are no real runs (the web).
ui::RunForRealFn RealRunCallback();
}  // namespace interleave::app
