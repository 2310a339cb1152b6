"""Process start as a program pays it: a Pool of N workers with a given start method, mapping a trivial
function over N items, timed around the whole `with` block (the Pool's set-up, every worker's start, the map,
the tear-down). process_start_heavy.py is the same program whose main module imports `requests` first: a spawn
worker imports the main module again and pays for it; a forkserver worker inherits it from the server.

    python3 process_start.py --method spawn [--workers 2] [--quick]

Prints one JSON line: wall_ms, map_done_ms (until the map returned: the tear-down is the rest)."""
import argparse
import json
import multiprocessing
import time


def square(x):
    return x * x


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", choices=["fork", "spawn", "forkserver"], default="fork")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    workers = 1 if args.quick else args.workers
    ctx = multiprocessing.get_context(args.method)

    start = time.perf_counter()
    with ctx.Pool(processes=workers) as pool:
        results = pool.map(square, range(workers))
        map_done = time.perf_counter()
    wall = time.perf_counter() - start
    assert results == [x * x for x in range(workers)]
    print(json.dumps({"wall_ms": wall * 1e3, "map_done_ms": (map_done - start) * 1e3}))


if __name__ == "__main__":
    main()
