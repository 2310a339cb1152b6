// The asyncio runtime: one thread runs a real epoll event loop; awaits are non-blocking sockets to the
// delay server; to_thread goes to a small thread pool that wakes the loop through an eventfd.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <thread>
#include <utility>

#include "models/workload.h"
#include "native/runtime.h"

namespace interleave::native {

using scenario::StepKind;
using trace::SpanState;

namespace {

struct Coro {
    trace::TaskId task = trace::kNone;
    trace::TrackId track = trace::kNone;
    const std::vector<scenario::Step>* steps = nullptr;
    size_t pc = 0;
    int fd = -1;
    bool started = false, done = false, waitingSemaphore = false, inThread = false;
    bool onChannel = false;  // suspended in an asyncio.Queue get/put or an Event wait
    TimeNs suspendedAt = -1;
    SpanState suspendedAs = SpanState::Awaiting;
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
    const models::Workload workload = models::BuildWorkload(s);
    const size_t n = run.tasks.size();
    std::vector<Coro> coros(n);
    run.records.assign(n, {});
    for (size_t i = 0; i < n; ++i) {
        coros[i].task = run.tasks[i];
        coros[i].track = i < run.taskTracks.size() ? run.taskTracks[i] : trace::kNone;
        coros[i].steps = &workload.StepsOf(run.tasks[i]);
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ep < 0 || efd < 0) return run.error = Errno("epoll"), false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = UINT64_MAX;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    ThreadPool pool(run, efd, std::min(32, cores + 4));

    std::deque<size_t> ready;
    std::deque<size_t> semWaiters;
    int semaphore = s.model.semaphore > 0 ? s.model.semaphore : INT32_MAX;
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
        if (c.suspendedAt >= 0 && c.track != trace::kNone) loop.Add(c.suspendedAs, c.suspendedAt, loop.Now(), c.task, trace::kNone, c.track);
        c.suspendedAt = -1;
        ready.push_back(i);
    };
    auto finish = [&](size_t i, bool failed, bool cancelled) {
        Coro& c = coros[i];
        if (c.done) return;
        c.done = true;
        ++finished;
        trace::TaskRecord& rec = run.records[i];
        rec.finished = loop.Now();
        rec.failed = failed;
        rec.cancelled = cancelled;
        if (c.suspendedAt >= 0 && c.track != trace::kNone) loop.Add(c.suspendedAs, c.suspendedAt, loop.Now(), c.task, trace::kNone, c.track);
        c.suspendedAt = -1;
        if (c.onChannel) {
            c.onChannel = false;
            --onChannel;
        }
        loop.Mark(cancelled ? trace::InstantKind::TaskCancelled : trace::InstantKind::TaskEnd, rec.finished, trace::kNone, c.task);
        if (c.fd >= 0) {
            epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
            close(c.fd);
            c.fd = -1;
        }
        if (c.started && !c.waitingSemaphore && s.model.semaphore > 0) {
            if (!semWaiters.empty()) {
                size_t w = semWaiters.front();
                semWaiters.pop_front();
                coros[w].waitingSemaphore = false;
                wake(w);
            } else {
                ++semaphore;
            }
        }
    };
    auto recordDepth = [&](size_t name) {
        if (name < run.queueLanes.size() && run.queueLanes[name] != trace::kNone)
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
    auto cancelOthers = [&] {
        // TaskGroup: the first failure cancels the rest: not started -> never run, suspended -> CancelledError.
        for (size_t j = 0; j < n; ++j)
            if (!coros[j].done) {
                if (!coros[j].started) run.records[j].started = -1;
                finish(j, false, true);
            }
        ready.clear();
    };

    auto resume = [&](size_t i) {
        Coro& c = coros[i];
        if (c.done) return;
        if (!c.started) {
            c.started = true;
            run.records[i].started = loop.Now();
            loop.Mark(trace::InstantKind::TaskStart, run.records[i].started, trace::kNone, c.task);
            if (semaphore <= 0) {  // async with sem:
                c.waitingSemaphore = true;
                semWaiters.push_back(i);
                suspend(c, SpanState::Ready);
                return;
            }
            --semaphore;
        }
        while (c.pc < c.steps->size()) {
            const scenario::Step& step = (*c.steps)[c.pc++];
            switch (step.kind) {
                case StepKind::Cpu: BusyPython(loop, run.gil, step.duration, c.task, c.track); break;
                case StepKind::CCall: BusyC(loop, run.gil, step.duration, c.task); break;
                case StepKind::Io: {  // blocking I/O in a coroutine: the loop thread blocks
                    if (run.gil) run.gil->Drop(loop);
                    TimeNs t0 = loop.Now();
                    if (loop.delayFd < 0) loop.delayFd = ConnectDelay(run.delayPort);
                    if (loop.delayFd < 0 || !DelayRequest(loop.delayFd, step.duration)) std::this_thread::sleep_for(std::chrono::nanoseconds(step.duration));
                    loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task);
                    if (c.track != trace::kNone) loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task, trace::kNone, c.track);
                    if (run.gil) run.gil->Take(loop, c.task);
                    break;
                }
                case StepKind::BlockingCall: {  // time.sleep() inside a coroutine
                    if (run.gil) run.gil->Drop(loop);
                    TimeNs t0 = loop.Now();
                    std::this_thread::sleep_for(std::chrono::nanoseconds(step.duration));
                    loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task);
                    if (c.track != trace::kNone) loop.Add(SpanState::BlockedIo, t0, loop.Now(), c.task, trace::kNone, c.track);
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
                case StepKind::Increment: ++counters[static_cast<size_t>(step.name)]; break;
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
                    finish(i, true, false);
                    if (s.model.taskGroup && !groupFailed) {
                        groupFailed = true;
                        cancelOthers();
                    }
                    return;
                case StepKind::Send:
                case StepKind::Return:
                case StepKind::Repeat: break;
            }
        }
        finish(i, false, false);
    };

