"""The seed's five fetches, one after another (docs: ../shared/seeds/000_e1177ed5b5c0dbcb.txt).

    python3 fetch_sequential.py --url http://127.0.0.1:PORT/delay/250 [--count 5] [--quick]

Prints one JSON line: wall_ms (the loop) and latencies_ms (each fetch's end, from the start)."""
import argparse
import json
import time

import requests


def fetch_sync(url):
    return requests.get(url).status_code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    urls = [args.url] * (1 if args.quick else args.count)

    start = time.perf_counter()
    done = []
    for url in urls:
        assert fetch_sync(url) == 200
        done.append(time.perf_counter() - start)
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": [d * 1e3 for d in done]}))


if __name__ == "__main__":
    main()
