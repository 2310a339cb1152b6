// The Perfetto writer (trace_perfetto.h): a protobuf encoder for the few messages it needs.
#include "trace/trace_perfetto.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace interleave::trace {

namespace {

// ---- protobuf wire format ----------------------------------------------------------------------------------
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

class Message {
public:
    void Varint(uint32_t field, uint64_t value) {
        Key(field, kVarint);
        Raw(value);
    }
    void SignedVarint(uint32_t field, int64_t value) { Varint(field, static_cast<uint64_t>(value)); }  // int64: two's complement
    void Fixed64(uint32_t field, uint64_t value) {
        Key(field, kFixed64);
        for (int i = 0; i < 8; ++i) m_bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
    }
    void Bytes(uint32_t field, const std::string& value) {
        Key(field, kLengthDelimited);
        Raw(value.size());
        m_bytes += value;
    }
    void Nested(uint32_t field, const Message& value) { Bytes(field, value.m_bytes); }
    const std::string& Data() const { return m_bytes; }

private:
    void Key(uint32_t field, WireType type) { Raw((uint64_t{field} << 3) | type); }
    void Raw(uint64_t value) {
        while (value >= 0x80) {
            m_bytes.push_back(static_cast<char>((value & 0x7f) | 0x80));
            value >>= 7;
        }
        m_bytes.push_back(static_cast<char>(value));
    }
    std::string m_bytes;
};

// Field numbers (Perfetto's protos).
namespace field {
constexpr uint32_t kTracePacket = 1;  // Trace.packet
// TracePacket
constexpr uint32_t kTimestamp = 8, kSequenceId = 10, kTrackEvent = 11, kSequenceFlags = 13, kTrackDescriptor = 60;
// TrackDescriptor
constexpr uint32_t kUuid = 1, kName = 2, kProcess = 3, kThread = 4, kParentUuid = 5, kCounter = 8;
// ProcessDescriptor / ThreadDescriptor
constexpr uint32_t kPid = 1, kTid = 2, kProcessName = 6, kThreadName = 5;
// TrackEvent
constexpr uint32_t kType = 9, kTrackUuid = 11, kEventName = 23, kCounterValue = 30, kFlowIds = 47,
                   kTerminatingFlowIds = 48;
}  // namespace field
enum EventType : uint64_t { kSliceBegin = 1, kSliceEnd = 2, kInstant = 3, kCounterEvent = 4 };
constexpr uint64_t kSequence = 1;
constexpr uint64_t kIncrementalStateCleared = 1;

uint64_t Uuid(TrackId track) {
    return static_cast<uint64_t>(track.value) + 1;
}

struct Event {
    TimeNs time;
    int order;  // at one time: ends, then counters, then begins, then instants (slices on a lane never overlap)
    Message body;
};

}  // namespace

