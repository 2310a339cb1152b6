"""The OS's side of the GIL's races, from the kernel's own record. Runs gil_probe.py (its arguments after --) under
ftrace, recording its threads' scheduling (sched_switch, sched_waking, sched_wakeup) and their futex, sendto and
recvfrom system calls, and reports for the I/O thread:

- each round trip's GIL waits: after sendall() and after recv(), did the thread find the GIL free on its return
  (no condition wait before its next call) or wait for it, and for how long;
- each wake it made in drop_gil() before a call (the futex wake of the GIL's condition variable): how long the
  futex call took it (the waker's cost), how long the woken CPU-bound thread took to run (its wake-up latency),
  whether it ran on the I/O thread's core or another, and who took the GIL: the woken thread, or the I/O thread
  back from its call first;
- where the CPU-bound thread that dropped the GIL to it is when it drops it again before recv (dropper_return);
- its wakes (and the CPU-bound threads') that waited in a busy core's run queue (queued_wakes), its GIL timeouts
  whose interrupt woke a CPU-bound thread too (shared_timer_interrupts), and its sendto calls by where their wake put
  the peer (sendto_by_peer_wake_us).

    python3 gil_sched.py [--python PY] [--keep-trace FILE] -- --cpu 1 --io --seconds 2

Prints gil_probe.py's JSON line with a "sched" object added. Needs root and tracefs (it mounts it at
/sys/kernel/tracing if it is not there). Timestamps are the trace's microseconds."""
import argparse
import bisect
import collections
import json
import os
import re
import subprocess
import sys

TRACEFS = "/sys/kernel/tracing"
NR_SENDTO, NR_RECVFROM, NR_FUTEX = 44, 45, 202  # x86_64
FUTEX_CMD_MASK = 0x7F  # without FUTEX_PRIVATE_FLAG (128) and FUTEX_CLOCK_REALTIME (256)
FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET = 0, 1, 9, 10
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gil_probe  # noqa: E402  (its quantiles)

LINE = re.compile(r"^\s*(?P<comm>.+?)-(?P<tid>\d+)\s+\(\s*(?P<tgid>[\d-]+)\)\s+\[(?P<cpu>\d+)\]\s+(?P<flags>\S+)\s+"
                  r"(?P<ts>\d+\.\d+):\s+(?P<event>\w+):\s+(?P<rest>.*)$")


def write(name, value):
    with open(os.path.join(TRACEFS, name), "w") as f:
        f.write(value)


def trace_command(command):
    """Runs command (a list) with its threads and children traced; returns its stdout and the trace's text."""
    if not os.path.exists(os.path.join(TRACEFS, "trace")):
        subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], check=True)
    write("tracing_on", "0")
    write("trace", "")
    write("set_event", "")
    write("buffer_size_kb", "65536")
    write("options/record-tgid", "1")
    write("options/event-fork", "1")
    for event in ("sched/sched_switch", "sched/sched_waking", "sched/sched_wakeup", "sched/sched_migrate_task"):
        write(f"events/{event}/enable", "1")
    calls = f"id == {NR_SENDTO} || id == {NR_RECVFROM} || id == {NR_FUTEX}"
    for event in ("raw_syscalls/sys_enter", "raw_syscalls/sys_exit"):
        write(f"events/{event}/filter", calls)
        write(f"events/{event}/enable", "1")
    # The traced process writes its own pid into set_event_pid before it execs, so its first thread is traced
    # from its first instruction, and event-fork adds every thread and child it makes.
    shell = f'echo $$ > {TRACEFS}/set_event_pid && echo 1 > {TRACEFS}/tracing_on && exec "$@"'
    try:
        done = subprocess.run(["sh", "-c", shell, "sh", *command], stdout=subprocess.PIPE, text=True, check=True)
    finally:
        write("tracing_on", "0")
    with open(os.path.join(TRACEFS, "trace")) as f:
        text = f.read()
    write("set_event_pid", "")
    write("set_event", "")
    for event in ("raw_syscalls/sys_enter", "raw_syscalls/sys_exit"):
        write(f"events/{event}/filter", "0")
    write("trace", "")
    write("buffer_size_kb", "1408")
    return done.stdout, text


