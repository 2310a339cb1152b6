// The CPython runner: the scenario as a Python program (threading, multiprocessing or asyncio, the way a
// reader would write it) with the probe inlined; run under python3; the probe's JSON lines become a trace.
//
// Every name in a scenario is untrusted text (a file from anywhere): the program holds them only as ASCII
// string literals (PythonStringLiteral), its encoding is pinned on line 2 before anything else, its parts
// are written in order (never spliced in by searching the text), and each group's function gets a name
// that is distinct from every other top-level name by construction. CheckExportedProgramShape
// (python_export_check.h) verifies the result in the tests and the fuzzer.
#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "scenario/model_info.h"
#include "models/workload.h"
#include "native/embedded.h"
#include "native/python_export_check.h"
#include "native/runtime.h"

namespace interleave::native {

using scenario::ModelKind;
using scenario::StepKind;

namespace {

std::string PyStr(const std::string& s) {
    return PythonStringLiteral(s);
}

// The names the program binds at its top level besides the probe's, the group functions and payload<k>.
constexpr const char* kProgramGlobals[] = {
    "SCENARIO",           "types", "probe",    "asyncio", "multiprocessing", "sys",       "threading",
    "ThreadPoolExecutor", "locks", "counters", "N",       "run_task",        "semaphore", "main",
    "run_batch",          "work",  "run",      "queue",   "queues",          "events",    "gather_all",
    "group_all",          "as_completed", "pool_worker_init"};

// `task_<name>`: ASCII letters, digits and `_` kept, each run of anything else one `_`, and a numeric
// suffix while that is taken (`a-b`, `a_b`: task_a_b, task_a_b_2). The prefix keeps clear of keywords and
// builtins; `taken` (every other top-level name of the program, the probe's included) keeps the functions
// apart from those names and from each other.
// One per task group, then one per child group (Scenario::children).
std::vector<std::string> FunctionNames(const scenario::Scenario& s, std::set<std::string> taken) {
    std::vector<std::string> out;
    std::vector<const std::string*> names;
    for (const auto& group : s.groups) names.push_back(&group.name);
    for (const auto& child : s.children) names.push_back(&child.name);
    for (const std::string* name : names) {
        std::string base = "task_";
        bool gap = false;
        for (char c : *name) {
            const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (keep)
                base += c;
            else if (!gap)
                base += '_';
            gap = !keep;
        }
        std::string fn = base;
        for (int k = 2; taken.count(fn) || IsPythonReservedName(fn); ++k)
            fn = base + "_" + std::to_string(k);
        taken.insert(fn);
        out.push_back(fn);
    }
    return out;
}

struct Gen {
    const scenario::Scenario& s;
    const plan::Plan& plan;
    bool async;  // the function being written is a coroutine
    bool processes;
    std::ostringstream out;
    std::vector<std::string> functions;  // FunctionNames: groups, then child groups

    // A children step: the children's ids and blocks from the running task's `cursor`, as plan::ChildBlock lays them
    // out; each child is named under the running task's `name`.
    void Children(const scenario::Step& st, const std::string& pad) {
        const scenario::ChildGroup& spec = s.children[static_cast<size_t>(st.children)];
        const size_t group = s.groups.size() + static_cast<size_t>(st.children);
        const std::string count = std::to_string(spec.count);
        const std::string below = std::to_string(plan.descendantsPerTask[group]);
        const std::string kidName = "name + " + PyStr("/" + spec.name) + " + \"[%d]\" % k";
        const std::string kidArgs = "first + k, " + kidName + ", first + " + count + " + k * " + below;
        const std::string& fn = functions[group];
        out << pad << "first = cursor  # the children's ids, then what each of them starts\n";
        out << pad << "cursor = first + " << int64_t{spec.count} * (1 + plan.descendantsPerTask[group]) << "\n";
        switch (spec.via) {
            case scenario::ChildVia::Threads:
                out << pad << "kids = [threading.Thread(target=" << fn << ", args=(" << kidArgs << "), name=" << kidName
                    << ") for k in range(" << count << ")]\n";
                out << pad << "for kid in kids:\n" << pad << "    kid.start()\n";
                out << pad << "for kid in kids:\n" << pad << "    kid.join()" << (async ? "  # blocks the loop" : "") << "\n";
                break;
            case scenario::ChildVia::Executor: {
                // thread_name_prefix names the threads as the plan does (plan::ChildExecutorThreadName); f.result()
                // raises a child's exception here, and leaving `with` waits for the rest first.
                out << pad << "with ThreadPoolExecutor(max_workers=" << plan::ExecutorMaxWorkers(s, spec)
                    << ", thread_name_prefix=name + " << PyStr("/" + spec.name + " executor") << ") as pool:\n";
                out << pad << "    futures = [pool.submit(" << fn << ", " << kidArgs << ") for k in range(" << count << ")]\n";
                out << pad << "    for future in as_completed(futures):" << (async ? "  # blocks the loop" : "") << "\n";
                out << pad << "        future.result()\n";
                break;
            }
            case scenario::ChildVia::Gather:
                if (async)
                    out << pad << "await asyncio.gather(*[" << fn << "(" << kidArgs << ") for k in range(" << count << ")])\n";
                else
                    out << pad << "asyncio.run(gather_all([" << fn << "(" << kidArgs << ") for k in range(" << count
                        << ")]))  # an event loop of their own\n";
                break;
            case scenario::ChildVia::TaskGroup:
                if (async) {
                    out << pad << "async with asyncio.TaskGroup() as tg:\n";
                    out << pad << "    for k in range(" << count << "):\n";
                    out << pad << "        tg.create_task(" << fn << "(" << kidArgs << "))\n";
                } else {
                    out << pad << "asyncio.run(group_all([" << fn << "(" << kidArgs << ") for k in range(" << count
                        << ")]))  # an event loop of their own\n";
                }
                break;
        }
    }

