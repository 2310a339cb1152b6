// The causality arrows (ui/timeline_arrows.h): which links a trace gives, from whom to whom and when, and how they
// fold when dense.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "synthetic_trace.h"
#include "test_support.h"
#include "ui/timeline_arrows.h"

namespace interleave::ui {
namespace {

using trace::SpanState;
using interleave::testing::TrackNamed;
using trace::TrackId;
using trace::TrackKind;

std::vector<CausalLink> OfKind(const CausalLinks& links, ArrowKind kind) {
    std::vector<CausalLink> out;
    for (const CausalLink& l : links.links)
        if (l.kind == kind) out.push_back(l);
    return out;
}

// Every row its own: the track id.
std::vector<int32_t> Identity(const trace::Trace& t) {
    std::vector<int32_t> rows(t.tracks.size());
    for (size_t i = 0; i < rows.size(); ++i)
        rows[i] = int32_t(i);
    return rows;
}

// [SECTION] The GIL

TEST(CausalLinks, ADropRequestGoesFromTheWaiterToTheHolderAndEndsAtTheHandOffItCaused) {
    // Convoy: the I/O thread (Thread-1) asks the CPU-bound Thread-2 to drop the GIL at 5.228 ms; Thread-2 hands it
    // over at 5.279 ms; at 5.298 ms, after Thread-1 let go for its I/O (and paid 7 us for waking Thread-2, which had
    // come back from switch_cond), Thread-2 has it again.
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    const trace::Trace& t = result.trace;
    const TrackId io = TrackNamed(t, "Thread-1 (run_task)"), cpu = TrackNamed(t, "Thread-2 (run_task)");
    const CausalLinks links = BuildCausalLinks(t);
    const auto drops = OfKind(links, ArrowKind::DropRequest);
    ASSERT_EQ(int64_t(drops.size()), t.metrics.dropRequests);
    const CausalLink& first = drops.front();
    EXPECT_EQ(first.fromTrack, io);
    EXPECT_EQ(first.toTrack, cpu);
    EXPECT_EQ(first.fromTime, 5'227'800);
    EXPECT_EQ(first.toTime, 5'278'800) << "the request's arrow ends at the hand-off it caused";
    const auto handoffs = OfKind(links, ArrowKind::GilHandoff);
    ASSERT_EQ(int64_t(handoffs.size()), t.metrics.gilSwitches);
    const auto at = [&](trace::TimeNs time) {
        const auto it =
            std::find_if(handoffs.begin(), handoffs.end(), [&](const CausalLink& l) { return l.fromTime == time; });
        EXPECT_NE(it, handoffs.end()) << "no hand-off at " << time;
        return it == handoffs.end() ? CausalLink{} : *it;
    };
    const CausalLink asked = at(5'278'800);
    EXPECT_EQ(asked.fromTrack, cpu);
    EXPECT_EQ(asked.toTrack, io);
    EXPECT_EQ(asked.asker, io);
    EXPECT_EQ(asked.other, 5'227'800);
    const CausalLink own = at(5'297'800);
    EXPECT_EQ(own.fromTrack, io);
    EXPECT_EQ(own.toTrack, cpu);
    EXPECT_EQ(own.asker, trace::TrackId::None()) << "Thread-1 blocked on I/O: nobody asked";
    // Every request was answered by a hand-off away from the holder it asked, at or after it.
    for (const CausalLink& drop : drops) {
        ASSERT_GE(drop.other, drop.fromTime);
        const CausalLink h = at(drop.other);
        EXPECT_EQ(h.fromTrack, drop.toTrack);
    }
}

TEST(CausalLinks, ATraceWithoutDropRequestInstantsTakesThemFromTheWaits) {
    // The synthetic run has waits with a drop request time and no instants (as a real run's trace may).
    const trace::Trace t = testing::ThreadsTrace(2, 2, 4);
    const auto drops = OfKind(BuildCausalLinks(t), ArrowKind::DropRequest);
    ASSERT_EQ(drops.size(), 4u);
    for (const CausalLink& drop : drops) {
        EXPECT_NE(drop.fromTrack, drop.toTrack);
        EXPECT_EQ(drop.fromTime % 5'000'000, 0);
    }
}

TEST(CausalLinks, TheTooltipSaysWhoAskedWhom) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    const CausalLinks links = BuildCausalLinks(result.trace);
    const auto drops = OfKind(links, ArrowKind::DropRequest);
    ASSERT_FALSE(drops.empty());
    const std::string text = LinkText(result.trace, drops.front());
    EXPECT_NE(text.find("Thread-1 (run_task) (io_bound[0]) asked Thread-2 (run_task) to drop the GIL at 5.228 ms"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("let go 51.0 us later"), std::string::npos) << text;
    const auto handoffs = OfKind(links, ArrowKind::GilHandoff);
    const auto it =
        std::find_if(handoffs.begin(), handoffs.end(), [](const CausalLink& l) { return l.fromTime == 5'278'800; });
    ASSERT_NE(it, handoffs.end());
    const std::string handoff = LinkText(result.trace, *it);
    EXPECT_NE(handoff.find("GIL hand-off: Thread-2 (run_task) -> Thread-1 (run_task)"), std::string::npos) << handoff;
    EXPECT_NE(handoff.find("asked by Thread-1 (run_task)'s drop request 51.0 us earlier"), std::string::npos)
        << handoff;
}

// [SECTION] Locks

// Thread-1 holds a lock; Thread-2 waits from 1 to 3 ms, Thread-3 from 2 to 5 ms, both with Thread-1 as the holder
// when they began; Thread-1 waits again from 4 to 7 ms behind Thread-2.
trace::Trace LockTrace() {
    trace::Trace t;
    const TrackId p = t.AddTrack("MainProcess", TrackKind::Process);
    const TrackId a = t.AddTrack("Thread-1", TrackKind::Thread, p), b = t.AddTrack("Thread-2", TrackKind::Thread, p),
                  c = t.AddTrack("Thread-3", TrackKind::Thread, p);
    t.spans.push_back({0, 3'000'000, a, trace::TaskId(0), trace::TrackId::None(), SpanState::RunningPython});
    t.spans.push_back({1'000'000, 3'000'000, b, trace::TaskId(1), a, SpanState::WaitingLock});
    t.spans.push_back({3'000'000, 5'000'000, b, trace::TaskId(1), trace::TrackId::None(), SpanState::RunningPython});
    t.spans.push_back({2'000'000, 5'000'000, c, trace::TaskId(2), a, SpanState::WaitingLock});
    t.spans.push_back({5'000'000, 7'000'000, c, trace::TaskId(2), trace::TrackId::None(), SpanState::RunningPython});
    t.spans.push_back({4'000'000, 7'000'000, a, trace::TaskId(0), b, SpanState::WaitingLock});
    t.Finish();
    return t;
}

TEST(CausalLinks, ALockWakeComesFromWhoeverHeldTheLockLastNotWhoHeldItWhenTheWaitBegan) {
    const trace::Trace t = LockTrace();
    const auto wakes = OfKind(BuildCausalLinks(t), ArrowKind::LockWake);
    ASSERT_EQ(wakes.size(), 3u);
    // By time: Thread-1 wakes Thread-2 at 3 ms; Thread-2 (which had it since) wakes Thread-3 at 5 ms, though
    // Thread-3's span names Thread-1; Thread-3 wakes Thread-1 at 7 ms.
    EXPECT_EQ(wakes[0].fromTrack, trace::TrackId(1));
    EXPECT_EQ(wakes[0].toTrack, trace::TrackId(2));
    EXPECT_EQ(wakes[0].fromTime, 3'000'000);
    EXPECT_EQ(wakes[1].fromTrack, trace::TrackId(2));
    EXPECT_EQ(wakes[1].toTrack, trace::TrackId(3));
    EXPECT_EQ(wakes[1].asker, trace::TrackId(1)) << "the holder its span names";
    EXPECT_EQ(wakes[1].other, 2'000'000) << "when the wait began";
    EXPECT_EQ(wakes[2].fromTrack, trace::TrackId(3));
    EXPECT_EQ(wakes[2].toTrack, trace::TrackId(1));
    EXPECT_NE(LinkText(t, wakes[1]).find("lock released by Thread-2: Thread-3 woke at 5.000 ms after waiting 3.000 ms"),
              std::string::npos)
        << LinkText(t, wakes[1]);
}

TEST(CausalLinks, EveryLockWaitOfTheLockPresetEndsWithOneWake) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("lock_contention"));
    const trace::Trace& t = result.trace;
    size_t waits = 0;
    for (const trace::Span& s : t.spans)
        if (s.state == SpanState::WaitingLock) ++waits;
    const auto wakes = OfKind(BuildCausalLinks(t), ArrowKind::LockWake);
    ASSERT_GT(waits, 10u);
    EXPECT_EQ(wakes.size(), waits);
    for (const CausalLink& w : wakes) {
        EXPECT_NE(w.fromTrack, w.toTrack);
        EXPECT_EQ(t.tracks[w.fromTrack.Index()].kind, TrackKind::Thread);
    }
}

