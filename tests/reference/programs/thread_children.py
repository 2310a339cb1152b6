"""Threads that start threads: two threads each start three threads (3 ms of pure Python, timed by the thread's CPU
clock, then 10 ms of time.sleep standing for I/O), join them, then spend 1 ms of pure Python on the results.

    python3 thread_children.py [--quick]     (--quick: one parent of two children)

Prints one JSON line: wall_ms (the first start to the last join) and latencies_ms (each parent's end)."""
import argparse
import json
import threading
import time


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def child():
    burn(0.003)
    time.sleep(0.010)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    parents, children = (1, 2) if ap.parse_args().quick else (2, 3)
    ends = []

    def parent():
        kids = [threading.Thread(target=child) for _ in range(children)]
        for k in kids:
            k.start()
        for k in kids:
            k.join()
        burn(0.001)
        ends.append(time.perf_counter())

    start = time.perf_counter()
    threads = [threading.Thread(target=parent) for _ in range(parents)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for e in ends)}))


if __name__ == "__main__":
    main()
