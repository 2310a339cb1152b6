// Causality arrows. See timeline_arrows.h.
#include "ui/timeline_arrows.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "ui/span_text.h"
#include "ui/theme.h"

namespace interleave::ui {

using trace::InstantKind;
using trace::SpanState;
using trace::TaskId;
using trace::TimeNs;
using trace::TrackId;

namespace {

bool ValidTrack(const trace::Trace& trace, TrackId track) {
    return track.Valid() && track.Index() < trace.tracks.size();
}

// GIL drop requests and the hand-offs that answered them: each request is answered by the next hand-off away from
// the holder it asked (as the Perfetto export's flows pair them).
void AddGilLinks(const trace::Trace& trace, std::vector<CausalLink>& links) {
    struct Event {
        TimeNs time;
        bool drop;
        TrackId track, cause;
        TaskId task;
    };
    std::vector<Event> events;
    bool anyDrop = false;
    for (const trace::Instant& instant : trace.instants) {
        if (!ValidTrack(trace, instant.track) || !ValidTrack(trace, instant.cause) || instant.track == instant.cause)
            continue;
        if (instant.kind == InstantKind::DropRequest) {
            anyDrop = true;
            events.push_back({instant.time, true, instant.track, instant.cause, instant.task});
        } else if (instant.kind == InstantKind::GilHandoff) {
            events.push_back({instant.time, false, instant.track, instant.cause, instant.task});
        }
    }
    if (!anyDrop) {
        // A trace without DropRequest instants (a real run's) may still know when each waiter asked.
        for (const trace::WaitDetail& wait : trace.Waits()) {
            if (wait.dropRequestAt < 0 || !ValidTrack(trace, wait.track)) continue;
            const auto spans = trace.SpansOf(wait.track);
            const auto it = std::lower_bound(spans.begin(), spans.end(), wait.start,
                                             [](const trace::Span& s, TimeNs t) { return s.start < t; });
            if (it == spans.end() || it->start != wait.start || it->state != SpanState::WaitingGil) continue;
            if (!ValidTrack(trace, it->cause) || it->cause == wait.track) continue;
            events.push_back({wait.dropRequestAt, true, wait.track, it->cause, it->task});
        }
        std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
    }
    std::vector<std::pair<TrackId, size_t>> pending;  // (the holder asked, the request's link)
    for (const Event& e : events) {
        if (e.drop) {
            CausalLink link;
            link.fromTime = link.toTime = e.time;
            link.fromTrack = e.track;
            link.toTrack = e.cause;
            link.kind = ArrowKind::DropRequest;
            link.task = e.task;
            pending.emplace_back(e.cause, links.size());
            links.push_back(link);
            continue;
        }
        CausalLink link;
        link.fromTime = link.toTime = e.time;
        link.fromTrack = e.cause;
        link.toTrack = e.track;
        link.kind = ArrowKind::GilHandoff;
        link.task = e.task;
        for (auto it = pending.begin(); it != pending.end();) {
            if (it->first != e.cause) {
                ++it;
                continue;
            }
            CausalLink& request = links[it->second];
            request.toTime = e.time;
            request.other = e.time;
            if (link.asker == trace::TrackId::None()) {  // the first request made it; later ones found it already set
                link.asker = request.fromTrack;
                link.other = request.fromTime;
            }
            it = pending.erase(it);
        }
        links.push_back(link);
    }
}

// Lock wakes. A wait's span names the holder when it began; a wait that ends hands the lock on to its waiter, so
// the waits on one holder form a group (one lock) whose holder moves on with each wake.
void AddLockLinks(const trace::Trace& trace, std::vector<CausalLink>& links) {
    std::vector<const trace::Span*> waits;
    for (size_t t = 0; t < trace.tracks.size(); ++t)
        for (const trace::Span& span : trace.SpansOf(TrackId(t)))
            if (span.state == SpanState::WaitingLock && ValidTrack(trace, span.cause) && span.cause != span.track)
                waits.push_back(&span);
    if (waits.empty()) return;
    // Events in time order; at one time the ends (a release) before the starts (a wait on the new holder).
    struct Event {
        TimeNs time;
        bool start;
        uint32_t wait;
    };
    std::vector<Event> events;
    events.reserve(waits.size() * 2);
    for (uint32_t i = 0; i < waits.size(); ++i) {
        events.push_back({waits[i]->start, true, i});
        events.push_back({waits[i]->end, false, i});
    }
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        if (a.time != b.time) return a.time < b.time;
        if (a.start != b.start) return !a.start;
        return a.wait < b.wait;
    });
    std::unordered_map<TrackId, uint32_t> groupOf;  // holder -> its group
    std::vector<TrackId> holder;                    // per group
    std::vector<uint32_t> groupOfWait(waits.size(), 0);
    for (const Event& e : events) {
        const trace::Span& span = *waits[e.wait];
        if (e.start) {
            const auto it = groupOf.find(span.cause);
            if (it != groupOf.end()) {
                groupOfWait[e.wait] = it->second;
            } else {
                groupOfWait[e.wait] = uint32_t(holder.size());
                groupOf[span.cause] = uint32_t(holder.size());
                holder.push_back(span.cause);
            }
            continue;
        }
        const uint32_t group = groupOfWait[e.wait];
        const TrackId waker = holder[group];
        if (waker != span.track) {
            CausalLink link;
            link.fromTime = link.toTime = span.end;
            link.fromTrack = waker;
            link.toTrack = span.track;
            link.kind = ArrowKind::LockWake;
            link.task = span.task;
            link.other = span.start;
            link.asker = span.cause;
            links.push_back(link);
        }
        const auto it = groupOf.find(waker);
        if (it != groupOf.end() && it->second == group) groupOf.erase(it);
        holder[group] = span.track;
        groupOf[span.track] = group;
    }
}

