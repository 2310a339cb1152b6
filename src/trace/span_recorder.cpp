#include "trace/span_recorder.h"

#include <algorithm>
#include <cassert>
#include <new>

namespace interleave::trace {

namespace {

// Blocks outlive a recorder on the thread that made them, up to a cap: the playground simulates again
// and again on one thread (every edit, the models of a comparison, each point of the scaling sweep),
// and memory the process has not touched yet costs a page fault per 4 KB on first write.
constexpr size_t kCachedBlocksMax = 64;  // 16 MB a thread
thread_local std::vector<std::unique_ptr<std::byte[]>> t_spareBlocks;

}  // namespace

SpanRecorder::~SpanRecorder() { ReleaseBlocks(); }

void SpanRecorder::ReleaseBlocks() {
    for (auto& block : m_blocks) {
        if (t_spareBlocks.size() >= kCachedBlocksMax) break;
        t_spareBlocks.push_back(std::move(block));
    }
    m_blocks.clear();
}

Span* SpanRecorder::Allocate(uint32_t spans) {
    if (m_blockUsed + spans > kBlockSpans) {
        if (!t_spareBlocks.empty()) {
            m_blocks.push_back(std::move(t_spareBlocks.back()));
            t_spareBlocks.pop_back();
        } else {
            m_blocks.push_back(std::unique_ptr<std::byte[]>(new std::byte[sizeof(Span) * kBlockSpans]));
        }
        m_blockUsed = 0;
    }
    Span* data = reinterpret_cast<Span*>(m_blocks.back().get()) + m_blockUsed;
    m_blockUsed += spans;
    return data;
}

void SpanRecorder::Add(const Span& span) {
    assert(span.track >= 0);
    const auto track = static_cast<size_t>(span.track);
    if (track >= m_tracks.size()) m_tracks.resize(std::max(track + 1, m_tracks.size() * 2));
    TrackChunks& chunks = m_tracks[track];
    if (chunks.last == kNoChunk || m_chunks[chunks.last].fill == m_chunks[chunks.last].capacity) {
        const uint32_t capacity = chunks.last == kNoChunk ? kFirstChunkSpans : std::min(m_chunks[chunks.last].capacity * 2, kMaxChunkSpans);
        const auto index = static_cast<uint32_t>(m_chunks.size());
        m_chunks.push_back(Chunk{Allocate(capacity), 0, capacity, kNoChunk});
        if (chunks.last == kNoChunk) chunks.first = index;
        else m_chunks[chunks.last].next = index;
        chunks.last = index;
    }
    Chunk& chunk = m_chunks[chunks.last];
    new (chunk.data + chunk.fill++) Span(span);
    ++m_size;
}

void SpanRecorder::MoveInto(Trace& trace) {
    assert(trace.spans.empty());
    trace.spans.reserve(m_size);  // reserve, not resize: each span is written once, by the copy
    for (const TrackChunks& track : m_tracks) {
        for (uint32_t c = track.first; c != kNoChunk; c = m_chunks[c].next) {
            const Chunk& chunk = m_chunks[c];
            trace.spans.insert(trace.spans.end(), chunk.data, chunk.data + chunk.fill);
        }
    }
    m_tracks.clear();
    m_chunks.clear();
    ReleaseBlocks();
    m_blockUsed = kBlockSpans;
    m_size = 0;
}

}  // namespace interleave::trace
