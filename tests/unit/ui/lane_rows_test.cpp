// The timeline's rows (ui/lane_rows.h), which the live view and the pictures share: every track under its parent,
// whenever the run made its lane.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.h"
#include "ui/lane_rows.h"

namespace interleave::ui {
namespace {

// Depth first: each track's descendants come right after it, before anything else.
void ExpectTreeOrder(const trace::Trace& t, const std::vector<trace::TrackId>& order) {
    ASSERT_EQ(order.size(), t.tracks.size());
    std::vector<size_t> position(t.tracks.size());
    for (size_t i = 0; i < order.size(); ++i)
        position[order[i].Index()] = i;
    auto isBelow = [&](trace::TrackId track, trace::TrackId ancestor) {
        for (trace::TrackId p = t.tracks[track.Index()].parent; p.Valid(); p = t.tracks[p.Index()].parent)
            if (p == ancestor) return true;
        return false;
    };
    for (size_t i = 0; i < order.size(); ++i) {
        size_t end = i + 1;
        while (end < order.size() && isBelow(order[end], order[i])) ++end;
        for (size_t j = end; j < order.size(); ++j)
            EXPECT_FALSE(isBelow(order[j], order[i])) << t.tracks[order[j].Index()].name << " is under "
                                                      << t.tracks[order[i].Index()].name << " but not next to it";
    }
}

TEST(LaneRows, APoolWorkersChildrenAreRowsUnderTheWorker) {
    // The run makes the child coroutines' lanes as the children start, after every worker's lane.
    const auto result = testing::SimulateOk(testing::Preset("pool_items_event_loop"));
    const trace::Trace& t = result.trace;
    const std::vector<trace::TrackId> order = TracksInTreeOrder(t);
    ExpectTreeOrder(t, order);
    std::vector<std::string> rows;
    for (const LaneRow& row : GroupLaneRows(t))
        rows.push_back(t.tracks[row.first.Index()].name);
    for (const char* child : {"Task-5 site[0]/page[0]", "Task-15 site[1]/page[0]"}) {
        const auto at = std::find(rows.begin(), rows.end(), child);
        ASSERT_NE(at, rows.end()) << child;
        // Its parent's row is the nearest worker above it, and no other worker comes between them.
        auto above = at;
        while (above != rows.begin() && above->rfind("ForkPoolWorker-", 0) != 0) --above;
        trace::TrackId childTrack, workerTrack;
        for (size_t k = 0; k < t.tracks.size(); ++k) {
            if (t.tracks[k].name == *at) childTrack = trace::TrackId(k);
            if (t.tracks[k].name == *above) workerTrack = trace::TrackId(k);
        }
        ASSERT_GE(childTrack, trace::TrackId(0));
        EXPECT_EQ(t.tracks[childTrack.Index()].parent, workerTrack) << child << " is drawn under " << *above;
    }
}

TEST(LaneRows, EveryPresetsRowsFollowTheTreeAndIdleCoresStillShareOne) {
    for (const auto& preset : scenario::Presets()) {
        const auto result = testing::SimulateOk(testing::Preset(std::string(preset.id)));
        ExpectTreeOrder(result.trace, TracksInTreeOrder(result.trace));
        if (::testing::Test::HasFailure()) {
            ADD_FAILURE() << preset.id;
            return;
        }
    }
    // The GIL-bound convoy on 4 cores: its idle cores are one row.
    const auto convoy = testing::SimulateOk(testing::Preset("convoy_effect"));
    bool shared = false;
    for (const LaneRow& row : GroupLaneRows(convoy.trace)) shared = shared || (row.last > row.first && !row.label.empty());
    EXPECT_TRUE(shared);
}

TEST(LaneRows, ABrokenParentLinkMakesARootNotALoop) {
    trace::Trace t;
    t.AddTrack("a", trace::TrackKind::Thread, trace::TrackId(1));  // its parent comes after it
    t.AddTrack("b", trace::TrackKind::Thread, trace::TrackId(0));
    t.AddTrack("c", trace::TrackKind::Thread, trace::TrackId(7));  // no such track
    t.Finish();
    const std::vector<trace::TrackId> order = TracksInTreeOrder(t);
    EXPECT_EQ(order, (std::vector<trace::TrackId>{trace::TrackId(0), trace::TrackId(1), trace::TrackId(2)}));
}

}  // namespace
}  // namespace interleave::ui