bool Running(SpanState state) {
    return state == SpanState::RunningPython || state == SpanState::RunningC;
}

const trace::TaskRecord* RecordOf(const trace::Trace& trace, TaskId task) {
    return task.Valid() && task.Index() < trace.tasks.size() ? &trace.tasks[task.Index()] : nullptr;
}

// `child` is one of `parent`'s children by the plan's names ("site[0]/page[3]" under "site[0]").
bool ChildOf(const trace::Trace& trace, TaskId child, TaskId parent) {
    const trace::TaskRecord *c = RecordOf(trace, child), *p = RecordOf(trace, parent);
    return c && p && !p->name.empty() && c->name.size() > p->name.size() + 1 &&
           c->name.compare(0, p->name.size(), p->name) == 0 && c->name[p->name.size()] == '/';
}

// `task` was cancelled and `other` failed: a TaskGroup (or gather's failure) cancelling its siblings.
bool CancelledBy(const trace::Trace& trace, TaskId task, TaskId other) {
    const trace::TaskRecord *t = RecordOf(trace, task), *o = RecordOf(trace, other);
    return t && o && t->cancelled && o->failed;
}

// Resumes: every await on a task lane that ends with the task running again.
void AddResumeLinks(const trace::Trace& trace, std::vector<CausalLink>& links) {
    // The task lanes, and which lane shows each task.
    std::unordered_map<TaskId, TrackId> laneOf;
    std::vector<TrackId> taskLanes;
    for (size_t t = 0; t < trace.tracks.size(); ++t) {
        if (trace.tracks[t].kind != trace::TrackKind::Task) continue;
        taskLanes.push_back(TrackId(t));
        for (const trace::Span& span : trace.SpansOf(TrackId(t)))
            if (span.task.Valid()) {
                laneOf.emplace(span.task, TrackId(t));
                break;
            }
    }
    if (taskLanes.empty()) return;
    // The work a thread did for those tasks (to_thread, run_in_executor): (end, thread) per task, by end.
    std::unordered_map<TaskId, std::vector<std::pair<TimeNs, TrackId>>> workOf;
    for (size_t t = 0; t < trace.tracks.size(); ++t) {
        const trace::TrackKind kind = trace.tracks[t].kind;
        if (kind != trace::TrackKind::Thread && kind != trace::TrackKind::Process) continue;
        for (const trace::Span& span : trace.SpansOf(TrackId(t)))
            if (span.task.Valid() && span.state != SpanState::Idle && laneOf.count(span.task))
                workOf[span.task].emplace_back(span.end, TrackId(t));
    }
    for (auto& [task, work] : workOf)
        std::sort(work.begin(), work.end());
    // Task ends, by time (instants are sorted by time after Finish(); sorted again here, cheaply, to be sure).
    std::vector<std::pair<TimeNs, TaskId>> ends;
    for (const trace::Instant& instant : trace.instants)
        if ((instant.kind == InstantKind::TaskEnd || instant.kind == InstantKind::TaskCancelled) &&
            instant.task.Valid())
            ends.emplace_back(instant.time, instant.task);
    std::sort(ends.begin(), ends.end());

    for (const TrackId lane : taskLanes) {
        const auto spans = trace.SpansOf(lane);
        const TrackId loop = trace.tracks[lane.Index()].parent;
        for (size_t i = 0; i < spans.size(); ++i) {
            const trace::Span& await = spans[i];
            if (await.state != SpanState::Awaiting) continue;
            size_t j = i + 1;
            while (j < spans.size() && spans[j].state == SpanState::Ready)
                ++j;
            if (j >= spans.size() || !Running(spans[j].state)) continue;
            CausalLink link;
            link.kind = ArrowKind::Resume;
            link.fromTime = await.end;
            link.toTime = spans[j].start;
            link.toTrack = lane;
            link.task = await.task.Valid() ? await.task : spans[j].task;
            link.other = await.start;
            // 1. A thread that finished this task's call during the await.
            if (const auto w = workOf.find(link.task); w != workOf.end()) {
                const auto& work = w->second;
                auto it = std::upper_bound(work.begin(), work.end(), std::make_pair(await.end, TrackId(INT32_MAX)));
                if (it != work.begin() && std::prev(it)->first >= await.start) {
                    link.source = ResumeSource::Worker;
                    link.fromTrack = std::prev(it)->second;
                    link.fromTime = std::prev(it)->first;
                }
            }
            // 2. A task on the same loop that ended at the moment the await did, and that the await was waiting for:
            // a child it gathered (the plan names children "parent/child"), or a sibling whose failure cancelled it
            // (a TaskGroup). A task that merely ended then is no cause: the loop looks at its I/O whenever a step ends.
            if (link.source == ResumeSource::None) {
                auto it = std::lower_bound(ends.begin(), ends.end(), std::make_pair(await.end, TaskId(INT32_MIN)));
                for (; it != ends.end() && it->first == await.end; ++it) {
                    const auto other = laneOf.find(it->second);
                    if (it->second == link.task || other == laneOf.end() || other->second == lane) continue;
                    if (trace.tracks[other->second.Index()].parent != loop) continue;
                    if (!ChildOf(trace, it->second, link.task) && !CancelledBy(trace, link.task, it->second)) continue;
                    link.source = ResumeSource::TaskEnd;
                    link.fromTrack = other->second;
                    link.otherTask = it->second;
                    break;
                }
            }
            // 3. The loop: an I/O completion or a timer.
            if (link.source == ResumeSource::None && ValidTrack(trace, loop) && loop != lane) {
                link.source = ResumeSource::Loop;
                link.fromTrack = loop;
            }
            if (link.source != ResumeSource::None) links.push_back(link);
        }
    }
}

