// The process runtime: Pool(N) of real worker processes started by fork, spawn (fork + exec of
// /proc/self/exe as a hidden worker) or a fork server, fed through real pipes with real payload bytes.
// Workers record their own spans and send them back with each chunk's results.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "models/workload.h"
#include "native/process_queues.h"
#include "native/runtime.h"

namespace interleave::native {

using scenario::StartMethod;
using trace::SpanState;

namespace {

constexpr uint32_t kExit = 0, kChunk = 1, kReady = 2, kResult = 3;

// Writes to a pipe whose reader may have died: SIGPIPE is blocked in this thread while writing (EPIPE
// is the error we report) and a pending one is consumed, so a crashed worker never kills the parent.
struct NoSigPipe {
    sigset_t set{}, old{};
    NoSigPipe() {
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &set, &old);
    }
    ~NoSigPipe() {
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE) && !sigismember(&old, SIGPIPE)) {
            timespec zero{};
            sigtimedwait(&set, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
};

bool WriteAll(int fd, const void* data, size_t size) {
    NoSigPipe guard;
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t w = write(fd, p, size);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        size -= static_cast<size_t>(w);
    }
    return true;
}

bool ReadAll(int fd, void* data, size_t size) {
    char* p = static_cast<char*>(data);
    while (size > 0) {
        ssize_t r = read(fd, p, size);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        size -= static_cast<size_t>(r);
    }
    return true;
}

template <typename T>
void Put(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
template <typename T>
bool Get(int fd, T& value) {
    return ReadAll(fd, &value, sizeof value);
}

// Writes `bytes` of payload ("pickled" data) through fd in pieces.
bool WritePayload(int fd, int64_t bytes) {
    NoSigPipe guard;
    static thread_local std::vector<char> buf;
    const size_t piece = 1 << 20;
    if (buf.size() < piece) buf.assign(piece, 0);
    while (bytes > 0) {
        size_t n = static_cast<size_t>(std::min<int64_t>(bytes, piece));
        std::memset(buf.data(), static_cast<int>(bytes & 0x7f), n);  // serialising: touch every byte
        if (!WriteAll(fd, buf.data(), n)) return false;
        bytes -= static_cast<int64_t>(n);
    }
    return true;
}
bool ReadPayload(int fd, int64_t bytes) {
    static thread_local std::vector<char> buf;
    const size_t piece = 1 << 20;
    if (buf.size() < piece) buf.assign(piece, 0);
    volatile char sink = 0;
    while (bytes > 0) {
        size_t n = static_cast<size_t>(std::min<int64_t>(bytes, piece));
        if (!ReadAll(fd, buf.data(), n)) return false;
        for (size_t i = 0; i < n; i += 4096) sink = static_cast<char>(sink + buf[i]);  // deserialising
        bytes -= static_cast<int64_t>(n);
    }
    return true;
}

// An object graph pickles object by object: the bytes go through the pipe for real (above), and the time CPython
// spends walking the graph on top of copying them is spent here, at the profile's object throughput.
void PickleObjects(const scenario::MachineProfile& profile, int64_t objectBytes, bool unpickle) {
    if (objectBytes > 0) Spin(plan::PickleTime(profile, objectBytes, objectBytes, unpickle));
}

// The object-graph part of what a list of tasks sends (or returns), capped as the payloads are.
int64_t ObjectBytes(const models::Workload& workload, const std::vector<trace::TaskId>& tasks, bool results) {
    int64_t total = 0;
    for (auto t : tasks) {
        const size_t group = static_cast<size_t>(workload.taskGroup[t.Index()]);
        total += std::min<int64_t>(kPayloadCap, (results ? workload.groupReturnObjectBytes : workload.groupSendObjectBytes)[group]);
    }
    return total;
}

// [SECTION] The worker

// The queues' depth lanes as the parent sent them (placeholders, JSON numbers).
std::vector<trace::TrackId> DepthLanes(const nlohmann::json& sent) {
    std::vector<trace::TrackId> lanes;
    for (const int32_t lane : sent.get<std::vector<int32_t>>())
        lanes.push_back(trace::TrackId(lane));
    return lanes;
}

int WorkerMain(int in, int out) {
    uint32_t len = 0;
    if (!Get(in, len)) return 3;
    std::string initText(len, '\0');
    if (!ReadAll(in, initText.data(), len)) return 3;
    nlohmann::json init = nlohmann::json::parse(initText, nullptr, false);
    if (init.is_discarded()) return 4;
    scenario::ParseError perr;
    auto parsed = scenario::ParseScenario(init["scenario"].get<std::string>(), perr);
    if (!parsed) return 5;
    const scenario::Scenario& s = *parsed;
    const models::Workload workload = models::BuildWorkload(s);
    Actor actor;
    actor.epoch = init["epoch"].get<int64_t>();
    actor.track = trace::TrackId(init["track"].get<int32_t>());
    const int port = init["port"].get<int>();
    const bool loopPerProcess = init["loop"].get<bool>();
    // Tasks that start threads of their own share this process's GIL with its main thread.
    const trace::TrackId gilTrack(init.contains("gil") ? init["gil"].get<int32_t>() : trace::kNone);
    std::unique_ptr<Gil> gil;
    if (gilTrack != trace::TrackId::None())
        gil = std::make_unique<Gil>(s.machine.profile.switchInterval, s.machine.profile.forcedSwitching, gilTrack);
    // The multiprocessing queues every worker shares (Plan::processQueues): the parent's shared memory, inherited.
    std::unique_ptr<ProcessQueues> queues;
    if (init.contains("queues_fd")) {
        std::string why;
        queues = ProcessQueues::Attach(s, init["queues_fd"].get<int>(), DepthLanes(init["queue_lanes"]), why);
        if (!queues) return 11;
    }
    // Children's lanes, made by the parent when it sent their top-level task's chunk.
    std::unordered_map<trace::TaskId, trace::TrackId> childLaneOf;
    const ChildLaneFn childLanes = [&childLaneOf](trace::TaskId child, ChildLaneKind, trace::TrackId) {
        const auto it = childLaneOf.find(child);  // read only while tasks run
        return it == childLaneOf.end() ? trace::TrackId::None() : it->second;
    };
    std::unordered_map<trace::TaskId, trace::TaskRecord> chunkRecords;  // this chunk's tasks and their descendants
    const TaskRecords allRecords{nullptr, &chunkRecords};
    // [the program's main module, run again where the start method has this worker run it (plan::MainModuleRun): its
    // Python, spun as the parent's pool_import is; the parent draws it after the start, from when it began]
    const TimeNs mainRunStart = actor.Now();
    Spin(plan::MainModuleRun(s).eachWorker);
    std::string msg;
    Put(msg, kReady);
    Put(msg, mainRunStart);
    Put(msg, actor.Now());
    if (!WriteAll(out, msg.data(), msg.size())) return 6;
    std::vector<int64_t> counters(s.names.size(), 0);
    std::vector<std::mutex> locks(s.names.size());
    for (;;) {
        uint32_t kind = 0;
        if (!Get(in, kind) || kind == kExit) {
            if (queues) queues->StopFeeders();
            return 0;
        }
        int32_t count = 0;
        Get(in, count);
        std::vector<trace::TaskId> tasks(static_cast<size_t>(std::max(count, 0)));
        for (auto& t : tasks) Get(in, t);
        std::vector<trace::TrackId> taskTracks(tasks.size(), trace::TrackId::None());
        for (auto& track : taskTracks) Get(in, track);
        int32_t laneCount = 0;
        Get(in, laneCount);
        for (int32_t k = 0; k < laneCount; ++k) {
            trace::TaskId child = trace::TaskId::None();
            trace::TrackId lane = trace::TrackId::None();
            Get(in, child);
            Get(in, lane);
            childLaneOf[child] = lane;
        }
        int64_t payload = 0;
        Get(in, payload);
        TimeNs t0 = actor.Now();
        if (!ReadPayload(in, payload)) return 7;
        PickleObjects(s.machine.profile, ObjectBytes(workload, tasks, false), true);
        actor.Add(SpanState::Unpickling, t0, actor.Now());
        // The chunk's tasks, then every descendant of each (their blocks of ids): the records sent back.
        std::vector<trace::TaskId> reported = tasks;
        for (auto t : tasks) {
            if (!t.Valid() || t.value >= workload.TaskCount()) return 10;
            const int32_t first = workload.plan.FirstDescendant(t.value);
            const int32_t below = workload.plan.descendantsPerTask[static_cast<size_t>(workload.taskGroup[t.Index()])];
            for (int32_t d = first; d < first + below; ++d)
                reported.push_back(trace::TaskId(d));
        }
        chunkRecords.clear();
        for (auto t : reported) chunkRecords[t] = trace::TaskRecord{};  // made before any thread runs
        if (gil) gil->Take(actor);
        if (loopPerProcess) {
            LoopRun run;
            run.scenario = &s;
            run.plan = &workload.plan;
            run.workload = &workload;
            run.allRecords = &allRecords;
            run.childLanes = &childLanes;
            run.processLane = actor.track;
            run.gil = gil.get();
            run.tasks = tasks;
            run.taskTracks = taskTracks;
            run.loopTrack = actor.track;
            run.delayPort = port;
            run.epoch = actor.epoch;
            run.deadline = MonoNs() + 3600'000'000'000LL;
            bool ok = RunLoop(run, actor, counters);
            for (Actor* a : run.extraActors) delete a;  // to_thread lanes of workers are not kept
            if (!ok) return 8;
        } else {
            StepEnv env;
            env.scenario = &s;
            env.gil = gil.get();
            env.plan = &workload.plan;
            env.delayPort = port;
            env.counters = &counters;
            env.locks = &locks;
            env.processQueues = queues.get();
            env.workload = &workload;
            env.childLanes = &childLanes;
            env.records = &allRecords;
            env.threadLane = actor.track;
            env.processLane = actor.track;  // a pool worker's own lane is its process
            for (size_t i = 0; i < tasks.size(); ++i) {
                trace::TaskRecord& rec = allRecords[tasks[i]];
                rec.started = actor.Now();
                actor.Mark(trace::InstantKind::TaskStart, rec.started, trace::TrackId::None(),
                           tasks[i]);  // where it ran
                rec.failed = !RunTaskSteps(actor, env, workload.StepsOf(tasks[i]), tasks[i]);
                rec.finished = actor.Now();
                actor.Mark(trace::InstantKind::TaskEnd, rec.finished, trace::TrackId::None(), tasks[i]);
            }
        }
        if (gil) gil->Drop(actor);
        // What the chunk's tasks put is written by this process's feeders before the result goes (their spans
        // travel with it; CPython's result may overtake them by the few microseconds a write takes).
        if (queues) queues->ChunkDone(actor);
        int64_t ret = 0;
        for (auto t : tasks)
            ret += std::min<int64_t>(kPayloadCap,
                                     workload.groupReturnBytes[static_cast<size_t>(workload.taskGroup[t.Index()])]) +
                   32;
        TimeNs p0 = actor.Now();
        PickleObjects(s.machine.profile, ObjectBytes(workload, tasks, true), false);
        msg.clear();
        Put(msg, kResult);
        Put(msg, static_cast<int32_t>(reported.size()));
        for (auto t : reported) {
            const trace::TaskRecord& rec = allRecords[t];
            Put(msg, t);
            Put(msg, rec.started);
            Put(msg, rec.finished);
            uint8_t flags = static_cast<uint8_t>((rec.failed ? 1 : 0) | (rec.cancelled ? 2 : 0));
            Put(msg, flags);
        }
        // The pickling span of this message goes in too: the parent sees it as it was.
        auto nspans = static_cast<int32_t>(actor.spans.size());
        Put(msg, nspans);
        msg.append(reinterpret_cast<const char*>(actor.spans.data()), actor.spans.size() * sizeof(trace::Span));
        auto ninst = static_cast<int32_t>(actor.instants.size());
        Put(msg, ninst);
        msg.append(reinterpret_cast<const char*>(actor.instants.data()), actor.instants.size() * sizeof(trace::Instant));
        auto nsamples = static_cast<int32_t>(actor.samples.size());  // the queues' depth, as this worker changed it
        Put(msg, nsamples);
        msg.append(reinterpret_cast<const char*>(actor.samples.data()), actor.samples.size() * sizeof(trace::CounterSample));
        actor.spans.clear();
        actor.instants.clear();
        actor.samples.clear();
        auto ncounters = static_cast<int32_t>(counters.size());
        Put(msg, ncounters);
        for (auto c : counters) Put(msg, c);
        Put(msg, ret);
        if (!WriteAll(out, msg.data(), msg.size()) || !WritePayload(out, ret)) return 9;
        // The span for pickling and sending the results, reported with the next chunk (or lost at exit:
        // the parent closes it from its side when it finished reading).
        actor.Add(SpanState::Pickling, p0, actor.Now());
    }
}

// The fork server: receives (in, out) fds over a unix socket and forks a worker for each request.
int ForkServerMain(int sock, TimeNs mainModuleRun) {
    signal(SIGCHLD, SIG_IGN);  // its children are reaped automatically
    // The program's main module, where the release's fork server preloads it; the parent draws it from when it began.
    const int64_t mainRunStart = MonoNs();
    Spin(mainModuleRun);
    char byte = 'r';
    if (!WriteAll(sock, &byte, 1) || !WriteAll(sock, &mainRunStart, sizeof mainRunStart)) return 1;
    for (;;) {
        char data = 0;
        iovec iov{&data, 1};
        alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control;
        mh.msg_controllen = sizeof control;
        ssize_t r = recvmsg(sock, &mh, 0);
        if (r <= 0) return 0;  // the parent went away
        cmsghdr* cm = CMSG_FIRSTHDR(&mh);
        if (!cm || cm->cmsg_type != SCM_RIGHTS) continue;
        int fds[2];
        std::memcpy(fds, CMSG_DATA(cm), sizeof fds);
        pid_t pid = fork();
        if (pid == 0) {
            close(sock);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            signal(SIGCHLD, SIG_DFL);
            _exit(WorkerMain(fds[0], fds[1]));
        }
        close(fds[0]);
        close(fds[1]);
        int32_t p = pid;
        if (!WriteAll(sock, &p, sizeof p)) return 0;
    }
}

// Spawned workers and the fork server are this same executable, re-executed with the role in the
// environment; this runs before main() so any binary linking the runtime can be re-executed.
__attribute__((constructor)) void RunIfWorker() {
    if (const char* role = getenv("INTERLEAVE_NATIVE_WORKER")) {
        int in = -1, out = -1;
        if (std::sscanf(role, "%d,%d", &in, &out) == 2) {
            unsetenv("INTERLEAVE_NATIVE_WORKER");
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            _exit(WorkerMain(in, out));
        }
    }
    if (const char* role = getenv("INTERLEAVE_NATIVE_FORKSERVER")) {
        int sock = -1;
        long long mainModuleRun = 0;
        if (std::sscanf(role, "%d,%lld", &sock, &mainModuleRun) < 1) sock = -1;
        unsetenv("INTERLEAVE_NATIVE_FORKSERVER");
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        _exit(ForkServerMain(sock, std::max<TimeNs>(0, mainModuleRun)));
    }
}

// fork + exec of /proc/self/exe with `env` set: CPython's spawn (and the launch of its fork server).
pid_t SpawnSelf(const std::string& env, std::vector<int> keep, std::string& error) {
    pid_t pid = fork();
    if (pid < 0) {
        error = Errno("fork");
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (int fd : keep) fcntl(fd, F_SETFD, 0);  // keep across exec
        size_t eq = env.find('=');
        setenv(env.substr(0, eq).c_str(), env.substr(eq + 1).c_str(), 1);
        char arg0[] = "interleave";
        char arg1[] = "__native-worker";
        char* argv[] = {arg0, arg1, nullptr};
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    return pid;
}

std::string DescribeStatus(int status) {
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended";
}

struct Worker {
    pid_t pid = -1;
    bool ownChild = true;  // false: a fork server's child
    int toWorker = -1, fromWorker = -1;
    trace::TrackId track = trace::TrackId::None();
    TimeNs startedAt = 0;
    bool ready = false, busy = false, exited = false;
    std::vector<trace::TaskId> chunk;
};

}  // namespace

bool RunPool(RunContext& ctx, trace::Trace& trace) {
    const scenario::Scenario& s = *ctx.scenario;
    const models::Workload workload = models::BuildWorkload(s);
    models::AddTaskRecords(s, workload, trace);
    const int32_t n = workload.TaskCount();
    const bool loopPerProcess = workload.plan.LoopPerWorker();
    const plan::Plan& plan = workload.plan;  // how many workers, which tasks in which chunk: decided there
    const int32_t W = plan.workers;
    const plan::MainModuleRuns mainRuns = plan::MainModuleRun(s);  // who runs the program's main module again
    for (int g = 0; g < static_cast<int>(s.groups.size()); ++g)
        if (workload.groupSendBytes[static_cast<size_t>(g)] > kPayloadCap || workload.groupReturnBytes[static_cast<size_t>(g)] > kPayloadCap)
            ctx.notes += "payloads above " + std::to_string(kPayloadCap >> 20) + " MiB go through the pipes at 32 MiB\n";

    trace::TrackId parent = trace.AddTrack(std::string(plan::kMainProcess), trace::TrackKind::Process);
    trace::TrackId mainTrack = trace.AddTrack(std::string(plan::kMainThread), trace::TrackKind::Thread, parent);
    Actor main;
    main.track = mainTrack;
    main.epoch = ctx.epoch;

    std::vector<Worker> workers(static_cast<size_t>(W));
    pid_t server = -1;
    int serverSock = -1;
    auto cleanup = [&](bool kill_) {
        for (auto& w : workers) {
            if (w.toWorker >= 0) close(w.toWorker), w.toWorker = -1;
            if (w.fromWorker >= 0) close(w.fromWorker), w.fromWorker = -1;
            if (w.pid > 0 && !w.exited) {
                if (kill_) kill(w.pid, SIGKILL);
                if (w.ownChild) {
                    // Reap: wait up to 2 s for a clean exit, then kill.
                    int st = 0;
                    int64_t until = MonoNs() + 2'000'000'000;
                    while (waitpid(w.pid, &st, WNOHANG) == 0) {
                        if (MonoNs() > until) kill(w.pid, SIGKILL), waitpid(w.pid, &st, 0);
                        else usleep(1000);
                    }
                } else {
                    // A fork server's child: the server reaps it (SIGCHLD ignored); wait until it did, so
                    // it is gone before the server is.
                    int64_t until = MonoNs() + 2'000'000'000;
                    while (kill(w.pid, 0) == 0 && MonoNs() < until) usleep(1000);
                }
                UnregisterChild(w.pid);
                w.exited = true;
            }
        }
        if (serverSock >= 0) close(serverSock), serverSock = -1;  // the server exits on EOF
        if (server > 0) {
            if (kill_) kill(server, SIGKILL);
            int st = 0;
            int64_t until = MonoNs() + 2'000'000'000;
            while (waitpid(server, &st, WNOHANG) == 0) {
                if (MonoNs() > until) kill(server, SIGKILL), waitpid(server, &st, 0);
                else usleep(1000);
            }
            UnregisterChild(server);
            server = -1;
        }
    };
    auto fail = [&](std::string why) {
        if (ctx.error.empty()) ctx.error = std::move(why);
        cleanup(true);
        main.MergeInto(trace);
        return false;
    };

    // [the Pool's own set-up, as the simulation charges it: the import of multiprocessing.pool and Pool.__init__'s
    // queues and locks, Python work in the parent]
    if (s.machine.profile.poolImport + s.machine.profile.poolSetup > 0) {
        const TimeNs t0 = main.Now();
        Spin(s.machine.profile.poolImport + s.machine.profile.poolSetup);
        main.Add(SpanState::RunningPython, t0, main.Now());
    }
    // [the program's multiprocessing queues, made before the Pool and handed to every worker by its initializer]
    // Their depth lanes come after the workers' (as simulated): until then the workers know them by placeholders.
    std::unique_ptr<ProcessQueues> queues;
    std::vector<trace::TrackId> queueLanes;
    std::vector<int32_t> queuePlaceholders;  // the depth lanes as the workers name them (sent as JSON)
    if (plan.processQueues) {
        std::string why;
        queues = ProcessQueues::Create(s, W, static_cast<int32_t>(plan.chunks.size()), why);
        if (!queues) return fail(why);
        for (size_t q = 0; q < s.names.size(); ++q)
            queuePlaceholders.push_back(kDepthLanePlaceholder.value - static_cast<int32_t>(q));
    }
    // [start the workers, one after the other, as Pool.__init__ does]
    for (int32_t k = 0; k < W; ++k) {
        Worker& w = workers[static_cast<size_t>(k)];
        w.track = trace.AddTrack(plan.WorkerName(k), loopPerProcess ? trace::TrackKind::EventLoop : trace::TrackKind::Process);
        int down[2], up[2];
        if (pipe2(down, O_CLOEXEC) != 0 || pipe2(up, O_CLOEXEC) != 0) return fail(Errno("pipe"));
        TimeNs t0 = main.Now();
        w.startedAt = t0;
        if (s.model.startMethod == StartMethod::Fork) {
            pid_t pid = fork();
            if (pid < 0) return fail(Errno("fork"));
            if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(down[1]);
                close(up[0]);
                _exit(WorkerMain(down[0], up[1]));
            }
            w.pid = pid;
        } else if (s.model.startMethod == StartMethod::Spawn) {
            std::string err;
            std::vector<int> keep = {down[0], up[1]};
            if (queues) keep.push_back(queues->Fd());
            pid_t pid = SpawnSelf("INTERLEAVE_NATIVE_WORKER=" + std::to_string(down[0]) + "," + std::to_string(up[1]), keep, err);
            if (pid < 0) return fail(err);
            w.pid = pid;
        } else {
            if (server < 0) {  // the first use launches the fork server (spawned, like CPython's)
                int sv[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return fail(Errno("socketpair"));
                std::string err;
                trace::TrackId serverTrack = trace.AddTrack(std::string(plan::kForkServer), trace::TrackKind::Process);
                TimeNs s0 = main.Now();
                std::vector<int> keep = {sv[1]};
                if (queues) keep.push_back(queues->Fd());  // the server's children inherit it
                server = SpawnSelf("INTERLEAVE_NATIVE_FORKSERVER=" + std::to_string(sv[1]) + "," +
                                       std::to_string(mainRuns.forkServer), keep, err);
                close(sv[1]);
                if (server < 0) return fail(err);
                RegisterChild(server, false);
                serverSock = sv[0];
                char byte = 0;
                int64_t mainRunStart = 0;  // the server's clock is this one's (MonoNs)
                if (!ReadAll(serverSock, &byte, 1) || !ReadAll(serverSock, &mainRunStart, sizeof mainRunStart))
                    return fail("the fork server did not start");
                const TimeNs serverReady = main.Now();
                const TimeNs mainRun = std::clamp<TimeNs>(mainRunStart - main.epoch, s0, serverReady);
                main.Add(SpanState::StartingProcess, s0, mainRuns.forkServer > 0 ? mainRun : serverReady,
                         trace::TaskId::None(), trace::TrackId::None(), serverTrack);
                if (mainRuns.forkServer > 0)
                    main.Add(SpanState::RunningPython, mainRun, serverReady, trace::TaskId::None(),
                             trace::TrackId::None(), serverTrack);
                main.Add(SpanState::Idle, main.Now(), main.Now(), trace::TaskId::None(), trace::TrackId::None(),
                         serverTrack);
                t0 = main.Now();
                w.startedAt = t0;
            }
            int fds[2] = {down[0], up[1]};
            char data = 'f';
            iovec iov{&data, 1};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)];
            std::memset(control, 0, sizeof control);
            msghdr mh{};
            mh.msg_iov = &iov;
            mh.msg_iovlen = 1;
            mh.msg_control = control;
            mh.msg_controllen = sizeof control;
            cmsghdr* cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof fds);
            std::memcpy(CMSG_DATA(cm), fds, sizeof fds);
            int32_t pid = -1;
            if (sendmsg(serverSock, &mh, MSG_NOSIGNAL) != 1 || !Get(serverSock, pid) || pid <= 0) return fail("the fork server could not fork a worker");
            w.pid = pid;
            w.ownChild = false;
        }
        close(down[0]);
        close(up[1]);
        w.toWorker = down[1];
        w.fromWorker = up[0];
        RegisterChild(w.pid, false);
        if (ctx.options && ctx.options->onChildStarted) ctx.options->onChildStarted(w.pid);
        main.Add(SpanState::StartingProcess, t0, main.Now(), trace::TaskId::None(), w.track);
        // A worker whose tasks start threads, or whose puts start a queue's feeder thread, has a GIL lane (as
        // simulated).
        const bool threaded = plan.childThreads || plan.processQueues;
        const trace::TrackId gilTrack =
            threaded ? trace.AddTrack(plan::GilLaneName(plan.WorkerName(k)), trace::TrackKind::Gil, w.track)
                     : trace::TrackId::None();
        nlohmann::json init = {{"scenario", scenario::ScenarioToJson(s)},
                               {"epoch", ctx.epoch},
                               {"track", w.track.value},
                               {"port", ctx.delayPort},
                               {"loop", loopPerProcess},
                               {"gil", gilTrack.value}};
        if (queues) {
            init["queues_fd"] = queues->Fd();
            init["queue_lanes"] = queuePlaceholders;
        }
        std::string text = init.dump();
        std::string msg;
        Put(msg, static_cast<uint32_t>(text.size()));
        msg += text;
        if (!WriteAll(w.toWorker, msg.data(), msg.size())) return fail("worker " + std::to_string(k + 1) + " went away at start");
    }

    if (queues) queueLanes = AddQueueLanes(s, trace, parent, main);
    // [map(): chunks to idle workers, results back]
    // A worker's feeder lanes, made as their first spans arrive: (worker, queue) -> lane.
    std::map<std::pair<size_t, int32_t>, trace::TrackId> feederLanes;
    const auto feederLane = [&](size_t k, trace::TrackId& track) {
        if (!IsFeederPlaceholder(track)) return;
        const int32_t q = FeederPlaceholderQueue(track);
        if (q < 0 || static_cast<size_t>(q) >= s.names.size()) {
            track = workers[k].track;
            return;
        }
        auto [it, made] = feederLanes.try_emplace({k, q}, trace::TrackId::None());
        if (made)
            it->second = trace.AddTrack(plan::QueueFeederThreadName(s.names[static_cast<size_t>(q)]),
                                        trace::TrackKind::Thread, workers[k].track);
        track = it->second;
    };
    std::vector<std::vector<trace::TaskId>> chunks;
    for (const plan::TaskRange& range : plan.chunks) {
        std::vector<trace::TaskId> c;
        for (int32_t t = range.first; t < range.End(); ++t)
            c.push_back(trace::TaskId(t));
        chunks.push_back(std::move(c));
    }
    size_t nextChunk = 0;
    int32_t done = 0;
    std::vector<int64_t> counters(s.names.size(), 0);
    std::vector<bool> pickledPayloads;  // by group: its payload object graph was pickled since the fork
    auto sendChunk = [&](Worker& w) -> bool {
        if (nextChunk >= chunks.size()) return true;
        w.chunk = chunks[nextChunk++];
        w.busy = true;
        if (queues) queues->ChunkSent();
        TimeNs t0 = main.Now();
        int64_t payload = 0;
        for (auto t : w.chunk) {
            payload += std::min<int64_t>(kPayloadCap,
                                         workload.groupSendBytes[static_cast<size_t>(workload.taskGroup[t.Index()])]) +
                       64;
            trace.tasks[t.Index()].submitted = t0;
        }
        std::string msg;
        Put(msg, kChunk);
        Put(msg, static_cast<int32_t>(w.chunk.size()));
        for (auto t : w.chunk) Put(msg, t);
        // The lane of each task of a worker's event loop, as the plan names it (the parent owns the trace's lanes).
        for (auto t : w.chunk)
            Put(msg, loopPerProcess && plan.taskLanes
                         ? trace.AddTrack(plan.CoroutineLaneName(t.value, trace.tasks[t.Index()].name),
                                          trace::TrackKind::Task, w.track)
                         : trace::TrackId::None());
        // The lanes of their children, made here (the parent owns the trace's lanes), in the order they start.
        std::vector<std::pair<trace::TaskId, trace::TrackId>> childLanes;
        const auto addLane = [&](trace::TaskId child, ChildLaneKind kind, trace::TrackId under) {
            return MakeChildLane(trace, plan, child, kind, under);
        };
        for (auto t : w.chunk)
            WalkChildLanes(s, workload, t, plan.FirstDescendant(t.value), w.track, w.track, addLane, childLanes);
        Put(msg, static_cast<int32_t>(childLanes.size()));
        for (const auto& [child, lane] : childLanes) {
            Put(msg, child);
            Put(msg, lane);
        }
        Put(msg, payload);
        PickleObjects(s.machine.profile, ObjectBytes(workload, w.chunk, false), false);
        // The copy-on-write of a payload's object graph at its first pickling since the fork: this runtime has no
        // graph whose pages a fork shares, so it spends their time (page_touch each), as the simulator charges it.
        Spin(plan::PageTouchTime(s.machine.profile,
                                 models::PagesCopiedOnWrite(workload, w.chunk, s.model.startMethod, pickledPayloads)));
        bool ok = WriteAll(w.toWorker, msg.data(), msg.size()) && WritePayload(w.toWorker, payload);
        main.Add(SpanState::Pickling, t0, main.Now());
        return ok;
    };
    auto crashed = [&](Worker& w, size_t k) {
        int st = 0;
        std::string how = "closed its pipe";
        if (w.ownChild) {
            if (waitpid(w.pid, &st, 0) == w.pid) {
                how = DescribeStatus(st);
                w.exited = true;
                UnregisterChild(w.pid);
            }
        } else {
            how = "closed its pipe (a fork-server child)";
        }
        return fail("worker " + std::to_string(k + 1) + " (pid " + std::to_string(w.pid) + ") crashed: " + how);
    };

    std::vector<pollfd> pfds(static_cast<size_t>(W));
    while (done < n) {
        if (ctx.Expired()) return fail(ctx.error);
        for (size_t k = 0; k < workers.size(); ++k) pfds[k] = pollfd{workers[k].fromWorker, POLLIN, 0};
        int r = poll(pfds.data(), pfds.size(), 20);
        if (r < 0 && errno != EINTR) return fail(Errno("poll"));
        for (size_t k = 0; k < workers.size() && r > 0; ++k) {
            if (!(pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Worker& w = workers[k];
            uint32_t kind = 0;
            if (!Get(w.fromWorker, kind)) return crashed(w, k);
            if (kind == kReady) {
                TimeNs mainRunStart = 0, readyAt = 0;
                if (!Get(w.fromWorker, mainRunStart) || !Get(w.fromWorker, readyAt)) return crashed(w, k);
                // Its start, then the main module run again where it ran it (plan::MainModuleRun), as simulated.
                const bool ranMain = mainRuns.eachWorker > 0;
                mainRunStart = std::clamp(mainRunStart, w.startedAt, readyAt);
                main.Add(SpanState::StartingProcess, w.startedAt, ranMain ? mainRunStart : readyAt,
                         trace::TaskId::None(), trace::TrackId::None(), w.track);
                if (ranMain)
                    main.Add(SpanState::RunningPython, mainRunStart, readyAt, trace::TaskId::None(),
                             trace::TrackId::None(), w.track);
                trace.instants.push_back({readyAt, w.track, trace::InstantKind::ProcessStart, trace::TrackId::None(),
                                          trace::TaskId::None()});
                w.ready = true;
                if (!sendChunk(w)) return crashed(w, k);
                continue;
            }
            if (kind != kResult) return fail("worker " + std::to_string(k + 1) + " sent a broken message");
            TimeNs u0 = main.Now();
            int32_t count = 0;
            if (!Get(w.fromWorker, count)) return crashed(w, k);
            for (int32_t i = 0; i < count; ++i) {
                trace::TaskId t;
                TimeNs st, fin;
                uint8_t flags;
                if (!Get(w.fromWorker, t) || !Get(w.fromWorker, st) || !Get(w.fromWorker, fin) || !Get(w.fromWorker, flags)) return crashed(w, k);
                if (!t.Valid() || t.value >= workload.AllTaskCount()) return fail("worker sent an unknown task");
                auto& rec = trace.tasks[t.Index()];
                rec.started = st;
                rec.failed = flags & 1;
                rec.cancelled = flags & 2;
                if (t.value >= n)
                    rec.finished = fin;  // a child: it ended in the worker (a top-level task: back here, below)
            }
            int32_t ns = 0;
            if (!Get(w.fromWorker, ns) || ns < 0) return crashed(w, k);
            std::vector<trace::Span> spans(static_cast<size_t>(ns));
            if (!ReadAll(w.fromWorker, spans.data(), spans.size() * sizeof(trace::Span))) return crashed(w, k);
            int32_t ni = 0;
            if (!Get(w.fromWorker, ni) || ni < 0) return crashed(w, k);
            std::vector<trace::Instant> inst(static_cast<size_t>(ni));
            if (!ReadAll(w.fromWorker, inst.data(), inst.size() * sizeof(trace::Instant))) return crashed(w, k);
            int32_t nsamples = 0;
            if (!Get(w.fromWorker, nsamples) || nsamples < 0) return crashed(w, k);
            std::vector<trace::CounterSample> samples(static_cast<size_t>(nsamples));
            if (!ReadAll(w.fromWorker, samples.data(), samples.size() * sizeof(trace::CounterSample))) return crashed(w, k);
            int32_t nc = 0;
            if (!Get(w.fromWorker, nc)) return crashed(w, k);
            for (int32_t i = 0; i < nc; ++i) {
                int64_t v = 0;
                if (!Get(w.fromWorker, v)) return crashed(w, k);
                if (static_cast<size_t>(i) < counters.size()) counters[static_cast<size_t>(i)] += v;  // each process has its own
            }
            int64_t payload = 0;
            if (!Get(w.fromWorker, payload) || !ReadPayload(w.fromWorker, payload)) return crashed(w, k);
            PickleObjects(s.machine.profile, ObjectBytes(workload, w.chunk, true), true);
            TimeNs now = main.Now();
            main.Add(SpanState::Unpickling, u0, now);
            for (auto& sp : spans) {
                sp.track = sp.track == trace::TrackId::None() ? w.track : sp.track;
                feederLane(k, sp.track);
                feederLane(k, sp.cause);
            }
            for (auto& instant : inst) {
                feederLane(k, instant.track);
                feederLane(k, instant.cause);
            }
            trace.spans.insert(trace.spans.end(), spans.begin(), spans.end());
            trace.instants.insert(trace.instants.end(), inst.begin(), inst.end());
            for (trace::CounterSample& sample : samples) {
                const int32_t q = kDepthLanePlaceholder.value - sample.track.value;
                sample.track = q >= 0 && static_cast<size_t>(q) < queueLanes.size() ? queueLanes[static_cast<size_t>(q)]
                                                                                    : trace::TrackId::None();
            }
            std::erase_if(samples,
                          [](const trace::CounterSample& sample) { return sample.track == trace::TrackId::None(); });
            trace.samples.insert(trace.samples.end(), samples.begin(), samples.end());
            for (auto t : w.chunk)
                trace.tasks[t.Index()].finished = now;  // back in the parent
            done += static_cast<int32_t>(w.chunk.size());
            w.chunk.clear();
            w.busy = false;
            if (ctx.options && ctx.options->progress) ctx.options->progress->store(static_cast<float>(done) / static_cast<float>(std::max(n, 1)));
            if (!sendChunk(w)) return crashed(w, k);
        }
    }
    // pool.close(); pool.join(): every worker told to exit, then reaped.
    for (auto& w : workers) {
        std::string msg;
        Put(msg, kExit);
        WriteAll(w.toWorker, msg.data(), msg.size());
    }
    TimeNs j0 = main.Now();
    for (size_t k = 0; k < workers.size(); ++k) {
        Worker& w = workers[k];
        close(w.toWorker);
        w.toWorker = -1;
    }
    cleanup(false);
    main.Add(SpanState::Idle, j0, main.Now());
    // Leaving `with`: terminate()'s work in the parent, a Pool(1)'s and what each further worker adds.
    if (const TimeNs teardown = plan::PoolTeardownTime(s.machine.profile, static_cast<int64_t>(workers.size()));
        teardown > 0) {
        const TimeNs t0 = main.Now();
        Spin(teardown);
        main.Add(SpanState::RunningPython, t0, main.Now());
    }
    for (auto& w : workers)
        trace.instants.push_back(
            {main.Now(), w.track, trace::InstantKind::ProcessExit, trace::TrackId::None(), trace::TaskId::None()});
    trace.metrics.makespan = main.Now();
    main.MergeInto(trace);
    AddCounters(s, counters, trace);
    if (queues && ctx.error.empty()) ctx.error = queues->Deadlock();
    return ctx.error.empty();
}

}  // namespace interleave::native
