// The asyncio runtime: one thread runs a real epoll event loop; awaits are non-blocking sockets to the
// delay server; to_thread goes to a small thread pool that wakes the loop through an eventfd.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "models/workload.h"
#include "native/runtime.h"

namespace interleave::native {

using scenario::StepKind;
using trace::SpanState;

namespace {

struct Coro {
    trace::TaskId task = trace::TaskId::None();
    trace::TrackId track = trace::TrackId::None();
    const std::vector<scenario::Step>* steps = nullptr;
    size_t pc = 0;
    int fd = -1;
    bool started = false, done = false, waitingSemaphore = false, inThread = false;
    bool onChannel = false;  // suspended in an asyncio.Queue get/put or an Event wait
    bool cancelled = false;
    int32_t cursor = -1;   // where its next children step's block starts (-1: a top-level task's, from the plan)
    int64_t parent = -1;   // the coroutine that gathered it (-1: one the loop started with)
    // A children step in progress: children still to end; under a TaskGroup a child failed.
    int32_t waitingChildren = 0;
    scenario::ChildVia childVia = scenario::ChildVia::Gather;
    bool childFailed = false;
    TimeNs suspendedAt = -1;
    SpanState suspendedAs = SpanState::Awaiting;
    TimeNs lastIoStart = -1;  // when its latest blocking io step began: what a reply (Step::replyAfter) counts from
};

// asyncio.to_thread's default executor: min(32, cores + 4) threads, started on demand.
class ThreadPool {
public:
    ThreadPool(LoopRun& run, int efd, int maxThreads) : m_run(run), m_efd(efd), m_max(maxThreads) {}
    ~ThreadPool() { Shutdown(); }
    void Submit(size_t coro, scenario::Step step, trace::TaskId task, Actor& loop) {
        std::unique_lock lock(m_mutex);
        m_queue.push_back({coro, step, task});
        if (m_idle == 0 && static_cast<int>(m_threads.size()) < m_max) {
            auto actor = std::make_unique<Actor>();
            actor->epoch = loop.epoch;
            actor->track = static_cast<trace::TrackId>(-100 - static_cast<int>(m_threads.size()));  // fixed up later
            Actor* a = actor.get();
            m_actors.push_back(std::move(actor));
            m_threads.emplace_back([this, a] { Work(*a); });
        } else {
            m_cv.notify_one();
        }
    }
    std::vector<size_t> TakeDone() {
        std::unique_lock lock(m_mutex);
        return std::exchange(m_done, {});
    }
    void Shutdown() {
        {
            std::unique_lock lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        for (auto& t : m_threads) t.join();
        m_threads.clear();
    }
    std::vector<std::unique_ptr<Actor>>& Actors() { return m_actors; }

private:
    struct Job {
        size_t coro;
        scenario::Step step;
        trace::TaskId task;
    };
    void Work(Actor& actor) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            if (m_queue.empty()) {
                if (m_stop) return;
                ++m_idle;
                m_cv.wait(lock);
                --m_idle;
                continue;
            }
            Job job = m_queue.front();
            m_queue.pop_front();
            lock.unlock();
            StepEnv env;
            env.scenario = m_run.scenario;
            env.gil = m_run.gil;
            env.delayPort = m_run.delayPort;
            env.plan = m_run.plan;
            scenario::Step inner = job.step;
            inner.kind = job.step.inner;
            if (env.gil) env.gil->Take(actor, job.task);
            RunTaskSteps(actor, env, {inner}, job.task);
            if (env.gil) env.gil->Drop(actor);
            lock.lock();
            m_done.push_back(job.coro);
            uint64_t one = 1;
            [[maybe_unused]] ssize_t w = write(m_efd, &one, sizeof one);
        }
    }
    LoopRun& m_run;
    int m_efd;
    int m_max;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job> m_queue;
    std::vector<size_t> m_done;
    std::vector<std::thread> m_threads;
    std::vector<std::unique_ptr<Actor>> m_actors;
    int m_idle = 0;
    bool m_stop = false;
};

}  // namespace

