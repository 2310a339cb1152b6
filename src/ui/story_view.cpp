#include "ui/story_view.h"

#include <algorithm>

namespace interleave::ui {

std::vector<bool> TracksNamed(const trace::Trace& trace, const std::vector<std::string>& lanes) {
    std::vector<bool> named(trace.tracks.size(), false);
    bool any = false;
    for (const std::string& entry : lanes) {
        const bool exact = std::any_of(trace.tracks.begin(), trace.tracks.end(),
                                       [&](const trace::Track& track) { return track.name == entry; });
        for (size_t t = 0; t < trace.tracks.size(); ++t) {
            const std::string& name = trace.tracks[t].name;
            if (exact ? name == entry : name.rfind(entry, 0) == 0) named[t] = any = true;
        }
    }
    if (!any) named.clear();
    return named;
}

std::vector<trace::TrackId> TrackIdsNamed(const trace::Trace& trace, const std::vector<std::string>& lanes) {
    std::vector<trace::TrackId> ids;
    const std::vector<bool> named = TracksNamed(trace, lanes);
    for (size_t t = 0; t < named.size(); ++t)
        if (named[t]) ids.push_back(trace::TrackId(t));
    return ids;
}

TimeRange StoryStepRange(const scenario::StoryStep& step, int64_t runEndNs) {
    if (!step.hasRange) return FitRange(0, runEndNs);
    const int64_t end = step.rangeEndNs >= 0 ? step.rangeEndNs : std::max(runEndNs, step.rangeStartNs + 1);
    return TimeRange{double(step.rangeStartNs), double(end)};
}

bool StoryModelsDiffer(const scenario::Model& a, const scenario::Model& b) {
    return a.kind != b.kind || a.workers != b.workers || a.chunksize != b.chunksize || a.semaphore != b.semaphore ||
           a.startMethod != b.startMethod;
}

int StoryStepIndex(const scenario::Story& story, int requested) {
    if (story.steps.empty()) return -1;
    return std::clamp(requested, 0, int(story.steps.size()) - 1);
}

std::string StoryIndicator(const scenario::Story& story, int step) {
    if (story.steps.empty() || step < 0) return "";
    return std::to_string(step + 1) + " / " + std::to_string(story.steps.size());
}

}  // namespace interleave::ui
