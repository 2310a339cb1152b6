// Tooltip sentences. See span_text.h.
#include "ui/span_text.h"

#include <cstdio>

#include "ui/theme.h"
#include "ui/timeline_math.h"

namespace interleave::ui {

using trace::SpanState;

std::string TrackName(const trace::Trace& trace, trace::TrackId track) {
    if (!track.Valid() || track.Index() >= trace.tracks.size()) return "?";
    return trace.tracks[track.Index()].name;
}

std::string CauseText(const trace::Trace& trace, const trace::Span& span) {
    if (span.cause == trace::TrackId::None()) return {};
    const std::string who = TrackName(trace, span.cause);
    const trace::WaitDetail wait = trace.WaitOf(span);
    std::string text;
    switch (span.state) {
        case SpanState::WaitingGil:
            text = "waiting for the GIL held by " + who;
            if (wait.causeSince >= 0) text += " since " + FormatTime(double(wait.causeSince));
            if (wait.dropRequestAt >= 0) text += "; drop request at " + FormatTime(double(wait.dropRequestAt));
            return text;
        case SpanState::WaitingLock:
            text = "waiting for a lock held by " + who;
            if (wait.causeSince >= 0) text += " since " + FormatTime(double(wait.causeSince));
            return text;
        case SpanState::HoldingGil:
            return "the GIL is held by " + who;
        case SpanState::WaitingCore:
            return "every core is busy; " + who + " holds this one";
        default:
            return "runs " + who;
    }
}

std::string SpanTooltip(const trace::Trace& trace, const trace::Span& span) {
    std::string text = TrackName(trace, span.track) + ": " + StateLabel(span.state);
    text += "\nstart " + FormatTime(double(span.start)) + ", duration " + FormatTime(double(span.end - span.start));
    const std::string cause = CauseText(trace, span);
    if (!cause.empty()) text += "\n" + cause;
    if (span.task.Valid()) {
        text += "\ntask ";
        text += span.task.Index() < trace.tasks.size() ? trace.tasks[span.task.Index()].name
                                                       : std::to_string(span.task.value);
        text += " (click to highlight)";
    }
    return text;
}

std::string FoldTooltip(const trace::Trace& trace, trace::TrackId track, uint32_t count, int64_t start, int64_t end) {
    char buffer[128];
    std::snprintf(buffer, sizeof buffer, ": %u spans folded (zoom in to see them)", count);
    return TrackName(trace, track) + buffer + "\nfrom " + FormatTime(double(start)) + " to " + FormatTime(double(end));
}

std::string InstantTooltip(const trace::Trace& trace, const trace::Instant& instant, uint32_t count) {
    const std::string at = " at " + FormatTime(double(instant.time));
    const std::string who = TrackName(trace, instant.track);
    std::string text;
    switch (instant.kind) {
        case trace::InstantKind::DropRequest:
            text = "drop request: " + who + " asks " + TrackName(trace, instant.cause) + " to drop the GIL" + at;
            break;
        case trace::InstantKind::GilHandoff:
            text = "GIL hand-off: " + TrackName(trace, instant.cause) + " -> " + who + at;
            break;
        default:
            text = std::string(trace::InstantKindName(instant.kind)) + " on " + who + at;
            if (instant.task.Valid() && instant.task.Index() < trace.tasks.size())
                text += " (" + trace.tasks[instant.task.Index()].name + ")";
            break;
    }
    if (count > 1) text += "\n(and " + std::to_string(count - 1) + " more here: zoom in)";
    return text;
}

}  // namespace interleave::ui
