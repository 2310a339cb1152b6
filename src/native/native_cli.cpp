// `interleave run`, `export-python`, `calibrate`, `check` (docs/real-runs.md). Exit codes as for every
// command (docs/cli.md, cli/cli_io.h): 0 ok, 1 the run or the calibration failed, 2 usage error, 3 bad
// input (scenario or profile), 4 an output file cannot be written.
#include "native/native_cli.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_io.h"
#include "jsonio/bounded_json.h"
#include "models/simulate.h"
#include "native/embedded.h"
#include "native/native.h"
#include "native/runtime.h"
#include "scenario/presets.h"
#include "trace/trace_json.h"
#include "trace/trace_perfetto.h"

namespace interleave::native {

namespace {

using cli::kExitBadInput;
using cli::kExitFailed;
using cli::kExitOk;
using cli::kExitUsage;
using cli::kExitWriteFailed;

constexpr const char* kUsage =
    "usage:\n"
    "  interleave run [--cpp|--python] SCENARIO [--out TRACE.json] [--chrome TRACE.json] [--timeout S]\n"
    "                 [--scale F] [--max-tasks N] [--max-bytes SIZE] [--profile FILE] [--python-bin PY]\n"
    "  interleave export-python SCENARIO\n"
    "  interleave calibrate [--out FILE] [--python-bin PY]\n"
    "  interleave check SCENARIO [--profile FILE] [--scale F] [--max-tasks N] [--max-bytes SIZE] [--timeout S] [--row] "
    "[--python-bin PY]\n"
    "SCENARIO is a scenario JSON file or a preset id (scenarios/<id>.json). COMMAND --help: one command's options.\n";

constexpr const char* kCommonOptions =
    "  --scale F         every duration of the scenario times F (> 0)\n"
    "  --max-tasks N     each task group's count capped at N (0: no cap)\n"
    "  --max-bytes SIZE  payloads capped at SIZE, like 4MB (never above 32 MiB)\n"
    "  --timeout S       a run past S seconds is killed and fails (default 120)\n"
    "  --profile FILE    a calibrated machine profile (interleave calibrate) applied to the scenario\n"
    "  --python-bin PY   the Python interpreter, or a release (3.14t) for the build scripts/setup.sh --cpython\n"
    "                    made (default: the scenario's release; 3.11 is the system's python3)\n";

constexpr const char* kExitCodes =
    "Exit codes: 0 ok, 1 the run failed, 2 usage error, 3 bad input, 4 cannot write output.\n";

// What a command takes. Options a command does not take are usage errors, never silently ignored.
enum Option : unsigned {
    kEngine = 1u << 0,     // --cpp, --python
    kOut = 1u << 1,        // --out, -o
    kChrome = 1u << 2,     // --chrome, --perfetto
    kProfile = 1u << 3,    // --profile
    kPythonBin = 1u << 4,  // --python-bin
    kAdapt = 1u << 5,      // --scale, --max-tasks, --max-bytes, --timeout
    kRow = 1u << 6,        // --row
    kScenario = 1u << 7,   // the SCENARIO argument
    kAllowBusy = 1u << 8,  // --allow-busy
};

struct Command {
    const char* name;
    unsigned takes;
    std::string usage;
};

const std::vector<Command>& Commands() {
    static const std::vector<Command> commands = {
        {"run", kEngine | kOut | kChrome | kProfile | kPythonBin | kAdapt | kScenario,
         std::string(
             "usage: interleave run [--cpp|--python] SCENARIO [--out TRACE.json] [--chrome TRACE.json] [options]\n"
             "Runs SCENARIO for real, with the C++ runtime (--cpp, the default) or CPython (--python), and prints\n"
             "the metrics.\n"
             "  --out FILE        write the trace (Interleave JSON)\n"
             "  --chrome FILE     write the trace as Chrome Trace Event JSON\n"
             "  --perfetto FILE   write the trace as a Perfetto protobuf trace (ui.perfetto.dev)\n") +
             kCommonOptions + kExitCodes},
        {"export-python", kScenario,
         std::string("usage: interleave export-python SCENARIO\n"
                     "Prints the Python program `interleave run --python` runs for SCENARIO (it runs on its own).\n") +
             kExitCodes},
        {"calibrate", kOut | kPythonBin | kAllowBusy,
         std::string(
             "usage: interleave calibrate [--out FILE] [--python-bin PY] [--allow-busy]\n"
             "Measures this machine in CPython (10-30 s: the noisy costs are repeated until they settle) and prints a\n"
             "machine profile, or writes it to FILE, with each cost's spread and the machine's load. A machine whose\n"
             "cores are busy with other work gives costs that are not its own: calibrate then refuses.\n"
             "  --out FILE        write the profile to FILE instead of standard output\n"
             "  --python-bin PY   the Python interpreter (default python3)\n"
             "  --allow-busy      write the profile even when other work keeps cores busy\n") +
             "Exit codes: 0 ok, 1 the calibration failed, 2 usage error, 4 cannot write output.\n"},
        {"check", kProfile | kPythonBin | kAdapt | kRow | kScenario,
         std::string(
             "usage: interleave check SCENARIO [--profile FILE] [--row] [options]\n"
             "Simulates SCENARIO and runs it with the C++ runtime and CPython: three makespans and the errors.\n"
             "  --row             print one Markdown table row (scripts/accuracy.sh)\n") +
             kCommonOptions + kExitCodes},
    };
    return commands;
}

const Command* FindCommand(const std::string& name) {
    for (const Command& command : Commands())
        if (name == command.name) return &command;
    return nullptr;
}

struct Args {
    // --python-bin: an interpreter, or a release ("3.14t") for its build; empty: the scenario's release's.
    std::string command, scenario, out, chrome, perfetto, profile, python;
    bool python_ = false, row = false, allowBusy = false;
    double scale = 1.0, timeout = 120;
    int maxTasks = 0;
    int64_t maxBytes = kPayloadCap;
};

// A positive, finite number, all of `text`.
bool ParsePositive(const std::string& text, double& out) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (errno != 0 || end == text.c_str() || *end != '\0' || !std::isfinite(value) || !(value > 0)) return false;
    out = value;
    return true;
}

// Parses args[1..] for `command`. Returns kExitOk, or kExitUsage with `error`; `help` when --help or -h
// came first.
int ParseArgs(const Command& command, const std::vector<std::string>& args, Args& a, bool& help, std::string& error) {
    a.command = command.name;
    help = false;
    auto refuse = [&](const std::string& option) {
        error = a.command + " does not take " + option;
        return kExitUsage;
    };
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& s = args[i];
        if (cli::IsHelp(s)) {
            help = true;
            return kExitOk;
        }
        std::string v;
        auto value = [&](std::string& target) { return cli::TakeValue(args, i, target, error); };
        if (s == "--cpp" || s == "--python") {
            if (!(command.takes & kEngine)) return refuse(s);
            a.python_ = s == "--python";
        } else if (s == "--row") {
            if (!(command.takes & kRow)) return refuse(s);
            a.row = true;
        } else if (s == "--allow-busy") {
            if (!(command.takes & kAllowBusy)) return refuse(s);
            a.allowBusy = true;
        } else if (s == "--out" || s == "-o") {
            if (!(command.takes & kOut)) return refuse(s);
            if (!value(a.out)) return kExitUsage;
        } else if (s == "--chrome") {
            if (!(command.takes & kChrome)) return refuse(s);
            if (!value(a.chrome)) return kExitUsage;
        } else if (s == "--perfetto") {
            if (!(command.takes & kChrome)) return refuse(s);
            if (!value(a.perfetto)) return kExitUsage;
        } else if (s == "--profile") {
            if (!(command.takes & kProfile)) return refuse(s);
            if (!value(a.profile)) return kExitUsage;
        } else if (s == "--python-bin") {
            if (!(command.takes & kPythonBin)) return refuse(s);
            if (!value(a.python)) return kExitUsage;
        } else if (s == "--scale" || s == "--timeout") {
            if (!(command.takes & kAdapt)) return refuse(s);
            if (!value(v)) return kExitUsage;
            if (!ParsePositive(v, s == "--scale" ? a.scale : a.timeout))
                return error = s + " must be a number > 0, got '" + v + "'", kExitUsage;
        } else if (s == "--max-tasks") {
            if (!(command.takes & kAdapt)) return refuse(s);
            if (!value(v)) return kExitUsage;
            int64_t n = 0;
            if (!cli::ParseBoundedInt(v, 0, scenario::Limits::kMaxTasks, n))
                return error = "--max-tasks must be a whole number from 0 to " +
                               std::to_string(scenario::Limits::kMaxTasks) + ", got '" + v + "'",
                       kExitUsage;
            a.maxTasks = static_cast<int>(n);
        } else if (s == "--max-bytes") {
            if (!(command.takes & kAdapt)) return refuse(s);
            if (!value(v)) return kExitUsage;
            if (!scenario::ParseBytes(v, a.maxBytes) || a.maxBytes < 0)
                return error = "--max-bytes takes a size like 4MB, got '" + v + "'", kExitUsage;
        } else if (!s.empty() && s[0] == '-') {
            return error = "unknown option " + s, kExitUsage;
        } else if (!(command.takes & kScenario)) {
            return error = a.command + " takes no SCENARIO ('" + s + "' is extra)", kExitUsage;
        } else if (s.empty()) {
            return error = "an empty SCENARIO argument (a JSON file or a preset id)", kExitUsage;
        } else if (a.scenario.empty()) {
            a.scenario = s;
        } else {
            return error = "unexpected argument " + s + " (one scenario at a time)", kExitUsage;
        }
    }
    if ((command.takes & kScenario) && a.scenario.empty()) return error = a.command + " needs a scenario", kExitUsage;
    return kExitOk;
}

