// `interleave run`, `export-python`, `calibrate`, `check` (docs/real-runs.md).
#include "native/native_cli.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "models/simulate.h"
#include "native/embedded.h"
#include "native/native.h"
#include "native/runtime.h"
#include "scenario/presets.h"
#include "trace/trace_json.h"

namespace interleave::native {

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  interleave run [--cpp|--python] SCENARIO [--out TRACE.json] [--chrome TRACE.json] [--timeout S]\n"
    "                 [--scale F] [--max-tasks N] [--max-bytes SIZE] [--profile FILE] [--python-bin PY]\n"
    "  interleave export-python SCENARIO\n"
    "  interleave calibrate [--out FILE] [--python-bin PY]\n"
    "  interleave check SCENARIO [--profile FILE] [--scale F] [--max-tasks N] [--max-bytes SIZE] [--timeout S] [--row] [--python-bin PY]\n"
    "SCENARIO is a scenario JSON file or a preset id (scenarios/<id>.json).\n";

bool ReadFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

struct Args {
    std::string command, scenario, out, chrome, profile, python = "python3";
    bool python_ = false, row = false;
    double scale = 1.0, timeout = 120;
    int maxTasks = 0;
    int64_t maxBytes = kPayloadCap;
};

bool ParseArgs(int argc, char** argv, Args& a, std::string& error) {
    a.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        std::string s = argv[i];
        auto value = [&](std::string& v) {
            if (i + 1 >= argc) return error = s + " needs a value", false;
            v = argv[++i];
            return true;
        };
        std::string v;
        if (s == "--cpp") a.python_ = false;
        else if (s == "--python") a.python_ = true;
        else if (s == "--row") a.row = true;
        else if (s == "--out" || s == "-o") { if (!value(a.out)) return false; }
        else if (s == "--chrome") { if (!value(a.chrome)) return false; }
        else if (s == "--profile") { if (!value(a.profile)) return false; }
        else if (s == "--python-bin") { if (!value(a.python)) return false; }
        else if (s == "--scale") { if (!value(v)) return false; a.scale = std::atof(v.c_str()); if (!(a.scale > 0)) return error = "--scale must be > 0", false; }
        else if (s == "--timeout") { if (!value(v)) return false; a.timeout = std::atof(v.c_str()); if (!(a.timeout > 0)) return error = "--timeout must be > 0", false; }
        else if (s == "--max-tasks") { if (!value(v)) return false; a.maxTasks = std::atoi(v.c_str()); }
        else if (s == "--max-bytes") { if (!value(v)) return false; if (!scenario::ParseBytes(v, a.maxBytes)) return error = "--max-bytes takes a size like 4MB", false; }
        else if (!s.empty() && s[0] == '-') return error = "unknown option " + s, false;
        else if (a.scenario.empty()) a.scenario = s;
        else return error = "unexpected argument " + s, false;
    }
    return true;
}

int Cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

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

bool LoadScenario(const Args& a, scenario::Scenario& out, std::string& error) {
    std::string text;
    if (!ReadFile(a.scenario, text)) {
        const scenario::PresetFile* preset = scenario::FindPreset(a.scenario);
        if (!preset) return error = "cannot read " + a.scenario + " (not a file, not a preset id)", false;
        text = std::string(preset->json);
    }
    scenario::ParseError perr;
    auto parsed = scenario::ParseScenario(text, perr);
    if (!parsed) return error = a.scenario + ": " + perr.Message(), false;
    out = *parsed;
    if (!a.profile.empty()) {
        std::string ptext;
        if (!ReadFile(a.profile, ptext)) return error = "cannot read " + a.profile, false;
        if (!scenario::ApplyProfileJson(ptext, out.machine.profile, error)) return error = a.profile + ": " + error, false;
    }
    return true;
}

std::string Ms(trace::TimeNs ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(ns) / 1e6);
    return buf;
}

void PrintSummary(const trace::Trace& t) {
    const auto& m = t.metrics;
    std::printf("%s\n  makespan %s ms, tasks done %lld (failed %lld, cancelled %lld), gil wait %s ms, gil switches %lld, median GIL slice %s ms\n",
                t.label.c_str(), Ms(m.makespan).c_str(), static_cast<long long>(m.tasksDone), static_cast<long long>(m.tasksFailed),
                static_cast<long long>(m.tasksCancelled), Ms(m.gilWait).c_str(), static_cast<long long>(m.gilSwitches), Ms(m.medianGilSlice).c_str());
    for (const auto& [name, v] : m.counters) std::printf("  counter %s = %lld\n", name.c_str(), static_cast<long long>(v));
}

