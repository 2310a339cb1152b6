#pragma once
// Real runs exist only in the native build (src/native). The app asks through this seam, and CMake
// links one of two implementations: real_runs/with_native.cpp or real_runs/without.cpp.
namespace interleave::app {
bool IsRealRunCommand(int argc, char** argv);
int RealRunMain(int argc, char** argv);
}  // namespace interleave::app
