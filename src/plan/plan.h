#pragma once
// What runs where, decided once. The simulator's model builders, the C++ runtimes, the Python exporter and the UI's
// lanes all read a Plan; none of them decides these things again (issue 12). A plan says how many processes or
// threads run the tasks, which tasks travel together in which order (Pool.map's chunks, one batch per worker for an
// event loop per process), what every lane is called, and which tasks get a lane of their own.
//
// The names are CPython's own: the Python probe records the names CPython gives its processes and threads, so the
// simulated and the C++ traces use the same ones and `interleave check` compares like with like.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/model_info.h"
#include "scenario/scenario.h"

namespace interleave::plan {

// Asyncio tasks get a lane each up to this many; past it the event loop's lane carries them alone.
inline constexpr int32_t kMaxTaskLanes = 500;

// Lanes every model names the same way.
inline constexpr std::string_view kMainProcess = "MainProcess";
inline constexpr std::string_view kMainThread = "MainThread";
inline constexpr std::string_view kEventLoopThread = "MainThread (event loop)";
inline constexpr std::string_view kPoolTaskHandler = "Thread-2 (_handle_tasks)";
inline constexpr std::string_view kPoolResultHandler = "Thread-3 (_handle_results)";
inline constexpr std::string_view kForkServer = "forkserver";

// "ForkPoolWorker-1" (multiprocessing names a pool's processes by start method, from 1).
std::string PoolWorkerName(scenario::StartMethod method, int32_t index);
// "ThreadPoolExecutor-0_0" (concurrent.futures, from 0) or "Thread-1 (run_task)" (threading.Thread(target=run_task),
// numbered from 1 as CPython numbers them: the main thread is not counted).
std::string ExecutorThreadName(int32_t index);
std::string InterpreterWorkerName(int32_t index);  // "InterpreterPoolExecutor-0_0": the exported program names its threads so
std::string TaskThreadName(int32_t index);
// "asyncio_0": the event loop's default executor (to_thread, run_in_executor), numbered from 0.
std::string LoopExecutorThreadName(int32_t index);
// "Task-1 fetch[0]": asyncio numbers tasks from 1 in creation order.
std::string TaskLaneName(int32_t task, std::string_view taskName);
// "GIL (MainProcess)", "Core 0".
std::string GilLaneName(std::string_view interpreter);
std::string CoreLaneName(int32_t core);
// "Other programs" and "busy 1": the busy processes of machine.background_load (numbered from 1).
std::string BackgroundProcessLaneName();
std::string BackgroundLaneName(int32_t index);
// "Queue pages": the depth of a queue.Queue or asyncio.Queue (a counter lane: items in the queue over time).
std::string QueueLaneName(std::string_view queue);
// "QueueFeederThread (jobs)": the thread a multiprocessing.Queue starts in a process at its first put() there
// (CPython names every feeder "QueueFeederThread"; the queue's name tells one queue's from another's).
std::string QueueFeederThreadName(std::string_view queue);
// "page[2]/fetch executor_1": the k-th thread (from 0) of the ThreadPoolExecutor a children step with "via": "executor"
// runs its children on; the exported program passes thread_name_prefix="page[2]/fetch executor", CPython adds "_k".
std::string ChildExecutorThreadName(std::string_view parent, std::string_view child, int32_t index);
// The same from the name of the child with the same index ("page[2]/fetch[1]" -> "page[2]/fetch executor_1"): a
// runner that holds that child's task record names the thread that way (ChildTaskName's form).
std::string ExecutorThreadLaneName(std::string_view sameIndexChild);
// "fetch[3]": a task is named by its group and its index in the group.
std::string TaskName(std::string_view group, int32_t index);
// The same, appended to `out` in place: a scenario may have a million tasks, and each name is one small string.
void AppendTaskName(std::string& out, std::string_view group, int32_t index);
// "page[2]/fetch[3]": the k-th child a task starts with a children step, named under its parent (also the name of a
// child thread: its lane).
std::string ChildTaskName(std::string_view parent, std::string_view child, int32_t index);

// The tasks one children step starts. Children are numbered after every top-level task: each task owns a block of
// ids for everything it starts below it (its descendants), laid out in the order its steps run: per children step,
// the children's own ids first, then each child's block. A runner keeps a cursor at the start of the running task's
// block (Plan::FirstDescendant for a top-level task, ChildBlock::DescendantsStart for a child) and moves it past each
// children step's block, so every runner numbers the same child the same way without a table.
struct ChildBlock {
    int32_t first = 0;     // the first child's task id
    int32_t count = 0;     // children started
    int32_t group = 0;     // the children's group in Workload terms: scenario.groups.size() + Step::children
    int32_t perChild = 0;  // descendants each child starts below it
    // "via": "executor": the executor's threads, min(max_workers, count), started one per submit while fewer than
    // that run (as the top-level pool's, see Plan::threads); 0 for any other way of starting children.
    int32_t executorThreads = 0;
    int32_t Task(int32_t k) const { return first + k; }
    int32_t DescendantsStart(int32_t k) const { return first + count + k * perChild; }
    int32_t End() const { return first + count * (1 + perChild); }  // where the cursor goes next
};

// A run of consecutive tasks (every split the runners make is contiguous: a scenario may hold a million tasks).
struct TaskRange {
    int32_t first = 0;
    int32_t count = 0;
    int32_t End() const { return first + count; }
    bool operator==(const TaskRange&) const = default;
};

struct Plan {
    scenario::ModelKind kind = scenario::ModelKind::Sequential;
    int32_t taskCount = 0;   // top-level tasks: what the model hands out to threads, workers and loops
    int32_t totalTasks = 0;  // with every child task (they are numbered from taskCount on)
    int32_t groupCount = 0;  // the scenario's task groups; a child group's index comes after them
    // Per group, then per child group (Scenario::children): how many descendants one task of it starts.
    std::vector<int32_t> descendantsPerTask;
    std::vector<int32_t> groupFirstTask;  // per group: its first task id (tasks are numbered group by group)

