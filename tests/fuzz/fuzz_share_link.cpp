// Fuzzes the share-link path (scripts/fuzz.sh share_link): what a link's fragment does to the playground.
// An input is either
//   - a fragment without its '#' ("v1.<base64url(deflate-raw(view state JSON))>"), decoded as web/loader.js
//     decodes it (size bounds, version, base64url, raw inflate, UTF-8, a JSON object) when the build has zlib;
//   - or anything else: the text the page hands to interleave_apply_view_state (any string can get there).
// The view state is then applied to one headless ui::Playground (no worker thread, no preset), and a few frames
// are drawn (headless ImGui, no GPU). Properties, each aborting when violated:
//   - Playground::ApplyViewStateJson never crashes; when it refuses, it says why and the view is unchanged;
//   - an accepted view round-trips: ViewStateJson() applied again is accepted and gives the same ViewStateJson();
//   - frames of any accepted view draw (ASan/UBSan watch them) and TestStateJson() is valid JSON.
// Simulation work is bounded: a view whose scenario does not finish within kMaxEvents events, or is large, is not
// applied (the app would simulate it with the 200M-event limit); Compare and Scaling views are drawn only when every
// model finishes the scenario within the bound, else the frames show the Timeline tab.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "models/simulate.h"
#include "scenario/scenario.h"
#include "ui/headless.h"
#include "ui/playground.h"
#include "ui/view_state.h"

#if INTERLEAVE_FUZZ_ZLIB
#include <zlib.h>
#endif

namespace {

using namespace interleave;

constexpr int64_t kMaxEvents = 20'000;
constexpr int64_t kMaxSteps = 5'000;  // tasks times unrolled steps
constexpr int64_t kMaxTasks = 500;
constexpr int kFrames = 2;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_share_link: property violated: %s\n%s\n", what, detail.substr(0, 4000).c_str());
    std::abort();
}

// ---- web/loader.js's decode(), in C++ ----------------------------------------------------------------------
constexpr int kFormat = 1;
constexpr size_t kMaxFragment = 64 * 1024;
constexpr size_t kMaxJson = 1024 * 1024;

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

// True when `text` looks like a fragment (the page's regex /^v(\d{1,6})\.([^]*)$/ decides what happens next).
bool LooksLikeFragment(std::string_view text) {
    return text.size() >= 2 && text[0] == 'v' && IsDigit(text[1]);
}

#if INTERLEAVE_FUZZ_ZLIB
int Base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// fromBase64Url: only [A-Za-z0-9_-]; atob's forgiving decode (a length of 1 mod 4 is an error; spare bits dropped).
bool FromBase64Url(std::string_view text, std::string& out) {
    if (text.size() % 4 == 1) return false;
    out.clear();
    uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
        const int v = Base64Value(c);
        if (v < 0) return false;
        bits = (bits << 6) | uint32_t(v);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(char((bits >> count) & 0xff));
        }
    }
    return true;
}

// DecompressionStream("deflate-raw") read up to kMaxJson bytes: the stream must end, with nothing after it.
bool InflateRaw(const std::string& packed, std::string& out) {
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK) return false;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    z.avail_in = static_cast<uInt>(packed.size());
    out.clear();
    char buffer[16384];
    int rc = Z_OK;
    bool ok = false;
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(buffer);
        z.avail_out = sizeof buffer;
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - z.avail_out);
        if (out.size() > kMaxJson) break;
        if (rc == Z_STREAM_END) {
            ok = z.avail_in == 0;
            break;
        }
        if (rc != Z_OK) break;                           // damaged
        if (z.avail_in == 0 && z.avail_out != 0) break;  // truncated
    }
    inflateEnd(&z);
    return ok;
}
#endif

// TextDecoder("utf-8", {fatal: true}).
bool ValidUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1, cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2, cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + size_t(n) >= s.size()) return false;
        for (int k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + size_t(k)]);
            if ((d & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3f);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        i += size_t(n) + 1;
    }
    return true;
}

