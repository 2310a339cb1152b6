"""Checks the reference suite is runnable (not that it is accurate): every case of cases.json names a program and a
scenario that exist, every scenario parses and simulates under `interleave sim` and yields the metrics its case
compares, and every program runs in its quick mode (a fraction of a second each) and prints the fields its case
reads. Run by ctest (reference_manifest, tests/CMakeLists.txt) in every native build's unit tests.

    python3 tests/reference/test_manifest.py        (PYTHON / INTERLEAVE as for run_suite.py)"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_suite  # noqa: E402

HERE = run_suite.HERE


class ReferenceManifest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.manifest = run_suite.load_manifest()
        cls.cases = cls.manifest["cases"]

    def test_case_ids_are_unique_and_files_exist(self):
        ids = [c["id"] for c in self.cases]
        self.assertEqual(len(ids), len(set(ids)), "duplicate case ids")
        for c in self.cases:
            with self.subTest(case=c["id"]):
                self.assertTrue(os.path.isfile(os.path.join(HERE, c["program"][0])), c["program"][0])
                self.assertTrue(os.path.isfile(os.path.join(HERE, c["scenario"])), c["scenario"])
                self.assertTrue(c["metrics"], "a case compares at least one metric")
                for m in c["metrics"]:
                    self.assertTrue({"name", "real", "sim", "bound"} <= set(m), m)
                if c.get("server"):
                    self.assertIn(c["server"], self.manifest["servers"])

    def test_every_scenario_simulates_with_its_metrics(self):
        interleave = run_suite.find_interleave()
        for c in self.cases:
            with self.subTest(case=c["id"]):
                trace = run_suite.simulate(interleave, os.path.join(HERE, c["scenario"]))
                for m in c["metrics"]:
                    values = run_suite.sim_values(trace, m, c)
                    self.assertTrue(values and all(v > 0 for v in values), f"{m['sim']}: {values}")

    def test_every_program_runs_quick(self):
        python = run_suite.find_python()
        servers = {}
        try:
            if any(c.get("server") for c in self.cases):
                servers["delay"] = run_suite.Server(python, self.manifest["servers"]["delay"], quick=True)
            for c in self.cases:
                with self.subTest(case=c["id"]):
                    t0 = time.perf_counter()
                    out = run_suite.run_program(python, c, servers, timeout=30, quick=True)
                    self.assertLess(time.perf_counter() - t0, 10, "quick mode should take well under a second or two")
                    for m in c["metrics"]:
                        values = run_suite.real_values([out], m)
                        self.assertTrue(values and all(v > 0 for v in values), f"{m['real']}: {values}")
        finally:
            for s in servers.values():
                s.stop()

    def test_against_a_stored_run_compares_with_its_cpython_figures(self):
        # --against runs no program: the CPython column is the stored run's, whatever this machine does now.
        stored = os.path.join(HERE, "results", "2026-12-05-1910-gil-3.11.2.json")
        r = subprocess.run([sys.executable, os.path.join(HERE, "run_suite.py"), "--against", stored, "--only",
                            "gil_2cpu,nonexistent", "--seeds", "0"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [line for line in r.stdout.splitlines() if line.startswith("| gil_2cpu |")]
        self.assertEqual(len(rows), 1, r.stdout)
        self.assertIn("| 5.10 (5.09..5.14) |", rows[0], "the stored run's median and spread")
        self.assertIn("of 1 comparisons within bound", r.stdout)

    def test_the_comparison_is_with_the_seeded_runs_and_notes_the_deterministic_one(self):
        # Which waiter wins the GIL is random in CPython, and its column pools five runs; the simulated column pools
        # the seeded runs (their spread is the model's, not one locked phase), and the deterministic run is noted.
        stored = os.path.join(HERE, "results", "2026-12-07-1617-3.11.2.json")
        def row(seeds):
            r = subprocess.run([sys.executable, os.path.join(HERE, "run_suite.py"), "--against", stored, "--only",
                                "gil_2cpu_io", "--seeds", str(seeds)], capture_output=True, text=True, timeout=600)
            self.assertEqual(r.returncode, 0, r.stderr)
            rows = [line for line in r.stdout.splitlines()
                    if line.startswith("| gil_2cpu_io | I/O round trip median |")]
            self.assertEqual(len(rows), 1, r.stdout)
            return [cell.strip() for cell in rows[0].split("|")]
        seeded, alone = row(4), row(0)
        spread = re.fullmatch(r"([0-9.]+) \(([0-9.]+)\.\.([0-9.]+)\)", seeded[4])
        self.assertIsNotNone(spread, seeded)
        self.assertLess(float(spread.group(2)), float(spread.group(3)), "seeds that pick other waiters")
        self.assertIn(f"seeds 1..4; the deterministic run: {alone[4]} ", seeded[9])
        self.assertNotIn("seeds 1..", alone[9])

    def test_against_a_fresh_parts_run_simulates_the_scenarios_its_parts_write(self):
        # A --fresh-parts run stored its parts: --against simulates what those parts write, not the committed scenario
        # (measured on another day), so two simulators compare on the figures of one machine and hour.
        import write_scenarios
        stored = os.path.join(HERE, "results", "2026-12-06-2205-3.11.2.json")
        with open(stored) as f:
            parts = json.load(f)["parts"]
        interleave = run_suite.find_interleave()

        def makespan_ms(scenario):
            r = subprocess.run([interleave, "sim", scenario, "--json"], capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            return json.loads(r.stdout)["metrics"]["makespan_ns"] / 1e6

        with tempfile.TemporaryDirectory() as d:
            write_scenarios.write_all(parts, d)
            from_parts = makespan_ms(os.path.join(d, "pickle_ints_10MiB.json"))
            committed = makespan_ms(os.path.join(HERE, "scenarios", "pickle_ints_10MiB.json"))
            out = os.path.join(d, "out.json")
            r = subprocess.run([sys.executable, os.path.join(HERE, "run_suite.py"), "--against", stored, "--only",
                                "pickle_ints_10MiB", "--seeds", "0", "--out", out], capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out) as f:
                row = json.load(f)["rows"][0]
        self.assertNotAlmostEqual(from_parts, committed, delta=1.0, msg="the test needs parts that differ")
        self.assertAlmostEqual(row["simulated"]["median"], from_parts, delta=0.01)

    def test_against_something_else_says_what_is_wrong(self):
        with tempfile.TemporaryDirectory() as d:
            for name, text in (("garbage.json", "{not json"), ("other.json", '{"runs": 5, "meta": {}}'),
                               ("empty.json", '{"runs": {}, "meta": {}}'),
                               ("fieldless.json", '{"meta": {}, "runs": {"gil_2cpu": [{"slice_us": "5"}]}}')):
                path = os.path.join(d, name)
                with open(path, "w") as f:
                    f.write(text)
                with self.subTest(file=name):
                    r = subprocess.run([sys.executable, os.path.join(HERE, "run_suite.py"), "--against", path],
                                       capture_output=True, text=True, timeout=60)
                    self.assertNotEqual(r.returncode, 0)
                    self.assertIn(f"--against {path}:", r.stderr)
                    self.assertNotIn("Traceback", r.stderr)


class CpuSpeedDiagnosis(unittest.TestCase):
    """The suite's CPU probe: how much faster or slower the CPU ran than when a scenario's parts were measured, and the
    scenario simulated with its CPU steps at that speed."""

    def test_cpu_and_c_call_steps_scale_everywhere_and_waits_do_not(self):
        doc = {"tasks": [{"name": "a", "steps": [
                   {"cpu": "2ms"}, {"io": "9us"}, {"io": "2us", "reply_after": "28us"},
                   {"repeat": 3, "steps": [{"c_call": "1.5us"}, {"await": "1s"}]},
                   {"to_thread": {"cpu": "4ms"}}, {"to_thread": {"io": "4ms"}}, {"children": 0}]}],
               "children": [{"name": "c", "steps": [{"cpu": "0.5s"}]}]}
        run_suite.scale_cpu_steps(doc, 2)
        steps = doc["tasks"][0]["steps"]
        self.assertEqual(steps[0], {"cpu": "4000000ns"})
        self.assertEqual(steps[1], {"io": "9us"})
        self.assertEqual(steps[2], {"io": "2us", "reply_after": "28us"})
        self.assertEqual(steps[3]["steps"], [{"c_call": "3000ns"}, {"await": "1s"}])
        self.assertEqual(steps[4], {"to_thread": {"cpu": "8000000ns"}})
        self.assertEqual(steps[5], {"to_thread": {"io": "4ms"}})
        self.assertEqual(doc["children"][0]["steps"], [{"cpu": "1000000000ns"}])
        for bad in ("fast", "5", "-2ms", "2 parsecs", 7):
            with self.subTest(duration=bad), self.assertRaises(ValueError):
                run_suite.scale_duration(bad, 2)

    def test_the_parts_are_the_ones_the_scenario_names(self):
        with tempfile.TemporaryDirectory() as d:
            for name, started, ms in (("2026-01-01-parts-3.11.2.json", "2026-01-01T01:00:00Z", 30.0),
                                      ("2026-01-02-parts-3.11.2.json", "2026-01-02T02:00:00Z", 70.0)):
                with open(os.path.join(d, name), "w") as f:
                    json.dump({"started": started, "sum_cpu": {"median": ms}}, f)
            scenario = os.path.join(d, "s.json")
            for description, want in (("x. parts measured 2026-01-01T01:00:00Z on CPython", 30.0),
                                      ("parts measured 2026-01-02T02:00:00Z.", 70.0),
                                      ("parts measured 2025-05-05T00:00:00Z", None), ("no parts named", None)):
                with open(scenario, "w") as f:
                    json.dump({"description": description}, f)
                with self.subTest(description=description):
                    self.assertEqual(run_suite.parts_sum_cpu(scenario, results=d), want)
            self.assertEqual(run_suite.parts_sum_cpu(scenario, {"sum_cpu": {"median": 41.0}}, results=d), 41.0,
                             "parts this run measured are the reference")

    def test_a_cases_probe_is_the_median_of_its_rounds_before_and_after(self):
        probes = [40.0, 60.0, None, 80.0]
        self.assertEqual(run_suite.case_cpu_probes(probes, {"a": [0], "b": [0, 1, 2], "c": [1], "d": []}),
                         {"a": 50.0, "b": 50.0})

    def against(self, stored_doc):
        with tempfile.TemporaryDirectory() as d:
            stored = os.path.join(d, "stored.json")
            with open(stored, "w") as f:
                json.dump(stored_doc, f)
            r = subprocess.run([sys.executable, os.path.join(HERE, "run_suite.py"), "--against", stored, "--only",
                                "cpu_threads", "--seeds", "0", "--out", os.path.join(d, "out.json")],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(d, "out.json")) as f:
                return r.stdout, next(row for row in json.load(f)["rows"] if row["metric"] == "makespan")

    def test_a_stored_run_on_a_cpu_twice_as_slow_is_simulated_twice_as_slow(self):
        # cpu_threads is pure Python on threads: its makespan is its CPU steps, so at half the speed it doubles.
        parts_ms = run_suite.parts_sum_cpu(os.path.join(HERE, "scenarios", "cpu_threads.json"))
        self.assertIsNotNone(parts_ms, "the committed scenario names committed parts")
        run = {"wall_ms": 500.0, "latencies_ms": [100.0] * 8}
        # The probe between rounds, where the items do not say their n (an older run's output).
        out, row = self.against({"meta": {}, "cpu_probes": {"cpu_threads": 2 * parts_ms},
                                 "runs": {"cpu_threads": [dict(run, item_cpu_ms=[3 * parts_ms] * 8)]}})
        self.assertAlmostEqual(row["cpu_speed"]["factor"], 2.0, places=3)
        ratio = row["cpu_speed"]["simulated"]["median"] / row["simulated"]["median"]
        self.assertTrue(1.9 < ratio < 2.05, ratio)
        self.assertIn("CPU probe", out)
        self.assertIn("(2.00x): with CPU steps at that speed", out)
        # The items' own CPU, of the probe's n, wins over the probe: the work itself ran at that speed.
        out, row = self.against({"meta": {}, "cpu_probes": {"cpu_threads": 2 * parts_ms}, "runs": {"cpu_threads": [
            dict(run, item_cpu_ms=[3 * parts_ms] * 8, item_n=run_suite.PROBE_N)]}})
        self.assertAlmostEqual(row["cpu_speed"]["factor"], 3.0, places=3)
        self.assertIn("its items' own CPU", out)
        self.assertIn("(3.00x)", out)

class WrittenScenarios(unittest.TestCase):
    def test_copies_that_were_all_page_faults_still_make_a_scenario_that_simulates(self):
        # 2026-12-06: with the fresh pages taken out, the 100 MiB copies' medians were 0 ms, and the throughput
        # written was beyond what the format takes.
        import write_scenarios
        with open(os.path.join(HERE, "results", "2026-12-05-parts-3.11.2.json")) as f:
            parts = json.load(f)
        for copy in ("dumps", "transfer", "loads"):
            parts["pickle.bytes.100MiB"][copy] = {"median": 0.0, "p10": 0.0, "p90": 0.0, "n": 3}
        with tempfile.TemporaryDirectory() as d:
            write_scenarios.write_all(parts, d)
            trace = run_suite.simulate(run_suite.find_interleave(), os.path.join(d, "pickle_bytes_100MiB.json"))
        self.assertGreater(trace["metrics"]["makespan_ns"], 0)

    def test_a_fork_worker_costs_its_parent_what_a_real_pool_pays_for_it(self):
        # Parts from 2026-12-08 on time Pool(1) and Pool(8) in the parent (start_probe.py pool_init_cpu, _8): each
        # worker beyond the first costs the slope, and Pool(1)'s own set-up is what is left of its time once its worker
        # is charged that way, so the modelled Pool(1) is as long as before.
        import write_scenarios

        def profile(parts, name):
            with tempfile.TemporaryDirectory() as d:
                write_scenarios.write_all(parts, d)
                with open(os.path.join(d, name)) as f:
                    return json.load(f)["machine"]["profile"]

        def ms(v):
            self.assertTrue(v.endswith("us"), v)
            return float(v[:-2]) / 1000

        with open(os.path.join(HERE, "results", "2026-12-07-2336-3.11.2.json")) as f:
            parts = json.load(f)["parts"]
        before = profile(parts, "process_start_fork.json")
        fork = parts["process_start"]["light"]["fork"]
        self.assertAlmostEqual(ms(before["process_start_fork"]), fork["parent_start"]["median"], places=3)
        fork["pool_init_cpu"] = {"median": 1.1, "p10": 1.0, "p90": 1.2, "n": 5}
        fork["pool_init_cpu_8"] = {"median": 5.3, "p10": 5.2, "p90": 5.4, "n": 5}
        after = profile(parts, "process_start_fork.json")
        self.assertAlmostEqual(ms(after["process_start_fork"]), (5.3 - 1.1) / 7, places=3)
        pool_one = lambda p: ms(p["pool_setup"]) + ms(p["process_start_fork"]) + ms(p["fork_child_start"])
        self.assertAlmostEqual(pool_one(after), pool_one(before), places=3)
        self.assertEqual(ms(profile(parts, "cpu_pool.json")["process_start_fork"]), ms(after["process_start_fork"]))
        # The heavy main module's Pools (fetch_pool) take their own slope; without it, their bare start.
        heavy = parts["process_start"]["heavy"]["fork"]
        self.assertAlmostEqual(ms(profile(parts, "fetch_pool.json")["process_start_fork"]),
                               heavy["parent_start"]["median"], places=3)
        heavy["pool_init_cpu"] = {"median": 1.7, "p10": 1.6, "p90": 1.8, "n": 5}
        heavy["pool_init_cpu_8"] = {"median": 7.3, "p10": 7.2, "p90": 7.4, "n": 5}
        self.assertAlmostEqual(ms(profile(parts, "fetch_pool.json")["process_start_fork"]), (7.3 - 1.7) / 7, places=3)
        # Spawn and forkserver keep the bare fork: the launcher's fork+exec, the server's fork of a worker.
        for name in ("process_start_spawn.json", "process_start_forkserver.json"):
            with open(os.path.join(HERE, "results", "2026-12-07-2336-3.11.2.json")) as f:
                old_parts = json.load(f)["parts"]
            self.assertEqual(profile(parts, name), profile(old_parts, name), name)


if __name__ == "__main__":
    unittest.main(verbosity=2)
