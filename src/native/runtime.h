#pragma once
// Internals shared by the C++ runtimes: the clock, per-thread span recorders, the real GIL, busy work,
// the delay server client, and the registry of child processes (killed on Ctrl-C, timeouts, errors).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "native/native.h"
#include "plan/plan.h"
#include "scenario/scenario.h"
#include "trace/trace.h"

namespace interleave::models {
struct Workload;
}

namespace interleave::native {

using trace::TimeNs;

// The lane of a child task as it starts: a thread child's own thread lane under `under` (its process's lane), a
// coroutine child's Task lane under `under` (its loop's thread lane; none where plan.childLanes is false). Called
// from any thread of a run: the runtime behind it makes lanes under a mutex, or looks them up (a pool worker: its
// parent made them when it sent the chunk).
// An executor's thread ("via": "executor") has a lane of its own, asked for with the child of the same index (the
// threads are numbered like the children they start with).
enum class ChildLaneKind : uint8_t { Coroutine, Thread, ExecutorThread };
using ChildLaneFn = std::function<trace::TrackId(trace::TaskId child, ChildLaneKind kind, trace::TrackId under)>;
// Where tasks' records (started/finished/failed/cancelled) go, by task id: the trace's own vector, or a map whose
// entries exist before the tasks run (a pool worker's chunk and its descendants: no vector of every task per
// worker). Each record is written only by the thread that runs its task.
struct TaskRecords {
    std::vector<trace::TaskRecord>* byId = nullptr;
    std::unordered_map<trace::TaskId, trace::TaskRecord>* made = nullptr;
    trace::TaskRecord& operator[](trace::TaskId task) const { return byId ? (*byId)[task.Index()] : made->at(task); }
};
// Adds that lane to the trace (the caller holds whatever guards the trace).
trace::TrackId MakeChildLane(trace::Trace& trace, const plan::Plan& plan, trace::TaskId child, ChildLaneKind kind,
                             trace::TrackId under);
// Every descendant of `task` (its block starts at `cursor`) with the lane MakeChildLane gives it, in the order the
// children steps start them, where `task` runs on `threadLane` in the process whose lane is `processLane`.
void WalkChildLanes(const scenario::Scenario& scenario, const models::Workload& workload, trace::TaskId task,
                    int32_t cursor, trace::TrackId threadLane, trace::TrackId processLane,
                    const ChildLaneFn& add,
                    std::vector<std::pair<trace::TaskId, trace::TrackId>>& out);

int64_t MonoNs();  // CLOCK_MONOTONIC, shared by every process of the machine
int64_t ThreadCpuNs();

// One recording thread of control: its spans and instants, merged into the trace at the end. Only the
// owning thread writes to it (the GIL writes into the actor that calls it).
class Gil;
class ProcessQueues;

struct Actor {
    trace::TrackId track = trace::TrackId::None();
    Gil* ownGil = nullptr;  // an InterpreterPoolExecutor worker: its own interpreter's GIL (else the process's)
    int64_t epoch = 0;  // MonoNs() of the run's start
    std::vector<trace::Span> spans;
    std::vector<trace::Instant> instants;
    std::vector<trace::WaitDetail> waits;
    std::vector<trace::CounterSample> samples;  // a queue's depth, as this thread changed it
    int delayFd = -1;   // persistent connection to the delay server

