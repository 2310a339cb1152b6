"""Runs the reference suite (cases.json): every case's real program several times under CPython, its scenario
under `interleave sim`, and prints one markdown table (docs/real-runs.md, "Reference suite").

    python3 tests/reference/run_suite.py [--repeats N] [--only ID,ID] [--budget-s 540] [--out FILE] [--profile FILE]
    python3 tests/reference/run_suite.py --against results/FILE.json [--only ID,ID] [--profile FILE] [--out FILE]

--against simulates the committed scenarios again (or, for a results file of a --fresh-parts run, the scenarios written
from the parts it stored) and compares them with the CPython runs stored in a results file,
without running any program: what a change to the model does to the table, on the figures CPython gave then (the
table's load and effective cores are that run's). It writes no results file unless --out says where.

Environment: PYTHON (the interpreter the programs run on; default the first of python3 and /usr/bin/python3 that
imports requests and aiohttp), INTERLEAVE (the simulator; default the newest of build/native-release/interleave
and build/native-debug/interleave). Records python --version, nproc, the load average before every case and the
machine in the results file (default tests/reference/results/<date>-<python>.json). Bounded: cases not started
within --budget-s seconds are skipped and listed as such."""
import argparse
import concurrent.futures
import functools
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "programs"))
import gil_sim  # noqa: E402  (the GIL cases' trace analysis, programs/gil_sim.py)


def quantile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] if s else None


def spread(values):
    return {"median": statistics.median(values), "p10": quantile(values, 0.1), "p90": quantile(values, 0.9),
            "n": len(values)} if values else None


def effective_cores(seconds=0.3):
    """One busy process per core for `seconds`: cores x CPU / wall, as scripts/accuracy.sh's check measures it. With
    other tenants busy it is below the core count: the real runs then had less machine than the scenario says."""
    n = os.cpu_count() or 1
    code = ("import time, os\nt = time.perf_counter() + %f\nc = time.process_time()\n"
            "while time.perf_counter() < t: pass\nprint(time.process_time() - c)" % seconds)
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(n)]
    cpu = sum(float(p.communicate()[0]) for p in procs)
    return round(cpu / max(time.perf_counter() - t0 - 0.02, seconds), 2)


# parts.py's sum_cpu, the same code: one sum(i * i for i in range(1_000_000)), its thread CPU time.
PROBE_N = 1_000_000
# The probe is parts.py's own sum_part, so the two cannot drift apart.
CPU_PROBE = ("import sys\nsys.path.insert(0, %r)\nimport parts\n"
             "print(parts.sum_part(%d, 3)['sum_cpu']['median'])" % (os.path.join(HERE, "programs"), PROBE_N))


def cpu_probe_ms(python):
    """How fast the CPU is now: parts.py's sum_cpu (median of 3 after 2 warm-ups) in a fresh interpreter. On a shared VM
    it moves with other tenants (a busy sibling hyper-thread, shared caches) where the load average, the steal time
    and the effective cores do not: within one suite run (2026-12-06) the same item took 42 to 102 ms of its own CPU
    time, and the parts' sum_cpu was 27.5 ms one morning and 78 ms another night."""
    r = subprocess.run([python, "-c", CPU_PROBE], capture_output=True, text=True, timeout=60)
    return round(float(r.stdout), 3) if r.returncode == 0 and r.stdout.strip() else None


def parts_sum_cpu(scenario_path, parts=None, results=os.path.join(HERE, "results")):
    """The sum_cpu (ms) of the parts a scenario was written from: `parts` when this run measured them, else the
    committed parts file whose "started" the scenario's description names ("parts measured 2026-12-05T07:26:44Z");
    None when neither says."""
    def of(doc):
        return (doc.get("sum_cpu") or {}).get("median") if doc.get("sum_n", PROBE_N) == PROBE_N else None
    if parts:
        return of(parts)
    try:
        with open(scenario_path) as f:
            description = json.load(f).get("description", "")
    except (OSError, ValueError):
        return None
    marker = "parts measured "
    if marker not in description:
        return None
    doc = committed_parts(results).get(description.split(marker, 1)[1].split()[0].rstrip(".,;"))
    return of(doc) if doc else None


