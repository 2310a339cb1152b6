"""How CPython hands the GIL between threads, measured from inside: N CPU-bound threads (and optionally one
thread doing TCP round trips to an echo server in another process) record when they run. A gap in a CPU
thread's own clock readings longer than GAP_NS means it lost the GIL (or its core). From the runs we get the
GIL slice lengths, the hand-off gaps, which waiter wins a switch (ranked by how long it had waited) and the
I/O thread's round-trip times.

    python3 gil_probe.py --cpu 4 --interval 5 --seconds 2 [--io] [--busy N]

Prints one JSON object. --busy N starts N busy processes beside it (a loaded machine)."""
import argparse
import collections
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

GAP_NS = 50_000


def quantiles(values):
    if not values:
        return None
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return {"n": len(values), "p10": pick(0.10), "p50": pick(0.50), "p90": pick(0.90), "max": values[-1]}


def analyse(cpu_runs, rtts, interval_ms, phases=()):
    """The distributions from each CPU thread's runs [(start_ns, end_ns)], the round trips (ns) and their two
    halves [(sendall's start to recv's start, recv's start to the round trip's end), ns]."""
    # Every CPU thread's runs on one axis: a slice is one run; a switch is a run starting after another
    # thread's run ended.
    raw = sorted((s, e, i) for i, runs in enumerate(cpu_runs) for (s, e) in runs if e > s)
    # A pause within one thread's hold (an interrupt, a page fault) splits its run; the GIL did not move.
    events = []
    for s, e, i in raw:
        if events and events[-1][2] == i:
            events[-1] = (events[-1][0], e, i)
        else:
            events.append((s, e, i))
    slices = [e - s for (s, e, _) in events]
    gaps, ranks, waiters_at_switch = [], [], []
    last_end = {}
    prev = None
    for s, e, i in events:
        if prev is not None and prev[2] != i:
            gaps.append(max(0, s - prev[1]))
            waiting = sorted((end, j) for j, end in last_end.items() if j != i and j != prev[2] and end <= s)
            if waiting and i in last_end:
                order = [j for _, j in waiting] + [i]
                waiting_since = sorted(((last_end[j], j) for j in order))
                ranks.append([j for _, j in waiting_since].index(i))
                waiters_at_switch.append(len(waiting_since))
        last_end[i] = e
        prev = (s, e, i)
    span = (max(e for _, e, _ in events) - min(s for s, _, _ in events)) if events else 0
    # The cores each CPU thread ran on: with more threads than a GIL allows, runs overlapping in time mean
    # the probe lost its core, not the GIL (there is one GIL); count them.
    overlap = sum(1 for a, b in zip(events, events[1:]) if b[0] < a[1])
    return {
        "seconds": round(span / 1e9, 3),
        "slice_us": {k: (v if k == "n" else round(v / 1e3, 1)) for k, v in (quantiles(slices) or {}).items()},
        "switches_per_interval": round(len(gaps) / (span / (interval_ms * 1e6)), 3) if span else None,
        "handoff_gap_us": {k: (v if k == "n" else round(v / 1e3, 1)) for k, v in (quantiles(gaps) or {}).items()},
        "winner_rank_counts": {str(r): ranks.count(r) for r in sorted(set(ranks))},
        "overlapping_runs": overlap,
        "rtt_us": {k: (v if k == "n" else round(v / 1e3, 1)) for k, v in (quantiles(rtts) or {}).items()},
        "round_trips": len(rtts),
        # Round trips by how many switch intervals they took (0: the I/O thread kept or won back the GIL).
        "rtt_intervals": {str(k): n for k, n in sorted(
            collections.Counter(round(r / (interval_ms * 1e6)) for r in rtts).items())},
        # The same by half, "send+recv" in intervals: which of the two GIL hand-offs of a round trip cost the waits.
        "rtt_phase_intervals": {k: n for k, n in sorted(collections.Counter(
            f"{round(a / (interval_ms * 1e6))}+{round(b / (interval_ms * 1e6))}" for a, b in phases).items())},
    }


def cpu_thread(deadline, runs, barrier):
    now = time.perf_counter_ns
    barrier.wait()
    start = last = now()
    while last < deadline:
        x = 0
        for _ in range(10):
            x += 1
        t = now()
        if t - last > GAP_NS:
            runs.append((start, last))
            start = t
        last = t
    runs.append((start, last))


def io_thread(deadline, port, rtts, phases, barrier):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    now = time.perf_counter_ns
    barrier.wait()
    while True:
        t0 = now()
        if t0 >= deadline:
            break
        sock.sendall(b"x")
        t1 = now()
        sock.recv(1)
        t2 = now()
        rtts.append(t2 - t0)
        phases.append((t1 - t0, t2 - t1))
    sock.close()


ECHO_SERVER = r"""
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept(); conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while True:
    b = conn.recv(1)
    if not b: break
    conn.sendall(b)
"""


def busy(stop_at):
    while time.time() < stop_at:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--io", action="store_true")
    ap.add_argument("--interval", type=float, default=5.0, help="switch interval, ms")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--busy", type=int, default=0)
    args = ap.parse_args()
    sys.setswitchinterval(args.interval / 1000)

    busy_procs = []
    if args.busy:
        stop_at = time.time() + args.seconds + 1.5
        for _ in range(args.busy):
            p = multiprocessing.Process(target=busy, args=(stop_at,))
            p.start()
            busy_procs.append(p)
        time.sleep(0.3)

    server = port = None
    if args.io:
        server = subprocess.Popen([sys.executable, "-c", ECHO_SERVER], stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline())

    load_before = os.getloadavg()[0]
    parties = args.cpu + (1 if args.io else 0) + 1
    barrier = threading.Barrier(parties)
    deadline = time.perf_counter_ns() + int(args.seconds * 1e9) + 50_000_000
    cpu_runs = [[] for _ in range(args.cpu)]
    rtts, phases = [], []
    threads = [threading.Thread(target=cpu_thread, args=(deadline, cpu_runs[i], barrier)) for i in range(args.cpu)]
    if args.io:
        threads.append(threading.Thread(target=io_thread, args=(deadline, port, rtts, phases, barrier)))
    for t in threads:
        t.start()
    barrier.wait()
    for t in threads:
        t.join()
    if server:
        server.kill()
    for p in busy_procs:
        p.terminate()

    result = {
        "python": sys.version.split()[0],
        "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "cpu_threads": args.cpu,
        "io_thread": args.io,
        "interval_ms": args.interval,
        "busy_processes": args.busy,
        "cores": os.cpu_count(),
        "load_before": round(load_before, 2),
    }
    result.update(analyse(cpu_runs, rtts, args.interval, phases))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
