"""Where each item of a Pool.map goes, timed inside the Pool itself: pickle_pool.py's Pool(2).map over the same payloads,
several maps in one pool, with every pickle (ForkingPickler.dumps/loads) and every message (Connection._send_bytes in
the parent's _handle_tasks thread, Connection._recv_bytes in the workers) timed in the process that runs it. The
patches are made before the Pool forks, so the workers inherit them (fork only). They wrap private methods of
Lib/multiprocessing/connection.py (3.11 to 3.15): a measurement, not a pattern to copy.

    python3 pool_phases.py [--kind bytes|ints] [--size 1MiB] [--items 4] [--maps 4] [--pipe-size BYTES]

--pipe-size sets the capacity of the Pool's task pipe (F_SETPIPE_SZ, Linux; at most /proc/sys/fs/pipe-max-size)
instead of the kernel's default of 64 KiB (pipe(7)): how much of a transfer is the 64 KiB ping-pong between writer and
reader. Prints one JSON line: per map, its wall time and per item (in the order the workers received them) the parent's
dumps and send, the worker's wait for the item (from asking for it to its first byte, roughly: until the parent began
sending), its receipt (the transfer, as the worker saw it) and its loads, in ms; the minor page faults of each of the
four (the thread's ru_minflt: pages touched for the first time, which no timing separates from copying); and the
load average."""
import argparse
import json
import os
import resource
import threading
import time
from multiprocessing import Pool
import multiprocessing.connection as connection
from multiprocessing.reduction import ForkingPickler

from pickle_pool import checksum, make_payload, parse_size  # the same payloads and work as the program it explains

EVENTS = []  # (pid, thread, what, start, end, nbytes, minor faults) in this process; a worker's go back with its results


def minor_faults():
    """Page faults served without I/O so far in this thread: each is a page touched for the first time (or again
    after it was given back to the kernel), the cost the timings alone cannot tell from the copying."""
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt


def timed(what, fn, size_of):
    def wrapper(*args, **kwargs):
        f0 = minor_faults()
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        t1 = time.perf_counter()
        EVENTS.append((os.getpid(), threading.current_thread().name, what, t0, t1, size_of(args, result),
                       minor_faults() - f0))
        return result
    return wrapper


connection.Connection._send_bytes = timed("send", connection.Connection._send_bytes, lambda a, r: len(a[1]))
connection.Connection._recv_bytes = timed("recv", connection.Connection._recv_bytes, lambda a, r: r.getbuffer().nbytes)
ForkingPickler.dumps = classmethod(timed("dumps", ForkingPickler.dumps.__func__, lambda a, r: len(r)))
ForkingPickler.loads = staticmethod(timed("loads", ForkingPickler.loads, lambda a, r: len(a[0])))


def measured_checksum(data):
    mine = list(EVENTS)
    EVENTS.clear()
    return checksum(data), mine


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["bytes", "ints"], default="bytes")
    ap.add_argument("--size", default="1MiB")
    ap.add_argument("--items", type=int, default=4)
    ap.add_argument("--maps", type=int, default=4)
    ap.add_argument("--pipe-size", type=int, default=0)
    args = ap.parse_args()
    payload = make_payload(args.kind, parse_size(args.size))
    pickled = len(ForkingPickler.dumps(payload))
    big = pickled // 2  # messages at least this large are the items, not the Pool's control messages
    EVENTS.clear()

    maps = []
    with Pool(2) as pool:
        pipe = pool._inqueue._writer.fileno()
        if args.pipe_size:
            import fcntl
            fcntl.fcntl(pipe, 1031, args.pipe_size)  # F_SETPIPE_SZ
        for _ in range(args.maps):
            t0 = time.perf_counter()
            results = pool.map(measured_checksum, [payload] * args.items)
            maps.append((t0, time.perf_counter(), [e for _, log in results for e in log]))

    sends = sorted(e for e in EVENTS if e[2] == "send" and e[5] >= big)
    parent_dumps = sorted(e for e in EVENTS if e[2] == "dumps" and e[5] >= big)
    out_maps = []
    taken = 0
    for t0, t1, worker_events in maps:
        recvs = sorted((e for e in worker_events if e[2] == "recv" and e[5] >= big), key=lambda e: e[4])
        loads = sorted((e for e in worker_events if e[2] == "loads" and e[5] >= big), key=lambda e: e[4])
        items = []
        for k, recv in enumerate(recvs):
            send = sends[taken + k] if taken + k < len(sends) else None
            dumps = parent_dumps[taken + k] if taken + k < len(parent_dumps) else None
            load = next((e for e in loads if e[0] == recv[0] and e[3] >= recv[4]), None)
            began = max(recv[3], send[3]) if send else recv[3]
            items.append({"worker": recv[0],
                          "dumps_ms": round((dumps[4] - dumps[3]) * 1e3, 3) if dumps else None,
                          "send_ms": round((send[4] - send[3]) * 1e3, 3) if send else None,
                          "wait_ms": round((began - recv[3]) * 1e3, 3),
                          "receive_ms": round((recv[4] - began) * 1e3, 3),
                          "loads_ms": round((load[4] - load[3]) * 1e3, 3) if load else None,
                          # pages first touched: by the parent's dumps and send, the worker's receipt and loads
                          "faults": [dumps[6] if dumps else None, send[6] if send else None, recv[6],
                                     load[6] if load else None]})
        taken += len(recvs)
        out_maps.append({"map_ms": round((t1 - t0) * 1e3, 3), "items": items})
    print(json.dumps({"kind": args.kind, "size": args.size, "pickled_bytes": pickled,
                      "pipe_size": args.pipe_size or 65536, "maps": out_maps, "loadavg": os.getloadavg()}))


if __name__ == "__main__":
    main()
