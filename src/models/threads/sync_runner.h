#pragma once
// Runs one task's steps the synchronous way (sequential code, a thread, a pool worker): every wait
// blocks the calling thread. Shared by the sequential, threads, free-threaded and process models.
#include "models/workload.h"
#include "models/world/world.h"

namespace interleave::models {

// queue.Queue and threading.Event shared by the threads of one process, as Lib/queue.py and Lib/threading.py build
// them on threading.Condition: a put waits on not_full while the queue holds maxsize items and then notifies one
// getter; a get waits on not_empty while it is empty and then notifies one putter; Event.set() notifies every
// waiter. A woken thread takes the GIL back and checks again (the `while` round Condition.wait()), so an item another
// thread took first sends it back to waiting, as in CPython.
class SyncChannels {
public:
    SyncChannels(World& world, const scenario::Scenario& scenario);
    // A counter lane per queue (its depth), under `process`: called once the threads' lanes exist, so the queues'
    // come after them.
    void AddLanes(World& world, trace::TrackId process);
    // Does the step's put, get, set or wait now if it can (true); otherwise says which signal to wait on.
    bool TryNow(World& world, const scenario::Step& step, SignalIndex& waitOn);

private:
    void RecordDepth(World& world, size_t queue);
    std::vector<trace::TrackId> m_lane;  // per name: the queue's depth lane, or none
    std::vector<int64_t> m_items;     // per name: items in the queue
    std::vector<int32_t> m_maxsize;   // per name: 0 = unbounded
    std::vector<uint8_t> m_eventSet;  // per name: the event's flag
    std::vector<SignalIndex> m_notEmpty, m_notFull;  // per queue: its two conditions; per event: m_notEmpty
};

class SyncRunner {
public:
    void Begin(trace::TaskId task) {
        m_task = task;
        m_step = 0;
        m_failed = false;
        m_channelCallMade = false;
    }
    // The task's next action; false when it has none left (finished, or failed at a `fail` step). `channels` is the
    // process's queues and events (nullptr where the scenario has none: plan::Unsupported refuses them in pools).
    bool Next(World& world, const Workload& workload, SyncChannels* channels, Action& out);
    bool Failed() const { return m_failed; }
    trace::TaskId Task() const { return m_task; }

private:
    trace::TaskId m_task = trace::kNone;
    size_t m_step = 0;
    bool m_failed = false;
    bool m_channelCallMade = false;  // the current put/get/set/wait has run its Python code and now checks
};

// The action for one CPU/C/I/O step (also the body of asyncio.to_thread): `duration` as it runs (plan::InPlace and
// plan::ScaledPython apply the free-threaded slowdown before).
Action StepAction(scenario::StepKind kind, TimeNs duration, trace::TaskId task);

}  // namespace interleave::models