    void Steps(const std::vector<scenario::Step>& steps, int indent) {
        std::string pad(static_cast<size_t>(indent), ' ');
        for (const scenario::Step& st : steps) {
            std::string d = std::to_string(st.duration);
            switch (st.kind) {
                case StepKind::Cpu: out << pad << "probe.cpu(" << d << ", i" << (async ? ", \"task:%d\" % i" : "") << ")  # pure Python\n"; break;
                case StepKind::CCall: out << pad << "probe.c_call(" << d << ", i)  # hashlib: releases the GIL\n"; break;
                case StepKind::Io:
                    // io_start: when the task's latest io call began, what a reply (Step::replyAfter) counts from.
                    out << pad << "io_start = probe.io(" << d << ", i" << (async ? ", \"task:%d\" % i" : "");
                    if (st.replyAfter > 0) out << ", reply_at=io_start + " << st.replyAfter;
                    out << ")  # blocking I/O" << (st.replyAfter > 0 ? ": the reply to the previous one" : "") << "\n";
                    break;
                case StepKind::Await:
                    if (async) out << pad << "await probe.aio(" << d << ", i)  # await asyncio.sleep\n";
                    else out << pad << "probe.io(" << d << ", i)  # the request, blocking\n";
                    break;
                case StepKind::BlockingCall: out << pad << "probe.io(" << d << ", i" << (async ? ", \"task:%d\" % i" : "") << ")  # time.sleep: blocks" << (async ? " the loop" : "") << "\n"; break;
                case StepKind::ToThread: {
                    // Outside an event loop the plan runs the step in place (plan::InPlace): its own kind.
                    const StepKind runs = async ? st.inner : plan::InPlace(plan, st).kind;
                    std::string fn = runs == StepKind::Cpu ? "probe.cpu" : runs == StepKind::CCall ? "probe.c_call" : "probe.io";
                    if (async) out << pad << "await probe.to_thread(" << fn << ", " << d << ", i)  # asyncio.to_thread\n";
                    else out << pad << fn << "(" << d << ", i)\n";
                    break;
                }
                case StepKind::Acquire:
                    if (async) out << pad << "await probe.aacquire(locks[" << PyStr(s.names[static_cast<size_t>(st.name)]) << "], i)\n";
                    else out << pad << "probe.acquire(locks[" << PyStr(s.names[static_cast<size_t>(st.name)]) << "], i)\n";
                    break;
                case StepKind::Release: out << pad << "locks[" << PyStr(s.names[static_cast<size_t>(st.name)]) << "].release()\n"; break;
                case StepKind::Increment: out << pad << "counters[" << PyStr(s.names[static_cast<size_t>(st.name)]) << "] += 1\n"; break;
                case StepKind::Fail: out << pad << "raise ValueError(\"task \" + str(i) + \" failed\")\n"; break;
                case StepKind::Put:
                case StepKind::Get: {
                    const std::string name = PyStr(s.names[static_cast<size_t>(st.name)]);
                    if (plan::IsProcessPipe(s, st.name)) {  // (reader, writer) of a multiprocessing.Pipe: no depth
                        out << pad << "probe." << (st.kind == StepKind::Put ? "pipe_send" : "pipe_recv") << "(queues["
                            << name << "], i)\n";
                        break;
                    }
                    const char* call = st.kind == StepKind::Put ? (async ? "aput" : "put") : (async ? "aget" : "get");
                    out << pad << (async ? "await " : "") << "probe." << call << "(queues[" << name << "], i, " << name
                        << ")\n";
                    break;
                }
                case StepKind::Set: out << pad << "events[" << PyStr(s.names[static_cast<size_t>(st.name)]) << "].set()\n"; break;
                case StepKind::Wait:
                    out << pad << (async ? "await probe.await_event(" : "probe.wait_event(") << "events["
                        << PyStr(s.names[static_cast<size_t>(st.name)]) << "], i)\n";
                    break;
                case StepKind::Children: Children(st, pad); break;
                case StepKind::Send: break;
                case StepKind::Return:
                    out << pad << "result = " << (st.payload == scenario::PayloadKind::Objects ? "probe.records(" : "bytes(")
                        << std::min<int64_t>(st.bytes, kPayloadCap) << ")  # returned, pickled\n";
                    break;
                case StepKind::Repeat:
                    out << pad << "for _ in range(" << st.repeat << "):\n";
                    Steps(st.body, indent + 4);
                    break;
            }
        }
    }
};

void CollectCounters(const std::vector<scenario::Step>& steps, const scenario::Scenario& s, std::vector<std::string>& out) {
    for (const auto& st : steps) {
        if (st.kind == StepKind::Increment) {
            const std::string& name = s.names[static_cast<size_t>(st.name)];
            if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        }
        CollectCounters(st.body, s, out);
    }
}

}  // namespace

std::vector<std::string> CounterNames(const scenario::Scenario& s) {
    std::vector<std::string> out;
    for (const auto& g : s.groups) CollectCounters(g.steps, s, out);
    return out;
}

namespace {

// What a group sends, by kind (capped as the runners cap it).
struct SendPayload {
    int64_t bytes = 0, objects = 0;
};
SendPayload SendBytes(const scenario::TaskGroup& g) {
    SendPayload p;
    for (const auto& st : g.steps)
        if (st.kind == StepKind::Send) (st.payload == scenario::PayloadKind::Objects ? p.objects : p.bytes) += st.bytes;
    p.bytes = std::min<int64_t>(p.bytes, kPayloadCap);
    p.objects = std::min<int64_t>(p.objects, kPayloadCap);
    return p;
}

// The Python expression for a payload: bytes, an object graph (probe.records), or both.
std::string PayloadExpression(const SendPayload& p) {
    const std::string bytes = "bytes(" + std::to_string(p.bytes) + ")";
    const std::string objects = "probe.records(" + std::to_string(p.objects) + ")";
    if (p.objects == 0) return bytes;
    if (p.bytes == 0) return objects;
    return "(" + bytes + ", " + objects + ")";
}

}  // namespace

std::string PythonBinaryFor(scenario::PythonVersion version, std::string& why) {
    if (version == scenario::kLegacyPython) return "python3";
    std::string dir;
    if (const char* own = std::getenv("INTERLEAVE_CPYTHON_DIR"); own && *own) {
        dir = own;
    } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        dir = std::string(xdg) + "/interleave/cpython";
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        dir = std::string(home) + "/.cache/interleave/cpython";
    }
    const std::string tag = scenario::PythonVersionName(version);
    const std::string binary = dir + "/" + tag + "/bin/python3";
    if (!dir.empty() && access(binary.c_str(), X_OK) == 0) return binary;
    why = "Python " + tag + " is not built on this machine (no " + (dir.empty() ? std::string("cache directory") : binary) +
          "): run scripts/setup.sh --cpython=" + tag + ", or name an interpreter with --python-bin";
    return {};
}

