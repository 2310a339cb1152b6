# The costs of a multiprocessing.Pool beyond its workers, per start method: the import of multiprocessing.pool, a
# Pool(2)'s construction in the parent, leaving `with` (tear-down), and os.fork() and Thread.start() to subtract
# (docs/machine-profile.md: pool_import, pool_setup, pool_teardown). Usage: python3 pool_parts.py fork|spawn|forkserver
import json, multiprocessing, os, statistics, sys, threading, time
def f(x): return x
def med(xs): return round(statistics.median(xs) * 1e3, 3)
def main():
    method = sys.argv[1]
    ctx = multiprocessing.get_context(method)
    t = time.perf_counter(); __import__("multiprocessing.pool"); imp = time.perf_counter() - t
    build, teardown, forks, starts = [], [], [], []
    for _ in range(9):
        t0 = time.perf_counter(); pool = ctx.Pool(2); t1 = time.perf_counter()
        pool.map(f, [1, 2])
        t2 = time.perf_counter(); pool.__exit__(None, None, None); t3 = time.perf_counter()
        build.append(t1 - t0); teardown.append(t3 - t2)
        pool.join()
    for _ in range(15):
        t0 = time.perf_counter(); pid = os.fork()
        if pid == 0: os._exit(0)
        forks.append(time.perf_counter() - t0); os.waitpid(pid, 0)
    for _ in range(15):
        th = threading.Thread(target=lambda: None); t0 = time.perf_counter(); th.start(); starts.append(time.perf_counter() - t0); th.join()
    print(json.dumps({"method": method, "import_pool_ms": round(imp * 1e3, 3), "pool2_construction_ms": med(build),
                      "teardown_ms": med(teardown), "os_fork_ms": med(forks), "thread_start_ms": med(starts),
                      "load": os.getloadavg()[0]}))
if __name__ == "__main__": main()
