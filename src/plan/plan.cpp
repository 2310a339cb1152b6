// What runs where (plan.h): the one place the runners' shared decisions are made.
#include "plan/plan.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>

namespace interleave::plan {

namespace {

std::string WithNumber(std::string_view prefix, int64_t number, std::string_view suffix = {}) {
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, number);
    std::string out;
    out.reserve(prefix.size() + static_cast<size_t>(written.ptr - digits) + suffix.size());
    out.append(prefix).append(digits, written.ptr).append(suffix);
    return out;
}

std::string_view PoolWorkerPrefix(scenario::StartMethod method) {
    switch (method) {
        case scenario::StartMethod::Fork: return "ForkPoolWorker-";
        case scenario::StartMethod::Spawn: return "SpawnPoolWorker-";
        case scenario::StartMethod::Forkserver: return "ForkServerPoolWorker-";
    }
    return "PoolWorker-";
}

}  // namespace

std::string PoolWorkerName(scenario::StartMethod method, int32_t index) {
    return WithNumber(PoolWorkerPrefix(method), int64_t{index} + 1);
}
std::string ExecutorThreadName(int32_t index) { return WithNumber("ThreadPoolExecutor-0_", index); }
std::string InterpreterWorkerName(int32_t index) { return WithNumber("InterpreterPoolExecutor-0_", index); }
std::string TaskThreadName(int32_t index) { return WithNumber("Thread-", int64_t{index} + 1, " (run_task)"); }
std::string LoopExecutorThreadName(int32_t index) { return WithNumber("asyncio_", index); }
std::string TaskLaneName(int32_t task, std::string_view taskName) {
    std::string out = WithNumber("Task-", int64_t{task} + 1, " ");
    out.append(taskName);
    return out;
}
std::string GilLaneName(std::string_view interpreter) {
    std::string out = "GIL (";
    out.append(interpreter).append(")");
    return out;
}
std::string QueueLaneName(std::string_view queue) { return std::string("Queue ").append(queue); }
std::string QueueFeederThreadName(std::string_view queue) {
    return std::string("QueueFeederThread (").append(queue).append(")");
}

std::string CoreLaneName(int32_t core) { return WithNumber("Core ", core); }
std::string BackgroundProcessLaneName() { return "Other programs"; }
std::string BackgroundLaneName(int32_t index) { return WithNumber("busy ", index + 1); }
void AppendTaskName(std::string& out, std::string_view group, int32_t index) {
    char digits[16];
    const auto written = std::to_chars(digits, digits + sizeof digits, index);
    out.reserve(out.size() + group.size() + static_cast<size_t>(written.ptr - digits) + 2);
    out.append(group).append(1, '[').append(digits, written.ptr).append(1, ']');
}
std::string TaskName(std::string_view group, int32_t index) {
    std::string out;
    AppendTaskName(out, group, index);
    return out;
}

std::string ChildTaskName(std::string_view parent, std::string_view child, int32_t index) {
    std::string out(parent);
    out.append(1, '/');
    AppendTaskName(out, child, index);
    return out;
}

std::string ChildExecutorThreadName(std::string_view parent, std::string_view child, int32_t index) {
    std::string out(parent);
    out.append("/").append(child).append(" executor_").append(std::to_string(index));
    return out;
}

int32_t DefaultThreadPoolSize(int32_t cores) { return std::min(32, cores + 4); }

int32_t ExecutorMaxWorkers(const scenario::Scenario& scenario, const scenario::ChildGroup& spec) {
    return spec.maxWorkers > 0 ? spec.maxWorkers : DefaultThreadPoolSize(scenario.machine.cores);
}

std::string ExecutorThreadLaneName(std::string_view sameIndexChild) {
    const size_t bracket = sameIndexChild.rfind('[');
    if (bracket == std::string_view::npos || sameIndexChild.back() != ']') return std::string(sameIndexChild);
    std::string out(sameIndexChild.substr(0, bracket));
    out.append(" executor_").append(sameIndexChild.substr(bracket + 1, sameIndexChild.size() - bracket - 2));
    return out;
}