int Cores() {
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// The cores a run gets right now: one busy process per hardware core, each burning `cpuNs` of its own
// CPU time at once; cores x cpu / wall. On a shared or loaded machine it is below the hardware count.
double MeasureEffectiveCores(int64_t cpuNs = 300'000'000) {
    const int n = Cores();
    const int64_t t0 = MonoNs();
    std::vector<pid_t> pids;
    for (int i = 0; i < n; ++i) {
        pid_t pid = fork();
        if (pid == 0) {
            Spin(cpuNs);
            _exit(0);
        }
        if (pid > 0) pids.push_back(pid), RegisterChild(pid, false);
    }
    for (pid_t pid : pids) {
        int st = 0;
        waitpid(pid, &st, 0);
        UnregisterChild(pid);
    }
    const double wall = static_cast<double>(MonoNs() - t0);
    return wall > 0 ? static_cast<double>(pids.size()) * static_cast<double>(cpuNs) / wall : n;
}

// The scenario argument, with --profile applied: kExitOk, or kExitBadInput with `error`.
int LoadScenario(const Args& a, scenario::Scenario& out, std::string& error) {
    if (int code = cli::LoadScenarioArgument(a.scenario, out, error); code != kExitOk) return code;
    if (!a.profile.empty()) return cli::ApplyProfileFile(a.profile, out.machine.profile, error);
    return kExitOk;
}

std::string Ms(trace::TimeNs ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ns) / 1e6);
    return buf;
}

