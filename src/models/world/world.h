#pragma once
// [SECTION] Index
//   Action .......... what a simulated thread does next (compute, sleep, wait, lock, exit)
//   Program ......... the code a simulated thread runs: hands out Actions one at a time
//   World ........... cores, interpreters (each with a GIL), threads, locks, signals, and the trace; its parts
//                     with a narrow interface of their own are RunQueue (models/os/run_queue.h), LocksAndSignals
//                     (locks_and_signals.h) and SpanRecording (span_recording.h)
//
// The world is one process table of a simulated machine in virtual time. Threads are explicit state
// machines (ThreadState); every transition goes through World so the trace records it. Programs decide
// *what* runs; World decides *when*, following the OS (models/os) and the GIL (models/gil).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/event_queue.h"
#include "models/os/run_queue.h"
#include "models/world/locks_and_signals.h"
#include "models/world/span_recording.h"
#include "models/world/world_ids.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::models {

// What a simulated thread does next: exactly one of these (a variant, so a lock index can never be read as a
// signal or a counter).
struct ComputeAction {
    TimeNs cpu = 0;
    bool needsGil = false;      // runs Python (needs the interpreter's GIL)
    bool interruptible = true;  // the eval loop may drop the GIL in the middle
    trace::SpanState state = trace::SpanState::RunningPython;
    trace::TaskId task = trace::TaskId::None();
    int32_t counter = -1;             // a shared counter incremented when it completes (`counter += 1`)
    TimeNs* overheadSink = nullptr;   // also add the CPU time to this metric (thread start, loop)
};
struct SleepAction {
    TimeNs wall = 0;
    trace::SpanState state = trace::SpanState::BlockedIo;
    trace::TaskId task = trace::TaskId::None();
    TimeNs notBefore = -1;  // absolute time it returns no earlier than (a reply: Step::replyAfter); -1: none
};
struct WaitAction {
    SignalIndex signal;
    trace::SpanState state = trace::SpanState::Idle;
    TimeNs deadline = -1;  // absolute time to give up waiting, -1 = none
    trace::TaskId task = trace::TaskId::None();
};
struct AcquireLockAction {
    int32_t lock = -1;
    trace::TaskId task = trace::TaskId::None();
};
struct ReleaseLockAction {
    int32_t lock = -1;
    trace::TaskId task = trace::TaskId::None();
};
struct ExitAction {};

class Action {
public:
    Action() = default;  // Exit
    static Action Compute(TimeNs cpu, bool gil, trace::SpanState state, trace::TaskId task) {
        return Action(ComputeAction{cpu, gil, true, state, task, -1, nullptr});
    }
    static Action Sleep(TimeNs wall, trace::SpanState state, trace::TaskId task) { return Action(SleepAction{wall, state, task}); }
    static Action Wait(SignalIndex signal, trace::SpanState state, TimeNs deadline = -1) {
        return Action(WaitAction{signal, state, deadline, trace::TaskId::None()});
    }
    static Action Lock(int32_t lock, bool acquire, trace::TaskId task) {
        if (acquire) return Action(AcquireLockAction{lock, task});
        return Action(ReleaseLockAction{lock, task});
    }
    static Action Exit() { return Action{}; }

    // Refinements, each of one kind of action (asserted).
    Action& Uninterruptible();                // Compute: never split by a GIL drop
    Action& Increments(int32_t counter);      // Compute: `counter += 1` when it completes
    Action& AddsTo(TimeNs* overheadSink);     // Compute: its CPU time also counts in this metric
    Action& Waiting(trace::TaskId task);      // Wait: on behalf of this task (its span names it)
    Action& NotBefore(TimeNs time);           // Sleep: returns no earlier than this absolute time; -1: no bound

