#pragma once
// Collects spans as a producer closes them and hands them to a Trace already grouped by track.
//
// A producer closes spans in time order, interleaved across tracks; the trace wants each track's spans
// contiguous. Sorting a flat vector afterwards scatters every span to a random place (a cache miss each)
// and needs a second buffer as large as the first. Here each track fills chunks of its own, so the
// hand-over is one sequential copy per chunk into an exactly-sized vector. A track's chunks start small
// and double, so ten thousand one-span task tracks cost little, and a busy track few chunks.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "trace/trace.h"

namespace interleave::trace {

class SpanRecorder {
public:
    SpanRecorder() = default;
    SpanRecorder(const SpanRecorder&) = delete;
    SpanRecorder& operator=(const SpanRecorder&) = delete;
    ~SpanRecorder();

    // Precondition: span.track >= 0. The common case, room in the track's chunk, is inline.
    void Add(const Span& span) {
        const auto track = span.track.Index();
        if (track < m_tracks.size() && m_tracks[track].cursor != m_tracks[track].limit) {
            new (m_tracks[track].cursor++) Span(span);
            ++m_size;
            return;
        }
        AddToNewChunk(span);
    }
    size_t Size() const { return m_size; }
    // Appends every recorded span to trace.spans (which must be empty), grouped by track in order of
    // track id and in the order each track got them, and empties the recorder.
    void MoveInto(Trace& trace);

private:
    static constexpr uint32_t kFirstChunkSpans = 2;
    static constexpr uint32_t kMaxChunkSpans = 512;
    // Chunks are carved out of blocks that double from 256 KB to 16 MB: a small trace stays small, and a
    // large one's blocks are big enough for huge pages where the process asks for them (platform/memory.h).
    static constexpr size_t kFirstBlockSpans = 8192;
    static constexpr size_t kMaxBlockSpans = 524288;

    static constexpr uint32_t kNoChunk = UINT32_MAX;

    struct Chunk {
        Span* data = nullptr;
        uint32_t capacity = 0;     // all used but in the track's last chunk, which is used up to its cursor
        uint32_t next = kNoChunk;  // the track's following chunk
    };
    struct TrackChunks {
        Span* cursor = nullptr;  // where the track's next span goes, in its last chunk
        Span* limit = nullptr;   // the end of that chunk
        uint32_t first = kNoChunk;
        uint32_t last = kNoChunk;
    };

    void AddToNewChunk(const Span& span);
    Span* Allocate(uint32_t spans);
    void ReleaseBlocks();

    // Flat tables, no allocation per track: a trace can have tens of thousands of one-span task tracks.
    std::vector<TrackChunks> m_tracks;
    std::vector<Chunk> m_chunks;
public:
    struct Block {
        std::unique_ptr<std::byte[]> storage;  // raw: each span is written before it is read
        size_t spans = 0;
    };

private:
    std::vector<Block> m_blocks;
    size_t m_blockUsed = 0;  // spans handed out of the last block
    size_t m_size = 0;
};

}  // namespace interleave::trace
