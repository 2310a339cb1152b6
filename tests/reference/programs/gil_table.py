"""Prints the GIL-under-contention table of docs/real-runs.md: each case of a gil_probe.py results file (JSON lines)
beside the simulator's figures for the same case (gil_sim.py), deterministic and seeded.

    python3 gil_table.py RESULTS.jsonl --bin build/native-release/interleave [--seed 1]

With --seeds N, one row per case instead, run against run: CPython's runs (a gil_probe.py JSON-lines file,
or run_suite.py's results file, whose "runs" hold the probe's output per case) beside the deterministic simulation and
N seeded ones (machine.seed 1..N). For each: the median of the runs' round-trip medians with their range, and the
share of round trips that took one switch interval."""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def sim(binary, case, seed):
    cmd = [sys.executable, os.path.join(HERE, "gil_sim.py"), "--bin", binary, "--cpu", str(case["cpu_threads"]),
           "--interval", str(case["interval_ms"]), "--seconds", "1", "--cores", str(case["cores"])]
    if case["io_thread"]:
        cmd.append("--io")
    if case["busy_processes"]:
        cmd += ["--busy", str(case["busy_processes"])]
    if seed:
        cmd += ["--seed", str(seed)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def q(d, key):
    v = d.get(key) or {}
    return "-" if not v else f"{v['p10']:.0f} / {v['p50']:.0f} / {v['p90']:.0f}"


def ranks(d):
    r = d.get("winner_rank_counts") or {}
    total = sum(r.values())
    return "-" if not total else " : ".join(f"{100 * r.get(str(k), 0) / total:.0f}" for k in range(max(int(x) for x in r) + 1))


def load_runs(path):
    """The probe's outputs in a results file, grouped by case (in file order)."""
    with open(path) as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("runs"), dict):
        outputs = [r for runs in doc["runs"].values() if isinstance(runs, list) for r in runs if isinstance(r, dict)]
    else:
        outputs = [json.loads(line) for line in text.splitlines() if line.strip()]
    cases = {}
    for out in outputs:
        if "cpu_threads" not in out or not out.get("io_thread") or not out.get("rtt_us"):
            continue  # only the cases with round trips
        key = (out["cpu_threads"], out["interval_ms"], out["busy_processes"], out["cores"])
        cases.setdefault(key, []).append(out)
    return cases


def one_interval_share(runs):
    counts = [r.get("rtt_intervals") or {} for r in runs]
    total = sum(sum(c.values()) for c in counts)
    return sum(c.get("1", 0) for c in counts) / total if total else 0.0


def summary(runs):
    medians = sorted(r["rtt_us"]["p50"] / 1000 for r in runs)
    mid = medians[len(medians) // 2]
    return f"{mid:.2f} ({medians[0]:.2f}..{medians[-1]:.2f}) | {100 * one_interval_share(runs):.0f}%"


def seeds_table(args):
    print("| case | CPython runs | median of run medians (range) ms | one interval | deterministic ms | one interval "
          f"| {args.seeds} seeds: median of run medians (range) ms | one interval |")
    print("|---|---|---|---|---|---|---|---|")
    for (cpu, interval, busy, cores), runs in load_runs(args.results).items():
        case = dict(runs[0])
        name = f"{cpu} CPU + I/O" + (f", {busy} busy" if busy else "") + f", {interval:g} ms"
        seeded = [sim(args.bin, case, seed) for seed in range(1, args.seeds + 1)]
        print(f"| {name} | {len(runs)} | {summary(runs)} | {summary([sim(args.bin, case, 0)])} | {summary(seeded)} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--bin", default="build/native-release/interleave")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", type=int, default=0, help="the run-against-run summary with this many seeds")
    args = ap.parse_args()
    if args.seeds:
        if args.seeds > 100:
            sys.exit("--seeds: at most 100")
        return seeds_table(args)
    print("| case | producer | GIL slice p10 / p50 / p90 (us) | switches per interval | hand-off gap p10 / p50 / p90 (us) "
          "| winner by wait rank (%, longest first) | I/O round trip p10 / p50 / p90 (us) |")
    print("|---|---|---|---|---|---|---|")
    for line in open(args.results):
        case = json.loads(line)
        name = f"{case['cpu_threads']} CPU" + (" + I/O" if case["io_thread"] else "") + \
               (f", {case['busy_processes']} busy" if case["busy_processes"] else "") + f", {case['interval_ms']:g} ms"
        rows = [(f"CPython {case['python']} (load {case['load_before']})", case),
                ("simulated", sim(args.bin, case, 0)), (f"simulated, seed {args.seed}", sim(args.bin, case, args.seed))]
        for producer, d in rows:
            print(f"| {name} | {producer} | {q(d, 'slice_us')} | {d.get('switches_per_interval')} | {q(d, 'handoff_gap_us')} "
                  f"| {ranks(d)} | {q(d, 'rtt_us')} |")


if __name__ == "__main__":
    main()