    TimeNs Now() const { return MonoNs() - epoch; }
    void Add(trace::SpanState state,
             TimeNs start,
             TimeNs end,
             trace::TaskId task = trace::TaskId::None(),
             trace::TrackId cause = trace::TrackId::None(),
             trace::TrackId track = trace::TrackId::None());
    void Mark(trace::InstantKind kind,
              TimeNs time,
              trace::TrackId cause = trace::TrackId::None(),
              trace::TaskId task = trace::TaskId::None());
    void MergeInto(trace::Trace& trace);
    // Takes over what `other` recorded (a joined thread's actor; its spans name their tracks already).
    void Absorb(Actor& other);
    ~Actor();
};

// A GIL that follows Python/ceval_gil.c (3.11): take_gil waits on cond for one switch interval, then sets
// gil_drop_request if switch_number did not change; the holder drops at its next eval-breaker check;
// FORCE_SWITCHING makes a dropper on request wait until another thread took it.
class Gil {
public:
    Gil(TimeNs switchInterval, bool forcedSwitching, trace::TrackId gilTrack)
        : m_interval(switchInterval), m_forced(forcedSwitching), m_track(gilTrack) {}
    void Take(Actor& actor, trace::TaskId task = trace::TaskId::None());
    void Drop(Actor& actor);
    bool DropRequested() const { return m_dropRequest.load(std::memory_order_relaxed); }
    // The eval breaker: drop and take again if a waiter asked for it.
    void Check(Actor& actor, trace::TaskId task);
    trace::TrackId Track() const { return m_track; }

private:
    std::mutex m_mutex;
    std::condition_variable m_cond, m_switchCond;
    TimeNs m_interval;
    bool m_forced;
    trace::TrackId m_track;
    bool m_locked = false;
    trace::TrackId m_holder = trace::TrackId::None(), m_lastHolder = trace::TrackId::None();
    TimeNs m_holdSince = 0;
    uint64_t m_switchNumber = 0;
    std::atomic<bool> m_dropRequest{false};
};

// Busy work: pure-Python-like CPU (holding `gil` when given, with eval-breaker checks every ~2 us)
// until this thread used `cpuNs` of CPU time. Records RunningPython spans (and WaitingGil via Gil).
void BusyPython(Actor& actor,
                Gil* gil,
                TimeNs cpuNs,
                trace::TaskId task,
                trace::TrackId taskTrack = trace::TrackId::None());
// C work with the GIL released (RunningC).
void BusyC(Actor& actor, Gil* gil, TimeNs cpuNs, trace::TaskId task);
// Spins for about `cpuNs` of this thread's CPU time, no GIL, no recording.
void Spin(TimeNs cpuNs);

// The delay server: answers each line "<ns>\n" with "k\n" after that many ns. 127.0.0.1 only. A child process.
class DelayServer {
public:
    DelayServer() = default;
    ~DelayServer();
    DelayServer(const DelayServer&) = delete;
    DelayServer& operator=(const DelayServer&) = delete;
    bool Start(std::string& error);
    void Stop();
    int Port() const { return m_port; }

private:
    void Loop();
    int m_listen = -1, m_epoll = -1, m_timer = -1, m_wake = -1, m_port = 0;
    int m_pid = -1;  // the server's process
};
// Connects to the delay server (blocking socket). -1 on failure.
int ConnectDelay(int port);
// A blocking request: write "<ns>\n", read the answer. False on a broken connection.
bool DelayRequest(int fd, TimeNs ns);
bool SendDelayRequest(int fd, TimeNs ns);  // write only (the asyncio loop reads the answer when ready)

// machine.background_load for a real run: that many child processes, each spinning on a core, from construction to
// destruction (killed then, or with the parent: PR_SET_PDEATHSIG). The same busy processes the simulation puts
// beside the program.
class BusyProcesses {
public:
    explicit BusyProcesses(int32_t count);
    ~BusyProcesses();
    BusyProcesses(const BusyProcesses&) = delete;
    BusyProcesses& operator=(const BusyProcesses&) = delete;
    size_t Running() const { return m_pids.size(); }

private:
    std::vector<int> m_pids;
};

// Child processes of the current run, killed by KillAllChildren (Ctrl-C handler, errors, timeouts).
void RegisterChild(int pid, bool processGroup);
void UnregisterChild(int pid);
void KillAllChildren();  // async-signal-safe
void InstallInterruptHandler();  // SIGINT/SIGTERM: kill every registered child, then exit 130

// Raises RLIMIT_NOFILE to its hard limit (asyncio with hundreds of sockets).
void RaiseFileLimit();

std::string Errno(const char* what);
std::string SecondsText(double seconds);  // "0.5", "120"
// The names that `increment` steps use (the rest of Scenario::names are locks).
std::vector<std::string> CounterNames(const scenario::Scenario& scenario);
// Appends the counters' final values to the metrics (counters indexed like Scenario::names).
void AddCounters(const scenario::Scenario& scenario, const std::vector<int64_t>& values, trace::Trace& trace);

// The C++ runtimes (cpp_runtime.cpp, pool_runtime.cpp, asyncio_runtime.cpp).
struct RunContext {
    const scenario::Scenario* scenario = nullptr;
    const RunOptions* options = nullptr;
    int delayPort = 0;
    int64_t epoch = 0;
    int64_t deadline = 0;  // MonoNs
    std::string error;
    std::string notes;
    bool Expired();  // past the deadline or cancelled; sets error
};
bool RunThreads(RunContext& ctx, trace::Trace& trace);        // sequential, threads, free_threaded, interpreters
bool RunAsyncio(RunContext& ctx, trace::Trace& trace);
bool RunPool(RunContext& ctx, trace::Trace& trace);           // processes, process_asyncio
// The C++ runtimes' part of the model registry: which runtime runs each model (each reads the plan for the rest), or
// null for a model with none.
using CppRuntime = bool (*)(RunContext& ctx, trace::Trace& trace);
CppRuntime CppRuntimeOf(scenario::ModelKind kind);

// asyncio loop over some tasks, in this thread (also each process_asyncio worker's loop).
struct LoopRun {
    const scenario::Scenario* scenario = nullptr;
    std::vector<trace::TaskId> tasks;  // which tasks, in order
    trace::TrackId loopTrack = trace::TrackId::None();
    std::vector<trace::TrackId> taskTracks;  // one per entry of tasks (none: no task track)
    std::vector<trace::TrackId> queueLanes;  // per scenario name: a queue's depth lane (none where it has none)
    const plan::Plan* plan = nullptr;         // the run's plan (for the steps to_thread runs)
    const models::Workload* workload = nullptr;  // the run's workload (null: built here)
    std::vector<int32_t> cursors;  // per entry of tasks: where its block of descendants starts (empty: top-level tasks)
    // asyncio.run() of a task's gathered children on a thread: no semaphore, the first failure cancels the rest.
    bool nested = false;
    const ChildLaneFn* childLanes = nullptr;  // lanes of the children its coroutines start (null: none)
    trace::TrackId processLane = trace::TrackId::None();  // the loop's process lane (child threads' lanes go under it)
    // By task id: where every task's started/finished/failed/cancelled go, children's too (null: records only).
    const TaskRecords* allRecords = nullptr;
    int delayPort = 0;
    int64_t epoch = 0;
    int64_t deadline = 0;
    const std::atomic<bool>* cancel = nullptr;
    Gil* gil = nullptr;
    // Out
    std::vector<Actor*> extraActors;  // to_thread pool threads (owned by the caller afterwards)
    std::vector<trace::TaskRecord> records;  // per entry of tasks: started/finished/failed/cancelled
    std::string error;
};
bool RunLoop(LoopRun& run, Actor& loopActor, std::vector<int64_t>& counters);

// queue.Queue and threading.Event between the threads of one process (Lib/queue.py, Lib/threading.py), with the
// costs the simulator charges: each put, get, set or wait runs MachineProfile::queueOperation of Python code holding
// the GIL, a thread that must wait releases the GIL, and a woken thread takes it back and runs the call again before
// it checks (Condition.wait() sits in a `while`). CPython would hang on a deadlock; here, when every thread still
// running tasks waits and none of them can go on, each wait returns false (the task fails) and Deadlock() says why.
class ThreadChannels {
public:
    ThreadChannels(const scenario::Scenario& scenario, int32_t threadsRunningTasks);
    // Per name, the queue's depth lane (or none): every put and get records the new depth there. Before the threads
    // start.
    void SetDepthLanes(std::vector<trace::TrackId> lanes) { m_lanes = std::move(lanes); }
    // Runs one put/get/set/wait step. False when the run stopped while it waited (a deadlock, or `stop` was set).
    bool Run(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task, const std::atomic<bool>& stop);
    // A thread that runs tasks has none left: fewer threads can wake the waiters.
    void ThreadExited();
    std::string Deadlock();  // "" while there is none

private:
    struct Waiter {
        scenario::StepKind kind;
        size_t name;
    };
    bool CanGoOn(scenario::StepKind kind, size_t name) const;  // under m_mutex
    void Apply(scenario::StepKind kind, size_t name);          // under m_mutex
    void CheckDeadlock();                                      // under m_mutex