def parse(text):
    """The trace's events as dicts: ts (us), tid, tgid, cpu, event and its fields."""
    events = []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        e = {"ts": float(m["ts"]) * 1e6, "tid": int(m["tid"]), "cpu": int(m["cpu"]), "event": m["event"],
             # The context column's third character: h (or H) in a hard interrupt, as a timer's expiry runs.
             "hardirq": m["flags"][2:3] in ("h", "H")}
        e["tgid"] = int(m["tgid"]) if m["tgid"].strip("-") else -1
        rest = m["rest"]
        if e["event"] in ("sys_enter", "sys_exit"):
            nr = re.match(r"NR (\d+)", rest)
            e["nr"] = int(nr.group(1))
            if e["event"] == "sys_enter":
                args = re.search(r"\((.*)\)", rest).group(1).split(",")
                e["args"] = [int(a.strip(), 16) for a in args]
            else:
                e["ret"] = int(rest.split("=")[1])
        elif e["event"] == "sched_switch":
            f = dict(re.findall(r"(\w+)=(\S+)", rest.replace(" ==> ", " ")))
            e["prev_pid"], e["next_pid"], e["prev_state"] = int(f["prev_pid"]), int(f["next_pid"]), f["prev_state"]
        elif e["event"] in ("sched_waking", "sched_wakeup"):
            f = dict(re.findall(r"(\w+)=(\S+)", rest))
            e["pid"], e["target_cpu"] = int(f["pid"]), int(f["target_cpu"])
        events.append(e)
    return events


def quantiles(values):
    """gil_probe's p10/p50/p90 of microsecond values, to a tenth."""
    q = gil_probe.quantiles(values)
    return q and {"n": q["n"], "p10": round(q["p10"], 1), "p50": round(q["p50"], 1), "p90": round(q["p90"], 1)}


def first_from(rows, ts, key):
    """The first of rows (sorted by key) whose key is at least ts, or None."""
    i = bisect.bisect_left(rows, ts, key=key)
    return rows[i] if i < len(rows) else None


def futex_cmd(e):
    return e["args"][1] & FUTEX_CMD_MASK


