"""CPU-bound work on a ThreadPoolExecutor: `sum(i * i for i in range(n))` over a list of n. The GIL lets one
thread run Python at a time, so this takes about as long as a loop (plus the switches).

    python3 cpu_threads.py [--n 1000000] [--items 8] [--workers 4] [--quick]

Prints one JSON line: wall_ms (the whole `with` block) and latencies_ms (each item's end, from the start), item_cpu_ms
(each item's own CPU time: compare with parts.py's sum_cpu) and item_n (its n)."""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor


def compute(n):
    cpu = time.thread_time()
    total = sum(i * i for i in range(n))
    return total, time.perf_counter(), time.thread_time() - cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=8)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n, items = (10_000, 2) if args.quick else (args.n, args.items)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as ex:
        results = list(ex.map(compute, [n] * items))
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for _, e, _ in results),
                      "item_cpu_ms": [c * 1e3 for _, _, c in results], "item_n": n}))


if __name__ == "__main__":
    main()
