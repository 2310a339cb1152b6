"""Checks the reference suite is runnable (not that it is accurate): every case of cases.json names a program and a
scenario that exist, every scenario parses and simulates under `interleave sim` and yields the metrics its case
compares, and every program runs in its quick mode (a fraction of a second each) and prints the fields its case
reads. Run by ctest (reference_manifest, tests/CMakeLists.txt) in every native build's unit tests.

    python3 tests/reference/test_manifest.py        (PYTHON / INTERLEAVE as for run_suite.py)"""
import os
import sys
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
