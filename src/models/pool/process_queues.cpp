#include "models/pool/process_queues.h"

#include <string>

#include "plan/plan.h"

namespace interleave::models {

using trace::SpanState;

struct ProcessQueues::Feeder {
    int32_t queue = -1;
    int64_t buffered = 0;  // items put in this process that the feeder has not written yet
    bool closing = false;  // its process is leaving: write what is buffered, then leave
    SignalIndex wake;      // the buffer's condition (Queue._notempty)
};

// Queue._feed: waits for the buffer, then pickles and writes its items one at a time.
class ProcessQueues::FeederThread : public Program {
public:
    FeederThread(ProcessQueues& queues, Feeder& feeder) : m_queues(queues), m_feeder(feeder) {}
    Action Next(World& world, ThreadIndex self) override {
        const auto q = static_cast<size_t>(m_feeder.queue);
        if (m_writing) {  // the item is in the pipe: one get() can take it, and a reader asleep in it wakes
            m_writing = false;
            ++m_queues.m_inPipe[q];
            world.NotifyOne(m_queues.m_notEmpty[q], self);
        }
        if (m_feeder.buffered > 0) {
            --m_feeder.buffered;
            m_writing = true;
            return Action::Compute(world.Profile().mpQueueFeed, true, SpanState::Pickling, trace::TaskId::None());
        }
        if (m_feeder.closing) return Action::Exit();
        return Action::Wait(m_feeder.wake, SpanState::Idle);
    }

private:
    ProcessQueues& m_queues;
    Feeder& m_feeder;
    bool m_writing = false;
};

ProcessQueues::ProcessQueues(World& world, const scenario::Scenario& scenario, Programs& programs)
    : m_programs(programs) {
    const size_t names = scenario.names.size();
    const std::vector<uint8_t> uses = scenario::NameUses(scenario);
    m_items.assign(names, 0);
    m_inPipe.assign(names, 0);
    m_maxsize = scenario.QueueMaxsizes();
    m_pipe.assign(names, 0);
    m_notEmpty.assign(names, SignalIndex{});
    m_notFull.assign(names, SignalIndex{});
    for (size_t i = 0; i < names; ++i) {
        if (!scenario::UsedAs(uses[i], scenario::NameKind::Queue)) continue;
        if (plan::IsProcessPipe(scenario, static_cast<int32_t>(i))) {
            m_pipe[i] = 1;
            m_maxsize[i] = plan::kPipeCapacity;
            m_notEmpty[i] = world.AddSignal("an object in multiprocessing.Pipe \"" + scenario.names[i] + "\"");
            m_notFull[i] = world.AddSignal("room in the OS pipe of multiprocessing.Pipe \"" + scenario.names[i] + "\" (" +
                                           std::to_string(plan::kPipeCapacity) + " objects)");
            continue;
        }
        m_notEmpty[i] = world.AddSignal("an item in the pipe of multiprocessing.Queue \"" + scenario.names[i] + "\"");
        m_notFull[i] = world.AddSignal("room on multiprocessing.Queue \"" + scenario.names[i] + "\" (maxsize " +
                                       std::to_string(m_maxsize[i]) + ")");
    }
}

void ProcessQueues::AddLanes(World& world, trace::TrackId process) { m_lanes.Add(world, process, m_items); }

bool ProcessQueues::TryAcquire(World& world, int32_t queue, SignalIndex& waitOn) {
    const auto q = static_cast<size_t>(queue);
    if (m_maxsize[q] > 0 && m_items[q] >= m_maxsize[q]) {  // self._sem.acquire() blocks
        waitOn = m_notFull[q];
        return false;
    }
    ++m_items[q];  // the semaphore taken: qsize() counts the item from now on
    m_lanes.Record(world, q, m_items[q]);
    return true;
}

bool ProcessQueues::NeedsFeeder(World& world, ThreadIndex self, int32_t queue, ThreadIndex& feeder,
                                ThreadStartup*& startup) {
    const SimThread& thread = world.Thread(self);
    Feeder*& slot = m_feeders[{thread.interp.value, queue}];
    if (slot) return false;
    const std::string& name = world.Scenario().names[static_cast<size_t>(queue)];
    slot = m_programs.Keep<Feeder>();
    slot->queue = queue;
    slot->wake = world.AddSignal("items put on multiprocessing.Queue \"" + name + "\"");
    const std::string lane = plan::QueueFeederThreadName(name);
    // A pool worker's own lane is its process's: the feeder's lane goes under it.
    const trace::TrackId track = world.Trace().AddTrack(lane, trace::TrackKind::Thread, thread.track);
    feeder = AddStartedThread(world, m_programs, lane, thread.interp, track,
                              m_programs.Make<FeederThread>(*this, *slot), startup);
    return true;
}

void ProcessQueues::Append(World& world, ThreadIndex self, int32_t queue) {
    Feeder* feeder = m_feeders[{world.Thread(self).interp.value, queue}];
    ++feeder->buffered;  // self._buffer.append(obj); self._notempty.notify()
    world.NotifyOne(feeder->wake, self);
}

bool ProcessQueues::TryGet(World& world, ThreadIndex self, int32_t queue, SignalIndex& waitOn) {
    const auto q = static_cast<size_t>(queue);
    if (m_inPipe[q] == 0) {  // self._recv_bytes() blocks on the pipe
        waitOn = m_notEmpty[q];
        return false;
    }
    --m_inPipe[q];
    --m_items[q];  // self._sem.release()
    m_lanes.Record(world, q, m_items[q]);
    world.NotifyOne(m_notFull[q], self);  // sem_post() to a put() blocked in sem_wait()
    return true;
}

bool ProcessQueues::TrySend(World& world, ThreadIndex self, int32_t queue, SignalIndex& waitOn) {
    const auto q = static_cast<size_t>(queue);
    if (m_items[q] >= m_maxsize[q]) {  // os.write() blocks on a full pipe
        waitOn = m_notFull[q];
        return false;
    }
    ++m_items[q];
    ++m_inPipe[q];
    world.NotifyOne(m_notEmpty[q], self);  // the write wakes a recv() asleep in read()
    return true;
}

void ProcessQueues::CloseProcess(World& world, InterpIndex interp) {
    for (auto& [key, feeder] : m_feeders) {
        if (key.first != interp.value) continue;
        feeder->closing = true;
        world.Notify(feeder->wake);
    }
}

}  // namespace interleave::models