// [SECTION] Resumes

TEST(CausalLinks, AnAwaitOnAThreadIsResumedFromTheThreadThatFinishedTheCall) {
    // asyncio.to_thread: sleeper[0]'s time.sleep runs on asyncio_0 and returns at 1000.083 ms; the loop runs the task
    // again at 1000.133 ms.
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("asyncio_to_thread"));
    const trace::Trace& t = result.trace;
    const auto resumes = OfKind(BuildCausalLinks(t), ArrowKind::Resume);
    const TrackId lane = TrackNamed(t, "Task-1 sleeper[0]");
    const auto it =
        std::find_if(resumes.begin(), resumes.end(), [&](const CausalLink& l) { return l.toTrack == lane; });
    ASSERT_NE(it, resumes.end());
    EXPECT_EQ(it->source, ResumeSource::Worker);
    EXPECT_EQ(it->fromTrack, TrackNamed(t, "asyncio_0"));
    EXPECT_EQ(it->fromTime, 1'000'082'800);
    EXPECT_EQ(it->toTime, 1'000'132'800);
}

TEST(CausalLinks, AnAwaitEndingWithAnotherTaskIsResumedFromThatTasksLane) {
    // A TaskGroup: flaky[0] fails at 300.187 ms and its siblings' awaits end at that moment (cancelled).
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("asyncio_taskgroup_failure"));
    const trace::Trace& t = result.trace;
    const auto resumes = OfKind(BuildCausalLinks(t), ArrowKind::Resume);
    const TrackId lane = TrackNamed(t, "Task-2 fetch[1]");
    const auto it =
        std::find_if(resumes.begin(), resumes.end(), [&](const CausalLink& l) { return l.toTrack == lane; });
    ASSERT_NE(it, resumes.end());
    EXPECT_EQ(it->source, ResumeSource::TaskEnd);
    EXPECT_EQ(it->fromTrack, TrackNamed(t, "Task-10 flaky[0]"));
    EXPECT_EQ(it->fromTime, 300'187'000);
    EXPECT_EQ(it->toTime, 300'199'000) << "after its turn in the ready queue";
}