std::string TaskName(const trace::Trace& trace, TaskId task) {
    if (!task.Valid() || task.Index() >= trace.tasks.size()) return {};
    return trace.tasks[task.Index()].name;
}

// "Thread-1 (io_bound[0])", or the track's name alone.
std::string WhoWithTask(const trace::Trace& trace, TrackId track, TaskId task) {
    const std::string name = TrackName(trace, track);
    const std::string taskName = TaskName(trace, task);
    return taskName.empty() || name.find(taskName) != std::string::npos ? name : name + " (" + taskName + ")";
}

std::string Later(TimeNs from, TimeNs to) {
    return FormatTime(double(to - from)) + " later";
}

}  // namespace

size_t CausalLinks::Count(ArrowKind kind) const {
    return size_t(std::count_if(links.begin(), links.end(), [kind](const CausalLink& l) { return l.kind == kind; }));
}

CausalLinks BuildCausalLinks(const trace::Trace& trace) {
    CausalLinks out;
    if (!trace.IsFinished()) return out;
    AddGilLinks(trace, out.links);
    AddLockLinks(trace, out.links);
    AddResumeLinks(trace, out.links);
    std::stable_sort(out.links.begin(), out.links.end(),
                     [](const CausalLink& a, const CausalLink& b) { return a.fromTime < b.fromTime; });
    out.maxToSoFar.reserve(out.links.size());
    TimeNs most = INT64_MIN;
    for (const CausalLink& link : out.links) {
        most = std::max(most, link.toTime);
        out.maxToSoFar.push_back(most);
    }
    return out;
}

