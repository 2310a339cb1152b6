"""The blog's multiprocessing example: `sum(i * i for i in range(n))` over a list of n on a Pool.

    python3 cpu_pool.py [--n 1000000] [--items 8] [--processes N] [--quick]

--processes omitted: Pool() (os.cpu_count() workers). Fork, the Linux default up to 3.13. Prints one JSON
line: wall_ms (the whole `with` block) and latencies_ms (each item's end in its worker, from the start),
item_cpu_ms (each item's own CPU time: compare with parts.py's sum_cpu) and item_n (its n)."""
import argparse
import json
import time
from multiprocessing import Pool


def compute(n):
    cpu = time.thread_time()
    total = sum(i * i for i in range(n))
    return total, time.perf_counter(), time.thread_time() - cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=8)
    ap.add_argument("--processes", type=int, default=None)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n, items = (10_000, 2) if args.quick else (args.n, args.items)

    start = time.perf_counter()
    with Pool(processes=args.processes) as pool:
        results = pool.map(compute, [n] * items)
    wall = time.perf_counter() - start
    assert all(r[0] == results[0][0] for r in results)
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for _, e, _ in results),
                      "item_cpu_ms": [c * 1e3 for _, _, c in results], "item_n": n}))


if __name__ == "__main__":
    main()
