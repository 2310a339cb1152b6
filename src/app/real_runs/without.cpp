#include "app/real_runs.h"

namespace interleave::app {
bool IsRealRunCommand(int, char**) { return false; }
int RealRunMain(int, char**) { return 2; }
ui::RunForRealFn RealRunCallback() { return {}; }
}  // namespace interleave::app