std::string NotExportable(const scenario::Scenario& s) {
    if (scenario::Info(s.model.kind).interpreterPool)
        return "the interpreters model is simulated and run by the C++ runtime, but not yet exported to Python: "
               "InterpreterPoolExecutor unpickles each task's function in a fresh interpreter, where the generated "
               "program's functions (in __main__) are not importable";
    return {};
}

std::string ExportPython(const scenario::Scenario& s) {
    const ModelKind kind = s.model.kind;
    const bool async = scenario::Info(kind).eventLoop;
    const bool processes = scenario::Info(kind).processPool;
    const std::string_view probeText = EmbeddedPython("probe.py");
    const plan::Plan plan = plan::MakePlan(s);  // workers, chunks and batches: the same as every other runner's
    Gen g{s, plan, async, processes, {}, {}};
    auto& o = g.out;
    // Python reads a coding cookie on line 1 or 2: both are fixed, and the rest is ASCII.
    o << "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n";
    o << "# Generated by `interleave export-python` (docs/real-runs.md): model " << scenario::ModelKindName(kind)
      << ".\n";
    if (!scenario::Info(kind).gil)
        o << "# Run it on a free-threaded build (python3.13t) to see threads without a GIL.\n";
    if (s.pythonGil) o << "# Run it with PYTHON_GIL=1 on a free-threaded build: its GIL switched back on.\n";
    o << "# The scenario's names appear only inside the string literals below, escaped to ASCII.\n";
    o << "SCENARIO = " << PyStr(s.name) << "\n";
    o << "\n" << probeText << "\n";
    // A module the probe imported is bound already: imported once, every top-level name is bound once.
    auto importModule = [&](const std::string& module) {
        if (probeText.find("\nimport " + module + "\n") == std::string_view::npos) o << "import " << module << "\n";
    };
    importModule("types");
    o << "probe = types.SimpleNamespace(**{k: v for k, v in dict(globals()).items() if not k.startswith(\"__\")})\n\n";
    for (const char* module : {"asyncio", "multiprocessing", "queue", "sys", "threading"})
        importModule(module);
    o << "from concurrent.futures import ThreadPoolExecutor, as_completed\n\n";
    if (processes && s.mainImports > 0)  // elsewhere only the parent runs the module, before the run: nothing to see
        o << "# main_imports: what the program's own imports cost. Every process that runs this module pays it: the "
             "parent\n# before run(), and a spawned worker, a forkserver worker (3.11, 3.12) or the fork server "
             "(later releases) again.\nprobe.spin(" << s.mainImports << ")\n\n";
    // The scenario's shared objects by name, each of the kind its steps use it as.
    const std::vector<uint8_t> uses = scenario::NameUses(s);
    auto objects = [&](const char* dict, scenario::NameKind wanted, auto&& constructor) {
        o << dict << " = {";
        for (size_t n = 0; n < s.names.size(); ++n)
            if (scenario::UsedAs(uses[n], wanted)) o << PyStr(s.names[n]) << ": " << constructor(n) << ", ";
        o << "}\n";
    };
    objects("locks", scenario::NameKind::Lock, [&](size_t) { return async ? "asyncio.Lock()" : "threading.Lock()"; });
    // A pool's queues are multiprocessing.Queue objects: made in run() before the Pool, from the start method's
    // context, and handed to every worker by the Pool's initializer (a spawned worker imports this module afresh).
    if (plan.processQueues)
        o << "queues = {}  # multiprocessing queues and pipes: run() makes them, pool_worker_init() hands them to each "
             "worker\n";
    else
        objects("queues", scenario::NameKind::Queue, [&](size_t n) {
            return std::string(async ? "asyncio.Queue(maxsize=" : "queue.Queue(maxsize=")
                .append(std::to_string(s.QueueMaxsize(static_cast<int32_t>(n))))
                .append(")");
        });
    objects("events", scenario::NameKind::Event, [&](size_t) { return async ? "asyncio.Event()" : "threading.Event()"; });
    o << "counters = {";
    for (const auto& name : CounterNames(s))
        o << PyStr(name) << ": 0, ";
    o << "}\n\n";

    std::set<std::string> taken = ProbeTopLevelNames();
    taken.insert(std::begin(kProgramGlobals), std::end(kProgramGlobals));
    for (size_t k = 0; k < s.groups.size(); ++k)
        taken.insert("payload" + std::to_string(k));
    g.functions = FunctionNames(s, taken);
    const std::vector<std::string>& functions = g.functions;
    // Every loop the program runs (main's, a worker's batch, a task's own for its children) gets the factory.
    const char* eagerLine =
        s.model.eagerTasks ? "    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)\n" : "";
    o << "# One function per task group.\n";
    int offset = 0;
    int64_t descendants = plan.taskCount;  // where the group's first task's block of descendants starts
    std::vector<std::pair<int, int>> ranges;  // per group: (first task, count)
    for (size_t k = 0; k < s.groups.size(); ++k) {
        const auto& grp = s.groups[k];
        ranges.push_back({offset, grp.count});
        g.async = async;
        o << (async ? "async def " : "def ") << functions[k] << "(i" << (processes && !async ? ", payload=None" : "")
          << "):\n";
        o << "    result = None\n";
        o << "    name = " << PyStr(grp.name) << " + \"[%d]\" % (i - " << offset << ")\n";
        if (plan.descendantsPerTask[k] > 0)
            o << "    cursor = " << descendants << " + (i - " << offset << ") * " << plan.descendantsPerTask[k]
              << "  # the ids of what it starts below it\n";
        o << "    with probe.task(i, name" << (async && s.model.taskGroup ? ", swallow=False" : "") << "):\n";
        if (async && s.model.semaphore > 0) {
            o << "        async with semaphore:\n";
            g.Steps(grp.steps, 12);
        } else {
            g.Steps(grp.steps, 8);
        }
        o << "        pass\n    return result\n\n";
        offset += grp.count;
        descendants += int64_t{grp.count} * plan.descendantsPerTask[k];
    }
    if (!s.children.empty()) {
        o << "# One function per children step: a coroutine where a loop runs them (gather, task_group), else a "
             "thread's target.\n";
        bool gatherAll = false, groupAll = false;
        for (size_t c = 0; c < s.children.size(); ++c) {
            const scenario::ChildGroup& child = s.children[c];
            g.async = child.via != scenario::ChildVia::Threads && child.via != scenario::ChildVia::Executor;
            gatherAll = gatherAll || child.via == scenario::ChildVia::Gather;
            groupAll = groupAll || child.via == scenario::ChildVia::TaskGroup;
            o << (g.async ? "async def " : "def ") << functions[s.groups.size() + c] << "(i, name, cursor):\n";
            o << "    result = None\n";
            // A coroutine child's exception reaches its gather or TaskGroup, an executor's child's its future; a
            // thread's ends the thread only.
            const bool raises = g.async || child.via == scenario::ChildVia::Executor;
            o << "    with probe.task(i, name" << (raises ? ", swallow=False" : "") << "):\n";
            g.Steps(child.steps, 8);
            o << "        pass\n    return result\n\n";
        }
        // Where a task that is no coroutine gathers children: asyncio.run() of one of these.
        if (gatherAll) o << "async def gather_all(coros):\n" << eagerLine << "    await asyncio.gather(*coros)\n\n";
        if (groupAll)
            o << "async def group_all(coros):\n" << eagerLine
              << "    async with asyncio.TaskGroup() as tg:\n        for coro in coros:\n"
                 "            tg.create_task(coro)\n\n";
        g.async = async;
    }
    if (processes && !async) {
        // The payloads, made before the pool: bytes of the size each group sends.
        for (size_t k = 0; k < s.groups.size(); ++k)
            o << "payload" << k << " = " << PayloadExpression(SendBytes(s.groups[k])) << "  # sent to the worker, pickled\n";
    }
    o << "N = " << offset << "\n";
    o << "def run_task(i):\n";
    for (size_t k = 0; k < ranges.size(); ++k)
        o << "    if i < " << ranges[k].first + ranges[k].second << ":\n        return " << functions[k] << "(i)\n";
    o << "    return None\n\n";
    if (async) {
        if (s.model.semaphore > 0) o << "semaphore = None\n";
        o << "async def main(tasks):\n" << eagerLine;
        if (s.model.semaphore > 0)
            o << "    global semaphore\n    semaphore = asyncio.Semaphore(" << s.model.semaphore << ")\n";
        if (s.model.taskGroup) {
            o << "    if sys.version_info < (3, 11):\n        raise SystemExit(\"TaskGroup needs Python 3.11+\")\n";
            o << "    try:\n        async with asyncio.TaskGroup() as tg:\n            for i in tasks:\n               "
                 " tg.create_task(run_task(i))\n";
            o << "    except* ValueError:\n        pass  # the first failure cancelled the rest\n\n";
        } else {
            o << "    await asyncio.gather(*(run_task(i) for i in tasks), return_exceptions=True)\n\n";
        }
    }
    if (processes) {
        if (async)
            o << "def run_batch(tasks):\n    asyncio.run(main(tasks))\n\n";
        else {
            o << "def work(args):\n    i, payload = args\n    return run_task(i)\n\n";
        }
        if (plan.processQueues)
            o << "def pool_worker_init(shared_queues):\n    queues.update(shared_queues)\n    probe.worker_init()\n\n";
    }
    // The run in a function: its variables are locals, so no top-level name is bound twice.
    o << "def run():\n";
    if (s.pythonGil)
        o << "    if hasattr(sys, \"_is_gil_enabled\") and not sys._is_gil_enabled():\n"
             "        raise SystemExit(\"run it with PYTHON_GIL=1: the scenario switches the GIL back on\")\n";
    if (s.model.eagerTasks)
        o << "    if sys.version_info < (3, 12):\n        raise SystemExit(\"asyncio.eager_task_factory needs Python 3.12+\")\n";
    o << "    probe.start()\n";
    // How the program runs its tasks, from what the model runs them on (the registry), not from its name.
    const scenario::ModelInfo& runsOn = scenario::Info(kind);
    if (runsOn.processPool) {
        // The plan's worker count (the scenario's, else its machine.cores: what Pool() starts there).
        const std::string workers = std::to_string(plan.workers);
        o << "    ctx = multiprocessing.get_context("
          << PyStr(std::string(scenario::StartMethodName(s.model.startMethod))) << ")\n";
        o << "    probe.pool_starting()\n";
        if (async) {
            o << "    with ctx.Pool(" << workers << ", initializer=probe.worker_init) as pool:\n";
            // One batch of consecutive tasks per worker, as the plan splits them.
            o << "        # one batch of consecutive tasks per worker, as every runner splits them\n";
            o << "        batches = [";
            for (size_t b = 0; b < plan.chunks.size(); ++b)
                o << (b > 0 ? ", " : "") << "list(range(" << plan.chunks[b].first << ", " << plan.chunks[b].End() << "))";
            o << "]\n";
            o << "        pool.map(run_batch, batches, chunksize=1)\n        probe.done()\n";
        } else {
            o << "    args = ";
            if (ranges.empty()) o << "[]";
            for (size_t k = 0; k < ranges.size(); ++k) {
                if (k > 0) o << " + ";
                o << "[(i, payload" << k << ") for i in range(" << ranges[k].first << ", "
                  << ranges[k].first + ranges[k].second << ")]";
            }
            o << "\n";
            if (plan.processQueues) {
                o << "    queues.update({";
                for (size_t n = 0; n < s.names.size(); ++n)
                    if (!scenario::UsedAs(uses[n], scenario::NameKind::Queue))
                        continue;
                    else if (plan::IsProcessPipe(s, static_cast<int32_t>(n)))
                        o << PyStr(s.names[n]) << ": ctx.Pipe(duplex=False), ";
                    else
                        o << PyStr(s.names[n]) << ": ctx.Queue(maxsize="
                          << s.QueueMaxsize(static_cast<int32_t>(n)) << "), ";
                o << "})\n";
                o << "    with ctx.Pool(" << workers
                  << ", initializer=pool_worker_init, initargs=(queues,)) as pool:\n";
            } else {
                o << "    with ctx.Pool(" << workers << ", initializer=probe.worker_init) as pool:\n";
            }
            o << "        pool.map(work, args, chunksize=" << plan.chunksize << ")"
              << (s.model.chunksize > 0 ? "" : "  # what Pool.map computes for this many tasks and workers")
              << "\n";
            o << "        probe.done()  # every result is back; the pool's teardown follows\n";
        }
    } else if (runsOn.eventLoop) {
        o << "    asyncio.run(main(range(N)))\n";
    } else if (runsOn.threads) {
        if (plan.threadPool) {
            o << "    with ThreadPoolExecutor(max_workers=" << s.model.workers
              << ") as pool:\n        list(pool.map(run_task, range(N)))\n";
        } else {
            o << "    threads = [threading.Thread(target=run_task, args=(i,)) for i in range(N)]\n    for thread "
                 "in threads:\n        thread.start()\n    for thread in threads:\n        thread.join()\n";
        }
    } else if (!runsOn.interpreterPool) {  // an interpreter pool is refused before (NotExportable)
        o << "    for i in range(N):\n        run_task(i)\n";
    }
    o << "    probe.finish(counters)\n\n\n";
    o << "if __name__ == \"__main__\":\n    run()\n";
    return o.str();
}

