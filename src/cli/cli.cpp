// The native command line. Exit codes (docs/cli.md, cli/cli_io.h):
//   0 success, 1 the simulation failed (event limit, deadlock), 2 usage error, 3 unreadable or invalid
//   input (scenario, profile or trace file), 4 an output file could not be written.
#include "cli/cli.h"

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/cli_io.h"
#include "models/simulate.h"
#include "models/variation/variation.h"
#include "scenario/model_info.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"
#include "trace/trace_json.h"
#include "trace/trace_perfetto.h"

namespace interleave::cli {

namespace {

// `sim`'s options, printed by the overview and by `sim --help` alike: one table.
struct OptionLine {
    const char* flag;
    std::string help;
};

const std::vector<OptionLine>& SimOptions() {
    static const std::vector<OptionLine> options = {
        {"--model KIND", "override the model: " + std::string(scenario::ModelIdList())},
        {"--workers N", "override the number of workers"},
        {"--out FILE", "write the trace (Interleave JSON)"},
        {"--chrome FILE", "write the trace as Chrome Trace Event JSON (opens in Perfetto)"},
        {"--perfetto FILE", "write the trace as a Perfetto protobuf trace (tracks, flows from each drop request to "
                            "its hand-off, a cores-busy counter; ui.perfetto.dev)"},
        {"--json", "print the metrics as JSON"},
        {"--profile FILE", "take the machine profile from FILE (interleave calibrate writes one)"},
        {"--svg FILE", "draw the timeline as an SVG picture (docs/pictures.md)"},
        {"--png FILE", "draw the timeline as a PNG picture"},
        {"--size WxH", "the picture's size in pixels, 64 to 8192 a side (default: 1280 wide, as tall as the lanes "
                       "need)"},
        {"--range A..B", "the time range drawn, e.g. 10ms..250ms (B left out: to the end; default: the whole run)"},
        {"--lanes LIST", "the lanes drawn: comma-separated lane names or name prefixes, e.g. 'Core,GIL,Thread-1'"},
        {"--collapse LIST", "the lane groups drawn folded into one row each, as the playground folds them: their "
                            "names or name prefixes, e.g. 'MainProcess,ForkProcess'"},
        {"--theme T", "the picture's theme: dark (default) or light"},
        {"--no-arrows", "leave the causality arrows (drop requests, hand-offs, lock wakes, resumes) out of the picture"},
        {"--step N", "the scenario's story step N (1 for the first): its model switch, and for a picture its range and "
                     "lanes, as the playground shows the step (--model, --workers, --range and --lanes still win)"},
        {"--seed N", "one of the runs CPython could give: the OS's wake-up latencies and timer slack drawn from "
                     "seed N (default: the scenario's machine.seed; 0: the deterministic run)"},
        {"--time-limit S", "stop the simulation after S seconds of wall-clock time, with an error (default 60; "
                           "0: no limit). Events (200 million) and trace memory (256 MiB) are always bounded."},
    };
    return options;
}

// The options as "  --flag   help", the help wrapped at 100 columns under itself.
std::string FormatOptions(const std::vector<OptionLine>& options, size_t indent) {
    constexpr size_t kFlagWidth = 18, kWidth = 100;
    std::string out;
    for (const OptionLine& option : options) {
        std::string line = std::string(indent, ' ') + option.flag;
        line.resize(std::max(line.size() + 1, indent + kFlagWidth), ' ');
        const size_t column = line.size();
        size_t at = 0;
        while (at < option.help.size()) {
            size_t take = option.help.size() - at;
            if (column + take > kWidth) {
                const size_t space = option.help.rfind(' ', at + (kWidth - column));
                take = space != std::string::npos && space > at ? space - at : kWidth - column;
            }
            line += option.help.substr(at, take);
            out += line + "\n";
            at += take;
            while (at < option.help.size() && option.help[at] == ' ') ++at;
            line.assign(column, ' ');
        }
    }
    return out;
}

const std::string& Help() {
    static const std::string text =
        "interleave: see, and measure, how Python runs concurrent work\n"
        "\n"
        "Usage:\n"
        "  interleave                          open the playground (native window)\n"
        "  interleave sim SCENARIO [options]   simulate and print the metrics\n" +
        FormatOptions(SimOptions(), 6) +
        "  interleave compare SCENARIO [--json] [--time-limit S]\n"
        "                        run every model and recommend one, with the reason\n"
        "  interleave vary SCENARIO [--runs N] [--seed S] [--json]\n"
        "                        run it under many seeds: the spread of makespan and latencies\n"
        "  interleave presets    list the built-in scenarios\n"
        "  interleave run|check|export-python|calibrate ...\n"
        "                        real runs (native build; interleave run --help, docs/real-runs.md)\n"
        "  interleave --help     this text (interleave COMMAND --help: one command's usage)\n"
        "\n"
        "SCENARIO is a JSON file (docs/scenario.md) or the name of a preset (interleave presets).\n"
        "Exit codes: 0 ok, 1 simulation failed, 2 usage error, 3 bad input, 4 cannot write output.\n";
    return text;
}

const std::string& SimUsage() {
    static const std::string text =
        "usage: interleave sim SCENARIO [--model KIND] [--workers N] [--out FILE] [--chrome FILE]\n"
        "                      [--perfetto FILE] [--json] [--profile FILE] [--time-limit S]\n"
        "                      [--svg FILE] [--png FILE] [--size WxH] [--range A..B] [--lanes LIST] [--collapse LIST]\n"
        "                      [--theme T]\n"
        "                      [--no-arrows] [--step N]\n"
        "Simulates SCENARIO (a JSON file or a preset name) and prints the metrics.\n" +
        FormatOptions(SimOptions(), 2) +
        "Exit codes: 0 ok, 1 simulation failed, 2 usage error, 3 bad input, 4 cannot write output.\n";
    return text;
}

const char* kCompareUsage =
    "usage: interleave compare SCENARIO [--json] [--time-limit S] [--python LIST]\n"
    "Runs every model on SCENARIO (a JSON file or a preset name) and recommends one, with the reason.\n"
    "  --json            print the comparison as JSON\n"
    "  --python LIST     instead, run the scenario's own model on each Python release in LIST, side by side\n"
    "                    (comma-separated, e.g. 3.14,3.14t,3.15)\n"
    "  --time-limit S    stop each model's simulation after S seconds (default 60; 0: no limit)\n"
    "Exit codes: 0 ok, 1 simulation failed, 2 usage error, 3 bad input.\n";

const char* kVaryUsage =
    "usage: interleave vary SCENARIO [--runs N] [--seed S] [--json] [--time-limit S]\n"
    "Runs SCENARIO (a JSON file or a preset name) once per seed, the OS's wake-up latencies and timer slack drawn\n"
    "from each (machine.seed: one of the many runs CPython could give), and prints the spread: makespan and task\n"
    "latencies (p10, median, p90, min, max), and the seeds of a typical run and of an unlucky one\n"
    "(interleave sim SCENARIO --seed S draws it). The runs go to this machine's cores in parallel.\n"
    "  --runs N          how many runs (default 32, at most 1000)\n"
    "  --seed S          the first run's seed; the others follow it (default 1)\n"
    "  --json            print the spread and every run as JSON\n"
    "  --time-limit S    stop each run after S seconds (default 60; 0: no limit)\n"
    "Exit codes: 0 ok, 1 simulation failed, 2 usage error, 3 bad input.\n";

const char* kPresetsUsage =
    "usage: interleave presets\n"
    "Lists the built-in scenarios, one id a line.\n";

// Prints "interleave <command>: <message>" on err and returns `code`.
int Fail(std::FILE* err, const char* command, const std::string& message, int code) {
    std::fprintf(err, "interleave %s: %s\n", command, message.c_str());
    return code;
}

// Success, unless what was printed on `out` did not arrive.
int Finish(std::FILE* out, std::FILE* err, const char* command) {
    std::string error;
    if (!FinishOutput(out, error)) return Fail(err, command, error, kExitWriteFailed);
    return kExitOk;
}

std::string Percent(double ratio) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f%%", ratio * 100.0);
    return buffer;
}


void PrintMetricsTable(std::FILE* out, const trace::Trace& t) {
    const trace::Metrics& m = t.metrics;
    auto row = [out](const char* name, const std::string& value) {
        std::fprintf(out, "  %-26s %s\n", name, value.c_str());
    };
    std::fprintf(out, "%s\n", t.label.c_str());
    row("makespan", scenario::FormatDuration(m.makespan));
    // No baseline: the sequential run did not finish (a pipeline deadlocks when its tasks run one after another).
    const bool baseline = m.sequentialMakespan > 0;
    row("sequential makespan", baseline ? scenario::FormatDuration(m.sequentialMakespan) : "n/a (did not finish)");
    row("speedup vs sequential", baseline ? scenario::FormatRatio(m.speedup) : "n/a");
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
    row("tasks done/failed/cancelled",
        std::to_string(m.tasksDone) + "/" + std::to_string(m.tasksFailed) + "/" + std::to_string(m.tasksCancelled));
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

// The overheads a comparison shows, summed without overflowing.
trace::TimeNs Overhead(const trace::Metrics& m) {
    trace::TimeNs sum = 0;
    for (trace::TimeNs part : {m.processStart, m.pickling, m.unpickling, m.threadStart, m.loopOverhead})
        sum = trace::SaturatingAdd(sum, part);
    return sum;
}

// A few hundred bytes of scenario can ask for billions of events: every simulation the command line runs
// stops after this long unless told otherwise (--time-limit 0).
constexpr double kDefaultTimeLimitSeconds = 60;

// "--time-limit S": seconds >= 0 (0: none), at most a week.
bool ParseTimeLimit(const std::string& text, double& seconds, std::string& error) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || errno != 0 || !end || *end || !(value >= 0) || value > 604800) {
        error = "--time-limit must be a number of seconds from 0 (no limit) to 604800, got '" + text + "'";
        return false;
    }
    seconds = value;
    return true;
}

