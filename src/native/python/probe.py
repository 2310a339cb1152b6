# ---- interleave probe: records who runs when, for `interleave run --python` (docs/real-runs.md) ----
# Without INTERLEAVE_PROBE_DIR in the environment it records nothing to disk and prints the makespan.
import hashlib
import json
import os
import sys
import threading
import time

_pc = time.perf_counter_ns  # CLOCK_MONOTONIC on Linux: the same clock in every process
_tt = time.thread_time_ns   # this thread's CPU time: it does not advance while waiting for the GIL
_DIR = os.environ.get("INTERLEAVE_PROBE_DIR")
if "INTERLEAVE_PROBE_T0" not in os.environ:
    os.environ["INTERLEAVE_PROBE_T0"] = str(_pc())  # spawned workers inherit the run's start
T0 = int(os.environ["INTERLEAVE_PROBE_T0"])
GAP = 100_000  # ns of wall time not spent on this thread's CPU beyond which a wait is recorded
_spans = []
_tasks = []
_pid = os.getpid()
_proc = "MainProcess"
_wait_state = "waiting_gil"  # "waiting_core" in a single-threaded worker process: the gap is the OS's


def _calibrate_loop():
    # Iterations of the pure-Python loop body per ~2 us of CPU, so the CPU clock is read now and then.
    n = 2000
    best = None
    for _ in range(5):
        c = _tt()
        for _ in range(n):
            pass
        d = _tt() - c
        best = d if best is None or d < best else best
    return range(max(1, int(n * 2000 / max(best, 1))))


_RANGE = _calibrate_loop()


def _sleep_overshoot():
    best = None
    for _ in range(5):
        t = _pc()
        time.sleep(0.0002)
        d = _pc() - t - 200_000
        best = d if best is None or d < best else best
    return max(0, best)


_OVERSHOOT = _sleep_overshoot()


def _pbkdf2_per_ns(n=2000):
    """Iterations of hashlib.pbkdf2_hmac per ns of CPU time (the fastest of three tries)."""
    best = None
    for _ in range(3):
        c = _tt()
        hashlib.pbkdf2_hmac("sha256", b"interleave", b"probe", n)
        d = _tt() - c
        best = d if best is None or d < best else best
    return n / max(best, 1)


_PBKDF2_PER_NS = _pbkdf2_per_ns()


def start():
    """The run starts now (after the probe calibrated itself); spawned workers inherit it."""
    global T0
    T0 = _pc()
    os.environ["INTERLEAVE_PROBE_T0"] = str(T0)


def now():
    return _pc() - T0


def span(state, start, end, task=-1, lane=None):
    # A coroutine's lane ("task:7") is named with the thread its loop runs on: a task's children may run on a loop
    # of their own in any thread (asyncio.run in a thread or a pool's worker).
    thread = threading.current_thread().name
    _spans.append([_proc, lane + "@" + thread if lane else thread, state, start, end, task])


def spin(ns):
    """Pure Python for `ns` of this thread's CPU time, recorded nowhere: the module's own top-level work, which runs
    before start() in the parent and again in every process that runs the module again."""
    end = _tt() + ns
    while _tt() < end:
        for _ in _RANGE:
            pass


def cpu(ns, task=-1, lane=None):
    """Pure Python (holds the GIL): a busy loop until this thread used `ns` of CPU time. Wall time the
    thread did not spend on its CPU (the GIL went to another thread, or the core to another process)
    is recorded as a wait where it exceeds GAP."""
    lc = _tt()
    lw = _pc()
    run_start = lw
    used = 0
    while used < ns:
        for _ in _RANGE:
            pass
        c = _tt()
        w = _pc()
        used += c - lc
        off = (w - lw) - (c - lc)
        if off > GAP:
            ws = w - off
            span("running_python", run_start - T0, ws - T0, task)
            span(_wait_state, ws - T0, w - T0, task)
            if lane:
                span("running_python", run_start - T0, ws - T0, task, lane)
            run_start = w
        lc, lw = c, w
    end = _pc() - T0
    span("running_python", run_start - T0, end, task)
    if lane:
        span("running_python", run_start - T0, end, task, lane)


