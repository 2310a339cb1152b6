#include "models/world/span_recording.h"

namespace interleave::models {

using trace::SpanState;

void SpanRecording::CloseGilSpan(InterpIndex interp,
                                 trace::TrackId track,
                                 bool held,
                                 trace::TrackId holder,
                                 TimeNs now) {
    if (!track.Valid()) return;
    TimeNs& start = m_gilSpanStart[interp];
    if (held && now > start) {
        trace::Span span;
        span.start = start;
        span.end = now;
        span.track = track;
        span.state = SpanState::HoldingGil;
        span.cause = holder;
        m_spans.Add(span);
    }
    start = now;
}

void SpanRecording::Record(trace::TrackId track,
                           TimeNs start,
                           TimeNs end,
                           SpanState state,
                           trace::TaskId task,
                           trace::TrackId cause) {
    if (end <= start || !track.Valid()) return;
    trace::Span span;
    span.start = start;
    span.end = end;
    span.track = track;
    span.state = state;
    span.task = task;
    span.cause = cause;
    m_spans.Add(span);
}

size_t SpanRecording::TraceBytes() const {
    return m_spans.Size() * sizeof(trace::Span) + m_trace.Waits().size() * sizeof(trace::WaitDetail) +
           m_trace.instants.size() * sizeof(trace::Instant) + m_trace.samples.size() * sizeof(trace::CounterSample);
}

}  // namespace interleave::models
