#pragma once
// [SECTION] Index
//   Steps ......... what one task does, in order
//   Tasks ......... named groups of identical tasks
//   Model ......... how the tasks run: sequential, threads, processes, asyncio, ...
//   Machine ....... cores and the profile of costs (defaults and their sources: docs/machine-profile.md)
//   Scenario ...... all of it, with its JSON form (docs/scenario.md) and validation
//
// Durations are int64 nanoseconds, sizes are bytes. Parsing validates everything and reports the first
// problem with the JSON path of the field and the reason; a Scenario that parsed is safe to simulate.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/python_version.h"
#include "scenario/story.h"

namespace interleave::scenario {

using TimeNs = int64_t;

enum class StepKind : uint8_t {
    Cpu,           // pure Python: holds the GIL
    CCall,         // C code that releases the GIL (hashlib, zlib, numpy on large buffers)
    Io,            // blocking I/O: requests.get, time.sleep, a file read (releases the GIL)
    Await,         // awaited I/O: await session.get, asyncio.sleep (blocking I/O outside asyncio)
    BlockingCall,  // a synchronous blocking call made inside a coroutine: stalls the loop
    Acquire,       // acquire a named lock (threading.Lock / asyncio.Lock)
    Release,       // release it
    Send,          // bytes pickled to the worker with the task's arguments
    Return,        // bytes pickled back with the result
    ToThread,      // asyncio.to_thread(step): the nested step runs on the default executor
    Increment,     // counter += 1 on a named shared counter (a read, then a write)
    Fail,          // raise: the task fails here (a TaskGroup then cancels its siblings)
    Put,           // put one item on a named queue (queue.Queue / asyncio.Queue): blocks while it is full
    Get,           // take one item from it: blocks while it is empty
    Set,           // set a named event (threading.Event / asyncio.Event): wakes every waiter
    Wait,          // wait until the event is set
    Children,      // start child tasks and wait for them all (asyncio.gather, a TaskGroup, threads joined)
    Repeat,        // `repeat` times the `body`: a loop in the task (last: the parser's table ends with it)
};

std::string_view StepKindName(StepKind kind);

// What a send or return carries: what is pickled matters as much as how much. Bytes and buffers pickle at memory
// speed; an object graph (lists, dicts, small objects) is walked object by object, several times slower per byte.
enum class PayloadKind : uint8_t { Bytes, Objects };
std::string_view PayloadKindName(PayloadKind kind);  // "bytes", "objects"

struct Step {
    StepKind kind = StepKind::Cpu;
    TimeNs duration = 0;     // Cpu, CCall, Io, Await, BlockingCall; for ToThread the nested step's
    // Io (format version 9): {"io": "3us", "reply_after": "22us"} is a call that waits for a reply to the task's
    // previous io step (a recv after a send): it returns `duration` after it starts, but not before `replyAfter` after
    // that earlier call started. The peer answers on its own time, whether or not the task was there to wait (it was
    // waiting for the GIL, say). 0: an ordinary call. The parser requires an io step earlier in the same list.
    TimeNs replyAfter = 0;
    int64_t bytes = 0;       // Send, Return: the pickled size
    PayloadKind payload = PayloadKind::Bytes;  // Send, Return: {"send": "10MB", "payload": "objects"}
    int32_t name = -1;       // Acquire/Release: lock; Increment: counter; Put/Get: queue; Set/Wait: event (Scenario::names)
    StepKind inner = StepKind::Io;  // ToThread: the kind of the nested step (Cpu, CCall, Io)
    int32_t repeat = 1;             // Repeat: how many times
    std::vector<Step> body;         // Repeat: the steps repeated
    int32_t children = -1;          // Children: the child tasks (Scenario::children)
};

// How a task starts its children and waits for them, as people write it:
//   Gather:    await asyncio.gather(*(child(k) for k in range(count)))
//   TaskGroup: async with asyncio.TaskGroup() as tg: tg.create_task(child(k)) for each k (a failure cancels the rest)
//   Threads:   threads = [threading.Thread(target=child, args=(k,)) ...]; each started, then each joined
//   Executor:  with ThreadPoolExecutor(max_workers) as ex: futures = [ex.submit(child, k) ...]; then
//              for f in as_completed(futures): f.result(). The children run on the executor's threads, at most
//              max_workers at a time, in submit order; the parent wakes as each one completes.
// Gather and TaskGroup children are coroutines: on the task's own event loop where it runs in one (asyncio, and
// process_asyncio's batches), else in an event loop of their own that the task starts with asyncio.run() (a pool's
// item, a thread, sequential code). Threads children are threads of the task's process.
enum class ChildVia : uint8_t { Gather, TaskGroup, Threads, Executor };
std::string_view ChildViaName(ChildVia via);  // "gather", "task_group", "threads", "executor"

// The tasks one children step starts (format version 4): `count` tasks named "<parent>/<name>[k]", each running
// `steps` (which may start children of their own).
struct ChildGroup {
    std::string name;
    int32_t count = 1;
    ChildVia via = ChildVia::Gather;
    // Executor: ThreadPoolExecutor(max_workers=maxWorkers); 0: CPython's default, min(32, os.cpu_count() + 4)
    // (format version 7).
    int32_t maxWorkers = 0;
    std::vector<Step> steps;
};

// Unrolls Repeat steps into a flat list (what the simulator runs).
std::vector<Step> ExpandSteps(const std::vector<Step>& steps);
// How many steps ExpandSteps would give, without building them (saturates at INT64_MAX).
int64_t ExpandedStepCount(const std::vector<Step>& steps);
// What one task running `steps` starts below it: its children, theirs, and so on (a children step inside a repeat
// counts each time round), with their unrolled steps and summed step time. Saturating.
struct Descendants {
    int64_t tasks = 0, steps = 0, work = 0;
};
struct Scenario;
Descendants CountDescendants(const Scenario& scenario, const std::vector<Step>& steps);

struct TaskGroup {
    std::string name;
    int32_t count = 1;
    std::vector<Step> steps;  // as written: Repeat steps hold their body
};

enum class ModelKind : uint8_t {
    Sequential,
    Threads,         // threading.Thread per task, or a ThreadPoolExecutor of `workers`
    Processes,       // multiprocessing.Pool(workers) with pool.map
    Asyncio,         // one event loop; optionally behind a Semaphore(semaphore)
    ProcessAsyncio,  // a Pool of workers, each running an event loop over its share of the tasks
    FreeThreaded,    // threads on the free-threaded build of the scenario's release (3.14 -> 3.14t): no GIL
    Interpreters,    // InterpreterPoolExecutor(workers) (3.14+): a thread per worker, each in an interpreter with its own GIL
};
std::string_view ModelKindName(ModelKind kind);  // "sequential", "threads", ... (model_info.h's registry)
bool ParseModelKind(std::string_view name, ModelKind& out);

enum class StartMethod : uint8_t { Fork, Spawn, Forkserver };
std::string_view StartMethodName(StartMethod method);

struct Model {
    ModelKind kind = ModelKind::Sequential;
    int32_t workers = 0;        // 0: threads -> one per task; processes -> machine cores
    StartMethod startMethod = StartMethod::Fork;
    int32_t chunksize = 0;      // 0: Pool.map's default, ceil(tasks / (4 * workers))
    int32_t semaphore = 0;      // asyncio: 0 = no semaphore
    bool taskGroup = false;     // asyncio: run under a TaskGroup (first failure cancels the rest)
    // asyncio (3.12+): loop.set_task_factory(asyncio.eager_task_factory). A new task's first step runs at once, inside
    // create_task(), before the code that created it goes on and without a trip round the loop.
    bool eagerTasks = false;
    // Single-thread CPU slowdown of the free-threaded build; 0: the release's own (python_version.h).
    double freeThreadedSlowdown = 0;
};

// Which of Linux's fair schedulers shares the cores (src/models/os, docs/models.md "The OS"): CFS up to Linux 6.5,
// EEVDF from 6.6 on. They differ in what a thread that slept is owed when it wakes, which decides the GIL on a busy
// machine.
enum class OsScheduler : uint8_t { Cfs, Eevdf };
const char* OsSchedulerName(OsScheduler scheduler);

// Costs measured on a real machine. Every default names its source in docs/machine-profile.md.
struct MachineProfile {
    TimeNs switchInterval = 5'000'000;     // sys.getswitchinterval()
    bool forcedSwitching = true;           // FORCE_SWITCHING in Python/ceval_gil.c
    TimeNs evalBreakerLatency = 1'000;     // from drop request to the holder noticing it
    TimeNs timeSlice = 4'000'000;          // OS scheduler quantum when threads outnumber cores (EEVDF: the tick)
    OsScheduler scheduler = OsScheduler::Eevdf;
    TimeNs wakeupLatency = 50'000;         // from a condition signal to the woken thread running on a core idle for long
    // ...and on a core that went idle less than shallowIdle ago: it still polls or sits in a shallow idle state
    // (KVM's halt polling, 200 us by default; cpuidle's shallow C-states), so it answers at once. Measured with
    // tests/reference/programs/wake_probe.c (docs/machine-profile.md).
    TimeNs wakeupLatencyShallow = 7'000;
    TimeNs shallowIdle = 200'000;
    // What waking a sleeping thread costs the thread that wakes it: pthread_cond_signal's futex wake is a system call
    // that, to a thread on another core, sends an inter-processor interrupt, and on a virtual machine the host must
    // deliver it (a halted vCPU's more slowly). The signaller is on its core and not yet doing what comes next (the
    // I/O after drop_gil(), the Python after take_gil() released the dropper). For a wake onto a long-idle core and
    // onto one that went idle less than shallowIdle ago, as the wake-up latencies.
    // tests/reference/programs/wake_probe.c (docs/machine-profile.md).
    TimeNs wakerCost = 38'000;
    TimeNs wakerCostShallow = 7'000;
    // How often the thread that set gil_drop_request is the one that takes the GIL it asked for: it goes straight
    // back into pthread_cond_timedwait() and is still on its way to sleep when the holder signals, so it takes the
    // signal itself and the waiter the futex wakes finds none (glibc 2.36). tests/reference/programs/gil_replica.c
    // (the GIL on bare pthreads) measured 0.67-0.80, CPython 3.11.2's gil_probe.py 0.60-0.84 (docs/machine-profile.md).
    // A seeded run draws each switch; the deterministic run gives the requester three switches in four.
    double requesterWins = 0.75;
    // A seeded run's spread of wake-up latencies: the sigma of a log-normal factor around wakeupLatency (the
    // GIL hand-off gaps measured in tests/reference, p10..p90 about 0.6x..1.7x the median).
    double wakeupSpread = 0.4;
    // How late each take_gil() timeout fires, in every run: Linux's default timer slack for a normal thread (prctl(2),
    // PR_SET_TIMERSLACK: 50 us), which a slack timer reaches when nothing wakes its core sooner.
    TimeNs timerSlack = 50'000;
    // From that timeout to the waiter running again: the timer's interrupt wakes the core it slept on, idle since the
    // wait began. Local to that core (no inter-processor interrupt), so shorter than wakeupLatency. Measured with
    // tests/reference/programs/wake_probe.c --timer (docs/machine-profile.md).
    TimeNs timerWakeup = 28'000;
    TimeNs contextSwitch = 5'000;          // a core switching threads
    TimeNs threadStart = 60'000;           // threading.Thread.start()
    TimeNs processStartFork = 3'000'000;
    // A fork worker's own start after os.fork() returned in the parent (copy-on-write faults, multiprocessing's
    // bootstrap), on its own core, until it runs its first task: Process.start()'s "ready" less its parent's part.
    TimeNs forkChildStart = 2'000'000;
    // A spawned worker: a fresh interpreter, multiprocessing's imports and its preparation data, until it would run
    // the main module again (mainRerun and the scenario's mainImports come on top: plan::MainModuleRun).
    TimeNs processStartSpawn = 54'000'000;
    TimeNs processStartForkserver = 4'000'000;  // a fork from the server...
    // ...which the parent asks for: Process.start() with forkserver pickles the preparation data and the process
    // object, connects to the server and passes the fds, then blocks until the server has forked and written the pid
    // (popen_forkserver.Popen._launch). This is the parent's own CPU in it; the wait is simulated. CPython 3.11.2,
    // 2026-12-07: 0.21-0.33 ms of thread CPU per start().
    TimeNs forkserverRequest = 300'000;
    TimeNs forkserverStart = 60'000'000;        // ...which itself starts once, like spawn
    // A child that runs the program's main module again (a spawned worker; a forkserver worker before 3.13's fix, the
    // fork server itself after it: PythonInfo::forkserverPreloadsMain) does it with runpy.run_path, which first
    // imports pkgutil: what an empty main module costs it (calibrate.py's main_module_runs: _fixup_main_from_path in a
    // forked child of a fresh interpreter that loaded multiprocessing.forkserver, as a fork server is; CPython 3.11.2,
    // 2026-12-07, quiet: 6.0 ms median, p10..p90 5.7..7.4).
    TimeNs mainRerun = 6'000'000;
    // A multiprocessing.Pool's own costs in the parent, beyond its workers' and handler threads' starts: the first
    // Pool() of a process imports multiprocessing.pool (context.Pool imports it lazily); Pool.__init__ makes its
    // queues, pipes and locks; leaving `with` terminates it (Pool._terminate_pool): it stops the handler threads,
    // sends every worker SIGTERM, then joins each. poolTeardown is a Pool(1)'s, poolTeardownWorker what each further
    // worker adds: their exits overlap on the cores, so a large pool's comes to less per worker than a Pool(1)'s
    // (plan::PoolTeardownTime). Measured with CPython 3.11.2 (docs/machine-profile.md).
    TimeNs poolImport = 12'000'000;
    TimeNs poolSetup = 3'300'000;
    TimeNs poolTeardown = 800'000;
    TimeNs poolTeardownWorker = 330'000;
    TimeNs interpreterStart = 28'000'000;        // InterpreterPoolExecutor: a worker's interpreter, created once (3.14)
    TimeNs interpreterCallOverhead = 37'000;     // ...and each call into it (exec of a small script, a result queue)
    int64_t pickleBytesPerSecond = 1'000'000'000;
    int64_t unpickleBytesPerSecond = 1'500'000'000;
    int64_t pickleObjectsBytesPerSecond = 86'000'000;    // an object graph: a list of small dicts
    int64_t unpickleObjectsBytesPerSecond = 72'000'000;
    TimeNs messageOverhead = 30'000;       // per pickled message through a pipe
    // A 4 KiB page of memory written for the first time (a minor page fault: the kernel finds and zeroes a page).
    // What a Pool's message pays where its receipt and unpickling get fresh heap (plan::FreshPagesReceived).
    TimeNs pageTouch = 1'000;
    TimeNs loopStepOverhead = 12'000;      // asyncio: one trip round the loop per resumed task (measured: docs/machine-profile.md)
    TimeNs eagerStepOverhead = 9'000;      // asyncio: an eager task's first step, run inside create_task() (docs/machine-profile.md)
    TimeNs counterIncrement = 100;         // counter += 1 in bytecode
    TimeNs queueOperation = 800;           // one queue.Queue put or get, or a threading.Event set or wait
    TimeNs asyncQueueOperation = 450;      // one asyncio.Queue put or get that does not wait
    // multiprocessing.Queue (Lib/multiprocessing/queues.py), per item: put()'s own Python in the caller (the
    // semaphore, the buffer, waking the feeder thread); the feeder thread's pickling of it and its write to the pipe
    // under the write lock; get()'s read under the read lock, the semaphore's release and the unpickling.
    // Measured with CPython 3.11 between two forked processes (docs/machine-profile.md).
    TimeNs mpQueuePut = 900;
    TimeNs mpQueueFeed = 5'400;
    TimeNs mpQueueGet = 5'400;
    // multiprocessing.Pipe's Connection (Lib/multiprocessing/connection.py), per object: send() pickles it and writes
    // it in the caller (no feeder thread, no lock); recv() reads and unpickles it. Measured like the queue's.
    TimeNs mpPipeSend = 4'900;
    TimeNs mpPipeRecv = 4'900;
    TimeNs executorSubmit = 4'700;         // ThreadPoolExecutor.submit() of a call while its threads are busy
    TimeNs asCompletedYield = 1'750;       // as_completed() handing back one finished future, and its result()
};

struct Machine {
    int32_t cores = 4;
    // Other programs' busy processes sharing the cores for the whole run (each always runnable, one thread):
    // a loaded machine, where the OS's choice of who runs decides what the GIL does (docs/models.md, "A busy
    // machine").
    int32_t backgroundLoad = 0;
    // 0: the deterministic run (every OS latency at its typical value). Otherwise the OS's choices (wake-up
    // latencies, timer slack) are drawn from this seed: one of the many runs CPython could give.
    uint64_t seed = 0;
    MachineProfile profile;
};

// What a name in Scenario::names stands for, from the steps that use it (one name, one kind).
enum class NameKind : uint8_t { Lock, Counter, Queue, Event };
std::string_view NameKindName(NameKind kind);  // "lock", "counter", "queue", "event"
// The kind of shared object a step uses by name; false for steps that use no name.
bool NameKindOf(StepKind kind, NameKind& out);

// A queue's bound: {"queues": {"jobs": {"maxsize": 2}}}. Queues not listed are unbounded (queue.Queue()).
// {"results": {"pipe": true}} (format version 8): between a process pool's workers the channel is a one-way
// multiprocessing.Pipe (put: Connection.send, get: recv) instead of a multiprocessing.Queue; a pipe has no maxsize
// (its send blocks only while the OS pipe is full). Under the other models it is an unbounded queue, as a program
// written for threads or asyncio would use.
struct QueueSpec {
    int32_t name = -1;    // index in Scenario::names
    int32_t maxsize = 0;  // 0: unbounded, as queue.Queue(maxsize=0)
    bool pipe = false;
};

struct Scenario {
    std::string name;
    std::string description;
    PythonVersion python = kDefaultPython;  // "python": "3.14t" (format version 5)
    // "main_imports" (format version 10): what running the program's main module costs beyond an empty one (its
    // imports and top-level code), paid by every process that runs it again (plan::MainModuleRun). 0: it imports
    // nothing the child does not have.
    TimeNs mainImports = 0;
    // "python_gil": 1, the PYTHON_GIL=1 environment variable: a free-threaded build with its GIL switched back on at
    // start-up (as importing an extension not marked free-threading-safe also does). The build's own costs remain.
    bool pythonGil = false;
    std::vector<TaskGroup> groups;
    std::vector<std::string> names;  // locks, counters, queues and events, indexed by Step::name
    std::vector<QueueSpec> queues;   // bounded queues (format version 3)
    // What children steps start, indexed by Step::children (format version 4). A deque: the editor adds one while it
    // holds references into another's steps.
    std::deque<ChildGroup> children;
    Model model;
    Machine machine;
    Story story;  // captioned steps through the timeline (scenario/story.h); empty: none