bool RunLoop(LoopRun& run, Actor& loop, std::vector<int64_t>& counters) {
    const scenario::Scenario& s = *run.scenario;
    std::optional<models::Workload> ownWorkload;
    const models::Workload& workload = run.workload ? *run.workload : ownWorkload.emplace(models::BuildWorkload(s));
    const plan::Plan& plan = workload.plan;
    const size_t n = run.tasks.size();
    // Every task's record by id (children's too); the entries of run.records are copied from it at the end.
    std::vector<trace::TaskRecord> ownRecords;
    if (!run.allRecords) ownRecords.assign(static_cast<size_t>(workload.AllTaskCount()), {});
    const TaskRecords ownStore{&ownRecords, nullptr};
    const TaskRecords& records = run.allRecords ? *run.allRecords : ownStore;
    auto recordOf = [&](const Coro& c) -> trace::TaskRecord& { return records[c.task]; };
    // Grows as coroutines gather children: index, never hold a reference across addCoro.
    std::vector<Coro> coros(n);
    for (size_t i = 0; i < n; ++i) {
        coros[i].task = run.tasks[i];
        coros[i].track = i < run.taskTracks.size() ? run.taskTracks[i] : trace::TrackId::None();
        coros[i].steps = &workload.StepsOf(run.tasks[i]);
        coros[i].cursor = i < run.cursors.size() ? run.cursors[i] : -1;
    }
    const bool useSemaphore = !run.nested;
    // The first failure of a task the loop started with cancels every other task: a TaskGroup, or asyncio.run() of
    // gathered children (its main() raises and asyncio.run() cancels what is left).
    const bool cancelOnFailure = run.nested || s.model.taskGroup;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ep < 0 || efd < 0) return run.error = Errno("epoll"), false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = UINT64_MAX;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    ThreadPool pool(run, efd, plan::DefaultThreadPoolSize(cores));

    std::deque<size_t> ready;
    std::deque<size_t> semWaiters;
    int semaphore = useSemaphore && s.model.semaphore > 0 ? s.model.semaphore : INT32_MAX;
    std::vector<int> lockOwner(s.names.size(), -1);
    std::vector<std::deque<size_t>> lockWaiters(s.names.size());
    size_t finished = 0;
    bool groupFailed = false;
    for (size_t i = 0; i < n; ++i) ready.push_back(i);
    // asyncio.Queue and asyncio.Event by name (Lib/asyncio/queues.py, locks.py); an event's waiters are its getters.
    std::vector<int64_t> queueItems(s.names.size(), 0);
    const std::vector<int32_t> queueMaxsize = s.QueueMaxsizes();
    std::vector<uint8_t> eventSet(s.names.size(), 0);
    std::vector<std::deque<size_t>> getters(s.names.size()), putters(s.names.size());
    size_t onChannel = 0;  // coroutines suspended on a queue or an event: all the unfinished ones is a deadlock

    auto suspend = [&](Coro& c, SpanState as) {
        c.suspendedAt = loop.Now();
        c.suspendedAs = as;
    };
    auto wake = [&](size_t i) {
        Coro& c = coros[i];
        if (c.suspendedAt >= 0 && c.track != trace::TrackId::None())
            loop.Add(c.suspendedAs, c.suspendedAt, loop.Now(), c.task, trace::TrackId::None(), c.track);
        c.suspendedAt = -1;
        ready.push_back(i);
    };
    std::function<void(size_t, bool, bool)> finish;
    std::function<void(size_t)> cancelCoro;
    // TaskGroup: the first failure cancels the rest: not started -> never run, suspended -> CancelledError.
    auto cancelOthers = [&] {
        for (size_t j = 0; j < coros.size(); ++j) cancelCoro(j);
        ready.clear();
    };
    auto cancelChildrenOf = [&](size_t p) {
        for (size_t j = 0; j < coros.size(); ++j)
            if (coros[j].parent == static_cast<int64_t>(p)) cancelCoro(j);
    };
    // task.cancel(), at once: a coroutine not started never runs; one suspended ends with CancelledError; one awaiting
    // its gathered children cancels them first.
    cancelCoro = [&](size_t j) {
        if (coros[j].done || coros[j].cancelled) return;
        coros[j].cancelled = true;
        if (coros[j].waitingChildren > 0) cancelChildrenOf(j);
        if (!coros[j].started) recordOf(coros[j]).started = -1;
        finish(j, false, true);
    };
    // A gathered child ended: its parent goes on, fails, or keeps waiting (Lib/asyncio/tasks.py, taskgroups.py).
    auto childEnded = [&](size_t p, bool failed, bool cancelled) {
        if (coros[p].done) return;  // a gather that failed already: its other children run on, unawaited
        --coros[p].waitingChildren;
        if (coros[p].cancelled) return;  // being cancelled: it ends cancelled itself
        if (failed && !cancelled && coros[p].childVia == scenario::ChildVia::Gather) {
            finish(p, true, false);  // gather() raises the first exception at once
            return;
        }
        if (failed && !cancelled && !coros[p].childFailed) {
            coros[p].childFailed = true;  // the TaskGroup cancels the rest and raises once they have ended
            cancelChildrenOf(p);
        }
        if (coros[p].waitingChildren > 0) return;
        if (coros[p].childFailed) {
            finish(p, true, false);
            return;
        }
        wake(p);
    };
    finish = [&](size_t i, bool failed, bool cancelled) {
        Coro& c = coros[i];
        if (c.done) return;
        c.done = true;
        ++finished;
        trace::TaskRecord& rec = recordOf(c);
        rec.finished = loop.Now();
        rec.failed = failed;
        rec.cancelled = cancelled;
        if (c.suspendedAt >= 0 && c.track != trace::TrackId::None())
            loop.Add(c.suspendedAs, c.suspendedAt, loop.Now(), c.task, trace::TrackId::None(), c.track);
        c.suspendedAt = -1;
        if (c.onChannel) {
            c.onChannel = false;
            --onChannel;
        }
        loop.Mark(cancelled ? trace::InstantKind::TaskCancelled : trace::InstantKind::TaskEnd, rec.finished,
                  trace::TrackId::None(), c.task);
        if (c.fd >= 0) {
            epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
            close(c.fd);
            c.fd = -1;
        }
        if (c.parent < 0 && useSemaphore && c.started && !c.waitingSemaphore && s.model.semaphore > 0) {
            if (!semWaiters.empty()) {
                size_t w = semWaiters.front();
                semWaiters.pop_front();
                coros[w].waitingSemaphore = false;
                wake(w);
            } else {
                ++semaphore;
            }
        }
        const int64_t parent = coros[i].parent;
        if (parent >= 0) {
            childEnded(static_cast<size_t>(parent), failed, cancelled);
        } else if (failed && cancelOnFailure && !groupFailed) {
            groupFailed = true;
            cancelOthers();
        }
    };
    auto recordDepth = [&](size_t name) {
        if (name < run.queueLanes.size() && run.queueLanes[name] != trace::TrackId::None())
            loop.samples.push_back({loop.Now(), run.queueLanes[name], queueItems[name]});
    };
    auto wakeFromChannel = [&](size_t w) {
        coros[w].onChannel = false;
        --onChannel;
        wake(w);
    };
    // Queue._wakeup_next(): the first waiter not yet finished (a cancelled one is) becomes ready.
    auto wakeFirst = [&](std::deque<size_t>& waiters) {
        while (!waiters.empty()) {
            const size_t w = waiters.front();
            waiters.pop_front();
            if (coros[w].done || !coros[w].onChannel) continue;
            wakeFromChannel(w);
            return;
        }
    };
    // A put, get, set or wait now; false when the coroutine must wait (it is then one of the waiters).
    auto tryChannel = [&](const scenario::Step& step, size_t i) {
        const auto name = static_cast<size_t>(step.name);
        switch (step.kind) {
            case StepKind::Put: {
                if (queueMaxsize[name] > 0 && queueItems[name] >= queueMaxsize[name]) {
                    putters[name].push_back(i);
                    return false;
                }
                ++queueItems[name];
                recordDepth(name);
                wakeFirst(getters[name]);
                return true;
            }
            case StepKind::Get:
                if (queueItems[name] == 0) {
                    getters[name].push_back(i);
                    return false;
                }
                --queueItems[name];
                recordDepth(name);
                wakeFirst(putters[name]);
                return true;
            case StepKind::Set: {
                eventSet[name] = 1;
                std::deque<size_t> waiters;
                waiters.swap(getters[name]);
                for (size_t w : waiters)
                    if (!coros[w].done && coros[w].onChannel) wakeFromChannel(w);
                return true;
            }
            case StepKind::Wait:
                if (eventSet[name]) return true;
                getters[name].push_back(i);
                return false;
            default: return true;
        }
    };

    auto resume = [&](size_t i) {
        Coro& c = coros[i];
        if (c.done) return;
        if (!c.started) {
            c.started = true;
            recordOf(c).started = loop.Now();
            loop.Mark(trace::InstantKind::TaskStart, recordOf(c).started, trace::TrackId::None(), c.task);
            if (c.parent < 0 && semaphore <= 0) {  // async with sem: (around the tasks the loop started with)
                c.waitingSemaphore = true;
                semWaiters.push_back(i);
                suspend(c, SpanState::Ready);
                return;
            }
            if (c.parent < 0) --semaphore;
        }
        while (c.pc < c.steps->size()) {
            const scenario::Step& step = (*c.steps)[c.pc++];
            switch (step.kind) {
                case StepKind::Cpu: BusyPython(loop, run.gil, step.duration, c.task, c.track); break;
                case StepKind::CCall: BusyC(loop, run.gil, step.duration, c.task); break;
                case StepKind::Io: {  // blocking I/O in a coroutine: the loop thread blocks
                    if (run.gil) run.gil->Drop(loop);
                    TimeNs t0 = loop.Now();
                    const TimeNs reply = plan::ReplyArrives(step.replyAfter, c.lastIoStart);
                    const TimeNs ns = plan::CallLasts(t0, step.duration, reply);
                    c.lastIoStart = t0;
                    if (loop.delayFd < 0) loop.delayFd = ConnectDelay(run.delayPort);
                    if (loop.delayFd < 0 || !DelayRequest(loop.delayFd, ns))
                        std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
                    loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task);
                    if (c.track != trace::TrackId::None())
                        loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task, trace::TrackId::None(), c.track);
                    if (run.gil) run.gil->Take(loop, c.task);
                    break;
                }
                case StepKind::BlockingCall: {  // time.sleep() inside a coroutine
                    if (run.gil) run.gil->Drop(loop);
                    TimeNs t0 = loop.Now();
                    std::this_thread::sleep_for(std::chrono::nanoseconds(step.duration));
                    loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task);
                    if (c.track != trace::TrackId::None())
                        loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task, trace::TrackId::None(), c.track);
                    if (run.gil) run.gil->Take(loop, c.task);
                    break;
                }
                case StepKind::Await: {
                    if (c.fd < 0) {
                        c.fd = ConnectDelay(run.delayPort);
                        if (c.fd < 0) {
                            run.error = Errno("connect to the delay server");
                            finish(i, true, false);
                            return;
                        }
                    }
                    SendDelayRequest(c.fd, step.duration);
                    epoll_event e{};
                    e.events = EPOLLIN | EPOLLONESHOT;
                    e.data.u64 = i;
                    if (epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &e) != 0) epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e);
                    suspend(c, SpanState::Awaiting);
                    return;
                }
                case StepKind::ToThread:
                    pool.Submit(i, step, c.task, loop);
                    suspend(c, SpanState::Awaiting);
                    return;
                case StepKind::Acquire: {
                    auto name = static_cast<size_t>(step.name);
                    if (lockOwner[name] < 0) {
                        lockOwner[name] = static_cast<int>(i);
                    } else {
                        lockWaiters[name].push_back(i);
                        suspend(c, SpanState::WaitingLock);
                        return;
                    }
                    break;
                }
                case StepKind::Release: {
                    auto name = static_cast<size_t>(step.name);
                    lockOwner[name] = -1;
                    if (!lockWaiters[name].empty()) {  // asyncio.Lock hands over to its first waiter
                        size_t w = lockWaiters[name].front();
                        lockWaiters[name].pop_front();
                        lockOwner[name] = static_cast<int>(w);
                        wake(w);
                    }
                    break;
                }
                case StepKind::Increment: {  // other threads of the process may run tasks too (children, nested loops)
                    std::atomic_ref<int64_t> counter(counters[static_cast<size_t>(step.name)]);
                    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
                    break;
                }
                case StepKind::Put:
                case StepKind::Get:
                case StepKind::Set:
                case StepKind::Wait:
                    // put()/get()'s Python code runs first (set() and wait() cost next to nothing: see the simulator).
                    if (step.kind == StepKind::Put || step.kind == StepKind::Get)
                        BusyPython(loop, run.gil, s.machine.profile.asyncQueueOperation, c.task, c.track);
                    if (tryChannel(step, i)) break;
                    --c.pc;  // woken, it checks again
                    c.onChannel = true;
                    ++onChannel;
                    suspend(c, SpanState::Awaiting);
                    return;
                case StepKind::Fail:
                    finish(i, true, false);  // under a TaskGroup (or a nested asyncio.run) it cancels the rest
                    return;
                case StepKind::Children: {
                    if (step.children < 0) break;
                    if (c.cursor < 0) c.cursor = plan.FirstDescendant(c.task.value);
                    const plan::ChildBlock block = plan.Children(s, step, c.cursor);
                    c.cursor = block.End();
                    const scenario::ChildVia via = s.children[static_cast<size_t>(step.children)].via;
                    if (via == scenario::ChildVia::Threads || via == scenario::ChildVia::Executor) {
                        // Thread.start() and join(), or an executor's submits and as_completed, from the coroutine:
                        // they block the loop's thread.
                        StepEnv env;
                        env.scenario = &s;
                        env.gil = run.gil;
                        env.delayPort = run.delayPort;
                        env.plan = &plan;
                        env.counters = &counters;
                        env.workload = &workload;
                        env.childLanes = run.childLanes;
                        env.records = &records;
                        env.threadLane = run.loopTrack;
                        env.processLane = run.processLane;
                        env.deadline = run.deadline;
                        env.cancel = run.cancel;
                        const TimeNs t0 = loop.Now();
                        bool ok = true;
                        if (via == scenario::ChildVia::Executor) ok = RunChildExecutor(loop, env, c.task, block);
                        else RunChildThreads(loop, env, c.task, block);
                        if (c.track != trace::TrackId::None())
                            loop.Add(SpanState::Idle, t0, loop.Now(), c.task, trace::TrackId::None(), c.track);
                        if (!ok) {
                            finish(i, true, false);  // f.result() raised the child's exception in the coroutine
                            return;
                        }
                        break;
                    }
                    if (block.count == 0) break;
                    // asyncio.gather(*children) / tg.create_task(child) for each: a task per child, scheduled in order.
                    c.waitingChildren = block.count;
                    c.childVia = via;
                    c.childFailed = false;
                    suspend(c, SpanState::Awaiting);
                    for (int32_t k = 0; k < block.count; ++k) {  // push_back moves coros: `c` is not used below
                        Coro child;
                        child.task = trace::TaskId(block.Task(k));
                        child.cursor = block.DescendantsStart(k);
                        child.parent = static_cast<int64_t>(i);
                        child.steps = &workload.StepsOf(child.task);
                        child.track = run.childLanes
                                          ? (*run.childLanes)(child.task, ChildLaneKind::Coroutine, run.loopTrack)
                                          : trace::TrackId::None();
                        coros.push_back(child);
                        ready.push_back(coros.size() - 1);
                    }
                    // asyncio.eager_task_factory: each create_task() runs its child's first step before returning, so
                    // the children run before what was ready already, in order (models/asyncio/event_loop.h).
                    if (s.model.eagerTasks) std::rotate(ready.begin(), ready.end() - block.count, ready.end());
                    return;
                }
                case StepKind::Send:
                case StepKind::Return:
                case StepKind::Repeat: break;
            }
        }
        finish(i, false, false);
    };

    epoll_event events[128];
    bool ok = true;
    while (finished < coros.size()) {
        while (!ready.empty()) {
            size_t i = ready.front();
            ready.pop_front();
            resume(i);
        }
        if (finished >= coros.size()) break;
        if (onChannel == coros.size() - finished) {
            run.error = std::string("deadlock: every unfinished task (")
                            .append(std::to_string(coros.size() - finished))
                            .append(") waits on a queue or an event that no task will put to or set");
            ok = false;
            break;
        }
        if ((run.cancel && run.cancel->load()) || MonoNs() > run.deadline) {
            run.error = run.cancel && run.cancel->load() ? "cancelled" : "timed out";
            ok = false;
            break;
        }
        if (run.gil) run.gil->Drop(loop);  // selector.select() releases the GIL
        TimeNs t0 = loop.Now();
        int timeoutMs = static_cast<int>(std::clamp<int64_t>((run.deadline - MonoNs()) / 1'000'000 + 1, 0, 100));
        int got = epoll_wait(ep, events, 128, timeoutMs);
        loop.Add(SpanState::Idle, t0, loop.Now());
        if (run.gil) run.gil->Take(loop);
        for (int k = 0; k < got; ++k) {
            if (events[k].data.u64 == UINT64_MAX) {
                uint64_t v;
                [[maybe_unused]] ssize_t r = read(efd, &v, sizeof v);
                for (size_t i : pool.TakeDone())
                    if (!coros[i].done) wake(i);
                continue;
            }
            size_t i = static_cast<size_t>(events[k].data.u64);
            if (i >= coros.size() || coros[i].done) continue;
            char buf[2];
            size_t have = 0;
            while (have < 2) {  // the answer is 2 bytes, sent at once
                ssize_t r = read(coros[i].fd, buf + have, 2 - have);
                if (r <= 0) break;
                have += static_cast<size_t>(r);
            }
            wake(i);
        }
    }
    pool.Shutdown();
    for (auto& a : pool.Actors()) run.extraActors.push_back(a.release());
    for (auto& c : coros)
        if (c.fd >= 0) close(c.fd);
    close(ep);
    close(efd);
    run.records.assign(n, {});
    for (size_t i = 0; i < n; ++i) run.records[i] = records[run.tasks[i]];
    return ok;
}