    epoll_event events[128];
    bool ok = true;
    while (finished < n) {
        while (!ready.empty()) {
            size_t i = ready.front();
            ready.pop_front();
            resume(i);
        }
        if (finished >= n) break;
        if (onChannel == n - finished) {
            run.error = "deadlock: every unfinished task (" + std::to_string(n - finished) +
                        ") waits on a queue or an event that no task will put to or set";
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
            if (i >= n || coros[i].done) continue;
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
    return ok;
}

bool RunAsyncio(RunContext& ctx, trace::Trace& trace) {
    const scenario::Scenario& s = *ctx.scenario;
    const models::Workload workload = models::BuildWorkload(s);
    models::AddTaskRecords(s, workload, trace);
    trace::TrackId process = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId loopTrack = trace.AddTrack(std::string(plan::kEventLoopThread), trace::TrackKind::EventLoop, process);
    trace::TrackId gilTrack = trace.AddTrack(plan::GilLaneName(plan::kMainProcess), trace::TrackKind::Gil, process);
    Gil gil(s.machine.profile.switchInterval, s.machine.profile.forcedSwitching, gilTrack);
    LoopRun run;
    run.scenario = &s;
    run.plan = &workload.plan;
    run.loopTrack = loopTrack;
    run.delayPort = ctx.delayPort;
    run.epoch = ctx.epoch;
    run.deadline = ctx.deadline;
    run.cancel = ctx.options ? ctx.options->cancel : nullptr;
    run.gil = &gil;
    const int32_t n = workload.TaskCount();
    const bool taskTracks = workload.plan.taskLanes;
    for (int32_t t = 0; t < n; ++t) {
        run.tasks.push_back(t);
        run.taskTracks.push_back(taskTracks ? trace.AddTrack(plan::TaskLaneName(t, trace.tasks[static_cast<size_t>(t)].name),
                                                             trace::TrackKind::Task, loopTrack)
                                            : trace::kNone);
    }
    Actor loop;
    loop.track = loopTrack;
    loop.epoch = ctx.epoch;
    run.queueLanes = AddQueueLanes(s, trace, process, loop);
    std::vector<int64_t> counters(s.names.size(), 0);
    gil.Take(loop);
    bool ok = RunLoop(run, loop, counters);
    gil.Drop(loop);
    trace.metrics.makespan = loop.Now();
    for (size_t i = 0; i < run.records.size(); ++i) {
        trace::TaskRecord& rec = trace.tasks[static_cast<size_t>(run.tasks[i])];
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
        if (sp.cause <= -100) sp.cause = trace::kNone;
    }
    for (auto& in : trace.instants) {
        trace::TrackId track = in.track, cause = in.cause;
        for (const auto& [from, to] : renames) {
            if (track == from) in.track = to;
            if (cause == from) in.cause = to;
        }
        if (in.cause <= -100) in.cause = trace::kNone;
    }
    AddCounters(s, counters, trace);
    if (!ok && !ctx.Expired()) ctx.error = run.error;  // Expired() words a timeout or cancel itself
    return ok;
}

}  // namespace interleave::native
