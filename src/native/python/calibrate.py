# `interleave calibrate`: measures this machine's costs in CPython and prints them as JSON (ns, bytes/s).
import os
import time

# Which process ran this module's top level, and when it began and ended there: a spawned worker (and a forkserver
# worker on 3.11 and 3.12) runs it again, imports and all, and reports that run so that its start can be told from it;
# a forkserver worker whose server preloaded the module sees the server's pid (module_run_here).
MODULE_RAN = {"pid": os.getpid(), "start": time.perf_counter_ns(), "end": None}
import asyncio
import hashlib
import json
import multiprocessing
import pickle
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading

pc = time.perf_counter_ns


def median(xs):
    return int(statistics.median(xs))


# What machine.profile takes as a throughput, in bytes per second: 1 KB/s to 1 TiB/s (ParseProfile in
# src/scenario/scenario.cpp refuses the rest, and `interleave calibrate` checks its own profile with it).
# tests/reference/write_scenarios.py bounds its scenarios' throughputs with these too.
MIN_THROUGHPUT = 1000
MAX_THROUGHPUT = 1 << 40


def bounded_throughput(bytes_per_second):
    return min(max(bytes_per_second, MIN_THROUGHPUT), MAX_THROUGHPUT)


def throughput(nbytes, ns):
    """`nbytes` copied in `ns`, in bytes per second, within what the format takes: a copy whose fresh pages are taken
    out can come to 0 ns (warm_pickle_costs: every run of it was page faults), and 8 MiB over 1 ns is 8.4e15 bytes/s,
    a profile that `interleave calibrate` then refuses."""
    return bounded_throughput(nbytes * 1e9 / max(ns, 1))


SPREADS = {}  # cost -> (p90 - p10) / median of its samples, reported beside the profile


