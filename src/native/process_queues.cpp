#include "native/process_queues.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <new>

#include "plan/plan.h"

namespace interleave::native {

using scenario::StepKind;
using trace::SpanState;

// In the shared mapping, followed by the per-name counts: items, in the pipe, getters and putters waiting.
struct ProcessQueues::Shared {
    pthread_mutex_t mutex;
    pthread_cond_t changed;  // any count changed: waiters check again
    int32_t workers = 0;
    int32_t running = 0;     // workers with a chunk (counted by the parent before it sends one)
    int32_t unassigned = 0;  // chunks the parent has not handed out yet
    int32_t waiting = 0;     // task threads blocked in a put or get
    int64_t pending = 0;     // items put in some process that its feeder has not written yet
    int32_t lastWaitName = -1;  // what the latest waiter waits for (the deadlock's message)
    int32_t lastWaitPut = 0;
    int32_t deadlockName = -1;  // set once: every running task waits and nothing can wake them
    int32_t deadlockPut = 0;
};

// One feeder thread of this process (Queue._feed): its items to write, and its own recorder.
struct ProcessQueues::Feeder {
    int32_t queue = -1;
    int64_t queued = 0;  // handed over by put(), not yet written (under m_local)
    bool closing = false;
    Actor actor;  // written by the feeder thread only; its spans go to m_outbox after each item
    std::thread thread;
};

namespace {

size_t SharedSize(size_t names) {
    const size_t header = (sizeof(ProcessQueues::Shared) + 7) & ~size_t{7};
    return header + 4 * names * sizeof(int64_t);
}

timespec AfterMs(int ms) {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += static_cast<long>(ms) * 1'000'000L;
    t.tv_sec += t.tv_nsec / 1'000'000'000L;
    t.tv_nsec %= 1'000'000'000L;
    return t;
}

// The shared mutex, made consistent again when a process died holding it (the counts may then be off by that
// process's one change; a dead worker fails the run anyway).
void LockShared(pthread_mutex_t* mutex) {
    if (pthread_mutex_lock(mutex) == EOWNERDEAD) pthread_mutex_consistent(mutex);
}

// Python work of a known state (the feeder's pickling, a get's read and unpickling), holding the GIL throughout:
// a few microseconds, too short for an eval-breaker check to matter.
void Busy(Actor& actor, TimeNs cpuNs, SpanState state, trace::TaskId task) {
    const TimeNs t0 = actor.Now();
    Spin(cpuNs);
    actor.Add(state, t0, actor.Now(), task);
}

}  // namespace

ProcessQueues::ProcessQueues(const scenario::Scenario& scenario, int fd, void* memory, size_t size)
    : m_scenario(scenario), m_maxsize(scenario.QueueMaxsizes()), m_fd(fd), m_memory(memory), m_size(size) {
    m_shared = static_cast<Shared*>(memory);
    const size_t names = scenario.names.size();
    const size_t header = size - 4 * names * sizeof(int64_t);
    m_items = reinterpret_cast<int64_t*>(static_cast<char*>(memory) + header);
    m_inPipe = m_items + names;
    m_waitingGet = m_inPipe + names;
    m_waitingPut = m_waitingGet + names;
    m_pipe.assign(names, 0);
    for (size_t n = 0; n < names; ++n) {
        if (!plan::IsProcessPipe(scenario, static_cast<int32_t>(n))) continue;
        m_pipe[n] = 1;
        m_maxsize[n] = plan::kPipeCapacity;
    }
}

std::unique_ptr<ProcessQueues> ProcessQueues::Create(const scenario::Scenario& scenario, int32_t workers, int32_t chunks,
                                                     std::string& error) {
    const size_t size = SharedSize(scenario.names.size());
    // Not close-on-exec: a spawned worker (fork + exec) keeps it, as the fork server's children do.
    const int fd = memfd_create("interleave-process-queues", 0);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(size)) != 0) {
        error = std::string("the multiprocessing queues' shared memory: ") + std::strerror(errno);
        if (fd >= 0) close(fd);
        return nullptr;
    }
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        error = std::string("the multiprocessing queues' shared memory: ") + std::strerror(errno);
        close(fd);
        return nullptr;
    }
    std::memset(memory, 0, size);
    Shared* shared = new (memory) Shared();
    pthread_mutexattr_t mutexAttr;
    pthread_mutexattr_init(&mutexAttr);
    pthread_mutexattr_setpshared(&mutexAttr, PTHREAD_PROCESS_SHARED);
    // A worker killed while it held the mutex must not hang the others, or the parent, for ever.
    pthread_mutexattr_setrobust(&mutexAttr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&shared->mutex, &mutexAttr);
    pthread_mutexattr_destroy(&mutexAttr);
    pthread_condattr_t condAttr;
    pthread_condattr_init(&condAttr);
    pthread_condattr_setpshared(&condAttr, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&shared->changed, &condAttr);
    pthread_condattr_destroy(&condAttr);
    shared->workers = workers;
    shared->unassigned = chunks;
    return std::unique_ptr<ProcessQueues>(new ProcessQueues(scenario, fd, memory, size));
}

