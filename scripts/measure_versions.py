#!/usr/bin/env python3
"""Measures, on the interpreter that runs it, the figures the per-version models need (docs/python-builds.md).

    python3.X scripts/measure_versions.py [--json] [--quick] [--only NAME,...]

Runs on any CPython from 3.11 on; what a version lacks is reported as absent, not as an error:
  loop_*          single-thread speed of pure-Python CPU loops (ns per iteration)
  threads_*       2 CPU-bound threads against 1 (wall time ratio; 2.0 = no scaling, 1.0 = perfect on 2 cores)
  interp_*        InterpreterPoolExecutor (3.14+): first submit of a new pool, round trip of a trivial call,
                  cost per byte of what crosses (bytes, a list of ints), 2 CPU-bound workers against 1
  lowlevel_*      the private _interpreters module (3.13+): an interpreter's creation, 2 spinning against 1
  mp_*            the default start method, os.process_cpu_count(), a ProcessPoolExecutor's first result with
                  fork and forkserver (pool creation, worker start, one task)
  counter_*       the blog's counter: threads doing an unlocked `counter += 1`; updates lost per repetition

Each timed figure repeats until its spread (interquartile range over median) is under 5 % or it has run
MAX_REPS times; it reports the median, the spread, the minimum, the maximum and how many runs it took. The
machine may be shared: the load average before and after is part of the output.
"""
import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import sysconfig
import threading
import time

QUICK = False
MIN_REPS, MAX_REPS, TARGET_SPREAD = 5, 21, 0.05


def spread_of(values):
    if len(values) < 4:
        return (max(values) - min(values)) / statistics.median(values) if statistics.median(values) else 0.0
    q = statistics.quantiles(values, n=4)
    med = statistics.median(values)
    return (q[2] - q[0]) / med if med else 0.0


def repeat(fn, unit, scale=1.0):
    """Calls fn() (which returns one figure) until the spread is small; returns a summary dict."""
    values = []
    reps_min, reps_max = (3, 5) if QUICK else (MIN_REPS, MAX_REPS)
    while len(values) < reps_max:
        values.append(fn() * scale)
        if len(values) >= reps_min and spread_of(values) <= TARGET_SPREAD:
            break
    return {
        "median": statistics.median(values),
        "spread": round(spread_of(values), 4),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
        "unit": unit,
    }


# ---- single-thread loops ----------------------------------------------------------------------------
def loop_while(n):
    i = 0
    while i < n:
        i += 1
    return i


def loop_genexpr(n):
    return sum(i * i for i in range(n))


def per_iter(fn, n):
    def once():
        t0 = time.perf_counter_ns()
        fn(n)
        return (time.perf_counter_ns() - t0) / n

    return once


def measure_loops(out):
    n = 200_000 if QUICK else 3_000_000
    out["loop_while_ns_per_iter"] = repeat(per_iter(loop_while, n), "ns/iteration")
    out["loop_genexpr_ns_per_iter"] = repeat(per_iter(loop_genexpr, n), "ns/iteration")


# ---- threads -----------------------------------------------------------------------------------------
# The process's CPU time over the wall time of each run: how many cores the run kept busy on average (1.0 at
# most under a GIL). On a loaded machine the wall ratio can show no scaling where this still shows parallelism.
PARALLELISM = {}


def wall_of_threads(count, n, key=None):
    def once():
        threads = [threading.Thread(target=loop_while, args=(n,)) for _ in range(count)]
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter_ns() - t0
        PARALLELISM.setdefault(key, []).append((time.process_time_ns() - c0) / wall)
        return wall / 1e6

    return once


def parallelism(key):
    values = PARALLELISM.pop(key, [])
    return round(statistics.median(values), 3) if values else None


def measure_threads(out):
    n = 300_000 if QUICK else 4_000_000
    one = repeat(wall_of_threads(1, n, "t1"), "ms")
    two = repeat(wall_of_threads(2, n, "t2"), "ms")
    out["threads_1_cpu_bound_ms"] = one
    out["threads_2_cpu_bound_ms"] = two
    out["threads_1_cpu_over_wall"] = parallelism("t1")
    out["threads_2_cpu_over_wall"] = parallelism("t2")
    out["threads_2_over_1_wall_ratio"] = round(two["median"] / one["median"], 3)


# ---- the blog's counter --------------------------------------------------------------------------------
counter = 0


def bump(n):
    global counter
    for _ in range(n):
        counter += 1


