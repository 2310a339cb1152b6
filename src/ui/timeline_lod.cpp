// Level-of-detail folding of a track's spans. See timeline_lod.h for the contract and the bound.
#include "ui/timeline_lod.h"

#include <algorithm>

namespace interleave::ui {

namespace {

using SpanIt = std::span<const trace::Span>::iterator;

// The first span in [it, stop) that starts at or after `limit`, but at least it + 1 (it starts before
// limit). Galloping from `it`: the answer is usually near, so this touches a few nearby cache lines
// instead of binary-searching the whole lane (it matters at 10M spans).
SpanIt GallopPastStart(SpanIt it, SpanIt stop, double limit) {
    auto before = [&](const trace::Span& s) { return double(s.start) < limit; };
    auto lo = it + 1;
    if (lo == stop || !before(*lo)) return lo;
    // Invariant: lo starts before limit. Probe lo + 1, 2, 4, ... until one doesn't, then bisect.
    for (ptrdiff_t step = 1;; step *= 2) {
        if (step >= stop - lo) return std::partition_point(lo + 1, stop, before);
        if (!before(lo[step])) return std::partition_point(lo + 1, lo + step, before);
        lo += step;
    }
}

}  // namespace

void BuildDrawCommands(std::span<const trace::Span> spans, const TimeRange& range, float widthPx,
                       std::vector<DrawCmd>& out, float minPx) {
    if (spans.empty() || widthPx <= 0 || !(range.Width() > 0)) return;
    minPx = std::max(minPx, 0.01f);
    const double pxPerNs = double(widthPx) / range.Width();
    const double minNs = double(minPx) / pxPerNs;  // the time a fold must span at least
    const double t0 = range.t0, t1 = range.t1;
    auto toPx = [&](double t) {
        return float(std::clamp((t - t0) * pxPerNs, -1.0, double(widthPx) + 1.0));
    };

    // Spans don't overlap within a track, so ends are sorted like starts: binary-search the first span
    // that ends after t0, and stop at the first that starts at or after t1.
    const auto begin = spans.begin();
    auto it = std::partition_point(begin, spans.end(), [&](const trace::Span& s) { return double(s.end) <= t0; });
    const auto stop = std::partition_point(it, spans.end(), [&](const trace::Span& s) { return double(s.start) < t1; });

    while (it != stop) {
        const double start = double(it->start);
        const double end = double(it->end);
        if ((end - start) >= minNs) {
            out.push_back({toPx(start), toPx(end), uint32_t(it - begin), 1, it->state});
            ++it;
            continue;
        }
        // A narrow span: fold it with its neighbours, one window of minNs at a time: a window holds
        // every span that starts within minNs of the window's first. The fold goes on while the next
        // span is narrow too and starts within minNs of the fold's end. Each window is sampled for a
        // state (its first or last span, the longer); a change of state closes the command and opens
        // the next, so a zoomed-out lane still shows where it ran and where it waited. Every window
        // starts at least minNs after the previous one: commands and rounds stay bounded by pixels.
        auto foldBegin = it;
        double cmdStart = start;
        double foldEnd = end;
        double windowStart = start;
        trace::SpanState cmdState = it->state;
        bool firstWindow = true;
        for (;;) {
            const double limit = windowStart + minNs;
            const auto next = GallopPastStart(it, stop, limit);
            const auto last = next - 1;
            const trace::SpanState sampled = (last->end - last->start) > (it->end - it->start) ? last->state : it->state;
            if (firstWindow) {
                cmdState = sampled;
                firstWindow = false;
            } else if (sampled != cmdState) {
                out.push_back({toPx(cmdStart), toPx(double(it->start)), uint32_t(foldBegin - begin), uint32_t(it - foldBegin), cmdState});
                foldBegin = it;
                cmdStart = double(it->start);
                cmdState = sampled;
            }
            foldEnd = std::max(foldEnd, double(last->end));
            it = next;
            if (it == stop) break;
            const double nextStart = double(it->start);
            const bool narrow = double(it->end) - nextStart < minNs;
            if (!narrow || nextStart - foldEnd >= minNs) break;
            windowStart = nextStart;
        }
        DrawCmd cmd{toPx(cmdStart), toPx(foldEnd), uint32_t(foldBegin - begin), uint32_t(it - foldBegin), cmdState};
        // A lone narrow span (or a fold that stayed narrow) is still drawn minPx wide to be seen.
        if (cmd.x1 - cmd.x0 < minPx) cmd.x1 = cmd.x0 + minPx;
        out.push_back(cmd);
    }
}

void BuildInstantMarks(std::span<const trace::Instant> instants, const TimeRange& range, float widthPx,
                       std::vector<InstantMark>& out, float minPx) {
    if (instants.empty() || widthPx <= 0 || !(range.Width() > 0)) return;
    const double pxPerNs = double(widthPx) / range.Width();
    const double minNs = double(std::max(minPx, 0.01f)) / pxPerNs;
    const auto begin = instants.begin();
    auto it = std::partition_point(begin, instants.end(), [&](const trace::Instant& i) { return double(i.time) < range.t0; });
    const auto stop = std::partition_point(it, instants.end(), [&](const trace::Instant& i) { return double(i.time) < range.t1; });
    while (it != stop) {
        const double limit = double(it->time) + minNs;
        const auto next = std::partition_point(it + 1, stop, [&](const trace::Instant& i) { return double(i.time) < limit; });
        out.push_back({float((double(it->time) - range.t0) * pxPerNs), uint32_t(it - begin), uint32_t(next - it), it->kind});
        it = next;
    }
}

int HitTest(std::span<const DrawCmd> cmds, float x, float slackPx) {
    // Commands are sorted by x0 and don't overlap (beyond the minimum width of narrow marks).
    auto it = std::partition_point(cmds.begin(), cmds.end(), [&](const DrawCmd& c) { return c.x1 + slackPx < x; });
    int best = -1;
    for (int guard = 0; it != cmds.end() && guard < 3; ++it, ++guard) {
        if (it->x0 - slackPx <= x && x <= it->x1 + slackPx) {
            // Prefer an exact hit over one inside the slack.
            if (best < 0 || (it->x0 <= x && x <= it->x1)) best = int(it - cmds.begin());
            if (it->x0 <= x && x <= it->x1) break;
        }
        if (it->x0 - slackPx > x) break;
    }
    return best;
}

}  // namespace interleave::ui