    template <typename T> const T* As() const { return std::get_if<T>(&m_what); }
    template <typename T> T* As() { return std::get_if<T>(&m_what); }
    bool IsExit() const { return std::holds_alternative<ExitAction>(m_what); }
    // The task the action works for (TaskId::None() for none, or Exit).
    trace::TaskId Task() const;
    // CPU time (Compute) or wall time (Sleep); 0 for the rest.
    TimeNs Duration() const;

private:
    template <typename T> explicit Action(T what) : m_what(std::move(what)) {}
    std::variant<ExitAction, ComputeAction, SleepAction, WaitAction, AcquireLockAction, ReleaseLockAction> m_what;
};

class World;

// The code of one simulated thread. Next() is called whenever the previous action is complete.
class Program {
public:
    virtual ~Program() = default;
    virtual Action Next(World& world, ThreadIndex self) = 0;
};

enum class ThreadState : uint8_t {
    New,            // created, not started
    WaitingCore,    // runnable, in the run queue
    Running,        // on a core
    WaitingGil,     // in take_gil()
    WaitingSwitch,  // in drop_gil(), FORCE_SWITCHING: until another thread takes the GIL
    Sleeping,       // in a blocking call with a known end
    WaitingSignal,  // blocked on a queue, a join, a selector
    WaitingLock,    // blocked acquiring a threading.Lock
    Waking,         // woken, not yet runnable (wake-up latency)
    Done,
};

struct Gil {
    ThreadIndex holder;
    ThreadIndex lastHolder;
    uint64_t switchNumber = 0;
    bool dropRequest = false;
    TimeNs heldSince = 0;
    // In take_gil(), in the order they began waiting. Entries go stale when a thread stops waiting;
    // an entry counts only while its stamp matches the thread's gilQueueStamp.
    std::deque<std::pair<ThreadIndex, uint64_t>> waiters;
    uint64_t queueStamps = 0;
    std::vector<ThreadIndex> switchWaiters;  // in drop_gil(), waiting for someone else to take it
    ThreadIndex requester;                   // who set the pending drop request (cleared when the GIL is taken)
    uint64_t requestedSwitches = 0;          // drops made on request: the deterministic run's turn (RequesterWins)
    trace::TrackId track = trace::TrackId::None();  // the Gil lane, if the interpreter has one
};

struct Interpreter {
    std::string name;
    bool freeThreaded = false;
    trace::TrackId track = trace::TrackId::None();
    Gil gil;
};

// A thread's part in the GIL's protocol (take_gil/drop_gil in Python/ceval_gil.c).
struct GilWait {
    uint32_t token = 0;             // stamps the pending take_gil() timeout
    uint64_t savedSwitchNumber = 0;  // the GIL's switch number when the wait began (FORCE_SWITCHING)
    uint64_t queueStamp = 0;         // 0: not in the GIL's waiter queue
    TimeNs dropRequestAt = -1;       // when it set gil_drop_request
    // Its timed wait ran out while every core was busy: it is runnable, and sets gil_drop_request (if still due) once
    // it is back on a core, as the real thread does on returning from pthread_cond_timedwait().
    bool timedOut = false;
};

// A thread's part in a contended threading.Lock (acquire_timed() in Modules/_threadmodule.c).
struct LockWait {
    bool retriesWithoutGil = false;  // blocked on a lock: on waking it retries before taking the GIL
    bool holdsBeforeGil = false;     // got that lock; the AcquireLock completes once it has the GIL
};