void PrintSummary(std::FILE* out, const trace::Trace& t) {
    const auto& m = t.metrics;
    std::fprintf(out,
                 "%s\n  makespan %s ms, tasks done %lld (failed %lld, cancelled %lld), gil wait %s ms, gil switches "
                 "%lld, median GIL slice %s ms\n",
                 t.label.c_str(), Ms(m.makespan).c_str(), static_cast<long long>(m.tasksDone),
                 static_cast<long long>(m.tasksFailed), static_cast<long long>(m.tasksCancelled), Ms(m.gilWait).c_str(),
                 static_cast<long long>(m.gilSwitches), Ms(m.medianGilSlice).c_str());
    for (const auto& [name, v] : m.counters)
        std::fprintf(out, "  counter %s = %lld\n", name.c_str(), static_cast<long long>(v));
}

// Prints "interleave <command>: <message>" on err and returns `code`.
int Fail(std::FILE* err, const std::string& command, const std::string& message, int code) {
    std::fprintf(err, "interleave %s: %s\n", command.c_str(), message.c_str());
    return code;
}

// Success, unless what was printed on `out` did not arrive.
int Finish(std::FILE* out, std::FILE* err, const std::string& command) {
    std::string error;
    if (!cli::FinishOutput(out, error)) return Fail(err, command, error, kExitWriteFailed);
    return kExitOk;
}

