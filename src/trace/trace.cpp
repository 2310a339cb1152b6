#include "trace/trace.h"

#include <algorithm>
#include <array>

namespace interleave::trace {

namespace {

constexpr std::array<std::string_view, 7> kTrackKindNames = {"core", "process", "thread", "event_loop", "task", "gil",
                                                             "counter"};
constexpr std::array<std::string_view, static_cast<size_t>(SpanState::Count)> kSpanStateNames = {
    "running_python",   "running_c", "waiting_gil", "waiting_core", "blocked_io",  "awaiting", "ready",
    "starting_process", "pickling",  "unpickling",  "waiting_lock", "holding_gil", "idle",
    "waiting_queue"};
constexpr std::array<std::string_view, static_cast<size_t>(InstantKind::Count)> kInstantKindNames = {
    "drop_request", "gil_handoff", "task_start", "task_end", "task_cancelled", "process_start", "process_exit"};

template <typename Enum, size_t N>
bool ParseName(const std::array<std::string_view, N>& names, std::string_view name, Enum& out) {
    for (size_t i = 0; i < N; ++i) {
        if (names[i] == name) {
            out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}

template <size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, size_t index) {
    return index < N ? names[index] : std::string_view("unknown");
}

}  // namespace

std::string_view TrackKindName(TrackKind kind) {
    return NameOf(kTrackKindNames, static_cast<size_t>(kind));
}
std::string_view SpanStateName(SpanState state) {
    return NameOf(kSpanStateNames, static_cast<size_t>(state));
}
std::string_view InstantKindName(InstantKind kind) {
    return NameOf(kInstantKindNames, static_cast<size_t>(kind));
}
bool ParseSpanState(std::string_view name, SpanState& out) {
    return ParseName(kSpanStateNames, name, out);
}
bool ParseTrackKind(std::string_view name, TrackKind& out) {
    return ParseName(kTrackKindNames, name, out);
}
bool ParseInstantKind(std::string_view name, InstantKind& out) {
    return ParseName(kInstantKindNames, name, out);
}

TrackId Trace::AddTrack(std::string name, TrackKind kind, TrackId parent) {
    tracks.push_back(Track{std::move(name), kind, parent});
    m_trackSpanBegin.clear();
    return static_cast<TrackId>(tracks.size() - 1);
}

namespace {

bool WaitKeyLess(const WaitDetail& a, const WaitDetail& b) {
    if (a.track != b.track) return a.track < b.track;
    return a.start < b.start;
}

}  // namespace

void Trace::AddWait(const Span& span, TimeNs causeSince, TimeNs dropRequestAt) {
    if (causeSince < 0 && dropRequestAt < 0) return;
    const WaitDetail detail{span.track, span.start, causeSince, dropRequestAt};
    if (!m_waits.empty() && !WaitKeyLess(m_waits.back(), detail)) m_waitsSorted = false;
    m_waits.push_back(detail);
}

WaitDetail Trace::WaitOf(const Span& span) const {
    const WaitDetail key{span.track, span.start};
    if (m_waitsSorted) {
        auto it = std::lower_bound(m_waits.begin(), m_waits.end(), key, WaitKeyLess);
        if (it != m_waits.end() && it->track == span.track && it->start == span.start) return *it;
    } else {
        for (const WaitDetail& detail : m_waits)
            if (detail.track == span.track && detail.start == span.start) return detail;
    }
    return key;
}

namespace {

// Groups `items` by track with a stable counting sort (linear), dropping items on tracks outside
// [0, trackCount), then sorts each track's items by start where they are not in order already. Producers
// append each track's items in time order, so the per-track sort is for imported files. `begin` gets
// each track's first index (trackCount + 1 entries).
template <typename Item>
void GroupByTrack(std::vector<Item>& items, size_t trackCount, std::vector<uint32_t>& begin) {
    begin.assign(trackCount + 1, 0);
    size_t dropped = 0;
    bool grouped = true;
    TrackId previous(0);
    for (const Item& item : items) {
        if (item.track.Valid() && item.track.Index() < trackCount)
            ++begin[item.track.Index() + 1];
        else
            ++dropped;
        grouped = grouped && item.track >= previous;
        previous = item.track;
    }
    for (size_t i = 1; i < begin.size(); ++i)
        begin[i] += begin[i - 1];
    if (!grouped || dropped > 0) {
        std::vector<Item> sorted(items.size() - dropped);
        std::vector<uint32_t> cursor(begin.begin(), begin.end() - 1);
        for (const Item& item : items)
            if (item.track.Valid() && item.track.Index() < trackCount) sorted[cursor[item.track.Index()]++] = item;
        items = std::move(sorted);
    }
    auto byStart = [](const Item& a, const Item& b) { return a.start < b.start; };
    for (size_t t = 0; t < trackCount; ++t) {
        auto first = items.begin() + begin[t], last = items.begin() + begin[t + 1];
        if (!std::is_sorted(first, last, byStart)) std::stable_sort(first, last, byStart);
    }
}

}  // namespace

void Trace::Finish() {
    // Spans and wait details by (track, start). A producer that used a SpanRecorder hands the spans over
    // grouped and indexed already: then nothing moves and nothing is counted.
    const bool recorded =
        m_recordedTrackBegin.size() == tracks.size() + 1 && m_recordedTrackBegin.back() == spans.size();
    if (recorded)
        m_trackSpanBegin.swap(m_recordedTrackBegin);
    else
        GroupByTrack(spans, tracks.size(), m_trackSpanBegin);
    m_recordedTrackBegin.clear();
    auto byTime = [](const Instant& a, const Instant& b) {
        if (a.time != b.time) return a.time < b.time;
        return a.track < b.track;
    };
    if (!std::is_sorted(instants.begin(), instants.end(), byTime))
        std::stable_sort(instants.begin(), instants.end(), byTime);
    if (!m_waitsSorted) {
        std::vector<uint32_t> waitBegin;
        GroupByTrack(m_waits, tracks.size(), waitBegin);  // a detail on a track that does not exist has no span
    }
    m_waitsSorted = true;
    // Samples by (track, time), keeping the producer's order for equal times (the last one is the value).
    std::stable_sort(samples.begin(), samples.end(), [](const CounterSample& a, const CounterSample& b) {
        if (a.track != b.track) return a.track < b.track;
        return a.time < b.time;
    });
    m_trackSampleBegin.assign(tracks.size() + 1, 0);
    size_t at = 0;
    while (at < samples.size() && !samples[at].track.Valid())
        ++at;  // on no track: in no track's range
    for (size_t t = 0; t < tracks.size(); ++t) {
        m_trackSampleBegin[t] = static_cast<uint32_t>(at);
        while (at < samples.size() && samples[at].track == static_cast<TrackId>(t)) ++at;
    }
    m_trackSampleBegin[tracks.size()] = static_cast<uint32_t>(at);
}

std::span<const CounterSample> Trace::SamplesOf(TrackId track) const {
    if (!track.Valid() || track.Index() + 1 >= m_trackSampleBegin.size()) return {};
    const uint32_t begin = m_trackSampleBegin[track.Index()];
    const uint32_t end = m_trackSampleBegin[track.Index() + 1];
    return std::span<const CounterSample>(samples.data() + begin, end - begin);
}

std::span<const Span> Trace::SpansOf(TrackId track) const {
    if (!track.Valid() || track.Index() + 1 >= m_trackSpanBegin.size()) return {};
    uint32_t begin = m_trackSpanBegin[track.Index()];
    uint32_t end = m_trackSpanBegin[track.Index() + 1];
    return std::span<const Span>(spans.data() + begin, end - begin);
}

TimeNs Trace::EndTime() const {
    TimeNs end = 0;
    for (const Span& span : spans)
        end = std::max(end, span.end);
    for (const Instant& instant : instants)
        end = std::max(end, instant.time);
    for (const CounterSample& sample : samples)
        end = std::max(end, sample.time);
    return end;
}

namespace {

// Nearest-rank: the smallest value with at least `fraction` of the values at or below it. Selects
// instead of sorting (linear, not n log n); asking for fractions in increasing order keeps each
// selection to the part above the previous one.
TimeNs Percentile(std::vector<TimeNs>& values, double fraction, size_t& from) {
    if (values.empty()) return 0;
    size_t rank = static_cast<size_t>(fraction * static_cast<double>(values.size()) + 0.999999);
    rank = std::clamp<size_t>(rank, 1, values.size());
    const auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    if (rank - 1 >= from) std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(from), nth, values.end());
    from = rank - 1;
    return *nth;
}

}  // namespace

void ComputeMetrics(Trace& trace) {
    if (!trace.IsFinished()) trace.Finish();
    Metrics& m = trace.metrics;
    if (m.makespan <= 0) m.makespan = trace.EndTime();
    if (m.sequentialMakespan > 0 && m.makespan > 0)
        m.speedup = static_cast<double>(m.sequentialMakespan) / static_cast<double>(m.makespan);

    std::vector<TimeNs> coreBusy;
    std::vector<int> coreIndex(trace.tracks.size(), -1);
    for (size_t i = 0; i < trace.tracks.size(); ++i) {
        if (trace.tracks[i].kind == TrackKind::Core) {
            coreIndex[i] = static_cast<int>(coreBusy.size());
            coreBusy.push_back(0);
        }
    }
    m.gilWait = m.coreWait = m.lockWait = m.processStart = m.pickling = m.unpickling = 0;
    std::vector<TimeNs> gilSlices;
    // Decide what a track counts for once, then sum its spans.
    // Saturating: the spans may come from a file, and a few spans near the time bounds must not wrap a sum.
    auto add = [&](TrackKind kind, const Span& span) {
        const TimeNs length = SaturatingSub(span.end, span.start);
        switch (kind) {
            case TrackKind::Core:
                if (span.state != SpanState::Idle) {
                    TimeNs& busy = coreBusy[coreIndex[span.track.Index()]];
                    busy = SaturatingAdd(busy, length);
                }
                return;
            case TrackKind::Gil:
                if (span.state == SpanState::HoldingGil) gilSlices.push_back(length);
                return;
            case TrackKind::Task:
                return;  // tasks mirror their thread's spans
            default:
                break;
        }
        switch (span.state) {
            case SpanState::WaitingGil:
                m.gilWait = SaturatingAdd(m.gilWait, length);
                break;
            case SpanState::WaitingCore:
                m.coreWait = SaturatingAdd(m.coreWait, length);
                break;
            case SpanState::WaitingLock:
                m.lockWait = SaturatingAdd(m.lockWait, length);
                break;
            case SpanState::StartingProcess:
                m.processStart = SaturatingAdd(m.processStart, length);
                break;
            case SpanState::Pickling:
                m.pickling = SaturatingAdd(m.pickling, length);
                break;
            case SpanState::Unpickling:
                m.unpickling = SaturatingAdd(m.unpickling, length);
                break;
            default:
                break;
        }
    };
    for (size_t t = 0; t < trace.tracks.size(); ++t)
        for (const Span& span : trace.SpansOf(static_cast<TrackId>(t)))
            add(trace.tracks[t].kind, span);
    m.coreUtilisation.clear();
    double total = 0;
    for (TimeNs busy : coreBusy) {
        double u = m.makespan > 0 ? static_cast<double>(busy) / static_cast<double>(m.makespan) : 0.0;
        m.coreUtilisation.push_back(u);
        total += u;
    }
    m.cpuUtilisation = coreBusy.empty() ? 0.0 : total / static_cast<double>(coreBusy.size());

    if (!gilSlices.empty()) {
        const auto median = gilSlices.begin() + static_cast<std::ptrdiff_t>((gilSlices.size() - 1) / 2);
        std::nth_element(gilSlices.begin(), median, gilSlices.end());
        m.medianGilSlice = *median;
    } else {
        m.medianGilSlice = 0;
    }
    m.gilSwitches = m.dropRequests = 0;
    for (const Instant& instant : trace.instants) {
        if (instant.kind == InstantKind::GilHandoff) ++m.gilSwitches;
        if (instant.kind == InstantKind::DropRequest) ++m.dropRequests;
    }

    std::vector<TimeNs> latencies;
    m.tasksDone = m.tasksFailed = m.tasksCancelled = 0;
    for (const TaskRecord& task : trace.tasks) {
        if (task.cancelled)
            ++m.tasksCancelled;
        else if (task.failed)
            ++m.tasksFailed;
        else if (task.finished >= 0)
            ++m.tasksDone;
        if (task.finished >= 0) latencies.push_back(SaturatingSub(task.finished, task.submitted));
    }
    size_t selected = 0;
    m.latency.p50 = Percentile(latencies, 0.50, selected);
    m.latency.p90 = Percentile(latencies, 0.90, selected);
    m.latency.p99 = Percentile(latencies, 0.99, selected);
    m.latency.max = latencies.empty()
                        ? 0
                        : *std::max_element(latencies.begin() + static_cast<std::ptrdiff_t>(selected), latencies.end());
}

}  // namespace interleave::trace