def analyse(events, probe_pid):
    mine = [e for e in events if e["tgid"] == probe_pid]
    sends = collections.Counter(e["tid"] for e in mine if e["event"] == "sys_enter" and e["nr"] == NR_SENDTO)
    if not sends:
        return {"error": "no thread of the probe called sendto (run it with --io)"}
    io = sends.most_common(1)[0][0]
    cpu_threads = {e["tid"] for e in mine if e["tid"] not in (io, probe_pid)}

    # Each thread's system calls as (enter, exit) pairs, and when each thread was switched in and where.
    timeline = collections.defaultdict(list)  # tid -> [(start, end, kind, cpu, return value)]
    open_call = {}
    for e in events:
        if e["event"] == "sys_enter":
            open_call[e["tid"]] = e
        elif e["event"] == "sys_exit" and e["tid"] in open_call:
            start = open_call.pop(e["tid"])
            if start["nr"] == e["nr"]:
                kind = {NR_SENDTO: "sendto", NR_RECVFROM: "recvfrom"}.get(e["nr"])
                if e["nr"] == NR_FUTEX:
                    cmd = futex_cmd(start)
                    kind = "wake" if cmd in (FUTEX_WAKE, FUTEX_WAKE_BITSET) else (
                        "timedwait" if cmd == FUTEX_WAIT_BITSET else "wait")
                uaddr = start["args"][0] if e["nr"] == NR_FUTEX else None
                timeline[e["tid"]].append((start["ts"], e["ts"], kind, start["cpu"], e["ret"], uaddr))
    runs_in = collections.defaultdict(list)  # tid -> [(ts, cpu)] switched in
    wakings = []
    for e in events:
        if e["event"] == "sched_switch" and e["next_pid"] in cpu_threads | {io}:
            runs_in[e["next_pid"]].append((e["ts"], e["cpu"]))
        elif e["event"] == "sched_waking" and e["pid"] in cpu_threads and e["tid"] == io:
            wakings.append(e)
    wakeups = collections.defaultdict(list)  # tid -> its sched_wakeup events
    for e in events:
        if e["event"] == "sched_wakeup" and e["pid"] in cpu_threads:
            wakeups[e["pid"]].append(e)

    calls = timeline[io]
    cond_words = {c[5] for c in calls if c[2] == "timedwait"}  # gil->cond's futex words: take_gil()'s timed waits
    after = {"sendto": [], "recvfrom": []}   # GIL wait (us) after each call, 0 when it found the GIL free
    next_after_wait = {"sendto": [], "recvfrom": []}
    next_at_once = {"sendto": [], "recvfrom": []}
    races = []
    for i, (start, end, kind, cpu, _, _) in enumerate(calls):
        if kind not in after:
            continue
        # The GIL wait after this call: condition waits until the next sendto/recvfrom.
        j = i + 1
        while j < len(calls) and calls[j][2] not in after:
            j += 1
        if j == len(calls):
            break
        nxt = calls[j]
        waits = [c[1] for c in calls[i + 1:j] if c[2] == "timedwait"]
        waited = bool(waits)
        after[kind].append(max(waits) - end if waited else 0.0)  # until its last condition wait returned
        # The next call's own time, by whether this thread waited for the GIL before it (a reply may be there).
        (next_after_wait if waited else next_at_once)[nxt[2]].append(nxt[1] - nxt[0])
        # The wake just before this call: drop_gil()'s cond_signal, the futex wake right before it, on one of
        # gil->cond's words (until 2026-12-08 any wake: take_gil()'s switch_cond wake right before a recv was counted
        # as drop_gil()'s, though nobody slept on gil->cond; dropper_return tells them apart).
        wake = calls[i - 1] if (i > 0 and calls[i - 1][2] == "wake" and calls[i - 1][4] > 0 and
                                calls[i - 1][5] in cond_words) else None
        if wake is None:
            continue
        woken = first_from(wakings, wake[0], key=lambda w: w["ts"])
        if woken is None or woken["ts"] > wake[1]:
            continue
        placed = first_from(wakeups[woken["pid"]], woken["ts"], key=lambda w: w["ts"])
        ran = first_from(runs_in[woken["pid"]], woken["ts"], key=lambda r: r[0])
        if ran is None:
            continue
        races.append({
            "call": kind,
            "waker_cost": wake[1] - wake[0],
            "call_time": end - start,
            "wakee_latency": ran[0] - woken["ts"],
            "same_core": ran[1] == cpu,
            "placed_on_waker_core": placed is not None and placed["target_cpu"] == cpu,
            "io_back_first": end < ran[0],
            "io_kept_gil": not waited,
        })

    def share(pred, rows):
        return round(sum(1 for r in rows if pred(r)) / len(rows), 3) if rows else None

    out = {"io_tid": io, "cpu_tids": sorted(cpu_threads)}
    for kind in ("sendto", "recvfrom"):
        out[f"{kind}_us"] = quantiles([c[1] - c[0] for c in calls if c[2] == kind])
        out[f"{kind}_after_gil_wait_us"] = quantiles(next_after_wait[kind])
        out[f"{kind}_without_gil_wait_us"] = quantiles(next_at_once[kind])
    for kind, waits in after.items():
        out[f"gil_free_after_{kind}"] = share(lambda w: w == 0.0, waits)
        out[f"gil_wait_after_{kind}_us"] = quantiles([w for w in waits if w > 0])
    out["wakes"] = len(races)
    for key, rows in (("all", races), ("same_core", [r for r in races if r["same_core"]]),
                      ("other_core", [r for r in races if not r["same_core"]])):
        if not rows:
            continue
        out[f"wakes_{key}"] = {
            "n": len(rows),
            "io_kept_gil": share(lambda r: r["io_kept_gil"], rows),
            "io_back_before_wakee_ran": share(lambda r: r["io_back_first"], rows),
            "waker_cost_us": quantiles([r["waker_cost"] for r in rows]),
            "call_us": quantiles([r["call_time"] for r in rows]),
            "wakee_latency_us": quantiles([r["wakee_latency"] for r in rows]),
        }
    out.update(dropper_return(calls, {t: timeline[t] for t in cpu_threads}, runs_in, wakings))
    out["queued_wakes"] = queued_wakes(events, io, cpu_threads)
    out["shared_timer_interrupts"] = shared_timer_interrupts(events, calls, io, cpu_threads)
    out["sendto_by_peer_wake_us"] = sendto_by_peer_wake(events, io)
    out["wakes_on_io_core"] = share(lambda r: r["same_core"], races)
    out["placed_on_io_core"] = share(lambda r: r["placed_on_waker_core"], races)
    # Are the wake's cost to the waker and the woken thread's latency one quantity (a slow wake slow for both)?
    out["cost_latency_correlation"] = correlation([r["waker_cost"] for r in races], [r["wakee_latency"] for r in races])
    return out


