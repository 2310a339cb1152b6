#pragma once
// Runs one task's steps the synchronous way (sequential code, a thread, a pool worker): every wait
// blocks the calling thread. Shared by the sequential, threads, free-threaded and process models.
#include "models/workload.h"
#include "models/world/world.h"

namespace interleave::models {

struct Programs;
class EventLoop;
class ProcessQueues;

// A counter lane per queue the scenario uses ("Queue pages", its depth over time), each starting at 0: what every
// kind of queue records (SyncChannels, models/pool/process_queues.h).
class QueueDepthLanes {
public:
    // Called once the threads' lanes exist, so the queues' come after them.
    void Add(World& world, trace::TrackId process, const std::vector<int64_t>& depths);
    void Record(World& world, size_t queue, int64_t depth);

private:
    std::vector<trace::TrackId> m_lane;  // per name: the queue's depth lane, or none
};

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
    // Does `self`'s put, get, set or wait now if it can (true); otherwise says which signal to wait on. A put, get
    // or set that wakes a sleeping thread costs `self` the wake (World::Notify).
    bool TryNow(World& world, ThreadIndex self, const scenario::Step& step, SignalIndex& waitOn);

private:
    QueueDepthLanes m_lanes;
    std::vector<int64_t> m_items;     // per name: items in the queue
    std::vector<int32_t> m_maxsize;   // per name: 0 = unbounded
    std::vector<uint8_t> m_eventSet;  // per name: the event's flag
    std::vector<SignalIndex> m_notEmpty, m_notFull;  // per queue: its two conditions; per event: m_notEmpty
};

// What the steps of a thread's tasks share: the workload, the process's queues and events (nullptr where the scenario
// has none), where child programs are kept, and in a process pool the multiprocessing queues its workers share
// (plan::Plan::processQueues; a pool has no queue.Queue or event: plan::Unsupported refuses those).
struct SyncEnv {
    const Workload* workload = nullptr;
    SyncChannels* channels = nullptr;
    Programs* programs = nullptr;
    ProcessQueues* processQueues = nullptr;
};

// threading.Thread.start() returns only once the new thread runs (Lib/threading.py: start() waits on the thread's
// _started Event, which _bootstrap_inner() sets): the new thread takes the GIL, sets the Event (queue_operation of
// Python) and goes on into its target still holding the GIL, while the thread that started it wakes from the wait and
// must take the GIL back from it (at the new thread's first blocking call, or by a drop request after the switch
// interval). Every runner of the simulator starts its threads this way (ThreadPoolExecutor's too: submit() starts
// them with Thread.start()).
struct ThreadStartup {
    bool started = false;
    SignalIndex signal;
};
// Adds a thread (not started) whose first action is that bootstrap, then `program`; `startup` says when it ran.
ThreadIndex AddStartedThread(World& world, Programs& programs, std::string name, InterpIndex interp, trace::TrackId track,
                             Program* program, ThreadStartup*& startup);
// The starter's action after World::StartThread while the new thread has not run its bootstrap yet: a wait (true).
// Once it has (or with none), false, and `startup` is cleared.
bool WaitForStart(ThreadStartup*& startup, Action& out);

// A children step's threads count down here as they end; the parent joins them (waits for `left` to reach 0).
struct ChildJoin {
    int32_t left = 0;
    SignalIndex done;
};
// The k-th child of `block` as a threading.Thread of the process `process` (its lane is named after the child task):
// added, not started (the caller pays Thread.start() first, then World::StartThread).
ThreadIndex AddChildThread(World& world, const SyncEnv& env, InterpIndex interp, trace::TrackId process,
                           const plan::ChildBlock& block, int32_t k, ChildJoin* join, ThreadStartup*& startup);

// A children step with "via": "executor", as its parent runs it: `with ThreadPoolExecutor(max_workers) as ex:`, a
// submit() per child (each costs executor_submit of Python; while fewer than min(max_workers, count) threads run, it
// also starts one: Thread.start(), thread_start), then `for f in as_completed(futures): f.result()`. The executor's
// threads take the children in submit order, one at a time each; every child that ends wakes the parent, which
// takes the GIL back to hand out what finished (as_completed_yield per future) and waits again. f.result() raises a
// child's exception in the parent, but leaving `with` first waits for every child (shutdown(wait=True)), so a failed
// child fails the parent once all have ended. Leaving `with` (shutdown(wait=True)) wakes every idle thread to leave
// and joins each. Shared by the synchronous runner and an event loop's coroutine (where all of it blocks the loop's
// thread).
class ExecutorChildren {
public:
    ExecutorChildren(World& world, const SyncEnv& env, trace::TaskId parent, const plan::ChildBlock& block);
    // The parent's next action; false once every child has ended and as_completed has handed each one out.
    bool Next(World& world, ThreadIndex self, Action& out);
    bool AnyFailed() const { return m_failed > 0; }

