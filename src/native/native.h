#pragma once
// [SECTION] Index
//   RunForReal ........ the same scenario, run for real: the C++ runtimes or CPython; a trace out
//   Options ........... progress, cancel, time bound, scaling of the scenario
//
// Real runs (docs/real-runs.md). Native build only. Everything here records the same trace::Trace the
// simulator writes; times are int64 ns from the run's start on CLOCK_MONOTONIC.
#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::native {

enum class RealRunKind : uint8_t {
    CppRuntime,  // C++ threads under a real GIL lock, real processes and pipes, a real epoll loop
    CPython,     // the generated Python program under python3, with the probe recording spans
};

struct RunOptions {
    std::atomic<float>* progress = nullptr;      // [0, 1], written now and then
    const std::atomic<bool>* cancel = nullptr;   // set from another thread to stop (error "cancelled")
    double timeoutSeconds = 120;                 // a run past this is killed: error "timed out after N s"
    std::string python = "python3";              // CPython runner: the interpreter
    // Called with the pid of every worker process as it starts (tests kill one to check reaping).
    std::function<void(int pid)> onChildStarted;
};

struct RealRunResult {
    bool ok = false;
    std::string error;   // why not ok: timed out, a crashed worker, python3 missing, needs python3.13t
    std::string notes;   // what was adapted (payloads capped, ...), one line each
    trace::Trace trace;  // Finished, metrics computed; producer "cpp-runtime" or "cpython"
};

RealRunResult RunForReal(const scenario::Scenario& scenario, RealRunKind kind, const RunOptions& options = {});

// Payloads larger than this go through the pipes at this size (and the note says so).
inline constexpr int64_t kPayloadCap = 32LL << 20;

// The scenario made affordable for a real run, applied the same way before simulating it for `check`:
// every duration times `timeScale`, each group's count at most `maxTasksPerGroup` (0: no cap), payloads
// capped at `maxBytes` (at most kPayloadCap), `cores` set when > 0. Returns notes on what changed.
std::string AdaptScenario(scenario::Scenario& scenario, double timeScale, int32_t maxTasksPerGroup, int32_t cores,
                          int64_t maxBytes = kPayloadCap);

// Machine profile files are applied with scenario::ApplyProfileJson (src/scenario/scenario.h).

// The Python program equivalent to the scenario (threading / multiprocessing / asyncio, as a reader
// would write it), with the probe inlined so that it runs on its own: `interleave export-python`.
std::string ExportPython(const scenario::Scenario& scenario);
// Why ExportPython cannot write this scenario's program yet, or "" when it can (asked before ExportPython and by
// every CPython run).
std::string NotExportable(const scenario::Scenario& scenario);
// The interpreter of a release: 3.11 is the system's python3; the others are the builds scripts/setup.sh --cpython
// makes, in $INTERLEAVE_CPYTHON_DIR or ~/.cache/interleave/cpython, <tag>/bin/python3. Empty (with `why`) when that
// build is not there.
std::string PythonBinaryFor(scenario::PythonVersion version, std::string& why);

// Empty if python3 (`python`) can run this scenario, else why not ("needs python3.13t", ...).
std::string PythonRequirement(const scenario::Scenario& scenario, const std::string& python, std::string& version);

}  // namespace interleave::native
