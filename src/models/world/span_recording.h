#pragma once
// What the World records on the lanes it drives itself: each thread's, each core's and each GIL's. A thread's or a
// core's current span stays open (OpenSpan, kept beside the thread or core) and is written out when its state,
// task or cause changes; a GIL lane's span is written out on every change of holder. The spans are kept here,
// grouped by track (trace::SpanRecorder), until the run ends and HandOver gives them to the trace.
#include <cstddef>
#include <vector>

#include "models/world/world_ids.h"
#include "trace/span_recorder.h"
#include "trace/trace.h"

namespace interleave::models {

// A span being recorded on a thread's or a core's track: it is written out when the state, task or cause changes.
struct OpenSpan {
    trace::SpanState state = trace::SpanState::Idle;
    trace::TaskId task = trace::TaskId::None();
    trace::TrackId cause = trace::TrackId::None();
    TimeNs causeSince = -1;
    TimeNs start = 0;
    bool open = false;
};

class SpanRecording {
public:
    explicit SpanRecording(trace::Trace& trace) : m_trace(trace) {}
    SpanRecording(const SpanRecording&) = delete;
    SpanRecording& operator=(const SpanRecording&) = delete;

    // [SECTION] Thread lanes: `open` is the thread's open span, `track` its lane (none: recorded nowhere). A closed
    // span also becomes a wait detail of the trace; `dropRequestAt` is when the thread set gil_drop_request.
    // Starts a span of (state, task, cause) now, closing the open one first; nothing when that one is the same.
    void SetThreadSpan(OpenSpan& open,
                       trace::TrackId track,
                       TimeNs dropRequestAt,
                       TimeNs now,
                       trace::SpanState state,
                       trace::TaskId task,
                       trace::TrackId cause,
                       TimeNs causeSince) {
        if (open.open && open.state == state && open.task == task && open.cause == cause) return;
        CloseThreadSpan(open, track, dropRequestAt, now);
        open.open = true;
        open.start = now;
        open.state = state;
        open.task = task;
        open.cause = cause;
        open.causeSince = causeSince;
    }
    void CloseThreadSpan(OpenSpan& open, trace::TrackId track, TimeNs dropRequestAt, TimeNs now) {
        if (!open.open) return;
        open.open = false;
        if (now <= open.start || !track.Valid()) return;
        const trace::Span span = Written(open, track, open.cause, now);
        m_spans.Add(span);
        const bool dropRequested = open.state == trace::SpanState::WaitingGil && dropRequestAt >= open.start;
        m_trace.AddWait(span, open.causeSince, dropRequested ? dropRequestAt : -1);
    }

    // [SECTION] Core lanes: writes out what the core ran until now, then opens a span if `busy`. `ranBy()` names the
    // lane of the thread that ran it (the span's cause): asked only when a span is written. A template, not a
    // std::function: it runs on every burst.
    template <typename RanBy>
    void SetCoreSpan(OpenSpan& open,
                     trace::TrackId track,
                     const RanBy& ranBy,
                     TimeNs now,
                     bool busy,
                     trace::SpanState state,
                     trace::TaskId task) {
        if (open.open && now > open.start) m_spans.Add(Written(open, track, ranBy(), now));
        open.open = busy;
        open.start = now;
        open.state = state;
        open.task = task;
    }

    // [SECTION] GIL lanes, one per interpreter in the order they are added (`track` none: the interpreter has none).
    void AddGilLane() { m_gilSpanStart.push_back(0); }
    // Ends the lane's current holding span (if `held` and held for any time, on behalf of `holder`'s lane) and starts
    // the next one now: called on every change of holder.
    void CloseGilSpan(InterpIndex interp, trace::TrackId track, bool held, trace::TrackId holder, TimeNs now);

    // A span on a track the World does not drive itself (asyncio task lanes); nothing if empty or lane-less.
    void Record(trace::TrackId track,
                TimeNs start,
                TimeNs end,
                trace::SpanState state,
                trace::TaskId task,
                trace::TrackId cause);

    // Bytes of trace recorded so far (what RunLimits::maxTraceBytes bounds): these spans and what the trace holds.
    size_t TraceBytes() const;
    // Gives every recorded span to the trace: once, after every lane is closed.
    void HandOver() { m_spans.MoveInto(m_trace); }

private:
    // What `open` recorded on `track` from its start until `now`.
    static trace::Span Written(const OpenSpan& open, trace::TrackId track, trace::TrackId cause, TimeNs now) {
        trace::Span span;
        span.start = open.start;
        span.end = now;
        span.track = track;
        span.task = open.task;
        span.state = open.state;
        span.cause = cause;
        return span;
    }

    trace::Trace& m_trace;
    trace::SpanRecorder m_spans;
    ById<InterpIndex, std::vector<TimeNs>> m_gilSpanStart;
};

}  // namespace interleave::models