    // For the executor's threads (ExecutorThread, sync_runner.cpp).
    struct Shared {
        plan::ChildBlock block;
        int32_t submitted = 0;  // children submitted so far: a thread takes only those
        int32_t taken = 0;      // children a thread has taken
        int32_t completed = 0;  // children ended
        int32_t failed = 0;
        bool shutdown = false;  // leaving `with`: shutdown(wait=True) woke every thread to leave
        int32_t exited = 0;     // threads that have left
        SignalIndex work;    // the executor's work queue (queue.SimpleQueue): a submit wakes one idle thread
        SignalIndex done;    // as_completed's waiter event: set by every child that ends
        SignalIndex joined;  // a thread left (shutdown joins them all)
    };

private:
    SyncEnv m_env;
    trace::TaskId m_parent;
    Shared* m_shared;
    int32_t m_nextSubmit = 0;
    bool m_submitting = false;  // the current submit()'s Python code has run; its item is not yet on the queue
    int32_t m_seen = 0;         // futures as_completed has handed out
    bool m_raised = false;      // a result() raised: the parent only waits for the executor's shutdown now
    int32_t m_failed = 0;
    ThreadIndex m_pendingStart;
    ThreadStartup* m_startup = nullptr;  // the thread last started, until it has run
};

class SyncRunner {
public:
    // [cursor, blockEnd): the task's block of descendants (ChildBlock); -1 for a top-level task's own.
    void Begin(trace::TaskId task, int32_t cursor = -1, int32_t blockEnd = -1) {
        m_task = task;
        m_cursor = cursor;
        m_blockEnd = blockEnd;
        m_step = 0;
        m_failed = false;
        m_channelCallMade = false;
        m_queuePhase = QueuePhase::None;
        m_children = ChildPhase::None;
        m_lastIoStart = -1;
        m_ioInFlight = false;
    }
    // The task's next action; false when it has none left (finished, or failed at a `fail` step or in its children).
    bool Next(World& world, ThreadIndex self, const SyncEnv& env, Action& out);
    bool NextStep(World& world, ThreadIndex self, const SyncEnv& env, Action& out);
    bool Failed() const { return m_failed; }
    trace::TaskId Task() const { return m_task; }

private:
    // A children step in progress: its threads being started then joined, or its coroutines on an event loop of
    // their own (asyncio.run on this thread).
    enum class ChildPhase : uint8_t { None, StartThreads, Join, Loop, Executor };
    // Starts the step's children; false when it has nothing to do first (the caller goes on with ChildrenNext).
    void BeginChildren(World& world, ThreadIndex self, const SyncEnv& env, const scenario::Step& step);
    // The children step's next action; false when it is over (m_failed says how it ended).
    bool ChildrenNext(World& world, ThreadIndex self, const SyncEnv& env, Action& out);
    // A put or get on a multiprocessing.Queue (models/pool/process_queues.h): its next action, false once it is done.
    bool ProcessQueueNext(World& world, ThreadIndex self, ProcessQueues& queues, const scenario::Step& step, Action& out);
    // Where that put or get is: its own Python ran (CallMade), its process's feeder thread is being started, or the
    // item it took is being read and unpickled.
    enum class QueuePhase : uint8_t { None, CallMade, FeederStarting, FeederWaiting, Reading, Sending };

    trace::TaskId m_task = trace::TaskId::None();
    int32_t m_cursor = -1;
    int32_t m_blockEnd = -1;
    size_t m_step = 0;
    bool m_failed = false;
    bool m_channelCallMade = false;  // the current put/get/set/wait has run its Python code and now checks
    TimeNs m_lastIoStart = -1;  // when the task's latest io step began (World's SimThread::sleepStart); -1: none yet
    bool m_ioInFlight = false;  // the action it returned last was an io step's call
    QueuePhase m_queuePhase = QueuePhase::None;
    ThreadIndex m_feederStart;  // the feeder thread a put() started, once Thread.start() is paid
    ThreadStartup* m_feederStartup = nullptr;
    ChildPhase m_children = ChildPhase::None;
    plan::ChildBlock m_block;
    int32_t m_nextChild = 0;
    ThreadIndex m_pendingStart;
    ThreadStartup* m_startup = nullptr;
    ChildJoin* m_join = nullptr;
    EventLoop* m_loop = nullptr;
    ExecutorChildren* m_executor = nullptr;
};

// The action for one CPU/C/I/O step (also the body of asyncio.to_thread): `duration` as it runs (plan::InPlace and
// plan::ScaledPython apply the free-threaded slowdown before).
Action StepAction(scenario::StepKind kind, TimeNs duration, trace::TaskId task);

}  // namespace interleave::models
