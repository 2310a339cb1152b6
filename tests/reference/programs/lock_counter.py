"""The blog's threading example: 100 threads each run `with lock: shared_counter += 1`.

    python3 lock_counter.py [--threads 100] [--quick]

Prints one JSON line: wall_ms (the first start to the last join) and the counter."""
import argparse
import json
import threading
import time

lock = threading.Lock()
shared_counter = 0


def increment():
    global shared_counter
    with lock:
        shared_counter += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=100)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    count = 5 if args.quick else args.threads

    start = time.perf_counter()
    threads = [threading.Thread(target=increment) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    assert shared_counter == count
    print(json.dumps({"wall_ms": wall * 1e3, "counter": shared_counter}))


if __name__ == "__main__":
    main()