TEST(CausalLinks, ATaskThatMerelyEndedWhenAnAwaitDidIsNoCause) {
    // pool_items_event_loop: page[9]'s I/O is done at 57.594 ms, but its worker's loop is parsing page[0] until
    // 72.551 ms and sees it only then, the moment page[0] ends. The cause is the loop, not page[0].
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("pool_items_event_loop"));
    const trace::Trace& t = result.trace;
    const auto resumes = OfKind(BuildCausalLinks(t), ArrowKind::Resume);
    const TrackId lane = TrackNamed(t, "Task-14 site[0]/page[9]");
    const auto it =
        std::find_if(resumes.begin(), resumes.end(), [&](const CausalLink& l) { return l.toTrack == lane; });
    ASSERT_NE(it, resumes.end());
    EXPECT_EQ(it->source, ResumeSource::Loop);
    EXPECT_EQ(it->fromTrack, t.tracks[lane.Index()].parent);
    EXPECT_EQ(it->fromTime, 72'551'107);
    for (const CausalLink& l : resumes) {
        EXPECT_NE(l.source, ResumeSource::TaskEnd) << LinkText(t, l);
        EXPECT_EQ(t.tracks[l.fromTrack.Index()].parent == t.tracks[l.toTrack.Index()].parent ||
                      l.fromTrack == t.tracks[l.toTrack.Index()].parent,
                  true)
            << "a resume across loops: " << LinkText(t, l);
    }
}

