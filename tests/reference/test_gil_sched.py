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


def line(tid, tgid, cpu, us, event, rest, flags="....."):
    """One line as the kernel writes it with record-tgid on: the timestamp in seconds, microsecond digits; `flags`
    the context column (d.h3.: in a hard interrupt)."""
    return f"         python3-{tid:<6} ({tgid:>7}) [{cpu:03d}] {flags}   {us / 1e6:.6f}: {event}: {rest}"


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


def switch(cpu, us, prev, nxt, prev_state="S"):
    return (f"          python3-{prev:<6} ({PROBE:>7}) [{cpu:03d}] d..2.   {us / 1e6:.6f}: sched_switch: prev_comm=python3 "
            f"prev_pid={prev} prev_prio=120 prev_state={prev_state} ==> next_comm=python3 next_pid={nxt} next_prio=120")


def wakeup(us, cpu, pid, target_cpu):
    return line(IO, PROBE, cpu, us, "sched_wakeup", f"comm=python3 pid={pid} prio=120 target_cpu={target_cpu:03d}")


def queued_trace():
    """The I/O thread (last on core 1) woken twice onto core 1 while the CPU-bound thread runs there.
    1. At 1000 (core 0 busy with the other CPU-bound thread until it sleeps at 1010): it waits behind the CPU-bound
       thread, core 0 idle, until a tick preempts that thread at 4000.
    2. At 6000: the CPU-bound thread on core 1 sleeps at 6005 and the I/O thread runs there at once.
    3. At 8000 onto core 0, idle: not queued.
    4. (below)"""
    other = CPU + 1
    rows = [switch_in(1, 500, CPU), switch_in(0, 600, other), call(IO, PROBE, 0, 800, 810, SENDTO)[0],
            call(IO, PROBE, 0, 800, 810, SENDTO)[1]]
    rows += [wakeup(1000, 0, IO, 1), switch(0, 1010, other, 0), switch(1, 4000, CPU, IO, "R")]
    rows += [switch(1, 4100, IO, CPU), wakeup(6000, 1, IO, 1), switch(1, 6005, CPU, IO)]
    rows += [switch(1, 6100, IO, CPU), wakeup(8000, 1, IO, 0), switch(0, 8010, 0, IO, "R")]
    # 4. At 9000 onto core 1 behind the CPU-bound thread; core 0, which the other CPU-bound thread leaves at 9100, idle
    #    from then to the trace's end; a preemption at 12000 (the idle span still open then counts).
    rows += [switch(0, 8500, IO, other), switch(1, 8600, IO, CPU), wakeup(9000, 0, IO, 1), switch(0, 9100, other, 0),
             switch(1, 12000, CPU, IO, "R")]
    return "\n".join(sorted(rows, key=lambda r: float(r.split(": ")[0].split()[-1])))


class QueuedWakes(unittest.TestCase):
    def setUp(self):
        events = gil_sched.parse(queued_trace())
        self.result = gil_sched.queued_wakes(events, IO, {CPU, CPU + 1})["io"]

    def test_a_wake_onto_a_core_running_another_thread_is_queued_there(self):
        self.assertEqual(self.result["n"], 3)  # the wake onto the idle core 0 is not queued
        self.assertEqual([self.result["wait_us"][k] for k in ("p10", "p90")], [5.0, 3000.0])

    def test_the_long_waits_with_the_other_core_idle_ended_by_a_preemption(self):
        self.assertEqual(self.result["over_200us"], 2)
        self.assertEqual(self.result["over_200us_total_ms"], 6.0)
        # 2990 of 3000 us, and 2900 of 3000 with the idle span still open at the trace's end.
        shares = self.result["over_200us_other_core_idle_share"]
        self.assertEqual([shares["p10"], shares["p90"]], [96.7, 99.7])
        self.assertEqual(self.result["over_200us_ended_by_preemption"], 2)
        self.assertEqual(self.result["over_200us_ran_elsewhere"], 0)


