// Level-of-detail folding of a track's spans. See timeline_lod.h for the contract and the bound.
#include "ui/timeline_lod.h"

#include <algorithm>

namespace interleave::ui {

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
        // A narrow span: fold it with every span that starts within minNs of the fold's start, and
        // keep going while the next span is narrow too and close (within minNs) to the fold's end.
        // Each round jumps at least minNs ahead, so the rounds are bounded by the pixel width.
        const auto foldBegin = it;
        double foldEnd = end;
        double windowStart = start;
        for (;;) {
            const double limit = windowStart + minNs;
            auto next = std::partition_point(it, stop, [&](const trace::Span& s) { return double(s.start) < limit; });
            if (next == it) next = it + 1;
            foldEnd = std::max(foldEnd, double((next - 1)->end));
            it = next;
            if (it == stop) break;
            const double nextStart = double(it->start);
            const bool narrow = double(it->end) - nextStart < minNs;
            if (!narrow || nextStart - foldEnd >= minNs) break;
            windowStart = nextStart;
        }
        DrawCmd cmd{toPx(start), toPx(foldEnd), uint32_t(foldBegin - begin), uint32_t(it - foldBegin), foldBegin->state};
        // A lone narrow span (or a fold that stayed narrow) is still drawn minPx wide to be seen.
        if (cmd.x1 - cmd.x0 < minPx) cmd.x1 = cmd.x0 + minPx;
        out.push_back(cmd);
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
