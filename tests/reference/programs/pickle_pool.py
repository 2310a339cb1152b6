"""Pool.map over payloads: each item is a `bytes` of SIZE or a list of ints whose pickle is about SIZE, sent
to a worker that returns its length. Timed around the whole `with` block (fork, the Linux default up to 3.13).

    python3 pickle_pool.py --kind bytes|ints --size 1MiB [--items 4] [--processes 2] [--quick]

Prints one JSON line: wall_ms, map_ms (the map alone), pickled_bytes (one item's pickle, protocol default)."""
import argparse
import json
import pickle
import time
from multiprocessing import Pool

UNITS = {"KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "B": 1}


def parse_size(text):
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    return int(text)


def make_payload(kind, size):
    if kind == "bytes":
        return bytes(size)
    # list(range(n)) pickles to about 5 bytes an int once the values pass 65535 (BININT), 2-3 below.
    return list(range(max(1, size // 5 if size >= 5 * 65536 else size // 3)))


def checksum(data):
    return len(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["bytes", "ints"], default="bytes")
    ap.add_argument("--size", default="1MiB")
    ap.add_argument("--items", type=int, default=4)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    size = 1024 if args.quick else parse_size(args.size)
    payload = make_payload(args.kind, size)
    items = 1 if args.quick else args.items

    start = time.perf_counter()
    with Pool(processes=args.processes) as pool:
        t_map = time.perf_counter()
        lengths = pool.map(checksum, [payload] * items)
        map_ms = (time.perf_counter() - t_map) * 1e3
    wall = time.perf_counter() - start
    assert lengths == [len(payload)] * items
    print(json.dumps({"wall_ms": wall * 1e3, "map_ms": map_ms, "pickled_bytes": len(pickle.dumps(payload))}))


if __name__ == "__main__":
    main()