def measure_counter(out):
    global counter
    threads_n, per_thread = 4, (100_000 if QUICK else 1_000_000)
    reps = 3 if QUICK else 10
    lost = []
    for _ in range(reps):
        counter = 0
        ts = [threading.Thread(target=bump, args=(per_thread,)) for _ in range(threads_n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        lost.append(threads_n * per_thread - counter)
    out["counter_threads"] = threads_n
    out["counter_increments_per_thread"] = per_thread
    out["counter_lost_updates"] = lost
    out["counter_runs_losing_updates"] = sum(1 for x in lost if x > 0)


# ---- InterpreterPoolExecutor -----------------------------------------------------------------------------
# Inside a function, as loop_while: a loop at module level reads and writes a dict (LOAD_NAME), twice as slow.
SPIN = "def spin(n):\n    i = 0\n    while i < n:\n        i += 1\nspin(n)\n"


def measure_interpreters(out):
    try:
        from concurrent.futures import InterpreterPoolExecutor
    except ImportError:
        out["interp_available"] = False
        return
    out["interp_available"] = True

    def first_submit():
        t0 = time.perf_counter_ns()
        ex = InterpreterPoolExecutor(1)
        ex.submit(int).result()
        t1 = time.perf_counter_ns()
        ex.shutdown()
        return (t1 - t0) / 1e6

    out["interp_first_submit_ms"] = repeat(first_submit, "ms (pool creation, interpreter start, one call)")

    with InterpreterPoolExecutor(1) as ex:
        ex.submit(int).result()
        calls = 200 if QUICK else 2000

        def round_trip():
            t0 = time.perf_counter_ns()
            for _ in range(calls):
                ex.submit(int).result()
            return (time.perf_counter_ns() - t0) / calls / 1e3

        out["interp_round_trip_us"] = repeat(round_trip, "us per trivial submit(int).result()")
        base = out["interp_round_trip_us"]["median"] * 1e3  # ns

        size = 1 << 20 if QUICK else 8 << 20
        payload = b"x" * size

        def bytes_cost():
            t0 = time.perf_counter_ns()
            ex.submit(len, payload).result()
            return max(0.0, (time.perf_counter_ns() - t0 - base)) / size

        out["interp_bytes_payload"] = size
        out["interp_bytes_ns_per_byte"] = repeat(bytes_cost, "ns/byte (bytes argument)")
        items = 20_000 if QUICK else 200_000
        ints = list(range(1_000_000, 1_000_000 + items))
        pickled = len(pickle.dumps(ints, protocol=pickle.HIGHEST_PROTOCOL))

        def list_cost():
            t0 = time.perf_counter_ns()
            ex.submit(len, ints).result()
            return max(0.0, (time.perf_counter_ns() - t0 - base))

        lc = repeat(list_cost, "ns")
        out["interp_list_items"] = items
        out["interp_list_pickled_bytes"] = pickled
        out["interp_list_ns_per_item"] = {k: (v / items if k in ("median", "min", "max") else v) for k, v in lc.items()}
        out["interp_list_ns_per_item"]["unit"] = "ns/item (list of ints argument)"
        out["interp_list_ns_per_pickled_byte"] = round(lc["median"] / pickled, 3)

    n = 300_000 if QUICK else 4_000_000
    code = SPIN

    def workers(count):
        with InterpreterPoolExecutor(count) as ex2:
            # Start every interpreter first: only the spins are timed.
            list(ex2.map(int, range(count * 4)))

            def once():
                c0, t0 = time.process_time_ns(), time.perf_counter_ns()
                futs = [ex2.submit(exec, code, {"n": n}) for _ in range(count)]
                for f in futs:
                    f.result()
                wall = time.perf_counter_ns() - t0
                PARALLELISM.setdefault(f"i{count}", []).append((time.process_time_ns() - c0) / wall)
                return wall / 1e6

            return repeat(once, "ms")

    one, two = workers(1), workers(2)
    out["interp_1_worker_cpu_bound_ms"] = one
    out["interp_2_workers_cpu_bound_ms"] = two
    out["interp_2_over_1_wall_ratio"] = round(two["median"] / one["median"], 3)
    out["interp_2_workers_cpu_over_wall"] = parallelism("i2")
    parallelism("i1")


def measure_lowlevel_interpreters(out):
    """The private _interpreters module (3.13+; InterpreterPoolExecutor is built on it in 3.14): the cost of
    an interpreter alone, and 2 interpreters spinning from 2 threads, each under its own GIL."""
    try:
        import _interpreters
    except ImportError:
        out["lowlevel_interp_available"] = False
        return
    out["lowlevel_interp_available"] = True

    def create():
        t0 = time.perf_counter_ns()
        iid = _interpreters.create()
        _interpreters.exec(iid, "pass")
        t1 = time.perf_counter_ns()
        _interpreters.destroy(iid)
        return (t1 - t0) / 1e6

    out["lowlevel_interp_create_ms"] = repeat(create, "ms (_interpreters.create() and a first exec)")
    n = 300_000 if QUICK else 4_000_000
    code = f"n = {n}\n" + SPIN

    def spin(count):
        ids = [_interpreters.create() for _ in range(count)]
        try:
            def once():
                ts = [threading.Thread(target=_interpreters.exec, args=(i, code)) for i in ids]
                c0, t0 = time.process_time_ns(), time.perf_counter_ns()
                for t in ts:
                    t.start()
                for t in ts:
                    t.join()
                wall = time.perf_counter_ns() - t0
                PARALLELISM.setdefault(f"l{len(ids)}", []).append((time.process_time_ns() - c0) / wall)
                return wall / 1e6

            return repeat(once, "ms")
        finally:
            for i in ids:
                _interpreters.destroy(i)

    one, two = spin(1), spin(2)
    out["lowlevel_interp_1_cpu_bound_ms"] = one
    out["lowlevel_interp_2_cpu_bound_ms"] = two
    out["lowlevel_interp_2_over_1_wall_ratio"] = round(two["median"] / one["median"], 3)
    out["lowlevel_interp_2_cpu_over_wall"] = parallelism("l2")
    parallelism("l1")


# ---- multiprocessing --------------------------------------------------------------------------------------
POOL_CHILD = r"""
import sys, time, multiprocessing as mp, concurrent.futures as cf
if __name__ == "__main__":
    t0 = time.perf_counter_ns()
    with cf.ProcessPoolExecutor(1, mp_context=mp.get_context(sys.argv[1])) as ex:
        ex.submit(int).result()
        t1 = time.perf_counter_ns()
        with cf.ProcessPoolExecutor(1, mp_context=mp.get_context(sys.argv[1])) as ex2:
            t2 = time.perf_counter_ns()
            ex2.submit(int).result()
            t3 = time.perf_counter_ns()
    print((t1 - t0) / 1e6, (t3 - t2) / 1e6)
"""


def measure_multiprocessing(out):
    import multiprocessing as mp

    out["mp_default_start_method"] = mp.get_start_method()
    out["mp_has_process_cpu_count"] = hasattr(os, "process_cpu_count")
    out["mp_process_cpu_count"] = os.process_cpu_count() if hasattr(os, "process_cpu_count") else None
    out["mp_cpu_count"] = os.cpu_count()
    for method in ("fork", "forkserver"):
        firsts, seconds = [], []

        def once():
            r = subprocess.run([sys.executable, "-c", POOL_CHILD, method], capture_output=True, text=True,
                               timeout=120, cwd="/tmp")
            if r.returncode != 0:
                raise RuntimeError(f"{method} pool failed: {r.stderr.strip()[-300:]}")
            a, b = (float(x) for x in r.stdout.split())
            firsts.append(a)
            seconds.append(b)
            return a

        # "first": the process's first pool (with forkserver this starts the server); "again": a second pool.
        out[f"mp_{method}_first_result_ms"] = repeat(once, "ms (first pool in a process: creation, start, one task)")
        out[f"mp_{method}_again_first_result_ms"] = {
            "median": statistics.median(seconds), "spread": round(spread_of(seconds), 4), "min": min(seconds),
            "max": max(seconds), "runs": len(seconds), "unit": "ms (a second pool in the same process)"}


MEASURES = {
    "loops": measure_loops,
    "threads": measure_threads,
    "counter": measure_counter,
    "interpreters": measure_interpreters,
    "lowlevel_interpreters": measure_lowlevel_interpreters,
    "multiprocessing": measure_multiprocessing,
}


def main():
    global QUICK
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--quick", action="store_true", help="small sizes and few runs (a smoke test, not figures)")
    ap.add_argument("--only", default="", help="comma-separated: " + ",".join(MEASURES))
    args = ap.parse_args()
    QUICK = args.quick
    only = [x for x in args.only.split(",") if x] or list(MEASURES)
    for name in only:
        if name not in MEASURES:
            ap.error(f"unknown measure {name!r} (known: {', '.join(MEASURES)})")
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    out = {
        "version": sys.version.split()[0],
        "executable": sys.executable,
        "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": gil,
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "quick": QUICK,
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
    }
    t0 = time.monotonic()
    for name in only:
        MEASURES[name](out)
        if not args.json:
            print(f"{name}: done ({time.monotonic() - t0:.0f} s)", file=sys.stderr)
    out["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    out["seconds"] = round(time.monotonic() - t0, 1)
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        for k, v in out.items():
            if isinstance(v, dict):
                print(f"{k:38} {v['median']:.4g} {v['unit']}  (spread {v['spread'] * 100:.1f} %, "
                      f"min {v['min']:.4g}, max {v['max']:.4g}, {v['runs']} runs)")
            else:
                print(f"{k:38} {v}")


if __name__ == "__main__":
    main()
