#pragma once
// What a story step (scenario/story.h) does to the view, as pure functions the playground and the tests share: the
// lanes it names, the range it shows, whether it needs another simulation. No ImGui.
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "trace/trace.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

// Per track of `trace`, whether `lanes` names it, read as `interleave sim --lanes` reads them: an entry equal to some
// track's name names that track alone, else it names every track whose name starts with it. Entries that name no track
// (a step written for another model's lanes) are ignored. Empty when every lane shows: `lanes` is empty or names
// nothing in this trace (a view never goes blank for a name it does not know).
std::vector<bool> TracksNamed(const trace::Trace& trace, const std::vector<std::string>& lanes);
// The same as track ids, in trace order (a picture's lanes: PictureSection::tracks); empty when every lane shows.
std::vector<trace::TrackId> TrackIdsNamed(const trace::Trace& trace, const std::vector<std::string>& lanes);

// The range a step shows on a run that ends at `runEndNs`: its own (an open end: the run's end), else the whole run
// as "zoom to fit" shows it.
TimeRange StoryStepRange(const scenario::StoryStep& step, int64_t runEndNs);

// True when the models differ in what a story step can change (kind, workers, chunksize, semaphore, start method):
// going to the step then needs a new simulation.
bool StoryModelsDiffer(const scenario::Model& a, const scenario::Model& b);

// The step a view shows: `requested` (0-based) clamped into the story, or -1 for a scenario without one.
int StoryStepIndex(const scenario::Story& story, int requested);

// "2 / 5": the step indicator (0-based `step`).
std::string StoryIndicator(const scenario::Story& story, int step);

}  // namespace interleave::ui