    // Threads and the free-threaded build: `threadPool` is ThreadPoolExecutor(max_workers=model.workers), which
    // starts a thread per submitted task up to its maximum; otherwise a threading.Thread per task.
    bool threadPool = false;
    // Process pools: Pool(processes=workers) starts every worker whatever the number of tasks; the scenario's
    // model.workers, else machine.cores (what Pool() would start on that machine: os.cpu_count()).
    int32_t workers = 0;
    // Process pools: what map() hands out, in order. Pool.map: chunks of `chunksize` (CPython's default when the
    // scenario gives none). process_asyncio: one batch per worker (sizes differing by at most one, the larger first,
    // as numpy.array_split), each run by asyncio.run() in the worker, handed out with chunksize 1.
    int32_t chunksize = 0;
    std::vector<TaskRange> chunks;
    // Threads: the threads that run tasks: one per task, or for an executor at most min(max_workers, tasks). CPython's
    // ThreadPoolExecutor starts a thread per submit only while no thread is idle (_adjust_thread_count), so when a
    // task ends before the next is submitted it starts fewer; the simulator and the C++ runtime start them all.
    int32_t threads = 0;
    scenario::StartMethod startMethod = scenario::StartMethod::Fork;

    // The first id of a top-level task's block of descendants (see ChildBlock).
    int32_t FirstDescendant(int32_t task) const;
    // The block a children step starts when the running task's cursor is at `cursor`.
    ChildBlock Children(const scenario::Scenario& scenario, const scenario::Step& step, int32_t cursor) const;

    // The name of the k-th process or thread that runs tasks (a pool's workers, the threads), in start order.
    std::string WorkerName(int32_t k) const;
    int32_t WorkerCount() const { return IsPool() ? workers : IsThreads() || IsInterpreterPool() ? threads : 0; }
    // Asyncio (in the parent, or in each worker): every task gets a lane of its own.
    bool taskLanes = false;
    // Children that are coroutines (gather, task_group) get a lane each, in whatever model, named
    // TaskLaneName(their task id, their name); children that are threads always have their thread's lane.
    bool childLanes = false;
    // Some children step starts threads or an executor (the interpreter then has threads beside the one it began with).
    bool childThreads = false;
    // A process pool's queues are multiprocessing.Queue objects every worker shares (made before the Pool and handed
    // to each worker by its initializer): put() buffers the item for the process's feeder thread, which pickles it
    // into a pipe; get() reads and unpickles it. A queue that says "pipe": true is a multiprocessing.Pipe there
    // (IsProcessPipe). Elsewhere a queue is a queue.Queue or an asyncio.Queue.
    bool processQueues = false;
    // The release the run's interpreters are (scenario::RunPython), and whether they have a GIL.
    scenario::PythonVersion python;
    bool gil = true;
    // Multiplies pure-Python CPU time: the free-threaded build's slowdown (model.slowdown or the release's), else 1. The simulator
    // and the C++ runtime apply it; CPython running the exported program shows its own.
    double pythonCpuScale = 1.0;

