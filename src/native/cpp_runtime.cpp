// The C++ runtime for sequential, threads and free_threaded: std::threads sharing a real GIL; and
// RunForReal, AdaptScenario.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <thread>
#include <utility>

#include "scenario/model_info.h"
#include "models/workload.h"
#include "native/process_queues.h"
#include "native/runtime.h"

namespace interleave::native {

using scenario::StepKind;
using trace::SpanState;

// Implemented in python_runner.cpp.
RealRunResult RunCPython(const scenario::Scenario& scenario, const RunOptions& options);

std::vector<trace::TrackId> AddQueueLanes(const scenario::Scenario& scenario, trace::Trace& trace, trace::TrackId process,
                                          Actor& recorder) {
    std::vector<trace::TrackId> lanes(scenario.names.size(), trace::TrackId::None());
    for (const int32_t queue : plan::DepthLaneQueues(scenario)) {
        const auto i = static_cast<size_t>(queue);
        lanes[i] = trace.AddTrack(plan::QueueLaneName(scenario.names[i]), trace::TrackKind::Counter, process);
        recorder.samples.push_back({recorder.Now(), lanes[i], 0});
    }
    return lanes;
}

ThreadChannels::ThreadChannels(const scenario::Scenario& scenario, int32_t threadsRunningTasks)
    : m_scenario(scenario), m_maxsize(scenario.QueueMaxsizes()), m_items(scenario.names.size(), 0), m_eventSet(scenario.names.size(), 0),
      m_live(threadsRunningTasks) {}

bool ThreadChannels::CanGoOn(StepKind kind, size_t name) const {
    switch (kind) {
        case StepKind::Put: {
            return m_maxsize[name] == 0 || m_items[name] < m_maxsize[name];
        }
        case StepKind::Get: return m_items[name] > 0;
        case StepKind::Wait: return m_eventSet[name] != 0;
        default: return true;
    }
}

void ThreadChannels::Apply(StepKind kind, size_t name) {
    if (kind == StepKind::Put) ++m_items[name];
    if (kind == StepKind::Get) --m_items[name];
    if (kind == StepKind::Set) m_eventSet[name] = 1;
}

void ThreadChannels::CheckDeadlock() {
    if (!m_deadlock.empty() || m_waiting.empty() || static_cast<int32_t>(m_waiting.size()) < m_live) return;
    for (const Waiter& w : m_waiting)
        if (CanGoOn(w.kind, w.name)) return;
    const Waiter& first = m_waiting.front();
    m_deadlock = "deadlock: every thread still running tasks waits (";
    m_deadlock.append(first.kind == StepKind::Put   ? "for room on queue \""
                      : first.kind == StepKind::Get ? "for an item on queue \""
                                                    : "for event \"")
        .append(m_scenario.names[first.name])
        .append(first.kind == StepKind::Wait ? "\" to be set" : "\"")
        .append(m_waiting.size() > 1 ? ", and " + std::to_string(m_waiting.size() - 1) + " more" : std::string())
        .append("): nothing will wake them");
    m_changed.notify_all();
}

void ThreadChannels::ThreadExited() {
    std::lock_guard<std::mutex> lock(m_mutex);
    --m_live;
    CheckDeadlock();
}

std::string ThreadChannels::Deadlock() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_deadlock;
}