namespace {

// Runs argv with a deadline in its own process group; output (stdout+stderr) into `output`.
int RunProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env, const RunOptions& options, std::string& output,
               std::string& error) {
    std::string logPath = "/tmp/interleave-py-" + std::to_string(getpid()) + "-" + std::to_string(MonoNs()) + ".log";
    pid_t pid = fork();
    if (pid < 0) return error = Errno("fork"), -1;
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        FILE* log = std::fopen(logPath.c_str(), "w");
        if (log) {
            dup2(fileno(log), 1);
            dup2(fileno(log), 2);
        }
        for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        std::fprintf(stderr, "cannot run %s\n", args[0]);
        _exit(127);
    }
    setpgid(pid, pid);
    RegisterChild(pid, true);
    const int64_t deadline = MonoNs() + static_cast<int64_t>(options.timeoutSeconds * 1e9);
    int status = 0;
    int rc = -1;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        bool cancelled = options.cancel && options.cancel->load();
        if (cancelled || MonoNs() > deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            error = cancelled ? "cancelled" : "timed out after " + SecondsText(options.timeoutSeconds) + " s";
            rc = -1;
            break;
        }
        usleep(2000);
    }
    kill(-pid, SIGKILL);  // leftovers of the group (pool workers) never outlive the run
    UnregisterChild(pid);
    std::ifstream in(logPath);
    std::stringstream ss;
    ss << in.rdbuf();
    output = ss.str();
    unlink(logPath.c_str());
    return rc;
}

