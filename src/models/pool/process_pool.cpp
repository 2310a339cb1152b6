// multiprocessing.Pool (Lib/multiprocessing/pool.py, context.py, popen_*.py):
//  - Pool(workers) starts its workers one after another in the parent (_repopulate_pool), by the start
//    method's mechanism: fork (os.fork() in the parent, holding its GIL), spawn (fork+exec of a fresh
//    interpreter that then imports and unpickles its way to ready), forkserver (a server process started
//    once like spawn, which forks each worker on request);
//  - map() cuts the tasks into chunks (chunksize defaults to ceil(n / (4 * workers))); the parent's
//    _handle_tasks thread pickles each chunk and writes it to the shared inqueue; an idle worker reads a
//    chunk, unpickles it, runs its tasks, pickles the results and writes them to the outqueue; the
//    parent's _handle_results thread unpickles them;
//  - each worker is its own interpreter with its own GIL; workers beyond the cores share them (models/os).
// With `loopPerProcess` (process_asyncio) the tasks are split into one batch per worker and each worker
// runs its batch on an event loop: asyncio.run(gather(...)) inside pool.map.
#include <cmath>
#include <deque>
#include <utility>

#include "models/asyncio/event_loop.h"
#include "models/model_builders.h"
#include "models/pool/process_queues.h"
#include "models/threads/sync_runner.h"

namespace interleave::models {

namespace {

using scenario::StartMethod;
using trace::SpanState;

// Pickle framing of one task's arguments or result besides its payload (function reference, tuple).
constexpr int64_t kArgsOverheadBytes = 64;
constexpr int64_t kResultOverheadBytes = 32;

struct Chunk {
    std::vector<trace::TaskId> tasks;
    int64_t argBytes = 0;
    int64_t resultBytes = 0;
    int64_t argObjectBytes = 0;  // the part of each that is an object graph
    int64_t resultObjectBytes = 0;
    std::vector<bool> failed;
    trace::TrackId worker = trace::TrackId::None();
    bool argsRead = false, resultsRead = false;  // its reader has taken the whole message off the pipe
};

struct PoolState {
    std::vector<Chunk> chunks;
    std::deque<int32_t> inqueue, outqueue;  // chunk indices
    bool allSent = false;
    int32_t finishedTasks = 0;
    int32_t totalTasks = 0;
    SignalIndex inSignal, outSignal, allDone, serverSignal;
    SignalIndex argsRead, resultsRead;  // a chunk's arguments or results were read off the pipe
    SignalIndex workerForked;           // the fork server forked the oldest request and wrote its pid back
    std::deque<ThreadIndex> forkRequests;
    int32_t workersToFork = 0;
};

TimeNs ArgsTime(const Chunk& chunk, const scenario::MachineProfile& profile, bool unpickle) {
    return plan::PickleTime(profile, chunk.argBytes, chunk.argObjectBytes, unpickle);
}
TimeNs ResultsTime(const Chunk& chunk, const scenario::MachineProfile& profile, bool unpickle) {
    return plan::PickleTime(profile, chunk.resultBytes, chunk.resultObjectBytes, unpickle);
}
// The fresh pages a process touches receiving a message: reading it off the pipe (plan::FreshPagesRead), then
// unpickling it (plan::FreshPagesUnpickled, after which the process counts as having received one): a process's
// first message, and every message larger than the OS pipe.
TimeNs ReadPages(int64_t bytes, const scenario::MachineProfile& profile, bool received) {
    return plan::PageTouchTime(profile, plan::FreshPagesRead(bytes, !received));
}
TimeNs UnpickledPages(int64_t bytes, int64_t objectBytes, const scenario::MachineProfile& profile, bool& received) {
    const TimeNs cost = plan::PageTouchTime(profile, plan::FreshPagesUnpickled(bytes, objectBytes, !received));
    received = true;
    return cost;
}
// A message larger than the pipe is read apart, while its writer waits in its write (plan::FillsThePipe): that
// read's cost, 0 for a message that fits.
TimeNs ReadApart(int64_t bytes, const scenario::MachineProfile& profile, bool received) {
    return plan::FillsThePipe(bytes) ? ReadPages(bytes, profile, received) : 0;
}
// The unpickling that follows: `unpickle` and its fresh pages, and the read too where the message fit the pipe (it
// was there already, read with the unpickling).
TimeNs UnpicklingCost(int64_t bytes, int64_t objectBytes, TimeNs unpickle, const scenario::MachineProfile& profile,
                      bool& received) {
    const TimeNs read = plan::FillsThePipe(bytes) ? 0 : ReadPages(bytes, profile, received);  // before it is marked
    return read + unpickle + UnpickledPages(bytes, objectBytes, profile, received);
}
TimeNs SendPages(int64_t bytes, const scenario::MachineProfile& profile, bool& sent) {
    const TimeNs cost = plan::PageTouchTime(profile, plan::FreshPagesSent(bytes, !sent));
    sent = true;
    return cost;
}

Action Costed(TimeNs cpu, SpanState state, bool gil = true) {
    return Action::Compute(cpu, gil, state, trace::TaskId::None());
}

class PoolWorker : public Program {
public:
    PoolWorker(const Workload& workload, PoolState& pool, Programs& programs, InterpIndex interp, TimeNs startCost,
               TimeNs mainRun, bool loop, ProcessQueues* queues)
        : m_workload(workload), m_pool(pool), m_programs(programs), m_interp(interp), m_startCost(startCost),
          m_mainRun(mainRun), m_loopPerProcess(loop), m_queues(queues) {}