def relative_spread(xs):
    xs = sorted(xs)
    if len(xs) < 3:
        return 0.0
    p10, p90 = xs[len(xs) // 10], xs[min(len(xs) - 1, (len(xs) * 9) // 10)]
    mid = statistics.median(xs)
    return (p90 - p10) / mid if mid > 0 else 0.0


def steady(name, sample, least, most, target=0.15):
    """Samples `sample()` (one figure a call) after one warm-up call, at least `least` and at most `most` times,
    stopping once the samples' spread (p90 - p10, relative to the median) is within `target`. Returns the median
    and records the spread under `name`: a cost that moves by 60% from run to run is measured until it does not,
    or reported as moving."""
    sample()  # warm-up: first-time imports, page faults, the forkserver's own start
    xs = []
    while len(xs) < most:
        xs.append(sample())
        if len(xs) >= least and relative_spread(xs) <= target:
            break
    SPREADS[name] = round(relative_spread(xs), 3)
    return median(xs)


def noop():
    pass


def ping(conn, t_parent):
    conn.send((pc(), module_run_here()))
    conn.close()


def module_run_here():
    """How long this module's top level took in this process, ns, if this process ran it (a spawned worker; a
    forkserver worker whose server did not preload it); else 0 (a forked worker inherits it, a preloaded server ran
    it)."""
    ran = getattr(sys.modules.get("__mp_main__"), "MODULE_RAN", None)
    if ran is None or ran["pid"] != os.getpid() or ran["end"] is None:
        return 0
    return ran["end"] - ran["start"]


def echo(conn):
    while True:
        m = conn.recv()
        if m is None:
            return
        conn.send(m)


def thread_start(n=40):
    out = []
    for _ in range(n):
        box = []
        t0 = pc()
        t = threading.Thread(target=lambda: box.append(pc()))
        t.start()
        t.join()
        out.append(box[0] - t0)
    return median(out)


def thread_start_burst(n=50, rounds=3):
    # The way a program starts its threads: one after the other, each running a short target.
    out = []
    for _ in range(rounds):
        ts = [threading.Thread(target=noop) for _ in range(n)]
        t0 = pc()
        for t in ts:
            t.start()
        out.append((pc() - t0) // n)
        for t in ts:
            t.join()
    return median(out)


def thread_start_burst_parts(n=100):
    """One burst of n Thread.start() calls, one after the other, each thread running a target that only records
    itself: the way a program starts its threads. Returns, per start (ns, medians over the burst where per start):
    the starter's own CPU in start() (its thread CPU clock, read around each call); the new thread's CPU when its
    target begins (thread_time, which starts at the thread's creation); and the new thread's CPU after its target
    (the process's CPU over the burst and the joins, less the starter's, per thread, less the part before the
    target). The wall time of a start is thread_start_burst's."""
    starter_clock = time.pthread_getcpuclockid(threading.get_ident())
    at_target = [0] * n

    def recorder(i):
        def target():
            at_target[i] = time.thread_time_ns()
        return target

    threads = [threading.Thread(target=recorder(i)) for i in range(n)]
    starter = []
    process0, own0 = time.process_time_ns(), time.thread_time_ns()
    for t in threads:
        c0 = time.clock_gettime_ns(starter_clock)
        t.start()
        starter.append(time.clock_gettime_ns(starter_clock) - c0)
    for t in threads:
        t.join()
    new_threads = ((time.process_time_ns() - process0) - (time.thread_time_ns() - own0)) / n
    bootstrap = median(at_target)
    return median(starter), bootstrap, max(0, int(new_threads) - bootstrap)


def thread_start_parts(rounds=5):
    """Thread.start() in three parts (the starter's CPU, the new thread's before its target and after it), each the
    median over `rounds` bursts."""
    thread_start_burst_parts(20)  # warm-up
    bursts = [thread_start_burst_parts() for _ in range(rounds)]
    SPREADS["thread_start_cpu"] = round(relative_spread([b[0] for b in bursts]), 3)
    return tuple(median([b[k] for b in bursts]) for k in range(3))


def wakeup(n=40):
    out = []
    for _ in range(n):
        ev = threading.Event()
        box = []

        def waiter():
            ev.wait()
            box.append(pc())

        t = threading.Thread(target=waiter)
        t.start()
        time.sleep(0.002)
        t0 = pc()
        ev.set()
        t.join()
        out.append(box[0] - t0)
    return median(out)


BLOCK = bytes(16384)  # hashing it takes ~10 us with the GIL released (hashlib releases it from 2 KiB up)


def wake_after_idle(idle_ns, n=30):
    """A thread blocked in Event.wait() on a core that went idle `idle_ns` before: from set() until it runs, and how
    long set() took (it wakes the waiter: a futex wake to another core). The main thread keeps its own core busy all
    along with work that leaves the GIL free (hashing), as an I/O thread in a syscall or a CPU-bound one in C would:
    sleeping, it would let the OS run the waiter on the main thread's core and wake it on the other, long-idle one.
    Samples, in ns: (wake-ups, set() durations)."""
    ev, woke = threading.Event(), []
    sha = hashlib.sha256

    def waiter():
        for _ in range(n):
            ev.wait()
            woke.append(pc())
            ev.clear()

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.002)
    out, sets = [], []
    for i in range(n):
        while len(woke) < i:  # the waiter recorded its last wake and is about to block again
            sha(BLOCK)
        end = pc() + idle_ns
        while pc() < end:
            sha(BLOCK)
        t0 = pc()
        ev.set()
        sets.append(pc() - t0)
        while len(woke) <= i:
            sha(BLOCK)
        out.append(woke[i] - t0)
    t.join()
    return out, sets


def set_alone(n=200):
    # Event.set() with nobody waiting: the Python around the wake, which waker_cost leaves out.
    out = []
    for _ in range(n):
        ev = threading.Event()
        t0 = pc()
        ev.set()
        out.append(pc() - t0)
    return median(out)


# Idle times (us) at which a core's wake-up is tried: a core that idled briefly wakes at once (KVM's halt polling,
# cpuidle's shallow states); after long enough it has gone deep and the wake-up takes the long latency. 5 ms is a
# GIL waiter's switch interval: the idleness of the deep figures.
IDLE_STEPS_US = (20, 50, 100, 150, 200, 300, 500, 1000, 2000, 5000)


def shallow_wakeup():
    """wakeup_latency_shallow: the Event wake-up after 20-50 us of idleness (the lower of the two medians); and
    shallow_idle: the first idle time whose median wake-up is twice the shallow one or more (the core has left its
    quick state), None if none is: then every wake-up this machine gave was shallow (a busy machine's cores never
    idle). Quiet, this project's VM gave 15-22 us up to 150 us of idleness, 41-48 us from 200 us (KVM's halt polling
    ends), 58-63 us after 1-2 ms. Also waker_cost_shallow and waker_cost: what set() cost the waker beyond set() with
    nobody waiting, after 20-50 us of idleness (the lower median) and after 5 ms."""
    medians, set_medians = {}, {}
    for idle_us in IDLE_STEPS_US:
        wakes, sets = wake_after_idle(idle_us * 1000)
        medians[idle_us], set_medians[idle_us] = median(wakes), median(sets)
    shallow = min(medians[20], medians[50])
    deep_from = next((us for us in IDLE_STEPS_US if us > 50 and medians[us] >= 2 * shallow), None)
    alone = set_alone()
    waker = {"waker_cost_shallow": max(0, min(set_medians[20], set_medians[50]) - alone),
             "waker_cost": max(0, set_medians[IDLE_STEPS_US[-1]] - alone)}
    return (shallow, (deep_from * 1000 if deep_from is not None else None), {str(us): m for us, m in medians.items()},
            waker)


def figure_from_fresh_interpreter(*args):
    # A new interpreter (its own imports, its own hash seed) running `args`; the last whole number it printed.
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1])