// --python-bin 3.14t: the scenario as it would run on that release (what the real run then runs), so the simulation
// it is compared with runs on the same release. The free_threaded model keeps its meaning (threads without a GIL).
scenario::Scenario OnReleaseChecked(const scenario::Scenario& s, scenario::PythonVersion release) {
    if (s.model.kind == scenario::ModelKind::FreeThreaded && !release.freeThreaded) return s;
    return scenario::OnRelease(s, release);
}

// The interpreter a CPython run uses: --python-bin's path or release, else the scenario's release's build (empty,
// with `why`, when that build is missing).
std::string InterpreterFor(const Args& a, const scenario::Scenario* s, std::string& why) {
    scenario::PythonVersion version = s ? scenario::RunPython(*s) : scenario::kLegacyPython;
    if (!a.python.empty() && !scenario::ParsePythonVersion(a.python, version)) return a.python;
    return PythonBinaryFor(version, why);
}

int RunCommand(const Args& a, std::FILE* out, std::FILE* err) {
    scenario::Scenario s;
    std::string error;
    if (int code = LoadScenario(a, s, error); code != kExitOk) return Fail(err, a.command, error, code);
    std::string notes = AdaptScenario(s, a.scale, a.maxTasks, 0, a.maxBytes);
    if (scenario::PythonVersion release; a.python_ && scenario::ParsePythonVersion(a.python, release)) s = OnReleaseChecked(s, release);
    RunOptions opt;
    opt.timeoutSeconds = a.timeout;
    if (a.python_) {
        opt.python = InterpreterFor(a, &s, error);
        if (opt.python.empty()) return Fail(err, a.command, error, kExitFailed);
    }
    RealRunResult r = RunForReal(s, a.python_ ? RealRunKind::CPython : RealRunKind::CppRuntime, opt);
    std::fputs((notes + r.notes).c_str(), err);
    if (!r.ok) return Fail(err, a.command, r.error, kExitFailed);
    PrintSummary(out, r.trace);
    if (!a.out.empty() && !cli::WriteFileChecked(a.out, trace::ToJson(r.trace), error))
        return Fail(err, a.command, error, kExitWriteFailed);
    if (!a.chrome.empty() && !cli::WriteFileChecked(a.chrome, trace::ToChromeJson(r.trace), error))
        return Fail(err, a.command, error, kExitWriteFailed);
    if (!a.perfetto.empty() && !cli::WriteFileChecked(a.perfetto, trace::ToPerfetto(r.trace), error))
        return Fail(err, a.command, error, kExitWriteFailed);
    return Finish(out, err, a.command);
}

std::string Duration(int64_t ns) {
    return std::to_string(ns) + "ns";
}

// A figure calibrate.py printed, as an integer: what the interpreter printed is checked before use (any
// --python-bin may print anything). Integral or not (medians may be floats), finite and in range.
bool Figure(const nlohmann::json& r, const char* key, int64_t& out) {
    auto it = r.find(key);
    if (it == r.end()) return false;
    // Unsigned first: nlohmann hands out a number_integer_t pointer to an unsigned value too.
    if (const auto* u = it->get_ptr<const nlohmann::json::number_unsigned_t*>())
        out = static_cast<int64_t>(std::min<uint64_t>(*u, INT64_MAX));
    else if (const auto* i = it->get_ptr<const nlohmann::json::number_integer_t*>())
        out = *i;
    else if (const auto* f = it->get_ptr<const nlohmann::json::number_float_t*>();
             f && std::isfinite(*f) && std::fabs(*f) < 9e18)
        out = static_cast<int64_t>(std::llround(*f));
    else
        return false;
    return true;
}

int64_t FigureOr(const nlohmann::json& r, const char* key, int64_t fallback) {
    int64_t value = fallback;
    return Figure(r, key, value) ? value : fallback;
}

// A figure as a number (a load average, a ratio), rounded to 0.01; 0 when missing or not a finite number.
double FigureOrDouble(const nlohmann::json& r, const char* key) {
    auto it = r.find(key);
    if (it == r.end() || !it->is_number()) return 0;
    const double value = it->get<double>();  // is_number: checked
    return std::isfinite(value) && std::fabs(value) < 1e9 ? std::round(value * 100) / 100 : 0;
}