int Run(const Args& a) {
    scenario::Scenario s;
    std::string error;
    if (!LoadScenario(a, s, error)) return std::fprintf(stderr, "interleave: %s\n", error.c_str()), 2;
    std::string notes = AdaptScenario(s, a.scale, a.maxTasks, 0, a.maxBytes);
    RunOptions opt;
    opt.timeoutSeconds = a.timeout;
    opt.python = a.python;
    RealRunResult r = RunForReal(s, a.python_ ? RealRunKind::CPython : RealRunKind::CppRuntime, opt);
    std::fputs((notes + r.notes).c_str(), stderr);
    if (!r.ok) return std::fprintf(stderr, "interleave: %s\n", r.error.c_str()), 1;
    PrintSummary(r.trace);
    if (!a.out.empty()) std::ofstream(a.out) << trace::ToJson(r.trace);
    if (!a.chrome.empty()) std::ofstream(a.chrome) << trace::ToChromeJson(r.trace);
    return 0;
}

std::string Duration(int64_t ns) { return std::to_string(ns) + "ns"; }

int Calibrate(const Args& a) {
    char path[] = "/tmp/interleave-calibrate-XXXXXX.py";
    int fd = mkstemps(path, 3);
    if (fd < 0) return std::fprintf(stderr, "interleave: cannot write a temporary file\n"), 1;
    std::string_view text = EmbeddedPython("calibrate.py");
    [[maybe_unused]] ssize_t w = write(fd, text.data(), text.size());
    close(fd);
    std::fprintf(stderr, "calibrating with %s (about 10 s)...\n", a.python.c_str());
    std::string cmd = a.python + " " + path + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    if (p) {
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        pclose(p);
    }
    unlink(path);
    size_t brace = out.rfind("{");
    nlohmann::json r = brace == std::string::npos ? nlohmann::json() : nlohmann::json::parse(out.substr(brace), nullptr, false);
    if (!r.is_object()) return std::fprintf(stderr, "interleave: calibration failed:\n%s\n", out.c_str()), 1;
    nlohmann::json profile;
    for (const char* key : {"switch_interval", "thread_start", "wakeup_latency", "process_start_fork", "process_start_spawn", "forkserver_start",
                            "process_start_forkserver", "message_overhead", "loop_step_overhead", "counter_increment"})
        if (r.contains(key)) profile[key] = Duration(std::max<int64_t>(r[key].get<int64_t>(), key == std::string("counter_increment") ? 1 : 0));
    for (const char* key : {"pickle_throughput", "unpickle_throughput"})
        if (r.contains(key)) profile[key] = std::to_string(std::max<int64_t>(1, r[key].get<int64_t>())) + "B";
    profile["forced_switching"] = true;
    // machine.cores: the cores a run really gets here (os.cpu_count() busy processes at once), rounded;
    // on a shared or loaded machine fewer than it has. `check --profile` simulates with it.
    const double effective = r.value("effective_cores", static_cast<double>(Cores()));
    const int cores = std::clamp(static_cast<int>(std::lround(effective)), 1, Cores());
    nlohmann::json doc = {{"machine", {{"cores", cores}, {"profile", profile}}},
                          {"measured", {{"python", r.value("python", "")},
                                        {"hardware_cores", Cores()},
                                        {"os_fork", Duration(r.value("os_fork", int64_t{0}))},
                                        {"thread_start_single", Duration(r.value("thread_start_single", int64_t{0}))},
                                        {"process_start_fork_single", Duration(r.value("process_start_fork_single", int64_t{0}))},
                                        {"effective_cores", std::round(effective * 100) / 100},
                                        {"gil_slice_median", Duration(r.value("gil_slice_median", int64_t{0}))},
                                        {"gil_handoff_gap_median", Duration(r.value("gil_handoff_gap_median", int64_t{0}))},
                                        {"note", "machine.profile is in the scenario's format (docs/machine-profile.md); "
                                                 "fields not listed keep their defaults"}}}};
    std::string json = doc.dump(2) + "\n";
    scenario::MachineProfile check;
    std::string error;
    if (!scenario::ApplyProfileJson(json, check, error)) return std::fprintf(stderr, "interleave: the measured profile does not validate: %s\n", error.c_str()), 1;
    if (a.out.empty()) std::fputs(json.c_str(), stdout);
    else {
        std::ofstream(a.out) << json;
        std::fprintf(stderr, "wrote %s\n", a.out.c_str());
    }
    return 0;
}

bool IsThreadModel(scenario::ModelKind k) { return k == scenario::ModelKind::Threads; }

