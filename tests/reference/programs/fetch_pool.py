"""The seed's run_multiprocessing(): `with multiprocessing.Pool(processes=5) as pool: pool.map(fetch_sync, URLS)`
(fork, the default start method on Linux up to 3.13).

    python3 fetch_pool.py --url http://127.0.0.1:PORT/delay/250 [--count 5] [--processes 5] [--quick]

Prints one JSON line: wall_ms (the whole `with` block: the Pool's start, the map, its tear-down) and
latencies_ms (each fetch's end in its worker, from the start: perf_counter is CLOCK_MONOTONIC, shared by
every process)."""
import argparse
import json
import multiprocessing
import time

import requests


def fetch_sync(url):
    status = requests.get(url).status_code
    assert status == 200
    return time.perf_counter()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--processes", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    urls = [args.url] * (1 if args.quick else args.count)

    start = time.perf_counter()
    with multiprocessing.Pool(processes=1 if args.quick else args.processes) as pool:
        ends = pool.map(fetch_sync, urls)
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for e in ends)}))


if __name__ == "__main__":
    main()