// calibrate.py's "spreads" object, checked: each cost's (p90 - p10) / median, only numbers kept.
// An object of numbers calibrate.py printed under `name` (each cost's spread; the wake-up by idle time), checked.
nlohmann::json NumbersUnder(const nlohmann::json& r, const char* name) {
    nlohmann::json out = nlohmann::json::object();
    auto it = r.find(name);
    if (it == r.end() || !it->is_object()) return out;
    for (const auto& [key, value] : it->items())
        if (key.size() < 64 && value.is_number()) out[key] = FigureOrDouble(*it, key.c_str());
    return out;
}

int Calibrate(const Args& a, std::FILE* out, std::FILE* err) {
    // In a folder of its own: its spawned and forkserver workers run it again, and their imports look in its folder
    // first, so a crowded one (/tmp) would be timed with every start (docs/machine-profile.md, main_rerun).
    char folder[] = "/tmp/interleave-calibrate-XXXXXX";
    if (!mkdtemp(folder))
        return Fail(err, a.command, std::string("cannot create a temporary folder in /tmp: ") + std::strerror(errno),
                    kExitWriteFailed);
    const std::string pathText = std::string(folder) + "/calibrate.py";
    const char* path = pathText.c_str();
    // Removes the script and its folder (and the bytecode cache a worker's imports may have left) on every way out.
    struct Cleanup {
        std::string folder;
        ~Cleanup() {
            std::error_code ignored;
            std::filesystem::remove_all(folder, ignored);
        }
    } cleanup{folder};
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Fail(err, a.command, std::string("cannot create '") + path + "': " + std::strerror(errno),
                    kExitWriteFailed);
    std::string_view text = EmbeddedPython("calibrate.py");
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t w = write(fd, text.data() + written, text.size() - written);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            const int code = w < 0 ? errno : EIO;
            close(fd);
            return Fail(err, a.command, std::string("cannot write '") + path + "': " + std::strerror(code),
                        kExitWriteFailed);
        }
        written += static_cast<size_t>(w);
    }
    if (close(fd) != 0) {
        const int code = errno;
        return Fail(err, a.command, std::string("cannot write '") + path + "': " + std::strerror(code),
                    kExitWriteFailed);
    }
    std::string why;
    const std::string python = InterpreterFor(a, nullptr, why);
    if (python.empty()) return Fail(err, a.command, why, kExitFailed);
    std::fprintf(err, "calibrating with %s (10-30 s)...\n", python.c_str());
    std::fflush(err);
    // The interpreter's path is the user's text: one single-quoted shell word, never shell syntax.
    std::string quoted = "'";
    for (const char c : python) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted += "'";
    std::string cmd = quoted + " " + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string output;
    if (p) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0 && output.size() < (size_t{16} << 20))
            output.append(buf, n);
        pclose(p);
    }
    // The figures are the last line, one JSON object (with objects inside it: start at the line, not the last brace).
    const size_t lastLine = output.rfind("\n{");
    size_t brace = lastLine != std::string::npos ? lastLine + 1 : output.rfind("{", 0) == 0 ? 0 : std::string::npos;
    nlohmann::json r;
    why.clear();
    if (brace == std::string::npos ||
        !jsonio::ParseBoundedJson(std::string_view(output).substr(brace), r, why, {size_t{1} << 20, 16},
                                  "the output") ||
        !r.is_object())
        return Fail(err, a.command, "calibration failed:\n" + output, kExitFailed);
    nlohmann::json profile;
    for (const char* key : {"switch_interval", "thread_start", "wakeup_latency", "wakeup_latency_shallow",
                            "shallow_idle", "waker_cost", "waker_cost_shallow", "process_start_fork",
                            "fork_child_start", "process_start_spawn", "forkserver_start",
                            "process_start_forkserver", "forkserver_request", "main_rerun", "pool_import", "pool_setup",
                            "pool_teardown", "pool_teardown_worker", "message_overhead", "page_touch",
                            "loop_step_overhead", "eager_step_overhead", "counter_increment", "executor_submit",
                            "as_completed_yield", "mp_queue_put", "mp_queue_feed", "mp_queue_get",
                            "mp_pipe_send", "mp_pipe_recv"}) {
        int64_t value = 0;
        if (Figure(r, key, value))
            profile[key] = Duration(std::max<int64_t>(value, key == std::string("counter_increment") ? 1 : 0));
    }
    for (const char* key : {"pickle_throughput", "unpickle_throughput", "pickle_objects_throughput",
                            "unpickle_objects_throughput"}) {
        int64_t value = 0;
        if (Figure(r, key, value)) profile[key] = std::to_string(std::max<int64_t>(1, value)) + "B";
    }
    profile["forced_switching"] = true;
    // The kernel's fair scheduler, from its version (calibrate.py os_scheduler): only a name the profile knows.
    if (auto it = r.find("scheduler"); it != r.end() && (*it == "eevdf" || *it == "cfs")) profile["scheduler"] = *it;
    // machine.cores: the cores a run really gets here (os.cpu_count() busy processes at once), rounded;
    // on a shared or loaded machine fewer than it has. `check --profile` simulates with it.
    double effective = static_cast<double>(Cores());
    if (auto it = r.find("effective_cores"); it != r.end()) {
        double measured = 0;
        int64_t whole = 0;
        if (const auto* f = it->get_ptr<const nlohmann::json::number_float_t*>())
            measured = *f;
        else if (Figure(r, "effective_cores", whole))
            measured = static_cast<double>(whole);
        if (std::isfinite(measured) && measured > 0 && measured < 1e6) effective = measured;
    }
    const int cores = std::clamp(static_cast<int>(std::lround(effective)), 1, Cores());
    // A busy machine's costs are not its own (a start or a hand-off waits for a core): refuse them, saying why.
    if (!a.allowBusy && effective < 0.75 * static_cast<double>(Cores())) {
        char figures[160];
        std::snprintf(figures, sizeof figures, "%.2f of this machine's %d cores were free (load average %.2f)", effective,
                      Cores(), FigureOrDouble(r, "load_before"));
        return Fail(err, a.command,
                    std::string("other work keeps the cores busy: ") + figures +
                        "; calibrate on a quiet machine, or pass --allow-busy to keep these figures anyway",
                    kExitFailed);
    }
    std::string pythonVersion;
    if (auto it = r.find("python"); it != r.end())
        if (const auto* version = it->get_ptr<const nlohmann::json::string_t*>()) pythonVersion = *version;
    nlohmann::json doc = {{"machine", {{"cores", cores}, {"profile", profile}}},
                          {"measured",
                           {{"python", pythonVersion},
                            {"hardware_cores", Cores()},
                            {"os_fork", Duration(FigureOr(r, "os_fork", 0))},
                            {"thread_start_single", Duration(FigureOr(r, "thread_start_single", 0))},
                            {"thread_start_cpu", Duration(FigureOr(r, "thread_start_cpu", 0))},
                            {"thread_bootstrap", Duration(FigureOr(r, "thread_bootstrap", 0))},
                            {"thread_exit", Duration(FigureOr(r, "thread_exit", 0))},
                            {"process_start_fork_single", Duration(FigureOr(r, "process_start_fork_single", 0))},
                            // Its own main module run again (taken out of the spawn and forkserver starts), and
                            // whether this Python's forkserver workers ran it (3.11, 3.12) or the server did.
                            {"main_module_run_calibrate", Duration(FigureOr(r, "main_module_run_calibrate", 0))},
                            {"forkserver_worker_runs_main",
                             r.contains("forkserver_worker_runs_main") && r["forkserver_worker_runs_main"].is_boolean()
                                 ? nlohmann::json(r["forkserver_worker_runs_main"].get<bool>())
                                 : nlohmann::json(nullptr)},
                            {"effective_cores", std::round(effective * 100) / 100},
                            {"gil_slice_median", Duration(FigureOr(r, "gil_slice_median", 0))},
                            {"gil_handoff_gap_median", Duration(FigureOr(r, "gil_handoff_gap_median", 0))},
                            {"load_average_before", FigureOrDouble(r, "load_before")},
                            {"load_average_after", FigureOrDouble(r, "load_after")},
                            {"spread", NumbersUnder(r, "spreads")},
                            {"wakeup_ns_by_idle_us", NumbersUnder(r, "wakeup_ns_by_idle_us")},
                            {"note",
                             "machine.profile is in the scenario's format (docs/machine-profile.md); "
                             "fields not listed keep their defaults"}}}};
    std::string json = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    scenario::MachineProfile check;
    std::string error;
    if (!scenario::ApplyProfileJson(json, check, error))
        return Fail(err, a.command, "the measured profile does not validate: " + error, kExitFailed);
    if (a.out.empty()) {
        if (!cli::PrintAll(out, json, error)) return Fail(err, a.command, error, kExitWriteFailed);
        return kExitOk;
    }
    if (!cli::WriteFileChecked(a.out, json, error)) return Fail(err, a.command, error, kExitWriteFailed);
    std::fprintf(err, "wrote %s\n", a.out.c_str());
    return kExitOk;
}