int32_t DefaultChunksize(int32_t tasks, int32_t workers) {
    const int64_t per = int64_t{std::max(workers, 1)} * 4;
    int64_t chunksize = tasks / per;
    if (tasks % per != 0) ++chunksize;
    return static_cast<int32_t>(std::max<int64_t>(chunksize, 1));
}

scenario::TimeNs PickleTime(const scenario::MachineProfile& profile, int64_t bytes, int64_t objectBytes, bool unpickle) {
    auto at = [](int64_t n, int64_t perSecond) {
        return n <= 0 ? 0.0 : static_cast<double>(n) * 1e9 / static_cast<double>(std::max<int64_t>(perSecond, 1));
    };
    objectBytes = std::clamp<int64_t>(objectBytes, 0, std::max<int64_t>(bytes, 0));
    const double ns = at(bytes - objectBytes, unpickle ? profile.unpickleBytesPerSecond : profile.pickleBytesPerSecond) +
                      at(objectBytes, unpickle ? profile.unpickleObjectsBytesPerSecond : profile.pickleObjectsBytesPerSecond);
    return static_cast<scenario::TimeNs>(std::llround(ns));
}

namespace {
int64_t Pages(int64_t bytes) { return bytes <= 0 ? 0 : (bytes + kPageBytes - 1) / kPageBytes; }
}  // namespace

int64_t FreshPagesReceived(int64_t bytes, int64_t objectBytes, bool firstInProcess) {
    return FreshPagesRead(bytes, firstInProcess) + FreshPagesUnpickled(bytes, objectBytes, firstInProcess);
}

int64_t FreshPagesRead(int64_t bytes, bool firstInProcess) {
    if (bytes <= 0 || (!FillsThePipe(bytes) && !firstInProcess)) return 0;
    return static_cast<int64_t>(std::llround(ReceiptPagesPerPage(bytes) * static_cast<double>(Pages(bytes))));
}

double ReceiptPagesPerPage(int64_t bytes) {
    const auto& table = kReceiptPagesMeasured;
    if (bytes <= table[0].bytes) return table[0].pagesPerPage;
    for (size_t i = 1; i < std::size(table); ++i) {
        if (bytes > table[i].bytes) continue;
        const double at = std::log(static_cast<double>(bytes) / static_cast<double>(table[i - 1].bytes)) /
                          std::log(static_cast<double>(table[i].bytes) / static_cast<double>(table[i - 1].bytes));
        return table[i - 1].pagesPerPage + at * (table[i].pagesPerPage - table[i - 1].pagesPerPage);
    }
    return table[std::size(table) - 1].pagesPerPage;
}

int64_t FreshPagesUnpickled(int64_t bytes, int64_t objectBytes, bool firstInProcess) {
    if (bytes <= 0 || (!FillsThePipe(bytes) && !firstInProcess)) return 0;
    objectBytes = std::clamp<int64_t>(objectBytes, 0, bytes);
    return Pages(bytes - objectBytes) +
           static_cast<int64_t>(std::llround(kObjectPagesPerPage * static_cast<double>(Pages(objectBytes))));
}

int64_t FreshPagesSent(int64_t bytes, bool firstInProcess) {
    return firstInProcess || bytes > kMmapThresholdMaxBytes ? Pages(bytes) : 0;
}

int64_t PagesCopiedOnWrite(int64_t objectBytes, scenario::StartMethod method) {
    if (objectBytes <= 0 || method != scenario::StartMethod::Fork) return 0;
    return static_cast<int64_t>(std::llround(kCopyOnWritePagesPerPage * static_cast<double>(Pages(objectBytes))));
}

scenario::TimeNs PoolTeardownTime(const scenario::MachineProfile& profile, int64_t workers) {
    if (workers <= 0) return 0;
    const scenario::TimeNs limit = std::numeric_limits<scenario::TimeNs>::max() / 4;
    const scenario::TimeNs first = std::clamp<scenario::TimeNs>(profile.poolTeardown, 0, limit);
    const scenario::TimeNs each = std::clamp<scenario::TimeNs>(profile.poolTeardownWorker, 0, limit);
    if (each > 0 && workers - 1 > (limit - first) / each) return limit;
    return first + (workers - 1) * each;
}

namespace {
// Durations of at most ten seconds each (the parser's bounds), summed: no overflow.
scenario::TimeNs NonNegative(scenario::TimeNs t) { return std::max<scenario::TimeNs>(t, 0); }
}  // namespace