std::unique_ptr<ProcessQueues> ProcessQueues::Attach(const scenario::Scenario& scenario, int fd,
                                                     std::vector<trace::TrackId> depthLanes, std::string& error) {
    const size_t size = SharedSize(scenario.names.size());
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED) {
        error = std::string("the multiprocessing queues' shared memory: ") + std::strerror(errno);
        return nullptr;
    }
    std::unique_ptr<ProcessQueues> queues(new ProcessQueues(scenario, fd, memory, size));
    queues->m_depthLanes = std::move(depthLanes);
    return queues;
}

ProcessQueues::~ProcessQueues() {
    StopFeeders();
    if (m_memory) munmap(m_memory, m_size);
    if (m_fd >= 0) close(m_fd);
}

void ProcessQueues::ChunkSent() {
    LockShared(&m_shared->mutex);
    ++m_shared->running;
    --m_shared->unassigned;
    pthread_cond_broadcast(&m_shared->changed);
    pthread_mutex_unlock(&m_shared->mutex);
}

void ProcessQueues::ChunkDone(Actor& into) {
    {
        std::unique_lock lock(m_local);
        m_localChanged.wait(lock, [&] {
            return std::all_of(m_feeders.begin(), m_feeders.end(), [](const auto& f) { return !f || f->queued == 0; });
        });
        into.Absorb(m_outbox);
    }
    LockShared(&m_shared->mutex);
    --m_shared->running;
    if (m_shared->lastWaitName >= 0) CheckDeadlockLocked(m_shared->lastWaitName, m_shared->lastWaitPut ? StepKind::Put : StepKind::Get);
    pthread_cond_broadcast(&m_shared->changed);
    pthread_mutex_unlock(&m_shared->mutex);
}

void ProcessQueues::StopFeeders() {
    {
        std::lock_guard lock(m_local);
        for (auto& feeder : m_feeders)
            if (feeder) feeder->closing = true;
    }
    m_localChanged.notify_all();
    for (auto& feeder : m_feeders)
        if (feeder && feeder->thread.joinable()) feeder->thread.join();
}

void ProcessQueues::CheckDeadlockLocked(int32_t name, StepKind kind) {
    Shared& s = *m_shared;
    if (s.deadlockName >= 0 || s.running <= 0 || s.waiting < s.running || s.pending > 0) return;
    if (s.unassigned > 0 && s.running < s.workers) return;  // an idle worker will take a task still to come
    // A waiter that was woken but has not run yet can go on.
    for (size_t q = 0; q < m_scenario.names.size(); ++q) {
        if (m_waitingGet[q] > 0 && m_inPipe[q] > 0) return;
        if (m_waitingPut[q] > 0 && (m_maxsize[q] <= 0 || m_items[q] < m_maxsize[q])) return;
    }
    s.deadlockName = name;
    s.deadlockPut = kind == StepKind::Put;
    pthread_cond_broadcast(&s.changed);
}

void ProcessQueues::RecordDepthLocked(Actor& actor, size_t name) {
    if (name < m_depthLanes.size() && m_depthLanes[name] != trace::TrackId::None())
        actor.samples.push_back({actor.Now(), m_depthLanes[name], m_items[name]});  // under the mutex: in order
}

template <typename Ready>
bool ProcessQueues::WaitShared(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task, Ready ready) {
    for (;;) {
        if (ready()) return true;
        if (m_shared->deadlockName >= 0) return false;
        // Blocked in sem_acquire or in the pipe's read: without the GIL (dropped outside the shared mutex).
        pthread_mutex_unlock(&m_shared->mutex);
        if (gil) gil->Drop(actor);
        const TimeNs t0 = actor.Now();
        LockShared(&m_shared->mutex);
        ++m_shared->waiting;
        ++(step.kind == StepKind::Put ? m_waitingPut : m_waitingGet)[step.name];
        m_shared->lastWaitName = step.name;
        m_shared->lastWaitPut = step.kind == StepKind::Put;
        while (!ready() && m_shared->deadlockName < 0) {
            CheckDeadlockLocked(step.name, step.kind);
            if (m_shared->deadlockName >= 0) break;
            const timespec until = AfterMs(5);
            if (pthread_cond_timedwait(&m_shared->changed, &m_shared->mutex, &until) == EOWNERDEAD)
                pthread_mutex_consistent(&m_shared->mutex);
        }
        --m_shared->waiting;
        --(step.kind == StepKind::Put ? m_waitingPut : m_waitingGet)[step.name];
        pthread_mutex_unlock(&m_shared->mutex);
        actor.Add(SpanState::WaitingQueue, t0, actor.Now(), task);
        if (gil) gil->Take(actor, task);
        LockShared(&m_shared->mutex);
    }
}