int Check(const Args& a) {
    scenario::Scenario s;
    std::string error;
    if (!LoadScenario(a, s, error)) return std::fprintf(stderr, "interleave: %s\n", error.c_str()), 2;
    std::string notes = AdaptScenario(s, a.scale, a.maxTasks, Cores(), a.maxBytes);
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
            notes += "simulated with " + std::to_string(pc) + " effective cores (measured " + effectiveText + "), real runs on " + std::to_string(s.machine.cores) + "\n";
            simulated.machine.cores = pc;
        }
    }
    models::SimulationOptions so;
    so.computeSequentialBaseline = false;
    models::SimulationResult sim = models::Simulate(simulated, so);
    RunOptions opt;
    opt.timeoutSeconds = a.timeout;
    opt.python = a.python;
    RealRunResult cpp = RunForReal(s, RealRunKind::CppRuntime, opt);
    RealRunResult py = RunForReal(s, RealRunKind::CPython, opt);
    auto ms = [](bool ok, const trace::Trace& t) { return ok ? Ms(t.metrics.makespan) : std::string("-"); };
    auto err = [](bool ok, const trace::Trace& t, bool refOk, const trace::Trace& ref) {
        if (!ok || !refOk || ref.metrics.makespan <= 0) return std::string("-");
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.1f%%", 100.0 * static_cast<double>(t.metrics.makespan - ref.metrics.makespan) / static_cast<double>(ref.metrics.makespan));
        return std::string(buf);
    };
    std::string slice = "-";
    if (IsThreadModel(s.model.kind) && sim.ok && py.ok)
        slice = Ms(sim.trace.metrics.medianGilSlice) + "/" + Ms(py.trace.metrics.medianGilSlice);
    std::string why = !py.ok ? py.error : !cpp.ok ? "cpp: " + cpp.error : !sim.ok ? "sim: " + sim.error : "";
    for (char& c : why)
        if (c == '\n' || c == '|') c = ' ';
    if (why.size() > 80) why = why.substr(0, 80) + "...";
    if (a.row) {
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a.scenario.c_str(), effectiveText, ms(sim.ok, sim.trace).c_str(), ms(cpp.ok, cpp.trace).c_str(),
                    ms(py.ok, py.trace).c_str(), err(sim.ok, sim.trace, py.ok, py.trace).c_str(), err(cpp.ok, cpp.trace, py.ok, py.trace).c_str(),
                    slice.c_str(), why.c_str());
        return 0;
    }
    std::fputs(notes.c_str(), stdout);
    std::printf("%s (%s, %d cores)\n", s.name.c_str(), std::string(scenario::ModelKindName(s.model.kind)).c_str(), s.machine.cores);
    std::printf("  simulated    %10s ms  %s\n", ms(sim.ok, sim.trace).c_str(), sim.ok ? "" : sim.error.c_str());
    std::printf("  C++ runtime  %10s ms  %s  %s\n", ms(cpp.ok, cpp.trace).c_str(), cpp.ok ? "" : cpp.error.c_str(), err(cpp.ok, cpp.trace, py.ok, py.trace).c_str());
    std::printf("  CPython      %10s ms  %s\n", ms(py.ok, py.trace).c_str(), py.ok ? "" : py.error.c_str());
    std::printf("  simulated vs CPython: %s\n", err(sim.ok, sim.trace, py.ok, py.trace).c_str());
    if (IsThreadModel(s.model.kind))
        std::printf("  median GIL slice: simulated %s ms, C++ %s ms, CPython %s ms\n", Ms(sim.trace.metrics.medianGilSlice).c_str(),
                    Ms(cpp.trace.metrics.medianGilSlice).c_str(), Ms(py.trace.metrics.medianGilSlice).c_str());
    std::fputs((cpp.notes + py.notes).c_str(), stdout);
    return 0;
}

}  // namespace

bool IsCommand(int argc, char** argv) {
    if (argc < 2) return false;
    std::string c = argv[1];
    return c == "run" || c == "export-python" || c == "calibrate" || c == "check" || c == "__native-worker";
}

int Main(int argc, char** argv) {
    if (argc < 2 || !IsCommand(argc, argv)) return std::fputs(kUsage, stderr), 2;
    if (std::string(argv[1]) == "__native-worker") return 2;  // workers run before main(); reaching here is a misuse
    Args a;
    std::string error;
    if (!ParseArgs(argc, argv, a, error)) return std::fprintf(stderr, "interleave: %s\n%s", error.c_str(), kUsage), 2;
    InstallInterruptHandler();
    if (a.command == "calibrate") return Calibrate(a);
    if (a.scenario.empty()) return std::fprintf(stderr, "interleave: %s needs a scenario\n%s", a.command.c_str(), kUsage), 2;
    if (a.command == "export-python") {
        scenario::Scenario s;
        if (!LoadScenario(a, s, error)) return std::fprintf(stderr, "interleave: %s\n", error.c_str()), 2;
        std::fputs(ExportPython(s).c_str(), stdout);
        return 0;
    }
    if (a.command == "run") return Run(a);
    return Check(a);
}

}  // namespace interleave::native
