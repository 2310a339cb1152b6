// The native command line. Exit codes (docs/cli.md):
//   0 success, 1 the simulation failed (event limit, deadlock), 2 usage error, 3 unreadable or invalid
//   input (scenario or trace file), 4 an output file could not be written.
#include "cli/cli.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "models/simulate.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "trace/trace_json.h"

namespace interleave::cli {

namespace {

constexpr int kOk = 0, kSimulationFailed = 1, kUsage = 2, kBadInput = 3, kWriteFailed = 4;

const char* kHelp =
    "interleave: see, and measure, how Python runs concurrent work\n"
    "\n"
    "Usage:\n"
    "  interleave                          open the playground (native window)\n"
    "  interleave sim SCENARIO [options]   simulate and print the metrics\n"
    "      --model KIND      override the model: sequential, threads, processes, asyncio,\n"
    "                        process_asyncio, free_threaded\n"
    "      --workers N       override the number of workers\n"
    "      --out FILE        write the trace (Interleave JSON)\n"
    "      --chrome FILE     write the trace as Chrome Trace Event JSON (opens in Perfetto)\n"
    "      --json            print the metrics as JSON\n"
    "      --profile FILE    take the machine profile from FILE (interleave calibrate writes one)\n"
    "  interleave compare SCENARIO [--json]\n"
    "                        run every model and recommend one, with the reason\n"
    "  interleave presets    list the built-in scenarios\n"
    "  interleave --help     this text\n"
    "\n"
    "SCENARIO is a JSON file (docs/scenario.md) or the name of a preset (interleave presets).\n"
    "Exit codes: 0 ok, 1 simulation failed, 2 usage error, 3 bad input, 4 cannot write output.\n";

bool ReadFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

bool WriteFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    if (!out) return false;
    out << text;
    return static_cast<bool>(out);
}

// Loads a scenario from a file or a preset name; prints the error and returns false on failure.
bool LoadScenario(const std::string& source, scenario::Scenario& out) {
    std::string text;
    if (!ReadFile(source, text)) {
        const scenario::PresetFile* preset = scenario::FindPreset(source);
        if (!preset) {
            std::fprintf(stderr, "interleave: cannot read '%s': no such file, and no preset of that name (see: interleave presets)\n", source.c_str());
            return false;
        }
        text = std::string(preset->json);
    }
    scenario::ParseError error;
    auto parsed = scenario::ParseScenario(text, error);
    if (!parsed) {
        std::fprintf(stderr, "interleave: %s: %s\n", source.c_str(), error.Message().c_str());
        return false;
    }
    out = std::move(*parsed);
    return true;
}

std::string Percent(double ratio) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", ratio * 100.0);
    return buffer;
}

std::string Ratio(double ratio) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2fx", ratio);
    return buffer;
}

void PrintMetricsTable(const trace::Trace& t) {
    const trace::Metrics& m = t.metrics;
    auto row = [](const char* name, const std::string& value) { std::printf("  %-26s %s\n", name, value.c_str()); };
    std::printf("%s\n", t.label.c_str());
    row("makespan", scenario::FormatDuration(m.makespan));
    row("sequential makespan", scenario::FormatDuration(m.sequentialMakespan));
    row("speedup vs sequential", Ratio(m.speedup));
    row("CPU utilisation", Percent(m.cpuUtilisation));
    std::string perCore;
    for (size_t i = 0; i < m.coreUtilisation.size(); ++i) {
        // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict on `const char* + string&&`.
        if (i) perCore += ' ';
        perCore += Percent(m.coreUtilisation[i]);
    }
    row("per core", perCore);
    row("waiting for the GIL", scenario::FormatDuration(m.gilWait));
    row("waiting for a core", scenario::FormatDuration(m.coreWait));
    row("waiting for locks", scenario::FormatDuration(m.lockWait));
    row("GIL switches", std::to_string(m.gilSwitches));
    row("drop requests", std::to_string(m.dropRequests));
    row("median GIL slice", scenario::FormatDuration(m.medianGilSlice));
    row("process start", scenario::FormatDuration(m.processStart));
    row("pickling", scenario::FormatDuration(m.pickling));
    row("unpickling", scenario::FormatDuration(m.unpickling));
    row("thread start", scenario::FormatDuration(m.threadStart));
    row("event loop overhead", scenario::FormatDuration(m.loopOverhead));
    row("task latency p50", scenario::FormatDuration(m.latency.p50));
    row("task latency p90", scenario::FormatDuration(m.latency.p90));
    row("task latency p99", scenario::FormatDuration(m.latency.p99));
    row("task latency max", scenario::FormatDuration(m.latency.max));
    row("tasks done/failed/cancelled", std::to_string(m.tasksDone) + "/" + std::to_string(m.tasksFailed) + "/" + std::to_string(m.tasksCancelled));
    for (const auto& [name, value] : m.counters) {
        // Appended rather than "counter " + name: GCC 12 at -O3 reports a false -Wrestrict on the latter.
        std::string label = "counter ";
        label += name;
        row(label.c_str(), std::to_string(value));
    }
}

