#pragma once
// The indices of the World's objects (threads, interpreters, signals), apart from world.h so that the World's
// collaborators (models/os/run_queue.h, world/span_recording.h, world/sync_objects.h) can name them without it.
#include <cstddef>
#include <cstdint>
#include <utility>

#include "trace/trace.h"

namespace interleave::models {

using trace::TimeNs;

// The index of one kind of World object. Threads, interpreters and signals each have their own type, apart from
// each other and from trace::TrackId (all int32 underneath), so passing a track where a thread is meant, or a lock
// where a signal is, does not compile. Default: none (-1).
template <typename Tag>
struct WorldId {
    int32_t value = -1;
    constexpr WorldId() = default;
    constexpr explicit WorldId(int32_t v) : value(v) {}
    constexpr bool Valid() const { return value >= 0; }
    constexpr size_t Index() const { return static_cast<size_t>(value); }
    constexpr uint32_t EventTarget() const { return static_cast<uint32_t>(value); }  // core::Event::target
    friend constexpr bool operator==(WorldId, WorldId) = default;
};
using ThreadIndex = WorldId<struct ThreadTag>;
using InterpIndex = WorldId<struct InterpTag>;
using SignalIndex = WorldId<struct SignalTag>;

// A container indexed by one WorldId type only.
template <typename Id, typename Container>
class ById {
public:
    auto& operator[](Id id) { return m_items[id.Index()]; }
    const auto& operator[](Id id) const { return m_items[id.Index()]; }
    Id push_back(typename Container::value_type item) {
        m_items.push_back(std::move(item));
        return Id(static_cast<int32_t>(m_items.size() - 1));
    }
    size_t size() const { return m_items.size(); }
    auto begin() { return m_items.begin(); }
    auto end() { return m_items.end(); }
    auto begin() const { return m_items.begin(); }
    auto end() const { return m_items.end(); }

private:
    Container m_items;
};

}  // namespace interleave::models