MainModuleRuns MainModuleRun(const scenario::Scenario& s) {
    const scenario::TimeNs run = NonNegative(s.machine.profile.mainRerun) + NonNegative(s.mainImports);
    switch (s.model.startMethod) {
        case scenario::StartMethod::Fork: return {};
        case scenario::StartMethod::Spawn: return {run, 0};
        case scenario::StartMethod::Forkserver:
            return scenario::RunPythonInfo(s).forkserverPreloadsMain ? MainModuleRuns{0, run} : MainModuleRuns{run, 0};
    }
    return {};
}

scenario::TimeNs PageTouchTime(const scenario::MachineProfile& profile, int64_t pages) {
    if (pages <= 0 || profile.pageTouch <= 0) return 0;
    // Saturate well below the type's end: a chunk of the format's largest messages at the largest page_touch is more
    // than a TimeNs holds, and the caller adds this to other costs.
    constexpr scenario::TimeNs kMost = std::numeric_limits<scenario::TimeNs>::max() / 4;
    if (pages > kMost / profile.pageTouch) return kMost;
    return pages * profile.pageTouch;
}

bool IsProcessPipe(const scenario::Scenario& s, int32_t name) {
    return scenario::Info(s.model.kind).processPool && !scenario::Info(s.model.kind).eventLoop && s.IsPipe(name);
}

std::vector<int32_t> DepthLaneQueues(const scenario::Scenario& s) {
    const std::vector<uint8_t> uses = scenario::NameUses(s);
    std::vector<int32_t> queues;
    for (size_t n = 0; n < uses.size(); ++n)
        if (scenario::UsedAs(uses[n], scenario::NameKind::Queue) && !IsProcessPipe(s, static_cast<int32_t>(n)))
            queues.push_back(static_cast<int32_t>(n));
    return queues;
}

scenario::TimeNs ChannelCallCpu(const scenario::Scenario& s, scenario::StepKind kind, int32_t name) {
    const scenario::MachineProfile& profile = s.machine.profile;
    if (IsProcessPipe(s, name) && (kind == scenario::StepKind::Put || kind == scenario::StepKind::Get))
        return kind == scenario::StepKind::Put ? profile.mpPipeSend : profile.mpPipeRecv;
    if (scenario::Info(s.model.kind).processPool && !scenario::Info(s.model.kind).eventLoop) {
        if (kind == scenario::StepKind::Put) return profile.mpQueuePut + profile.mpQueueFeed;
        if (kind == scenario::StepKind::Get) return profile.mpQueueGet;
    }
    return scenario::Info(s.model.kind).eventLoop ? profile.asyncQueueOperation : profile.queueOperation;
}

namespace {

// How many times `steps` (repeat blocks included, children steps not) get from the queue `name`.
int64_t GetsFrom(const std::vector<scenario::Step>& steps, int32_t name) {
    int64_t gets = 0;
    for (const scenario::Step& step : steps)
        gets += (step.kind == scenario::StepKind::Get && step.name == name) + GetsFrom(step.body, name);
    return gets;
}

// The first lock, queue or event step in `steps` (repeat blocks included, other children steps not), or null.
const scenario::Step* FirstSharedObjectStep(const std::vector<scenario::Step>& steps) {
    for (const scenario::Step& step : steps) {
        scenario::NameKind kind;
        if (scenario::NameKindOf(step.kind, kind) && kind != scenario::NameKind::Counter) return &step;
        if (const scenario::Step* inner = FirstSharedObjectStep(step.body)) return inner;
    }
    return nullptr;
}

}  // namespace