bool ThreadChannels::Run(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task,
                         const std::atomic<bool>& stop) {
    const auto name = static_cast<size_t>(step.name);
    const TimeNs callCost = m_scenario.machine.profile.queueOperation;
    for (;;) {
        BusyPython(actor, gil, callCost, task);  // the call's Python code, holding the GIL
        std::unique_lock<std::mutex> lock(m_mutex);
        if (!m_deadlock.empty()) return false;
        if (CanGoOn(step.kind, name)) {
            Apply(step.kind, name);
            if ((step.kind == StepKind::Put || step.kind == StepKind::Get) && name < m_lanes.size() &&
                m_lanes[name] != trace::TrackId::None())
                actor.samples.push_back({actor.Now(), m_lanes[name], m_items[name]});  // under the mutex: in order
            m_changed.notify_all();
            return true;
        }
        // Condition.wait(): the GIL is released while the thread blocks (dropped outside our mutex: a thread
        // taking the GIL never holds it).
        lock.unlock();
        if (gil) gil->Drop(actor);
        const TimeNs t0 = actor.Now();
        lock.lock();
        m_waiting.push_back(Waiter{step.kind, name});
        CheckDeadlock();
        while (!CanGoOn(step.kind, name) && m_deadlock.empty() && !stop.load())
            m_changed.wait_for(lock, std::chrono::milliseconds(5));
        for (size_t k = 0; k < m_waiting.size(); ++k) {
            if (m_waiting[k].kind == step.kind && m_waiting[k].name == name) {
                m_waiting.erase(m_waiting.begin() + static_cast<std::ptrdiff_t>(k));
                break;
            }
        }
        const bool stopped = !m_deadlock.empty() || stop.load();
        lock.unlock();
        actor.Add(SpanState::WaitingQueue, t0, actor.Now(), task);
        if (gil) gil->Take(actor, task);
        if (stopped) return false;
        // Woken: it runs the call again before it checks (another thread may have taken the item first).
    }
}

namespace {

// asyncio.run() of a task's gathered children (gather or a TaskGroup) on this thread: an event loop of their own
// until every child ended; the first failure cancels the rest and the task fails.
bool RunChildLoop(Actor& actor, const StepEnv& env, const plan::ChildBlock& block) {
    LoopRun run;
    run.scenario = env.scenario;
    run.plan = env.plan;
    run.workload = env.workload;
    run.nested = true;
    run.childLanes = env.childLanes;
    run.processLane = env.processLane;
    run.allRecords = env.records;
    run.loopTrack = env.threadLane;
    run.delayPort = env.delayPort;
    run.epoch = actor.epoch;
    run.deadline = env.deadline > 0 ? env.deadline : MonoNs() + 3600'000'000'000LL;
    run.cancel = env.cancel;
    run.gil = env.gil;
    for (int32_t k = 0; k < block.count; ++k) {
        run.tasks.push_back(trace::TaskId(block.Task(k)));
        run.cursors.push_back(block.DescendantsStart(k));
        run.taskTracks.push_back(
            env.childLanes ? (*env.childLanes)(trace::TaskId(block.Task(k)), ChildLaneKind::Coroutine, env.threadLane)
                           : trace::TrackId::None());
    }
    std::vector<int64_t> ownCounters(env.scenario->names.size(), 0);
    const bool ok = RunLoop(run, actor, env.counters ? *env.counters : ownCounters);
    // The loop's to_thread executor threads recorded under placeholder lanes: their spans are not kept here.
    for (Actor* a : run.extraActors) delete a;
    if (!ok) return false;
    for (const trace::TaskRecord& rec : run.records)
        if (rec.failed) return false;
    return true;
}

}  // namespace

// One child task on the calling thread (which holds the GIL where there is one): its start and end marked, its record
// written (by this thread alone); false when it failed.
static bool RunChildHere(Actor& a, const StepEnv& env, trace::TaskId child, int32_t cursor) {
    const TimeNs started = a.Now();
    a.Mark(trace::InstantKind::TaskStart, started, trace::TrackId::None(), child);
    const bool ok = RunTaskSteps(a, env, env.workload->StepsOf(child), child, cursor);
    const TimeNs finished = a.Now();
    a.Mark(trace::InstantKind::TaskEnd, finished, trace::TrackId::None(), child);
    if (env.records) {
        trace::TaskRecord& rec = (*env.records)[child];
        rec.started = started;
        rec.finished = finished;
        rec.failed = !ok;
    }
    return ok;
}

