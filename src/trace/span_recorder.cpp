#include "trace/span_recorder.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <new>

namespace interleave::trace {

uint32_t SpanRecorder::NewChunk() {
    if (m_chunksUsed == m_blocks.size() * kBlockChunks)
        m_blocks.push_back(std::unique_ptr<std::byte[]>(new std::byte[sizeof(Span) * kBlockChunks * kChunkSpans]));  // not zeroed: written before read
    return m_chunksUsed++;
}

void SpanRecorder::Add(const Span& span) {
    assert(span.track >= 0);
    const auto track = static_cast<size_t>(span.track);
    if (track >= m_tracks.size()) m_tracks.resize(track + 1);
    TrackChunks& chunks = m_tracks[track];
    if (chunks.fill == kChunkSpans) {
        chunks.chunks.push_back(NewChunk());
        chunks.fill = 0;
    }
    new (ChunkData(chunks.chunks.back()) + chunks.fill++) Span(span);
    ++m_size;
}

void SpanRecorder::MoveInto(Trace& trace) {
    assert(trace.spans.empty());
    trace.spans.reserve(m_size);  // reserve, not resize: each span is written once, by the copy
    for (TrackChunks& track : m_tracks) {
        for (size_t i = 0; i < track.chunks.size(); ++i) {
            const uint32_t count = i + 1 == track.chunks.size() ? track.fill : kChunkSpans;
            const Span* chunk = ChunkData(track.chunks[i]);
            trace.spans.insert(trace.spans.end(), chunk, chunk + count);
        }
    }
    m_tracks.clear();
    m_blocks.clear();
    m_chunksUsed = 0;
    m_size = 0;
}

}  // namespace interleave::trace