struct SimThread {
    std::string name;
    InterpIndex interp{0};
    trace::TrackId track = trace::TrackId::None();
    Program* program = nullptr;
    ThreadState state = ThreadState::New;
    int32_t core = -1;
    uint32_t token = 0;      // stamps the thread's pending wake/burst event; bumped to cancel it
    bool hasAction = false;
    bool inBurst = false;   // a Compute is progressing on a core right now
    Action action;
    TimeNs remaining = 0;    // Compute: CPU time still to do
    TimeNs burstStart = 0;
    int64_t counterRead = 0; // Compute with a counter: the value read when it began
    GilWait gilWait;          // its part in the GIL's protocol (models/gil)
    LockWait lockWait;        // its part in a contended threading.Lock
    OpenSpan span;            // the span being recorded on this thread's track
    // The OS's fair scheduler (models/os): CPU time used, weighted alike for every thread (CFS's vruntime), and
    // since when it has had its core.
    TimeNs vruntime = 0;
    TimeNs onCoreSince = 0;
    // EEVDF: its lag when it last blocked (the runnable threads' average vruntime less its own): what it is owed, or
    // if negative, what it has had too much (World::MakeRunnable).
    TimeNs lag = 0;
    bool runnable = false;  // counted in the runnable threads' vruntime sum (World::AvgVruntime)
    uint64_t queuedArrival = 0;  // its entry in the run queue (older entries of it are stale)
    TimeNs wakerCostDue = 0;     // what the threads it woke cost it, still to pay on its core (World::Wake)
    TimeNs wakerCostSince = -1;  // paying it on its core since then; -1: not paying now
    bool background = false;  // one of machine.background_load's busy processes, not the program's
    // Back from a blocking call of known duration (I/O, a sleep, a C call that let the GIL go): the call's duration,
    // measured as a program sees it, already holds the thread's getting back onto a core, so the next core it gets
    // charges no context switch (World::AssignCore).
    bool switchInCallTime = false;
    // When its latest Sleep action (a blocking call) began, after any GIL drop and waker cost before it: what a reply
    // step's runner measures Step::replyAfter from. -1: none yet.
    TimeNs sleepStart = -1;
    // A Notify reached its Wait while the wait was not yet registered (World::m_waitsNotYetMade): its program is asked
    // again instead of blocking, as a woken waiter would be.
    bool notifiedBeforeWaiting = false;
};

struct Core {
    ThreadIndex thread;
    ThreadIndex lastThread;
    uint32_t token = 0;
    TimeNs sliceDue = 0;  // EEVDF: from then on, a tick asks its thread to yield to one waiting (World::OnTick)
    trace::TrackId track = trace::TrackId::None();
    OpenSpan span;  // what this core runs now (its cause unused)
    // The thread a woken thread preempted here: when the woken one blocks again, this core goes back to it
    // (CFS's LAST_BUDDY), not to the run queue's head.
    ThreadIndex preempted;
    TimeNs idleSince = 0;  // when it last became free (read only while it is free)
    // A woken thread on its way here: the kernel put it on this core's run queue at the wake-up and the core is
    // leaving its idle state, so a second wake-up meanwhile finds the core taken (World::Wake, FreeCoreFor).
    ThreadIndex claimedBy;
};

// How far World::Run may go. A scenario of a few hundred bytes can ask for billions of events (24 tasks of
// an hour of CPU at a 1 us switch interval), so events, recorded memory and wall-clock time are all
// bounded, and whoever runs it (a browser tab) can cancel it or run it in slices.
struct RunLimits {
    int64_t maxEvents = scenario::Limits::kMaxEvents;
    size_t maxTraceBytes = scenario::Limits::kMaxTraceBytes;  // spans, waits and instants recorded
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    double timeLimitSeconds = 0;                              // what `deadline` was set from, for the message
    const std::atomic<bool>* cancel = nullptr;                // set from another thread to stop
    std::atomic<float>* progress = nullptr;                   // [0, 1], written now and then
};

enum class RunState : uint8_t {
    Finished,  // every event processed and every task done
    Paused,    // the slice ran out: call Run again to go on
    Failed,    // a limit, a cancel or a deadlock: `error` says which
};

class World {
public:
    World(const scenario::Scenario& scenario, trace::Trace& trace);

