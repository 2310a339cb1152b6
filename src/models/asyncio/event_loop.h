#pragma once
// asyncio's event loop on one thread (Lib/asyncio/base_events.py, tasks.py, locks.py, threads.py):
//  - a FIFO ready queue; each resumption of a task is one trip round _run_once() and costs
//    MachineProfile::loopStepOverhead of Python time;
//  - a task runs until its next await: awaited I/O and sleeps overlap, timers wake them;
//  - a synchronous call inside a coroutine (time.sleep, requests.get, CPU work) blocks the loop and with
//    it every task;
//  - asyncio.to_thread() runs the step on the default executor, a ThreadPoolExecutor of
//    min(32, cpu_count + 4) threads created on demand, and the task awaits the result;
//  - asyncio.Semaphore(K) around each task; asyncio.Lock by name (FIFO waiters);
//  - asyncio.Queue and asyncio.Event by name (Lib/asyncio/queues.py, locks.py): a get on an empty queue or a put on
//    a full one suspends the task; a put wakes the first getter, a get the first putter, set() every waiter; a woken
//    task checks again when it runs (an item taken first sends it back to waiting);
//  - under a TaskGroup the first failure cancels every other task: suspended tasks resume at once with
//    CancelledError, tasks not yet started never run;
//  - with asyncio.eager_task_factory (3.12+, the scenario's eager_tasks) a new task's first step runs at once inside
//    create_task(), in creation order and before anything already ready, costing MachineProfile::eagerStepOverhead
//    instead of a trip round the loop; a task that ends without awaiting never reaches the loop at all;
//  - children steps: a task that gathers children (asyncio.gather, or a TaskGroup of its own) creates a task per
//    child on this loop, in order, and awaits them all. A child's failure fails a gather at once (the other children
//    run on, as gather leaves them); under a TaskGroup it cancels the child's siblings and the parent fails once
//    they have all ended. Children that are threads are started and joined by the coroutine: the join blocks the
//    loop's thread, and every task with it.
// The loop is a Program for the asyncio model, is embedded in pool workers for process_asyncio, and runs a task's
// gathered children where the task is not a coroutine (asyncio.run() on a thread or in a pool's worker).
#include <deque>
#include <vector>

#include "core/event_queue.h"
#include "models/model_builders.h"
#include "models/threads/sync_runner.h"

namespace interleave::models {

// A task the loop starts with: its id and where its block of descendants starts (plan::ChildBlock).
struct LoopTask {
    trace::TaskId task = trace::TaskId::None();
    int32_t cursor = 0;    // [cursor, blockEnd): its block of descendants
    int32_t blockEnd = 0;
};
// Top-level tasks (the scenario's own), each with its block from the plan.
std::vector<LoopTask> TopLevelLoopTasks(const Workload& workload, const std::vector<trace::TaskId>& tasks);

struct LoopOptions {
    bool taskTracks = false;       // a lane per task (Plan::CoroutineLaneName)
    bool cancelOnFailure = false;  // the first failure of a task it started with cancels every other task
    bool semaphore = false;        // the scenario's asyncio.Semaphore around each task it started with
    bool queueLanes = true;        // it adds the depth lanes of the scenario's queues (the process's only loop)
};

class EventLoop : public Program {
public:
    // `tasks`: what this loop runs (gathered in this order).
    EventLoop(World& world, const Workload& workload, InterpIndex interp, trace::TrackId loopTrack,
              std::vector<LoopTask> tasks, LoopOptions options, Programs& programs);
    Action Next(World& world, ThreadIndex self) override;
    bool Done() const { return m_done == static_cast<int32_t>(m_coros.size()); }
    // Some task of the loop failed (asyncio.run() of a gather then raises in the task that ran it).
    bool AnyFailed() const { return m_failed > 0; }