// The parent joins its child threads without the GIL (an idle span on its lane), takes the GIL back, and keeps what
// they recorded.
static void JoinChildThreads(Actor& actor, const StepEnv& env, trace::TaskId parent, std::vector<std::thread>& threads,
                             std::vector<std::unique_ptr<Actor>>& actors) {
    if (env.gil) env.gil->Drop(actor);
    const TimeNs joinStart = actor.Now();
    for (auto& t : threads) t.join();
    actor.Add(SpanState::Idle, joinStart, actor.Now(), parent);
    if (env.gil) env.gil->Take(actor, parent);
    for (auto& a : actors) actor.Absorb(*a);
}

void RunChildThreads(Actor& actor, const StepEnv& env, trace::TaskId parent, const plan::ChildBlock& block) {
    std::vector<std::unique_ptr<Actor>> actors;
    std::vector<std::thread> threads;
    for (int32_t k = 0; k < block.count; ++k) {
        const trace::TaskId child(block.Task(k));
        const int32_t cursor = block.DescendantsStart(k);
        const TimeNs t0 = actor.Now();
        auto owned = std::make_unique<Actor>();
        owned->epoch = actor.epoch;
        owned->track = env.childLanes ? (*env.childLanes)(child, ChildLaneKind::Thread, env.processLane) : actor.track;
        Actor* a = owned.get();
        actors.push_back(std::move(owned));
        StepEnv childEnv = env;
        childEnv.threadLane = a->track;
        threads.emplace_back([childEnv, a, child, cursor] {
            if (childEnv.gil) childEnv.gil->Take(*a, child);
            RunChildHere(*a, childEnv, child, cursor);  // threading.excepthook: an exception ends this thread only
            if (childEnv.gil) childEnv.gil->Drop(*a);
        });
        actor.Add(SpanState::RunningPython, t0, actor.Now(), parent);  // Thread.start(), holding the GIL
        if (env.gil) env.gil->Check(actor, parent);
    }
    JoinChildThreads(actor, env, parent, threads, actors);
}

