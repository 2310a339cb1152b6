#include "app/real_runs.h"
#include "native/native_cli.h"

namespace interleave::app {
bool IsRealRunCommand(int argc, char** argv) { return native::IsCommand(argc, argv); }
int RealRunMain(int argc, char** argv) { return native::Main(argc, argv); }
}  // namespace interleave::app