    // Called by the executor's threads.
    struct WorkItem {
        int32_t coro;
        scenario::StepKind kind;
        TimeNs duration;
        trace::TaskId task;
    };
    bool TakeWork(WorkItem& out);
    void CompleteWork(World& world, int32_t coro);
    bool ShuttingDown() const { return m_shutdown; }
    SignalIndex WorkSignal() const { return m_workSignal; }
    const Workload& Work() const { return m_workload; }
    void ExecutorThreadIdle() { ++m_idleExecutorThreads; }

private:
    enum class CoroState : uint8_t { Pending, Ready, Running, Awaiting, Done };
    struct Coro {
        trace::TaskId task;
        size_t step = 0;
        CoroState state = CoroState::Pending;
        trace::TrackId track = trace::TrackId::None();
        TimeNs since = 0;
        trace::SpanState spanState = trace::SpanState::Ready;
        bool holdsSemaphore = false;
        bool cancelled = false;
        bool failed = false;
        bool started = false;
        bool eagerStart = false;  // its first step runs inside create_task() (eager_task_factory), not from the loop
        uint32_t timerStamp = 0;
        bool channelCallMade = false;  // the current put/get has run its Python code and now checks
        TimeNs lastIoStart = -1;  // when its latest blocking io step began (what a reply counts from); -1: none yet
        std::vector<int32_t> heldLocks;
        int32_t cursor = 0;   // where its next children step's block starts
        int32_t blockEnd = 0;  // where its block of descendants ends
        int32_t parent = -1;  // the coroutine that gathered it (-1: one the loop started with)
        // A children step in progress: coroutines still to end, or threads still to start and join.
        int32_t waitingChildren = 0;
        // Its current gathered children: m_coros[firstChild, firstChild + childCount) (AddCoro appends them together).
        int32_t firstChild = 0;
        int32_t childCount = 0;
        scenario::ChildVia childVia = scenario::ChildVia::Gather;
        bool childFailed = false;  // under a TaskGroup: a child failed, the parent fails once the rest have ended
        plan::ChildBlock threadBlock;
        int32_t nextThread = -1;  // -1: no threads being started
        ChildJoin* join = nullptr;
        ExecutorChildren* executor = nullptr;  // "via": "executor" from the coroutine, until as_completed is done
    };
    // An asyncio.Queue or asyncio.Event (one name is one kind; both use the same record).
    struct AsyncChannel {
        int64_t items = 0;
        int32_t maxsize = 0;  // 0: unbounded
        bool set = false;
        std::deque<int32_t> getters;  // and an event's waiters
        std::deque<int32_t> putters;
        trace::TrackId lane = trace::TrackId::None();  // a queue's depth lane
    };
    struct AsyncLock {
        int32_t holder = -1;
        std::deque<int32_t> waiters;
    };

    void SetCoroSpan(World& world, int32_t coro, trace::SpanState state);
    void MakeReady(World& world, int32_t coro);
    void Suspend(World& world, int32_t coro);
    // A task for `task`, ready, queued last (StartChildren moves eager children to the front).
    int32_t AddCoro(World& world, trace::TaskId task, int32_t cursor, int32_t blockEnd, int32_t parent);
    void FinishCoro(World& world, int32_t coro, bool failed, bool cancelled);
    void CancelSiblings(World& world, int32_t failedCoro);
    // task.cancel(): a suspended coroutine resumes with CancelledError; one not started never runs.
    void CancelCoro(World& world, int32_t coro);
    void CancelChildrenOf(World& world, int32_t parent);
    // A gathered child ended: the parent goes on, fails, or keeps waiting.
    void ChildEnded(World& world, int32_t parent, bool failed, bool cancelled);
    // The running coroutine's children step: true with the loop thread's next action (threads being started and
    // joined, an executor's submits and as_completed: they block the loop); false when it is done, or with `blocked`
    // when the coroutine suspended (gather) or failed and the loop schedules next.
    bool StartChildren(World& world, ThreadIndex self, int32_t coro, const scenario::Step& step, Action& out,
                       bool& blocked);
    void ReleaseAsyncLock(World& world, int32_t lock);
    // Does a put, get, set or wait now if it can; false: the coroutine is queued as a waiter (the caller suspends it).
    bool TryChannel(World& world, const scenario::Step& step, int32_t coro);
    void RecordDepth(World& world, const AsyncChannel& channel);
    // Queue._wakeup_next(): the first waiter still alive becomes ready.
    void WakeFirst(World& world, std::deque<int32_t>& waiters);
    // The running coroutine's next action; false when it suspended or ended (the loop schedules next).
    bool StepCurrent(World& world, ThreadIndex self, Action& out);

    const Workload& m_workload;
    Programs& m_programs;
    InterpIndex m_interp;
    trace::TrackId m_loopTrack;
    LoopOptions m_options;
    int32_t m_failed = 0;
    std::vector<Coro> m_coros;
    std::deque<int32_t> m_ready;
    // call_later() timers in (deadline, sequence) order: event.target is the coroutine, event.token the
    // coroutine's timer stamp when it was armed (a cancelled await leaves a stale timer behind).
    core::LanedQueue m_timers;
    uint64_t m_timerSequence = 0;
    std::vector<AsyncLock> m_locks;
    std::vector<AsyncChannel> m_channels;  // by name
    int32_t m_semaphoreFree = 0;
    std::deque<int32_t> m_semaphoreWaiters;
    int32_t m_current = -1;
    // The coroutine whose blocking io step the loop thread is in (EventLoop::Next records when it began).
    int32_t m_ioCoro = -1;
    int32_t m_done = 0;
    bool m_cancelling = false;
    bool m_eager = false;  // loop.set_task_factory(asyncio.eager_task_factory)
    // The default executor.
    std::deque<WorkItem> m_work;
    std::deque<int32_t> m_completed;
    std::vector<ThreadIndex> m_executorThreads;
    int32_t m_idleExecutorThreads = 0;
    int32_t m_maxExecutorThreads = 5;
    ThreadIndex m_pendingThreadStart;  // an executor thread to start once its Thread.start() cost is paid
    ThreadStartup* m_threadStartup = nullptr;  // ...which the loop's thread then waits for until it runs
    bool m_shutdown = false;
    SignalIndex m_loopSignal;
    SignalIndex m_workSignal;
};

}  // namespace interleave::models
