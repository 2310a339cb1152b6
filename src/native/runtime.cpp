// Shared pieces of the C++ runtimes: clock, recorders, the real GIL, busy work, the delay server, children.
#include "native/runtime.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <thread>

#include "models/workload.h"

namespace interleave::native {

using trace::SpanState;

int64_t MonoNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t ThreadCpuNs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string SecondsText(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", seconds);
    return buf;
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// [SECTION] Actor

void Actor::Add(SpanState state, TimeNs start, TimeNs end, trace::TaskId task, trace::TrackId cause, trace::TrackId onTrack) {
    if (end < start) end = start;
    trace::Span span;
    span.start = start;
    span.end = end;
    span.track = onTrack == trace::TrackId::None() ? track : onTrack;
    span.task = task;
    span.cause = cause;
    span.state = state;
    spans.push_back(span);
}

void Actor::Mark(trace::InstantKind kind, TimeNs time, trace::TrackId cause, trace::TaskId task) {
    instants.push_back(trace::Instant{time, track, kind, cause, task});
}

void Actor::Absorb(Actor& other) {
    spans.insert(spans.end(), other.spans.begin(), other.spans.end());
    instants.insert(instants.end(), other.instants.begin(), other.instants.end());
    samples.insert(samples.end(), other.samples.begin(), other.samples.end());
    waits.insert(waits.end(), other.waits.begin(), other.waits.end());
    other.spans.clear();
    other.instants.clear();
    other.samples.clear();
    other.waits.clear();
}

trace::TrackId MakeChildLane(trace::Trace& trace, const plan::Plan& plan, trace::TaskId child, ChildLaneKind kind,
                             trace::TrackId under) {
    const std::string& name = trace.tasks[child.Index()].name;
    if (kind == ChildLaneKind::Thread) return trace.AddTrack(name, trace::TrackKind::Thread, under);
    if (kind == ChildLaneKind::ExecutorThread)
        return trace.AddTrack(plan::ExecutorThreadLaneName(name), trace::TrackKind::Thread, under);
    if (!plan.childLanes) return trace::TrackId::None();
    return trace.AddTrack(plan.CoroutineLaneName(child.value, name), trace::TrackKind::Task, under);
}

void WalkChildLanes(const scenario::Scenario& scenario, const models::Workload& workload, trace::TaskId task,
                    int32_t cursor, trace::TrackId threadLane, trace::TrackId processLane, const ChildLaneFn& add,
                    std::vector<std::pair<trace::TaskId, trace::TrackId>>& out) {
    // The context is the lane of the thread the child's parent runs on: a coroutine child runs there too.
    models::WalkDescendants(workload, scenario, task.value, workload.taskGroup[task.Index()], cursor, threadLane,
                            [&](const plan::ChildBlock& block, const scenario::ChildGroup& spec, int32_t k, int32_t,
                                trace::TrackId parentLane) {
                                const trace::TaskId child(block.Task(k));
                                if (block.executorThreads > 0) {
                                    // The executor's threads, keyed by the child of the same index; its children start
                                    // none (the parser).
                                    if (k < block.executorThreads)
                                        out.emplace_back(child, add(child, ChildLaneKind::ExecutorThread, processLane));
                                    return parentLane;
                                }
                                const bool thread = spec.via == scenario::ChildVia::Threads;
                                const trace::TrackId lane =
                                    add(child, thread ? ChildLaneKind::Thread : ChildLaneKind::Coroutine,
                                        thread ? processLane : parentLane);
                                out.emplace_back(child, lane);
                                return thread ? lane : parentLane;
                            });
}

void Actor::MergeInto(trace::Trace& out) {
    out.spans.insert(out.spans.end(), spans.begin(), spans.end());
    out.instants.insert(out.instants.end(), instants.begin(), instants.end());
    out.samples.insert(out.samples.end(), samples.begin(), samples.end());
    samples.clear();
    for (const trace::WaitDetail& wait : waits) {
        trace::Span key;
        key.track = wait.track;
        key.start = wait.start;
        out.AddWait(key, wait.causeSince, wait.dropRequestAt);
    }
    waits.clear();
    spans.clear();
    instants.clear();
}

Actor::~Actor() {
    if (delayFd >= 0) close(delayFd);
}

// [SECTION] GIL

void Gil::Take(Actor& actor, trace::TaskId task) {
    std::unique_lock lock(m_mutex);
    const TimeNs waitStart = actor.Now();
    if (m_locked) {
        const trace::TrackId cause = m_holder;
        const TimeNs causeSince = m_holdSince;
        TimeNs dropAt = -1;
        while (m_locked) {
            const uint64_t saved = m_switchNumber;
            const bool timedOut = m_cond.wait_for(lock, std::chrono::nanoseconds(m_interval)) == std::cv_status::timeout;
            // ceval_gil.c: "If we timed out and no switch occurred in the meantime, it is time to ask the
            // GIL-holding thread to drop it."
            if (m_locked && timedOut && m_switchNumber == saved) {
                m_dropRequest.store(true, std::memory_order_relaxed);
                TimeNs now = actor.Now();
                if (dropAt < 0) dropAt = now;
                actor.Mark(trace::InstantKind::DropRequest, now, m_holder, task);
            }
        }
        trace::Span span;
        span.start = waitStart;
        span.end = actor.Now();
        span.track = actor.track;
        span.task = task;
        span.cause = cause;
        span.state = SpanState::WaitingGil;
        actor.spans.push_back(span);
        actor.waits.push_back(trace::WaitDetail{span.track, span.start, causeSince, dropAt});
    }
    m_locked = true;
    const TimeNs now = actor.Now();
    if (m_lastHolder != actor.track) {
        ++m_switchNumber;
        actor.Mark(trace::InstantKind::GilHandoff, now, m_lastHolder, task);
        m_lastHolder = actor.track;
    }
    m_holder = actor.track;
    m_holdSince = now;
    m_switchCond.notify_all();
    // take_gil(): "if (_Py_atomic_load_relaxed(&ceval2->gil_drop_request)) RESET_GIL_DROP_REQUEST(interp);"
    m_dropRequest.store(false, std::memory_order_relaxed);
}

void Gil::Drop(Actor& actor) {
    std::unique_lock lock(m_mutex);
    const TimeNs now = actor.Now();
    actor.Add(SpanState::HoldingGil, m_holdSince, now, trace::TaskId::None(), actor.track, m_track);
    m_locked = false;
    m_holder = trace::TrackId::None();
    m_cond.notify_one();
    // FORCE_SWITCHING: a drop on request waits until another thread took the GIL (bounded, so a waiter
    // that went away cannot hang us).
    if (m_forced && m_dropRequest.load(std::memory_order_relaxed) && m_lastHolder == actor.track) {
        m_switchCond.wait_for(lock, std::chrono::milliseconds(200), [&] { return m_lastHolder != actor.track; });
    }
}

void Gil::Check(Actor& actor, trace::TaskId task) {
    if (!DropRequested()) return;
    Drop(actor);
    Take(actor, task);
}

// [SECTION] Busy work

namespace {
std::atomic<int64_t> g_spinPerUs{0};

__attribute__((noinline)) void SpinIterations(int64_t n) {
    volatile uint64_t sink = 0;
    for (int64_t i = 0; i < n; ++i) sink = sink + static_cast<uint64_t>(i);
}

int64_t SpinPerUs() {
    int64_t v = g_spinPerUs.load(std::memory_order_relaxed);
    if (v > 0) return v;
    int64_t n = 20'000;
    int64_t best = INT64_MAX;
    for (int i = 0; i < 5; ++i) {
        int64_t t0 = ThreadCpuNs();
        SpinIterations(n);
        best = std::min(best, ThreadCpuNs() - t0);
    }
    v = std::max<int64_t>(1, n * 1000 / std::max<int64_t>(best, 1));
    g_spinPerUs.store(v, std::memory_order_relaxed);
    return v;
}
}  // namespace

void Spin(TimeNs cpuNs) {
    const int64_t perUs = SpinPerUs();
    const int64_t target = ThreadCpuNs() + cpuNs;
    while (ThreadCpuNs() < target) SpinIterations(perUs * 2);
}

void BusyPython(Actor& actor, Gil* gil, TimeNs cpuNs, trace::TaskId task, trace::TrackId taskTrack) {
    if (cpuNs <= 0) return;
    const int64_t perUs = SpinPerUs();
    TimeNs left = cpuNs;
    TimeNs runStart = actor.Now();
    int64_t cpu0 = ThreadCpuNs();
    auto closeRun = [&](TimeNs end) {
        actor.Add(SpanState::RunningPython, runStart, end, task);
        if (taskTrack != trace::TrackId::None())
            actor.Add(SpanState::RunningPython, runStart, end, task, trace::TrackId::None(), taskTrack);
    };
    while (left > 0) {
        SpinIterations(std::min<int64_t>(perUs * 2, std::max<int64_t>(1, left * perUs / 1000)));
        int64_t cpu1 = ThreadCpuNs();
        left -= cpu1 - cpu0;
        cpu0 = cpu1;
        if (left > 0 && gil != nullptr && gil->DropRequested()) {  // the eval breaker
            closeRun(actor.Now());
            gil->Check(actor, task);
            runStart = actor.Now();
            cpu0 = ThreadCpuNs();
        }
    }
    closeRun(actor.Now());
}

void BusyC(Actor& actor, Gil* gil, TimeNs cpuNs, trace::TaskId task) {
    if (gil) gil->Drop(actor);
    TimeNs t0 = actor.Now();
    Spin(cpuNs);
    actor.Add(SpanState::RunningC, t0, actor.Now(), task);
    if (gil) gil->Take(actor, task);
}

// [SECTION] Delay server

DelayServer::~DelayServer() { Stop(); }

// The server is a forked process, not a thread of ours: the pool runtimes fork their workers later, and a fork
// taken while one of our threads holds a lock (the allocator's, under ASan: no fork handler resets it) leaves
// the worker blocked on that lock forever. A process keeps the caller as single-threaded as it was.
bool DelayServer::Start(std::string& error) {
    m_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listen < 0) return error = Errno("socket"), false;
    int one = 1;
    setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // 127.0.0.1 only, never beyond loopback
    addr.sin_port = 0;                               // ephemeral
    if (bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return error = Errno("bind 127.0.0.1"), false;
    if (listen(m_listen, 1024) != 0) return error = Errno("listen"), false;
    socklen_t len = sizeof addr;
    getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    m_wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_epoll < 0 || m_timer < 0 || m_wake < 0) return error = Errno("epoll/timerfd/eventfd"), false;
    fcntl(m_listen, F_SETFL, O_NONBLOCK);
    for (int fd : {m_listen, m_timer, m_wake}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
    const pid_t parent = getpid();
    m_pid = fork();
    if (m_pid < 0) return error = Errno("fork (delay server)"), false;
    if (m_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(0);
        Loop();
        _exit(0);
    }
    RegisterChild(m_pid, false);
    // The server owns these now; this side keeps only the eventfd that tells it to stop.
    for (int* fd : {&m_listen, &m_epoll, &m_timer}) close(*fd), *fd = -1;
    return true;
}

void DelayServer::Stop() {
    if (m_pid > 0) {
        uint64_t one = 1;
        [[maybe_unused]] ssize_t n = write(m_wake, &one, sizeof one);
        // It answers the wake within a loop turn; a server stuck past a second is killed, never waited on forever.
        const int64_t until = MonoNs() + 1'000'000'000;
        int status = 0;
        while (waitpid(m_pid, &status, WNOHANG) == 0) {
            if (MonoNs() > until) kill(m_pid, SIGKILL), waitpid(m_pid, &status, 0);
            else usleep(200);
        }
        UnregisterChild(m_pid);
        m_pid = -1;
    }
    for (int* fd : {&m_listen, &m_epoll, &m_timer, &m_wake})
        if (*fd >= 0) close(*fd), *fd = -1;
}

void DelayServer::Loop() {
    std::multimap<int64_t, int> due;  // MonoNs -> connection
    std::map<int, std::string> pending;  // partial request lines
    epoll_event events[64];
    auto arm = [&] {
        itimerspec spec{};
        if (!due.empty()) {
            int64_t t = std::max<int64_t>(due.begin()->first, 1);
            spec.it_value.tv_sec = t / 1'000'000'000;
            spec.it_value.tv_nsec = t % 1'000'000'000;
        }
        timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &spec, nullptr);
    };
    bool stop = false;
    while (!stop) {
        int n = epoll_wait(m_epoll, events, 64, -1);
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == m_wake) {
                stop = true;
                continue;
            }
            if (fd == m_listen) {
                for (;;) {
                    int c = accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) break;
                    int one = 1;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event ev{};
                    ev.events = EPOLLIN | EPOLLRDHUP;
                    ev.data.fd = c;
                    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c, &ev);
                }
                continue;
            }
            if (fd == m_timer) {
                uint64_t expirations;
                [[maybe_unused]] ssize_t r = read(m_timer, &expirations, sizeof expirations);
                continue;
            }
            char buf[512];
            ssize_t got = read(fd, buf, sizeof buf);
            if (got <= 0) {
                if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
                for (auto it = due.begin(); it != due.end();) it = it->second == fd ? due.erase(it) : std::next(it);
                pending.erase(fd);
                close(fd);
                continue;
            }
            std::string& line = pending[fd];
            line.append(buf, static_cast<size_t>(got));
            size_t nl;
            while ((nl = line.find('\n')) != std::string::npos) {
                int64_t ns = std::strtoll(line.c_str(), nullptr, 10);
                line.erase(0, nl + 1);
                due.emplace(MonoNs() + std::max<int64_t>(ns, 0), fd);
            }
        }
        const int64_t now = MonoNs();
        while (!due.empty() && due.begin()->first <= now) {
            int fd = due.begin()->second;
            due.erase(due.begin());
            [[maybe_unused]] ssize_t w = send(fd, "k\n", 2, MSG_NOSIGNAL);
        }
        arm();
    }
    for (auto& [fd, text] : pending) close(fd);
}