TEST(CausalLinks, OtherwiseTheLoopResumesTheTaskWhenItsAwaitCompletes) {
    trace::Trace t;
    const TrackId loop = t.AddTrack("MainThread (event loop)", TrackKind::EventLoop);
    const TrackId task = t.AddTrack("Task-1 fetch[0]", TrackKind::Task, loop);
    t.tasks.push_back({"fetch[0]", 0, 0, 100});
    t.spans.push_back({0, 10, task, trace::TaskId(0), trace::TrackId::None(), SpanState::RunningPython});
    t.spans.push_back({10, 50, task, trace::TaskId(0), trace::TrackId::None(), SpanState::Awaiting});
    t.spans.push_back({50, 60, task, trace::TaskId(0), trace::TrackId::None(), SpanState::Ready});
    t.spans.push_back({60, 70, task, trace::TaskId(0), trace::TrackId::None(), SpanState::RunningPython});
    t.spans.push_back({70, 90, task, trace::TaskId(0), trace::TrackId::None(), SpanState::Awaiting});  // never resumed
    t.Finish();
    const auto resumes = OfKind(BuildCausalLinks(t), ArrowKind::Resume);
    ASSERT_EQ(resumes.size(), 1u);
    EXPECT_EQ(resumes[0].source, ResumeSource::Loop);
    EXPECT_EQ(resumes[0].fromTrack, loop);
    EXPECT_EQ(resumes[0].toTrack, task);
    EXPECT_EQ(resumes[0].fromTime, 50);
    EXPECT_EQ(resumes[0].toTime, 60);
    EXPECT_NE(LinkText(t, resumes[0]).find("the trace does not say which"), std::string::npos);
}

// [SECTION] Folding

// Links in view between two different shown rows.
size_t Visible(const CausalLinks& links, const TimeRange& range, const std::vector<int32_t>& rows) {
    size_t n = 0;
    for (const CausalLink& l : links.links)
        if (double(l.toTime) >= range.t0 && double(l.fromTime) <= range.t1 && rows[l.fromTrack.Index()] >= 0 &&
            rows[l.toTrack.Index()] >= 0 && rows[l.fromTrack.Index()] != rows[l.toTrack.Index()])
            ++n;
    return n;
}

TEST(ArrowFolding, ZoomedOutTheArrowsFoldByPixelsAndStillCountEveryLink) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    const trace::Trace& t = result.trace;
    const CausalLinks links = BuildCausalLinks(t);
    const auto rows = Identity(t);
    const TimeRange all = FitRange(0, t.EndTime());
    std::vector<Arrow> arrows;
    FoldArrows(links, all, 1000, rows, arrows);
    const size_t visible = Visible(links, all, rows);
    ASSERT_GT(visible, 700u);
    EXPECT_LE(arrows.size(), 256u);
    size_t counted = 0;
    for (const Arrow& a : arrows)
        counted += a.count + a.unread;
    EXPECT_EQ(counted, visible) << "a fold lost or double-counted links";
    EXPECT_TRUE(std::any_of(arrows.begin(), arrows.end(), [](const Arrow& a) { return a.Folded(); }));
    // Arrows of one kind between the same rows come one per bucket: in order, never two from one bucket's start.
    for (size_t i = 0; i < arrows.size(); ++i)
        for (size_t j = i + 1; j < arrows.size(); ++j)
            if (arrows[i].kind == arrows[j].kind && arrows[i].fromRow == arrows[j].fromRow &&
                arrows[i].toRow == arrows[j].toRow) {
                EXPECT_LT(arrows[i].x0, arrows[j].x0);
            }
}

TEST(ArrowFolding, ZoomedInEachLinkIsItsOwnArrow) {
    const auto result = interleave::testing::SimulateOk(interleave::testing::Preset("convoy_effect"));
    const trace::Trace& t = result.trace;
    const CausalLinks links = BuildCausalLinks(t);
    const auto rows = Identity(t);
    const TimeRange slice{5'000'000, 10'500'000};
    std::vector<Arrow> arrows;
    FoldArrows(links, slice, 1000, rows, arrows);
    ASSERT_EQ(arrows.size(), Visible(links, slice, rows));
    ASSERT_GE(arrows.size(), 3u);  // the request, the hand-off it caused, the hand-off back
    for (const Arrow& a : arrows) {
        EXPECT_EQ(a.count, 1u);
        EXPECT_GE(a.x1, a.x0);
    }
    // The drop request's arrow runs from 5.228 ms on Thread-1's row to 5.279 ms on Thread-2's.
    const auto drop =
        std::find_if(arrows.begin(), arrows.end(), [](const Arrow& a) { return a.kind == ArrowKind::DropRequest; });
    ASSERT_NE(drop, arrows.end());
    EXPECT_NEAR(drop->x0, (5'227'800 - 5'000'000) * 1000.0 / 5'500'000, 0.01);
    EXPECT_NEAR(drop->x1, (5'278'800 - 5'000'000) * 1000.0 / 5'500'000, 0.01);
    EXPECT_EQ(drop->fromRow, TrackNamed(t, "Thread-1 (run_task)").value);
    EXPECT_EQ(drop->toRow, TrackNamed(t, "Thread-2 (run_task)").value);
}