def c_call(ns, task=-1):
    """C code that releases the GIL: one hashlib.pbkdf2_hmac call sized to `ns` of CPU time, which runs without the
    GIL from start to end as one hashlib or zlib call on a large buffer does (a loop of short calls would take the
    GIL back between them, a different program), topped up by a short call while it came out more than 20 us under.
    The wall time past its CPU time, beyond GAP, is the wait to take the GIL back."""
    t0 = _pc()
    c0 = _tt()
    used = 0
    while True:
        hashlib.pbkdf2_hmac("sha256", b"interleave", b"probe", max(1, int((ns - used) * _PBKDF2_PER_NS)))
        used = _tt() - c0
        if ns - used <= 20_000:
            break
    t1 = _pc()
    expected = t0 + used
    if t1 - expected > GAP:
        span("running_c", t0 - T0, expected - T0, task)
        span("waiting_gil", expected - T0, t1 - T0, task)
    else:
        span("running_c", t0 - T0, t1 - T0, task)


def io(ns, task=-1, lane=None, reply_at=None):
    """Blocking I/O (time.sleep releases the GIL). The time past the expected wake-up is the wait to
    take the GIL back. With reply_at (a perf_counter_ns time: the start of the task's previous io
    call plus the scenario's reply_after) it returns no earlier than then, as a recv waits for its
    reply. Returns when the call began, what the task's next reply counts from."""
    t0 = _pc()
    if reply_at is not None:
        ns = max(ns, reply_at - t0)
    time.sleep(ns / 1e9)
    t1 = _pc()
    expected = t0 + ns + _OVERSHOOT
    if t1 - expected > GAP:
        span("blocked_io", t0 - T0, expected - T0, task)
        span("waiting_gil", expected - T0, t1 - T0, task)
    else:
        span("blocked_io", t0 - T0, t1 - T0, task)
    if lane:
        span("blocked_io", t0 - T0, t1 - T0, task, lane)
    return t0


def acquire(lock, task=-1):
    if lock.acquire(blocking=False):
        return
    t0 = now()
    lock.acquire()
    span("waiting_lock", t0, now(), task)


async def aio(ns, task=-1):
    """An awaited I/O call: asyncio.sleep; the task is suspended, the loop runs others."""
    import asyncio
    t0 = now()
    await asyncio.sleep(ns / 1e9)
    span("awaiting", t0, now(), task, "task:%d" % task)


async def to_thread(fn, *args):
    import asyncio
    t0 = now()
    await asyncio.to_thread(fn, *args)
    span("awaiting", t0, now(), args[-1], "task:%d" % args[-1])


async def aacquire(lock, task=-1):
    t0 = now()
    await lock.acquire()
    if now() - t0 > GAP:
        span("waiting_lock", t0, now(), task, "task:%d" % task)


def _depth(name, q):
    """The queue's depth after a put or a get: a sample on its counter lane (qsize() is approximate while other
    threads use the queue, as the docs say; it is what the program could see)."""
    if name is not None:
        t = now()
        _spans.append([_proc, name, "QueueDepth", t, t, q.qsize()])


def put(q, task=-1, name=None):
    """queue.Queue.put: waits only while the queue is full (the wait is recorded)."""
    import queue
    try:
        q.put_nowait(None)
        _depth(name, q)
        return
    except queue.Full:
        pass
    t0 = now()
    q.put(None)
    span("waiting_queue", t0, now(), task)
    _depth(name, q)


def get(q, task=-1, name=None):
    """queue.Queue.get: waits only while the queue is empty."""
    import queue
    try:
        q.get_nowait()
        _depth(name, q)
        return
    except queue.Empty:
        pass
    t0 = now()
    q.get()
    span("waiting_queue", t0, now(), task)
    _depth(name, q)


def pipe_send(pipe, task=-1):
    """multiprocessing.Pipe: Connection.send on the writing end of (reader, writer). It pickles and writes in the
    caller; the write blocks only while the OS pipe is full (recorded when the call took longer than GAP)."""
    t0 = now()
    pipe[1].send(None)
    if now() - t0 > GAP:
        span("waiting_queue", t0, now(), task)


