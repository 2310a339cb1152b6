"""The pipeline across processes, as people write it with a Pool: a multiprocessing.Queue(maxsize=4) made before the
Pool and handed to each worker by the initializer (a Queue cannot be passed as a task's argument); Pool(3).map runs
one downloader (40 pages, 3 ms of time.sleep each, put on the queue) and two parsers (get, then 8 ms of pure Python
each, timed by the process's thread CPU clock). Fork, the Linux default up to 3.13.

    python3 pipeline_processes.py [--quick]     (--quick: 8 pages)

Prints one JSON line: wall_ms (the whole `with` block) and latencies_ms (each role's end, from the start)."""
import argparse
import json
import multiprocessing
import time

pages = None
count = 40


def init(queue, total):
    global pages, count
    pages, count = queue, total


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def role(name):
    if name == "download":
        for i in range(count):
            time.sleep(0.003)
            pages.put(i)
    else:
        for _ in range(count // 2):
            pages.get()
            burn(0.008)
    return time.perf_counter()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    total = 8 if ap.parse_args().quick else 40
    ctx = multiprocessing.get_context("fork")
    start = time.perf_counter()
    queue = ctx.Queue(maxsize=4)
    with ctx.Pool(3, initializer=init, initargs=(queue, total)) as pool:
        ends = pool.map(role, ["download", "parse", "parse"], chunksize=1)
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for e in ends)}))


if __name__ == "__main__":
    main()
