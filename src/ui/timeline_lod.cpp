// Level-of-detail folding of a track's spans. See timeline_lod.h for the contract and the bound.
#include "ui/timeline_lod.h"

#include <algorithm>
#include <cmath>

namespace interleave::ui {

namespace {

using SpanIt = std::span<const trace::Span>::iterator;

// The first element of [lo, stop) for which `before` is false, where `before` is true on a prefix of
// it. Galloping from lo: the answer is usually near, so this touches a few nearby cache lines instead
// of binary-searching the whole lane (it matters at 10M spans).
template <typename Pred>
SpanIt Gallop(SpanIt lo, SpanIt stop, Pred before) {
    if (lo == stop || !before(*lo)) return lo;
    // Invariant: lo is before. Probe lo + 1, 2, 4, ... until one isn't, then bisect.
    for (ptrdiff_t step = 1;; step *= 2) {
        if (step >= stop - lo) return std::partition_point(lo + 1, stop, before);
        if (!before(lo[step])) return std::partition_point(lo + 1, lo + step, before);
        lo += step;
    }
}

// The first span in [it + 1, stop) that starts at or after `limit` (it starts before limit).
SpanIt GallopPastStart(SpanIt it, SpanIt stop, double limit) {
    return Gallop(it + 1, stop, [&](const trace::Span& s) { return double(s.start) < limit; });
}

inline void Prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

}  // namespace

// [SECTION] SpanIndex

void SpanIndex::Build(std::span<const trace::Span> spans) {
    m_levels.clear();
    m_spans = spans.size();
    if (spans.size() < kMinSpans || spans.front().start < 0) return;
    const int64_t maxStart = spans.back().start;
    // The finest level: about four spans a bucket on average, so all levels together hold at most
    // about half an entry per span.
    const int64_t buckets = std::max<int64_t>(2, int64_t(spans.size() / 4));
    int shift = 0;
    while (shift < 62 && (maxStart >> shift) + 2 > buckets) ++shift;
    m_finestShift = shift;
    std::vector<uint32_t> level(size_t((maxStart >> shift) + 2));
    size_t i = 0;
    for (size_t b = 0; b < level.size(); ++b) {
        const int64_t boundary = int64_t(b) << shift;
        while (i < spans.size() && spans[i].start < boundary) ++i;
        level[b] = uint32_t(i);
    }
    m_levels.push_back(std::move(level));
    // Each coarser level keeps every other boundary of the one below.
    while (m_levels.back().size() > 2) {
        const auto& finer = m_levels.back();
        const int s = m_finestShift + int(m_levels.size());
        std::vector<uint32_t> coarser(size_t((maxStart >> s) + 2));
        for (size_t b = 0; b < coarser.size(); ++b) coarser[b] = 2 * b < finer.size() ? finer[2 * b] : uint32_t(m_spans);
        m_levels.push_back(std::move(coarser));
    }
}

bool SpanIndex::FirstStartingAfter(double t, double slackNs, size_t& index) const {
    if (m_levels.empty() || !(t >= 0) || !(slackNs >= 1)) return false;
    // The coarsest level whose buckets are at most slackNs wide.
    const int want = int(std::floor(std::log2(slackNs)));
    if (want < m_finestShift) return false;
    const int level = std::min(want - m_finestShift, int(m_levels.size()) - 1);
    const int shift = m_finestShift + level;
    const auto& ranks = m_levels[size_t(level)];
    const double bucket = std::ceil(t / std::ldexp(1.0, shift));
    index = bucket < double(ranks.size()) ? ranks[size_t(bucket)] : m_spans;
    return true;
}

bool SpanIndex::Bracket(double t, size_t& lo, size_t& hi) const {
    if (m_levels.empty() || !(t >= 0)) return false;
    const auto& ranks = m_levels.front();
    const double w = std::ldexp(1.0, m_finestShift);
    const double b0 = std::floor(t / w), b1 = std::ceil(t / w);
    if (b1 >= double(ranks.size())) return false;
    lo = ranks[size_t(b0)];
    hi = ranks[size_t(b1)];
    return true;
}

size_t SpanIndex::Bytes() const {
    size_t n = 0;
    for (const auto& l : m_levels) n += l.size() * sizeof(uint32_t);
    return n;
}

// [SECTION] Draw commands

void BuildDrawCommands(std::span<const trace::Span> spans, const TimeRange& range, float widthPx,
                       std::vector<DrawCmd>& out, float minPx, const SpanIndex* index) {
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
    // With an index, both searches start from the bucket that holds t0 (t1) and gallop a few spans.
    if (index && (index->Empty() || index->Spans() != spans.size())) index = nullptr;
    const auto begin = spans.begin();
    auto endsBefore = [&](const trace::Span& s) { return double(s.end) <= t0; };
    auto startsBefore = [&](const trace::Span& s) { return double(s.start) < t1; };
    size_t lo = 0, hi = 0;
    SpanIt it;
    if (index && index->Bracket(t0, lo, hi)) {
        // Spans before lo - 1 end before the bucket's start (they don't overlap the one at lo - 1).
        it = Gallop(begin + ptrdiff_t(lo > 0 ? lo - 1 : 0), spans.end(), endsBefore);
    } else {
        it = std::partition_point(begin, spans.end(), endsBefore);
    }
    SpanIt stop;
    if (index && index->Bracket(t1, lo, hi)) stop = Gallop(std::max(it, begin + ptrdiff_t(lo)), begin + ptrdiff_t(hi), startsBefore);
    else stop = std::partition_point(it, spans.end(), startsBefore);

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
            SpanIt next;
            size_t found = 0;
            if (index && index->FirstStartingAfter(limit, minNs, found)) {
                // The first span at or after the bucket boundary just past limit: > it, as it starts
                // before limit. Fetch where the window after this one probably ends meanwhile.
                next = found >= size_t(stop - begin) ? stop : std::max(it + 1, begin + ptrdiff_t(found));
                size_t ahead = 0;
                if (next != stop && index->FirstStartingAfter(limit + minNs, minNs, ahead) && ahead < spans.size()) {
                    Prefetch(&spans[ahead]);
                    if (ahead > 0) Prefetch(&spans[ahead - 1]);
                }
            } else {
                next = GallopPastStart(it, stop, limit);
            }
            // A wide span is never folded: it lasts at least minNs, so nothing after it starts within
            // the (exact) window, and it is the window's last span: end the window before it, and it
            // is drawn as itself next. (A window rounded up to a bucket boundary can still hold one
            // 3-6 px span before its last; only such a span may join a fold.)
            if (next - 1 != it && double((next - 1)->end - (next - 1)->start) >= minNs) --next;
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

void BuildCounterBars(std::span<const trace::CounterSample> samples, const TimeRange& range, float widthPx,
                      std::vector<CounterBar>& out) {
    if (samples.empty() || widthPx <= 0 || !(range.Width() > 0)) return;
    const double pxPerNs = double(widthPx) / range.Width();
    auto toPx = [&](double t) { return float(std::clamp((t - range.t0) * pxPerNs, 0.0, double(widthPx))); };
    // The sample in effect at the range's start: the last one at or before it.
    auto it = std::partition_point(samples.begin(), samples.end(),
                                   [&](const trace::CounterSample& c) { return double(c.time) <= range.t0; });
    if (it != samples.begin()) --it;
    for (; it != samples.end() && double(it->time) < range.t1; ++it) {
        const auto next = it + 1;
        const double end = next == samples.end() ? range.t1 : std::min(double(next->time), range.t1);
        const CounterBar bar{toPx(double(it->time)), toPx(end), double(it->value), it->value};
        if (bar.x1 <= bar.x0 && end <= range.t0) continue;  // over before the range starts
        if (!out.empty()) {
            CounterBar& last = out.back();
            const float lastW = last.x1 - last.x0, barW = bar.x1 - bar.x0;
            if (lastW < 1.0f || barW < 1.0f) {  // sub-pixel: fold, weighting each value by the time it held
                const float w = lastW + barW;
                last.level = w > 0 ? (last.level * lastW + bar.level * barW) / w : std::max(last.level, bar.level);
                last.peak = std::max(last.peak, bar.peak);
                last.x1 = std::max(last.x1, bar.x1);
                continue;
            }
            if (!last.Folded() && !bar.Folded() && last.peak == bar.peak) {
                last.x1 = bar.x1;
                continue;
            }
        }
        out.push_back(bar);
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

std::vector<SummaryRun> SummariseLanes(std::span<const std::span<const DrawCmd>> lanes, float widthPx) {
    std::vector<SummaryRun> runs;
    if (!(widthPx > 0) || lanes.empty()) return runs;
    const auto columns = size_t(std::ceil(std::min(widthPx, 1e5f)));
    constexpr size_t kStates = size_t(trace::SpanState::Count);
    // Per column and state, how many lanes show it; a lane counts once per column (its first command there).
    std::vector<uint32_t> counts(columns * kStates, 0);
    std::vector<int64_t> lastLaneAt(columns, -1);
    for (size_t lane = 0; lane < lanes.size(); ++lane) {
        for (const DrawCmd& cmd : lanes[lane]) {
            const float a = std::max(0.0f, cmd.x0), b = std::min(float(columns), std::max(cmd.x1, cmd.x0 + 1.0f));
            if (!(b > a)) continue;
            const auto first = size_t(a), last = std::min(columns, size_t(std::ceil(b)));
            for (size_t c = first; c < last; ++c) {
                if (lastLaneAt[c] == int64_t(lane)) continue;
                lastLaneAt[c] = int64_t(lane);
                ++counts[c * kStates + size_t(cmd.state)];
            }
        }
    }
    for (size_t c = 0; c < columns; ++c) {
        SummaryRun column;
        column.x0 = float(c);
        column.x1 = std::min(widthPx, float(c + 1));
        column.lanes = uint32_t(lanes.size());
        uint32_t most = 0;
        for (size_t s = 0; s < kStates; ++s) {
            if (trace::SpanState(s) == trace::SpanState::Idle) continue;
            const uint32_t n = counts[c * kStates + s];
            column.busy += n;
            if (n > most) {
                most = n;
                column.state = trace::SpanState(s);
            }
        }
        if (column.busy == 0) continue;
        if (!runs.empty() && runs.back().x1 == column.x0 && runs.back().state == column.state &&
            runs.back().busy == column.busy)
            runs.back().x1 = column.x1;
        else
            runs.push_back(column);
    }
    return runs;
}

}  // namespace interleave::ui