// The metrics part of the trace's own JSON form, so both stay one format.
std::string MetricsJson(const trace::Trace& t) {
    trace::Trace summary;
    summary.label = t.label;
    summary.producer = t.producer;
    summary.metrics = t.metrics;
    return trace::ToJson(summary);
}

int Sim(const std::vector<std::string>& args) {
    std::string source, model, out, chrome, profilePath;
    int workers = -1;
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& target) {
            if (i + 1 >= args.size()) return false;
            target = args[++i];
            return true;
        };
        if (a == "--model") {
            if (!value(model)) return std::fprintf(stderr, "interleave sim: --model needs a value\n"), kUsage;
        } else if (a == "--out") {
            if (!value(out)) return std::fprintf(stderr, "interleave sim: --out needs a file\n"), kUsage;
        } else if (a == "--chrome") {
            if (!value(chrome)) return std::fprintf(stderr, "interleave sim: --chrome needs a file\n"), kUsage;
        } else if (a == "--profile") {
            if (!value(profilePath)) return std::fprintf(stderr, "interleave sim: --profile needs a file\n"), kUsage;
        } else if (a == "--workers") {
            std::string n;
            if (!value(n)) return std::fprintf(stderr, "interleave sim: --workers needs a number\n"), kUsage;
            char* end = nullptr;
            long parsed = std::strtol(n.c_str(), &end, 10);
            if (!end || *end || parsed < 1 || parsed > scenario::Limits::kMaxWorkers)
                return std::fprintf(stderr, "interleave sim: --workers must be 1 to %d, got '%s'\n", scenario::Limits::kMaxWorkers, n.c_str()), kUsage;
            workers = static_cast<int>(parsed);
        } else if (a == "--json") {
            json = true;
        } else if (!a.empty() && a[0] == '-') {
            return std::fprintf(stderr, "interleave sim: unknown option '%s' (see interleave --help)\n", a.c_str()), kUsage;
        } else if (source.empty()) {
            source = a;
        } else {
            return std::fprintf(stderr, "interleave sim: one scenario at a time ('%s' is extra)\n", a.c_str()), kUsage;
        }
    }
    if (source.empty()) return std::fprintf(stderr, "interleave sim: which scenario? (a JSON file or a preset name)\n"), kUsage;
    scenario::Scenario s;
    if (!LoadScenario(source, s)) return kBadInput;
    if (!model.empty() && !scenario::ParseModelKind(model, s.model.kind))
        return std::fprintf(stderr, "interleave sim: unknown model '%s'\n", model.c_str()), kUsage;
    if (workers > 0) s.model.workers = workers;
    if (!profilePath.empty()) {
        std::string text, error;
        if (!ReadFile(profilePath, text))
            return std::fprintf(stderr, "interleave sim: cannot read profile '%s'\n", profilePath.c_str()), kBadInput;
        if (!scenario::ApplyProfileJson(text, s.machine.profile, error))
            return std::fprintf(stderr, "interleave sim: %s: %s\n", profilePath.c_str(), error.c_str()), kBadInput;
    }
    models::SimulationResult result = models::Simulate(s);
    if (!result.ok) {
        std::fprintf(stderr, "interleave sim: %s\n", result.error.c_str());
        return kSimulationFailed;
    }
    if (!out.empty() && !WriteFile(out, trace::ToJson(result.trace)))
        return std::fprintf(stderr, "interleave sim: cannot write '%s'\n", out.c_str()), kWriteFailed;
    if (!chrome.empty() && !WriteFile(chrome, trace::ToChromeJson(result.trace)))
        return std::fprintf(stderr, "interleave sim: cannot write '%s'\n", chrome.c_str()), kWriteFailed;
    if (json) std::printf("%s\n", MetricsJson(result.trace).c_str());
    else PrintMetricsTable(result.trace);
    return kOk;
}

