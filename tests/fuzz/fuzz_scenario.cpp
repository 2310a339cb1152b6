// Fuzzes the scenario parser and the simulator (scripts/fuzz.sh scenario).
// Properties, each aborting when violated (a crash, ASan or UBSan report counts too):
//   - ParseScenario never crashes and, when it refuses, says why;
//   - a scenario that parsed round-trips: ScenarioToJson re-parses, to the same canonical JSON;
//   - a scenario that parsed is safe to simulate (scenario.h): Simulate, bounded to kMaxEvents events, returns,
//     and a finished run's trace is well formed (spans inside their tracks, no overlap on a track, never more
//     threads on cores than cores).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/simulate.h"
#include "scenario/scenario.h"

namespace {

using namespace interleave;

// Bounds on the simulation of one input, so that every input runs in milliseconds: an event limit (the run then
// stops with ok == false, which is fine), and no simulation at all of scenarios whose setup alone (tasks times
// unrolled steps) is large. The parser's own limits are far above these; they are checked by the unit tests.
constexpr int64_t kMaxEvents = 20'000;
constexpr int64_t kMaxSimulatedSteps = 50'000;
constexpr int64_t kMaxSimulatedTasks = 5'000;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_scenario: property violated: %s\n%s\n", what, detail.substr(0, 4000).c_str());
    std::abort();
}

int64_t SimulatedSteps(const scenario::Scenario& s) {
    int64_t total = 0;
    for (const scenario::TaskGroup& group : s.groups) {
        const int64_t steps = scenario::ExpandedStepCount(group.steps);
        if (steps > kMaxSimulatedSteps) return kMaxSimulatedSteps + 1;
        total += steps * group.count;
        if (total > kMaxSimulatedSteps) return total;
    }
    return total;
}

bool RunsOnCore(trace::SpanState s) {
    using trace::SpanState;
    return s == SpanState::RunningPython || s == SpanState::RunningC || s == SpanState::Pickling ||
           s == SpanState::Unpickling || s == SpanState::StartingProcess;
}

void CheckTrace(const scenario::Scenario& s, const models::SimulationResult& result, const std::string& json) {
    const trace::Trace& t = result.trace;
    if (!t.IsFinished()) Fail("Simulate returned an unfinished trace", json);
    const auto trackCount = static_cast<int32_t>(t.tracks.size());
    auto validTrack = [&](trace::TrackId id) { return id.Valid() && id.value < trackCount; };
    for (const trace::Track& track : t.tracks)
        if (track.parent != trace::TrackId::None() && !validTrack(track.parent))
            Fail("a track's parent is not a track", json);
    for (const trace::Span& span : t.spans) {
        if (!validTrack(span.track)) Fail("a span's track is not a track", json);
        if (span.cause != trace::TrackId::None() && !validTrack(span.cause))
            Fail("a span's cause is not a track", json);
        if (span.start < 0 || span.end < span.start) Fail("a span ends before it starts", json);
        if (span.task != trace::TaskId::None() && (!span.task.Valid() || span.task.Index() >= t.tasks.size()))
            Fail("a span's task is not a task", json);
    }
    for (int32_t lane = 0; lane < trackCount; ++lane) {
        const trace::TrackId track(lane);
        const auto spans = t.SpansOf(track);
        for (size_t i = 1; i < spans.size(); ++i)
            if (spans[i - 1].end > spans[i].start)
                Fail("two spans overlap on one track", json + "\ntrack " + t.tracks[track.Index()].name);
    }
    if (!result.ok) return;  // a run stopped at its limit has open ends; the rest holds for whole runs only
    std::vector<std::pair<trace::TimeNs, int>> edges;
    for (const trace::Span& span : t.spans) {
        const trace::TrackKind kind = t.tracks[span.track.Index()].kind;
        if (kind == trace::TrackKind::Core || kind == trace::TrackKind::Task || kind == trace::TrackKind::Gil) continue;
        if (!RunsOnCore(span.state) || span.end == span.start) continue;
        edges.emplace_back(span.start, +1);
        edges.emplace_back(span.end, -1);
    }
    std::sort(edges.begin(), edges.end());  // ends (-1) before starts (+1) at equal times
    int current = 0;
    for (const auto& edge : edges)
        if ((current += edge.second) > s.machine.cores) Fail("more threads on cores than cores", json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    scenario::ParseError error;
    const auto parsed = scenario::ParseScenario(text, error);
    if (!parsed) {
        if (error.Message().empty()) Fail("ParseScenario refused without a reason", std::string(text));
        return 0;
    }

    // Round trip: the canonical form parses again, to itself.
    const std::string canonical = scenario::ScenarioToJson(*parsed);
    scenario::ParseError again;
    const auto reparsed = scenario::ParseScenario(canonical, again);
    if (!reparsed) Fail("ScenarioToJson's output does not parse", again.Message() + "\n" + canonical);
    const std::string canonical2 = scenario::ScenarioToJson(*reparsed);
    if (canonical2 != canonical) Fail("ScenarioToJson is not a fixed point", canonical + "\n---\n" + canonical2);

    // Simulation, bounded.
    if (parsed->TaskCount() > kMaxSimulatedTasks || SimulatedSteps(*parsed) > kMaxSimulatedSteps) return 0;
    models::SimulationOptions options;
    options.computeSequentialBaseline = false;
    options.maxEvents = kMaxEvents;
    const models::SimulationResult result = models::Simulate(*parsed, options);
    if (!result.ok && result.error.empty()) Fail("Simulate failed without a reason", canonical);
    if (result.events > kMaxEvents) Fail("Simulate ran past its event limit", canonical);
    CheckTrace(*parsed, result, canonical);
    return 0;
}