def pipe_recv(pipe, task=-1):
    """multiprocessing.Pipe: Connection.recv on the reading end, waiting (recorded) while the pipe holds nothing."""
    if not pipe[0].poll():
        t0 = now()
        pipe[0].poll(None)
        span("waiting_queue", t0, now(), task)
    pipe[0].recv()


def wait_event(event, task=-1):
    if event.is_set():
        return
    t0 = now()
    event.wait()
    span("waiting_queue", t0, now(), task)


async def aput(q, task=-1, name=None):
    if not q.full():
        q.put_nowait(None)
        _depth(name, q)
        return
    t0 = now()
    await q.put(None)
    span("awaiting", t0, now(), task, "task:%d" % task)
    _depth(name, q)


async def aget(q, task=-1, name=None):
    if not q.empty():
        q.get_nowait()
        _depth(name, q)
        return
    t0 = now()
    await q.get()
    span("awaiting", t0, now(), task, "task:%d" % task)
    _depth(name, q)


async def await_event(event, task=-1):
    if event.is_set():
        return
    t0 = now()
    await event.wait()
    span("awaiting", t0, now(), task, "task:%d" % task)


def records(nbytes):
    """An object graph that pickles to about `nbytes` (protocol 5): a list of small dicts, 38 bytes each."""
    return [{"id": 1000000 + i, "name": "item%07d" % i, "score": i * 0.5} for i in range(max(1, nbytes // 38))]


def _lane(i):
    # Where a task ran: a coroutine on its task's lane, anything else on its thread's.
    aio = sys.modules.get("asyncio")
    if aio is not None:
        try:
            if aio.current_task() is not None:
                return "task:%d@%s" % (i, threading.current_thread().name)
        except RuntimeError:  # no running event loop in this thread
            pass
    return threading.current_thread().name


class task:
    """with probe.task(i, "fetch[0]"): records the task's start, end, failure or cancellation.
    `swallow`: record a failure and go on (threads, pools); False: re-raise (asyncio TaskGroup)."""

    def __init__(self, i, name, swallow=True):
        self.i, self.name, self.swallow = i, name, swallow

    def __enter__(self):
        self.start = now()
        return self

    def __exit__(self, kind, value, tb):
        failed = kind is not None
        cancelled = kind is not None and kind.__name__ == "CancelledError"
        _tasks.append([self.i, self.name, 0, self.start, now(), failed and not cancelled, cancelled, _proc,
                       _lane(self.i)])
        if _proc != "MainProcess":
            flush()
        return self.swallow and failed and not cancelled


def worker_init():
    """Pool(initializer=probe.worker_init): a worker process is ready."""
    global _proc, _pid, _wait_state
    import multiprocessing
    _proc = multiprocessing.current_process().name
    _pid = os.getpid()
    _spans.clear()  # a forked worker inherits its parent's lists
    _tasks.clear()
    _wait_state = "waiting_core"
    span("ProcessReady", now(), now())
    flush()


def pool_starting():
    span("PoolStart", now(), now())


def flush():
    if not _DIR:
        return
    with open(os.path.join(_DIR, "spans-%d.jsonl" % _pid), "a") as f:
        for s in _spans:
            f.write(json.dumps(["s"] + s) + "\n")
        for t in _tasks:
            f.write(json.dumps(["t"] + t) + "\n")
    _spans.clear()
    _tasks.clear()


_done = None


def done():
    """The work is done (pool.map returned): the makespan ends here; the Pool's teardown comes after."""
    global _done
    _done = now()


def finish(counters=None):
    end = _done if _done is not None else now()
    import sys
    if _DIR:
        with open(os.path.join(_DIR, "spans-%d.jsonl" % _pid), "a") as f:
            f.write(json.dumps(["meta", {"makespan": end, "teardown": now() - end, "python": sys.version.split()[0],
                                         "switch_interval": sys.getswitchinterval(),
                                         "counters": counters or {}}]) + "\n")
        flush()
    else:
        print("makespan: %.3f s" % (end / 1e9))
# ---- end of the probe ----
