"""Prints the GIL-under-contention table of docs/real-runs.md: each case of a gil_probe.py results file (JSON lines)
beside the simulator's figures for the same case (gil_sim.py), deterministic and seeded.

    python3 gil_table.py RESULTS.jsonl --bin build/native-release/interleave [--seed 1]"""
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--bin", default="build/native-release/interleave")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
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