def pool_import(rounds=5):
    # The first Pool() of a program imports multiprocessing.pool (context.Pool imports it lazily), in the parent's main
    # thread: timed in a fresh interpreter whose main module imported multiprocessing, as a program's has.
    code = ("import multiprocessing, os, sys, time\n"
            "t = time.perf_counter_ns()\nimport multiprocessing.pool\nprint(time.perf_counter_ns() - t)\n")

    return steady("pool_import", lambda: figure_from_fresh_interpreter("-c", code), rounds, 3 * rounds)


def identity(x):
    return x


def pool_costs(fork_parent_ns, thread_start_ns, rounds=9, large=8):
    """pool_setup, pool_teardown and pool_teardown_worker, as `with ctx.Pool(n) as pool: pool.map(...)` pays them
    with the fork method: the construction of a Pool(os.cpu_count()) less its n Process.start() calls in the parent
    (process_start_fork) and its three handler threads' Thread.start() calls (thread_start; the model charges those as
    worker starts and thread starts); leaving `with` a Pool(1) (terminate(): the handler threads stop, the worker is
    signalled and joined); and what each further worker adds, from leaving `with` a Pool(`large`): terminate() signals
    every worker before it joins any, so their exits overlap on the cores (plan::PoolTeardownTime)."""
    n = os.cpu_count() or 1
    ctx = multiprocessing.get_context("fork")
    ctx.Pool(1).terminate()  # warm-up: the import and the first pool's page faults
    builds, teardowns = [], {1: [], large: []}
    for _ in range(rounds):
        t0 = pc()
        pool = ctx.Pool(n)
        t1 = pc()
        pool.map(identity, range(n))
        pool.__exit__(None, None, None)
        builds.append(t1 - t0)
        pool.join()
        for size in teardowns:
            pool = ctx.Pool(size)
            pool.map(identity, range(size), chunksize=1)
            t2 = pc()
            pool.__exit__(None, None, None)
            teardowns[size].append(pc() - t2)
            pool.join()
    SPREADS["pool_setup"] = round(relative_spread(builds), 3)
    SPREADS["pool_teardown"] = round(relative_spread(teardowns[1]), 3)
    SPREADS["pool_teardown_worker"] = round(relative_spread(teardowns[large]), 3)
    first = median(teardowns[1])
    return (max(0, median(builds) - n * fork_parent_ns - 3 * thread_start_ns), first,
            max(0, (median(teardowns[large]) - first) // (large - 1)))


def fork_cost(n=20):
    out = []
    for _ in range(n):
        t0 = pc()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        out.append(pc() - t0)
        os.waitpid(pid, 0)
    return median(out)


def start_parts(method, n):
    """n starts of a Process: (Process.start() in the parent, start() until the child ran its first code, the
    parent's own CPU in start(): its thread CPU clock, without what it waits for in there, and the child's run of
    this module's top level where it ran it: module_run_here) each."""
    ctx = multiprocessing.get_context(method)
    out = []
    for _ in range(n):
        a, b = ctx.Pipe(duplex=False)
        t0 = pc()
        p = ctx.Process(target=ping, args=(b, t0))
        c0 = time.thread_time_ns()
        p.start()
        cpu = time.thread_time_ns() - c0
        parent = pc() - t0
        ready, module_run = a.recv()
        out.append((parent, ready - t0, cpu, module_run))
        p.join()
    return out


# Run in a fresh interpreter that has loaded what a fork server has (multiprocessing.forkserver), as a fork server
# would: forks a child that runs the main module at argv[1] again (multiprocessing.spawn._fixup_main_from_path, what a
# spawned worker does, and a forkserver worker whose server did not preload it) and prints the child's wall time in
# ns, argv[2] times. A fresh interpreter, not a fork of this one: here every import calibrate's module makes is loaded
# already, and a child of this process would not pay for them.
MAIN_RUN_PROBE = r"""
import multiprocessing.forkserver, multiprocessing.spawn, os, sys, time
path, n = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, os.path.dirname(path))
for _ in range(n):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        t0 = time.perf_counter_ns()
        try:
            multiprocessing.spawn._fixup_main_from_path(path)
            os.write(w, str(time.perf_counter_ns() - t0).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        text = f.read()
    os.waitpid(pid, 0)
    print(int(text) if text else -1, flush=True)
"""


def main_module_runs(path, n, python=None):
    """n runs of the main module at `path` again in a child, as a fork server's child runs it (MAIN_RUN_PROBE), ns;
    the first is a warm-up (the file system's cache), left out."""
    out = subprocess.run([python or sys.executable, "-c", MAIN_RUN_PROBE, path, str(n + 1)], capture_output=True,
                         text=True, timeout=300)
    runs = [int(x) for x in out.stdout.split()]
    if out.returncode != 0 or len(runs) != n + 1 or min(runs) < 0:
        raise RuntimeError("running %s again in a child failed: %s" % (path, out.stderr.strip()[-300:]))
    return runs[1:]


def source_compile_time(path, n=5):
    """Compiling the file at `path`, ns (median of n): runpy.run_path compiles a main module's source each time it runs
    it (a script has no cached bytecode), before its top level runs."""
    with open(path) as f:
        source = f.read()

    def once():
        t0 = pc()
        compile(source, path, "exec")
        return pc() - t0

    return median([once() for _ in range(n)])


def empty_module_runs(n, python=None):
    """main_module_runs of an empty module: runpy's own part of running a main module again (main_rerun). The module
    sits in a folder of its own: the child's imports look in the main module's folder first, and a crowded one (/tmp)
    would be timed with them."""
    folder = tempfile.mkdtemp(prefix="interleave-empty-main-")
    empty = os.path.join(folder, "empty_main.py")
    open(empty, "w").close()
    try:
        return main_module_runs(empty, n, python)
    finally:
        os.unlink(empty)
        os.rmdir(folder)


def start_to_ready(method, n):
    return [ready for _, ready, _, _ in start_parts(method, n)]


def steady_start_parts(name, method, least, most):
    """A worker's start in its parts, as the model charges them: Process.start() in the parent (steady, under
    `name`), start() until the child ran its first code ("ready"; the child's own part is ready less the parent's),
    and the parent's own CPU in start() (forkserver: its request to the server). Returns the medians (parent, ready,
    parent_cpu, module_run): ready less the child's run of this module's top level, which the child timed itself
    (module_run_here; a program's own imports are its main_imports), and that run."""
    readies, cpus, runs = [], [], []

    def sample():
        (parent, ready, cpu, module_run), = start_parts(method, 1)
        readies.append(ready - module_run)
        cpus.append(cpu)
        runs.append(module_run)
        return parent

    parent = steady(name, sample, least, most)
    ready, cpu, runs = readies[1:], cpus[1:], runs[1:]  # the first was steady()'s warm-up
    SPREADS[name + "_ready"] = round(relative_spread(ready), 3)
    SPREADS[name + "_cpu"] = round(relative_spread(cpu), 3)
    return parent, median(ready), median(cpu), median(runs)


def fresh_pages():
    """Pages this thread has written for the first time so far (minor page faults, Linux's ru_minflt per thread)."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt


def acknowledge_with_faults(conn):
    """A forked child for warm_pickle_costs: answers each message with the fresh pages its receipt touched."""
    while True:
        before = fresh_pages()
        message = conn.recv_bytes()
        if message == b"stop":
            return
        conn.send_bytes(str(fresh_pages() - before).encode())


def warm_pickle_costs(obj, conn, page_touch_ns, rounds):
    """pickle.dumps of `obj`, the transfer of its pickle to a child running acknowledge_with_faults (send_bytes until it
    answers, less a 1-byte round trip) and pickle.loads, each repeated `rounds` times after a warm-up, in ns, each
    less the fresh pages it touched at `page_touch_ns` (counted in the thread that touched them). The simulator
    charges those pages apart (page_touch, plan::FreshPagesReceived), and whether a call touches fresh pages depends
    on the heap's state (a 1 MiB receipt through a pipe has two modes here: 0.3 and 7 ms), so these are the copies
    alone. Returns {"dumps", "transfer", "loads": [ns per round], "pickled_bytes", "fresh_pages": {the medians}}."""
    def round_trip(blob):
        t0 = pc()
        conn.send_bytes(blob)
        faults = int(conn.recv_bytes() or b"0")
        return pc() - t0, faults
    for _ in range(20):
        round_trip(b"x")
    base = statistics.median(round_trip(b"x")[0] for _ in range(100))
    blob = pickle.dumps(obj)

    def timed(call, less=0):
        call()  # warm-up: the first call's imports and pages
        warm, faults = [], []
        for _ in range(rounds):
            before = fresh_pages()
            t0 = pc()
            extra = call()
            elapsed = pc() - t0
            touched = (fresh_pages() - before) + (extra or 0)
            warm.append(max(0, elapsed - less - touched * page_touch_ns))
            faults.append(touched)
        return warm, statistics.median(faults)
    dumps, dumps_faults = timed(lambda: pickle.dumps(obj) and None)
    # The child's fresh pages; the parent's are counted by timed().
    transfer, transfer_faults = timed(lambda: round_trip(blob)[1], less=base)
    loads, loads_faults = timed(lambda: pickle.loads(blob) and None)
    return {"dumps": dumps, "transfer": transfer, "loads": loads, "pickled_bytes": len(blob),
            "fresh_pages": {"dumps": dumps_faults, "transfer": transfer_faults, "loads": loads_faults}}


def pickling_median(page_touch_ns, size=8 << 20, rounds=9):
    """pickle_throughput and unpickle_throughput the way the reference suite's parts measure them
    (tests/reference/programs/parts.py uses warm_pickle_costs too): dumps plus the transfer to another process, and
    loads, on `size` bytes, less the fresh pages each touched. Before 2026-12-05 the transfer went to a thread of the
    same process, which then took turns with the sender for the GIL at every 64 KiB of pipe, and the pages were in."""
    a, b = multiprocessing.Pipe()
    child = multiprocessing.get_context("fork").Process(target=acknowledge_with_faults, args=(b,))
    child.start()
    costs = warm_pickle_costs(bytes(size), a, page_touch_ns, rounds)
    a.send_bytes(b"stop")
    child.join()
    dumps, transfer, loads = (statistics.median(costs[k]) for k in ("dumps", "transfer", "loads"))
    return throughput(size, dumps + transfer), throughput(size, loads)


def pickling_objects(size=4 << 20, rounds=3):
    # The object graph the exported programs send for a "payload": "objects" step (probe.records): small dicts.
    data = [{"id": 1000000 + i, "name": "item%07d" % i, "score": i * 0.5} for i in range(size // 38)]
    dumps, loads = [], []
    for _ in range(rounds):
        t0 = pc()
        blob = pickle.dumps(data, protocol=5)
        t1 = pc()
        pickle.loads(blob)
        t2 = pc()
        dumps.append(throughput(len(blob), t1 - t0))
        loads.append(throughput(len(blob), t2 - t1))
    return median(dumps), median(loads)


def page_touch_sample(pages=256):
    """ns per page written for the first time (a minor fault: the kernel finds and zeroes a page), the way a Pool's
    receipt and unpickling pay it on fresh heap: a fresh 1 MiB anonymous map (below a transparent huge page, so
    4 KiB pages as malloc's heap gets them) written a byte a page, less a second pass over the same pages, which
    costs the loop alone."""
    import mmap
    step = mmap.PAGESIZE
    m = mmap.mmap(-1, pages * step)
    t0 = pc()
    for offset in range(0, pages * step, step):
        m[offset] = 1
    t1 = pc()
    for offset in range(0, pages * step, step):
        m[offset] = 1
    t2 = pc()
    m.close()
    return max(0, ((t1 - t0) - (t2 - t1)) / pages)


def page_touch():
    return steady("page_touch", page_touch_sample, 9, 41)


def message_overhead(n=300):
    a, b = multiprocessing.Pipe()
    p = multiprocessing.get_context("fork").Process(target=echo, args=(b,))
    p.start()
    a.send(0)
    a.recv()
    t0 = pc()
    for i in range(n):
        a.send(i)
        a.recv()
    t = (pc() - t0) / (2 * n)
    a.send(None)
    p.join()
    return int(t)


def loop_step(n=100, k=100, rounds=5):
    # One resumption as the programs pay it: a task awaits asyncio.sleep(100 us) (the exported programs' awaited I/O,
    # and a call that takes time like any awaited one), the loop's select() and timer heap return it, Task.__step
    # resumes it; 100 tasks at once. The median of `rounds` runs: a program pays the typical trip, not the luckiest.
    # On CPython 3.11.7 here: 12 us; asyncio.sleep(1e-6) 8 us (every timer is due at each pass, fewer select() calls);
    # asyncio.sleep(0), used before 2026-12-03, 1.9 us (no timer, no select).
    async def one():
        for _ in range(k):
            await asyncio.sleep(100e-6)

    async def main():
        await asyncio.gather(*(one() for _ in range(n)))

    def once():
        t0 = pc()
        asyncio.run(main())
        return (pc() - t0) / (n * k)

    return median([once() for _ in range(rounds)])


def loop_step_across_interpreters(interpreters=7):
    # The figure moves with the interpreter's hash seed, and every program runs with a seed of its own: the median over
    # fresh interpreters, its spread recorded.
    xs = [figure_from_fresh_interpreter(os.path.abspath(__file__), "loop_step") for _ in range(interpreters)]
    SPREADS["loop_step_overhead"] = round(relative_spread(xs), 3)
    return median(xs)


def eager_step(loop_step_ns, n=20000):
    # asyncio.eager_task_factory (3.12+): a task's first step runs inside create_task(), not from the loop. The model
    # charges a lazily started task loop_step_overhead for its first step and nothing for creating it, so an eager start
    # is charged what it really costs less what the model leaves out of a lazy start: loop_step + eager - lazy, from
    # gather() of coroutines that end without awaiting, started each way (never below 0). None where the release lacks
    # the factory (the scenario's eager_tasks is refused there).
    factory = getattr(asyncio, "eager_task_factory", None)
    if factory is None:
        return None

    async def one():
        return None

    def per_task(eager):
        async def main():
            if eager:
                asyncio.get_running_loop().set_task_factory(factory)
            t0 = pc()
            await asyncio.gather(*(one() for _ in range(n)))
            return pc() - t0

        return min(asyncio.run(main()) for _ in range(5)) / n

    return max(0, int(loop_step_ns + per_task(True) - per_task(False)))


def executor_costs(n=2000, rounds=7):
    """ThreadPoolExecutor.submit() while its one thread is busy (so no thread starts and none takes the work), and
    as_completed() handing out a finished future with its result(): per call, median of `rounds`."""
    from concurrent.futures import ThreadPoolExecutor, as_completed
    submits, yields = [], []
    for _ in range(rounds):
        release = threading.Event()
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(release.wait)
            t0 = pc()
            futures = [pool.submit(noop) for _ in range(n)]
            submits.append((pc() - t0) / n)
            release.set()
            for f in futures:
                f.result()
            t0 = pc()
            for f in as_completed(futures):
                f.result()
            yields.append((pc() - t0) / n)
    return int(median(submits)), int(median(yields))


def _mp_queue_producer(q, n, out):
    cpu = time.thread_time()
    process = time.process_time()
    for i in range(n):
        q.put(i)
    put = time.thread_time() - cpu
    q.close()
    q.join_thread()  # the feeder has written every item
    out.put((put / n, (time.process_time() - process - put) / n))


def _mp_queue_consumer(q, n, out):
    q.get()
    cpu = time.thread_time()
    for _ in range(n - 1):
        q.get()
    out.put((time.thread_time() - cpu) / (n - 1))


def mp_queue_costs(n=5000, rounds=3):
    """multiprocessing.Queue between two forked processes, per item, in CPU time: put() in the producer's main
    thread; the producer's other CPU (its feeder thread pickling and writing each item); get() in the consumer.
    Median of `rounds`."""
    ctx = multiprocessing.get_context("fork")
    puts, feeds, gets = [], [], []
    for _ in range(rounds):
        q, out = ctx.Queue(), ctx.SimpleQueue()
        procs = [ctx.Process(target=_mp_queue_consumer, args=(q, n, out)),
                 ctx.Process(target=_mp_queue_producer, args=(q, n, out))]
        for p in procs:
            p.start()
        results = [out.get(), out.get()]
        for p in procs:
            p.join()
        for result in results:
            if isinstance(result, tuple):
                puts.append(result[0] * 1e9)
                feeds.append(result[1] * 1e9)
            else:
                gets.append(result * 1e9)
    return median(puts), median(feeds), median(gets)


def _mp_pipe_sender(writer, n, out):
    cpu = time.thread_time()
    for _ in range(n):
        writer.send(None)
    out.put(("send", (time.thread_time() - cpu) / n))


def _mp_pipe_receiver(reader, n, out):
    reader.recv()
    cpu = time.thread_time()
    for _ in range(n - 1):
        reader.recv()
    out.put(("recv", (time.thread_time() - cpu) / (n - 1)))


def mp_pipe_costs(n=5000, rounds=3):
    """multiprocessing.Pipe(duplex=False) between two forked processes, per object, in thread CPU time: send()
    (pickling and writing in the caller) and recv() (reading and unpickling). n stays below the pipe's capacity
    (8,192 objects of None), so no send waits for room. Median of `rounds`."""
    ctx = multiprocessing.get_context("fork")
    sends, recvs = [], []
    for _ in range(rounds):
        reader, writer = ctx.Pipe(duplex=False)
        out = ctx.SimpleQueue()
        procs = [ctx.Process(target=_mp_pipe_receiver, args=(reader, n, out)),
                 ctx.Process(target=_mp_pipe_sender, args=(writer, n, out))]
        for p in procs:
            p.start()
        results = dict([out.get(), out.get()])
        for p in procs:
            p.join()
        sends.append(results["send"] * 1e9)
        recvs.append(results["recv"] * 1e9)
    return median(sends), median(recvs)


def counter_increment(n=1_000_000):
    g = {"c": 0}
    code = compile("for _ in range(%d):\n    c += 1\n" % n, "<c>", "exec")
    t0 = pc()
    exec(code, g)
    t1 = pc()
    code2 = compile("for _ in range(%d):\n    pass\n" % n, "<p>", "exec")
    exec(code2, g)
    t2 = pc()
    return max(1, int(((t1 - t0) - (t2 - t1)) / n))


def gil_slices(seconds=0.6):
    # Two CPU-bound threads; each notes when it was off the GIL for > 100 us: the slices in between.
    slices = []
    gaps = []
    stop = pc() + int(seconds * 1e9)

    def spin():
        last = pc()
        start = last
        while True:
            for _ in range(30):
                pass
            t = pc()
            if t - last > 100_000:
                slices.append(last - start)
                gaps.append(t - last)
                start = t
            last = t
            if t > stop:
                return

    ts = [threading.Thread(target=spin) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    slices = [s for s in slices if s > 0]
    return (median(slices) if slices else 0), (median(gaps) if gaps else 0), len(slices)


def burn(seconds, conn):
    c = time.thread_time_ns()
    while time.thread_time_ns() - c < seconds * 1e9:
        for _ in range(1000):
            pass
    conn.send(1)


def os_scheduler(release=None):
    """The fair scheduler of the running kernel, as the profile's `scheduler` names it: Linux 6.6 replaced CFS with
    EEVDF. None off Linux or for a release string that does not start with a version."""
    if release is None:
        if not sys.platform.startswith("linux"):
            return None
        release = os.uname().release
    version = re.match(r"(\d+)\.(\d+)", release)
    if version is None:
        return None
    return "eevdf" if (int(version[1]), int(version[2])) >= (6, 6) else "cfs"


def effective_cores(seconds=0.3):
    # os.cpu_count() processes each burning `seconds` of CPU at once: how many cores we really get
    # (a shared or loaded machine gives fewer than it has).
    n = os.cpu_count() or 1
    ctx = multiprocessing.get_context("fork")
    pipes = [ctx.Pipe(duplex=False) for _ in range(n)]
    procs = [ctx.Process(target=burn, args=(seconds, b)) for a, b in pipes]
    t0 = pc()
    for p in procs:
        p.start()
    for a, b in pipes:
        a.recv()
    wall = pc() - t0
    for p in procs:
        p.join()
    return n * seconds * 1e9 / wall


MODULE_RAN["end"] = pc()  # the top level's end: what a worker that runs this module again pays beyond main_rerun

if __name__ == "__main__" and sys.argv[1:] == ["loop_step"]:
    print(loop_step())
elif __name__ == "__main__":
    r = {}
    r["python"] = sys.version.split()[0]
    r["switch_interval"] = int(sys.getswitchinterval() * 1e9)
    r["thread_start_single"] = thread_start()
    r["thread_start"] = thread_start_burst()
    # Thread.start() in parts, reported beside the profile (not yet the model's: docs/real-runs.md, lock_counter).
    r["thread_start_cpu"], r["thread_bootstrap"], r["thread_exit"] = thread_start_parts()
    r["wakeup_latency"] = wakeup()
    r["wakeup_latency_shallow"], shallow_idle, r["wakeup_ns_by_idle_us"], waker = shallow_wakeup()
    r.update(waker)
    if shallow_idle is not None:
        r["shallow_idle"] = shallow_idle
    # A fork worker is ready when it runs its first code: Process.start() in the parent (os.fork() and
    # multiprocessing's bookkeeping), then the child's own start (its first copy-on-write faults, the bootstrap) on
    # its own core. The model charges the first to the parent and the second to the worker, in parallel with the
    # parent's next start.
    r["os_fork"] = fork_cost()
    r["process_start_fork_single"] = median(start_to_ready("fork", 7))
    r["process_start_fork"], fork_ready, _, _ = steady_start_parts("process_start_fork", "fork", 5, 15)
    r["fork_child_start"] = max(0, fork_ready - r["process_start_fork"])
    r["pool_import"] = pool_import()
    r["pool_setup"], r["pool_teardown"], r["pool_teardown_worker"] = pool_costs(r["process_start_fork"],
                                                                                r["thread_start"])
    r["load_before"] = os.getloadavg()[0]
    # A spawned worker: the model charges the parent process_start_fork (the launcher's fork+exec) and the worker
    # process_start_spawn, then its run of the main module again: runpy's own part (main_rerun, an empty module's) and
    # the module's top level, which for calibrate is calibrate's imports, not a program's (the worker timed it and it
    # is out of spawn_ready).
    rerun = empty_module_runs(9)
    SPREADS["main_rerun"] = round(relative_spread(rerun), 3)
    r["main_rerun"] = median(rerun)
    # Between the two, runpy compiles the module's source, which the worker's timing of its top level does not see.
    own_compile = source_compile_time(os.path.abspath(__file__))
    _, spawn_ready, _, module_run = steady_start_parts("spawn_parent_start", "spawn", 5, 15)
    r["main_module_run_calibrate"] = own_compile + module_run
    r["process_start_spawn"] = max(0, spawn_ready - r["process_start_fork"] - r["main_rerun"] - own_compile)
    # The forkserver's first start includes the server's own; every later one is the parent's request (its own CPU
    # in start(): forkserver_request), the server's fork (process_start_fork, charged to the server) and the worker's
    # own start (process_start_forkserver). The main module's run is each worker's where the server did not preload it
    # (3.11, 3.12: the worker timed its top level), else the server's, once: out of both figures either way.
    (_, first_ready, _, first_run), = start_parts("forkserver", 1)
    _, forkserver_ready, r["forkserver_request"], worker_run = steady_start_parts("forkserver_parent_start",
                                                                                  "forkserver", 5, 15)
    r["forkserver_worker_runs_main"] = worker_run > 0
    main_run = r["main_rerun"] + own_compile + (first_run if worker_run > 0 else module_run)
    r["forkserver_start"] = max(0, first_ready - main_run)
    r["process_start_forkserver"] = max(0, forkserver_ready - r["process_start_fork"] - r["forkserver_request"]
                                        - (r["main_rerun"] + own_compile if worker_run > 0 else 0))
    r["page_touch"] = page_touch()
    r["pickle_throughput"], r["unpickle_throughput"] = (int(x) for x in pickling_median(r["page_touch"]))
    r["pickle_objects_throughput"], r["unpickle_objects_throughput"] = (int(x) for x in pickling_objects())
    r["message_overhead"] = message_overhead()
    r["loop_step_overhead"] = loop_step_across_interpreters()
    eager = eager_step(r["loop_step_overhead"])
    if eager is not None:
        r["eager_step_overhead"] = eager
    r["counter_increment"] = counter_increment()
    r["executor_submit"], r["as_completed_yield"] = executor_costs()
    r["mp_queue_put"], r["mp_queue_feed"], r["mp_queue_get"] = mp_queue_costs()
    r["mp_pipe_send"], r["mp_pipe_recv"] = mp_pipe_costs()
    r["gil_slice_median"], r["gil_handoff_gap_median"], r["gil_slices"] = gil_slices()
    r["effective_cores"] = effective_cores()
    scheduler = os_scheduler()
    if scheduler is not None:
        r["scheduler"] = scheduler
    r["load_after"] = os.getloadavg()[0]
    r["spreads"] = SPREADS
    print(json.dumps(r))