std::string ToPerfetto(const Trace& t) {
    Message trace;
    auto packet = [&](Message& p) {
        p.Varint(field::kSequenceId, kSequence);
        trace.Nested(field::kTracePacket, p);
    };
    auto valid = [&](TrackId id) { return id.Valid() && id.Index() < t.tracks.size(); };
    // The process a lane belongs to (its outermost parent), for pids.
    auto root = [&](TrackId id) {
        for (int hops = 0; hops < 16 && valid(t.tracks[id.Index()].parent); ++hops)
            id = t.tracks[id.Index()].parent;
        return id;
    };

    // ---- tracks ----
    bool first = true;
    for (size_t i = 0; i < t.tracks.size(); ++i) {
        const Track& track = t.tracks[i];
        const TrackId id = static_cast<TrackId>(i);
        Message descriptor;
        descriptor.Varint(field::kUuid, Uuid(id));
        const TrackId parent = track.parent;
        if (track.kind == TrackKind::Process && !valid(parent)) {
            Message process;
            process.Varint(field::kPid, Uuid(id));
            process.Bytes(field::kProcessName, track.name);
            descriptor.Nested(field::kProcess, process);
        } else if (track.kind == TrackKind::Thread && valid(parent) &&
                   t.tracks[parent.Index()].kind == TrackKind::Process) {
            Message thread;
            thread.Varint(field::kPid, Uuid(root(id)));
            thread.Varint(field::kTid, 100000 + Uuid(id));  // unique, and apart from the pids
            thread.Bytes(field::kThreadName, track.name);
            descriptor.Nested(field::kThread, thread);
        } else {
            descriptor.Bytes(field::kName, track.name);
            if (valid(parent)) descriptor.Varint(field::kParentUuid, Uuid(parent));
            if (track.kind == TrackKind::Counter) descriptor.Nested(field::kCounter, Message{});  // a queue's depth
        }
        Message p;
        if (first) p.Varint(field::kSequenceFlags, kIncrementalStateCleared), first = false;
        p.Nested(field::kTrackDescriptor, descriptor);
        packet(p);
    }
    const uint64_t coresBusyUuid = t.tracks.size() + 1;
    {
        Message descriptor;
        descriptor.Varint(field::kUuid, coresBusyUuid);
        descriptor.Bytes(field::kName, "cores busy");
        descriptor.Nested(field::kCounter, Message{});
        Message p;
        if (first) p.Varint(field::kSequenceFlags, kIncrementalStateCleared), first = false;
        p.Nested(field::kTrackDescriptor, descriptor);
        packet(p);
    }

    // ---- events, in time order ----
    std::vector<Event> events;
    events.reserve(2 * t.spans.size() + t.instants.size());
    auto taskName = [&](TaskId task) -> std::string {
        return task.Valid() && task.Index() < t.tasks.size() ? t.tasks[task.Index()].name : "";
    };
    std::vector<std::pair<TimeNs, int>> coreChanges;  // +1 at a core span's start, -1 at its end
    for (const Span& span : t.spans) {
        if (!valid(span.track) || span.end < span.start) continue;
        std::string name(SpanStateName(span.state));
        if (const std::string task = taskName(span.task); !task.empty()) name.append(" ").append(task);
        Message begin;
        begin.Varint(field::kType, kSliceBegin);
        begin.Varint(field::kTrackUuid, Uuid(span.track));
        begin.Bytes(field::kEventName, name);
        Message end;
        end.Varint(field::kType, kSliceEnd);
        end.Varint(field::kTrackUuid, Uuid(span.track));
        events.push_back({span.start, 2, std::move(begin)});
        events.push_back({span.end, 0, std::move(end)});
        if (t.tracks[span.track.Index()].kind == TrackKind::Core && span.state != SpanState::Idle) {
            coreChanges.emplace_back(span.start, +1);
            coreChanges.emplace_back(span.end, -1);
        }
    }
    // Flows: each drop request to the next hand-off away from the holder it asked.
    std::vector<size_t> marks(t.instants.size());
    for (size_t i = 0; i < marks.size(); ++i) marks[i] = i;
    std::stable_sort(marks.begin(), marks.end(), [&](size_t a, size_t b) { return t.instants[a].time < t.instants[b].time; });
    std::vector<std::vector<uint64_t>> flowsOut(t.instants.size()), flowsIn(t.instants.size());
    std::vector<std::pair<TrackId, uint64_t>> pending;  // (holder asked, flow id)
    uint64_t nextFlow = 1;
    for (size_t i : marks) {
        const Instant& mark = t.instants[i];
        if (mark.kind == InstantKind::DropRequest && valid(mark.cause)) {
            flowsOut[i].push_back(nextFlow);
            pending.emplace_back(mark.cause, nextFlow++);
        } else if (mark.kind == InstantKind::GilHandoff) {
            for (auto it = pending.begin(); it != pending.end();) {
                if (it->first == mark.cause) {
                    flowsIn[i].push_back(it->second);
                    it = pending.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }
    for (size_t i = 0; i < t.instants.size(); ++i) {
        const Instant& mark = t.instants[i];
        if (!valid(mark.track)) continue;
        std::string name(InstantKindName(mark.kind));
        if (const std::string task = taskName(mark.task); !task.empty()) name.append(" ").append(task);
        if (valid(mark.cause)) name.append(" (").append(t.tracks[mark.cause.Index()].name).append(")");
        Message instant;
        instant.Varint(field::kType, kInstant);
        instant.Varint(field::kTrackUuid, Uuid(mark.track));
        instant.Bytes(field::kEventName, name);
        for (uint64_t flow : flowsOut[i]) instant.Fixed64(field::kFlowIds, flow);
        for (uint64_t flow : flowsIn[i]) instant.Fixed64(field::kTerminatingFlowIds, flow);
        events.push_back({mark.time, 3, std::move(instant)});
    }
    for (const CounterSample& sample : t.samples) {
        if (!valid(sample.track) || t.tracks[sample.track.Index()].kind != TrackKind::Counter) continue;
        Message counter;
        counter.Varint(field::kType, kCounterEvent);
        counter.Varint(field::kTrackUuid, Uuid(sample.track));
        counter.SignedVarint(field::kCounterValue, sample.value);
        events.push_back({sample.time, 1, std::move(counter)});
    }
    std::stable_sort(coreChanges.begin(), coreChanges.end());
    int64_t busy = 0;
    for (size_t i = 0; i < coreChanges.size();) {
        const TimeNs at = coreChanges[i].first;
        for (; i < coreChanges.size() && coreChanges[i].first == at; ++i) busy += coreChanges[i].second;
        Message counter;
        counter.Varint(field::kType, kCounterEvent);
        counter.Varint(field::kTrackUuid, coresBusyUuid);
        counter.SignedVarint(field::kCounterValue, busy);
        events.push_back({at, 1, std::move(counter)});
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        return a.time != b.time ? a.time < b.time : a.order < b.order;
    });
    for (const Event& event : events) {
        Message p;
        p.Varint(field::kTimestamp, static_cast<uint64_t>(std::max<TimeNs>(event.time, 0)));
        p.Nested(field::kTrackEvent, event.body);
        packet(p);
    }
    return trace.Data();
}

}  // namespace interleave::trace