bool ProcessQueues::Put(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task) {
    const auto name = static_cast<size_t>(step.name);
    if (m_pipe[name]) return Send(actor, gil, step, task);
    BusyPython(actor, gil, m_scenario.machine.profile.mpQueuePut, task);  // put()'s own Python
    LockShared(&m_shared->mutex);
    const bool ok = WaitShared(actor, gil, step, task,
                               [&] { return m_maxsize[name] <= 0 || m_items[name] < m_maxsize[name]; });
    if (ok) {
        ++m_items[name];  // the semaphore taken
        ++m_shared->pending;
        RecordDepthLocked(actor, name);
    }
    pthread_mutex_unlock(&m_shared->mutex);
    if (!ok) return false;
    // self._buffer.append(obj); the process's first put on the queue starts its feeder thread (Thread.start(),
    // holding the GIL, as the C++ runtime starts every thread).
    std::unique_lock lock(m_local);
    if (m_feeders.size() <= name) m_feeders.resize(name + 1);
    std::unique_ptr<Feeder>& feeder = m_feeders[name];
    if (!feeder) {
        const TimeNs t0 = actor.Now();
        feeder = std::make_unique<Feeder>();
        feeder->queue = step.name;
        feeder->actor.epoch = actor.epoch;
        feeder->actor.track = trace::TrackId(kFeederLanePlaceholder.value - step.name);
        m_gil = gil;
        Feeder* started = feeder.get();
        feeder->thread = std::thread([this, started] { FeederLoop(*started); });
        actor.Add(SpanState::RunningPython, t0, actor.Now(), task);
    }
    ++feeder->queued;
    lock.unlock();
    m_localChanged.notify_all();
    return true;
}

bool ProcessQueues::Send(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task) {
    const auto name = static_cast<size_t>(step.name);
    Busy(actor, m_scenario.machine.profile.mpPipeSend, SpanState::Pickling, task);  // pickling, then the write
    LockShared(&m_shared->mutex);
    const bool ok = WaitShared(actor, gil, step, task, [&] { return m_items[name] < m_maxsize[name]; });
    if (ok) {
        ++m_items[name];
        ++m_inPipe[name];
        pthread_cond_broadcast(&m_shared->changed);
    }
    pthread_mutex_unlock(&m_shared->mutex);
    return ok;
}

bool ProcessQueues::Get(Actor& actor, Gil* gil, const scenario::Step& step, trace::TaskId task) {
    const auto name = static_cast<size_t>(step.name);
    LockShared(&m_shared->mutex);
    const bool ok = WaitShared(actor, gil, step, task, [&] { return m_inPipe[name] > 0; });
    if (ok) {
        --m_inPipe[name];
        --m_items[name];  // self._sem.release()
        RecordDepthLocked(actor, name);
        pthread_cond_broadcast(&m_shared->changed);
    }
    pthread_mutex_unlock(&m_shared->mutex);
    if (!ok) return false;
    const scenario::MachineProfile& profile = m_scenario.machine.profile;
    Busy(actor, m_pipe[name] ? profile.mpPipeRecv : profile.mpQueueGet, SpanState::Unpickling, task);  // read, unpickle
    return true;
}

void ProcessQueues::FeederLoop(Feeder& feeder) {
    Actor& a = feeder.actor;
    for (;;) {
        {
            std::unique_lock lock(m_local);
            m_localChanged.wait(lock, [&] { return feeder.queued > 0 || feeder.closing; });
            if (feeder.queued == 0) return;
        }
        if (m_gil) m_gil->Take(a);
        Busy(a, m_scenario.machine.profile.mpQueueFeed, SpanState::Pickling, trace::TaskId::None());
        if (m_gil) m_gil->Drop(a);
        LockShared(&m_shared->mutex);
        ++m_inPipe[static_cast<size_t>(feeder.queue)];
        --m_shared->pending;
        pthread_cond_broadcast(&m_shared->changed);
        pthread_mutex_unlock(&m_shared->mutex);
        {
            std::lock_guard lock(m_local);
            m_outbox.Absorb(a);
            --feeder.queued;
        }
        m_localChanged.notify_all();
    }
}

std::string ProcessQueues::Deadlock() const {
    LockShared(&m_shared->mutex);
    const int32_t name = m_shared->deadlockName;
    const bool put = m_shared->deadlockPut != 0;
    pthread_mutex_unlock(&m_shared->mutex);
    if (name < 0 || static_cast<size_t>(name) >= m_scenario.names.size()) return {};
    const auto n = static_cast<size_t>(name);
    std::string why = "deadlock: every worker process running a task waits ";
    if (m_pipe[n])
        why.append(put ? "for room in the OS pipe of multiprocessing.Pipe \"" : "for an object in multiprocessing.Pipe \"")
            .append(m_scenario.names[n])
            .append(put ? "\" (" + std::to_string(m_maxsize[n]) + " objects)" : "\"");
    else
        why.append(put ? "for room on multiprocessing.Queue \"" : "for an item on multiprocessing.Queue \"")
            .append(m_scenario.names[n])
            .append(put ? "\" (maxsize " + std::to_string(m_maxsize[n]) + ")" : "\"")
        .append(", and no other task can put or get");
    return why;
}

}  // namespace interleave::native
