"""The seed's run_threading(): one threading.Thread per URL calling requests.get.

    python3 fetch_threads.py --url http://127.0.0.1:PORT/delay/250 [--count 5] [--quick]

Prints one JSON line: wall_ms (start to the last join) and latencies_ms (each fetch's end, from the start)."""
import argparse
import json
import threading
import time

import requests

done = []


def fetch_sync(url, start):
    status = requests.get(url).status_code
    done.append(time.perf_counter() - start)
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    urls = [args.url] * (1 if args.quick else args.count)

    start = time.perf_counter()
    threads = [threading.Thread(target=fetch_sync, args=(u, start)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted(d * 1e3 for d in done)}))


if __name__ == "__main__":
    main()