@functools.lru_cache(maxsize=None)
def committed_parts(results):
    """Every parts file in `results`, by its "started": read once a run, not once a case."""
    found = {}
    for name in sorted(os.listdir(results)):
        if "-parts-" not in name or not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(results, name)) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and isinstance(doc.get("started"), str):
            found.setdefault(doc["started"], doc)
    return found


DURATION_UNITS_NS = {"ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "min": 60e9, "h": 3600e9}


def scale_duration(text, factor):
    """A scenario's duration ("41.8ms", docs/scenario.md) times `factor`, written in whole ns ("83600000ns")."""
    pattern = r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s|min|h)\s*"
    match = re.fullmatch(pattern, text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"not a duration: {text!r}")
    return f"{round(float(match.group(1)) * DURATION_UNITS_NS[match.group(2)] * factor)}ns"


def scale_cpu_steps(doc, factor):
    """The scenario with every `cpu` and `c_call` step (in repeat blocks, children and to_thread too) taking `factor`
    times as long: the same program on a CPU `factor` times slower. Waits (io, await, sleep, reply_after) and the
    machine profile's costs stay as they are."""
    def steps(items):
        for step in items or []:
            if not isinstance(step, dict):
                continue
            for kind in ("cpu", "c_call"):
                if kind in step:
                    step[kind] = scale_duration(step[kind], factor)
            if isinstance(step.get("to_thread"), dict):
                steps([step["to_thread"]])
            steps(step.get("steps"))
    for group in doc.get("tasks", []) + doc.get("children", []):
        steps(group.get("steps"))
    return doc


def find_python():
    if os.environ.get("PYTHON"):
        return os.environ["PYTHON"]
    for py in ("python3", "/usr/bin/python3"):
        r = subprocess.run([py, "-c", "import requests, aiohttp"], capture_output=True)
        if r.returncode == 0:
            return py
    sys.exit("run_suite: no python3 imports both requests and aiohttp (scripts/setup.sh installs python3-requests "
             "and python3-aiohttp for /usr/bin/python3); set PYTHON")


def find_interleave():
    if os.environ.get("INTERLEAVE"):
        return os.environ["INTERLEAVE"]
    found = [p for p in (os.path.join(ROOT, "build", b, "interleave") for b in ("native-release", "native-debug"))
             if os.access(p, os.X_OK)]
    if not found:
        sys.exit("run_suite: no build/native-release/interleave or build/native-debug/interleave; set INTERLEAVE")
    return max(found, key=os.path.getmtime)


def load_manifest(path=os.path.join(HERE, "cases.json")):
    with open(path) as f:
        return json.load(f)


class Server:
    """A helper server from the manifest (the delay server): started, its port read from its first line."""

    def __init__(self, python, spec, quick=False):
        cmd = spec["quick_command"] if quick and "quick_command" in spec else spec["command"]
        self.proc = subprocess.Popen([python, os.path.join(HERE, cmd[0])] + cmd[1:], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError(f"server {cmd} did not print its port")
        self.url = f"http://127.0.0.1:{int(line)}"

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


def program_command(python, case, servers, quick=False):
    args = [a.replace("{delay_url}", servers["delay"].url) if "delay" in servers else a for a in case["program"][1:]]
    if quick:
        args += case.get("quick_args", ["--quick"])
    return [python, os.path.join(HERE, case["program"][0])] + args


def run_program(python, case, servers, timeout, quick=False):
    cmd = program_command(python, case, servers, quick)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=os.path.join(HERE, "programs"))
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()[-400:]}")
    lines = [l for l in r.stdout.splitlines() if l.strip().startswith("{")]
    if not lines:
        raise RuntimeError(f"{' '.join(cmd)} printed no JSON line")
    return json.loads(lines[-1])


