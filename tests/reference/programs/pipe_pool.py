"""Results gathered through a multiprocessing.Pipe, as people write it with a Pool: the Pipe's two ends are made
before Pool(3) and handed to each worker by the initializer; Pool(3).map runs one collector, which recv()s twelve
results, and twelve hash jobs (5 ms of pure Python each, timed by the thread's CPU clock), each of which send()s its
result. chunksize 1, fork, the Linux default up to 3.13.

    python3 pipe_pool.py [--quick]     (--quick: 4 jobs)

Prints one JSON line: wall_ms (the whole `with` block) and latencies_ms (each job's and the collector's end)."""
import argparse
import json
import multiprocessing
import time

reader = writer = None
jobs = 12


def init(pipe, total):
    global reader, writer, jobs
    (reader, writer), jobs = pipe, total


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def role(index):
    if index == 0:
        for _ in range(jobs):
            reader.recv()
    else:
        burn(0.005)
        writer.send(index)
    return time.perf_counter()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    total = 4 if ap.parse_args().quick else 12
    ctx = multiprocessing.get_context("fork")
    start = time.perf_counter()
    pipe = ctx.Pipe(duplex=False)
    with ctx.Pool(3, initializer=init, initargs=(pipe, total)) as pool:
        ends = pool.map(role, range(total + 1), chunksize=1)
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for e in ends)}))


if __name__ == "__main__":
    main()