TEST(ArrowFolding, AHundredThousandLinksInViewGiveABoundedNumberOfArrowsReadingABoundedNumberOfLinks) {
    // 200K GIL turns between two threads: 100K hand-offs each way, all in view.
    trace::Trace t;
    const TrackId a = t.AddTrack("Thread-1", TrackKind::Thread), b = t.AddTrack("Thread-2", TrackKind::Thread);
    for (int64_t i = 0; i < 200'000; ++i)
        t.instants.push_back(
            {i * 1000, i % 2 ? a : b, trace::InstantKind::GilHandoff, i % 2 ? b : a, trace::TaskId::None()});
    t.Finish();
    const CausalLinks links = BuildCausalLinks(t);
    ASSERT_EQ(links.links.size(), 200'000u);
    std::vector<Arrow> arrows;
    FoldArrows(links, FitRange(0, t.EndTime()), 800, std::vector<int32_t>{0, 1}, arrows);
    EXPECT_LE(arrows.size(), 256u);
    size_t read = 0, unread = 0;
    for (const Arrow& arrow : arrows) {
        read += arrow.count;
        unread += arrow.unread;
    }
    EXPECT_EQ(read + unread, 200'000u);
    EXPECT_LE(read, size_t(800 / ArrowFold{}.minPx + 2) * ArrowFold{}.maxScan)
        << "read one by one past the per-bucket bound";
}

TEST(ArrowFolding, AWideBucketReadsLinksFromAllOverItNotOnlyItsStart) {
    // 10K hand-offs from Thread-1 to Thread-2, then 10K from Thread-2 to Thread-3, in one bucket: both show.
    trace::Trace t;
    const TrackId a = t.AddTrack("Thread-1", TrackKind::Thread), b = t.AddTrack("Thread-2", TrackKind::Thread),
                  c = t.AddTrack("Thread-3", TrackKind::Thread);
    for (int64_t i = 0; i < 20'000; ++i)
        t.instants.push_back(
            {i * 1000, i < 10'000 ? b : c, trace::InstantKind::GilHandoff, i < 10'000 ? a : b, trace::TaskId::None()});
    t.Finish();
    ArrowFold fold;
    fold.minPx = 400;  // one bucket for the whole view
    std::vector<Arrow> arrows;
    FoldArrows(BuildCausalLinks(t), TimeRange{0, 20'000'000}, 200, Identity(t), arrows, fold);
    ASSERT_EQ(arrows.size(), 2u);
    EXPECT_EQ(arrows[1].fromRow, b.value);
    EXPECT_EQ(arrows[1].toRow, c.value);
    EXPECT_GE(arrows[1].x0, 100.0f) << "the second arrow stands where its links are, in the second half";
    EXPECT_EQ(arrows[0].count + arrows[1].count + arrows[0].unread, 20'000u);
}

TEST(ArrowFolding, LinksToAHiddenLaneOrWithinOneRowAreDropped) {
    const trace::Trace t = LockTrace();
    const CausalLinks links = BuildCausalLinks(t);
    std::vector<Arrow> arrows;
    const TimeRange all{0, 8'000'000};
    // Thread-3 hidden: only Thread-1 -> Thread-2 remains.
    FoldArrows(links, all, 500, std::vector<int32_t>{0, 1, 2, -1}, arrows);
    ASSERT_EQ(arrows.size(), 1u);
    EXPECT_EQ(arrows[0].fromRow, 1);
    EXPECT_EQ(arrows[0].toRow, 2);
    // Every thread in one (collapsed) row: nothing.
    FoldArrows(links, all, 500, std::vector<int32_t>{0, 0, 0, 0}, arrows);
    EXPECT_TRUE(arrows.empty());
    // Out of view: nothing.
    FoldArrows(links, TimeRange{8'000'000, 9'000'000}, 500, Identity(t), arrows);
    EXPECT_TRUE(arrows.empty());
}

TEST(ArrowFolding, HoveringMeasuresTheDistanceToTheSegment) {
    EXPECT_FLOAT_EQ(DistanceToSegment(5, 3, 0, 0, 10, 0), 3.0f);
    EXPECT_FLOAT_EQ(DistanceToSegment(-4, 3, 0, 0, 10, 0), 5.0f);  // past the end: to the end point
    EXPECT_FLOAT_EQ(DistanceToSegment(2, 2, 2, 2, 2, 2), 0.0f);    // a point
}

}  // namespace
}  // namespace interleave::ui