    const scenario::Scenario& m_scenario;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<int32_t> m_maxsize;  // per name (Scenario::QueueMaxsizes)
    std::vector<int64_t> m_items;
    std::vector<uint8_t> m_eventSet;
    std::vector<Waiter> m_waiting;  // one entry per waiting thread
    std::vector<trace::TrackId> m_lanes;
    int32_t m_live;
    std::string m_deadlock;
};

// After a finished real run: a task the run never entered (a TaskGroup cancelled it before it ran, or its parent
// ended before starting it) has no record. It never started, which the simulator records as cancelled: so here.
void MarkNeverStarted(trace::Trace& trace);

// A depth lane per queue the scenario uses ("Queue pages", a counter track under `process`), each starting at 0
// (recorded by `recorder` now): per scenario name, the lane or none. The simulator adds the same lanes.
std::vector<trace::TrackId> AddQueueLanes(const scenario::Scenario& scenario, trace::Trace& trace, trace::TrackId process,
                                          Actor& recorder);

// Steps of one task on a plain thread (sequential/threads/worker processes).
struct StepEnv {
    const scenario::Scenario* scenario = nullptr;
    Gil* gil = nullptr;  // null: no GIL (free-threaded, or alone in its process)
    int delayPort = 0;
    const plan::Plan* plan = nullptr;  // what each step means here (plan::InPlace); null: a plan with no slowdown
    std::vector<int64_t>* counters = nullptr;
    std::vector<std::mutex>* locks = nullptr;
    ThreadChannels* channels = nullptr;         // null where tasks cannot share queues (plan::Unsupported)
    ProcessQueues* processQueues = nullptr;     // a pool worker's multiprocessing queues (Plan::processQueues)
    const std::atomic<bool>* stop = nullptr;    // with channels: set when the run is abandoned
    // Children steps (null workload: they are skipped).
    const models::Workload* workload = nullptr;
    const ChildLaneFn* childLanes = nullptr;
    const TaskRecords* records = nullptr;  // by task id: the children's records go there
    trace::TrackId threadLane = trace::TrackId::None();   // the lane of the thread running the steps
    trace::TrackId processLane = trace::TrackId::None();  // its process's lane
    int64_t deadline = 0;                       // MonoNs (0: none) for nested event loops
    const std::atomic<bool>* cancel = nullptr;
};
// Runs a task's steps; false if it failed (a fail step, or a children step whose children failed as it raises).
// `cursor`: where the task's block of descendants starts (-1: a top-level task's, Plan::FirstDescendant).
bool RunTaskSteps(Actor& actor, const StepEnv& env, const std::vector<scenario::Step>& steps, trace::TaskId task,
                  int32_t cursor = -1);
// threading.Thread per child, each started (Thread.start() holding the GIL) then joined, on `actor`'s thread. Each
// child's record goes to env.records; a child's failure ends only that child.
void RunChildThreads(Actor& actor, const StepEnv& env, trace::TaskId parent, const plan::ChildBlock& block);
// A children step with "via": "executor" (models::ExecutorChildren says what it does): submits, the executor's
// threads, as_completed. False when a child failed (f.result() raised it in the parent, after every child ended).
bool RunChildExecutor(Actor& actor, const StepEnv& env, trace::TaskId parent, const plan::ChildBlock& block);

}  // namespace interleave::native
