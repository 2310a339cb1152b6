"""The simulator's side of gil_probe.py: writes the scenario a reader would write from the probe's parts, simulates
it with `interleave sim --out`, and reads the same distributions from the trace (the GIL lane's holders give each
CPU thread's runs; the I/O thread's send spans give its round trips), through gil_probe.analyse.

    python3 gil_sim.py --bin build/native-release/interleave --cpu 2 --io --interval 5 [--busy N] [--seed S]

Parts (programs/echo_parts.py: the probe's I/O thread alone against the same echo server, three quiet runs on
2026-12-06, results/echo-parts-2026-12-06-quiet.jsonl; the medians of the runs' medians): sendall 8.8 us; the round
trip, sendall's start to recv's return, 27.9 us; a recv whose reply is already there 1.7 us; about 1 us of Python
around each call. The recv is written as a call that waits for its reply ({"io": "2us", "reply_after": "28us"}): the
echo server answers on its own time, so a recv made after a GIL wait finds its reply there.

The busy cases (--busy N) run on a machine with N busy processes, so their parts are measured on one:
`echo_parts.py --busy 2` (three runs on 2026-12-06, results/echo-parts-busy2-2026-12-06.jsonl): sendall 9.9 us, the
round trip 21.2 us (a woken echo server takes a core from a busy process at once instead of waking an idle one: the
quiet machine's 27.9 and, the same hour, 29.8-35.8 us), a ready recv 2.0 us."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gil_probe  # noqa: E402

# The I/O thread's parts by the number of busy processes they were measured beside: sendall, the round trip (what the
# recv's reply_after is) and a ready recv, in us (medians of three runs' medians, rounded to the us).
PARTS_US = {0: {"send": 9, "reply": 28, "ready_recv": 2}, 2: {"send": 10, "reply": 21, "ready_recv": 2}}
PY_US = 1


def parts(busy):
    if busy not in PARTS_US:
        raise SystemExit(f"no echo_parts.py measurement beside {busy} busy processes (measured: {sorted(PARTS_US)})")
    return PARTS_US[busy]


def scenario(cpu, io, interval_ms, seconds, busy, cores):
    """The probe run for `seconds` (its --seconds): its CPU-bound threads spin until that deadline, taking turns at one
    GIL, so each does about seconds / cpu of work; the I/O thread has round trips enough for the whole run (those made
    after the CPU-bound threads end are not counted, analyse_trace)."""
    p = parts(busy) if io else None
    tasks = []
    if cpu:
        tasks.append({"name": "cpu", "count": cpu, "steps": [{"cpu": f"{int(seconds * 1000 / cpu)}ms"}]})
    if io:
        trips = int(seconds * 1e6 / (p["reply"] + 2 * PY_US))
        tasks.append({"name": "io", "count": 1, "steps": [{"repeat": min(trips, 1_000_000), "steps": [
            {"cpu": f"{PY_US}us"}, {"io": f"{p['send']}us"}, {"cpu": f"{PY_US}us"},
            {"io": f"{p['ready_recv']}us", "reply_after": f"{p['reply']}us"}]}]})
    machine = {"cores": cores, "profile": {"switch_interval": f"{int(interval_ms * 1000)}us"}}
    if busy:
        machine["background_load"] = busy
    return {"version": 9, "python": "3.11", "name": "gil probe", "tasks": tasks,
            "model": {"kind": "threads", "workers": cpu + (1 if io else 0)}, "machine": machine}


def analyse_trace(trace, interval_ms, io):
    names = [t["name"] for t in trace["tracks"]]
    task_names = [t["name"] for t in trace["tasks"]]
    # The thread each task ran on, from the thread lanes' spans that carry the task.
    thread_of = {}
    for s in trace["spans"]:
        start, end, track, state, task = s[0], s[1], s[2], s[3], s[4]
        if task >= 0 and trace["tracks"][track]["kind"] == "thread":
            thread_of.setdefault(task, track)
    cpu_tracks = sorted({thread_of[i] for i, n in enumerate(task_names) if n.startswith("cpu[") and i in thread_of})
    io_track = next((thread_of[i] for i, n in enumerate(task_names) if n.startswith("io[") and i in thread_of), None)
    holds = {t: [] for t in cpu_tracks}
    for s in trace["spans"]:
        if s[3] == "holding_gil" and s[5] in holds:
            holds[s[5]].append((s[0], s[1]))
    runs = []
    for t in cpu_tracks:
        merged = []
        for a, b in sorted(holds[t]):
            if merged and a - merged[-1][1] <= gil_probe.GAP_NS:
                merged[-1] = (merged[-1][0], b)
            else:
                merged.append((a, b))
        runs.append(merged)
    rtts, phases = [], []
    if io and io_track is not None:
        # Each round trip is two blocking calls, send then recv: every other I/O span starts a round trip.
        calls = sorted(s[0] for s in trace["spans"] if s[2] == io_track and s[3] == "blocked_io")
        sends, recvs = calls[::2], calls[1::2]
        # The probe's I/O thread stops at the CPU threads' deadline; the scenario's has a fixed count of round trips
        # and runs on alone after them, so only the round trips made beside a CPU thread count.
        cpu_end = max((t["finished"] for t in trace["tasks"] if t["name"].startswith("cpu[")), default=None)
        trips = [(a, r, b) for a, r, b in zip(sends, recvs, sends[1:]) if cpu_end is None or b <= cpu_end]
        rtts = [b - a for a, _, b in trips]
        phases = [(r - a, b - r) for a, r, b in trips]
    return gil_probe.analyse(runs, rtts, interval_ms, phases)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/native-release/interleave")
    ap.add_argument("--cpu", type=int, default=2)
    ap.add_argument("--io", action="store_true")
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--busy", type=int, default=0)
    ap.add_argument("--cores", type=int, default=os.cpu_count())
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.json")
        with open(path, "w") as f:
            json.dump(scenario(args.cpu, args.io, args.interval, args.seconds, args.busy, args.cores), f)
        cmd = [args.bin, "sim", path, "--out", os.path.join(tmp, "trace.json")]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, "trace.json")) as f:
            trace = json.load(f)
    result = {"producer": "simulator", "cpu_threads": args.cpu, "io_thread": args.io, "interval_ms": args.interval,
              "busy_processes": args.busy, "cores": args.cores}
    result.update(analyse_trace(trace, args.interval, args.io))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
