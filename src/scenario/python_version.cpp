// The table of CPython releases (python_version.h). Sources, per column, in docs/models.md ("Python versions").
#include "scenario/python_version.h"

#include <algorithm>
#include <array>

#include "scenario/scenario.h"

namespace interleave::scenario {

namespace {

// Free-threaded slowdowns of pure Python. 3.13t: the 3.13 free-threading HOWTO ("about 40% on the pyperformance
// suite": the specializing interpreter is off); our 3.13t build measured 1.22-1.36 against our 3.13 on two loops
// (docs/python-builds.md). 3.14t: What's New in Python 3.14, "roughly 5-10%" (the upper end); 3.15t the same until
// measured: Debian's mirror here serves no 3.14 or 3.15 source to build and measure (docs/python-builds.md).
constexpr double kSlowdown313t = 1.40;
constexpr double kSlowdown314t = 1.10;
constexpr double kSlowdown315t = 1.10;

constexpr std::array<PythonInfo, 8> kPythons = {{
    {{11, false}, "3.11", StartMethod::Fork, 1.0, false, false, false, false},
    {{12, false}, "3.12", StartMethod::Fork, 1.0, false, true, false, false},
    {{13, false}, "3.13", StartMethod::Fork, 1.0, false, true, true, true},
    {{13, true}, "3.13t", StartMethod::Fork, kSlowdown313t, false, true, true, true},
    {{14, false}, "3.14", StartMethod::Forkserver, 1.0, true, true, true, true},
    {{14, true}, "3.14t", StartMethod::Forkserver, kSlowdown314t, true, true, true, true},
    {{15, false}, "3.15", StartMethod::Forkserver, 1.0, true, true, true, true},
    {{15, true}, "3.15t", StartMethod::Forkserver, kSlowdown315t, true, true, true, true},
}};

}  // namespace

std::span<const PythonInfo> Pythons() { return kPythons; }

const PythonInfo* FindPython(PythonVersion version) {
    for (const PythonInfo& info : kPythons)
        if (info.version == version) return &info;
    return nullptr;
}

bool ParsePythonVersion(std::string_view text, PythonVersion& out) {
    for (const PythonInfo& info : kPythons) {
        if (info.id == text) {
            out = info.version;
            return true;
        }
    }
    return false;
}

std::string PythonVersionName(PythonVersion version) {
    return "3." + std::to_string(version.minor) + (version.freeThreaded ? "t" : "");
}

std::string_view PythonIdList() {
    static const std::string list = [] {
        std::string out;
        for (const PythonInfo& info : kPythons) out.append(out.empty() ? "" : ", ").append(info.id);
        return out;
    }();
    return list;
}

}  // namespace interleave::scenario

namespace interleave::scenario {

PythonVersion RunPython(const Scenario& scenario) {
    PythonVersion version = scenario.python;
    if (scenario.model.kind == ModelKind::FreeThreaded && !version.freeThreaded)
        version = PythonVersion{std::max(version.minor, kFirstFreeThreadedMinor), true};
    return version;
}

const PythonInfo& RunPythonInfo(const Scenario& scenario) {
    const PythonInfo* info = FindPython(RunPython(scenario));
    // Parsing admits only releases the table has; a scenario built in code with another falls back to the default.
    return info ? *info : *FindPython(kDefaultPython);
}

bool RunsFreeThreaded(const Scenario& scenario) { return RunPython(scenario).freeThreaded && !scenario.pythonGil; }

double PythonCpuScale(const Scenario& scenario) {
    // The free-threaded build's costs stay with its GIL switched back on (PYTHON_GIL=1): the build is the same.
    if (!RunPython(scenario).freeThreaded) return 1.0;
    return scenario.model.freeThreadedSlowdown > 0 ? scenario.model.freeThreadedSlowdown : RunPythonInfo(scenario).freeThreadedSlowdown;
}

Scenario OnRelease(const Scenario& scenario, PythonVersion version) {
    Scenario out = scenario;
    const StartMethod before = RunPythonInfo(scenario).defaultStartMethod;
    out.python = version;
    if (out.model.startMethod == before) out.model.startMethod = RunPythonInfo(out).defaultStartMethod;
    return out;
}

std::string MissingFromRelease(PythonVersion python, ModelKind kind) {
    // The interpreters model runs on the release itself (never its free-threaded build), so its table row decides.
    const PythonInfo* info = FindPython(python);
    if (kind == ModelKind::Interpreters && !(info && info->interpreterPool))
        return "the interpreters model (concurrent.futures.InterpreterPoolExecutor) needs Python 3.14 or newer; the "
               "scenario runs on " + PythonVersionName(python);
    return {};
}

std::string MissingFromRelease(const Scenario& scenario) {
    std::string missing = MissingFromRelease(scenario.python, scenario.model.kind);
    if (missing.empty() && scenario.model.eagerTasks && !RunPythonInfo(scenario).eagerTaskFactory)
        missing = "eager_tasks (asyncio.eager_task_factory) needs Python 3.12 or newer; the scenario runs on " +
                  PythonVersionName(RunPython(scenario));
    return missing;
}

}  // namespace interleave::scenario