def dropper_return(calls, cpu_calls, runs_in, wakings):
    """Where the CPU-bound thread that dropped the GIL for the I/O thread is when the I/O thread drops it again before
    recv. take_gil() in the I/O thread signals switch_cond (FORCE_SWITCHING) once it holds the GIL: the futex wake
    that releases the dropper from drop_gil()'s switch wait. The dropper then returns to take_gil() and sleeps on
    gil->cond again (a timed wait). The I/O thread runs its Python up to recv, whose drop_gil() signals gil->cond if
    somebody sleeps on it: a futex wake on one of gil->cond's words. gil->cond's words are those the I/O thread's own
    timed waits use (glibc's condition variable alternates two); the switch wake is the first wake on another word
    after the I/O thread's last timed wait."""
    cond_words = {c[5] for c in calls if c[2] == "timedwait"}
    sleeps = {t: [c for c in cc if c[2] == "timedwait" and c[5] in cond_words] for t, cc in cpu_calls.items()}
    rows = []
    for i, (start, end, kind, io_core, ret, word) in enumerate(calls):
        if kind != "wake" or ret <= 0 or word in cond_words or i == 0 or calls[i - 1][2] != "timedwait":
            continue
        j = i + 1
        while j < len(calls) and calls[j][2] not in ("sendto", "recvfrom"):
            j += 1
        if j == len(calls) or calls[j][2] != "recvfrom":
            continue
        woken = first_from(wakings, start, key=lambda w: w["ts"])
        if woken is None or woken["ts"] > end:
            continue
        tid = woken["pid"]
        ran = first_from(runs_in[tid], woken["ts"], key=lambda r: r[0])
        asleep = first_from(sleeps.get(tid, []), start, key=lambda c: c[0])
        recv = calls[j]
        # drop_gil() before recv found a sleeper on gil->cond: a wake on one of its words between the switch and recv.
        signalled = any(c[2] == "wake" and c[4] > 0 and c[5] in cond_words for c in calls[i + 1:j])
        rows.append({"ran": ran[0] - start if ran else None, "asleep": asleep[0] - start if asleep else None,
                     "recv": recv[0] - start, "signalled": signalled, "on_io_core": bool(ran) and ran[1] == io_core})
    if not rows:
        return {"switch_wakes": 0}
    back = [r for r in rows if r["asleep"] is not None]
    return {
        "switch_wakes": len(rows),
        # From take_gil()'s switch wake: the dropper on its core, the dropper asleep on gil->cond again, the I/O
        # thread entering recv (its drop_gil() just before).
        "dropper_ran_us": quantiles([r["ran"] for r in rows if r["ran"] is not None]),
        "dropper_asleep_again_us": quantiles([r["asleep"] for r in back]),
        "io_enters_recv_us": quantiles([r["recv"] for r in rows]),
        "dropper_asleep_before_recv": round(sum(1 for r in back if r["asleep"] < r["recv"]) / len(back), 3)
        if back else None,
        "recv_drop_signalled_a_sleeper": round(sum(1 for r in rows if r["signalled"]) / len(rows), 3),
        # The dropper ran on the core the I/O thread woke it from (it waited there for the I/O thread to leave).
        "dropper_ran_on_io_core": round(sum(1 for r in rows if r["on_io_core"]) / len(rows), 3),
    }


