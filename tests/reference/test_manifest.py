"""Checks the reference suite is runnable (not that it is accurate): every case of cases.json names a program and a
scenario that exist, every scenario parses and simulates under `interleave sim` and yields the metrics its case
compares, and every program runs in its quick mode (a fraction of a second each) and prints the fields its case
reads. Run by ctest (reference_manifest, tests/CMakeLists.txt) in every native build's unit tests.

    python3 tests/reference/test_manifest.py        (PYTHON / INTERLEAVE as for run_suite.py)"""
import os
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
                            "gil_2cpu,nonexistent"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [line for line in r.stdout.splitlines() if line.startswith("| gil_2cpu |")]
        self.assertEqual(len(rows), 1, r.stdout)
        self.assertIn("| 5.10 (5.09..5.14) |", rows[0], "the stored run's median and spread")
        self.assertIn("of 1 comparisons within bound", r.stdout)

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


if __name__ == "__main__":
    unittest.main(verbosity=2)