bool IsThreadModel(scenario::ModelKind k) {
    return k == scenario::ModelKind::Threads;
}

int Check(const Args& a, std::FILE* out, std::FILE* err) {
    scenario::Scenario s;
    std::string error;
    if (int code = LoadScenario(a, s, error); code != kExitOk) return Fail(err, a.command, error, code);
    std::string notes = AdaptScenario(s, a.scale, a.maxTasks, Cores(), a.maxBytes);
    if (scenario::PythonVersion release; scenario::ParsePythonVersion(a.python, release)) s = OnReleaseChecked(s, release);
    // The program's cpu steps burn CPU time (probe.cpu), so a free-threaded build's slowdown of pure Python cannot show
    // in its run: all three runs take the steps as CPU time, and the slowdown is measured with real code instead
    // (docs/python-builds.md).
    std::string slowdownLeftOut;  // for the table row's note
    {
        const double slowdown = scenario::PythonCpuScale(s);  // 1 on a build with the GIL
        if (slowdown != 1.0) {
            char line[200];
            std::snprintf(line, sizeof line,
                          "cpu steps taken as CPU time on %s, as the program's probe burns them: its slowdown of pure "
                          "Python (%.2fx) is left out of all three runs\n",
                          scenario::PythonVersionName(scenario::RunPython(s)).c_str(), slowdown);
            notes += line;
            std::snprintf(line, sizeof line, "cpu steps as CPU time (slowdown %.2fx left out)", slowdown);
            slowdownLeftOut = line;
            s.model.freeThreadedSlowdown = 1.0;
        }
    }
    // The real runs use every core there is (Pool() workers = os.cpu_count()); the simulation gets the
    // cores the calibration found available.
    // With --profile the simulation gets the cores a run gets now (measured just before the runs).
    scenario::Scenario simulated = s;
    char effectiveText[32] = "-";
    if (!a.profile.empty()) {
        const double effective = MeasureEffectiveCores();
        std::snprintf(effectiveText, sizeof effectiveText, "%.2f", effective);
        const int pc = std::clamp(static_cast<int>(std::lround(effective)), 1, Cores());
        if (pc != simulated.machine.cores) {
            notes += "simulated with " + std::to_string(pc) + " effective cores (measured " + effectiveText +
                     "), real runs on " + std::to_string(s.machine.cores) + "\n";
            simulated.machine.cores = pc;
        }
    }
    models::SimulationOptions so;
    so.computeSequentialBaseline = false;
    models::SimulationResult sim = models::Simulate(simulated, so);
    RunOptions opt;
    opt.timeoutSeconds = a.timeout;
    opt.python = InterpreterFor(a, &s, error);
    if (opt.python.empty()) return Fail(err, a.command, error, kExitFailed);
    RealRunResult cpp = RunForReal(s, RealRunKind::CppRuntime, opt);
    RealRunResult py = RunForReal(s, RealRunKind::CPython, opt);
    auto ms = [](bool ok, const trace::Trace& t) { return ok ? Ms(t.metrics.makespan) : std::string("-"); };
    auto relative = [](bool ok, const trace::Trace& t, bool refOk, const trace::Trace& ref) {
        if (!ok || !refOk || ref.metrics.makespan <= 0) return std::string("-");
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.1f%%",
                      100.0 * static_cast<double>(trace::SaturatingSub(t.metrics.makespan, ref.metrics.makespan)) /
                          static_cast<double>(ref.metrics.makespan));
        return std::string(buf);
    };
    std::string slice = "-";
    if (IsThreadModel(s.model.kind) && sim.ok && py.ok)
        slice = Ms(sim.trace.metrics.medianGilSlice) + "/" + Ms(py.trace.metrics.medianGilSlice);
    std::string why = !py.ok ? py.error : !cpp.ok ? "cpp: " + cpp.error : !sim.ok ? "sim: " + sim.error : "";
    for (char& c : why)
        if (c == '\n' || c == '|') c = ' ';
    if (why.size() > 80) why = why.substr(0, 80) + "...";
    if (why.empty()) why = slowdownLeftOut;
    if (a.row) {
        std::fprintf(out, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a.scenario.c_str(), effectiveText,
                     ms(sim.ok, sim.trace).c_str(), ms(cpp.ok, cpp.trace).c_str(), ms(py.ok, py.trace).c_str(),
                     relative(sim.ok, sim.trace, py.ok, py.trace).c_str(),
                     relative(cpp.ok, cpp.trace, py.ok, py.trace).c_str(), slice.c_str(), why.c_str());
        return Finish(out, err, a.command);
    }
    std::fputs(notes.c_str(), out);
    std::fprintf(out, "%s (%s, %d cores)\n", s.name.c_str(), std::string(scenario::ModelKindName(s.model.kind)).c_str(),
                 s.machine.cores);
    std::fprintf(out, "  simulated    %10s ms  %s\n", ms(sim.ok, sim.trace).c_str(), sim.ok ? "" : sim.error.c_str());
    std::fprintf(out, "  C++ runtime  %10s ms  %s  %s\n", ms(cpp.ok, cpp.trace).c_str(),
                 cpp.ok ? "" : cpp.error.c_str(), relative(cpp.ok, cpp.trace, py.ok, py.trace).c_str());
    std::fprintf(out, "  CPython      %10s ms  %s\n", ms(py.ok, py.trace).c_str(), py.ok ? "" : py.error.c_str());
    std::fprintf(out, "  simulated vs CPython: %s\n", relative(sim.ok, sim.trace, py.ok, py.trace).c_str());
    if (IsThreadModel(s.model.kind))
        std::fprintf(out, "  median GIL slice: simulated %s ms, C++ %s ms, CPython %s ms\n",
                     Ms(sim.trace.metrics.medianGilSlice).c_str(), Ms(cpp.trace.metrics.medianGilSlice).c_str(),
                     Ms(py.trace.metrics.medianGilSlice).c_str());
    std::fputs((cpp.notes + py.notes).c_str(), out);
    return Finish(out, err, a.command);
}

}  // namespace