bool RunAsyncio(RunContext& ctx, trace::Trace& trace) {
    const scenario::Scenario& s = *ctx.scenario;
    const models::Workload workload = models::BuildWorkload(s);
    models::AddTaskRecords(s, workload, trace);
    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId loopTrack = trace.AddTrack(std::string(plan::kEventLoopThread), trace::TrackKind::EventLoop, process);
    // A GIL (and its lane) where some other thread runs Python beside the loop: to_thread's executor, child threads
    // (as simulated: the loop alone never contends for it).
    bool usesThreads = workload.plan.childThreads;
    for (const auto& steps : workload.groupSteps)
        for (const scenario::Step& step : steps) usesThreads = usesThreads || step.kind == StepKind::ToThread;
    std::unique_ptr<Gil> gil;
    if (usesThreads)
        gil = std::make_unique<Gil>(s.machine.profile.switchInterval, s.machine.profile.forcedSwitching,
                                    trace.AddTrack(plan::GilLaneName(plan::kMainProcess), trace::TrackKind::Gil, process));
    LoopRun run;
    run.scenario = &s;
    run.plan = &workload.plan;
    run.loopTrack = loopTrack;
    run.delayPort = ctx.delayPort;
    run.epoch = ctx.epoch;
    run.deadline = ctx.deadline;
    run.cancel = ctx.options ? ctx.options->cancel : nullptr;
    run.gil = gil.get();
    run.workload = &workload;
    const TaskRecords records{&trace.tasks, nullptr};
    run.allRecords = &records;  // each task's record is written by the thread that runs it
    run.processLane = process;
    std::mutex laneMutex;  // children's lanes are added as they start (child threads start children too)
    const ChildLaneFn childLanes = [&](trace::TaskId child, ChildLaneKind kind, trace::TrackId under) {
        std::lock_guard<std::mutex> lock(laneMutex);
        return MakeChildLane(trace, workload.plan, child, kind, under);
    };
    run.childLanes = &childLanes;
    const int32_t n = workload.TaskCount();
    const bool taskTracks = workload.plan.taskLanes;
    for (int32_t t = 0; t < n; ++t) {
        run.tasks.push_back(trace::TaskId(t));
        run.taskTracks.push_back(
            taskTracks ? trace.AddTrack(workload.plan.CoroutineLaneName(t, trace.tasks[static_cast<size_t>(t)].name),
                                        trace::TrackKind::Task, loopTrack)
                       : trace::TrackId::None());
    }
    Actor loop;
    loop.track = loopTrack;
    loop.epoch = ctx.epoch;
    run.queueLanes = AddQueueLanes(s, trace, process, loop);
    std::vector<int64_t> counters(s.names.size(), 0);
    if (gil) gil->Take(loop);
    bool ok = RunLoop(run, loop, counters);
    if (gil) gil->Drop(loop);
    trace.metrics.makespan = loop.Now();
    for (size_t i = 0; i < run.records.size(); ++i) {
        trace::TaskRecord& rec = trace.tasks[run.tasks[i].Index()];
        rec.started = run.records[i].started;
        rec.finished = run.records[i].finished;
        rec.failed = run.records[i].failed;
        rec.cancelled = run.records[i].cancelled;
    }
    loop.MergeInto(trace);
    // The executor's threads recorded under placeholder ids (-100 - k): give them their tracks, then
    // rename every reference (GIL holdings and hand-offs name them as causes).
    std::vector<std::pair<trace::TrackId, trace::TrackId>> renames;
    int k = 0;
    for (Actor* a : run.extraActors) renames.emplace_back(a->track, trace.AddTrack(plan::LoopExecutorThreadName(k++), trace::TrackKind::Thread, process));
    for (Actor* a : run.extraActors) {
        a->MergeInto(trace);
        delete a;
    }
    for (auto& sp : trace.spans) {
        trace::TrackId track = sp.track, cause = sp.cause;
        for (const auto& [from, to] : renames) {
            if (track == from) sp.track = to;
            if (cause == from) sp.cause = to;
        }
        if (sp.cause.value <= -100) sp.cause = trace::TrackId::None();
    }
    for (auto& in : trace.instants) {
        trace::TrackId track = in.track, cause = in.cause;
        for (const auto& [from, to] : renames) {
            if (track == from) in.track = to;
            if (cause == from) in.cause = to;
        }
        if (in.cause.value <= -100) in.cause = trace::TrackId::None();
    }
    AddCounters(s, counters, trace);
    if (!ok && !ctx.Expired()) ctx.error = run.error;  // Expired() words a timeout or cancel itself
    return ok;
}

}  // namespace interleave::native