int ConnectDelay(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool SendDelayRequest(int fd, TimeNs ns) {
    std::string line = std::to_string(ns) + "\n";
    return send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size());
}

bool DelayRequest(int fd, TimeNs ns) {
    if (!SendDelayRequest(fd, ns)) return false;
    char c[2];
    size_t got = 0;
    while (got < 2) {
        ssize_t r = read(fd, c + got, 2 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        got += static_cast<size_t>(r);
    }
    return true;
}

// [SECTION] Children

namespace {
constexpr int kMaxChildren = 4096;
std::atomic<int> g_children[kMaxChildren];  // pid, or -pgid for a process group; 0 = free
}

void RegisterChild(int pid, bool processGroup) {
    int value = processGroup ? -pid : pid;
    for (auto& slot : g_children) {
        int expected = 0;
        if (slot.compare_exchange_strong(expected, value)) return;
    }
}

void UnregisterChild(int pid) {
    for (auto& slot : g_children) {
        int v = slot.load();
        if (v == pid || v == -pid) slot.compare_exchange_strong(v, 0);
    }
}

void KillAllChildren() {
    for (auto& slot : g_children) {
        int v = slot.load();
        if (v != 0) kill(v, SIGKILL);  // -pgid kills the whole group
    }
}

namespace {
void OnInterrupt(int sig) {
    KillAllChildren();
    // Reap them (and, as the subreaper, any orphaned grandchild such as a fork server's worker), for at
    // most a second: no zombie outlives us. Only async-signal-safe calls here.
    for (int i = 0; i < 1000; ++i) {
        int status = 0;
        pid_t r = waitpid(-1, &status, WNOHANG);
        if (r < 0) break;  // ECHILD: none left
        if (r == 0) {
            timespec ms{0, 1'000'000};
            nanosleep(&ms, nullptr);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}
}  // namespace

void InstallInterruptHandler() {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    struct sigaction sa{};
    sa.sa_handler = OnInterrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

void RaiseFileLimit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

bool RunContext::Expired() {
    if (options && options->cancel && options->cancel->load()) {
        if (error.empty()) error = "cancelled";
        return true;
    }
    if (MonoNs() > deadline) {
        if (error.empty()) error = "timed out after " + SecondsText(options ? options->timeoutSeconds : 0) + " s";
        return true;
    }
    return false;
}

void MarkNeverStarted(trace::Trace& trace) {
    for (trace::TaskRecord& record : trace.tasks)
        if (record.started < 0 && record.finished < 0) record.cancelled = true;
}

BusyProcesses::BusyProcesses(int32_t count) {
    const pid_t parent = getpid();
    for (int32_t i = 0; i < count; ++i) {
        const pid_t pid = fork();
        if (pid == 0) {
            // Only async-signal-safe calls after fork() in a threaded process: spin until killed.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(0);
            volatile uint64_t spins = 0;
            for (;;) spins = spins + 1;
        }
        if (pid < 0) break;  // fewer than asked: Running() says how many
        RegisterChild(pid, false);
        m_pids.push_back(pid);
    }
}

BusyProcesses::~BusyProcesses() {
    for (int pid : m_pids) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        UnregisterChild(pid);
    }
}

}  // namespace interleave::native
