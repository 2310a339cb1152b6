"""Checks that the throughputs `interleave calibrate` measures (src/native/python/calibrate.py) are ones the scenario
format takes: once warm_pickle_costs takes the fresh pages out, a warm copy's median can be 0 ns (every run of it was
page faults), and 8 MiB over 1 ns is past the format's 1 TiB/s, so calibrate refused its own profile. Run by ctest
(reference_calibrate, tests/CMakeLists.txt); measures nothing: the costs are given.

    python3 tests/reference/test_calibrate.py        (INTERLEAVE as for run_suite.py, for the parser's checks)"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "native", "python"))
import calibrate  # noqa: E402
import run_suite  # noqa: E402

MiB = 1 << 20
FIELDS = ("pickle_throughput", "unpickle_throughput", "pickle_objects_throughput", "unpickle_objects_throughput")


def given_costs(dumps, transfer, loads):
    """A warm_pickle_costs that measures nothing: every round took the given ns."""
    def costs(obj, conn, page_touch_ns, rounds):
        return {"dumps": [dumps] * rounds, "transfer": [transfer] * rounds, "loads": [loads] * rounds,
                "pickled_bytes": len(obj), "fresh_pages": {"dumps": 0, "transfer": 0, "loads": 0}}
    return costs


def clock_that_stands_still():
    return 0


def refusal(profile):
    """What `interleave sim` says of a profile file holding `profile` (None: it took it), the parser `interleave
    calibrate` checks its own profile with (scenario::ApplyProfileJson); skips the test without a build."""
    try:
        interleave = run_suite.find_interleave()
    except SystemExit as e:
        raise unittest.SkipTest(str(e))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "profile.json")
        with open(path, "w") as f:
            json.dump({"machine": {"profile": profile}}, f)
        r = subprocess.run([interleave, "sim", "blog_cpu_threads", "--profile", path, "--json"], capture_output=True,
                           text=True, timeout=120)
    return None if r.returncode == 0 else r.stderr.strip() or f"exit {r.returncode}"


def as_calibrate_writes(figures):
    # native_cli.cpp's Calibrate: each throughput as calibrate.py printed it, in bytes.
    return {key: f"{max(1, int(value))}B" for key, value in figures.items()}


class Throughput(unittest.TestCase):
    def test_the_bounds_are_the_formats_own(self):
        # The parser takes the bounds and refuses a byte per second past either.
        self.assertIsNone(refusal({"pickle_throughput": calibrate.MIN_THROUGHPUT,
                                   "unpickle_throughput": calibrate.MAX_THROUGHPUT}))
        self.assertIn("pickle_throughput", refusal({"pickle_throughput": calibrate.MIN_THROUGHPUT - 1}))
        self.assertIn("pickle_throughput", refusal({"pickle_throughput": calibrate.MAX_THROUGHPUT + 1}))

    def test_a_copy_measured_as_no_time_is_the_formats_fastest(self):
        self.assertEqual(calibrate.throughput(8 * MiB, 0), calibrate.MAX_THROUGHPUT)
        self.assertEqual(calibrate.throughput(8 * MiB, 1), calibrate.MAX_THROUGHPUT)

    def test_a_copy_slower_than_the_format_takes_is_its_slowest(self):
        self.assertEqual(calibrate.throughput(100, 1_000_000_000), calibrate.MIN_THROUGHPUT)

    def test_a_throughput_within_the_format_is_unchanged(self):
        self.assertEqual(calibrate.throughput(8 * MiB, 4_000_000), 8 * MiB * 1e9 / 4_000_000)
        self.assertEqual(calibrate.bounded_throughput(123_456_789), 123_456_789)


class Pickling(unittest.TestCase):
    def test_costs_of_no_time_give_throughputs_the_format_takes(self):
        with mock.patch.object(calibrate, "warm_pickle_costs", given_costs(0, 0, 0)):
            out, back = calibrate.pickling_median(page_touch_ns=500)
        for tp in (out, back):
            self.assertGreaterEqual(tp, calibrate.MIN_THROUGHPUT)
            self.assertLessEqual(tp, calibrate.MAX_THROUGHPUT)
        with mock.patch.object(calibrate, "pc", clock_that_stands_still):
            objects_out, objects_back = calibrate.pickling_objects(size=64 << 10)
        for tp in (objects_out, objects_back):
            self.assertGreaterEqual(tp, calibrate.MIN_THROUGHPUT)
            self.assertLessEqual(tp, calibrate.MAX_THROUGHPUT)

    def test_ordinary_costs_give_the_throughput_they_measure(self):
        # dumps 2 ms plus the transfer 1 ms, and loads 4 ms, of 8 MiB: 2.8 GB/s out, 2.1 GB/s back.
        with mock.patch.object(calibrate, "warm_pickle_costs", given_costs(2_000_000, 1_000_000, 4_000_000)):
            out, back = calibrate.pickling_median(page_touch_ns=500)
        self.assertEqual(out, 8 * MiB * 1e9 / 3_000_000)
        self.assertEqual(back, 8 * MiB * 1e9 / 4_000_000)

    def test_the_profile_written_from_costs_of_no_time_validates(self):
        # What calibrate refused three runs in a row: its own profile, from copies that were all page faults.
        with mock.patch.object(calibrate, "warm_pickle_costs", given_costs(0, 0, 0)):
            with self.subTest("pickling_median"):
                figures = dict(zip(FIELDS[:2], calibrate.pickling_median(page_touch_ns=500)))
                self.assertIsNone(refusal(as_calibrate_writes(figures)))
        with mock.patch.object(calibrate, "pc", clock_that_stands_still):
            with self.subTest("pickling_objects"):
                figures = dict(zip(FIELDS[2:], calibrate.pickling_objects(size=64 << 10)))
                self.assertIsNone(refusal(as_calibrate_writes(figures)))

if __name__ == "__main__":
    unittest.main(verbosity=2)
