#pragma once
// Helpers for the real-run tests: small scenarios, span queries, overlap checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "native/native.h"
#include "scenario/scenario.h"

namespace interleave::native::testing {

inline scenario::Scenario Parse(const std::string& json) {
    scenario::ParseError error;
    auto parsed = scenario::ParseScenario(json, error);
    EXPECT_TRUE(parsed.has_value()) << error.Message() << "\n" << json;
    return parsed ? *parsed : scenario::Scenario{};
}

// {"name": ..., "tasks": [{"name": "t", "count": N, "steps": STEPS}], "model": MODEL}
inline scenario::Scenario Make(int count, const std::string& steps, const std::string& model, int cores = 2) {
    return Parse(R"({"name": "test", "tasks": [{"name": "t", "count": )" + std::to_string(count) + R"(, "steps": )" + steps +
                 R"(}], "model": )" + model + R"(, "machine": {"cores": )" + std::to_string(cores) + "}}");
}

inline RealRunResult RunOk(const scenario::Scenario& s, RealRunKind kind = RealRunKind::CppRuntime, double timeout = 30) {
    RunOptions options;
    options.timeoutSeconds = timeout;
    RealRunResult r = RunForReal(s, kind, options);
    EXPECT_TRUE(r.ok) << r.error;
    return r;
}

inline double Ms(trace::TimeNs ns) { return static_cast<double>(ns) / 1e6; }

inline std::vector<trace::Span> SpansIn(const trace::Trace& t, trace::SpanState state) {
    std::vector<trace::Span> out;
    for (const auto& s : t.spans)
        if (s.state == state) out.push_back(s);
    return out;
}

inline std::vector<trace::TrackId> TracksOf(const trace::Trace& t, trace::TrackKind kind) {
    std::vector<trace::TrackId> out;
    for (size_t i = 0; i < t.tracks.size(); ++i)
        if (t.tracks[i].kind == kind) out.push_back(static_cast<trace::TrackId>(i));
    return out;
}

// The longest time two of these spans (on different tracks) overlap.
inline trace::TimeNs MaxCrossOverlap(std::vector<trace::Span> spans) {
    std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
    trace::TimeNs worst = 0;
    for (size_t i = 0; i < spans.size(); ++i)
        for (size_t j = i + 1; j < spans.size() && spans[j].start < spans[i].end; ++j)
            if (spans[j].track != spans[i].track) worst = std::max(worst, std::min(spans[i].end, spans[j].end) - spans[j].start);
    return worst;
}

inline bool HasPython() { return std::system("python3 -c 'import sys' >/dev/null 2>&1") == 0; }

}  // namespace interleave::native::testing