    // [SECTION] Building the world
    InterpIndex AddInterpreter(std::string name, bool freeThreaded, trace::TrackId track, bool gilLane);
    ThreadIndex AddThread(std::string name, InterpIndex interp, trace::TrackId track, Program* program);
    SignalIndex AddSignal() { return m_locksAndSignals.AddSignal(); }
    // What a waiter waits for, for the deadlock message: a string literal (kept as a pointer), or a text built for it.
    SignalIndex AddSignal(const char* waitingFor) { return m_locksAndSignals.AddSignal(waitingFor); }
    SignalIndex AddSignal(std::string waitingFor) { return m_locksAndSignals.AddSignal(std::move(waitingFor)); }
    void StartThread(ThreadIndex thread, TimeNs delay = 0);  // becomes runnable after `delay`

    // [SECTION] For programs
    TimeNs Now() const { return m_kernel.Now(); }
    const scenario::Scenario& Scenario() const { return m_scenario; }
    // When the program's last thread finished (0 while none has): its wall time, as a real run measures it.
    TimeNs ProgramEnd() const { return m_programEnd; }
    const scenario::MachineProfile& Profile() const { return m_scenario.machine.profile; }
    trace::Trace& Trace() { return m_trace; }
    SimThread& Thread(ThreadIndex t) { return m_threads[t]; }
    // Notify wakes every waiter (they re-check their condition), NotifyOne the longest one (threading.Condition's
    // notify()). A `waker` thread pays for each wake on its core (World::Wake): a Condition's waiter sleeps on a
    // lock of its own, and notify() releases it (sem_post()'s futex wake, as World::ReleaseLock).
    void Notify(SignalIndex signal, ThreadIndex waker = ThreadIndex{});
    void NotifyOne(SignalIndex signal, ThreadIndex waker = ThreadIndex{});
    void TaskStarted(trace::TaskId task, trace::TrackId track);
    void TaskFinished(trace::TaskId task, trace::TrackId track, bool failed, bool cancelled = false);
    // Tasks [first, end) will never start: children their parent never got to start (it failed or was cancelled
    // first). Recorded as cancelled now, with no marks on any lane, so the run can finish.
    void TasksNeverStarted(trace::TaskId first, trace::TaskId end);
    // Schedules a callback-free timer: at `time`, Notify(signal).
    void NotifyAt(TimeNs time, SignalIndex signal);
    int64_t CounterValue(int32_t counter) const { return m_counters[counter]; }
    // A span on a track the world does not drive itself (asyncio task lanes).
    void RecordSpan(trace::TrackId track,
                    TimeNs start,
                    TimeNs end,
                    trace::SpanState state,
                    trace::TaskId task,
                    trace::TrackId cause = trace::TrackId::None());

    // True while the program has a thread that runs, waits to run, or has a timer coming: the busy processes of
    // machine.background_load stop when it has none.
    bool ForegroundActive() const;

    // [SECTION] Running
    // Processes events until none is left (Finished), a limit is hit (Failed, with `error` set), or
    // `sliceEvents` more events have run (Paused: call again to go on; the trace is the same as in one go).
    RunState Run(const RunLimits& limits, int64_t sliceEvents, std::string& error);
    // Bytes of trace recorded so far (what RunLimits::maxTraceBytes bounds).
    size_t TraceBytes() const;
    uint64_t EventsProcessed() const { return m_kernel.Processed(); }
    // Closes every open span and hands all recorded spans to the trace: once, after Run().
    void CloseAllSpans();

private:
    enum EventKind : uint32_t {
        kBurstDone, kSliceEnd, kWake, kGilTimeout, kEvalBreaker, kDispatch, kNotify, kWaitDeadline, kWakerCostPaid, kTick
    };