def queued_wakes(events, io, cpu_threads):
    """The wake-ups of the probe's threads that the kernel placed on a core running another thread: the woken thread
    waits in that core's run queue. Linux picks the core at the wake-up (select_task_rq_fair(): an idle core if there
    is one then, else the thread's previous core or the waker's) and a core that goes idle later does not take a
    thread that ran within sched_migration_cost (500 us) from another core's queue (task_hot()), so it can wait there
    for that core's next tick while another core idles. For the I/O thread and for the CPU-bound threads: how many
    wakes were queued so, how long they waited, how many waited past 200 us, and for how much of that wait another
    core was idle (its median share), and on how many a tick preempted the thread they waited behind."""
    probe = cpu_threads | {io}
    current = {}       # cpu -> the pid on it, as far as the trace has seen (0: idle)
    idle_since = {}    # cpu -> since when it has been idle, for the cores idle now
    idle_spans = collections.defaultdict(list)  # cpu -> [(start, end)] idle
    pending = {}       # tid -> (woken at, target cpu, whoever ran there then)
    rows = []
    for e in events:
        if e["event"] == "sched_wakeup" and e["pid"] in probe:
            on_target = current.get(e["target_cpu"], 0)
            pending[e["pid"]] = (e["ts"], e["target_cpu"], on_target)
        elif e["event"] == "sched_switch":
            cpu, nxt = e["cpu"], e["next_pid"]
            if nxt == 0:
                idle_since[cpu] = e["ts"]
            elif cpu in idle_since:
                idle_spans[cpu].append((idle_since.pop(cpu), e["ts"]))
            current[cpu] = nxt
            if nxt in pending:
                woken, target, on_target = pending.pop(nxt)
                if on_target in (0, nxt):
                    continue
                rows.append({"tid": nxt, "woken": woken, "ran": e["ts"], "target": target, "ran_on_target": cpu == target,
                             "preempted": cpu == target and e["prev_pid"] == on_target and e["prev_state"] == "R"})
    for r in rows:
        # Per other core, its idle time within the wait: the spans that ended, and the one still open at the trace's
        # end. (The trace holds the switches of the probe's processes only: a core that ran another program's thread
        # between two of theirs counts as idle.)
        idle = 0.0
        for cpu in (set(idle_spans) | set(idle_since)) - {r["target"]}:
            overlap = sum(max(0.0, min(b, r["ran"]) - max(a, r["woken"])) for a, b in idle_spans.get(cpu, []))
            if cpu in idle_since:
                overlap += max(0.0, r["ran"] - max(idle_since[cpu], r["woken"]))
            idle = max(idle, overlap)
        r["other_idle"] = idle
    out = {}
    for key, tids in (("io", {io}), ("cpu", cpu_threads)):
        mine = [r for r in rows if r["tid"] in tids]
        long = [r for r in mine if r["ran"] - r["woken"] > 200]
        out[key] = {
            "n": len(mine),
            "wait_us": quantiles([r["ran"] - r["woken"] for r in mine]),
            "over_200us": len(long),
            "over_200us_total_ms": round(sum(r["ran"] - r["woken"] for r in long) / 1000, 1),
            "over_200us_other_core_idle_share": quantiles(
                [100 * r["other_idle"] / (r["ran"] - r["woken"]) for r in long]),
            "over_200us_ended_by_preemption": sum(1 for r in long if r["preempted"]),
            "over_200us_ran_elsewhere": sum(1 for r in long if not r["ran_on_target"]),
        }
    return out