bool RunChildExecutor(Actor& actor, const StepEnv& env, trace::TaskId parent, const plan::ChildBlock& block) {
    const scenario::MachineProfile& profile = env.scenario->machine.profile;
    struct Shared {
        std::mutex mutex;
        std::condition_variable work, done;  // the executor's work queue; as_completed's waiter event
        int32_t submitted = 0, taken = 0, completed = 0, failed = 0;
        bool shutdown = false;  // leaving `with`: every idle thread leaves
    } shared;
    // concurrent/futures/thread.py's _worker: the next submitted child, run, its future set; the GIL is released
    // while it waits for work (queue.SimpleQueue.get blocks without it).
    const auto executorThread = [&shared, &block](StepEnv childEnv, Actor* a) {
        if (childEnv.gil) childEnv.gil->Take(*a);
        for (;;) {
            std::unique_lock lock(shared.mutex);
            if (shared.taken == shared.submitted && !shared.shutdown) {
                lock.unlock();
                if (childEnv.gil) childEnv.gil->Drop(*a);
                const TimeNs t0 = a->Now();
                lock.lock();
                shared.work.wait(lock, [&] { return shared.taken < shared.submitted || shared.shutdown; });
                lock.unlock();
                a->Add(SpanState::Idle, t0, a->Now());
                if (childEnv.gil) childEnv.gil->Take(*a);  // back in Python, to run the call or to leave
                continue;
            }
            if (shared.taken == shared.submitted) break;  // shut down, nothing left
            const int32_t k = shared.taken++;
            lock.unlock();
            const bool ok = RunChildHere(*a, childEnv, trace::TaskId(block.Task(k)), block.DescendantsStart(k));
            lock.lock();
            ++shared.completed;
            shared.failed += ok ? 0 : 1;
            lock.unlock();
            shared.done.notify_all();
        }
        if (childEnv.gil) childEnv.gil->Drop(*a);
    };
    std::vector<std::unique_ptr<Actor>> actors;
    std::vector<std::thread> threads;
    for (int32_t k = 0; k < block.count; ++k) {
        BusyPython(actor, env.gil, profile.executorSubmit, parent);  // submit(): a Future, a work item, the queue
        {
            std::lock_guard lock(shared.mutex);
            ++shared.submitted;
        }
        shared.work.notify_one();
        if (k >= block.executorThreads) continue;
        // _adjust_thread_count(): a thread per submit while fewer than max_workers run (none is idle yet).
        const TimeNs t0 = actor.Now();
        auto owned = std::make_unique<Actor>();
        owned->epoch = actor.epoch;
        owned->track = env.childLanes ? (*env.childLanes)(trace::TaskId(block.Task(k)), ChildLaneKind::ExecutorThread,
                                                          env.processLane)
                                      : actor.track;
        StepEnv childEnv = env;
        childEnv.threadLane = owned->track;
        threads.emplace_back(executorThread, childEnv, owned.get());
        actors.push_back(std::move(owned));
        actor.Add(SpanState::RunningPython, t0, actor.Now(), parent);  // Thread.start(), holding the GIL
        if (env.gil) env.gil->Check(actor, parent);
    }
    // for f in as_completed(futures): f.result(): wakes as each child ends and hands out what finished since; a
    // failed child's result() raises, and leaving `with` then waits for the rest (the joins below).
    int32_t seen = 0;
    bool raised = false;
    while (!raised && seen < block.count) {
        int32_t completed = 0;
        {
            std::lock_guard lock(shared.mutex);
            completed = shared.completed;
            raised = shared.failed > 0;
        }
        if (completed > seen) {
            BusyPython(actor, env.gil, profile.asCompletedYield * (completed - seen), parent);
            seen = completed;
            continue;
        }
        if (env.gil) env.gil->Drop(actor);
        const TimeNs t0 = actor.Now();
        {
            std::unique_lock lock(shared.mutex);
            shared.done.wait(lock, [&] { return shared.completed > seen; });
        }
        actor.Add(SpanState::Idle, t0, actor.Now(), parent);
        if (env.gil) env.gil->Take(actor, parent);
    }
    // Leaving `with`: shutdown(wait=True) wakes every idle thread to leave and joins each (after a raise, the children
    // still running end first).
    {
        std::lock_guard lock(shared.mutex);
        shared.shutdown = true;
    }
    shared.work.notify_all();
    JoinChildThreads(actor, env, parent, threads, actors);
    return shared.failed == 0;
}

