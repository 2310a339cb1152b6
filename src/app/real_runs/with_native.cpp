#include "app/real_runs.h"
#include "native/native.h"
#include "native/native_cli.h"

namespace interleave::app {
bool IsRealRunCommand(int argc, char** argv) { return native::IsCommand(argc, argv); }
int RealRunMain(int argc, char** argv) { return native::Main(argc, argv); }

ui::RunForRealFn RealRunCallback() {
    return [](const scenario::Scenario& scenario, int kind, std::atomic<float>* progress, const std::atomic<bool>* cancel) {
        native::RunOptions options;
        options.progress = progress;
        options.cancel = cancel;
        auto result = native::RunForReal(scenario, kind == 0 ? native::RealRunKind::CppRuntime : native::RealRunKind::CPython, options);
        ui::RealRunOutcome outcome;
        outcome.ok = result.ok;
        outcome.error = std::move(result.error);
        outcome.trace = std::move(result.trace);
        return outcome;
    };
}
}  // namespace interleave::app