    Action Next(World& world, ThreadIndex self) override {
        const scenario::MachineProfile& profile = world.Profile();
        trace::TrackId track = world.Thread(self).track;
        for (;;) {
            switch (m_phase) {
                case Phase::Start:
                    m_phase = Phase::MainRun;
                    if (m_startCost > 0) return Costed(m_startCost, SpanState::StartingProcess);
                    continue;
                case Phase::MainRun:
                    // The program's main module, run again where this worker runs it (plan::MainModuleRun): Python.
                    m_phase = Phase::Idle;
                    if (m_mainRun > 0) return Costed(m_mainRun, SpanState::RunningPython);
                    continue;
                case Phase::Idle:
                    if (!m_pool.inqueue.empty()) {
                        m_chunk = m_pool.inqueue.front();
                        m_pool.inqueue.pop_front();
                        Chunk& chunk = m_pool.chunks[m_chunk];
                        chunk.worker = track;
                        chunk.failed.assign(chunk.tasks.size(), false);
                        m_next = 0;
                        m_phase = Phase::Unpickle;
                        // The parent's _handle_tasks thread waits in its write for this read (TaskHandler).
                        const TimeNs read = ReadApart(chunk.argBytes, profile, m_received);
                        if (read > 0) return Costed(read, SpanState::Unpickling);
                        continue;
                    }
                    if (m_pool.allSent) {
                        if (m_queues) m_queues->CloseProcess(world, m_interp);
                        return Action::Exit();
                    }
                    return Action::Wait(m_pool.inSignal, SpanState::Idle);
                case Phase::Unpickle: {
                    Chunk& chunk = m_pool.chunks[m_chunk];
                    chunk.argsRead = true;
                    world.Notify(m_pool.argsRead);
                    m_phase = Phase::Run;
                    return Costed(UnpicklingCost(chunk.argBytes, chunk.argObjectBytes, ArgsTime(chunk, profile, true),
                                                 profile, m_received),
                                  SpanState::Unpickling);
                }
                case Phase::Run: {
                    Chunk& chunk = m_pool.chunks[m_chunk];
                    if (m_loopPerProcess) {
                        if (!m_loop) {
                            LoopOptions options;
                            options.taskTracks = m_workload.plan.taskLanes;
                            options.cancelOnFailure = world.Scenario().model.taskGroup;
                            options.semaphore = true;
                            options.queueLanes = false;  // plan::Unsupported: no queues in a pool
                            m_loop = m_programs.Make<EventLoop>(world, m_workload, m_interp, track,
                                                                TopLevelLoopTasks(m_workload, chunk.tasks), options,
                                                                m_programs);
                        }
                        Action action = m_loop->Next(world, self);
                        if (!action.IsExit()) return action;
                        for (size_t i = 0; i < chunk.tasks.size(); ++i)
                            chunk.failed[i] = world.Trace().tasks[chunk.tasks[i].Index()].failed;
                        m_loop = nullptr;
                    } else {
                        Action action;
                        if (m_running && m_runner.Next(world, self, SyncEnv{&m_workload, nullptr, &m_programs, m_queues}, action))
                            return action;
                        if (m_running) {
                            chunk.failed[m_next - 1] = m_runner.Failed();
                            m_running = false;
                        }
                        if (m_next < chunk.tasks.size()) {
                            m_runner.Begin(chunk.tasks[m_next++]);
                            m_running = true;
                            world.TaskStarted(m_runner.Task(), track);
                            continue;
                        }
                    }
                    m_phase = Phase::Send;
                    return Costed(ResultsTime(chunk, profile, false) + profile.messageOverhead +
                                      SendPages(chunk.resultBytes, profile, m_sent),
                                  SpanState::Pickling);
                }
                case Phase::Send:
                    m_pool.outqueue.push_back(m_chunk);
                    world.Notify(m_pool.outSignal);
                    m_phase = plan::FillsThePipe(m_pool.chunks[m_chunk].resultBytes) ? Phase::Write : Phase::Idle;
                    continue;
                case Phase::Write:  // results larger than the pipe: the write returns once the parent has read them
                    if (!m_pool.chunks[m_chunk].resultsRead)
                        return Action::Wait(m_pool.resultsRead, SpanState::BlockedIo);
                    m_phase = Phase::Idle;
                    continue;
            }
        }
    }

private:
    enum class Phase { Start, MainRun, Idle, Unpickle, Run, Send, Write };
    const Workload& m_workload;
    PoolState& m_pool;
    Programs& m_programs;
    InterpIndex m_interp;
    TimeNs m_startCost;
    TimeNs m_mainRun;
    bool m_loopPerProcess;
    ProcessQueues* m_queues;  // the multiprocessing queues every worker shares, or null
    Phase m_phase = Phase::Start;
    int32_t m_chunk = -1;
    size_t m_next = 0;
    SyncRunner m_runner;
    bool m_running = false;
    EventLoop* m_loop = nullptr;
    bool m_received = false, m_sent = false;  // this worker process has received / sent a message before
};

// The parent's _handle_tasks thread: pickles each chunk and writes it to the inqueue.
class TaskHandler : public Program {
public:
    TaskHandler(PoolState& pool, const Workload& workload, StartMethod method)
        : m_pool(pool), m_workload(workload), m_method(method) {}
    Action Next(World& world, ThreadIndex) override {
        if (m_sending >= 0) {
            m_pool.inqueue.push_back(m_sending);
            world.Notify(m_pool.inSignal);
            if (plan::FillsThePipe(m_pool.chunks[m_sending].argBytes)) m_writing = m_sending;
            m_sending = -1;
        }
        // A chunk larger than the pipe: the write returns once a worker, when one is free, has read it all. Until
        // then this thread sends nothing else (a program's put() blocks the same way).
        if (m_writing >= 0) {
            if (!m_pool.chunks[m_writing].argsRead) return Action::Wait(m_pool.argsRead, SpanState::BlockedIo);
            m_writing = -1;
        }
        if (m_next < m_pool.chunks.size()) {
            m_sending = static_cast<int32_t>(m_next++);
            const Chunk& chunk = m_pool.chunks[m_sending];
            return Costed(ArgsTime(chunk, world.Profile(), false) + world.Profile().messageOverhead +
                              SendPages(chunk.argBytes, world.Profile(), m_sent) +
                              plan::PageTouchTime(world.Profile(), models::PagesCopiedOnWrite(
                                                                      m_workload, chunk.tasks, m_method, m_pickled)),
                          SpanState::Pickling);
        }
        m_pool.allSent = true;
        world.Notify(m_pool.inSignal);
        return Action::Exit();
    }

private:
    PoolState& m_pool;
    const Workload& m_workload;
    StartMethod m_method;
    std::vector<bool> m_pickled;  // by group: its payload object graph was pickled since the fork
    size_t m_next = 0;
    int32_t m_sending = -1;
    int32_t m_writing = -1;  // the chunk whose write waits for a worker to read it
    bool m_sent = false;  // the parent has sent a task message before
};

// The parent's _handle_results thread: unpickles results as they arrive.
class ResultHandler : public Program {
public:
    explicit ResultHandler(PoolState& pool) : m_pool(pool) {}
    Action Next(World& world, ThreadIndex self) override {
        if (m_reading >= 0) {  // read off the pipe: the worker's write returns; now unpickle
            m_receiving = m_reading;
            m_reading = -1;
            Chunk& chunk = m_pool.chunks[m_receiving];
            chunk.resultsRead = true;
            world.Notify(m_pool.resultsRead);
            const TimeNs cost = UnpicklingCost(chunk.resultBytes, chunk.resultObjectBytes,
                                               ResultsTime(chunk, world.Profile(), true), world.Profile(), m_received);
            // A message that fits keeps its one Unpickling step even at no cost, as before the read was apart.
            if (cost > 0 || !plan::FillsThePipe(chunk.resultBytes)) return Costed(cost, SpanState::Unpickling);
        }
        if (m_receiving >= 0) {
            const Chunk& chunk = m_pool.chunks[m_receiving];
            for (size_t i = 0; i < chunk.tasks.size(); ++i) world.TaskFinished(chunk.tasks[i], world.Thread(self).track, chunk.failed[i]);
            m_pool.finishedTasks += static_cast<int32_t>(chunk.tasks.size());
            m_receiving = -1;
            if (m_pool.finishedTasks >= m_pool.totalTasks) {
                world.Notify(m_pool.allDone);
                return Action::Exit();
            }
        }
        if (!m_pool.outqueue.empty()) {
            m_reading = m_pool.outqueue.front();
            m_pool.outqueue.pop_front();
            // The worker waits in its write for this read (PoolWorker's Phase::Write).
            const TimeNs read = ReadApart(m_pool.chunks[m_reading].resultBytes, world.Profile(), m_received);
            if (read > 0) return Costed(read, SpanState::Unpickling);
            return Next(world, self);
        }
        return Action::Wait(m_pool.outSignal, SpanState::Idle);
    }

private:
    PoolState& m_pool;
    int32_t m_reading = -1;    // the chunk whose results it is reading off the pipe
    int32_t m_receiving = -1;  // the chunk whose results it is unpickling
    bool m_received = false;  // the parent has received a result message before
};

// The fork server: started once like spawn, then forks a worker per request.
class ForkServer : public Program {
public:
    ForkServer(PoolState& pool, TimeNs mainRun) : m_pool(pool), m_mainRun(mainRun) {}
    Action Next(World& world, ThreadIndex) override {
        if (!m_started) {
            m_started = true;
            return Costed(world.Profile().forkserverStart, SpanState::StartingProcess);
        }
        if (m_mainRun > 0) {  // the main module, where the release's fork server preloads it (plan::MainModuleRun)
            return Costed(std::exchange(m_mainRun, 0), SpanState::RunningPython);
        }
        if (m_forking.Valid()) {
            world.StartThread(m_forking);
            m_forking = ThreadIndex{};
            --m_pool.workersToFork;
            world.Notify(m_pool.workerForked);
        }
        if (!m_pool.forkRequests.empty()) {
            m_forking = m_pool.forkRequests.front();
            m_pool.forkRequests.pop_front();
            return Costed(world.Profile().processStartFork, SpanState::StartingProcess);
        }
        if (m_pool.workersToFork <= 0) return Action::Exit();
        return Action::Wait(m_pool.serverSignal, SpanState::Idle);
    }

private:
    PoolState& m_pool;
    TimeNs m_mainRun;
    bool m_started = false;
    ThreadIndex m_forking;
};

// The parent's main thread: Pool(...) starts the workers and handler threads, then map() waits.
class PoolParent : public Program {
public:
    PoolParent(PoolState& pool, std::vector<ThreadIndex> workers, std::vector<ThreadIndex> handlers, ThreadIndex server, StartMethod method)
        : m_pool(pool), m_workers(std::move(workers)), m_handlers(std::move(handlers)), m_server(server), m_method(method) {}