def simulate(interleave, scenario, profile=None, timeout=120, seed=None):
    """`interleave sim SCENARIO --json` and the trace (for per-task latencies); with a seed, one of the runs CPython
    could give (the wake-up latencies and timer slack drawn from it) instead of the deterministic one. Raises with
    the simulator's message when the scenario does not parse or simulate."""
    with tempfile.TemporaryDirectory() as tmp:
        trace_path = os.path.join(tmp, "trace.json")
        cmd = [interleave, "sim", scenario, "--json", "--out", trace_path] + (["--profile", profile] if profile else [])
        if seed is not None:
            cmd += ["--seed", str(seed)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"interleave sim {os.path.relpath(scenario, ROOT)}: {(r.stderr or r.stdout).strip()[-400:]}")
        with open(trace_path) as f:
            return json.load(f)


UNIT_TO_MS = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}


def unit_of(field, metric):
    if "real_unit" in metric:
        return metric["real_unit"]
    for part in reversed(field.split(".")):
        for unit in ("ms", "us", "ns"):
            if part.endswith("_" + unit):
                return unit
    return "ms"


def real_values(runs, metric):
    """Every run's value (or every item of every run's list) of metric['real'], in ms."""
    field = metric["real"]
    scale = UNIT_TO_MS[unit_of(field, metric)]
    out = []
    for run in runs:
        v = run
        for key in field.split("."):
            v = v[key]
        out.extend([x * scale for x in v] if isinstance(v, list) else [v * scale])
    return out


def sim_values(trace, metric, case=None):
    """The simulated value(s) in ms: a metrics path (one value), 'tasks:GROUP[,GROUP]' (each top-level task's
    latency) or 'gil:PATH' (a path into what programs/gil_probe.py prints, read from the trace the way
    programs/gil_sim.py reads it: the case's 'gil' says the switch interval and whether an I/O thread runs)."""
    sim = metric["sim"]
    if sim.startswith("gil:"):
        gil = (case or {}).get("gil")
        if gil is None:
            raise ValueError(f"metric {sim}: its case has no 'gil' settings")
        # One analysis a trace, whatever number of its metrics read it (reading the spans is the slow part).
        key = (gil["interval_ms"], gil["io"])
        analyses = trace.setdefault("_gil_analyses", {})
        if key not in analyses:
            analyses[key] = gil_sim.analyse_trace(trace, gil["interval_ms"], gil["io"])
        v = analyses[key]
        path = sim.split(":", 1)[1]
        for key in path.split("."):
            v = v.get(key) if isinstance(v, dict) else None
        return [] if v is None else [v * UNIT_TO_MS[unit_of(path, {})]]
    if sim.startswith("tasks:"):
        groups = tuple(g + "[" for g in sim.split(":", 1)[1].split(","))
        return [(t["finished"] - t["submitted"]) / 1e6 for t in trace["tasks"]
                if t["name"].startswith(groups) and "/" not in t["name"] and t.get("finished", -1) >= 0]
    v = trace
    for key in sim.split("."):
        v = v[key]
    return [v / 1e6 if sim.endswith("_ns") else v]


def simulate_at_cores(interleave, scenario, cores, profile=None):
    """The same scenario with machine.cores set to `cores` (the effective cores the real runs had)."""
    return simulate_edited(interleave, scenario, lambda doc: doc.setdefault("machine", {}).update(cores=cores), profile)


def simulate_edited(interleave, scenario, edit, profile=None):
    """The scenario as `edit(doc)` changes it, simulated."""
    with open(scenario) as f:
        doc = json.load(f)
    edit(doc)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    try:
        return simulate(interleave, f.name, profile)
    finally:
        os.unlink(f.name)


def fmt(x):
    return "-" if x is None else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")


