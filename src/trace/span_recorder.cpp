#include "trace/span_recorder.h"

#include <algorithm>
#include <cassert>
#include <new>

namespace interleave::trace {

namespace {

// Blocks outlive a recorder on the thread that made them, up to a cap: the playground simulates again
// and again on one thread (every edit, the models of a comparison, each point of the scaling sweep),
// and memory the process has not touched yet costs a page fault per 4 KB on first write.
constexpr size_t kCachedSpansMax = size_t{16} << 20 >> 5;  // 16 MB of 32-byte spans a thread
thread_local std::vector<SpanRecorder::Block> t_spareBlocks;
thread_local size_t t_spareSpans = 0;

}  // namespace

SpanRecorder::~SpanRecorder() { ReleaseBlocks(); }

void SpanRecorder::ReleaseBlocks() {
    for (Block& block : m_blocks) {
        if (t_spareSpans + block.spans > kCachedSpansMax) continue;
        t_spareSpans += block.spans;
        t_spareBlocks.push_back(std::move(block));
    }
    m_blocks.clear();
    m_blockUsed = 0;
}

Span* SpanRecorder::Allocate(uint32_t spans) {
    if (m_blocks.empty() || m_blockUsed + spans > m_blocks.back().spans) {
        if (!t_spareBlocks.empty()) {
            t_spareSpans -= t_spareBlocks.back().spans;
            m_blocks.push_back(std::move(t_spareBlocks.back()));
            t_spareBlocks.pop_back();
        } else {
            const size_t size = m_blocks.empty() ? kFirstBlockSpans : std::min(m_blocks.back().spans * 2, kMaxBlockSpans);
            m_blocks.push_back(Block{std::unique_ptr<std::byte[]>(new std::byte[sizeof(Span) * size]), size});
        }
        m_blockUsed = 0;
    }
    Span* data = reinterpret_cast<Span*>(m_blocks.back().storage.get()) + m_blockUsed;
    m_blockUsed += spans;
    return data;
}

void SpanRecorder::AddToNewChunk(const Span& span) {
    assert(span.track.Valid());
    const auto track = span.track.Index();
    if (track >= m_tracks.size()) m_tracks.resize(std::max(track + 1, m_tracks.size() * 2));
    TrackChunks& chunks = m_tracks[track];
    uint32_t capacity = kFirstChunkSpans;
    if (chunks.last != kNoChunk) capacity = std::min(m_chunks[chunks.last].capacity * 2, kMaxChunkSpans);
    const auto index = static_cast<uint32_t>(m_chunks.size());
    Span* data = Allocate(capacity);
    m_chunks.push_back(Chunk{data, capacity, kNoChunk});
    if (chunks.last == kNoChunk) chunks.first = index;
    else m_chunks[chunks.last].next = index;
    chunks.last = index;
    chunks.cursor = data;
    chunks.limit = data + capacity;
    new (chunks.cursor++) Span(span);
    ++m_size;
}

void SpanRecorder::MoveInto(Trace& trace) {
    assert(trace.spans.empty());
    trace.spans.reserve(m_size);  // reserve, not resize: each span is written once, by the copy
    // Each of the trace's tracks' first index, for Trace::Finish(); it takes them only if they cover every
    // span (none was recorded on a track the trace does not have).
    const size_t tracks = trace.tracks.size();
    std::vector<uint32_t>& begin = trace.m_recordedTrackBegin;
    begin.clear();
    for (size_t t = 0; t < m_tracks.size(); ++t) {
        if (t <= tracks) begin.push_back(static_cast<uint32_t>(trace.spans.size()));
        const TrackChunks& track = m_tracks[t];
        for (uint32_t c = track.first; c != kNoChunk; c = m_chunks[c].next) {
            const Chunk& chunk = m_chunks[c];
            Span* const end = c == track.last ? track.cursor : chunk.data + chunk.capacity;
            trace.spans.insert(trace.spans.end(), chunk.data, end);
        }
    }
    begin.resize(tracks + 1, static_cast<uint32_t>(trace.spans.size()));
    m_tracks.clear();
    m_chunks.clear();
    ReleaseBlocks();
    m_size = 0;
}

}  // namespace interleave::trace