// [SECTION] Folding

namespace {

float ClampPx(double px) {
    return float(std::clamp(px, -1e6, 1e6));
}

// One pass at a given bucket width. Returns the arrows in `out`.
void FoldPass(const CausalLinks& links,
              size_t begin,
              size_t end,
              const TimeRange& range,
              float widthPx,
              std::span<const int32_t> rowOfTrack,
              double bucketPx,
              size_t maxScan,
              std::vector<Arrow>& out) {
    const double pxPerNs = double(widthPx) / range.Width();
    const double bucketNs = bucketPx / pxPerNs;
    const auto rowOf = [&](TrackId track) {
        return track.Valid() && track.Index() < rowOfTrack.size() ? rowOfTrack[track.Index()] : -1;
    };
    size_t i = begin;
    while (i < end) {
        const double from = double(links.links[i].fromTime);
        const double bucket = std::max(0.0, std::floor((from - range.t0) / bucketNs));
        const double bucketEnd = range.t0 + (bucket + 1) * bucketNs;
        const size_t bucketFirstArrow = out.size();
        // The bucket's links are [i, last): all of them read, or maxScan spread evenly over it (so that arrows keep
        // their places across a wide bucket) and the rest counted as unread.
        const auto last =
            size_t(std::lower_bound(links.links.begin() + std::ptrdiff_t(i), links.links.begin() + std::ptrdiff_t(end),
                                    bucketEnd, [](const CausalLink& l, double t) { return double(l.fromTime) < t; }) -
                   links.links.begin());
        const size_t n = std::max<size_t>(1, last - i);
        const size_t reads = std::min(n, maxScan);
        for (size_t r = 0; r < reads; ++r) {
            const size_t index = i + r * n / reads;
            const CausalLink& link = links.links[index];
            if (double(link.toTime) < range.t0) continue;  // ended before the view
            const int32_t a = rowOf(link.fromTrack), b = rowOf(link.toTrack);
            if (a < 0 || b < 0 || a == b) continue;
            Arrow* same = nullptr;
            for (size_t k = bucketFirstArrow; k < out.size(); ++k)
                if (out[k].kind == link.kind && out[k].fromRow == a && out[k].toRow == b) {
                    same = &out[k];
                    break;
                }
            if (same) {
                ++same->count;
                same->last = uint32_t(index);
                continue;
            }
            Arrow arrow;
            arrow.x0 = ClampPx((double(link.fromTime) - range.t0) * pxPerNs);
            arrow.x1 = ClampPx((double(link.toTime) - range.t0) * pxPerNs);
            arrow.fromRow = a;
            arrow.toRow = b;
            arrow.kind = link.kind;
            arrow.first = arrow.last = uint32_t(index);
            arrow.count = 1;
            out.push_back(arrow);
        }
        if (n > reads && out.size() > bucketFirstArrow) out[bucketFirstArrow].unread += uint32_t(n - reads);
        i = std::max(last, i + 1);
    }
}

}  // namespace

