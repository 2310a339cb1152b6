"""Measurements of the PARTS the reference programs are made of, never of a program's total: the reference
scenarios (tests/reference/scenarios/) are written from these figures (tests/reference/write_scenarios.py).

    python3 parts.py --server-url http://127.0.0.1:PORT [--delay-ms 250] [--quick]

Each part is repeated after a warm-up; every figure is {"median", "p10", "p90", "n"} in ms (or MB/s). Prints one
JSON object with the Python version, the machine's cores and the load average before and after.

  requests_cpu / requests_wall_0 / requests_wall   one requests.get: the calling thread's CPU time
                                        (time.thread_time), its wall time against a 0 ms server, and against
                                        the suite's delay
  aiohttp_cpu / aiohttp_wall            one `async with session.get(url) as r: await r.read()` on an open
                                        ClientSession, sequential: the loop thread's CPU, the wall at the delay
  aiohttp_run_session_cpu               asyncio.run() of a coroutine that opens and closes a ClientSession
  requests_cold_fork_cpu / _wall_0      the first requests.get in a process forked from this one (which imported
                                        requests): what a Pool worker's first fetch pays
  aiohttp_cold_fork_cpu / _wall_0       the first asyncio.run of a ClientSession with one get, in a forked process
  sum_cpu                               one sum(i * i for i in range(1_000_000)): thread CPU time
  thread_start                          Thread(target=f).start() in a burst of 100, per start (the parent's time)
  thread_start_cpu / thread_bootstrap / thread_exit   the same burst in parts (calibrate.py's
                                        thread_start_burst_parts): the starter's CPU in start(), the new
                                        thread's CPU before its target, and after it
  lock_increment                        `with lock: counter += 1`, per call (a loop of 100,000)
  pickle.<kind>.<size>                  pickle.dumps, pickle.loads, and a Pipe transfer of the pickled bytes to
                                        another process (send_bytes until it acknowledges, less a 1-byte round
                                        trip), each less the fresh pages it touched at page_touch (calibrate.py's
                                        warm_pickle_costs); fresh_pages: the medians of those pages
  page_touch                            a 4 KiB page written for the first time (calibrate.py's
                                        page_touch_sample: what a Pool's receipt pays on fresh heap)
  pipe_round_trip                       a 1-byte Connection.send_bytes/recv_bytes round trip between processes
  process_start                         start_probe.py and start_probe_heavy.py (one worker's start per method,
                                        a Pool's set-up and tear-down), run as programs of their own; and
                                        import_pool_light/_heavy: `import multiprocessing.pool` in a fresh
                                        interpreter (what the first Pool() of a process pays: it imports it lazily);
                                        main_run: a main module run again in a child (calibrate.py's
                                        main_module_runs: a spawned worker, a 3.11 forkserver worker), for an
                                        empty one (main_rerun), the two probes and the two programs"""
import argparse
import asyncio
import json
import multiprocessing
import os
import pickle
import subprocess
import sys
import threading
import time

import aiohttp
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"1KiB": 1024, "1MiB": 1024 ** 2, "10MiB": 10 * 1024 ** 2, "100MiB": 100 * 1024 ** 2}
# list-of-ints payloads stop at 10 MiB: 100 MiB of pickled ints (20 M ints) takes about 8 s per Pool.map of two
# items on this 2-core machine, too long for a suite bounded at 10 minutes.
KIND_SIZES = {"bytes": ["1KiB", "1MiB", "100MiB"], "ints": ["1KiB", "1MiB", "10MiB"]}


def stats(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]
    return {"median": round(pick(0.5), 6), "p10": round(pick(0.1), 6), "p90": round(pick(0.9), 6), "n": len(s)}


def repeat(fn, reps, warmup=2):
    for _ in range(warmup):
        fn()
    return [fn() for _ in range(reps)]


def requests_parts(url0, url, reps):
    def one(u):
        def run():
            c0, w0 = time.thread_time(), time.perf_counter()
            assert requests.get(u).status_code == 200
            return (time.thread_time() - c0) * 1e3, (time.perf_counter() - w0) * 1e3
        return run
    zero = repeat(one(url0), reps * 4)
    delayed = repeat(one(url), reps, warmup=1)
    return {"requests_cpu": stats([c for c, _ in zero]), "requests_wall_0": stats([w for _, w in zero]),
            "requests_cpu_at_delay": stats([c for c, _ in delayed]), "requests_wall": stats([w for _, w in delayed])}


