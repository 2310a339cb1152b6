"""Fan-out with concurrent.futures, the way its docs show it: a ThreadPoolExecutor of 4 threads, a submit per URL
calling requests.get, and each result handled as it completes (as_completed).

    python3 fetch_executor.py --url http://127.0.0.1:PORT/delay/250 [--count 12] [--workers 4] [--quick]

Prints one JSON line: wall_ms (start to leaving `with`) and latencies_ms (each result's hand-out, from the start)."""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests


def fetch_sync(url):
    return requests.get(url).status_code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    urls = [args.url] * (2 if args.quick else args.count)

    start = time.perf_counter()
    done = []
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(fetch_sync, u) for u in urls]
        for future in as_completed(futures):
            future.result()
            done.append(time.perf_counter() - start)
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted(d * 1e3 for d in done)}))


if __name__ == "__main__":
    main()
