"""Workers that wait for a start signal: four threads block on a threading.Event until a loader thread has spent
20 ms of pure Python loading a configuration and set it; then each runs 5 ms of pure Python (both timed by the
thread's CPU clock). Under the GIL the workers run one after another once the event is set.

    python3 event_start.py [--quick]     (--quick: 2 ms of loading, 1 ms each)

Prints one JSON line: wall_ms (the first start to the last join) and latencies_ms (each worker's end)."""
import argparse
import json
import threading
import time


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    load, work = (0.002, 0.001) if ap.parse_args().quick else (0.020, 0.005)
    ready = threading.Event()
    ends = []

    def loader():
        burn(load)
        ready.set()

    def worker():
        ready.wait()
        burn(work)
        ends.append(time.perf_counter())

    start = time.perf_counter()
    threads = [threading.Thread(target=loader)] + [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for e in ends)}))


if __name__ == "__main__":
    main()