void FoldArrows(const CausalLinks& links,
                const TimeRange& range,
                float widthPx,
                std::span<const int32_t> rowOfTrack,
                std::vector<Arrow>& out,
                const ArrowFold& fold) {
    out.clear();
    if (links.links.empty() || !(widthPx > 0) || !(range.Width() > 0)) return;
    // Links that may touch the view: those whose cause is at or before its end, from the first whose effect (or an
    // earlier link's) is at or after its start.
    const auto begin = size_t(std::lower_bound(links.maxToSoFar.begin(), links.maxToSoFar.end(), range.t0,
                                               [](TimeNs t, double t0) { return double(t) < t0; }) -
                              links.maxToSoFar.begin());
    const auto end = size_t(std::upper_bound(links.links.begin(), links.links.end(), range.t1,
                                             [](double t1, const CausalLink& l) { return t1 < double(l.fromTime); }) -
                            links.links.begin());
    if (begin >= end) return;
    const size_t maxScan = std::max<size_t>(1, fold.maxScan);
    double bucketPx = std::max(1.0f, fold.minPx);
    for (;;) {
        out.clear();
        FoldPass(links, begin, end, range, widthPx, rowOfTrack, bucketPx, maxScan, out);
        if (out.size() <= fold.maxArrows || bucketPx > 2.0 * double(widthPx)) break;
        bucketPx *= 2;
    }
}

void ArrowEndsY(const Arrow& arrow, float fromRowTop, float toRowTop, float laneH, float& ay, float& by) {
    ay = fromRowTop + laneH * 0.5f;
    by = toRowTop + (arrow.toRow > arrow.fromRow ? 3.0f : laneH - 3.0f);
}

ArrowShape ShapeArrow(const Arrow& arrow, float ax, float ay, float bx, float by, bool head) {
    ArrowShape s;
    s.ax = ax, s.ay = ay, s.bx = bx, s.by = by;
    const float dx = s.bx - s.ax, dy = s.by - s.ay, length = std::max(1e-3f, std::hypot(dx, dy));
    s.ux = dx / length, s.uy = dy / length, s.nx = -s.uy, s.ny = s.ux;
    s.head = head;
    const float headLength = !head ? 0.0f : arrow.Folded() ? 5.0f : 7.0f, half = arrow.Folded() ? 3.0f : 4.0f;
    s.baseX = s.bx - s.ux * headLength, s.baseY = s.by - s.uy * headLength;
    s.leftX = s.baseX + s.nx * half, s.leftY = s.baseY + s.ny * half;
    s.rightX = s.baseX - s.nx * half, s.rightY = s.baseY - s.ny * half;
    if (arrow.kind == ArrowKind::DropRequest) s.dash = std::max(6.0f, length / 40.0f);
    s.dot = !arrow.Folded();  // a fold stands for many causes: no one dot to show
    return s;
}