// The deepest nesting of arrays and objects (outside strings): JSON.stringify and nlohmann's dump() recurse.
int NestingDepth(std::string_view s) {
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (char c : s) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

// Fragment -> the view-state JSON the page passes to interleave_apply_view_state, or false (the page's banner).
bool DecodeFragment(std::string_view fragment, std::string& json) {
    if (fragment.size() > kMaxFragment) return false;
    size_t digits = 1;
    while (digits < fragment.size() && IsDigit(fragment[digits]))
        ++digits;
    if (digits - 1 < 1 || digits - 1 > 6 || digits >= fragment.size() || fragment[digits] != '.') return false;
    const int version = std::atoi(std::string(fragment.substr(1, digits - 1)).c_str());
    if (version < 1 || version > kFormat) return false;
#if INTERLEAVE_FUZZ_ZLIB
    std::string packed, bytes;
    if (!FromBase64Url(fragment.substr(digits + 1), packed) || !InflateRaw(packed, bytes)) return false;
    std::string_view text = bytes;
    if (text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);  // TextDecoder drops a BOM
    if (!ValidUtf8(text) || NestingDepth(text) > 256) return false;
    const nlohmann::json state = nlohmann::json::parse(text, nullptr, false);
    if (state.is_discarded() || !state.is_object()) return false;
    json = state.dump();  // JSON.stringify
    return true;
#else
    (void)json;
    return false;
#endif
}

// ---- the playground ----------------------------------------------------------------------------------------

// A small scenario every input starts from, so that one input's effect does not depend on the ones before it.
constexpr std::string_view kBaseline =
    R"({"preset":"","scenario":{"name":"baseline","tasks":[{"name":"w","count":2,"steps":[{"cpu":"2ms"},{"io":"3ms"}]}],)"
    R"("model":{"kind":"threads"},"machine":{"cores":2}},"models":["sequential","threads"],"visible":[0,10000000],)"
    R"("selectedTask":-1,"theme":"dark","tab":"timeline","playback":{"playing":false,"time":-1,"speed":1}})";

ui::Playground& ThePlayground() {
    static ui::HeadlessContext* context = new ui::HeadlessContext();
    static ui::Playground* playground = [] {
        ui::PlaygroundSettings settings;
        settings.backgroundThreads = false;  // jobs run inline, in frames
        settings.loadPresetOnStart = false;
        return new ui::Playground(settings);
    }();
    (void)context;
    return *playground;
}

void Frames(ui::Playground& p, int n) {
    ui::HeadlessContext::SetDisplay(1280, 800);
    for (int i = 0; i < n; ++i)
        ui::HeadlessFrame([&] { p.Frame(); });
}

bool Finishes(const scenario::Scenario& s) {
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    options.maxEvents = kMaxEvents;
    return models::Simulate(s, options).ok;
}

bool Small(const scenario::Scenario& s) {
    if (s.TaskCount() > kMaxTasks) return false;
    int64_t steps = 0;
    for (const scenario::TaskGroup& g : s.groups) {
        const int64_t n = scenario::ExpandedStepCount(g.steps);
        if (n > kMaxSteps) return false;
        steps += n * g.count;
        if (steps > kMaxSteps) return false;
    }
    return true;
}

// The scenario's own model and every model its story steps switch to (the view opens on one of them) finish.
bool StoryFinishes(scenario::Scenario s) {
    if (!Finishes(s)) return false;
    const scenario::Model base = s.model;
    for (const scenario::StoryStep& step : s.story.steps) {
        if (!step.ChangesModel()) continue;
        s.model = scenario::StoryStepModel(base, step);
        if (!Finishes(s)) return false;
    }
    return true;
}

// Every model the Compare and Scaling views may run, at the worker counts they use, finishes within the bound.
bool EveryModelFinishes(scenario::Scenario s) {
    const int cores = std::max(1, s.machine.cores);
    const int workerCounts[] = {0, 1, cores, std::min(2 * cores, 64)};
    for (scenario::ModelKind kind :
         {scenario::ModelKind::Sequential, scenario::ModelKind::Threads, scenario::ModelKind::Processes,
          scenario::ModelKind::Asyncio, scenario::ModelKind::ProcessAsyncio, scenario::ModelKind::FreeThreaded}) {
        for (int workers : workerCounts) {
            scenario::Model model = s.model;
            model.kind = kind;
            model.workers = workers;
            s.model = model;
            if (!Finishes(s)) return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    ui::Playground& p = ThePlayground();
    std::string error;
    p.ShowLinkError("");
    p.Unpin();  // an earlier input's pinned run (the baseline has none, and a view without one keeps the pin)
    if (!p.ApplyViewStateJson(kBaseline, error)) Fail("the baseline view is refused", error);
    p.SetHelpVisible(false);

    std::string json;
    if (LooksLikeFragment(input)) {
        if (!DecodeFragment(input, json)) {
            p.ShowLinkError("the link is damaged");  // the page shows its reason in the banner
            Frames(p, 1);
            return 0;
        }
    } else {
        json.assign(input);
    }

    // Bound the simulations the view would start (see the top of this file).
    ui::ViewState probe;
    std::string probeError;
    bool compareOk = true;
    if (ui::ViewStateFromJson(json, probe, probeError) && !probe.scenarioJson.empty()) {
        scenario::ParseError parseError;
        const auto parsed = scenario::ParseScenario(probe.scenarioJson, parseError);
        if (parsed) {
            if (!Small(*parsed) || !StoryFinishes(*parsed)) return 0;
            if (probe.tab != ui::Tab::Timeline) compareOk = EveryModelFinishes(*parsed);
        }
    }
    // The link's pinned run is simulated too: bounded the same way.
    if (!probe.pinnedScenarioJson.empty()) {
        scenario::ParseError parseError;
        const auto pinned = scenario::ParseScenario(probe.pinnedScenarioJson, parseError);
        if (pinned && (!Small(*pinned) || !Finishes(*pinned))) return 0;
    }

    const std::string before = p.ViewStateJson();
    if (!p.ApplyViewStateJson(json, error)) {
        if (error.empty()) Fail("ApplyViewStateJson refused without a reason", json);
        if (p.ViewStateJson() != before) Fail("a refused view changed the view", error + "\n" + json);
        p.ShowLinkError(error);
        Frames(p, 1);
        return 0;
    }
    const std::string applied = p.ViewStateJson();
    std::string error2;
    if (!p.ApplyViewStateJson(applied, error2))
        Fail("the playground's own view state is refused", error2 + "\n" + applied);
    if (p.ViewStateJson() != applied)
        Fail("the view state does not round-trip", applied + "\n---\n" + p.ViewStateJson());

    if (!compareOk) p.SetTab(ui::Tab::Timeline);
    Frames(p, kFrames);
    const std::string state = p.TestStateJson();
    if (!nlohmann::json::accept(state)) Fail("TestStateJson is not JSON", state);
    return 0;
}
