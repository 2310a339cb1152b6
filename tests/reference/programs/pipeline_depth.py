"""The pipeline preset as people write it: one thread downloads 40 pages (3 ms of I/O each: time.sleep) onto a
queue.Queue(maxsize=4), two threads parse them (8 ms of pure Python each, timed by the thread's CPU clock). Prints the
queue's depth after every put (its distribution) and the wall time, as JSON.

    python3 pipeline_depth.py [--quick]     (--quick: 8 pages)"""
import argparse
import json
import queue
import sys
import threading
import time
from collections import Counter


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    count = 8 if ap.parse_args().quick else 40
    pages = queue.Queue(maxsize=4)
    depths = []

    def download():
        for i in range(count):
            time.sleep(0.003)
            pages.put(i)
            depths.append(pages.qsize())

    def parse():
        for _ in range(count // 2):
            pages.get()
            burn(0.008)

    start = time.perf_counter()
    threads = [threading.Thread(target=download)] + [threading.Thread(target=parse) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(json.dumps({"python": sys.version.split()[0], "wall_ms": round(wall * 1000, 1),
                      "depth_after_put": dict(sorted(Counter(depths).items())), "max_depth": max(depths)}))


if __name__ == "__main__":
    main()