bool IsCommand(int argc, char** argv) {
    if (argc < 2) return false;
    std::string c = argv[1];
    return c == "run" || c == "export-python" || c == "calibrate" || c == "check" || c == "__native-worker";
}

// Main's work for `args` (the command and its arguments, without the program's name), printing to `out`
// and `err`: the tests call it in-process. Not in native_cli.h (not this change's file); the tests
// declare it.
int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    if (args.empty()) return std::fputs(kUsage, err), kExitUsage;
    if (args[0] == "__native-worker") return kExitUsage;  // workers run before main(); reaching here is a misuse
    const Command* command = FindCommand(args[0]);
    if (!command) return std::fprintf(err, "interleave: unknown command '%s'\n%s", args[0].c_str(), kUsage), kExitUsage;
    Args a;
    bool help = false;
    std::string error;
    if (ParseArgs(*command, args, a, help, error) != kExitOk)
        return Fail(err, a.command, error + " (see interleave " + a.command + " --help)", kExitUsage);
    if (help) {
        std::fputs(command->usage.c_str(), out);
        return Finish(out, err, a.command);
    }
    InstallInterruptHandler();
    if (a.command == "calibrate") return Calibrate(a, out, err);
    if (a.command == "export-python") {
        scenario::Scenario s;
        if (int code = LoadScenario(a, s, error); code != kExitOk) return Fail(err, a.command, error, code);
        if (const std::string why = plan::Unsupported(s); !why.empty()) return Fail(err, a.command, why, kExitBadInput);
        if (const std::string why = NotExportable(s); !why.empty()) return Fail(err, a.command, why, kExitBadInput);
        if (!cli::PrintAll(out, ExportPython(s), error)) return Fail(err, a.command, error, kExitWriteFailed);
        return kExitOk;
    }
    if (a.command == "run") return RunCommand(a, out, err);
    return Check(a, out, err);
}

int Main(int argc, char** argv) {
    if (argc < 2 || !IsCommand(argc, argv)) return std::fputs(kUsage, stderr), kExitUsage;
    return Run(std::vector<std::string>(argv + 1, argv + argc), stdout, stderr);
}

}  // namespace interleave::native