    void Handle(const core::Event& event);
    // Marks `t`, one of m_waitsNotYetMade, as notified when its pending Wait is on `signal`: true if it did.
    bool MarkIfWaitingOn(ThreadIndex t, SignalIndex signal);
    // Runs the thread's actions while it is on a core, until one takes time or blocks.
    void Advance(ThreadIndex t);
    void Finish(ThreadIndex t);
    void BeginCompute(ThreadIndex t);
    void InterruptBurst(ThreadIndex t);  // stops the running burst, keeping the rest in `remaining`
    void Block(ThreadIndex t,
               ThreadState state,
               trace::SpanState span,
               trace::TaskId task,
               trace::TrackId cause = trace::TrackId::None(),
               TimeNs causeSince = -1);
    // From blocked: after the wake-up latency, runnable. A running `waker` (the thread whose signal it is) is charged
    // what the wake costs it (MachineProfile::wakerCost), paid on its core before it goes on (PayWakerCost).
    // `justAwake`: it ran moments ago (a timed wait that just expired), so its core answers at once.
    void Wake(ThreadIndex t, ThreadIndex waker = ThreadIndex{}, TimeNs extraDelay = 0, bool justAwake = false);
    void PayWakerCost(ThreadIndex t);
    TimeNs WakerCost(bool longIdle);
    bool RequesterWins(Gil& gil);
    // An OS latency or cost of one event: the typical value, or in a seeded run (machine.seed) a draw around it (a
    // log-normal factor of median 1 and sigma wakeupSpread).
    TimeNs Spread(TimeNs typical);
    // Whether free core `c` (FreeCoreFor's answer; -1: none free) has idled long enough to wake slowly.
    bool IdleForLong(int32_t c) const;
    bool ClaimedByAnother(const Core& core, ThreadIndex t) const;
    double NextUniform();  // [0, 1), from the run's seed (splitmix64: the same numbers on every platform)

    // models/os: cores and the run queue
    void AddBackgroundLoad();  // machine.background_load's busy processes, runnable from the start
    // A thread that was blocked becomes runnable: on a free core, on a core it preempts (it is owed CPU time:
    // wake-up preemption, CFS's or EEVDF's rule), or in the run queue.
    void MakeRunnable(ThreadIndex t);
    int32_t FreeCoreFor(ThreadIndex t) const;  // the free core MakeRunnable would give it; -1 if none
    TimeNs RunningVruntime(ThreadIndex t) const;  // its vruntime counting the time on its core so far
    TimeNs MinVruntime();
    // EEVDF's avg_vruntime: the mean vruntime of the runnable threads (on a core or in the run queue), kept as sums
    // so that asking costs nothing (JoinRunnable, LeaveRunnable, AssignCore and VacateCore keep them).
    TimeNs AvgVruntime() const;
    void JoinRunnable(ThreadIndex t);
    void LeaveRunnable(ThreadIndex t);
    bool Eevdf() const { return Profile().scheduler == scenario::OsScheduler::Eevdf; }
    // EEVDF: the scheduler tick, every time_slice on one grid, while a thread waits for a core.
    void ArmTick();
    void OnTick();
    int32_t VacateCore(ThreadIndex t);  // off its core, its CPU time counted; returns the core, now free
    void StopBackgroundLoad();  // the program is done: so are the busy processes
    void PushRunQueue(ThreadIndex t);
    const RunQueueEntry* RunQueueHead();  // the next thread to run, stale entries dropped; null if none
    ThreadIndex PopRunQueue();  // none if empty
    // The entry is the thread's place in the run queue now (not one it left, or left behind by queueing again).
    bool IsQueuedAs(const RunQueueEntry& entry) const {
        const SimThread& th = m_threads[entry.thread];
        return th.state == ThreadState::WaitingCore && th.queuedArrival == entry.arrival;
    }
    // Takes the running thread off its core into the run queue (its slice ended, or a woken thread preempts it).
    void Preempt(ThreadIndex t);
    void AssignCore(ThreadIndex t, int32_t core);
    void ReleaseCore(ThreadIndex t);
    void OnSliceEnd(int32_t core);
    bool YieldIfBehind(int32_t core);  // a slice's end: gives the core to the run queue's head if it is behind

