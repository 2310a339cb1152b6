#pragma once
// Collects spans as a producer closes them and hands them to a Trace already grouped by track.
//
// A producer closes spans in time order, interleaved across tracks; the trace wants each track's spans
// contiguous. Sorting a flat vector afterwards scatters every span to a random place (a cache miss each)
// and needs a second buffer as large as the first. Here each track fills small chunks of its own, so
// the hand-over is one sequential copy per chunk into an exactly-sized vector.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "trace/trace.h"

namespace interleave::trace {

class SpanRecorder {
public:
    // Precondition: span.track >= 0. Spans of one track must come in order of start.
    void Add(const Span& span);
    size_t Size() const { return m_size; }
    // Appends every recorded span to trace.spans (which must be empty), grouped by track in order of
    // track id, and empties the recorder.
    void MoveInto(Trace& trace);

private:
    static constexpr uint32_t kChunkSpans = 64;
    static constexpr uint32_t kBlockChunks = 64;  // chunks are carved out of blocks of 4096 spans
    static constexpr uint32_t kNoChunk = UINT32_MAX;

    struct TrackChunks {
        std::vector<uint32_t> chunks;
        uint32_t fill = kChunkSpans;  // spans in the last chunk
    };

    Span* ChunkData(uint32_t chunk) {
        return reinterpret_cast<Span*>(m_blocks[chunk / kBlockChunks].get()) + (chunk % kBlockChunks) * kChunkSpans;
    }
    uint32_t NewChunk();

    std::vector<TrackChunks> m_tracks;
    std::vector<std::unique_ptr<std::byte[]>> m_blocks;  // raw storage for kBlockChunks chunks each
    uint32_t m_chunksUsed = 0;
    size_t m_size = 0;
};

}  // namespace interleave::trace
