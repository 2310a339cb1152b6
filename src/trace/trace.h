#pragma once
// [SECTION] Index
//   Time, ids and kinds ........ TimeNs, TrackKind, SpanState, InstantKind
//   Records .................... Track, Span, Instant, TaskRecord, Metrics
//   Trace ...................... the one type every producer writes and every consumer reads
//
// The trace is what the simulator and the real runners write and what the UI draws. It knows nothing
// about who produced it. All times are int64 nanoseconds from the start of the run.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace interleave::trace {

using TimeNs = int64_t;

// An id's value where a file, a link or a runtime's message names no track or task.
inline constexpr int32_t kNone = -1;

// The index of a track or a task in a Trace. Each has its own type, apart from the other and from a plain int (all
// int32 underneath, so Span stays 32 bytes), so passing a task where a track is meant does not compile. Convert at
// the boundaries that write or read numbers (trace files, links, runtimes' messages): `.value` and `TrackId(n)`.
// Default: none (kNone).
template <typename Tag>
struct TraceId {
    int32_t value = kNone;
    constexpr TraceId() = default;
    constexpr explicit TraceId(int32_t v) : value(v) {}
    static constexpr TraceId None() { return TraceId(); }
    constexpr bool Valid() const { return value >= 0; }
    constexpr size_t Index() const { return static_cast<size_t>(value); }
    friend constexpr bool operator==(TraceId, TraceId) = default;
    friend constexpr auto operator<=>(TraceId, TraceId) = default;  // as keys of ordered maps: by value
    // Printed as its number (test failures, logs). Only for standard streams: a catch-all template would tie with
    // other libraries' own catch-alls (gtest's Message::operator<< under clang), and <iosfwd> is enough here.
    template <typename Char, typename Traits>
    friend std::basic_ostream<Char, Traits>& operator<<(std::basic_ostream<Char, Traits>& out, TraceId id) {
        return out << id.value;
    }
};
using TrackId = TraceId<struct TrackTag>;
using TaskId = TraceId<struct TaskTag>;

// The times the trace readers accept (docs/trace-format.md): |t| <= 2^62 - 1 ns, about 146 years, so that
// the difference of any two accepted times fits in an int64.
inline constexpr TimeNs kMaxTraceTimeNs = (TimeNs{1} << 62) - 1;

// a + b and a - b clamped to the int64 range instead of overflowing (signed overflow is undefined): the
// metrics and the exports use them, since a trace's times come from files and producers alike.
constexpr TimeNs SaturatingAdd(TimeNs a, TimeNs b) {
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
    return a + b;
}
constexpr TimeNs SaturatingSub(TimeNs a, TimeNs b) {
    if (b < 0 && a > INT64_MAX + b) return INT64_MAX;
    if (b > 0 && a < INT64_MIN + b) return INT64_MIN;
    return a - b;
}

enum class TrackKind : uint8_t {
    Core,       // one CPU core: which thread occupies it
    Process,    // an interpreter process (its main thread when it has only one)
    Thread,     // an OS thread of a process
    EventLoop,  // the thread that runs an asyncio loop
    Task,       // an asyncio task (coroutine) or a work item
    Gil,        // who holds one interpreter's GIL
    Counter,    // a value over time (a queue's depth): samples, no spans
};

// What a track is doing during a span. Keep in sync with SpanStateName().
enum class SpanState : uint8_t {
    RunningPython,    // executing bytecode, holding the GIL
    RunningC,         // in C code that released the GIL (hashlib, zlib, numpy)
    WaitingGil,       // blocked in take_gil(); cause = the holder
    WaitingCore,      // runnable, but every core is busy
    BlockedIo,        // blocked in a system call (socket read, sleep)
    Awaiting,         // a coroutine suspended at an await
    Ready,            // a coroutine in the loop's ready queue, waiting for its turn
    StartingProcess,  // interpreter start-up: fork, exec, imports
    Pickling,         // serialising arguments or results
    Unpickling,       // deserialising them
    WaitingLock,      // blocked on a threading.Lock / asyncio.Lock; cause = the holder
    HoldingGil,       // on a Gil track: cause = the holder's track
    Idle,             // alive, nothing to do
    WaitingQueue,     // blocked in queue.Queue.get/put or Event.wait: waiting for another task
    Count
};

enum class InstantKind : uint8_t {
    DropRequest,  // a waiter set gil_drop_request; track = the waiter, cause = the holder
    GilHandoff,   // the GIL changed hands; track = the new holder, cause = the previous one
    TaskStart,
    TaskEnd,
    TaskCancelled,
    ProcessStart,
    ProcessExit,
    Count
};

std::string_view TrackKindName(TrackKind kind);
std::string_view SpanStateName(SpanState state);
std::string_view InstantKindName(InstantKind kind);
bool ParseSpanState(std::string_view name, SpanState& out);
bool ParseTrackKind(std::string_view name, TrackKind& out);
bool ParseInstantKind(std::string_view name, InstantKind& out);

struct Track {
    std::string name;
    TrackKind kind = TrackKind::Thread;
    TrackId parent = TrackId::None();  // the process a thread belongs to, the loop a task runs on
};