    // models/gil: Python/ceval_gil.c
    bool HoldsGil(ThreadIndex t) const { return m_interps[m_threads[t].interp].gil.holder == t; }
    bool TryTakeGil(ThreadIndex t);  // false: now WaitingGil
    // Releases the GIL and signals one waiter. Returns true when FORCE_SWITCHING makes the thread wait
    // until another thread has taken it (only if allowSwitchWait and a drop request was pending).
    bool DropGil(ThreadIndex t, bool allowSwitchWait);
    void OnGilTimeout(ThreadIndex t);
    // take_gil() after a timed wait ran out: SET_GIL_DROP_REQUEST if no switch happened meanwhile and none is pending.
    void RequestGilDrop(ThreadIndex t);
    // A new COND_TIMED_WAIT in take_gil(): at the back of the waiters, one switch interval to its timeout.
    void EnterGilWait(ThreadIndex t);
    void OnEvalBreaker(ThreadIndex t);

    // locks
    bool TryAcquireLock(ThreadIndex t, int32_t lock);
    void BlockOnLock(ThreadIndex t);  // on th.action's lock, without the GIL
    void ReleaseLock(ThreadIndex t, int32_t lock);

    // spans
    void SetSpan(ThreadIndex t,
                 trace::SpanState state,
                 trace::TaskId task,
                 trace::TrackId cause = trace::TrackId::None(),
                 TimeNs causeSince = -1);
    void CloseSpan(ThreadIndex t);
    void SetCoreSpan(int32_t core, bool busy, trace::SpanState state, trace::TaskId task);
    // Ends the GIL lane's current holding span (if its holder has held it for any time) and starts the
    // next one now: called on every change of holder.
    void CloseGilSpan(InterpIndex interp);

    const scenario::Scenario& m_scenario;
    trace::Trace& m_trace;
    SpanRecording m_spanRecording;  // the lanes' spans, handed to m_trace by CloseAllSpans()
    core::Kernel m_kernel;
    std::vector<Core> m_cores;
    // The runnable threads' vruntimes (those on a core: as of when they got it) and since when the m_busyCores on a
    // core have had it, summed: AvgVruntime. Sums of nanoseconds a run's time limit keeps far from overflowing.
    bool m_tickPending = false;
    int64_t m_runnableCount = 0;
    TimeNs m_runnableVruntimeSum = 0;
    TimeNs m_onCoreSinceSum = 0;
    int32_t m_busyCores = 0;  // cores running a thread (AssignCore and VacateCore keep it): MinVruntime's shortcut
    RunQueue m_runQueue;
    TimeNs m_programEnd = 0;  // when the last of the program's threads finished so far
    int64_t m_foregroundAlive = 0;  // the program's threads not yet done: the busy processes stop with the last
    std::vector<ThreadIndex> m_background;
    std::unique_ptr<Program> m_busyProgram;
    int64_t m_pendingTimers = 0;  // NotifyAt and wait-deadline events not yet handled
    bool m_started = false;       // Run has been called (the busy processes are added then, after the model's own)
    uint64_t m_rngState = 0;
    ById<InterpIndex, std::vector<Interpreter>> m_interps;
    ById<ThreadIndex, std::deque<SimThread>> m_threads;  // a deque: programs add threads while a SimThread& is held
    LocksAndSignals m_locksAndSignals;
    std::vector<int64_t> m_counters;
    int64_t m_zeroTimeActions = 0;
    // Threads whose program returned a Wait while holding the GIL and that dropping it parked in drop_gil()'s switch
    // wait: the wait is decided but not yet registered. A Notify of its signal meanwhile marks the thread
    // (notifiedBeforeWaiting) so that it is not lost. Rarely more than one entry.
    std::vector<ThreadIndex> m_waitsNotYetMade;
    int64_t m_finishedTasks = 0;  // tasks with a finish time, for progress
    bool m_failed = false;
    std::string m_error;
};

}  // namespace interleave::models