bool ParseState(const std::string& name, trace::SpanState& state) { return trace::ParseSpanState(name, state); }

}  // namespace

std::string PythonRequirement(const scenario::Scenario& s, const std::string& python, std::string& version) {
    std::string out, error;
    RunOptions opt;
    opt.timeoutSeconds = 20;
    // The build, not the GIL's state now: PYTHON_GIL in this process's environment must not decide it.
    int rc = RunProcess({python, "-c", "import sys, sysconfig; print('%d.%d.%d' % sys.version_info[:3], "
                                       "int(bool(sysconfig.get_config_var('Py_GIL_DISABLED'))))"},
                        {}, opt, out, error);
    if (rc != 0) return python + " is not available (" + (error.empty() ? out : error) + ")";
    std::istringstream is(out);
    int freeThreaded = 0;
    is >> version >> freeThreaded;
    int major = 0, minor = 0;
    std::sscanf(version.c_str(), "%d.%d", &major, &minor);
    auto olderThan = [&](int wantMinor) { return major < 3 || (major == 3 && minor < wantMinor); };
    const std::string release = scenario::PythonVersionName(scenario::RunPython(s));
    const bool wantsFreeThreadedBuild = scenario::RunPython(s).freeThreaded;  // PYTHON_GIL=1 or not
    if (wantsFreeThreadedBuild && !freeThreaded)
        return "the scenario runs on " + release + ", a free-threaded build; " + python + " is " + version + " with the GIL";
    if (!wantsFreeThreadedBuild && freeThreaded)
        return "the scenario runs on " + release + ", with the GIL; " + python + " is " + version + ", a free-threaded build";
    bool childTaskGroup = false;
    for (const scenario::ChildGroup& child : s.children) childTaskGroup = childTaskGroup || child.via == scenario::ChildVia::TaskGroup;
    if (((scenario::Info(s.model.kind).eventLoop && s.model.taskGroup) || childTaskGroup) && olderThan(11))
        return "asyncio.TaskGroup needs Python 3.11+; " + python + " is " + version;
    if (s.model.eagerTasks && olderThan(12))
        return "asyncio.eager_task_factory needs Python 3.12+; " + python + " is " + version;
    if (olderThan(8)) return "needs Python 3.8+; " + python + " is " + version;
    return {};
}

