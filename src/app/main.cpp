// Interleave's entry point. `interleave <command> ...` runs the command line (src/cli);
// anything else opens the playground through the platform layer, which owns the main loop and calls
// Frame() once a frame (a loop natively, emscripten_set_main_loop in the browser).
#include <cstdio>
#include <string>

#include "app/real_runs.h"
#include "cli/cli.h"
#include "cli/cli_io.h"
#include "platform/platform.h"
#include "ui/fonts.h"
#include "ui/playground.h"

int main(int argc, char** argv) {
#ifndef __EMSCRIPTEN__
    // The command line exists natively only: the page passes main() nothing but the playground's own options
    // (web/loader.js), and leaving the commands out of the wasm takes 54 KB gzipped off the page (615 -> 561 KB).
    if (interleave::app::IsRealRunCommand(argc, argv)) return interleave::app::RealRunMain(argc, argv);
    if (interleave::cli::IsCommand(argc, argv)) return interleave::cli::Main(argc, argv);
#endif

    interleave::platform::Options options;
    std::string error;
    if (!interleave::platform::ParseOptions(argc, argv, options, error)) {
        if (error.empty()) return 0;  // --help
        std::fprintf(stderr, "interleave: %s\n", error.c_str());
        return 2;
    }
    interleave::ui::PlaygroundSettings settings;
    settings.embed = options.embed;
    settings.initialPreset = options.preset;
    // A scenario file opens in the preset's place; the preset is loaded below only if the file is refused.
    settings.loadPresetOnStart = options.scenarioFile.empty();
    settings.makeLink = interleave::platform::MakeShareLink;
    settings.copyToClipboard = interleave::platform::CopyToClipboard;
    settings.saveFile = interleave::platform::SaveFile;
    settings.runForReal = interleave::app::RealRunCallback();
    settings.pickTraceFiles = interleave::platform::TraceFilePicker();
    settings.contentScale = interleave::platform::ContentScale(options);  // --scale, else the display's
    // Static: on the web the main loop outlives main().
    static interleave::ui::Playground playground(settings);
    using interleave::ui::Tab;
    if (options.view == "compare") playground.SetTab(Tab::Compare);
    if (options.view == "scaling") playground.SetTab(Tab::Scaling);
    if (options.view == "help") playground.SetHelpVisible(true);
    if (options.theme == "light") playground.SetTheme(interleave::ui::Theme::Light);
    interleave::platform::App app;
    app.frame = [] { playground.Frame(); };
    app.testStateJson = [] { return playground.TestStateJson(); };
    app.viewStateJson = [] { return playground.ViewStateJson(); };
    app.applyViewState = [](const std::string& json) {
        std::string why;
        if (playground.ApplyViewStateJson(json, why)) return std::string();
        playground.ShowLinkError(why);
        return why;
    };
    app.showLinkError = [](const std::string& message) { playground.ShowLinkError(message); };
    app.busy = [] { return playground.Busy(); };
    app.touch = [](int64_t finger, float x, float y, interleave::ui::TouchPhase phase) {
        return playground.Touch(finger, x, y, phase);
    };
    // The platform cannot call the UI layer: it rebuilds the font atlas through this hook, between frames.
    app.prepareFonts = [] { return interleave::ui::PrepareFonts(); };
    // A trace file natively (a drop, --open-trace) is read here, within the playground's limit; the web's come read.
    app.openTraceFile = [](const std::string& path) {
        std::string text, why;
        if (interleave::cli::ReadFileLimited(path, interleave::ui::kMaxOpenedTraceBytes, "a trace", text, why) !=
            interleave::cli::ReadStatus::Ok) {
            playground.RefuseTrace(path, why);
            return;
        }
        playground.OpenTrace(path, std::move(text));
    };
    app.openTraceText = [](const std::string& name, std::string text) { playground.OpenTrace(name, std::move(text)); };
    app.refuseTrace = [](const std::string& name, const std::string& why) { playground.RefuseTrace(name, why); };
    app.refuseOversizedTrace = [](const std::string& name, double bytes) {
        return playground.RefuseOversizedTrace(name, bytes);
    };
    for (const std::string& path : options.openTraces) app.openTraceFile(path);
    if (!options.scenarioFile.empty()) {
        std::string text, why;
        const bool read = interleave::cli::ReadFileLimited(options.scenarioFile, interleave::cli::kMaxScenarioFileBytes,
                                                           "a scenario", text, why) == interleave::cli::ReadStatus::Ok;
        if (!read) playground.RefuseScenarioFile(options.scenarioFile, why);
        if (!read || !playground.OpenScenarioFile(options.scenarioFile, text, why)) {
            std::fprintf(stderr, "interleave: %s: %s\n", options.scenarioFile.c_str(), why.c_str());
            playground.LoadStartPreset();  // the banner says why the file is not what is shown
        }
    }
    return interleave::platform::Run(options, app);
}