    Action Next(World& world, ThreadIndex) override {
        const scenario::MachineProfile& profile = world.Profile();
        if (m_pendingStart.Valid()) {
            world.StartThread(m_pendingStart);
            m_pendingStart = ThreadIndex{};
        }
        if (m_pendingRequest.Valid()) {  // the request is made: the server may fork it
            m_pool.forkRequests.push_back(m_pendingRequest);
            world.Notify(m_pool.serverSignal);
            m_pendingRequest = ThreadIndex{};
        }
        if (!m_setUp) {  // with ctx.Pool(n) as pool: the import of multiprocessing.pool, then Pool.__init__'s own work
            m_setUp = true;
            if (profile.poolImport + profile.poolSetup > 0) return Costed(profile.poolImport + profile.poolSetup, SpanState::RunningPython);
        }
        if (m_server.Valid() && !m_serverLaunched) {
            m_serverLaunched = true;
            m_pendingStart = m_server;
            return Costed(profile.processStartFork, SpanState::StartingProcess, false);
        }
        // popen_forkserver.Popen._launch ends by reading the worker's pid, which the server writes once it has
        // forked: Pool.__init__ starts the next worker only then, so the starts go at the server's pace.
        const size_t forked = m_workers.size() - static_cast<size_t>(m_pool.workersToFork);
        if (m_method == StartMethod::Forkserver && forked < m_nextWorker)
            return Action::Wait(m_pool.workerForked, SpanState::BlockedIo);
        if (m_nextWorker < m_workers.size()) {
            ThreadIndex worker = m_workers[m_nextWorker++];
            switch (m_method) {
                case StartMethod::Fork:
                    m_pendingStart = worker;
                    return Costed(profile.processStartFork, SpanState::StartingProcess, true);
                case StartMethod::Spawn:
                    m_pendingStart = worker;
                    return Costed(profile.processStartFork, SpanState::StartingProcess, false);
                case StartMethod::Forkserver:
                    m_pendingRequest = worker;
                    return Costed(profile.forkserverRequest, SpanState::StartingProcess, true);
            }
        }
        if (m_nextHandler < m_handlers.size()) {
            m_pendingStart = m_handlers[m_nextHandler++];
            return Costed(profile.threadStart, SpanState::RunningPython).AddsTo(&world.Trace().metrics.threadStart);
        }
        if (m_pool.finishedTasks < m_pool.totalTasks) return Action::Wait(m_pool.allDone, SpanState::Idle);
        if (!m_tornDown) {  // leaving `with`: terminate() signals every worker, then joins each
            m_tornDown = true;
            const TimeNs teardown = plan::PoolTeardownTime(profile, static_cast<int64_t>(m_workers.size()));
            if (teardown > 0) return Costed(teardown, SpanState::RunningPython);
        }
        return Action::Exit();
    }

private:
    PoolState& m_pool;
    std::vector<ThreadIndex> m_workers, m_handlers;
    ThreadIndex m_server;
    StartMethod m_method;
    size_t m_nextWorker = 0, m_nextHandler = 0;
    ThreadIndex m_pendingStart;
    ThreadIndex m_pendingRequest;  // a worker whose fork the parent is asking the server for
    bool m_serverLaunched = false;
    bool m_setUp = false, m_tornDown = false;
};

// The plan's chunks (plan::MakePlan decides them for every runner), with the bytes each one carries.
std::vector<Chunk> MakeChunks(const Workload& workload) {
    std::vector<Chunk> chunks;
    for (const plan::TaskRange& range : workload.plan.chunks) {
        Chunk chunk;
        for (int32_t t = range.first; t < range.End(); ++t) {
            chunk.tasks.push_back(trace::TaskId(t));
            chunk.argBytes += workload.groupSendBytes[workload.taskGroup[t]] + kArgsOverheadBytes;
            chunk.resultBytes += workload.groupReturnBytes[workload.taskGroup[t]] + kResultOverheadBytes;
            chunk.argObjectBytes += workload.groupSendObjectBytes[workload.taskGroup[t]];
            chunk.resultObjectBytes += workload.groupReturnObjectBytes[workload.taskGroup[t]];
        }
        chunks.push_back(std::move(chunk));
    }
    return chunks;
}

}  // namespace

void BuildProcessPool(World& world, const Workload& workload, Programs& programs) {
    trace::Trace& trace = world.Trace();
    const scenario::Scenario& s = world.Scenario();
    const plan::Plan& plan = workload.plan;
    const bool loopPerProcess = plan.LoopPerWorker();
    const int32_t workers = plan.workers;
    const StartMethod method = s.model.startMethod;
    const bool freeThreaded = !plan.gil;
    PoolState& pool = *programs.Keep<PoolState>();
    pool.totalTasks = workload.TaskCount();
    pool.chunks = MakeChunks(workload);
    pool.inSignal = world.AddSignal();
    pool.outSignal = world.AddSignal();
    pool.allDone = world.AddSignal();
    pool.serverSignal = world.AddSignal();
    pool.workerForked = world.AddSignal();
    pool.argsRead = world.AddSignal();
    pool.resultsRead = world.AddSignal();
    pool.workersToFork = method == StartMethod::Forkserver ? workers : 0;
    // Made before the Pool, as the program makes them, and handed to every worker by its initializer.
    ProcessQueues* queues = plan.processQueues ? programs.Keep<ProcessQueues>(world, s, programs) : nullptr;

    const std::string mainProcess(plan::kMainProcess), taskHandler(plan::kPoolTaskHandler),
        resultHandler(plan::kPoolResultHandler);
    trace::TrackId parent = trace.AddTrack(mainProcess, trace::TrackKind::Process);
    trace::TrackId mainTrack = trace.AddTrack(std::string(plan::kMainThread), trace::TrackKind::Thread, parent);
    trace::TrackId taskTrack = trace.AddTrack(taskHandler, trace::TrackKind::Thread, parent);
    trace::TrackId resultTrack = trace.AddTrack(resultHandler, trace::TrackKind::Thread, parent);
    InterpIndex parentInterp = world.AddInterpreter(mainProcess, freeThreaded, parent, true);

    ThreadIndex server;
    if (method == StartMethod::Forkserver) {
        const std::string name(plan::kForkServer);
        trace::TrackId serverTrack = trace.AddTrack(name, trace::TrackKind::Process);
        InterpIndex serverInterp = world.AddInterpreter(name, freeThreaded, serverTrack, false);
        server = world.AddThread(name, serverInterp, serverTrack,
                                 programs.Make<ForkServer>(pool, plan::MainModuleRun(s).forkServer));
    }
    const TimeNs childStart = method == StartMethod::Fork    ? s.machine.profile.forkChildStart
                              : method == StartMethod::Spawn ? s.machine.profile.processStartSpawn
                                                             : s.machine.profile.processStartForkserver;
    const TimeNs mainRun = plan::MainModuleRun(s).eachWorker;
    std::vector<ThreadIndex> workerThreads;
    for (int32_t i = 0; i < workers; ++i) {
        const std::string name = plan.WorkerName(i);
        trace::TrackId track = trace.AddTrack(name, loopPerProcess ? trace::TrackKind::EventLoop : trace::TrackKind::Process);
        // Child threads, or a queue's feeder thread, share the worker's GIL with its main thread.
        InterpIndex interp = world.AddInterpreter(name, freeThreaded, track, plan.childThreads || plan.processQueues);
        auto* program = programs.Make<PoolWorker>(workload, pool, programs, interp, childStart, mainRun, loopPerProcess,
                                                  queues);
        workerThreads.push_back(world.AddThread(name, interp, track, program));
    }
    std::vector<ThreadIndex> handlers = {
        world.AddThread(taskHandler, parentInterp, taskTrack, programs.Make<TaskHandler>(pool, workload, method)),
        world.AddThread(resultHandler, parentInterp, resultTrack, programs.Make<ResultHandler>(pool))};
    if (queues) queues->AddLanes(world, parent);
    auto* main = programs.Make<PoolParent>(pool, std::move(workerThreads), std::move(handlers), server, method);
    world.StartThread(world.AddThread(std::string(plan::kMainThread), parentInterp, mainTrack, main));
}

}  // namespace interleave::models