def shared_timer_interrupts(events, calls, io, cpu_threads):
    """The I/O thread's timed GIL waits that ran out, and whether the interrupt that woke it woke a CPU-bound thread on
    the same core with it: hrtimers with slack (50 us for a normal thread) fire from their soft expiry on, so one
    interrupt expires every timer of a core whose window has opened, and two threads that began waiting within the
    slack of each other wake together, onto that one core: both wakes in a hard interrupt on that core, 10 us apart
    at most. For those, how long the I/O thread then waited in a run queue at its next wake-up (within 100 us of the
    interrupt: gil->mutex's hand-off after it asked for the GIL)."""
    wakings = collections.defaultdict(list)  # tid -> its sched_waking events
    for e in events:
        if e["event"] == "sched_waking" and e["pid"] in cpu_threads | {io}:
            wakings[e["pid"]].append(e)
    wakeups, runs = collections.defaultdict(list), collections.defaultdict(list)
    for e in events:
        if e["event"] == "sched_wakeup" and e["pid"] == io:
            wakeups[io].append(e["ts"])
        elif e["event"] == "sched_switch" and e["next_pid"] == io:
            runs[io].append(e["ts"])
    expired = shared = 0
    queued_after = []
    for start, end, kind, _, ret, _ in calls:
        if kind != "timedwait" or ret != -110:
            continue
        # The last wake of the wait in a hard interrupt: its timer's (the events are in time order).
        j = bisect.bisect_right(wakings[io], end, key=lambda w: w["ts"])
        timer = next((w for w in reversed(wakings[io][:j]) if w["ts"] < start or w["hardirq"]), None)
        if timer is None or timer["ts"] < start:
            continue
        expired += 1
        near = [w for t in cpu_threads for w in wakings[t][bisect.bisect_left(wakings[t], timer["ts"] - 10,
                                                                              key=lambda w: w["ts"]):]
                if w["ts"] <= timer["ts"] + 10]
        if not any(w["hardirq"] and w["cpu"] == timer["cpu"] and w["tid"] == timer["tid"] for w in near):
            continue
        shared += 1
        i = bisect.bisect_right(wakeups[io], end)
        if i < len(wakeups[io]) and wakeups[io][i] - timer["ts"] <= 100:
            ran = first_from(runs[io], wakeups[io][i], key=lambda r: r)
            if ran is not None:
                queued_after.append(ran - wakeups[io][i])
    return {"io_timeouts": expired, "shared_with_a_cpu_thread": shared,
            "io_run_queue_wait_after_us": quantiles(queued_after),
            "io_run_queue_wait_after_over_200us": sum(1 for q in queued_after if q > 200)}


def sendto_by_peer_wake(events, io):
    """The I/O thread's sendto calls by where the wake they made (the echo server, asleep in recv) put the woken
    thread: onto the I/O thread's own core, onto a core running another thread, or onto an idle core; the call's
    time in the kernel for each ("none": no wake in the call)."""
    current = {}
    by_place = collections.defaultdict(list)
    call = None  # (start, [places])
    for e in events:
        if e["event"] == "sched_switch":
            current[e["cpu"]] = e["next_pid"]
        elif e["tid"] == io and e["event"] == "sys_enter" and e["nr"] == NR_SENDTO:
            call = (e["ts"], [])
        elif call and e["event"] == "sched_waking" and e["tid"] == io:
            on = current.get(e["target_cpu"], 0)
            call[1].append("idle core" if on == 0 else ("own core" if on == io else "busy core"))
        elif call and e["tid"] == io and e["event"] == "sys_exit" and e["nr"] == NR_SENDTO:
            by_place[",".join(call[1]) or "none"].append(e["ts"] - call[0])
            call = None
    return {place: quantiles(times) for place, times in sorted(by_place.items())}


def correlation(xs, ys):
    """Pearson's r, or None where it is undefined (fewer than three pairs, or one side constant)."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    return round(sxy / (sxx * syy) ** 0.5, 3) if sxx > 0 and syy > 0 else None


def probe_process(events):
    """The probe's pid: of the processes that call sendto (the probe's I/O thread, the echo server), the one with the
    most threads."""
    senders = {e["tgid"] for e in events if e["event"] == "sys_enter" and e["nr"] == NR_SENDTO and e["tgid"] > 0}
    threads_of = collections.defaultdict(set)
    for e in events:
        if e["tgid"] in senders:
            threads_of[e["tgid"]].add(e["tid"])
    return max(senders, key=lambda p: len(threads_of[p])) if senders else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--keep-trace", help="also write the raw trace here")
    ap.add_argument("--from-trace", help="analyse a trace kept earlier instead of running the probe")
    ap.add_argument("probe_args", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    probe_args = args.probe_args[1:] if args.probe_args[:1] == ["--"] else args.probe_args
    if args.from_trace:
        with open(args.from_trace) as f:
            stdout, text = "{}", f.read()
    else:
        if os.geteuid() != 0:
            sys.exit("gil_sched: needs root (ftrace)")
        stdout, text = trace_command([args.python, os.path.join(HERE, "gil_probe.py"), *probe_args])
        if args.keep_trace:
            with open(args.keep_trace, "w") as f:
                f.write(text)
    events = parse(text)
    pid = probe_process(events)
    if pid is None:
        sys.exit("gil_sched: the trace holds no sendto of the probe (run it with --io)")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["sched"] = analyse(events, pid)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
