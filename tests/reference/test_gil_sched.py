"""Checks programs/gil_sched.py's reading of a kernel trace on a small hand-written one whose races are known: which
calls the I/O thread came back from to a free GIL, and for each wake it made, who ran first and on which core. Run by
ctest (reference_gil_sched, tests/CMakeLists.txt); needs no root and no tracing.

    python3 tests/reference/test_gil_sched.py"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs"))
import gil_sched  # noqa: E402

PROBE, IO, CPU, ECHO = 10, 11, 12, 20


def line(tid, tgid, cpu, us, event, rest):
    """One line as the kernel writes it with record-tgid on: the timestamp in seconds, microsecond digits."""
    return f"         python3-{tid:<6} ({tgid:>7}) [{cpu:03d}] .....   {us / 1e6:.6f}: {event}: {rest}"


def call(tid, tgid, cpu, start, end, nr, op=0, ret=1, word=0x7f00):
    return [line(tid, tgid, cpu, start, "sys_enter", f"NR {nr} ({word:x}, {op:x}, 1, 0, 0, 0)"),
            line(tid, tgid, cpu, end, "sys_exit", f"NR {nr} = {ret}")]


FUTEX, SENDTO, RECVFROM = gil_sched.NR_FUTEX, gil_sched.NR_SENDTO, gil_sched.NR_RECVFROM
WAKE, TIMEDWAIT = 0x81, 0x89  # FUTEX_WAKE_PRIVATE, FUTEX_WAIT_BITSET_PRIVATE


def switch_in(cpu, us, tid):
    return (f"          <idle>-0       (      0) [{cpu:03d}] d..2.   {us / 1e6:.6f}: sched_switch: prev_comm=swapper "
            f"prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=python3 next_pid={tid} next_prio=120")


def waking(us, cpu, target_cpu, event="sched_waking"):
    return line(IO, PROBE, cpu, us, event, f"comm=python3 pid={CPU} prio=120 target_cpu={target_cpu:03d}")


def trace():
    """Two round trips of the I/O thread (core 0) beside one CPU-bound thread (core 1).
    1. recv: it wakes the CPU thread (4 us), its recv takes 3 us and it is back at 107 us, before the CPU thread
       runs at 108 us: it keeps the GIL and sends at once. The send's wake: the CPU thread runs at 118 us, before the
       send ends at 140 us, and the I/O thread waits for the GIL (a timed wait) before its next recv.
    2. recv at 5200 us: it wakes the CPU thread, which runs at 5206 us, before the recv ends at 5210: it waits again.
    The echo server (another process) sends too; the probe is the sender with more threads."""
    rows = []
    rows += call(CPU, PROBE, 1, 50, 108, FUTEX, TIMEDWAIT, ret=0)
    rows += call(IO, PROBE, 0, 100, 104, FUTEX, WAKE)
    rows += [waking(101, 0, 1), waking(101, 0, 1, "sched_wakeup")]
    rows += call(IO, PROBE, 0, 104, 107, RECVFROM)
    rows.append(switch_in(1, 108, CPU))
    rows += call(CPU, PROBE, 1, 109, 117, FUTEX, TIMEDWAIT, ret=0)
    rows += call(IO, PROBE, 0, 110, 114, FUTEX, WAKE)
    rows += [waking(111, 0, 1), waking(111, 0, 1, "sched_wakeup")]
    rows += call(IO, PROBE, 0, 114, 140, SENDTO)
    rows.append(switch_in(1, 118, CPU))
    rows += call(ECHO, ECHO, 1, 150, 160, SENDTO)
    rows += call(IO, PROBE, 0, 141, 5190, FUTEX, TIMEDWAIT, ret=0)
    rows += call(IO, PROBE, 0, 5195, 5199, FUTEX, WAKE)
    rows += [waking(5196, 0, 1), waking(5196, 0, 1, "sched_wakeup")]
    rows += call(IO, PROBE, 0, 5200, 5210, RECVFROM)
    rows.append(switch_in(1, 5206, CPU))
    rows += call(IO, PROBE, 0, 5211, 10200, FUTEX, TIMEDWAIT, ret=0)
    rows += call(IO, PROBE, 0, 10201, 10220, SENDTO)
    return "\n".join(sorted(rows, key=lambda r: float(r.split(": ")[0].split()[-1])))


class GilSchedTrace(unittest.TestCase):
    def setUp(self):
        self.events = gil_sched.parse(trace())
        self.pid = gil_sched.probe_process(self.events)
        self.result = gil_sched.analyse(self.events, self.pid)

    def test_every_line_is_read_and_the_probe_is_the_sender_with_threads(self):
        self.assertEqual(len(self.events), len(trace().splitlines()))
        self.assertEqual(self.pid, PROBE)
        self.assertEqual(self.result["io_tid"], IO)
        self.assertEqual(self.result["cpu_tids"], [CPU])

    def test_a_call_followed_by_a_condition_wait_is_a_gil_wait(self):
        # The first recv was followed at once by a send; the second by a wait. The send was followed by a wait.
        self.assertEqual(self.result["gil_free_after_recvfrom"], 0.5)
        self.assertEqual(self.result["gil_free_after_sendto"], 0.0)
        self.assertEqual(self.result["gil_wait_after_sendto_us"]["p50"], 5050.0)  # 140 -> its wait's end at 5190

    def test_each_wake_is_paired_with_the_woken_threads_run_and_the_race_is_called(self):
        wakes = self.result["wakes_all"]
        self.assertEqual(wakes["n"], 3)
        self.assertAlmostEqual(wakes["io_kept_gil"], 1 / 3, places=3)
        self.assertAlmostEqual(wakes["io_back_before_wakee_ran"], 1 / 3, places=3)
        self.assertEqual(wakes["waker_cost_us"]["p50"], 4.0)
        self.assertEqual(sorted([wakes["wakee_latency_us"][k] for k in ("p10", "p90")]), [7.0, 10.0])
        self.assertEqual(self.result["wakes_on_io_core"], 0.0)
        self.assertNotIn("wakes_same_core", self.result)

    def test_a_recv_after_a_gil_wait_is_told_apart_from_one_made_at_once(self):
        self.assertEqual(self.result["recvfrom_after_gil_wait_us"]["n"], 1)
        self.assertEqual(self.result["recvfrom_after_gil_wait_us"]["p50"], 10.0)
        self.assertEqual(self.result["sendto_without_gil_wait_us"]["p50"], 26.0)

    def test_the_cost_and_latency_correlation_is_pearsons_and_undefined_where_a_side_is_constant(self):
        self.assertIsNone(self.result["cost_latency_correlation"])  # every wake cost 4 us
        self.assertEqual(gil_sched.correlation([1, 2, 3, 4], [2, 4, 6, 8]), 1.0)
        self.assertEqual(gil_sched.correlation([1, 2, 3, 4], [8, 6, 4, 2]), -1.0)
        self.assertEqual(gil_sched.correlation([1, 2, 3, 4], [1, 3, 3, 1]), 0.0)
        self.assertIsNone(gil_sched.correlation([1, 2], [1, 2]))

    def test_a_trace_without_the_probes_io_thread_is_refused(self):
        events = [e for e in self.events if not (e["event"].startswith("sys_") and e.get("nr") == SENDTO)]
        self.assertIsNone(gil_sched.probe_process(events))


COND, SWITCH = 0x7f00, 0x7f40  # a word of gil->cond (the I/O thread's own timed waits use it) and of switch_cond


def switch_trace():
    """Two GIL hand-offs to the I/O thread (core 0) after a forced switch, each followed by its recv.
    1. Its timed wait on gil->cond ends at 5100; take_gil() wakes the dropper through switch_cond (5101); the dropper
       runs at 5110 and is asleep on gil->cond again at 5140, after the I/O thread entered recv at 5115: recv's
       drop_gil() found nobody asleep.
    2. The same at 15101, but the dropper is asleep again at 15109, and drop_gil() wakes it before recv (15112)."""
    rows = []
    rows += call(IO, PROBE, 0, 100, 5100, FUTEX, TIMEDWAIT, ret=0, word=COND)
    rows += call(IO, PROBE, 0, 5101, 5105, FUTEX, WAKE, word=SWITCH)
    rows += [waking(5102, 0, 1), waking(5102, 0, 1, "sched_wakeup")]
    rows.append(switch_in(1, 5110, CPU))
    rows += call(IO, PROBE, 0, 5115, 5118, RECVFROM)
    rows += call(CPU, PROBE, 1, 5140, 10000, FUTEX, TIMEDWAIT, ret=0, word=COND)
    rows += call(IO, PROBE, 0, 5120, 5130, SENDTO)
    rows += call(IO, PROBE, 0, 10100, 15100, FUTEX, TIMEDWAIT, ret=0, word=COND)
    rows += call(IO, PROBE, 0, 15101, 15105, FUTEX, WAKE, word=SWITCH)
    rows += [waking(15102, 0, 1), waking(15102, 0, 1, "sched_wakeup")]
    rows.append(switch_in(1, 15108, CPU))
    rows += call(CPU, PROBE, 1, 15109, 20000, FUTEX, TIMEDWAIT, ret=0, word=COND)
    rows += call(IO, PROBE, 0, 15112, 15116, FUTEX, WAKE, word=COND)
    rows += [waking(15113, 0, 1)]
    rows += call(IO, PROBE, 0, 15117, 15120, RECVFROM)
    rows += call(IO, PROBE, 0, 15130, 15140, SENDTO)
    return "\n".join(sorted(rows, key=lambda r: float(r.split(": ")[0].split()[-1])))


class DropperReturn(unittest.TestCase):
    def setUp(self):
        events = gil_sched.parse(switch_trace())
        self.result = gil_sched.analyse(events, gil_sched.probe_process(events))

    def test_the_switch_wake_is_told_from_drop_gils_by_the_futex_word(self):
        self.assertEqual(self.result["switch_wakes"], 2)
        self.assertEqual(self.result["recv_drop_signalled_a_sleeper"], 0.5)
        # The first switch wake comes right before a recv, but nobody slept on gil->cond: it is no drop_gil() race.
        # (The second hand-off's drop wake is one, but its sleeper never runs in this trace.)
        self.assertEqual(self.result["wakes"], 0)

    def test_the_dropper_asleep_again_against_the_io_thread_entering_recv(self):
        self.assertEqual(sorted([self.result["dropper_asleep_again_us"][k] for k in ("p10", "p90")]), [8.0, 39.0])
        self.assertEqual(sorted([self.result["io_enters_recv_us"][k] for k in ("p10", "p90")]), [14.0, 16.0])
        self.assertEqual(self.result["dropper_asleep_before_recv"], 0.5)
        self.assertEqual(sorted([self.result["dropper_ran_us"][k] for k in ("p10", "p90")]), [7.0, 9.0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