struct Span {
    TimeNs start = 0;
    TimeNs end = 0;
    TrackId track = TrackId::None();
    TaskId task = TaskId::None();     // the work item this span advances, if any
    TrackId cause = TrackId::None();  // who we wait for (GIL or lock holder), who runs (Core, Gil tracks)
    SpanState state = SpanState::Idle;
};  // 32 bytes: a million-span trace is 32 MB. What only waits know lives in WaitDetail.
static_assert(sizeof(TrackId) == 4 && std::is_trivially_copyable_v<TrackId> && sizeof(Span) == 32);

// What a wait span knows beyond its cause, kept beside the spans (most spans are not waits).
struct WaitDetail {
    TrackId track = TrackId::None();  // the wait span's track and start: its key
    TimeNs start = 0;
    TimeNs causeSince = -1;     // since when the cause held what we wait for
    TimeNs dropRequestAt = -1;  // WaitingGil only: when this waiter set the drop request
};

struct Instant {
    TimeNs time = 0;
    TrackId track = TrackId::None();
    InstantKind kind = InstantKind::DropRequest;
    TrackId cause = TrackId::None();
    TaskId task = TaskId::None();
};

// A counter track's value from `time` on, until its next sample (a queue's depth after a put or a get).
struct CounterSample {
    TimeNs time = 0;
    TrackId track = TrackId::None();
    int64_t value = 0;
};
// Counter values the readers accept: within +-2^53, so a JSON double elsewhere holds them exactly.
inline constexpr int64_t kMaxCounterValue = (int64_t{1} << 53);

struct TaskRecord {
    std::string name;     // "fetch[3]"
    TimeNs submitted = 0;
    TimeNs started = -1;
    TimeNs finished = -1;
    bool failed = false;
    bool cancelled = false;
};

struct LatencyPercentiles {
    TimeNs p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// Summary figures. Durations in ns; ratios as plain doubles.
struct Metrics {
    TimeNs makespan = 0;
    TimeNs sequentialMakespan = 0;  // the same workload run sequentially (0 if unknown)
    double speedup = 0;             // sequentialMakespan / makespan
    std::vector<double> coreUtilisation;  // busy / makespan, one per core
    double cpuUtilisation = 0;            // mean of coreUtilisation
    TimeNs gilWait = 0;                   // summed over threads
    TimeNs coreWait = 0;
    TimeNs lockWait = 0;
    TimeNs processStart = 0;
    TimeNs pickling = 0;
    TimeNs unpickling = 0;
    TimeNs threadStart = 0;
    TimeNs loopOverhead = 0;
    int64_t gilSwitches = 0;
    int64_t dropRequests = 0;
    TimeNs medianGilSlice = 0;  // median length of an uninterrupted GIL holding
    LatencyPercentiles latency;
    int64_t tasksDone = 0, tasksFailed = 0, tasksCancelled = 0;
    std::vector<std::pair<std::string, int64_t>> counters;  // shared counters' final values
};

struct Trace {
    std::string label;  // "threads x4", "CPython 3.11 (real)"
    std::string producer;  // "simulator", "cpp-runtime", "cpython"
    std::vector<Track> tracks;
    std::vector<Span> spans;
    std::vector<Instant> instants;
    std::vector<CounterSample> samples;  // on Counter tracks; by (track, time) after Finish()
    std::vector<TaskRecord> tasks;
    Metrics metrics;

    TrackId AddTrack(std::string name, TrackKind kind, TrackId parent = TrackId::None());
    // Records a wait span's detail; nothing when both times are negative (unknown).
    void AddWait(const Span& span, TimeNs causeSince, TimeNs dropRequestAt);
    // The detail of a wait span; causeSince and dropRequestAt are -1 when it has none.
    WaitDetail WaitOf(const Span& span) const;
    const std::vector<WaitDetail>& Waits() const { return m_waits; }
    // Sorts spans by (track, start), instants by (time, track) and wait details by (track, start), and
    // indexes the spans per track.
    // Call once all spans are in; SpansOf() needs it.
    void Finish();
    bool IsFinished() const { return !m_trackSpanBegin.empty(); }
    std::span<const Span> SpansOf(TrackId track) const;
    // A counter track's samples, by time (after Finish()).
    std::span<const CounterSample> SamplesOf(TrackId track) const;
    TimeNs EndTime() const;  // the latest span end or instant

private:
    friend class SpanRecorder;  // hands over spans grouped by track, with each track's first index

    std::vector<uint32_t> m_trackSpanBegin;  // size tracks+1 after Finish()
    std::vector<uint32_t> m_trackSampleBegin;  // the same for samples
    // Set by SpanRecorder::MoveInto: Finish() takes this index as is while it still covers every track
    // and every span (nothing was appended since, no track added).
    std::vector<uint32_t> m_recordedTrackBegin;
    std::vector<WaitDetail> m_waits;         // by (track, start) while m_waitsSorted
    bool m_waitsSorted = true;
};

// Derives the trace-only metrics (utilisation, waits, overheads, GIL slices, latencies) from the
// spans and task records; keeps makespan/sequentialMakespan if already set. Finishes the trace first
// if it is not yet (the metrics sum each track's spans).
void ComputeMetrics(Trace& trace);

}  // namespace interleave::trace

// Ids as keys of unordered maps: hashed as their value.
template <typename Tag>
struct std::hash<interleave::trace::TraceId<Tag>> {
    size_t operator()(interleave::trace::TraceId<Tag> id) const noexcept { return std::hash<int32_t>{}(id.value); }
};