bool RunTaskSteps(Actor& actor, const StepEnv& env, const std::vector<scenario::Step>& steps, trace::TaskId task,
                  int32_t cursor) {
    TimeNs lastIoStart = -1;  // when the task's latest io step began: what a reply (Step::replyAfter) counts from
    auto blockedIo = [&](TimeNs ns, bool sleepOnly, const plan::StepWork* io = nullptr) {
        if (env.gil) env.gil->Drop(actor);
        TimeNs t0 = actor.Now();
        if (io) ns = plan::CallLasts(t0, ns, plan::ReplyArrives(io->replyAfter, lastIoStart));
        if (io && io->recordsIoStart) lastIoStart = t0;
        bool viaServer = !sleepOnly && env.delayPort > 0;
        if (viaServer && actor.delayFd < 0) actor.delayFd = ConnectDelay(env.delayPort);
        if (!viaServer || actor.delayFd < 0 || !DelayRequest(actor.delayFd, ns)) {
            std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
        }
        actor.Add(SpanState::BlockedIo, t0, actor.Now(), task);
        if (env.gil) env.gil->Take(actor, task);
    };
    static const plan::Plan kNoPlan;
    const plan::Plan& plan = env.plan ? *env.plan : kNoPlan;
    for (const scenario::Step& step : steps) {
        if (step.kind == StepKind::Children) {
            if (!env.workload || step.children < 0) continue;
            if (cursor < 0) cursor = plan.FirstDescendant(task.value);
            const plan::ChildBlock block = plan.Children(*env.scenario, step, cursor);
            cursor = block.End();
            const scenario::ChildVia via = env.scenario->children[static_cast<size_t>(step.children)].via;
            if (via == scenario::ChildVia::Executor) {
                if (!RunChildExecutor(actor, env, task, block)) return false;  // f.result() raised in the parent
            } else if (via == scenario::ChildVia::Threads) {
                RunChildThreads(actor, env, task, block);
            } else if (!RunChildLoop(actor, env, block)) {
                return false;  // asyncio.run() raised the first child's exception
            }
            continue;
        }
        const plan::StepWork work = plan::InPlace(plan, step);  // an await blocks, to_thread runs here, the slowdown
        switch (work.kind) {
            case StepKind::Cpu: BusyPython(actor, env.gil, work.duration, task); break;
            case StepKind::CCall: BusyC(actor, env.gil, work.duration, task); break;
            case StepKind::Io: blockedIo(work.duration, false, &work); break;
            case StepKind::BlockingCall: blockedIo(work.duration, true); break;
            case StepKind::Await:
            case StepKind::ToThread: break;  // InPlace turned them into the work they stand for
            case StepKind::Children: break;  // above
            case StepKind::Acquire: {
                std::mutex& m = (*env.locks)[static_cast<size_t>(step.name)];
                if (!m.try_lock()) {  // lock.acquire(): try without blocking, then release the GIL and block
                    if (env.gil) env.gil->Drop(actor);
                    TimeNs t0 = actor.Now();
                    m.lock();
                    actor.Add(SpanState::WaitingLock, t0, actor.Now(), task);
                    if (env.gil) env.gil->Take(actor, task);
                }
                break;
            }
            case StepKind::Release: (*env.locks)[static_cast<size_t>(step.name)].unlock(); break;
            case StepKind::Increment: {
                // counter += 1: a read, then a write. Under the GIL never split; free-threaded it may lose updates.
                std::atomic_ref<int64_t> counter((*env.counters)[static_cast<size_t>(step.name)]);
                int64_t v = counter.load(std::memory_order_relaxed);
                counter.store(v + 1, std::memory_order_relaxed);
                break;
            }
            case StepKind::Fail: return false;
            case StepKind::Put:
            case StepKind::Get:
            case StepKind::Set:
            case StepKind::Wait:
                if (env.processQueues && step.kind == StepKind::Put) {
                    if (!env.processQueues->Put(actor, env.gil, step, task)) return false;
                    break;
                }
                if (env.processQueues && step.kind == StepKind::Get) {
                    if (!env.processQueues->Get(actor, env.gil, step, task)) return false;
                    break;
                }
                if (env.channels && env.stop && !env.channels->Run(actor, env.gil, step, task, *env.stop)) return false;
                break;
            case StepKind::Send:
            case StepKind::Return:
            case StepKind::Repeat: break;
        }
    }
    return true;
}

void AddCounters(const scenario::Scenario& s, const std::vector<int64_t>& values, trace::Trace& trace) {
    const std::vector<std::string> names = CounterNames(s);
    for (size_t i = 0; i < values.size() && i < s.names.size(); ++i)
        if (std::find(names.begin(), names.end(), s.names[i]) != names.end()) trace.metrics.counters.emplace_back(s.names[i], values[i]);
}

