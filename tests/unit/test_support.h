#pragma once
// Helpers shared by the platform-free tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "models/simulate.h"
#include "scenario/presets.h"
#include "scenario/scenario.h"

namespace interleave::testing {

inline scenario::Scenario ParseOrDie(const std::string& json) {
    scenario::ParseError error;
    auto parsed = scenario::ParseScenario(json, error);
    EXPECT_TRUE(parsed.has_value()) << error.Message() << "\n" << json;
    return parsed ? *parsed : scenario::Scenario{};
}

inline scenario::Scenario Preset(const std::string& id) {
    const scenario::PresetFile* preset = scenario::FindPreset(id);
    EXPECT_NE(preset, nullptr) << "no preset " << id;
    return preset ? ParseOrDie(std::string(preset->json)) : scenario::Scenario{};
}

inline models::SimulationResult SimulateOk(const scenario::Scenario& s) {
    models::SimulationResult result = models::Simulate(s);
    EXPECT_TRUE(result.ok) << result.error;
    return result;
}

inline double Seconds(trace::TimeNs ns) { return static_cast<double>(ns) / 1e9; }
inline double Ms(trace::TimeNs ns) { return static_cast<double>(ns) / 1e6; }

// The task record of that name (a failure, and an empty record, when there is none).
inline const trace::TaskRecord& TaskNamed(const trace::Trace& t, const std::string& name) {
    for (const trace::TaskRecord& task : t.tasks)
        if (task.name == name) return task;
    ADD_FAILURE() << "no task " << name;
    static const trace::TaskRecord none;
    return none;
}

inline scenario::Scenario WithModel(scenario::Scenario s, scenario::ModelKind kind, int workers = 0) {
    s.model = scenario::Model{};
    s.model.kind = kind;
    s.model.workers = workers;
    return s;
}

// The lane called `name` (a failure, and none, if there is none).
inline trace::TrackId TrackNamed(const trace::Trace& t, const std::string& name) {
    for (size_t i = 0; i < t.tracks.size(); ++i)
        if (t.tracks[i].name == name) return static_cast<trace::TrackId>(i);
    ADD_FAILURE() << "no lane " << name;
    return trace::TrackId::None();
}

// True when the trace has a lane called `name` (of `kind`, when given).
inline bool HasTrack(const trace::Trace& t, const std::string& name, std::optional<trace::TrackKind> kind = std::nullopt) {
    return std::any_of(t.tracks.begin(), t.tracks.end(),
                       [&](const trace::Track& tr) { return tr.name == name && (!kind || tr.kind == *kind); });
}

// The time the lane called `track` spends in `state`, summed.
inline trace::TimeNs StateTime(const trace::Trace& t, const std::string& track, trace::SpanState state) {
    trace::TimeNs sum = 0;
    for (const trace::Span& span : t.spans)
        if (span.state == state && t.tracks[span.track.Index()].name == track) sum += span.end - span.start;
    return sum;
}

// The median of `v` (the upper one of an even count); 0 for none.
inline trace::TimeNs Median(std::vector<trace::TimeNs> v) {
    if (v.empty()) return 0;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
}

// The GIL slices of the threads that hold it for `shortest` or longer at a time (the CPU-bound ones), as
// tests/reference/programs/gil_probe.py counts them: holds of the same thread with only shorter holds of others
// between them (an I/O thread's, a starting thread's) are one slice.
inline std::vector<trace::TimeNs> GilSlices(const trace::Trace& t, trace::TimeNs shortest) {
    std::vector<const trace::Span*> holds;
    for (const trace::Span& span : t.spans)
        if (span.state == trace::SpanState::HoldingGil && span.end - span.start >= shortest) holds.push_back(&span);
    std::sort(holds.begin(), holds.end(),
              [](const trace::Span* a, const trace::Span* b) { return a->start < b->start; });
    std::vector<trace::TimeNs> slices;
    trace::TrackId holder = trace::TrackId::None();
    trace::TimeNs sliceStart = 0, sliceEnd = 0;
    for (const trace::Span* hold : holds) {
        if (hold->cause == holder) {
            sliceEnd = hold->end;
            continue;
        }
        if (holder != trace::TrackId::None()) slices.push_back(sliceEnd - sliceStart);
        holder = hold->cause;
        sliceStart = hold->start;
        sliceEnd = hold->end;
    }
    return slices;
}

}  // namespace interleave::testing
