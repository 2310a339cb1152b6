"""Where a Pool.map over big payloads spends its time on this machine: a freshly forked process receives the same
pickled payload several times over a Pipe, and each receipt is timed in the child (Connection.recv_bytes, then
pickle.loads), with the parent's round trip around it. The parts file (parts.py) measures these costs in one long-lived
child, after the first receipts; a Pool's workers are fresh, and every item of a short map is among their first.

    python3 cold_receive.py [--kind bytes|ints] [--size 1MiB] [--receipts 6] [--processes 3]

Prints one JSON line: per fresh process, per receipt, [round_trip_ms, recv_bytes_ms, loads_ms]; the load average."""
import argparse
import json
import multiprocessing
import os
import pickle
import time

from pickle_pool import make_payload, parse_size  # the same payloads as the program it explains


def child(conn, receipts):
    for _ in range(receipts):
        t0 = time.perf_counter()
        blob = conn.recv_bytes()
        t1 = time.perf_counter()
        pickle.loads(blob)
        t2 = time.perf_counter()
        conn.send((t1 - t0, t2 - t1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["bytes", "ints"], default="bytes")
    ap.add_argument("--size", default="1MiB")
    ap.add_argument("--receipts", type=int, default=6)
    ap.add_argument("--processes", type=int, default=3)
    args = ap.parse_args()
    blob = pickle.dumps(make_payload(args.kind, parse_size(args.size)))
    ctx = multiprocessing.get_context("fork")
    load_before = os.getloadavg()[0]
    processes = []
    for _ in range(args.processes):
        parent, child_end = ctx.Pipe()
        proc = ctx.Process(target=child, args=(child_end, args.receipts))
        proc.start()
        receipts = []
        for _ in range(args.receipts):
            t0 = time.perf_counter()
            parent.send_bytes(blob)
            recv, loads = parent.recv()
            receipts.append([round((time.perf_counter() - t0) * 1e3, 3), round(recv * 1e3, 3), round(loads * 1e3, 3)])
        proc.join()
        processes.append(receipts)
    print(json.dumps({"kind": args.kind, "pickled_bytes": len(blob), "processes": processes,
                      "load_before": load_before, "load_after": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
