"""Part measurements of process start (used by parts.py): one worker's start per start method, as the parts a
Pool pays, and a Pool's own set-up and tear-down. start_probe_heavy.py runs the same with `import requests` in
the main module (a spawned worker imports the main module again).

    python3 start_probe.py [--reps 5] [--methods fork,spawn,forkserver]

Prints one JSON object: per method, samples in ms of
  parent_start   Process.start() in the parent (fork: the fork; spawn: fork+exec and the preparation data;
                 forkserver: the request to the server and its fork)
  parent_cpu     the parent's own CPU in that start() (its thread CPU clock; forkserver: pickling the preparation
                 data and the process object, connecting to the server, passing the fds, without the wait for the pid)
  ready          start() until the child ran its target (it sends on a Pipe)
  first_ready    the first start of this process (forkserver: includes starting the fork server)
  pool_setup     ctx.Pool(1) until a first pool.map([1]) returned (one worker's start included)
  pool_teardown  leaving `with Pool(1)` (terminate, join the handler threads and the worker)
  pool_teardown_8  leaving `with Pool(8)` after a map of 8 items: what each worker beyond the first adds is
                 (pool_teardown_8 - pool_teardown) / 7 (terminate() signals every worker before it joins any, so
                 their exits overlap on the cores)
  pool_init_cpu, pool_init_cpu_8  the parent's main thread's own CPU (its thread CPU clock) in ctx.Pool(1) and
                 ctx.Pool(8) until they returned: what each worker beyond the first costs the parent in a real Pool
                 is (pool_init_cpu_8 - pool_init_cpu) / 7 (each start, and what the parent pays after each fork to
                 write the pages it now shares with the child)"""
import argparse
import json
import multiprocessing
import time


def child(conn):
    conn.send(time.perf_counter())
    conn.close()


def square(x):
    return x * x


def measure(method, reps):
    ctx = multiprocessing.get_context(method)
    out = {"parent_start": [], "parent_cpu": [], "ready": [], "pool_setup": [], "pool_teardown": [],
           "pool_teardown_8": [], "pool_init_cpu": [], "pool_init_cpu_8": []}
    for i in range(reps + 1):
        r, w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=child, args=(w,))
        t0 = time.perf_counter()
        c0 = time.thread_time()
        p.start()
        c1 = time.thread_time()
        t1 = time.perf_counter()
        r.recv()
        t2 = time.perf_counter()
        p.join()
        w.close()
        r.close()
        if i == 0:
            out["first_ready"] = [(t2 - t0) * 1e3]
            continue
        out["parent_start"].append((t1 - t0) * 1e3)
        out["parent_cpu"].append((c1 - c0) * 1e3)
        out["ready"].append((t2 - t0) * 1e3)
    for i in range(reps + 1):
        t0 = time.perf_counter()
        c0 = time.thread_time()
        pool_cm = ctx.Pool(1)
        c1 = time.thread_time()
        with pool_cm as pool:
            pool.map(square, [1])
            t1 = time.perf_counter()
        t2 = time.perf_counter()
        if i:
            out["pool_setup"].append((t1 - t0) * 1e3)
            out["pool_teardown"].append((t2 - t1) * 1e3)
            out["pool_init_cpu"].append((c1 - c0) * 1e3)
    for i in range(reps + 1):
        c0 = time.thread_time()
        pool_cm = ctx.Pool(8)
        c1 = time.thread_time()
        with pool_cm as pool:
            pool.map(square, range(8), chunksize=1)
            t1 = time.perf_counter()
        t2 = time.perf_counter()
        if i:
            out["pool_teardown_8"].append((t2 - t1) * 1e3)
            out["pool_init_cpu_8"].append((c1 - c0) * 1e3)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--methods", default="fork,spawn,forkserver")
    args = ap.parse_args()
    print(json.dumps({m: measure(m, args.reps) for m in args.methods.split(",")}))


if __name__ == "__main__":
    main()
