// The minimap. See timeline_minimap.h.
#include "ui/timeline_minimap.h"

#include <algorithm>
#include <cmath>

namespace interleave::ui {

using trace::SpanState;

bool MinimapCounts(SpanState state) {
    return state != SpanState::Idle && state != SpanState::HoldingGil && size_t(state) < kMixStates;
}

Minimap BuildMinimap(const std::vector<const trace::Trace*>& traces, int bucketCount) {
    Minimap map;
    for (const trace::Trace* t : traces)
        if (t && t->IsFinished()) map.end = std::max(map.end, t->EndTime());
    if (map.end <= 0) return map;
    const size_t n = size_t(std::max(1, bucketCount));
    const double bucketNs = double(map.end) / double(n);
    // Per kind, the time in partly covered buckets directly and the wholly covered runs as a difference array, so
    // a span costs O(1) however many buckets it covers.
    std::vector<std::array<double, kMixStates>> partial(n), whole(n + 1);
    for (auto& p : partial)
        p.fill(0);
    for (auto& w : whole)
        w.fill(0);
    for (const trace::Trace* t : traces) {
        if (!t || !t->IsFinished()) continue;
        for (size_t track = 0; track < t->tracks.size(); ++track) {
            const trace::TrackKind kind = t->tracks[track].kind;
            if (kind == trace::TrackKind::Core || kind == trace::TrackKind::Gil || kind == trace::TrackKind::Counter)
                continue;
            for (const trace::Span& span : t->SpansOf(trace::TrackId(track))) {
                if (!MinimapCounts(span.state)) continue;
                const double a = std::clamp(double(span.start), 0.0, double(map.end));
                const double b = std::clamp(double(span.end), 0.0, double(map.end));
                if (!(b > a)) continue;
                const auto k = size_t(span.state);
                const size_t first = std::min(n - 1, size_t(a / bucketNs)),
                             last = std::min(n - 1, size_t(b / bucketNs));
                if (first == last) {
                    partial[first][k] += b - a;
                    continue;
                }
                partial[first][k] += double(first + 1) * bucketNs - a;
                partial[last][k] += b - double(last) * bucketNs;
                if (last > first + 1) {
                    whole[first + 1][k] += 1;
                    whole[last][k] -= 1;
                }
            }
        }
    }
    map.buckets.assign(n, Mix{});
    std::array<double, kMixStates> running{};
    for (size_t i = 0; i < n; ++i) {
        float total = 0;
        for (size_t k = 0; k < kMixStates; ++k) {
            running[k] += whole[i][k];
            map.buckets[i][k] = float(running[k] + partial[i][k] / bucketNs);
            total += map.buckets[i][k];
        }
        map.peak = std::max(map.peak, total);
    }
    return map;
}

std::vector<Mix> MinimapColumns(const Minimap& minimap, int columns) {
    const size_t c = size_t(std::max(1, columns));
    std::vector<Mix> out(c, Mix{});
    if (minimap.buckets.empty()) return out;
    const double n = double(minimap.buckets.size());
    for (size_t col = 0; col < c; ++col) {
        // The column covers buckets [a, b) in fractional bucket units.
        const double a = double(col) * n / double(c), b = double(col + 1) * n / double(c);
        double weight = 0;
        for (auto i = size_t(a); i < minimap.buckets.size() && double(i) < b; ++i) {
            const double w = std::min(b, double(i + 1)) - std::max(a, double(i));
            if (w <= 0) continue;
            for (size_t k = 0; k < kMixStates; ++k)
                out[col][k] += float(w) * minimap.buckets[i][k];
            weight += w;
        }
        if (weight > 0)
            for (float& v : out[col])
                v = float(double(v) / weight);
    }
    return out;
}

std::pair<float, float> MinimapWindow(trace::TimeNs end, const TimeRange& view, float widthPx, float minPx) {
    if (end <= 0 || !(widthPx > 0)) return {0.0f, widthPx};
    const double scale = double(widthPx) / double(end);
    double x0 = std::clamp(view.t0 * scale, 0.0, double(widthPx));
    double x1 = std::clamp(view.t1 * scale, 0.0, double(widthPx));
    const double least = std::min(double(minPx), double(widthPx));
    if (x1 - x0 < least) {
        const double centre = std::clamp((view.t0 + view.t1) * 0.5 * scale, 0.0, double(widthPx));
        x0 = std::clamp(centre - least * 0.5, 0.0, double(widthPx) - least);
        x1 = x0 + least;
    }
    return {float(x0), float(x1)};
}

double MinimapTimeAt(trace::TimeNs end, float widthPx, float x) {
    if (end <= 0 || !(widthPx > 0)) return 0;
    return std::clamp(double(x) / double(widthPx), 0.0, 1.0) * double(end);
}

TimeRange ViewCentredAt(trace::TimeNs end, const TimeRange& view, float widthPx, float x) {
    const double centre = MinimapTimeAt(end, widthPx, x);
    const double half = view.Width() * 0.5;
    return {centre - half, centre + half};
}

}  // namespace interleave::ui