bool RunThreads(RunContext& ctx, trace::Trace& trace) {
    const scenario::Scenario& s = *ctx.scenario;
    const models::Workload workload = models::BuildWorkload(s);
    const bool freeThreaded = !workload.plan.gil;
    const bool sequential = s.model.kind == scenario::ModelKind::Sequential;
    // InterpreterPoolExecutor: each worker thread runs in an interpreter of its own, with its own GIL (and lane).
    const bool interpreters = workload.plan.IsInterpreterPool();
    const int32_t n = workload.TaskCount();
    const plan::Plan& plan = workload.plan;  // how many threads, and their names
    const int32_t workers = plan.threads;
    const bool pool = plan.threadPool;

    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId mainTrack = trace.AddTrack(std::string(plan::kMainThread), trace::TrackKind::Thread, process);
    // No GIL lane for one thread alone, unless its tasks start threads of their own (as simulated).
    const bool gilLane = !freeThreaded && !interpreters && (!sequential || plan.childThreads);
    trace::TrackId gilTrack =
        gilLane ? trace.AddTrack(plan::GilLaneName(plan::kMainProcess), trace::TrackKind::Gil, process)
                : trace::TrackId::None();
    std::unique_ptr<Gil> gil;
    if (gilLane) gil = std::make_unique<Gil>(s.machine.profile.switchInterval, s.machine.profile.forcedSwitching, gilTrack);

    std::vector<int64_t> counters(s.names.size(), 0);
    std::vector<std::mutex> locks(s.names.size());
    ThreadChannels channels(s, sequential ? 1 : workers);
    std::atomic<bool> abort{false};
    StepEnv env;
    env.scenario = &s;
    env.gil = gil.get();
    env.delayPort = ctx.delayPort;
    env.plan = &plan;
    env.counters = &counters;
    env.locks = &locks;
    env.channels = &channels;
    env.stop = &abort;
    std::mutex laneMutex;  // children's lanes are added as they start, from any thread
    const ChildLaneFn childLanes = [&](trace::TaskId child, ChildLaneKind kind, trace::TrackId under) {
        std::lock_guard<std::mutex> lock(laneMutex);
        return MakeChildLane(trace, plan, child, kind, under);
    };
    env.workload = &workload;
    env.childLanes = &childLanes;
    const TaskRecords records{&trace.tasks, nullptr};
    env.records = &records;
    env.processLane = process;
    env.deadline = ctx.deadline;
    env.cancel = ctx.options ? ctx.options->cancel : nullptr;

    std::atomic<int32_t> next{0};
    std::atomic<int32_t> done{0};
    auto runTask = [&](Actor& actor, trace::TaskId task) {
        trace::TaskRecord& rec = trace.tasks[task.Index()];
        rec.started = actor.Now();
        actor.Mark(trace::InstantKind::TaskStart, rec.started, trace::TrackId::None(), task);
        StepEnv own = env;
        own.threadLane = actor.track;
        if (actor.ownGil) own.gil = actor.ownGil;
        const auto group = static_cast<size_t>(workload.taskGroup[task.Index()]);
        if (interpreters) {
            // Into the worker's interpreter: the call's own cost and unpickling the arguments (as simulated).
            const TimeNs t0 = actor.Now();
            Spin(s.machine.profile.interpreterCallOverhead +
                 plan::PickleTime(s.machine.profile, workload.groupSendBytes[group] + 64, workload.groupSendObjectBytes[group], true));
            actor.Add(SpanState::Unpickling, t0, actor.Now(), task);
        }
        bool ok = RunTaskSteps(actor, own, workload.StepsOf(task), task);
        if (interpreters) {
            // The result back: pickled in the interpreter, unpickled outside it.
            const TimeNs t0 = actor.Now();
            const int64_t bytes = workload.groupReturnBytes[group] + 32, objects = workload.groupReturnObjectBytes[group];
            Spin(plan::PickleTime(s.machine.profile, bytes, objects, false) + plan::PickleTime(s.machine.profile, bytes, objects, true));
            actor.Add(SpanState::Pickling, t0, actor.Now(), task);
        }
        rec.finished = actor.Now();
        rec.failed = !ok;
        actor.Mark(trace::InstantKind::TaskEnd, rec.finished, trace::TrackId::None(), task);
        const int32_t finished = done.fetch_add(1) + 1;
        if (ctx.options && ctx.options->progress)
            ctx.options->progress->store(static_cast<float>(finished) / static_cast<float>(n));
    };

    models::AddTaskRecords(s, workload, trace);
    Actor main;
    main.track = mainTrack;
    main.epoch = ctx.epoch;
    if (gil) gil->Take(main);
    if (sequential) {
        channels.SetDepthLanes(AddQueueLanes(s, trace, process, main));
        for (int32_t t = 0; t < n && !ctx.Expired(); ++t)
            runTask(main, trace::TaskId(t));
    } else {
        std::vector<std::unique_ptr<Actor>> actors;
        std::vector<std::unique_ptr<Gil>> ownGils;  // interpreters: one per worker
        std::vector<std::thread> threads;
        for (int32_t w = 0; w < workers; ++w) {
            const std::string name = plan.WorkerName(w);
            auto actor = std::make_unique<Actor>();
            actor->track = trace.AddTrack(name, trace::TrackKind::Thread, process);
            actor->epoch = ctx.epoch;
            if (interpreters && !freeThreaded) {
                const trace::TrackId lane = trace.AddTrack(plan::GilLaneName(name), trace::TrackKind::Gil, actor->track);
                ownGils.push_back(std::make_unique<Gil>(s.machine.profile.switchInterval, s.machine.profile.forcedSwitching, lane));
                actor->ownGil = ownGils.back().get();
            }
            actors.push_back(std::move(actor));
        }
        channels.SetDepthLanes(AddQueueLanes(s, trace, process, main));  // after the threads' lanes, as simulated
        for (int32_t w = 0; w < workers; ++w) {
            TimeNs t0 = main.Now();
            Actor* actor = actors[static_cast<size_t>(w)].get();
            threads.emplace_back([&, actor, w] {
                if (gil) gil->Take(*actor);
                if (actor->ownGil) actor->ownGil->Take(*actor);
                if (interpreters) {
                    const TimeNs started = actor->Now();
                    Spin(s.machine.profile.interpreterStart);  // _interpreters.create() and its start-up script
                    actor->Add(SpanState::StartingProcess, started, actor->Now());
                }
                if (pool) {
                    for (;;) {
                        int32_t t = next.fetch_add(1);
                        if (t >= n || abort.load()) break;
                        runTask(*actor, trace::TaskId(t));
                    }
                } else {
                    runTask(*actor, trace::TaskId(w));
                }
                channels.ThreadExited();
                if (gil) gil->Drop(*actor);
                if (actor->ownGil) actor->ownGil->Drop(*actor);
            });
            main.Add(SpanState::RunningPython, t0, main.Now());  // Thread.start(), holding the GIL
            if (gil) gil->Check(main, trace::TaskId::None());
        }
        if (gil) gil->Drop(main);
        TimeNs joinStart = main.Now();
        // Joins with the deadline: a thread stuck past it is reported (the process then exits anyway).
        for (;;) {
            if (done.load() >= n) break;
            if (ctx.Expired()) {
                abort.store(true);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        for (auto& t : threads) t.join();
        main.Add(SpanState::Idle, joinStart, main.Now());
        if (gil) gil->Take(main);
        for (auto& a : actors) a->MergeInto(trace);
    }
    if (gil) gil->Drop(main);
    trace.metrics.makespan = main.Now();
    main.MergeInto(trace);
    AddCounters(s, counters, trace);
    if (ctx.error.empty()) ctx.error = channels.Deadlock();
    return ctx.error.empty();
}

CppRuntime CppRuntimeOf(scenario::ModelKind kind) {
    // One entry per model; the threads runtime runs interpreters too, a GIL per worker, as the plan says.
    static constexpr std::pair<scenario::ModelKind, CppRuntime> kRuntimes[] = {
        {scenario::ModelKind::Sequential, RunThreads},  {scenario::ModelKind::Threads, RunThreads},
        {scenario::ModelKind::FreeThreaded, RunThreads}, {scenario::ModelKind::Interpreters, RunThreads},
        {scenario::ModelKind::Asyncio, RunAsyncio},     {scenario::ModelKind::Processes, RunPool},
        {scenario::ModelKind::ProcessAsyncio, RunPool},
    };
    for (const auto& [model, runtime] : kRuntimes)
        if (model == kind) return runtime;
    return nullptr;
}

RealRunResult RunForReal(const scenario::Scenario& scenario, RealRunKind kind, const RunOptions& options) {
    // Other programs' busy processes, for the whole run (the simulation's machine.background_load).
    const BusyProcesses busy(scenario.machine.backgroundLoad);
    if (kind == RealRunKind::CPython) return RunCPython(scenario, options);
    RealRunResult result;
    result.error = plan::Unsupported(scenario);
    if (!result.error.empty()) return result;
    RaiseFileLimit();
    DelayServer server;
    if (!server.Start(result.error)) return result;
    RunContext ctx;
    ctx.scenario = &scenario;
    ctx.options = &options;
    ctx.delayPort = server.Port();
    ctx.epoch = MonoNs();
    ctx.deadline = ctx.epoch + static_cast<int64_t>(options.timeoutSeconds * 1e9);
    trace::Trace& trace = result.trace;
    trace.producer = "cpp-runtime";
    trace.label = std::string(scenario::ModelKindName(scenario.model.kind)) + " (C++ runtime, real)";
    const CppRuntime runtime = CppRuntimeOf(scenario.model.kind);
    if (runtime == nullptr)
        ctx.error = "no C++ runtime runs model " + std::string(scenario::ModelKindName(scenario.model.kind));
    const bool ok = runtime != nullptr && runtime(ctx, trace);
    server.Stop();
    result.notes = ctx.notes;
    if (!ok) {
        result.error = ctx.error.empty() ? "the run failed" : ctx.error;
        return result;
    }
    MarkNeverStarted(trace);
    trace.Finish();
    trace::ComputeMetrics(trace);
    result.ok = true;
    if (options.progress) options.progress->store(1.0f);
    return result;
}

std::string AdaptScenario(scenario::Scenario& s, double timeScale, int32_t maxTasksPerGroup, int32_t cores, int64_t maxBytes) {
    std::string notes;
    maxBytes = std::clamp<int64_t>(maxBytes, 0, kPayloadCap);
    std::function<void(std::vector<scenario::Step>&)> walk = [&](std::vector<scenario::Step>& steps) {
        for (scenario::Step& step : steps) {
            if (timeScale != 1.0 && step.duration > 0)
                step.duration = std::max<TimeNs>(1000, static_cast<TimeNs>(std::llround(static_cast<double>(step.duration) * timeScale)));
            if (step.bytes > maxBytes) {
                notes += "payload " + std::to_string(step.bytes) + " B capped at " + std::to_string(maxBytes) + " B\n";
                step.bytes = maxBytes;
            }
            walk(step.body);
        }
    };
    // Tasks that pass items through queues or wait for each other's events must all run: cutting one group's count
    // would leave another waiting for items that never come.
    const bool talks = s.UsesChannels();
    for (auto& g : s.groups) {
        walk(g.steps);
        if (maxTasksPerGroup > 0 && g.count > maxTasksPerGroup && talks) {
            notes += "group " + g.name + ": " + std::to_string(g.count) + " tasks kept (not cut to " +
                     std::to_string(maxTasksPerGroup) + "): the tasks talk through queues or events\n";
        } else if (maxTasksPerGroup > 0 && g.count > maxTasksPerGroup) {
            notes += "group " + g.name + ": " + std::to_string(g.count) + " tasks cut to " + std::to_string(maxTasksPerGroup) + "\n";
            g.count = maxTasksPerGroup;
        }
    }
    if (timeScale != 1.0) notes += "durations scaled by " + std::to_string(timeScale) + "\n";
    if (cores > 0 && cores != s.machine.cores) {
        notes += "cores " + std::to_string(s.machine.cores) + " -> " + std::to_string(cores) + " (this machine)\n";
        s.machine.cores = cores;
    }
    if (scenario::Info(s.model.kind).processPool) {
        // Pool() means os.cpu_count() workers: the real machine's, so the simulation says so too.
        if (s.model.workers == 0 && cores > 0) s.model.workers = cores;
    }
    return notes;
}

}  // namespace interleave::native
