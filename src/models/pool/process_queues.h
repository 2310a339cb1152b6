#pragma once
// multiprocessing.Queue between a process pool's workers (Lib/multiprocessing/queues.py, the same in 3.11 to 3.15):
//  - put() takes the queue's bounded semaphore first (maxsize of them; unbounded without one), blocking while maxsize
//    items are in the queue; then it appends the item to its process's buffer, starts the process's feeder thread if
//    it has none (threading.Thread.start() at the process's first put() on that queue) and wakes it;
//  - the feeder thread (one per queue and process, "QueueFeederThread") takes the buffered items one at a time,
//    pickles each and writes it to the queue's pipe under the queue's write lock;
//  - get() reads one item from the pipe under the read lock (blocking while the pipe holds none), releases the
//    semaphore, then unpickles the item.
// So an item put is not in the pipe, and no get() elsewhere can take it, until its process's feeder thread ran, and
// that thread competes for its process's GIL with the task that put it. qsize() (the depth lane) counts items put and
// not yet taken, as the semaphore does.
//
// A queue that is a multiprocessing.Pipe (plan::IsProcessPipe, Lib/multiprocessing/connection.py) has none of that:
// send() pickles the object and writes it in the caller (the caller pays mp_pipe_send, then TrySend), blocking in the
// write while the OS pipe is full (plan::kPipeCapacity objects); recv() is the queue's get() without the semaphore. No
// depth lane: a pipe cannot say how much it holds.
//
// A call that wakes a thread asleep on the other end (a write into the pipe a get() or recv() sleeps on, a put()'s
// notify to its feeder thread, a get()'s semaphore release to a blocked put()) costs its thread a wake, as the GIL's
// signal does (World::Wake's waker): the same futex wake or, for the pipe, the same wake of a reader asleep in read()
// (tests/reference/programs/wake_probe.c --pipe).
#include <map>
#include <utility>
#include <vector>

#include "models/model_builders.h"
#include "models/threads/sync_runner.h"

namespace interleave::models {

class ProcessQueues {
public:
    ProcessQueues(World& world, const scenario::Scenario& scenario, Programs& programs);
    // A depth lane per queue, under `process` (the parent's: every worker shares the queue).
    void AddLanes(World& world, trace::TrackId process);

    // put() by the thread `self` once its own Python ran, in three parts. TryAcquire: the semaphore, false (wait on
    // `waitOn`, then try again) while maxsize items are in the queue, else the item counts in qsize() from now on.
    // NeedsFeeder: true when the process has no feeder thread for the queue yet; `feeder` is then added (not started):
    // the caller pays Thread.start(), starts it and waits for `startup` (WaitForStart), as _start_thread() does.
    // Append: the item goes into the process's buffer and its feeder is woken.
    bool TryAcquire(World& world, int32_t queue, SignalIndex& waitOn);
    bool NeedsFeeder(World& world, ThreadIndex self, int32_t queue, ThreadIndex& feeder, ThreadStartup*& startup);
    void Append(World& world, ThreadIndex self, int32_t queue);
    // get() by the thread `self`: true when an item was in the pipe and is now taken (the caller pays mp_queue_get for
    // reading and unpickling it); false with the signal to wait on.
    bool TryGet(World& world, ThreadIndex self, int32_t queue, SignalIndex& waitOn);
    // A pipe's send() by `self` once pickled: true when its write went into the pipe (a recv() anywhere can take it),
    // false with the signal to wait on while the pipe is full.
    bool TrySend(World& world, ThreadIndex self, int32_t queue, SignalIndex& waitOn);
    bool IsPipe(int32_t queue) const { return m_pipe[static_cast<size_t>(queue)] != 0; }
    // The worker process running `interp` leaves: each of its feeder threads leaves once its buffer is written.
    void CloseProcess(World& world, InterpIndex interp);

private:
    struct Feeder;
    class FeederThread;

    Programs& m_programs;
    std::vector<int64_t> m_items;     // per name: put and not yet taken (the semaphore's count)
    std::vector<int64_t> m_inPipe;    // per name: written by a feeder, not yet read
    std::vector<int32_t> m_maxsize;   // per name: 0 = unbounded; a pipe's capacity
    std::vector<uint8_t> m_pipe;      // per name: a multiprocessing.Pipe
    std::vector<SignalIndex> m_notEmpty, m_notFull;
    QueueDepthLanes m_lanes;
    std::map<std::pair<int32_t, int32_t>, Feeder*> m_feeders;  // (interpreter, queue) -> its feeder thread
};

}  // namespace interleave::models