    bool IsPool() const { return scenario::Info(kind).processPool; }
    bool LoopPerWorker() const { return scenario::Info(kind).processPool && scenario::Info(kind).eventLoop; }
    bool IsThreads() const { return scenario::Info(kind).threads; }
    bool IsInterpreterPool() const { return scenario::Info(kind).interpreterPool; }
    // The group a task belongs to (binary search over groupFirstTask).
    int32_t GroupOf(int32_t task) const;
    // A task's position among the tasks of the event loop that runs it (its batch under process_asyncio, all the
    // tasks under asyncio): what its lane is numbered by (TaskLaneName).
    int32_t IndexInLoop(int32_t task) const;
    // The lane of a task that runs as a coroutine: TaskLaneName(IndexInLoop(task)) for a top-level task, and for a
    // child (whose place in its loop depends on when its parent ran) TaskLaneName(its task id), unique in the trace.
    std::string CoroutineLaneName(int32_t task, std::string_view taskName) const;
};

// What a step does where steps run one after the other (a thread, a pool worker, the sequential loop), for every
// runner: an `await` is the blocking call it stands for and `to_thread` runs its step in place (outside an event
// loop neither can yield), and pure Python is slowed by pythonCpuScale. Event loops read awaits and to_thread
// themselves: they yield and offload.
struct StepWork {
    scenario::StepKind kind;  // Cpu, CCall, Io or BlockingCall; any other kind is the step itself (no timed work)
    scenario::TimeNs duration = 0;
    // An io step's reply (Step::replyAfter): the call returns no earlier than this long after the start of the task's
    // previous io step, which each runner records. 0: none. Only a declared io step has one (never an await).
    scenario::TimeNs replyAfter = 0;
    bool recordsIoStart = false;  // a declared io step: its start is what the task's next reply counts from
};
// The reply an io step waits for, for every runner: the absolute time it arrives, `replyAfter` after the task's
// previous io call began (`lastIoStart`), or -1 when there is none to wait for (no reply, or no io call before).
constexpr scenario::TimeNs ReplyArrives(scenario::TimeNs replyAfter, scenario::TimeNs lastIoStart) {
    return replyAfter > 0 && lastIoStart >= 0 ? lastIoStart + replyAfter : -1;
}
// How long a call that begins at `start` and takes `duration` lasts when it returns no earlier than `notBefore`
// (-1: no such bound): a reply that lands after the call's own time keeps it waiting until then.
constexpr scenario::TimeNs CallLasts(scenario::TimeNs start, scenario::TimeNs duration, scenario::TimeNs notBefore) {
    return notBefore >= 0 && notBefore - start > duration ? notBefore - start : duration;
}
// Pure-Python time under the plan's slowdown (rounded to the nearest ns).
inline scenario::TimeNs ScaledPython(const Plan& plan, scenario::TimeNs duration) {
    if (plan.pythonCpuScale == 1.0) return duration;
    return static_cast<scenario::TimeNs>(std::llround(static_cast<double>(duration) * plan.pythonCpuScale));
}
// Inline: every step of every thread and pool worker asks it, and its callers live in another library.
inline StepWork InPlace(const Plan& plan, const scenario::Step& step) {
    using scenario::StepKind;
    StepKind kind = step.kind;
    if (kind == StepKind::Await) kind = StepKind::Io;  // the synchronous equivalent of an awaited call blocks
    if (kind == StepKind::ToThread) kind = step.inner;  // outside asyncio the step simply runs here
    const scenario::TimeNs duration = kind == StepKind::Cpu ? ScaledPython(plan, step.duration) : step.duration;
    const bool io = step.kind == StepKind::Io;
    return {kind, duration, io ? step.replyAfter : 0, io};
}

// Pickling (or unpickling) a payload of `bytes`, `objectBytes` of which are an object graph: bytes and buffers go at
// the profile's pickle_throughput, object graphs at pickle_objects_throughput (unpickle_* when `unpickle`). The
// simulator charges it all; the C++ runtime copies every byte for real and spends the object graph's part on top.
scenario::TimeNs PickleTime(const scenario::MachineProfile& profile, int64_t bytes, int64_t objectBytes, bool unpickle);
// Fresh memory a process pool's message costs: pages written for the first time, each at the profile's page_touch.
// Measured with minor page-fault counts per call (tests/reference/programs/pool_phases.py, docs/real-runs.md
// "Inside the Pool"), and explained by CPython's and glibc's source:
//  - Connection._recv (Lib/multiprocessing/connection.py) reads a message larger than the OS pipe (65,536 bytes,
//    pipe(7)) in pieces into a growing io.BytesIO, each os.read() allocating what is left; the worker's heap grows
//    by brk while it receives and unpickles the item and glibc's free trims it back after (systrim), so the next item
//    touches fresh pages again. Each os.read(fd, remaining) first allocates what is left of the message: while that
//    is at or above malloc's mmap threshold (M_MMAP_THRESHOLD, 128 KiB by default) it is a fresh mapping, whose
//    pages the read writes and free() unmaps again, a fresh page per page read on top of the BytesIO's own. So the
//    larger the message, the more of it is read that way (ReceiptPagesPerPage: measured medians by size).
//  - pickle.loads then writes the new object: one page per page for bytes (load_counted_binbytes copies into a new
//    object; measured 1.00-1.05), kObjectPagesPerPage per page of pickled object graph: a list of ints unpickles each
//    5-byte BININT into a 28-byte int that pymalloc rounds to 32 bytes, plus the list's 8-byte slot: 40 bytes for 5
//    (docs/models.md, "Processes").
//  - A message that fits the pipe arrives in one read and leaves the heap warm: it pays these pages only at its
//    process's first receipt (measured: 74 + 13 faults for 64 KiB at a worker's first item, 0-3 after).
//  - The sender's pickle.dumps writes fresh pages at its process's first send, and at every send above glibc's
//    mmap ceiling (DEFAULT_MMAP_THRESHOLD_MAX, 32 MiB on 64-bit: every such allocation is a fresh mmap).
inline constexpr int64_t kPageBytes = 4'096;
// Fresh pages a Pool worker's receipt touches per page of message: the median over 16 items of each size
// (pool_phases.py --kind bytes --items 8 --maps 2, 2026-12-07, tests/reference/results/pool-phases-bytes-sizes-*),
// interpolated on the logarithm of the size between them and flat beyond. Lists of ints pickled to the same size
// touched as many (1.73 at 0.9 MB, 1.96 at 10.4 MB: pool-phases-ints-*).
struct ReceiptPages {
    int64_t bytes;
    double pagesPerPage;
};
inline constexpr ReceiptPages kReceiptPagesMeasured[] = {
    {204'809, 1.294}, {1'048'585, 1.778}, {10'485'769, 1.942}, {41'943'049, 2.123}, {104'857'609, 2.124}};
double ReceiptPagesPerPage(int64_t bytes);
inline constexpr double kObjectPagesPerPage = 8.0;
inline constexpr int64_t kMmapThresholdMaxBytes = int64_t{32} << 20;
int64_t FreshPagesReceived(int64_t bytes, int64_t objectBytes, bool firstInProcess);
// The two parts of FreshPagesReceived: the pages Connection._recv's pieces touch while the sender is still writing
// (ReceiptPagesPerPage), and those pickle.loads touches after, making the new object.
int64_t FreshPagesRead(int64_t bytes, bool firstInProcess);
int64_t FreshPagesUnpickled(int64_t bytes, int64_t objectBytes, bool firstInProcess);
int64_t FreshPagesSent(int64_t bytes, bool firstInProcess);
// A Pool's parent pickling an object graph it built before forking its workers (the exported programs and the
// reference programs make each group's payload once, before the Pool, and send that one object with every item):
// pickle's save() holds a reference to each object it writes (Py_INCREF/Py_DECREF around each item in
// batch_list_exact, Modules/_pickle.c), and writing a refcount on a page the fork's children still share copies that
// page. So the parent's first pickling of the payload after the fork touches every page of its objects once; later
// items find them private. A list of ints holds a 32-byte int (pymalloc's block for a 28-byte int) per 5-byte BININT:
// 6.4 pages per page of pickle. Measured through a real Pool (pool_phases.py --kind ints, three runs): the first
// 10 MiB dumps touched 6.53 pages per page of pickle beyond its output's own (16,520-16,526), later ones none; at
// 1 MiB 7.64 (1,719, some of it the interpreter's own pages). Spawn and forkserver parents share no pages with their
// workers: 0.
inline constexpr double kCopyOnWritePagesPerPage = 6.53;
int64_t PagesCopiedOnWrite(int64_t objectBytes, scenario::StartMethod method);
scenario::TimeNs PageTouchTime(const scenario::MachineProfile& profile, int64_t pages);
// Leaving `with Pool(workers)`: a Pool(1)'s tear-down (pool_teardown) and what each further worker adds
// (pool_teardown_worker), saturating. No workers, no tear-down.
scenario::TimeNs PoolTeardownTime(const scenario::MachineProfile& profile, int64_t workers);
// Who runs the program's main module again before working, and what that costs them (main_rerun and the scenario's
// main_imports: multiprocessing.spawn.prepare's _fixup_main_from_path). A spawned worker always. A forkserver worker
// where the release's fork server does not preload the main module (3.11, 3.12: the keys main_path and
// init_main_from_path never matched, gh-126631); from the fix on, the fork server once, before its first fork. A forked
// worker inherits it. The simulator and the C++ runtime read it here, each run drawn as Python after the process's
// start.
struct MainModuleRuns {
    scenario::TimeNs eachWorker = 0;
    scenario::TimeNs forkServer = 0;
};
MainModuleRuns MainModuleRun(const scenario::Scenario& s);
// The CPU one put, get, set or wait step costs under the scenario's model, wherever its thread runs it: a
// multiprocessing.Queue's put (its own Python and its feeder thread's pickling) or get in a process pool, an
// asyncio.Queue's or asyncio.Event's on an event loop, else a queue.Queue's or threading.Event's.
// multiprocessing.Pipe's send() (pickling and writing) or recv() (reading and unpickling) for a pipe between processes.
scenario::TimeNs ChannelCallCpu(const scenario::Scenario& s, scenario::StepKind kind, int32_t name);

// True when the queue `name` is a one-way multiprocessing.Pipe between processes: it says "pipe": true and the model
// runs its tasks in a process pool's workers (model processes; elsewhere it is an unbounded queue). A pipe has no
// depth lane (a program cannot ask a pipe how many objects it holds, so CPython could not show one), no feeder
// thread and no semaphore.
bool IsProcessPipe(const scenario::Scenario& s, int32_t name);
// How many objects a pipe holds before send() blocks in its write: Linux's pipe buffer (65,536 bytes, pipe(7)) over
// one message, Connection's 4-byte length and the 4-byte pickle of the exported program's item (None). Measured:
// send() from a thread blocks after 8,192 objects with CPython 3.11.7, 3.12.1 and 3.13.0 (docs/machine-profile.md).
// The queues that get a depth lane (QueueLaneName), in the order their lanes are made: every queue but a pipe.
std::vector<int32_t> DepthLaneQueues(const scenario::Scenario& s);
inline constexpr int32_t kPipeBufferBytes = 65'536;
inline constexpr int32_t kPipeMessageBytes = 4 + 4;
inline constexpr int32_t kPipeCapacity = kPipeBufferBytes / kPipeMessageBytes;
// A message larger than the OS pipe does not fit it: the sender's write() returns only once a reader has taken all
// but the pipe's worth, so sender and reader are in the transfer together (Connection._send_bytes writes it whole).
inline bool FillsThePipe(int64_t bytes) { return bytes > kPipeBufferBytes; }

// The plan of a valid scenario (ParseScenario's output): never fails.
Plan MakePlan(const scenario::Scenario& scenario);

// Why no runner can run the scenario under its model, or "" when they all can. A process pool's tasks share queues
// as multiprocessing.Queue objects (Plan::processQueues) or pipes, but no event (a multiprocessing.Event is not
// modelled), no queue where each worker runs an event loop, and no pipe that more than one task reads (two processes
// reading one Connection at once can split a message between them); child tasks use no lock, queue or event. Every
// runner asks this one function.
std::string Unsupported(const scenario::Scenario& scenario);

// concurrent.futures' default max_workers (ThreadPoolExecutor, InterpreterPoolExecutor, asyncio's default executor):
// min(32, (os.process_cpu_count() or 1) + 4), with the machine's cores as the count (3.8+; cpu_count before 3.13).
int32_t DefaultThreadPoolSize(int32_t cores);
// A children step's executor: its max_workers, or that default when the scenario gives none.
int32_t ExecutorMaxWorkers(const scenario::Scenario& scenario, const scenario::ChildGroup& spec);

// Pool.map's default chunksize: chunksize, extra = divmod(len(iterable), len(self._pool) * 4); chunksize += bool(extra).
int32_t DefaultChunksize(int32_t tasks, int32_t workers);

}  // namespace interleave::plan