int CompareCommand(const std::vector<std::string>& args) {
    std::string source;
    bool json = false;
    for (const std::string& a : args) {
        if (a == "--json") json = true;
        else if (!a.empty() && a[0] == '-') return std::fprintf(stderr, "interleave compare: unknown option '%s'\n", a.c_str()), kUsage;
        else if (source.empty()) source = a;
        else return std::fprintf(stderr, "interleave compare: one scenario at a time\n"), kUsage;
    }
    if (source.empty()) return std::fprintf(stderr, "interleave compare: which scenario?\n"), kUsage;
    scenario::Scenario s;
    if (!LoadScenario(source, s)) return kBadInput;
    models::Comparison c = models::Compare(s);
    if (c.recommended < 0) {
        std::fprintf(stderr, "interleave compare: %s\n", c.reason.c_str());
        return kSimulationFailed;
    }
    if (json) {
        std::printf("{\"recommended\":\"%s\",\"reason\":\"%s\",\"models\":[", std::string(scenario::ModelKindName(c.models[c.recommended].kind)).c_str(), c.reason.c_str());
        for (size_t i = 0; i < c.models.size(); ++i) {
            const trace::Metrics& m = c.results[i].trace.metrics;
            std::printf("%s{\"model\":\"%s\",\"label\":\"%s\",\"ok\":%s,\"makespan_ns\":%lld,\"speedup\":%.4f,\"cpu_utilisation\":%.4f,\"gil_wait_ns\":%lld,\"overhead_ns\":%lld}",
                        i ? "," : "", std::string(scenario::ModelKindName(c.models[i].kind)).c_str(), c.results[i].trace.label.c_str(),
                        c.results[i].ok ? "true" : "false", static_cast<long long>(m.makespan), m.speedup, m.cpuUtilisation,
                        static_cast<long long>(m.gilWait), static_cast<long long>(m.processStart + m.pickling + m.unpickling + m.threadStart + m.loopOverhead));
        }
        std::printf("]}\n");
        return kOk;
    }
    std::printf("%-44s %12s %9s %8s %14s %14s\n", "model", "makespan", "speedup", "CPU", "GIL wait", "overhead");
    for (size_t i = 0; i < c.models.size(); ++i) {
        const trace::Metrics& m = c.results[i].trace.metrics;
        std::string label = c.results[i].trace.label + (static_cast<int>(i) == c.recommended ? "  <- recommended" : "") +
                            (c.models[i].kind == scenario::ModelKind::FreeThreaded ? " (what-if)" : "");
        if (!c.results[i].ok) {
            std::printf("%-44s failed: %s\n", label.c_str(), c.results[i].error.c_str());
            continue;
        }
        std::printf("%-44s %12s %9s %8s %14s %14s\n", label.c_str(), scenario::FormatDuration(m.makespan).c_str(), Ratio(m.speedup).c_str(),
                    Percent(m.cpuUtilisation).c_str(), scenario::FormatDuration(m.gilWait).c_str(),
                    scenario::FormatDuration(m.processStart + m.pickling + m.unpickling + m.threadStart + m.loopOverhead).c_str());
    }
    std::printf("\nrecommended: %s\n", c.reason.c_str());
    return kOk;
}

}  // namespace

bool IsCommand(int argc, char** argv) {
    if (argc < 2) return false;
    std::string first = argv[1];
    return first == "sim" || first == "compare" || first == "presets" || first == "--help" || first == "-h" || first == "help";
}

int Main(int argc, char** argv) {
    if (argc < 2) return std::fputs(kHelp, stderr), kUsage;
    std::string command = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") return std::fputs(kHelp, stdout), kOk;
    if (command == "sim") return Sim(args);
    if (command == "compare") return CompareCommand(args);
    if (command == "presets") {
        for (const scenario::PresetFile& preset : scenario::Presets()) std::printf("%s\n", std::string(preset.id).c_str());
        return kOk;
    }
    std::fprintf(stderr, "interleave: unknown command '%s' (see interleave --help)\n", command.c_str());
    return kUsage;
}

}  // namespace interleave::cli
