#pragma once
// multiprocessing.Queue between the C++ pool runtime's worker processes, as models/pool/process_queues.h simulates
// it (Lib/multiprocessing/queues.py): put() runs its Python (mp_queue_put) holding the process's GIL, takes the
// queue's semaphore (blocking, without the GIL, while maxsize items are in the queue) and hands the item to the
// process's feeder thread for that queue, started by the process's first put() on it; the feeder takes the GIL,
// pickles the item into the pipe (mp_queue_feed, a Pickling span on its own lane) and drops the GIL; get() waits,
// without the GIL, until an item is in the pipe, takes it and reads and unpickles it (mp_queue_get) holding the GIL.
//
// A queue that is a multiprocessing.Pipe (plan::IsProcessPipe) has no semaphore and no feeder: send() pickles and
// writes in the caller (mp_pipe_send, a Pickling span holding the GIL), waiting without the GIL while the OS pipe
// holds plan::kPipeCapacity objects; recv() is get() with mp_pipe_recv. No depth lane.
//
// The counts live in shared memory (a memfd every worker inherits: fork, the fork server's children, and spawned
// workers, which get its number), under a process-shared mutex. CPython hangs on a deadlock; here, when every worker
// that runs a task waits in a put or get, no item is on its way, and no idle worker can take a task still to come,
// each wait returns false (the task fails) and Deadlock() names what the first waiter waited for.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "native/runtime.h"

namespace interleave::native {

// A feeder thread's lane is made by the parent when the first of its spans arrives: until then its spans name this
// placeholder track (one per queue name), which the parent replaces with the worker's own feeder lane.
inline constexpr trace::TrackId kFeederLanePlaceholder(-1000);
inline bool IsFeederPlaceholder(trace::TrackId track) {
    return track <= kFeederLanePlaceholder && track > trace::TrackId(-100000);
}
inline int32_t FeederPlaceholderQueue(trace::TrackId track) {
    return kFeederLanePlaceholder.value - track.value;
}
// So for a queue's depth lane, which the parent makes after the workers' lanes: a worker's samples name
// kDepthLanePlaceholder - queue until the parent replaces it.
inline constexpr trace::TrackId kDepthLanePlaceholder(-100000);

class ProcessQueues {
public:
    struct Shared;  // what the processes share (process_queues.cpp)
    // The parent's, before any worker starts: `chunks` is how many chunks map() will hand out.
    static std::unique_ptr<ProcessQueues> Create(const scenario::Scenario& scenario, int32_t workers, int32_t chunks,
                                                 std::string& error);
    // A worker's, from the inherited descriptor; `depthLanes` per name (ProcessQueues::Fd in the init message).
    static std::unique_ptr<ProcessQueues> Attach(const scenario::Scenario& scenario, int fd,
                                                 std::vector<trace::TrackId> depthLanes, std::string& error);
    ~ProcessQueues();
    ProcessQueues(const ProcessQueues&) = delete;
    ProcessQueues& operator=(const ProcessQueues&) = delete;
    int Fd() const { return m_fd; }

    // The parent: a chunk goes to a worker (it runs tasks until its result is back).
    void ChunkSent();
    // A worker, once its chunk's tasks are over and it dropped the GIL: its feeders have written what its tasks put
    // (their spans are then in `into`), and the worker no longer counts as running.
    void ChunkDone(Actor& into);
    // A worker leaving: its feeder threads write what is left and end.
    void StopFeeders();

    // A put or get step on the queue `step.name`, on a thread holding `gil` (when not null). False: a deadlock.
    bool Put(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task);
    bool Get(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task);
    std::string Deadlock() const;  // "" while there is none

private:
    struct Feeder;
    ProcessQueues(const scenario::Scenario& scenario, int fd, void* memory, size_t size);
    // Blocks (without the GIL, the shared mutex held by `lock`'s owner) until `ready` holds or a deadlock is found.
    template <typename Ready>
    bool WaitShared(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task, Ready ready);
    bool Send(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task);  // a pipe's put
    void CheckDeadlockLocked(int32_t name, scenario::StepKind kind);  // under the shared mutex
    void RecordDepthLocked(Actor& actor, size_t name);                // under the shared mutex
    void FeederLoop(Feeder& feeder);

    const scenario::Scenario& m_scenario;
    std::vector<int32_t> m_maxsize;  // per name: 0 = unbounded; a pipe's capacity
    std::vector<uint8_t> m_pipe;     // per name: a multiprocessing.Pipe
    int m_fd = -1;
    void* m_memory = nullptr;
    size_t m_size = 0;
    Shared* m_shared = nullptr;
    int64_t* m_items = nullptr;   // per name: put and not yet taken (the semaphore's count)
    int64_t* m_inPipe = nullptr;  // per name: written by a feeder, not yet read
    int64_t* m_waitingGet = nullptr;  // per name: task threads blocked in get()
    int64_t* m_waitingPut = nullptr;  // ... and in put()
    std::vector<trace::TrackId> m_depthLanes;
    Gil* m_gil = nullptr;  // this process's, for its feeders (set by the first put)
    // This process's feeders, by queue name, and what they hand to the worker's main thread.
    std::mutex m_local;
    std::condition_variable m_localChanged;
    std::vector<std::unique_ptr<Feeder>> m_feeders;
    Actor m_outbox;
};

}  // namespace interleave::native