PictureRenderers& Renderers() {
    static PictureRenderers renderers;
    return renderers;
}

int Sim(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    std::string source, model, outPath, chromePath, perfettoPath, profilePath, workersText, timeLimitText, error;
    std::string svgPath, pngPath, sizeText, rangeText, lanesText, collapseText, themeText, seedText, stepText;
    bool json = false, noArrows = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (IsHelp(a)) return std::fputs(SimUsage().c_str(), out), Finish(out, err, "sim");
        std::string* target = a == "--model"     ? &model
                              : a == "--out"     ? &outPath
                              : a == "--chrome"  ? &chromePath
                              : a == "--perfetto" ? &perfettoPath
                              : a == "--profile" ? &profilePath
                              : a == "--workers" ? &workersText
                              : a == "--time-limit" ? &timeLimitText
                              : a == "--svg" ? &svgPath
                              : a == "--png" ? &pngPath
                              : a == "--size" ? &sizeText
                              : a == "--range" ? &rangeText
                              : a == "--lanes" ? &lanesText
                              : a == "--collapse" ? &collapseText
                              : a == "--theme" ? &themeText
                              : a == "--seed" ? &seedText
                              : a == "--step" ? &stepText
                                                 : nullptr;
        if (target) {
            if (!TakeValue(args, i, *target, error))
                return Fail(err, "sim", error + " (see interleave sim --help)", kExitUsage);
        } else if (a == "--json") {
            json = true;
        } else if (a == "--no-arrows") {
            noArrows = true;
        } else if (!a.empty() && a[0] == '-') {
            return Fail(err, "sim", "unknown option '" + a + "' (see interleave sim --help)", kExitUsage);
        } else if (a.empty()) {
            return Fail(err, "sim", "an empty SCENARIO argument (a JSON file or a preset name)", kExitUsage);
        } else if (source.empty()) {
            source = a;
        } else {
            return Fail(err, "sim", "one scenario at a time ('" + a + "' is extra)", kExitUsage);
        }
    }
    if (source.empty()) return Fail(err, "sim", "which scenario? (a JSON file or a preset name)", kExitUsage);
    int workers = -1;
    if (!workersText.empty()) {
        int64_t parsed = 0;
        if (!ParseBoundedInt(workersText, 1, scenario::Limits::kMaxWorkers, parsed))
            return Fail(err, "sim",
                        "--workers must be 1 to " + std::to_string(scenario::Limits::kMaxWorkers) + ", got '" +
                            workersText + "'",
                        kExitUsage);
        workers = static_cast<int>(parsed);
    }
    // The picture's options are checked before the simulation runs (which may take a while); lanes need the trace.
    PictureRequest picture;
    const bool wantPicture = !svgPath.empty() || !pngPath.empty();
    if (!wantPicture && (!sizeText.empty() || !rangeText.empty() || !lanesText.empty() || !collapseText.empty() ||
                         !themeText.empty() || noArrows))
        return Fail(err, "sim",
                    "--size, --range, --lanes, --collapse, --theme and --no-arrows shape a picture: add --svg FILE or "
                    "--png FILE",
                    kExitUsage);
    if (!sizeText.empty() && !ParsePictureSize(sizeText, picture.width, picture.height, error))
        return Fail(err, "sim", error, kExitUsage);
    if (!rangeText.empty() && !ParseRange(rangeText, picture.startNs, picture.endNs, error))
        return Fail(err, "sim", error, kExitUsage);
    if (!themeText.empty() && themeText != "dark" && themeText != "light")
        return Fail(err, "sim", std::string("--theme must be dark or light, got '").append(themeText).append("'"), kExitUsage);
    picture.light = themeText == "light";
    picture.arrows = !noArrows;
    if (wantPicture && ((!svgPath.empty() && !Renderers().svg) || (!pngPath.empty() && !Renderers().png)))
        return Fail(err, "sim", "this build cannot draw pictures (--svg, --png need the app's UI layer)", kExitUsage);
    scenario::ModelKind kind = scenario::ModelKind::Sequential;
    if (!model.empty() && !scenario::ParseModelKind(model, kind))
        return Fail(err, "sim", "unknown model '" + model + "' (see interleave sim --help)", kExitUsage);
    scenario::Scenario s;
    if (int code = LoadScenarioArgument(source, s, error); code != kExitOk) return Fail(err, "sim", error, code);
    // A story step: its switches first (the options below still override them), its range and lanes for the picture.
    const scenario::StoryStep* storyStep = nullptr;
    if (!stepText.empty()) {
        int64_t step = 0;
        if (!ParseBoundedInt(stepText, 1, int64_t(scenario::kMaxStorySteps), step))
            return Fail(err, "sim", "--step must be a story step from 1 to " + std::to_string(scenario::kMaxStorySteps) +
                                        ", got '" + stepText + "'", kExitUsage);
        if (size_t(step) > s.story.steps.size())
            return Fail(err, "sim",
                        source + " has " + (s.story.Empty() ? std::string("no story") :
                                            "a story of " + std::to_string(s.story.steps.size()) + " steps") +
                            ": there is no step " + stepText,
                        kExitUsage);
        storyStep = &s.story.steps[size_t(step - 1)];
        s.model = scenario::StoryStepModel(s.model, *storyStep);
        if (wantPicture && rangeText.empty() && storyStep->hasRange) {
            picture.startNs = storyStep->rangeStartNs;
            picture.endNs = storyStep->rangeEndNs;
        }
    }
    if (!model.empty()) s.model.kind = kind;
    if (workers > 0) s.model.workers = workers;
    if (!profilePath.empty())
        if (int code = ApplyProfileFile(profilePath, s.machine.profile, error); code != kExitOk)
            return Fail(err, "sim", error, code);
    if (!seedText.empty() && !ParseSeed(seedText, s.machine.seed, error)) return Fail(err, "sim", error, kExitUsage);
    models::SimulationOptions options;
    options.timeLimitSeconds = kDefaultTimeLimitSeconds;
    if (!timeLimitText.empty() && !ParseTimeLimit(timeLimitText, options.timeLimitSeconds, error))
        return Fail(err, "sim", error, kExitUsage);
    models::SimulationResult result = models::Simulate(s, options);
    if (!result.ok) return Fail(err, "sim", result.error, kExitFailed);
    if (!outPath.empty() && !WriteFileChecked(outPath, trace::ToJson(result.trace), error))
        return Fail(err, "sim", error, kExitWriteFailed);
    if (!perfettoPath.empty() && !WriteFileChecked(perfettoPath, trace::ToPerfetto(result.trace), error))
        return Fail(err, "sim", error, kExitWriteFailed);
    if (!chromePath.empty() && !WriteFileChecked(chromePath, trace::ToChromeJson(result.trace), error))
        return Fail(err, "sim", error, kExitWriteFailed);
    if (wantPicture) {
        if (!lanesText.empty() && !SelectLanes(result.trace, lanesText, picture.tracks, error))
            return Fail(err, "sim", error, kExitUsage);
        if (!collapseText.empty() && !SelectLanes(result.trace, collapseText, picture.collapsed, error, "--collapse"))
            return Fail(err, "sim", error, kExitUsage);
        // A step's lanes are read as the playground reads them: an entry that names no lane of this run (a step
        // written for another model's lanes) is passed over, and if none names one every lane is drawn.
        if (lanesText.empty() && storyStep) {
            for (const std::string& entry : storyStep->lanes) {
                std::vector<trace::TrackId> named;
                std::string ignored;
                if (!SelectLanes(result.trace, std::vector<std::string>{entry}, named, ignored)) continue;
                picture.tracks.insert(picture.tracks.end(), named.begin(), named.end());
            }
            std::sort(picture.tracks.begin(), picture.tracks.end());
            picture.tracks.erase(std::unique(picture.tracks.begin(), picture.tracks.end()), picture.tracks.end());
        }
        if (picture.endNs > picture.startNs && picture.startNs >= result.trace.EndTime())
            return Fail(err, "sim",
                        std::string("--range starts at ")
                            .append(scenario::FormatDuration(picture.startNs))
                            .append(", after the run ends (")
                            .append(scenario::FormatDuration(result.trace.EndTime()))
                            .append(")"),
                        kExitUsage);
        if (picture.endNs < 0) picture.endNs = std::max(result.trace.EndTime(), picture.startNs + 1);
        if (!svgPath.empty() && !WriteFileChecked(svgPath, Renderers().svg(result.trace, picture), error))
            return Fail(err, "sim", error, kExitWriteFailed);
        if (!pngPath.empty()) {
            std::string png;
            if (!Renderers().png(result.trace, picture, png, error)) return Fail(err, "sim", error, kExitUsage);
            if (!WriteFileChecked(pngPath, png, error)) return Fail(err, "sim", error, kExitWriteFailed);
        }
    }
    if (json)
        std::fprintf(out, "%s\n", MetricsJson(result.trace).c_str());
    else
        PrintMetricsTable(out, result.trace);
    return Finish(out, err, "sim");
}