std::string Unsupported(const scenario::Scenario& s) {
    if (std::string missing = scenario::MissingFromRelease(s); !missing.empty()) return missing;
    for (const scenario::ChildGroup& child : s.children) {
        // A lock, queue or event is a threading object in a thread and an asyncio one on a loop; children run in a
        // context of their own (a loop of their own, or threads), so which object they would share is not decided.
        if (const scenario::Step* step = FirstSharedObjectStep(child.steps)) {
            std::string why = "children \"";
            why.append(child.name)
                .append("\" use ")
                .append(scenario::StepKindName(step->kind))
                .append(" \"")
                .append(s.names[static_cast<size_t>(step->name)])
                .append("\": a lock, queue or event shared with child tasks is not modelled yet (counters are)");
            return why;
        }
    }
    if (scenario::Info(s.model.kind).interpreterPool && !s.names.empty()) {
        std::string why = "model interpreters runs each task in an interpreter of its own, which shares no Python object ";
        why.append("with the others: the lock, counter, queue or event \"")
            .append(s.names.front())
            .append("\" would be a different object in every interpreter (use threads, free_threaded or asyncio)");
        return why;
    }
    if (scenario::Info(s.model.kind).processPool && s.UsesChannels()) {
        // Between worker processes a queue is a multiprocessing.Queue; an event, or a queue in workers that each run
        // an event loop (where its blocking get() would stall the loop), is not modelled.
        const std::vector<uint8_t> uses = scenario::NameUses(s);
        for (size_t n = 0; n < uses.size(); ++n) {
            if (!scenario::UsedAs(uses[n], scenario::NameKind::Event) &&
                !(scenario::UsedAs(uses[n], scenario::NameKind::Queue) && scenario::Info(s.model.kind).eventLoop))
                continue;
            std::string why = "model ";
            why.append(scenario::ModelKindName(s.model.kind)).append(" runs tasks in separate worker processes: ");
            if (scenario::UsedAs(uses[n], scenario::NameKind::Event))
                why.append("the event \"").append(s.names[n]).append("\" would need a multiprocessing.Event, which is not ")
                    .append("modelled yet (use threads, free_threaded, asyncio or sequential)");
            else
                why.append("the queue \"").append(s.names[n]).append("\" would be a multiprocessing.Queue whose blocking ")
                    .append("get() stalls each worker's event loop, which is not modelled (use model processes)");
            return why;
        }
        for (const scenario::QueueSpec& spec : s.queues) {
            if (!IsProcessPipe(s, spec.name)) continue;
            int64_t readers = 0;
            for (const scenario::TaskGroup& group : s.groups)
                if (GetsFrom(group.steps, spec.name) > 0) readers += group.count;
            if (readers <= 1) continue;
            std::string why = "the multiprocessing.Pipe \"";
            why.append(s.names[static_cast<size_t>(spec.name)])
                .append("\" is read by ")
                .append(std::to_string(readers))
                .append(" tasks: a Connection has no lock, and two worker processes reading it at once can split a "
                        "message between them (let one task read it, or drop \"pipe\" for a multiprocessing.Queue)");
            return why;
        }
    }
    return {};
}

int32_t Plan::GroupOf(int32_t task) const {
    const auto after = std::upper_bound(groupFirstTask.begin(), groupFirstTask.end(), task);
    return static_cast<int32_t>(after - groupFirstTask.begin()) - 1;
}

int32_t Plan::IndexInLoop(int32_t task) const {
    if (!LoopPerWorker()) return task;
    const auto after = std::upper_bound(chunks.begin(), chunks.end(), task,
                                        [](int32_t t, const TaskRange& range) { return t < range.first; });
    return after == chunks.begin() ? task : task - std::prev(after)->first;
}

int32_t Plan::FirstDescendant(int32_t task) const {
    const int32_t group = GroupOf(task);
    int64_t first = taskCount;
    for (int32_t g = 0; g < group; ++g) {
        const int32_t count = (g + 1 < groupCount ? groupFirstTask[static_cast<size_t>(g) + 1] : taskCount) -
                              groupFirstTask[static_cast<size_t>(g)];
        first += int64_t{count} * descendantsPerTask[static_cast<size_t>(g)];
    }
    first += int64_t{task - groupFirstTask[static_cast<size_t>(group)]} * descendantsPerTask[static_cast<size_t>(group)];
    return static_cast<int32_t>(first);
}

ChildBlock Plan::Children(const scenario::Scenario& scenario, const scenario::Step& step, int32_t cursor) const {
    const auto index = static_cast<size_t>(step.children);
    ChildBlock block;
    block.first = cursor;
    block.count = scenario.children[index].count;
    block.group = groupCount + step.children;
    block.perChild = descendantsPerTask[static_cast<size_t>(groupCount) + index];
    const scenario::ChildGroup& spec = scenario.children[index];
    if (spec.via == scenario::ChildVia::Executor) block.executorThreads = std::min(ExecutorMaxWorkers(scenario, spec), block.count);
    return block;
}