    int64_t TaskCount() const;
    // The queue's maxsize (0: unbounded). A search of `queues`: runners take QueueMaxsizes() once instead.
    int32_t QueueMaxsize(int32_t name) const;
    // Per name (indexed like `names`): the queue's maxsize, 0 for an unbounded queue or a name that is no queue.
    std::vector<int32_t> QueueMaxsizes() const;
    // True when the queue says "pipe": true (a multiprocessing.Pipe between processes).
    bool IsPipe(int32_t name) const;
    // True when some step puts, gets, sets or waits: tasks that talk to each other.
    bool UsesChannels() const;
    // True when some task starts children.
    bool HasChildren() const { return !children.empty(); }
};

// The release a run of this scenario runs on: its `python`, or for the free_threaded model that release's free-threaded
// build (3.13t for a release older than the first free-threaded one: a what-if).
PythonVersion RunPython(const Scenario& scenario);
const PythonInfo& RunPythonInfo(const Scenario& scenario);
// True when the run's interpreter has no GIL: a free-threaded build, without PYTHON_GIL=1.
bool RunsFreeThreaded(const Scenario& scenario);
// Pure-Python CPU time's factor: on a free-threaded build (its GIL on or off), the model's `slowdown` where given, else
// the release's; 1 on a build with the GIL.
double PythonCpuScale(const Scenario& scenario);
// The scenario on another release: `python` set, and a start method that was the old release's default becomes the
// new one's (what the same program gets there).
Scenario OnRelease(const Scenario& scenario, PythonVersion version);
// The models and settings the scenario's release lacks, as an error naming the release that has them; empty if none.
std::string MissingFromRelease(const Scenario& scenario);
// The same for one model on one release, without a scenario (the editor asks it for every model, every frame).
std::string MissingFromRelease(PythonVersion python, ModelKind kind);

// Drops the child groups no step reaches any more (the editor turned a children step into another kind) and renumbers
// the rest in the order the steps reach them.
void PruneChildren(Scenario& scenario);

// Per name, a bit (1 << NameKind) for each kind of step that uses it (a lock and a counter may share a name).
std::vector<uint8_t> NameUses(const Scenario& scenario);
inline bool UsedAs(uint8_t uses, NameKind kind) { return (uses >> static_cast<unsigned>(kind)) & 1u; }

// Documented limits (docs/scenario.md). Parsing rejects anything beyond them.
struct Limits {
    static constexpr int64_t kMaxTasks = 100'000;
    static constexpr int64_t kMaxSteps = 2'000'000;        // after unrolling, over all tasks
    static constexpr TimeNs kMaxStepDuration = 3'600'000'000'000;  // one hour
    static constexpr TimeNs kMaxTotalWork = 86'400'000'000'000;    // one day of summed step time
    static constexpr int64_t kMaxBytes = 16LL << 30;                // 16 GiB in one message
    static constexpr int32_t kMaxCores = 1024;
    static constexpr int32_t kMaxBackgroundLoad = 1024;  // busy processes beside the program
    static constexpr int64_t kMaxSeed = (int64_t{1} << 53) - 1;  // exact in a JSON number (a share link's JavaScript)
    static constexpr int32_t kMaxWorkers = 10'000;
    static constexpr int32_t kMaxRepeat = 1'000'000;
    static constexpr int32_t kMaxQueueSize = 1'000'000;  // a queue's maxsize
    static constexpr int kMaxRepeatNesting = 8;          // repeat blocks and children steps inside each other
    static constexpr int kMaxJsonDepth = 64;              // arrays and objects nested in the file
    static constexpr size_t kMaxScenarioBytes = size_t{64} << 20;
    static constexpr int64_t kMaxEvents = 200'000'000;  // a simulation stops with an error past this
    static constexpr size_t kMaxTraceBytes = size_t{256} << 20;  // ...or past this much recorded trace
};

struct ParseError {
    std::string path;    // JSON path of the offending field: "tasks[0].steps[2].cpu"
    std::string reason;  // "must be a duration like \"5ms\", got -3"
    std::string Message() const { return path.empty() ? reason : path + ": " + reason; }
};

// The scenario format's version. A file without "version" is version 1 (every file written before versions
// existed); each version reads every earlier one unchanged. 2: a send or return may say "payload": "objects".
// 3: put, get, set and wait steps, and "queues" with their maxsize. 4: children steps. 5: "python" names the release
// (a file of an earlier version runs on 3.11, what it was written for; a version-5 file without it on kDefaultPython).
// 6: "story" (captioned steps for a reader), machine.background_load and machine.seed. 7: children "via": "executor"
// with "max_workers", and the profile's executor_submit and as_completed_yield. 8: a queue's "pipe": true, and the
// profile's mp_pipe_send and mp_pipe_recv. 9: an io step's "reply_after". 10: "main_imports", and the profile's
// main_rerun (process_start_spawn no longer counts the main module's run: a file of an earlier version that sets it
// gets main_rerun 0, so its spawn start means what it did).
inline constexpr int kScenarioFormatVersion = 10;

// Parses and validates a scenario. On failure returns nullopt and fills `error`.
std::optional<Scenario> ParseScenario(std::string_view json, ParseError& error);
// The canonical JSON form (round-trips through ParseScenario).
std::string ScenarioToJson(const Scenario& scenario);

// machine.profile's canonical JSON object alone (the same fields and units ScenarioToJson writes there).
std::string ProfileToJson(const MachineProfile& profile);

// Applies a machine profile file ({"machine": {"profile": {...}}}, {"profile": {...}} or the profile object
// itself, as `interleave calibrate` writes it) onto `profile`; every field validated as in a scenario.
bool ApplyProfileJson(std::string_view json, MachineProfile& profile, std::string& error);
// The same for a scenario's own profile (`--profile` over a scenario): the file fills in the machine's costs and never
// overrides what the scenario says. A field the scenario set away from its default keeps the scenario's value, and so
// does the switch interval always (sys.setswitchinterval() is the program's choice, not the machine's). A field the
// scenario left at its default, or set to the default's value, takes the file's.
bool ApplyProfileJsonUnderScenario(std::string_view json, MachineProfile& scenarioProfile, std::string& error);

// "1.5s", "250ms", "40us", "100ns" -> ns. Returns false on anything else.
bool ParseDuration(std::string_view text, TimeNs& out);
// The same, telling a malformed quantity from a well-formed one too large for int64 ("99999999999h").
enum class QuantityParse : uint8_t { Ok, Malformed, TooLarge };
QuantityParse ParseDurationDetailed(std::string_view text, TimeNs& out);
QuantityParse ParseBytesDetailed(std::string_view text, int64_t& out);
std::string FormatDuration(TimeNs ns);  // "1.500 s", "250.000 ms", "40.0 us", "100 ns"
// In the decimal units ParseBytes reads: "1.5 GB", "250.0 MB", "40.0 KB", "100 B".
std::string FormatBytes(int64_t bytes);
// A speedup or any other ratio, to three significant figures however large or small: "1.25x", "12.3x", "456x",
// "0.042x", "<0.001x"; "n/a" for a ratio that is negative or not finite. ("%.2fx" printed 0.004 as "0.00x".)
std::string FormatRatio(double ratio);
// "10MB", "512KB", "1GiB", "100B" -> bytes.
bool ParseBytes(std::string_view text, int64_t& out);

}  // namespace interleave::scenario