// The width of compare's model column: 44 characters, or the longest label's, so that a long label ("... on 3.13t
// (what-if)", "process_asyncio (10000 x forkserver) on 3.15t") keeps the columns after it in line.
int LabelColumnWidth(const std::vector<std::string>& labels) {
    size_t width = 44;
    for (const std::string& label : labels) width = std::max(width, label.size());
    return static_cast<int>(std::min<size_t>(width, 4096));
}

// compare --python 3.14,3.14t: the scenario's own model on each release.
int CompareReleases(const scenario::Scenario& s, const std::string& list, const models::SimulationOptions& options, bool json,
                    std::FILE* out, std::FILE* err) {
    std::vector<scenario::PythonVersion> versions;
    for (size_t start = 0; start <= list.size();) {
        const size_t comma = std::min(list.find(',', start), list.size());
        const std::string item = list.substr(start, comma - start);
        scenario::PythonVersion version;
        if (!scenario::ParsePythonVersion(item, version))
            return Fail(err, "compare", "--python: '" + item + "' is not a release (one of " +
                                            std::string(scenario::PythonIdList()) + ")", kExitUsage);
        if (versions.size() >= scenario::Pythons().size())
            return Fail(err, "compare", "--python: at most " + std::to_string(scenario::Pythons().size()) + " releases", kExitUsage);
        versions.push_back(version);
        start = comma + 1;
    }
    // Every release is simulated before the table is printed: its model column is as wide as the longest label.
    struct Row {
        std::string name, why;
        models::SimulationResult result;
    };
    std::vector<Row> results;
    bool anyFailed = false;
    for (const scenario::PythonVersion version : versions) {
        const scenario::Scenario on = scenario::OnRelease(s, version);
        Row row{scenario::PythonVersionName(version), scenario::MissingFromRelease(on), {}};
        if (row.why.empty()) {
            row.result = models::Simulate(on, options);
            if (!row.result.ok) row.why = row.result.error;
        }
        anyFailed = anyFailed || !row.why.empty();
        results.push_back(std::move(row));
    }
    std::vector<std::string> labels;
    for (const Row& r : results) labels.push_back(r.result.trace.label);
    const int width = LabelColumnWidth(labels);
    nlohmann::json rows = nlohmann::json::array();
    if (!json) std::fprintf(out, "%-8s %-*s %12s %9s %14s\n", "python", width, "model", "makespan", "speedup", "GIL wait");
    for (const Row& r : results) {
        const std::string& name = r.name;
        const std::string& why = r.why;
        const models::SimulationResult& result = r.result;
        const trace::Metrics& m = result.trace.metrics;
        if (json) {
            nlohmann::json row = {{"python", name}, {"ok", why.empty()}};
            if (why.empty()) {
                row["label"] = result.trace.label;
                row["makespan_ns"] = m.makespan;
                row["speedup"] = std::isfinite(m.speedup) ? m.speedup : 0.0;
                row["gil_wait_ns"] = m.gilWait;
            } else {
                row["error"] = why;
            }
            rows.push_back(row);
        } else if (!why.empty()) {
            std::fprintf(out, "%-8s failed: %s\n", name.c_str(), why.c_str());
        } else {
            const std::string speedup = scenario::FormatRatio(m.speedup);
            std::fprintf(out, "%-8s %-*s %12s %9s %14s\n", name.c_str(), width, result.trace.label.c_str(),
                         scenario::FormatDuration(m.makespan).c_str(), speedup.c_str(), scenario::FormatDuration(m.gilWait).c_str());
        }
    }
    if (json) std::fprintf(out, "%s\n", nlohmann::json{{"releases", rows}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    const int code = Finish(out, err, "compare");
    return code != kExitOk ? code : anyFailed ? kExitFailed : kExitOk;
}

int VaryCommand(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    std::string source, runsText, seedText, timeLimitText, error;
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (IsHelp(a)) return std::fputs(kVaryUsage, out), Finish(out, err, "vary");
        std::string* target = a == "--runs" ? &runsText : a == "--seed" ? &seedText : a == "--time-limit" ? &timeLimitText : nullptr;
        if (target) {
            if (!TakeValue(args, i, *target, error)) return Fail(err, "vary", error + " (see interleave vary --help)", kExitUsage);
        } else if (a == "--json") {
            json = true;
        } else if (!a.empty() && a[0] == '-') {
            return Fail(err, "vary", "unknown option '" + a + "' (see interleave vary --help)", kExitUsage);
        } else if (a.empty()) {
            return Fail(err, "vary", "an empty SCENARIO argument (a JSON file or a preset name)", kExitUsage);
        } else if (source.empty()) {
            source = a;
        } else {
            return Fail(err, "vary", "one scenario at a time ('" + a + "' is extra)", kExitUsage);
        }
    }
    if (source.empty()) return Fail(err, "vary", "which scenario? (a JSON file or a preset name)", kExitUsage);
    models::VariationOptions options;
    if (!runsText.empty()) {
        int64_t parsed = 0;
        if (!ParseBoundedInt(runsText, 1, 1000, parsed))
            return Fail(err, "vary", "--runs must be 1 to 1000, got '" + runsText + "'", kExitUsage);
        options.runs = static_cast<int32_t>(parsed);
    }
    if (!seedText.empty()) {
        if (!ParseSeed(seedText, options.firstSeed, error)) return Fail(err, "vary", error, kExitUsage);
        if (options.firstSeed == 0) return Fail(err, "vary", "--seed must be at least 1 (seed 0 is the deterministic run)", kExitUsage);
        if (options.firstSeed + static_cast<uint64_t>(options.runs) - 1 > static_cast<uint64_t>(scenario::Limits::kMaxSeed))
            return Fail(err, "vary", "--seed plus --runs passes the largest seed, " + std::to_string(scenario::Limits::kMaxSeed), kExitUsage);
    }
    scenario::Scenario s;
    if (int code = LoadScenarioArgument(source, s, error); code != kExitOk) return Fail(err, "vary", error, code);
    options.simulation.timeLimitSeconds = kDefaultTimeLimitSeconds;
    if (!timeLimitText.empty() && !ParseTimeLimit(timeLimitText, options.simulation.timeLimitSeconds, error))
        return Fail(err, "vary", error, kExitUsage);
    options.parallel = static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
    const models::VariationResult v = models::RunVariation(s, options);
    if (!v.ok) return Fail(err, "vary", v.error, kExitFailed);
    auto spread = [](const models::Spread& x) {
        return nlohmann::json{{"p10_ns", x.p10}, {"p50_ns", x.p50}, {"p90_ns", x.p90}, {"min_ns", x.min}, {"max_ns", x.max}};
    };
    if (json) {
        nlohmann::json runs = nlohmann::json::array();
        for (const models::RunSummary& r : v.runs)
            runs.push_back({{"seed", r.seed}, {"makespan_ns", r.makespan}, {"latency_p50_ns", r.latencyP50},
                            {"latency_p90_ns", r.latencyP90}, {"gil_wait_ns", r.gilWait}, {"gil_switches", r.gilSwitches}});
        const nlohmann::json doc = {{"runs", runs}, {"makespan", spread(v.makespan)}, {"latency_p50", spread(v.latencyP50)},
                                    {"latency_p90", spread(v.latencyP90)}, {"gil_wait", spread(v.gilWait)},
                                    {"typical_seed", v.typicalSeed}, {"unlucky_seed", v.unluckySeed}};
        std::fprintf(out, "%s\n", doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return Finish(out, err, "vary");
    }
    auto row = [&](const char* what, const models::Spread& x) {
        std::fprintf(out, "%-22s %12s %12s %12s %12s %12s\n", what, scenario::FormatDuration(x.p10).c_str(),
                     scenario::FormatDuration(x.p50).c_str(), scenario::FormatDuration(x.p90).c_str(),
                     scenario::FormatDuration(x.min).c_str(), scenario::FormatDuration(x.max).c_str());
    };
    std::fprintf(out, "%zu runs, seeds %llu to %llu\n", v.runs.size(), static_cast<unsigned long long>(v.runs.front().seed),
                 static_cast<unsigned long long>(v.runs.back().seed));
    std::fprintf(out, "%-22s %12s %12s %12s %12s %12s\n", "", "p10", "median", "p90", "min", "max");
    row("makespan", v.makespan);
    row("task latency, median", v.latencyP50);
    row("task latency, p90", v.latencyP90);
    row("GIL wait", v.gilWait);
    std::fprintf(out, "typical run: --seed %llu; unlucky run: --seed %llu\n", static_cast<unsigned long long>(v.typicalSeed),
                 static_cast<unsigned long long>(v.unluckySeed));
    return Finish(out, err, "vary");
}

int CompareCommand(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    std::string source, timeLimitText, valueError, pythonList;
    bool json = false, pythonGiven = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (IsHelp(a)) return std::fputs(kCompareUsage, out), Finish(out, err, "compare");
        if (a == "--json")
            json = true;
        else if (a == "--python") {
            if (!TakeValue(args, i, pythonList, valueError))
                return Fail(err, "compare", valueError + " (see interleave compare --help)", kExitUsage);
            pythonGiven = true;
        }
        else if (a == "--time-limit") {
            if (!TakeValue(args, i, timeLimitText, valueError))
                return Fail(err, "compare", valueError + " (see interleave compare --help)", kExitUsage);
        }
        else if (!a.empty() && a[0] == '-')
            return Fail(err, "compare", "unknown option '" + a + "' (see interleave compare --help)", kExitUsage);
        else if (a.empty())
            return Fail(err, "compare", "an empty SCENARIO argument (a JSON file or a preset name)", kExitUsage);
        else if (source.empty())
            source = a;
        else
            return Fail(err, "compare", "one scenario at a time ('" + a + "' is extra)", kExitUsage);
    }
    if (source.empty()) return Fail(err, "compare", "which scenario? (a JSON file or a preset name)", kExitUsage);
    scenario::Scenario s;
    std::string error;
    if (int code = LoadScenarioArgument(source, s, error); code != kExitOk) return Fail(err, "compare", error, code);
    models::SimulationOptions options;
    options.timeLimitSeconds = kDefaultTimeLimitSeconds;
    if (!timeLimitText.empty() && !ParseTimeLimit(timeLimitText, options.timeLimitSeconds, error))
        return Fail(err, "compare", error, kExitUsage);
    if (pythonGiven) return CompareReleases(s, pythonList, options, json, out, err);
    models::Comparison c = models::Compare(s, options);
    if (c.recommended < 0) return Fail(err, "compare", c.reason, kExitFailed);
    if (json) {
        // Labels carry the scenario's name: quoted by the JSON writer, not pasted into a format string.
        nlohmann::json models = nlohmann::json::array();
        for (size_t i = 0; i < c.models.size(); ++i) {
            const trace::Metrics& m = c.results[i].trace.metrics;
            models.push_back({{"model", scenario::ModelKindName(c.models[i].kind)},
                              {"label", c.results[i].trace.label},
                              {"ok", c.results[i].ok},
                              {"makespan_ns", m.makespan},
                              {"speedup", std::isfinite(m.speedup) ? m.speedup : 0.0},
                              {"cpu_utilisation", std::isfinite(m.cpuUtilisation) ? m.cpuUtilisation : 0.0},
                              {"gil_wait_ns", m.gilWait},
                              {"overhead_ns", Overhead(m)}});
        }
        const nlohmann::json doc = {{"recommended", scenario::ModelKindName(c.models[c.recommended].kind)},
                                    {"reason", c.reason},
                                    {"models", models}};
        std::fprintf(out, "%s\n", doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        return Finish(out, err, "compare");
    }
    std::vector<std::string> labels;
    for (size_t i = 0; i < c.models.size(); ++i)
        labels.push_back(c.results[i].trace.label + (static_cast<int>(i) == c.recommended ? "  <- recommended" : "") +
                         (!models::Recommendable(s, c.models[i].kind) ? " (what-if)" : ""));
    const int width = LabelColumnWidth(labels);
    std::fprintf(out, "%-*s %12s %9s %8s %14s %14s\n", width, "model", "makespan", "speedup", "CPU", "GIL wait",
                 "overhead");
    for (size_t i = 0; i < c.models.size(); ++i) {
        const trace::Metrics& m = c.results[i].trace.metrics;
        if (!c.results[i].ok) {
            std::fprintf(out, "%-*s failed: %s\n", width, labels[i].c_str(), c.results[i].error.c_str());
            continue;
        }
        std::fprintf(out, "%-*s %12s %9s %8s %14s %14s\n", width, labels[i].c_str(),
                     scenario::FormatDuration(m.makespan).c_str(), scenario::FormatRatio(m.speedup).c_str(),
                     Percent(m.cpuUtilisation).c_str(), scenario::FormatDuration(m.gilWait).c_str(),
                     scenario::FormatDuration(Overhead(m)).c_str());
    }
    std::fprintf(out, "\nrecommended: %s\n", c.reason.c_str());
    return Finish(out, err, "compare");
}

int PresetsCommand(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    for (const std::string& a : args) {
        if (IsHelp(a)) return std::fputs(kPresetsUsage, out), Finish(out, err, "presets");
        return Fail(err, "presets", "takes no arguments ('" + a + "' is extra)", kExitUsage);
    }
    for (const scenario::PresetFile& preset : scenario::Presets())
        std::fprintf(out, "%s\n", std::string(preset.id).c_str());
    return Finish(out, err, "presets");
}

}  // namespace

void SetPictureRenderers(PictureRenderers renderers) { Renderers() = std::move(renderers); }

bool SelectLanes(const trace::Trace& trace,
                 const std::string& spec,
                 std::vector<trace::TrackId>& tracks,
                 std::string& error,
                 std::string_view option) {
    std::vector<std::string> entries;
    size_t at = 0;
    for (;;) {
        const size_t comma = std::min(spec.find(',', at), spec.size());
        entries.push_back(spec.substr(at, comma - at));
        if (comma >= spec.size()) break;
        at = comma + 1;
    }
    return SelectLanes(trace, entries, tracks, error, option);
}

bool SelectLanes(const trace::Trace& trace,
                 const std::vector<std::string>& entries,
                 std::vector<trace::TrackId>& tracks,
                 std::string& error,
                 std::string_view option) {
    std::vector<bool> chosen(trace.tracks.size(), false);
    for (const std::string& entry : entries) {
        if (entry.empty()) {
            error = std::string(option).append(" has an empty entry (lane names or name prefixes, separated by commas)");
            return false;
        }
        bool exact = false;
        for (const trace::Track& track : trace.tracks) exact |= track.name == entry;
        bool any = false;
        for (size_t t = 0; t < trace.tracks.size(); ++t) {
            const std::string& name = trace.tracks[t].name;
            if (exact ? name == entry : name.rfind(entry, 0) == 0) chosen[t] = any = true;
        }
        if (!any) {
            // Name the lanes there are (a few: a run can have thousands), quoted through the same bound as values.
            std::string known;
            for (size_t t = 0; t < trace.tracks.size() && t < 12; ++t)
                known.append(t ? ", " : "").append("'").append(trace.tracks[t].name.substr(0, 40)).append("'");
            if (trace.tracks.size() > 12) known += ", ...";
            error = std::string(option)
                        .append(": no lane is named or starts with '")
                        .append(entry.substr(0, 80))
                        .append("' (lanes: ")
                        .append(known)
                        .append(")");
            return false;
        }
    }
    tracks.clear();
    for (size_t t = 0; t < chosen.size(); ++t)
        if (chosen[t]) tracks.push_back(trace::TrackId(int32_t(t)));
    return true;
}

bool ParseRange(const std::string& text, int64_t& startNs, int64_t& endNs, std::string& error) {
    const size_t dots = text.find("..");
    const auto bad = [&](const std::string& why) {
        error = std::string("--range must be START..END with durations like 10ms..250ms (END may be left out), got '")
                    .append(text.substr(0, 80))
                    .append("'");
        if (!why.empty()) error.append(": ").append(why);
        return false;
    };
    if (dots == std::string::npos) return bad("no '..'");
    const std::string a = text.substr(0, dots), b = text.substr(dots + 2);
    scenario::TimeNs start = 0, end = -1;
    if (a.empty() || !scenario::ParseDuration(a, start)) return bad("START is not a duration");
    if (!b.empty() && !scenario::ParseDuration(b, end)) return bad("END is not a duration");
    if (start < 0 || (!b.empty() && end <= start)) return bad("END must come after START");
    startNs = start;
    endNs = b.empty() ? -1 : end;
    return true;
}

bool ParsePictureSize(const std::string& text, int& width, int& height, std::string& error) {
    const size_t x = text.find('x');
    const auto side = [](const std::string& s, int& v) {
        int64_t parsed = 0;
        if (!ParseBoundedInt(s, kMinPictureSide, kMaxPictureSide, parsed)) return false;
        v = static_cast<int>(parsed);
        return true;
    };
    int w = 0, h = 0;
    if (x == std::string::npos || !side(text.substr(0, x), w) || !side(text.substr(x + 1), h)) {
        error = std::string("--size must be WIDTHxHEIGHT in pixels, ")
                    .append(std::to_string(kMinPictureSide))
                    .append(" to ")
                    .append(std::to_string(kMaxPictureSide))
                    .append(" a side (e.g. 1280x800), got '")
                    .append(text.substr(0, 80))
                    .append("'");
        return false;
    }
    width = w;
    height = h;
    return true;
}

// The commands Run answers, beside help: the app hands exactly these to the command line.
constexpr std::string_view kCommands[] = {"sim", "compare", "vary", "presets", "--help", "-h", "help"};

bool IsCommand(int argc, char** argv) {
    if (argc < 2) return false;
    const std::string_view first = argv[1];
    return std::find(std::begin(kCommands), std::end(kCommands), first) != std::end(kCommands);
}

int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    if (args.empty()) return std::fputs(Help().c_str(), err), kExitUsage;
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(Help().c_str(), out);
        std::string error;
        if (!FinishOutput(out, error)) return std::fprintf(err, "interleave: %s\n", error.c_str()), kExitWriteFailed;
        return kExitOk;
    }
    if (command == "sim") return Sim(rest, out, err);
    if (command == "compare") return CompareCommand(rest, out, err);
    if (command == "vary") return VaryCommand(rest, out, err);
    if (command == "presets") return PresetsCommand(rest, out, err);
    std::fprintf(err, "interleave: unknown command '%s' (see interleave --help)\n", command.c_str());
    return kExitUsage;
}

int Main(int argc, char** argv) {
    return Run(std::vector<std::string>(argv + 1, argv + argc), stdout, stderr);
}

}  // namespace interleave::cli