std::string Plan::CoroutineLaneName(int32_t task, std::string_view taskName) const {
    return TaskLaneName(task >= taskCount ? task : IndexInLoop(task), taskName);
}

std::string Plan::WorkerName(int32_t k) const {
    if (IsPool()) return PoolWorkerName(startMethod, k);
    if (IsInterpreterPool()) return InterpreterWorkerName(k);
    return threadPool ? ExecutorThreadName(k) : TaskThreadName(k);
}

Plan MakePlan(const scenario::Scenario& s) {
    Plan plan;
    plan.kind = s.model.kind;
    plan.startMethod = s.model.startMethod;
    int64_t tasks = 0;
    for (const scenario::TaskGroup& group : s.groups) {
        plan.groupFirstTask.push_back(static_cast<int32_t>(tasks));
        tasks += group.count;
    }
    plan.taskCount = static_cast<int32_t>(tasks);  // the parser bounds the task count far below INT32_MAX
    const int32_t n = plan.taskCount;
    plan.groupCount = static_cast<int32_t>(s.groups.size());
    int64_t total = tasks;
    for (const scenario::TaskGroup& group : s.groups) {
        const int64_t below = scenario::CountDescendants(s, group.steps).tasks;  // bounded by the parser's task limit
        plan.descendantsPerTask.push_back(static_cast<int32_t>(below));
        total += below * group.count;
    }
    for (const scenario::ChildGroup& child : s.children)
        plan.descendantsPerTask.push_back(static_cast<int32_t>(scenario::CountDescendants(s, child.steps).tasks));
    plan.totalTasks = static_cast<int32_t>(total);

    if (plan.IsThreads()) {
        plan.threadPool = s.model.workers > 0;
        plan.threads = plan.threadPool ? std::min(s.model.workers, n) : n;
    }
    if (plan.IsInterpreterPool()) {
        // InterpreterPoolExecutor is a ThreadPoolExecutor: the same default max_workers.
        plan.threadPool = true;
        plan.threads = std::min(s.model.workers > 0 ? s.model.workers : DefaultThreadPoolSize(s.machine.cores), n);
    }
    if (plan.IsPool()) {
        plan.workers = std::max(1, s.model.workers > 0 ? s.model.workers : s.machine.cores);
        if (plan.LoopPerWorker()) {
            // One batch per worker (numpy.array_split: the first n % batches batches hold one task more).
            plan.chunksize = 1;
            const int32_t batches = std::min(plan.workers, n);
            int32_t first = 0;
            for (int32_t b = 0; b < batches; ++b) {
                const int32_t count = n / batches + (b < n % batches ? 1 : 0);
                plan.chunks.push_back({first, count});
                first += count;
            }
        } else {
            plan.chunksize = s.model.chunksize > 0 ? s.model.chunksize : DefaultChunksize(n, plan.workers);
            for (int64_t first = 0; first < n; first += plan.chunksize)  // 64-bit: chunksize may be near INT32_MAX
                plan.chunks.push_back({static_cast<int32_t>(first), static_cast<int32_t>(std::min<int64_t>(plan.chunksize, n - first))});
        }
    }
    plan.taskLanes = scenario::Info(plan.kind).eventLoop && plan.totalTasks <= kMaxTaskLanes;
    plan.childLanes = plan.totalTasks <= kMaxTaskLanes;
    for (const scenario::ChildGroup& child : s.children) 
        plan.childThreads = plan.childThreads || child.via == scenario::ChildVia::Threads ||
                            child.via == scenario::ChildVia::Executor;
    plan.processQueues = plan.IsPool() && s.UsesChannels();  // Unsupported leaves queues only
    plan.python = scenario::RunPython(s);
    plan.gil = !scenario::RunsFreeThreaded(s);  // a free-threaded build with PYTHON_GIL=1 has one
    plan.pythonCpuScale = scenario::PythonCpuScale(s);
    return plan;
}

}  // namespace interleave::plan
