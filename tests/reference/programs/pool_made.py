"""What pickle_pool.py pays outside its map: Pool() until it returns, and leaving `with` (terminate() and the joins),
with the same payload alive in the parent as pickle_pool.py holds, and optionally with the cyclic garbage collector
off (gc.disable() before Pool()), to tell a collection that walks the payload from the forks themselves.

    python3 pool_made.py [--kind bytes|ints] [--size 10MiB] [--runs 3] [--no-gc]

Each run is a fresh interpreter (the first Pool() of a process imports multiprocessing.pool, as the program's does).
Prints one JSON line per run: made_ms, map_ms, exit_ms, gc ("on"/"off"), collections_in_pool (the collections
of each generation, 0 to 2, during Pool(): gc.get_stats()), and the load average."""
import argparse
import gc
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def one_run(kind, size, gc_off):
    sys.path.insert(0, HERE)
    from pickle_pool import checksum, make_payload, parse_size  # the program it explains: same payload, same work
    from multiprocessing import Pool  # as pickle_pool.py imports it: before its payload, outside the timing
    payload = make_payload(kind, parse_size(size))
    if gc_off:
        gc.disable()
    before = [g["collections"] for g in gc.get_stats()]
    start = time.perf_counter()
    pool_cm = Pool(processes=2)
    made = time.perf_counter()
    collections = [g["collections"] - b for g, b in zip(gc.get_stats(), before)]
    with pool_cm as pool:
        t_map = time.perf_counter()
        pool.map(checksum, [payload] * 4)
        t_exit = time.perf_counter()
    end = time.perf_counter()
    print(json.dumps({"kind": kind, "size": size, "gc": "off" if gc_off else "on", "made_ms": (made - start) * 1e3,
                      "map_ms": (t_exit - t_map) * 1e3, "exit_ms": (end - t_exit) * 1e3,
                      "collections_in_pool": collections, "loadavg": os.getloadavg()}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["bytes", "ints"], default="ints")
    ap.add_argument("--size", default="10MiB")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-gc", action="store_true")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child: one run in this interpreter
    args = ap.parse_args()
    if args.one:
        one_run(args.kind, args.size, args.no_gc)
        return
    for _ in range(args.runs):
        cmd = [sys.executable, os.path.abspath(__file__), "--one", "--kind", args.kind, "--size", args.size]
        subprocess.run(cmd + (["--no-gc"] if args.no_gc else []), check=True)


if __name__ == "__main__":
    main()