def timer_trace():
    """Three timed waits of the I/O thread that run out on core 1, where it sleeps beside a CPU-bound thread.
    1. At 5050 one interrupt (a hard interrupt in the idle task's context on core 1) wakes the I/O thread and the
       CPU-bound thread: a shared interrupt. The I/O thread asks for the GIL, blocks on gil->mutex and is woken at 5094
       onto core 1, where the CPU-bound thread runs: it waits there until 8554.
    2. At 10100 the interrupt wakes the I/O thread alone.
    3. At 15100 the interrupt wakes the I/O thread, and 5 us later the GIL holder, in that core's task but not in the
       interrupt, wakes the CPU-bound thread (drop_gil()'s signal): not the timer's."""
    rows = []
    rows += call(IO, PROBE, 1, 0, 5089, FUTEX, TIMEDWAIT, ret=-110, word=COND)
    rows += call(CPU, PROBE, 1, 7, 5096, FUTEX, TIMEDWAIT, ret=0, word=COND)
    timer = "comm=python3 pid={} prio=120 target_cpu=001"
    irq = "d.h3."
    rows += [line(0, 0, 1, 5050, "sched_waking", timer.format(IO), irq),
             line(0, 0, 1, 5051, "sched_wakeup", timer.format(IO), irq),
             line(0, 0, 1, 5052, "sched_waking", timer.format(CPU), irq)]
    rows += [wakeup(5094, 0, IO, 1), switch(1, 8554, CPU, IO, "R")]
    rows += call(IO, PROBE, 1, 5100, 10110, FUTEX, TIMEDWAIT, ret=-110, word=COND)
    rows += [line(0, 0, 1, 10100, "sched_waking", timer.format(IO), irq)]
    rows += call(IO, PROBE, 1, 10200, 10210, SENDTO)
    holder = CPU + 1
    rows += call(IO, PROBE, 1, 10300, 15110, FUTEX, TIMEDWAIT, ret=-110, word=COND)
    rows += [line(holder, PROBE, 1, 15100, "sched_waking", timer.format(IO), irq),
             line(holder, PROBE, 1, 15105, "sched_waking", timer.format(CPU))]
    return "\n".join(sorted(rows, key=lambda r: float(r.split(": ")[0].split()[-1])))


class SharedTimerInterrupts(unittest.TestCase):
    def test_a_timeout_whose_interrupt_woke_a_cpu_bound_thread_too_and_the_run_queue_wait_after_it(self):
        events = gil_sched.parse(timer_trace())
        calls = [(0, 5089, "timedwait", 1, -110, COND), (5100, 10110, "timedwait", 1, -110, COND),
                 (10300, 15110, "timedwait", 1, -110, COND)]
        result = gil_sched.shared_timer_interrupts(events, calls, IO, {CPU})
        self.assertEqual(result["io_timeouts"], 3)
        self.assertEqual(result["shared_with_a_cpu_thread"], 1)  # not the third: the holder's wake was no interrupt's
        self.assertEqual(result["io_run_queue_wait_after_us"]["p50"], 3460.0)
        self.assertEqual(result["io_run_queue_wait_after_over_200us"], 1)


class SendtoByPeerWake(unittest.TestCase):
    def test_each_sendto_is_filed_by_where_its_wake_put_the_peer(self):
        peer = "comm=python3 pid={} prio=120 target_cpu={:03d}"
        rows = [switch_in(0, 10, IO), switch_in(1, 20, CPU)]
        rows += call(IO, PROBE, 0, 100, 130, SENDTO)
        rows.append(line(IO, PROBE, 0, 110, "sched_waking", peer.format(ECHO, 1)))  # core 1 runs the CPU-bound thread
        rows += call(IO, PROBE, 0, 200, 210, SENDTO)
        rows.append(line(IO, PROBE, 0, 205, "sched_waking", peer.format(ECHO, 0)))  # the I/O thread's own core
        rows += call(IO, PROBE, 0, 300, 309, SENDTO)  # no wake: the peer was awake
        rows.append(switch(1, 400, CPU, 0))
        rows += call(IO, PROBE, 0, 500, 517, SENDTO)
        rows.append(line(IO, PROBE, 0, 505, "sched_waking", peer.format(ECHO, 1)))  # core 1 idle now
        events = gil_sched.parse("\n".join(sorted(rows, key=lambda r: float(r.split(": ")[0].split()[-1]))))
        result = gil_sched.sendto_by_peer_wake(events, IO)
        self.assertEqual({place: q["p50"] for place, q in result.items()},
                         {"busy core": 30.0, "own core": 10.0, "none": 9.0, "idle core": 17.0})


if __name__ == "__main__":
    unittest.main(verbosity=2)