RealRunResult RunCPython(const scenario::Scenario& s, const RunOptions& options) {
    RealRunResult result;
    result.error = plan::Unsupported(s);
    if (result.error.empty()) result.error = NotExportable(s);
    if (!result.error.empty()) return result;
    std::string version;
    std::string why = PythonRequirement(s, options.python, version);
    if (!why.empty()) return result.error = why, result;
    char dirTemplate[] = "/tmp/interleave-run-XXXXXX";
    if (!mkdtemp(dirTemplate)) return result.error = Errno("mkdtemp"), result;
    std::string dir = dirTemplate;
    std::string program = dir + "/scenario.py";
    auto removeDir = [&] {
        if (DIR* d = opendir(dir.c_str())) {
            while (dirent* e = readdir(d))
                if (e->d_name[0] != '.') unlink((dir + "/" + e->d_name).c_str());
            closedir(d);
        }
        rmdir(dir.c_str());
    };
    {
        // A short write (a full disk, a file size limit) would run a truncated program.
        errno = 0;
        std::ofstream f(program, std::ios::binary);
        f << ExportPython(s);
        f.close();
        if (!f) {
            result.error =
                "cannot write the program to " + program + (errno ? ": " + std::string(std::strerror(errno)) : "");
            removeDir();
            return result;
        }
    }
    std::string output, error;
    std::vector<std::string> env = {"INTERLEAVE_PROBE_DIR=" + dir, "PYTHONDONTWRITEBYTECODE=1"};
    // A free-threaded build's GIL as the scenario says, whatever PYTHON_GIL this process has (a build with the GIL
    // refuses PYTHON_GIL=0, so it gets none).
    if (scenario::RunPython(s).freeThreaded) env.push_back(s.pythonGil ? "PYTHON_GIL=1" : "PYTHON_GIL=0");
    int rc = RunProcess({options.python, program}, env, options, output, error);
    if (rc != 0) {
        result.error = !error.empty() ? error : "python3 exited with status " + std::to_string(rc) + ": " + output.substr(output.size() > 2000 ? output.size() - 2000 : 0);
        removeDir();
        return result;
    }
    // Read every process's lines.
    trace::Trace& tr = result.trace;
    tr.producer = "cpython";
    tr.label = std::string(scenario::ModelKindName(s.model.kind)) + " (CPython " + version + ", real)";
    const models::Workload workload = models::BuildWorkload(s);
    models::AddTaskRecords(s, workload, tr);
    for (auto& rec : tr.tasks) rec.submitted = 0;
    const bool async = scenario::Info(s.model.kind).eventLoop;
    std::map<std::string, trace::TrackId> procs, threads;
    auto procTrack = [&](const std::string& p) {
        auto it = procs.find(p);
        if (it != procs.end()) return it->second;
        trace::TrackKind kind = (p != plan::kMainProcess && async && scenario::Info(s.model.kind).processPool) ? trace::TrackKind::EventLoop : trace::TrackKind::Process;
        return procs[p] = tr.AddTrack(p, kind);
    };
    std::function<trace::TrackId(const std::string&, const std::string&)> threadTrack = [&](const std::string& p, const std::string& t) -> trace::TrackId {
        std::string key = p + "/" + t;
        auto it = threads.find(key);
        if (it != threads.end()) return it->second;
        trace::TrackId parent = procTrack(p);
        if (p != plan::kMainProcess && t == plan::kMainThread) return threads[key] = parent;  // a worker's one thread
        if (t.rfind("task:", 0) == 0) {
            // "task:7@Thread-1 (run_task)": a coroutine's lane, under the lane of the thread its loop runs on, named
            // and numbered as the plan says (or none: its loop's lane carries it).
            const size_t at = t.find('@');
            const trace::TrackId loopLane =
                threadTrack(p, at == std::string::npos ? std::string(plan::kMainThread) : t.substr(at + 1));
            const int i = std::atoi(t.c_str() + 5);
            if (i < 0 || i >= static_cast<int>(tr.tasks.size())) return threads[key] = loopLane;
            if (!(i >= workload.plan.taskCount ? workload.plan.childLanes : workload.plan.taskLanes))
                return threads[key] = loopLane;
            return threads[key] = tr.AddTrack(workload.plan.CoroutineLaneName(i, tr.tasks[static_cast<size_t>(i)].name),
                                              trace::TrackKind::Task, loopLane);
        }
        if (t == plan::kMainThread && async && p == plan::kMainProcess)
            return threads[key] = tr.AddTrack(std::string(plan::kEventLoopThread), trace::TrackKind::EventLoop, parent);
        return threads[key] = tr.AddTrack(t, trace::TrackKind::Thread, parent);
    };
    // A queue's depth lane, made when its first sample arrives, starting at 0 as every runner's does.
    std::map<std::string, trace::TrackId> queueLanes;
    auto queueLane = [&](const std::string& p, const std::string& name) {
        auto it = queueLanes.find(name);
        if (it != queueLanes.end()) return it->second;
        // A multiprocessing.Queue's qsize() is the same in every process: one lane, under the parent that made it.
        const std::string owner = workload.plan.processQueues ? std::string(plan::kMainProcess) : p;
        const trace::TrackId lane = tr.AddTrack(plan::QueueLaneName(name), trace::TrackKind::Counter, procTrack(owner));
        tr.samples.push_back({0, lane, 0});
        return queueLanes[name] = lane;
    };
    procTrack(std::string(plan::kMainProcess));
    threadTrack(std::string(plan::kMainProcess), std::string(plan::kMainThread));
    // Pool(W) starts W processes: each gets its lane, even one the pool's teardown ended before it reported.
    for (int32_t k = 0; workload.plan.IsPool() && k < workload.plan.workers; ++k) procTrack(workload.plan.WorkerName(k));
    TimeNs poolStart = -1;
    std::map<std::string, TimeNs> ready;
    nlohmann::json meta;
    std::vector<std::string> files;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (std::string(e->d_name).rfind("spans-", 0) == 0) files.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        std::ifstream in(file);
        std::string line;
        while (std::getline(in, line)) {
            nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_array() || j.empty()) continue;
            const std::string tag = j[0].get<std::string>();
            if (tag == "meta") {
                meta = j[1];
            } else if (tag == "t" && j.size() >= 8) {
                int i = j[1].get<int>();
                if (i < 0 || i >= static_cast<int>(tr.tasks.size())) continue;
                auto& rec = tr.tasks[static_cast<size_t>(i)];
                rec.started = j[4].get<int64_t>();
                rec.finished = j[5].get<int64_t>();
                rec.failed = j[6].get<bool>();
                rec.cancelled = j[7].get<bool>();
                if (j.size() >= 10 && j[8].is_string() && j[9].is_string()) {
                    // Where it ran: its start and end marks on that lane (a task whose steps take no time has no span).
                    const trace::TrackId lane = threadTrack(j[8].get<std::string>(), j[9].get<std::string>());
                    const trace::TaskId task(i);
                    tr.instants.push_back(
                        {rec.started, lane, trace::InstantKind::TaskStart, trace::TrackId::None(), task});
                    tr.instants.push_back(
                        {rec.finished, lane, trace::InstantKind::TaskEnd, trace::TrackId::None(), task});
                }
            } else if (tag == "s" && j.size() >= 7) {
                std::string p = j[1], t = j[2], state = j[3];
                TimeNs a = j[4], b = j[5];
                int task = j[6];
                if (state == "PoolStart") {
                    poolStart = a;
                    continue;
                }
                if (state == "ProcessReady") {
                    ready[p] = a;
                    continue;
                }
                if (state == "QueueDepth") {  // t is the queue's name, the task field its depth
                    tr.samples.push_back({a, queueLane(p, t), std::max<int64_t>(task, 0)});
                    continue;
                }
                trace::SpanState st;
                if (!ParseState(state, st)) continue;
                trace::Span sp;
                sp.start = a;
                sp.end = std::max(a, b);
                sp.track = threadTrack(p, t);
                sp.task = trace::TaskId(task);
                sp.state = st;
                tr.spans.push_back(sp);
            }
        }
    }
    for (auto& [p, at] : ready) {
        trace::Span sp;
        sp.start = std::max<TimeNs>(0, poolStart);
        sp.end = std::max(sp.start, at);
        sp.track = procTrack(p);
        sp.state = trace::SpanState::StartingProcess;
        tr.spans.push_back(sp);
        tr.instants.push_back(
            {at, sp.track, trace::InstantKind::ProcessStart, trace::TrackId::None(), trace::TaskId::None()});
    }
    // The GIL lane, derived: in a process where several threads ran Python, RunningPython spans are GIL
    // holdings (adjacent spans of one thread merged); a change of holder is a hand-off.
    std::map<trace::TrackId, std::vector<trace::Span>> running;  // process -> spans
    for (const auto& sp : tr.spans) {
        if (sp.state != trace::SpanState::RunningPython) continue;
        const trace::Track& t = tr.tracks[sp.track.Index()];
        if (t.kind != trace::TrackKind::Thread && t.kind != trace::TrackKind::EventLoop) continue;
        running[t.parent == trace::TrackId::None() ? sp.track : t.parent].push_back(sp);
    }
    const bool gilLane = scenario::Info(s.model.kind).gil;
    for (auto& [proc, spans] : running) {
        std::sort(spans.begin(), spans.end(), [](const trace::Span& x, const trace::Span& y) { return x.start < y.start; });
        std::vector<trace::TrackId> holders;
        for (const auto& sp : spans)
            if (std::find(holders.begin(), holders.end(), sp.track) == holders.end()) holders.push_back(sp.track);
        if (!gilLane || holders.size() < 2) continue;
        trace::TrackId lane = tr.AddTrack(plan::GilLaneName(tr.tracks[proc.Index()].name), trace::TrackKind::Gil, proc);
        std::vector<trace::Span> merged;
        for (const auto& sp : spans) {
            if (!merged.empty() && merged.back().cause == sp.track && sp.start - merged.back().end < 50'000) {
                merged.back().end = std::max(merged.back().end, sp.end);
                continue;
            }
            if (!merged.empty() && merged.back().cause != sp.track)
                tr.instants.push_back({sp.start, sp.track, trace::InstantKind::GilHandoff, merged.back().cause, sp.task});
            trace::Span g;
            g.start = sp.start;
            g.end = sp.end;
            g.track = lane;
            g.cause = sp.track;
            g.state = trace::SpanState::HoldingGil;
            merged.push_back(g);
        }
        tr.spans.insert(tr.spans.end(), merged.begin(), merged.end());
    }
    if (meta.is_object()) {
        tr.metrics.makespan = meta.value("makespan", int64_t{0});
        if (meta.value("teardown", int64_t{0}) > 1'000'000)
            result.notes += "CPython: the Pool's teardown took " + std::to_string(meta.value("teardown", int64_t{0}) / 1'000'000) +
                            " ms after the last result (not in the makespan)\n";
        if (meta.contains("counters") && meta["counters"].is_object())
            for (auto it = meta["counters"].begin(); it != meta["counters"].end(); ++it) tr.metrics.counters.emplace_back(it.key(), it.value().get<int64_t>());
    } else {
        removeDir();
        result.error = "the probe wrote no results (" + output.substr(0, 500) + ")";
        return result;
    }
    removeDir();
    MarkNeverStarted(tr);
    tr.Finish();
    trace::ComputeMetrics(tr);
    result.ok = true;
    if (scenario::Info(s.model.kind).processPool && !scenario::Info(s.model.kind).eventLoop && s.groups.size() && workload.groupSendBytes.size())
        result.notes += "CPython: pickling happens inside multiprocessing and is not recorded; it shows as the gap before each task\n";
    return result;
}

}  // namespace interleave::native