def aiohttp_parts(url0, url, reps):
    async def calls(u, n):
        out = []
        async with aiohttp.ClientSession() as session:
            for i in range(n + 2):
                c0, w0 = time.thread_time(), time.perf_counter()
                async with session.get(u) as r:
                    await r.read()
                if i >= 2:
                    out.append(((time.thread_time() - c0) * 1e3, (time.perf_counter() - w0) * 1e3))
        return out

    async def open_close():
        async with aiohttp.ClientSession():
            pass

    def run_session():
        c0 = time.thread_time()
        asyncio.run(open_close())
        return (time.thread_time() - c0) * 1e3

    zero = asyncio.run(calls(url0, reps * 4))
    delayed = asyncio.run(calls(url, reps))
    return {"aiohttp_cpu": stats([c for c, _ in zero]), "aiohttp_wall_0": stats([w for _, w in zero]),
            "aiohttp_cpu_at_delay": stats([c for c, _ in delayed]), "aiohttp_wall": stats([w for _, w in delayed]),
            "aiohttp_run_session_cpu": stats(repeat(run_session, reps * 2))}


def _cold_child(conn, url, which):
    """In a freshly forked process: the first requests.get, or the first asyncio.run of a ClientSession with one get."""
    c0, w0 = time.thread_time(), time.perf_counter()
    if which == "requests":
        requests.get(url)
    else:
        async def page():
            async with aiohttp.ClientSession() as session:
                async with session.get(url) as r:
                    await r.read()
        asyncio.run(page())
    conn.send(((time.thread_time() - c0) * 1e3, (time.perf_counter() - w0) * 1e3))
    conn.close()


def cold_parts(url0, reps):
    """What a Pool worker forked from a main module that imported requests and aiohttp pays on its first call:
    the calling thread's CPU and the wall time against the 0 ms server (copy-on-write faults, first-use set-up)."""
    ctx = multiprocessing.get_context("fork")
    out = {}
    for which in ("requests", "aiohttp"):
        samples = []
        for _ in range(reps):
            r, w = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_cold_child, args=(w, url0, which))
            p.start()
            samples.append(r.recv())
            p.join()
        out[f"{which}_cold_fork_cpu"] = stats([c for c, _ in samples])
        out[f"{which}_cold_fork_wall_0"] = stats([w for _, w in samples])
    return out


def sum_part(n, reps):
    def run():
        c0 = time.thread_time()
        sum(i * i for i in range(n))
        return (time.thread_time() - c0) * 1e3
    return {"sum_cpu": stats(repeat(run, reps)), "sum_n": n}


_lock = threading.Lock()
_counter = 0


def increment_loop(n):
    global _counter
    for _ in range(n):
        with _lock:
            _counter += 1