def compare(case, metric, runs, simulated):
    """One row: CPython's runs against the simulated values (sim_values of one trace, or of several pooled)."""
    real = spread(real_values(runs, metric))
    sim = spread(simulated)
    row = {"case": case["id"], "metric": metric["name"], "bound": metric["bound"], "cpython": real, "simulated": sim}
    if real and sim and real["median"]:
        err = (sim["median"] - real["median"]) / real["median"]
        row["error"] = err
        row["within"] = abs(err) <= metric["bound"]
        # Run-to-run spread: of the value itself, or of each run's median where a run has many items (the items of
        # one run are spread by design: a sequential loop's fifth fetch ends five times later than its first).
        per_run = [statistics.median(real_values([run], metric)) for run in runs]
        row["cpython_run_medians"] = spread(per_run)
        row["cpython_spread"] = (quantile(per_run, 0.9) - quantile(per_run, 0.1)) / statistics.median(per_run)
        row["spread_wider_than_bound"] = row["cpython_spread"] > 2 * metric["bound"]
    return row


def table(rows):
    out = ["| case | metric | CPython median (p10..p90) ms | simulated ms (p10..p90) | error | bound | within? "
           "| sim at effective cores ms | note |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c, s = r.get("cpython"), r.get("simulated")
        cp = f"{fmt(c['median'])} ({fmt(c['p10'])}..{fmt(c['p90'])})" if c else "-"
        if s and s["n"] > 1:
            sm = f"{fmt(s['median'])} ({fmt(s['p10'])}..{fmt(s['p90'])})"
        else:
            sm = fmt(s["median"]) if s else "-"
        err = f"{r['error'] * 100:+.1f}%" if "error" in r else "-"
        within = ("yes" if r["within"] else "**no**") if "within" in r else "-"
        notes = []
        if r.get("spread_wider_than_bound"):
            notes.append(f"CPython's run-to-run p10..p90 spans {r['cpython_spread'] * 100:.0f}% of its median, wider "
                         f"than ±{r['bound'] * 100:.0f}%")
        det = r.get("simulated_deterministic")
        if det and c:
            notes.append(f"seeds 1..{r['seeds']}; the deterministic run: {fmt(det['median'])} "
                         f"({(det['median'] - c['median']) / c['median'] * 100:+.1f}%)")
        if r.get("error_text"):
            notes.append(r["error_text"])
        if r.get("load") is not None:
            notes.append(f"load {r['load']:.2f}")
        speed = r.get("cpu_speed")
        if speed and c and speed.get("simulated"):
            at = speed["simulated"]["median"]
            what = "its items' own CPU" if speed.get("from") == "items" else "CPU probe"
            notes.append(f"{what} {speed['probe_ms']:.1f} ms against the parts' {speed['parts_ms']:.1f} "
                         f"({speed['factor']:.2f}x): with CPU steps at that speed {fmt(at)} "
                         f"({(at - c['median']) / c['median'] * 100:+.1f}%)")
        eff = r.get("simulated_at_effective_cores")
        eff_text = (f"{fmt(eff['median'])} ({(eff['median'] - c['median']) / c['median'] * 100:+.0f}%, "
                    f"{r['effective_cores_used']} core{'s' if r['effective_cores_used'] > 1 else ''})"
                    if eff and c else "-")
        out.append(f"| {r['case']} | {r['metric']} | {cp} | {sm} | {err} | ±{r['bound'] * 100:.0f}% | {within} "
                   f"| {eff_text} | {'; '.join(notes)} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=None, help="runs per case (default: the manifest's)")
    ap.add_argument("--only", default="", help="comma-separated case ids")
    ap.add_argument("--budget-s", type=float, default=540, help="start no case after this many seconds")
    ap.add_argument("--out", default=None)
    ap.add_argument("--profile", default=None, help="passed to interleave sim --profile")
    ap.add_argument("--fresh-parts", action="store_true",
                    help="measure the parts first (programs/parts.py, about a minute) and simulate scenarios written "
                         "from them (write_scenarios.py) instead of the committed ones: parts and programs then see "
                         "the same machine load; the parts go into the results file")
    ap.add_argument("--seeds", type=int, default=8,
                    help="compare with the simulator's runs under seeds 1..N, pooled, and note its deterministic run "
                         "(0: compare with the deterministic run)")
    ap.add_argument("--against", default=None, metavar="RESULTS",
                    help="compare with the CPython runs stored in this results file instead of running the programs")
    ap.add_argument("--write-scenarios", action="store_true",
                    help="with --fresh-parts: also rewrite tests/reference/scenarios/ and store the parts as "
                         "results/<date>-parts-<python>.json")
    args = ap.parse_args()
    if args.against and (args.fresh_parts or args.repeats):
        ap.error("--against compares with stored runs: it measures nothing (no --fresh-parts, no --repeats)")

    manifest = load_manifest()
    only = set(filter(None, args.only.split(",")))
    cases = [c for c in manifest["cases"] if not only or c["id"] in only]
    if args.against:
        return resimulate(args, cases)
    python, interleave = find_python(), find_interleave()
    version = subprocess.run([python, "--version"], capture_output=True, text=True).stdout.strip()
    pyver = version.split()[-1]
    started = time.time()
    meta = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "python": version,
            "python_executable": python, "interleave": os.path.relpath(interleave, ROOT),
            "nproc": os.cpu_count(), "machine": platform.platform(), "node": platform.node(),
            "load_before": [round(x, 2) for x in os.getloadavg()], "profile": args.profile}
    try:
        with open("/proc/cpuinfo") as f:
            meta["cpu"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
    except OSError:
        pass
    print(f"reference suite: {len(cases)} cases, {version}, nproc {os.cpu_count()}, load {meta['load_before']}, "
          f"simulator {meta['interleave']}", file=sys.stderr)

    servers = {"delay": Server(python, manifest["servers"]["delay"])} if any(c.get("server") for c in cases) else {}
    runs = {c["id"]: [] for c in cases}
    loads = {c["id"]: [] for c in cases}
    rounds = {c["id"]: [] for c in cases}  # the rounds each case ran in, for its CPU probes
    errors, skipped = {}, []
    scenario_dir = tempfile.mkdtemp(prefix="interleave-reference-")
    parts = None
    try:
        if args.fresh_parts:
            import write_scenarios
            delay_cmd = manifest["servers"]["delay"]["command"]
            delay_ms = delay_cmd[delay_cmd.index("--delay-ms") + 1] if "--delay-ms" in delay_cmd else "250"
            server = servers.get("delay") or Server(python, manifest["servers"]["delay"])
            try:
                r = subprocess.run([python, os.path.join(HERE, "programs", "parts.py"), "--server-url", server.url,
                                    "--delay-ms", delay_ms], capture_output=True, text=True, check=True, timeout=300)
            finally:
                if "delay" not in servers:
                    server.stop()
            parts = json.loads(r.stdout)
            write_scenarios.write_all(parts, scenario_dir)
            meta["parts"] = "measured by this run (--fresh-parts), before the programs"
            if args.write_scenarios:
                write_scenarios.write_all(parts, os.path.join(HERE, "scenarios"))
                with open(os.path.join(HERE, "results", f"{time.strftime('%Y-%m-%d', time.gmtime())}-parts-{pyver}.json"), "w") as f:
                    json.dump(parts, f, indent=1)
                    f.write("\n")
            print(f"  parts measured (load {parts['load_before']} .. {parts['load_after']})", file=sys.stderr)
        max_repeats = max((args.repeats or c.get("repeats", manifest["defaults"]["repeats"])) for c in cases)
        # Round-robin: repeat k of every case before repeat k+1, so load that comes and goes hits every case alike.
        for k in range(max_repeats):
            meta.setdefault("effective_cores", []).append(effective_cores())
            meta.setdefault("cpu_probe_ms", []).append(cpu_probe_ms(python))
            for c in cases:
                want = args.repeats or c.get("repeats", manifest["defaults"]["repeats"])
                if k >= want or c["id"] in errors:
                    continue
                if time.time() - started > args.budget_s:
                    if c["id"] not in skipped:
                        skipped.append(c["id"])
                    continue
                loads[c["id"]].append(os.getloadavg()[0])
                rounds[c["id"]].append(k)
                try:
                    runs[c["id"]].append(run_program(python, c, servers, c.get("timeout_s", manifest["defaults"]["timeout_s"])))
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
                    errors[c["id"]] = str(e)
                print(f"  {c['id']} run {k + 1}/{want}: "
                      f"{runs[c['id']][-1].get('wall_ms', 0):.1f} ms" if c["id"] not in errors else f"  {c['id']}: {errors[c['id']]}",
                      file=sys.stderr)
        # After the last round too: each round has a probe before and after it.
        meta.setdefault("cpu_probe_ms", []).append(cpu_probe_ms(python))
    finally:
        for s in servers.values():
            s.stop()

    cpu_probes = case_cpu_probes(meta.get("cpu_probe_ms", []), rounds)
    meta["load_after"] = [round(x, 2) for x in os.getloadavg()]
    out = args.out or os.path.join(HERE, "results", f"{time.strftime('%Y-%m-%d', time.gmtime())}-{pyver}.json")
    # CPython's runs first, without rows: a run stopped while it simulates (accuracy.sh's time limit) keeps them,
    # and --against compares with them later.
    write_results(out, meta, [], runs, loads, errors, skipped, parts, cpu_probes)
    print(f"simulating: each case deterministically and under seeds 1..{args.seeds}", file=sys.stderr)
    rows = simulate_rows(interleave, cases, runs, loads, errors, skipped, meta, scenario_dir if parts else None,
                         args.profile, cpu_probes, parts, args.seeds)
    meta["seconds"] = round(time.time() - started, 1)
    print_table(rows, meta, version, skipped)
    write_results(out, meta, rows, runs, loads, errors, skipped, parts, cpu_probes)
    import shutil
    shutil.rmtree(scenario_dir, ignore_errors=True)


def items_cpu_ms(runs):
    """The median of the items' own CPU time where a program reports it for the probe's work (cpu_threads.py,
    cpu_pool.py: `item_cpu_ms` of items of `item_n` = PROBE_N): the speed the work itself ran at, which a probe
    between rounds can miss (on this VM an item took 45 ms or 90 ms, from one second to the next)."""
    items = [x for run in runs if isinstance(run, dict) and run.get("item_n") == PROBE_N
             for x in run.get("item_cpu_ms", []) if isinstance(x, (int, float)) and x > 0]
    return round(statistics.median(items), 3) if items else None


def case_cpu_probes(probes, rounds):
    """Each case's CPU probe: for every round it ran in, the mean of the probes before and after that round."""
    out = {}
    for case, ks in rounds.items():
        values = [(probes[k] + probes[k + 1]) / 2 for k in ks
                  if k + 1 < len(probes) and probes[k] is not None and probes[k + 1] is not None]
        if values:
            out[case] = round(statistics.median(values), 3)
    return out


# A CPU this much faster or slower than the parts' gets the diagnosis: below it, the probe's own spread.
CPU_SPEED_NOTED = 0.05


def seeded_values(interleave, scenario, case, profile, seeds):
    """Each metric's values in the seeded runs 1..seeds, pooled (as the CPython column pools its runs' values). In
    CPython which waiter wins the GIL and when a core wakes are random, and the simulator's deterministic run can lock
    into one phase of its threads' interval timers that CPython's drift out of (docs/real-runs.md, "What misses, and
    why"): the seeded runs are the comparison's like for like. The runs are independent: they go to every core."""
    def one(seed):
        trace = simulate(interleave, scenario, profile, seed=seed)
        return {m["name"]: sim_values(trace, m, case) for m in case["metrics"]}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        runs = list(pool.map(one, range(1, seeds + 1)))
    return {m["name"]: [v for run in runs for v in run[m["name"]]] for m in case["metrics"]}


def simulate_rows(interleave, cases, runs, loads, errors, skipped, meta, fresh_scenarios, profile, cpu_probes=None,
                  parts=None, seeds=0):
    """Simulates each case's scenario (from fresh_scenarios where the run wrote one, else the committed one) and
    compares it with the case's CPython runs: one row per metric. With seeds, the comparison is with the seeded runs
    1..seeds pooled, and the deterministic run is noted beside it; without, with the deterministic run."""
    rows = []
    # The CPU's speed during a case's runs against the speed when its scenario's parts were measured (the same probe,
    # parts.py's sum_cpu): where it moved, the table also shows the scenario with its CPU steps slowed or sped up by
    # that measured factor (scale_cpu_steps), a diagnosis of the machine, like the effective cores, not the
    # comparison the bound applies to.
    cpu_probes = cpu_probes or {}
    # The scenarios say the machine's cores; when other tenants leave the real runs fewer (effective cores, measured
    # before each round), the table also shows the simulation at that many whole cores (at least 1): a diagnosis of
    # load, not the comparison the bound applies to.
    eff_cores = max(1, round(statistics.median(meta["effective_cores"]))) if meta.get("effective_cores") else None
    for c in cases:
        trace = eff_trace = speed_trace = None
        scenario = os.path.join(fresh_scenarios or "", os.path.basename(c["scenario"]))
        fresh = bool(fresh_scenarios and os.path.exists(scenario))
        if not fresh:
            scenario = os.path.join(HERE, c["scenario"])
        seeded = {}
        try:
            trace = simulate(interleave, scenario, profile)
            if seeds:
                seeded = seeded_values(interleave, scenario, c, profile, seeds)
            with open(scenario) as f:
                cores = json.load(f).get("machine", {}).get("cores", 4)
            if eff_cores and eff_cores < cores:
                eff_trace = simulate_at_cores(interleave, scenario, eff_cores, profile)
            reference = parts_sum_cpu(scenario, parts if fresh else None)
            items = items_cpu_ms(runs[c["id"]])
            probe = items or cpu_probes.get(c["id"])
            if reference and probe and abs(probe / reference - 1) >= CPU_SPEED_NOTED:
                factor = probe / reference
                speed = {"probe_ms": probe, "parts_ms": reference, "factor": round(factor, 3),
                         "from": "items" if items else "probe"}
                speed_trace = simulate_edited(interleave, scenario, lambda doc: scale_cpu_steps(doc, factor), profile)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            errors.setdefault(c["id"], str(e))
        for m in c["metrics"]:
            if runs[c["id"]] and trace:
                deterministic = sim_values(trace, m, c)
                row = compare(c, m, runs[c["id"]], seeded.get(m["name"]) or deterministic)
                if seeded.get(m["name"]):
                    row["seeds"] = seeds
                    row["simulated_deterministic"] = spread(deterministic)
                if eff_trace:
                    row["simulated_at_effective_cores"] = spread(sim_values(eff_trace, m, c))
                    row["effective_cores_used"] = eff_cores
                if speed_trace:
                    row["cpu_speed"] = dict(speed, simulated=spread(sim_values(speed_trace, m, c)))
            else:
                row = {"case": c["id"], "metric": m["name"], "bound": m["bound"], "cpython": None, "simulated": None}
            row["load"] = statistics.median(loads[c["id"]]) if loads[c["id"]] else None
            if c["id"] in errors:
                row["error_text"] = errors[c["id"]][:200]
            if c["id"] in skipped and not runs[c["id"]]:
                row["error_text"] = "skipped: the suite's time budget ran out"
            rows.append(row)
    return rows


def write_results(out, meta, rows, runs, loads, errors, skipped, parts, cpu_probes=None):
    """The results file that --against reads back."""
    if os.path.dirname(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"meta": meta, "rows": rows, "runs": runs, "loads": loads, "errors": errors, "skipped": skipped,
                   "parts": parts, "cpu_probes": cpu_probes or {}}, f, indent=1)
        f.write("\n")
    print(f"results: {os.path.relpath(out, ROOT)}", file=sys.stderr)


def print_table(rows, meta, version, skipped):
    print(table(rows))
    within = sum(1 for r in rows if r.get("within"))
    print(f"\n{within} of {len(rows)} comparisons within bound; {version}, nproc {meta.get('nproc')}, load average "
          f"{meta.get('load_before')} before and {meta.get('load_after')} after; effective cores before each round "
          f"{meta.get('effective_cores')}; CPU probe (ms) before each round and after the last "
          f"{meta.get('cpu_probe_ms')}; {meta.get('seconds')} s"
          + (f"; skipped (budget): {', '.join(skipped)}" if skipped else ""))


def resimulate(args, cases):
    """--against: this simulator on the committed scenarios, against the CPython runs of a stored results file."""
    try:
        with open(args.against) as f:
            stored = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"run_suite: --against {args.against}: cannot be read as JSON ({e})")
    stored_runs = stored.get("runs") if isinstance(stored, dict) else None
    meta = stored.get("meta") if isinstance(stored, dict) else None
    if (not isinstance(stored_runs, dict) or not isinstance(meta, dict) or
            not all(isinstance(v, list) and all(isinstance(run, dict) for run in v) for v in stored_runs.values())):
        sys.exit(f"run_suite: --against {args.against}: not a results file of this suite (it needs \"meta\" and "
                 f"\"runs\": each case's list of runs, as run_suite.py writes them)")
    meta = dict(meta)
    cases = [c for c in cases if stored_runs.get(c["id"])]
    if not cases:
        sys.exit(f"run_suite: --against {args.against}: it has no runs of the cases asked for")
    for c in cases:
        for m in c["metrics"]:
            try:
                real_values(stored_runs[c["id"]], m)
            except (KeyError, TypeError, IndexError) as e:
                sys.exit(f"run_suite: --against {args.against}: a run of {c['id']} has no number at {m['real']} "
                         f"({e!r})")
    interleave = find_interleave()
    runs = {c["id"]: stored_runs[c["id"]] for c in cases}
    loads = {c["id"]: stored.get("loads", {}).get(c["id"], []) for c in cases}
    meta.update({"against": os.path.relpath(os.path.abspath(args.against), ROOT), "profile": args.profile,
                 "interleave": os.path.relpath(interleave, ROOT)})
    print(f"reference suite: {len(cases)} cases re-simulated against the CPython runs of {meta['against']} "
          f"({meta.get('python')}, {meta.get('date')}), simulator {meta['interleave']}", file=sys.stderr)
    cpu_probes = stored.get("cpu_probes") if isinstance(stored.get("cpu_probes"), dict) else {}
    cpu_probes = {k: v for k, v in cpu_probes.items() if isinstance(v, (int, float)) and v > 0}
    # A --fresh-parts run stored the parts its programs were judged by: simulate the scenarios written from those (the
    # same machine and hour as the runs), not the committed ones, so that two simulators compare on equal terms.
    parts = stored.get("parts") if isinstance(stored.get("parts"), dict) else None
    scenario_dir = None
    if parts:
        import write_scenarios
        scenario_dir = tempfile.mkdtemp(prefix="interleave-reference-")
        try:
            write_scenarios.write_all(parts, scenario_dir)
        except (KeyError, TypeError, ValueError) as e:
            sys.exit(f"run_suite: --against {args.against}: its \"parts\" cannot be written as scenarios ({e!r})")
        meta["parts"] = "the parts stored in the results file (a --fresh-parts run)"
    try:
        rows = simulate_rows(interleave, cases, runs, loads, {}, [], meta, scenario_dir, args.profile, cpu_probes, parts,
                             args.seeds)
    finally:
        if scenario_dir:
            import shutil
            shutil.rmtree(scenario_dir, ignore_errors=True)
    print_table(rows, meta, meta.get("python", "?"), [])
    if args.out:
        write_results(args.out, meta, rows, runs, loads, {}, [], parts, cpu_probes)


if __name__ == "__main__":
    main()