float DistanceToSegment(float px, float py, float ax, float ay, float bx, float by) {
    const float dx = bx - ax, dy = by - ay;
    const float length2 = dx * dx + dy * dy;
    float t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0.0f;
    t = std::clamp(t, 0.0f, 1.0f);
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// [SECTION] Words

const char* ArrowKindLabel(ArrowKind kind) {
    switch (kind) {
        case ArrowKind::DropRequest:
            return "GIL drop requests";
        case ArrowKind::GilHandoff:
            return "GIL hand-offs";
        case ArrowKind::LockWake:
            return "lock wake-ups";
        case ArrowKind::Resume:
            return "resumed awaits";
        default:
            return "causes";
    }
}

std::string LinkText(const trace::Trace& trace, const CausalLink& link) {
    const std::string from = TrackName(trace, link.fromTrack), to = TrackName(trace, link.toTrack);
    const std::string at = FormatTime(double(link.fromTime));
    switch (link.kind) {
        case ArrowKind::DropRequest: {
            std::string text = "drop request: " + WhoWithTask(trace, link.fromTrack, link.task) + " asked " + to +
                               " to drop the GIL at " + at;
            if (link.other >= 0)
                text += "\n" + to + " let go " + Later(link.fromTime, link.other);
            else
                text += "\nno hand-off away from " + to + " follows in the trace";
            return text;
        }
        case ArrowKind::GilHandoff: {
            std::string text =
                "GIL hand-off: " + from + " -> " + WhoWithTask(trace, link.toTrack, link.task) + " at " + at;
            if (link.asker != trace::TrackId::None())
                text += "\nasked by " + TrackName(trace, link.asker) + "'s drop request " +
                        FormatTime(double(link.fromTime - link.other)) + " earlier";
            else
                text += "\nno drop request: " + from + " let go on its own (it blocked, waited or finished)";
            return text;
        }
        case ArrowKind::LockWake: {
            std::string text = "lock released by " + from + ": " + WhoWithTask(trace, link.toTrack, link.task) +
                               " woke at " + at + " after waiting " + FormatTime(double(link.fromTime - link.other));
            if (link.asker != trace::TrackId::None() && link.asker != link.fromTrack)
                text += "\n(" + TrackName(trace, link.asker) +
                        " held it when the wait began; the trace records only that holder, so who passed it on is "
                        "inferred from the other waits)";
            return text;
        }
        case ArrowKind::Resume: {
            const std::string task = TaskName(trace, link.task).empty() ? to : TaskName(trace, link.task);
            const std::string resumed = " resumed " + task + " at " + FormatTime(double(link.toTime)) + " (" +
                                        Later(link.fromTime, link.toTime) + "), awaiting since " +
                                        FormatTime(double(link.other));
            switch (link.source) {
                case ResumeSource::Worker:
                    return from + " finished " + task + "'s blocking call at " + at + "\nthe loop" + resumed;
                case ResumeSource::TaskEnd: {
                    const std::string other =
                        TaskName(trace, link.otherTask).empty() ? from : TaskName(trace, link.otherTask);
                    const trace::TaskRecord* record = RecordOf(trace, link.otherTask);
                    return other +
                           (record && record->failed ? " failed at " + at + ", which cancelled " + task
                                                     : " ended at " + at + ", the last child " + task + " awaited") +
                           "\nthe loop" + resumed;
                }
                default:
                    return task + "'s await ended at " + at +
                           " (an I/O completion or a timer the loop saw then, a lock or an event: the trace does not "
                           "say which)\n" +
                           from + resumed;
            }
        }
        default:
            return {};
    }
}

std::string ArrowTooltip(const trace::Trace& trace, const CausalLinks& links, const Arrow& arrow) {
    if (arrow.first >= links.links.size() || arrow.last >= links.links.size()) return {};
    const CausalLink& first = links.links[arrow.first];
    std::string text;
    if (!arrow.Folded()) {
        text = LinkText(trace, first);
    } else {
        const CausalLink& last = links.links[arrow.last];
        text = std::to_string(arrow.count) + " " + ArrowKindLabel(arrow.kind) + ", " +
               TrackName(trace, first.fromTrack) + " -> " + TrackName(trace, first.toTrack) + ", from " +
               FormatTime(double(first.fromTime)) + " to " + FormatTime(double(last.fromTime)) +
               " (zoom in to see each)\nthe first: " + LinkText(trace, first);
    }
    if (arrow.unread > 0) text += "\n(and " + std::to_string(arrow.unread) + " more causes here: zoom in)";
    return text;
}

uint32_t ArrowColor(ArrowKind kind, Theme theme) {
    // Each kind in the colour of the state it ends or answers: the drop request in waiting-for-the-GIL's vermillion
    // (as its mark), the hand-off in holding-the-GIL's green, the lock wake in waiting-for-a-lock's reddish purple,
    // the resume in awaiting's violet.
    switch (kind) {
        case ArrowKind::DropRequest:
            return StateColor(SpanState::WaitingGil, theme);
        case ArrowKind::GilHandoff:
            return StateColor(SpanState::HoldingGil, theme);
        case ArrowKind::LockWake:
            return StateColor(SpanState::WaitingLock, theme);
        case ArrowKind::Resume:
            return StateColor(SpanState::Awaiting, theme);
        default:
            return StateColor(SpanState::Idle, theme);
    }
}

}  // namespace interleave::ui