def thread_parts(reps):
    def burst():
        threads = [threading.Thread(target=lambda: None) for _ in range(100)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        per = (time.perf_counter() - t0) * 1e3 / 100
        for t in threads:
            t.join()
        return per
    in_parts = _calibrate().thread_start_burst_parts
    in_parts(20)  # warm-up
    bursts = [in_parts() for _ in range(reps)]
    ms = lambda k: stats([b[k] / 1e6 for b in bursts])
    out = {"thread_start": stats(repeat(burst, reps)), "thread_start_cpu": ms(0), "thread_bootstrap": ms(1),
           "thread_exit": ms(2)}
    n = 100_000

    def inc():
        t0 = time.perf_counter()
        increment_loop(n)
        return (time.perf_counter() - t0) * 1e3 / n
    inc = repeat(inc, reps)
    return {**out, "lock_increment": stats(inc)}


def payload(kind, size):
    if kind == "bytes":
        return bytes(size)
    return list(range(max(1, size // 5 if size >= 5 * 65536 else size // 3)))  # as pickle_pool.py builds it


def pickle_parts(reps, sizes, page_touch_ms):
    """The costs of pickling each payload, measured by `interleave calibrate`'s own function (warm_pickle_costs): the
    copies alone, each call less the fresh pages it touched (the simulator charges those as page_touch)."""
    calibrate = _calibrate()
    a, b = multiprocessing.Pipe()
    p = multiprocessing.get_context("fork").Process(target=calibrate.acknowledge_with_faults, args=(b,))
    p.start()

    def rtt():
        t0 = time.perf_counter()
        a.send_bytes(b"x")
        a.recv_bytes()
        return (time.perf_counter() - t0) * 1e3
    rtts = repeat(rtt, 200, warmup=20)
    out = {"pipe_round_trip": stats(rtts)}
    for kind, names in sizes.items():
        for name in names:
            n = max(3, reps // (1 + SIZES[name] // (8 * 1024 ** 2)))
            costs = calibrate.warm_pickle_costs(payload(kind, SIZES[name]), a, page_touch_ms * 1e6, n)
            out[f"pickle.{kind}.{name}"] = {"pickled_bytes": costs["pickled_bytes"],
                                            "fresh_pages": costs["fresh_pages"],
                                            **{k: stats([ns / 1e6 for ns in costs[k]])
                                               for k in ("dumps", "loads", "transfer")}}
    a.send_bytes(b"stop")
    p.join()
    return out


IMPORT_POOL = ("import multiprocessing{extra}, time\nt = time.perf_counter()\nimport multiprocessing.pool\n"
               "print((time.perf_counter() - t) * 1e3)")


def start_parts(reps, python):
    out = {}
    # The first Pool() of a process imports multiprocessing.pool (context.Pool imports it lazily): a fresh
    # interpreter each time, after `import multiprocessing` (and requests, for a heavy main module).
    for weight, extra in (("light", ""), ("heavy", ", requests")):
        samples = [float(subprocess.run([python, "-c", IMPORT_POOL.format(extra=extra)], capture_output=True,
                                        text=True, check=True).stdout) for _ in range(reps)]
        out[f"import_pool_{weight}"] = stats(samples)
    for prog in ("start_probe.py", "start_probe_heavy.py"):
        r = subprocess.run([python, os.path.join(HERE, prog), "--reps", str(reps)], capture_output=True, text=True,
                           check=True, cwd=HERE)
        raw = json.loads(r.stdout)
        out["heavy" if "heavy" in prog else "light"] = {m: {k: stats(v) for k, v in d.items()} for m, d in raw.items()}
    # What running each main module again costs a child (ms): an empty one is runpy's own part; the others add their
    # imports.
    calibrate = _calibrate()
    ms = lambda runs: stats([ns / 1e6 for ns in runs])
    out["main_run"] = {"empty": ms(calibrate.empty_module_runs(reps * 2, python))}
    for prog in ("start_probe.py", "start_probe_heavy.py", "process_start.py", "process_start_heavy.py"):
        out["main_run"][prog] = ms(calibrate.main_module_runs(os.path.join(HERE, prog), reps * 2, python))
    return out


def _calibrate():
    # `interleave calibrate`'s own probes, from its source: one method, one figure, wherever it is measured.
    source = os.path.join(HERE, "..", "..", "..", "src", "native", "python")
    if source not in sys.path:
        sys.path.insert(0, source)
    import calibrate
    return calibrate


def page_touch_part(reps):
    sample = _calibrate().page_touch_sample
    return stats(repeat(lambda: sample() / 1e6, reps * 3))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server-url", required=True, help="the delay server's base URL, http://127.0.0.1:PORT")
    ap.add_argument("--delay-ms", type=float, default=250)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps = 3 if args.quick else 9
    base = args.server_url.rstrip("/")
    url0, url = f"{base}/delay/0", f"{base}/delay/{args.delay_ms:g}"

    result = {"python": sys.version.split()[0], "executable": sys.executable, "cores": os.cpu_count(),
              "load_before": [round(x, 2) for x in os.getloadavg()], "delay_ms": args.delay_ms,
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    result.update(requests_parts(url0, url, reps))
    result.update(aiohttp_parts(url0, url, reps))
    result.update(cold_parts(url0, reps))
    result.update(sum_part(10_000 if args.quick else 1_000_000, reps))
    result.update(thread_parts(reps))
    result["page_touch"] = page_touch_part(reps)
    result.update(pickle_parts(reps, {"bytes": ["1KiB"], "ints": ["1KiB"]} if args.quick else KIND_SIZES,
                               result["page_touch"]["median"]))
    result["process_start"] = start_parts(2 if args.quick else 7, sys.executable)
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
