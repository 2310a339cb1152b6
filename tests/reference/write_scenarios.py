"""Writes tests/reference/scenarios/*.json from a parts measurement (programs/parts.py), never from a program's
total: every number in a scenario is one part's median, and its "description" says which.

    python3 tests/reference/write_scenarios.py results/<date>-parts-<python>.json

Re-run it after measuring the parts again; the scenarios are committed as written."""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORES = 2  # this project's VM; the programs run on it
sys.path.insert(0, os.path.join(HERE, "programs"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "src", "native", "python"))
import calibrate  # noqa: E402  (`interleave calibrate`'s source: the format's bounds on a throughput)
import gil_sim  # noqa: E402  (the GIL cases' scenarios, programs/gil_sim.py)


def us(ms):
    return f"{max(ms, 0.001) * 1000:.1f}us"


def med(part):
    return part["median"]


# The release the scenarios name. Its fork server does not preload the main module (3.11 and 3.12; the release table,
# PythonInfo::forkserverPreloadsMain), so each forkserver worker runs it again, as a spawned one does.
RELEASE = "3.11"
FORKSERVER_WORKER_RUNS_MAIN = int(RELEASE.split(".")[1]) < 13


def scenario(name, description, tasks, model, profile=None, cores=CORES, queues=None, version=5):
    """version: the scenario format the steps need (8 for queues, pipes, events and children; 10 for main_imports)."""
    doc = {"format": "interleave-scenario", "version": version, "python": RELEASE, "name": name,
           "description": description, "tasks": tasks, "model": model, "machine": {"cores": cores}}
    if profile:
        doc["machine"]["profile"] = profile
    if queues:
        doc["queues"] = queues
    return doc


def write_all(parts, out_dir):
    src = f"parts measured {parts['started']} on CPython {parts['python']}, {parts['cores']} cores, load {parts['load_before'][0]}"
    delay = parts["delay_ms"]
    docs = {}
    ps = parts["process_start"]

    def teardown_worker_ms(m):
        # What each worker beyond the first adds to leaving `with`: start_probe.py's Pool(8) less its Pool(1), over
        # the 7 further workers. None for parts files before 2026-12-07 13:30, which lack it (the default stays).
        if "pool_teardown_8" not in m:
            return None
        return max((med(m["pool_teardown_8"]) - med(m["pool_teardown"])) / 7, 0)

    def pool_fork(weight):
        """What each fork worker costs its parent, in ms, and where the figure comes from. Through a real Pool:
        start_probe.py's Pool(8).__init__ less its Pool(1)'s, the parent's main thread's own CPU, over the 7 further
        workers (each fork, and what the parent pays after it to write the pages it now shares with the child:
        docs/real-runs.md, "A fork worker's cost through a real Pool"). Parts files before 2026-12-08 lack it: a bare
        Process.start() then."""
        m = ps[weight]["fork"]
        if "pool_init_cpu_8" not in m:
            return med(m["parent_start"]), f"Process.start() with fork (process_start.{weight}.fork.parent_start)"
        return (max((med(m["pool_init_cpu_8"]) - med(m["pool_init_cpu"])) / 7, 0.001),
                f"what each worker beyond the first costs its parent in a real Pool: Pool(8).__init__ less Pool(1)'s, "
                f"the parent's own CPU, over 7 (process_start.{weight}.fork.pool_init_cpu_8 less .pool_init_cpu)")

    def pool_profile(weight, method="fork"):
        # A Pool's own costs in the parent: the first Pool() of a process imports multiprocessing.pool; Pool(1) until
        # its first map returned, less one worker's start (its set-up beyond its worker); leaving `with` (tear-down).
        m = ps[weight][method]
        profile = {"pool_import": us(med(ps[f"import_pool_{weight}"])),
                   "pool_setup": us(pool_setup_ms(weight, method)),
                   "pool_teardown": us(med(m["pool_teardown"]))}
        if teardown_worker_ms(m) is not None:
            profile["pool_teardown_worker"] = us(teardown_worker_ms(m))
        if "page_touch" in parts:  # parts files before 2026-12-05 lack it: the profile's default stays
            profile["page_touch"] = us(med(parts["page_touch"]))
        if method == "fork":
            # A fork worker's own start, after its parent's Process.start() returned: the model runs it on the
            # worker, beside the parent's next start.
            profile["fork_child_start"] = us(max(med(m["ready"]) - med(m["parent_start"]), 0.001))
        return profile

    def pool_setup_ms(weight, method):
        # Pool(1) until its first map returned, less its worker's start as the model charges it: a fork worker's
        # start in the parent (pool_fork) and its own (ready less parent_start); another method's start.ready.
        m = ps[weight][method]
        worker = med(m["ready"])
        if method == "fork":
            worker += pool_fork(weight)[0] - med(m["parent_start"])
        return max(med(m["pool_setup"]) - worker, 0.001)

    def pool_miss(weight, method="fork"):
        m = ps[weight][method]
        return (f" The Pool's own costs: pool_import {med(ps[f'import_pool_{weight}']):.1f} ms (the first Pool() of a "
                f"process imports multiprocessing.pool: parts process_start.import_pool_{weight}), pool_setup "
                f"{pool_setup_ms(weight, method):.1f} ms (Pool(1) until its first map returned "
                f"less a worker's start: {weight}.{method}.pool_setup less .ready"
                + (" and process_start_fork, plus .parent_start" if method == "fork" else "") + "), pool_teardown "
                f"{med(m['pool_teardown']):.1f} ms (leaving `with Pool(1)`: {weight}.{method}.pool_teardown)" +
                (f", pool_teardown_worker {teardown_worker_ms(m):.2f} ms for each further worker (leaving "
                 f"`with Pool(8)`, less Pool(1)'s, over 7: {weight}.{method}.pool_teardown_8)"
                 if teardown_worker_ms(m) is not None else "") + "." +
                (f" page_touch {med(parts['page_touch']) * 1e3:.1f} us: a 4 KiB page written for the first time "
                 f"(parts page_touch), what each message's fresh heap costs." if "page_touch" in parts else "") +
                (f" fork_child_start {max(med(m['ready']) - med(m['parent_start']), 0.001):.2f} ms: a worker's own "
                 f"start after the fork, until it ran its target ({weight}.fork.ready less .parent_start)."
                 if method == "fork" else ""))

    # --- the seed's fetches -------------------------------------------------------------------------------------
    req_cpu = med(parts["requests_cpu_at_delay"])
    req_wait = med(parts["requests_wall"]) - req_cpu
    req_steps = [{"cpu": us(req_cpu)}, {"await": us(req_wait)}]
    req_note = (f"One requests.get: {req_cpu:.2f} ms of the calling thread's CPU (parts requests_cpu_at_delay) and "
                f"the rest of its {med(parts['requests_wall']):.1f} ms wall time against the {delay:g} ms delay server "
                f"(requests_wall) as a wait. The CPU is one step before the wait: parts.py cannot split it into "
                f"before and after the response.")
    thread_start = med(parts["thread_start"])
    fork_start, fork_start_how = pool_fork("heavy")
    msg = med(parts["pipe_round_trip"]) / 2
    docs["fetch_sequential"] = scenario(
        "Five fetches, one after another (requests)", f"tests/reference/programs/fetch_sequential.py. {req_note} {src}.",
        [{"name": "fetch", "count": 5, "steps": req_steps}], {"kind": "sequential"})
    docs["fetch_threads"] = scenario(
        "Five fetches on five threads (requests)",
        f"tests/reference/programs/fetch_threads.py: a threading.Thread per URL. {req_note} thread_start "
        f"{thread_start * 1e3:.0f} us: a start in a burst of 100 (parts thread_start). {src}.",
        [{"name": "fetch", "count": 5, "steps": req_steps}], {"kind": "threads"}, {"thread_start": us(thread_start)})
    docs["fetch_executor"] = scenario(
        "Twelve fetches on ThreadPoolExecutor(4) with as_completed (requests)",
        f"tests/reference/programs/fetch_executor.py: a submit per URL, each result handed out as it completes. "
        f"{req_note} thread_start {thread_start * 1e3:.0f} us: a start in a burst of 100 (parts thread_start); "
        f"submit() and as_completed's hand-out at the profile's defaults (docs/machine-profile.md). {src}.",
        [{"name": "main", "count": 1, "steps": [{"children": {"name": "fetch", "count": 12, "via": "executor",
                                                               "max_workers": 4, "steps": req_steps}}]}],
        {"kind": "sequential"}, {"thread_start": us(thread_start)})
    docs["fetch_executor"]["version"] = 7  # children "via": "executor"
    cold_cpu = med(parts["requests_cold_fork_cpu"])
    docs["fetch_pool"] = scenario(
        "Five fetches on Pool(processes=5) (requests, fork)",
        f"tests/reference/programs/fetch_pool.py. Each worker makes one request, its first: {cold_cpu:.2f} ms of CPU, "
        f"the first requests.get in a process forked from one that imported requests (parts requests_cold_fork_cpu; "
        f"a warm call costs {req_cpu:.2f} ms, requests_cpu_at_delay), then the wait of a warm call at the "
        f"{delay:g} ms server: requests_wall less requests_cpu_at_delay, {req_wait:.1f} ms. process_start_fork "
        f"{fork_start:.2f} ms, in a main module that imported requests: {fork_start_how}; message_overhead: half a "
        f"1-byte Pipe round trip (pipe_round_trip); "
        f"thread_start as for threads.{pool_miss('heavy')} {src}.",
        [{"name": "fetch", "count": 5, "steps": [{"send": "120B"}, {"cpu": us(cold_cpu)}, {"await": us(req_wait)},
                                                 {"return": "40B"}]}],
        {"kind": "processes", "workers": 5, "start_method": "fork"},
        {"process_start_fork": us(fork_start), "message_overhead": us(msg), "thread_start": us(thread_start),
         **pool_profile("heavy")})
    aio_cpu = med(parts["aiohttp_cpu_at_delay"])
    aio_wait = med(parts["aiohttp_wall"]) - aio_cpu
    session_cpu = med(parts["aiohttp_run_session_cpu"])
    aio_note = (f"One `async with session.get(url) as r: await r.read()` on an open ClientSession: {aio_cpu:.2f} ms "
                f"of the loop thread's CPU (parts aiohttp_cpu_at_delay), the rest of its "
                f"{med(parts['aiohttp_wall']):.1f} ms wall (aiohttp_wall) as an await. asyncio.run() of opening and "
                f"closing the ClientSession: {session_cpu:.2f} ms CPU (aiohttp_run_session_cpu)")
    docs["fetch_asyncio"] = scenario(
        "Five fetches gathered on one event loop (aiohttp)",
        f"tests/reference/programs/fetch_asyncio.py. {aio_note}, written as a task 'session' of that CPU gathered "
        f"first (the format has no set-up step before a gather). {src}.",
        [{"name": "session", "count": 1, "steps": [{"cpu": us(session_cpu)}]},
         {"name": "fetch", "count": 5, "steps": [{"cpu": us(aio_cpu)}, {"await": us(aio_wait)}]}],
        {"kind": "asyncio"})
    cold_page = med(parts["aiohttp_cold_fork_cpu"])
    first_extra = max(cold_page - aio_cpu, session_cpu)
    fetches = {"children": {"name": "fetch", "count": 5, "via": "gather",
                            "steps": [{"cpu": us(aio_cpu)}, {"await": us(aio_wait)}]}}
    docs["pool_event_loop"] = scenario(
        "Pool(2) over 4 pages, each page asyncio.run + aiohttp gather of 5 fetches",
        f"tests/reference/programs/pool_event_loop.py. {aio_note}. A worker's first page ('page_first', one per "
        f"worker: Pool.map hands the first two items to the two workers) pays the first asyncio.run of a "
        f"ClientSession with one get in a forked process, {cold_page:.2f} ms CPU (parts aiohttp_cold_fork_cpu), "
        f"less the warm get inside it: {first_extra:.2f} ms before its children; a later page pays "
        f"aiohttp_run_session_cpu. process_start_fork {fork_start:.2f} ms: {fork_start_how}."
        f"{pool_miss('heavy')} {src}.",
        [{"name": "page_first", "count": 2, "steps": [{"send": "300B"}, {"cpu": us(first_extra)}, fetches,
                                                      {"return": "40B"}]},
         {"name": "page", "count": 2, "steps": [{"send": "300B"}, {"cpu": us(session_cpu)}, fetches,
                                                {"return": "40B"}]}],
        {"kind": "processes", "workers": 2, "start_method": "fork"},
        {"process_start_fork": us(fork_start), "message_overhead": us(msg), "thread_start": us(thread_start),
         **pool_profile("heavy")})

    # --- CPU-bound ----------------------------------------------------------------------------------------------
    sum_cpu = med(parts["sum_cpu"])
    light_fork, light_fork_how = pool_fork("light")
    sum_note = f"One sum(i * i for i in range({parts['sum_n']:_})): {sum_cpu:.1f} ms of thread CPU (parts sum_cpu)"
    for case, workers in (("cpu_pool", 2), ("cpu_pool_4", 4)):
        docs[case] = scenario(
            f"sum(i * i) x 8 on Pool({'' if workers == 2 else 'processes=4'}) (fork)",
            f"tests/reference/programs/cpu_pool.py{'' if workers == 2 else ' --processes 4'}. {sum_note}; "
            f"process_start_fork {light_fork:.2f} ms: {light_fork_how}; message_overhead: "
            f"half a Pipe round trip.{pool_miss('light')} {src}.",
            [{"name": "compute", "count": 8, "steps": [{"send": "40B"}, {"cpu": us(sum_cpu)}, {"return": "60B"}]}],
            {"kind": "processes", "workers": workers, "start_method": "fork"},
            {"process_start_fork": us(light_fork), "message_overhead": us(msg), "thread_start": us(thread_start),
             **pool_profile("light")})
    docs["cpu_threads"] = scenario(
        "sum(i * i) x 8 on ThreadPoolExecutor(4)",
        f"tests/reference/programs/cpu_threads.py. {sum_note}; thread_start {thread_start * 1e3:.0f} us (thread_start). "
        f"Switch interval: CPython's default 5 ms. {src}.",
        [{"name": "compute", "count": 8, "steps": [{"cpu": us(sum_cpu)}]}], {"kind": "threads", "workers": 4},
        {"thread_start": us(thread_start)})

    # --- process start per method -------------------------------------------------------------------------------
    # A spawned worker, and a forkserver one on this release, runs the main module again: runpy's own part
    # (main_rerun: an empty module) and the program's imports (main_imports: the program's run less an empty one's),
    # measured apart (parts main_run, from 2026-12-08); the probe's own run comes out of its measured start. Parts
    # without them keep the whole start in process_start_*.
    main_run = ps.get("main_run")
    for weight in ("light", "heavy"):
        psw = ps[weight]
        prog = "process_start_heavy.py" if weight == "heavy" else "process_start.py"
        probe = "start_probe_heavy.py" if weight == "heavy" else "start_probe.py"
        if main_run:
            rerun, probe_run = med(main_run["empty"]), med(main_run[probe])
            imports = max(med(main_run[prog]) - rerun, 0)
        for method in ("fork", "spawn", "forkserver"):
            m = psw[method]
            profile = {"message_overhead": us(msg), "thread_start": us(thread_start), **pool_profile(weight, method)}
            fork_parent = med(psw["fork"]["parent_start"])
            runs_main = main_run and (method == "spawn" or (method == "forkserver" and FORKSERVER_WORKER_RUNS_MAIN))
            own_run = probe_run if runs_main else 0
            if method == "fork":
                fork_in_pool, fork_how = pool_fork(weight)
                profile["process_start_fork"] = us(fork_in_pool)
                how = f"process_start_fork {fork_in_pool:.2f} ms: {fork_how}"
            elif method == "spawn":
                launch, ready = med(m["parent_start"]), med(m["ready"])
                profile["process_start_fork"] = us(launch)
                profile["process_start_spawn"] = us(max(ready - launch - own_run, 0.001))
                how = (f"process_start_fork {launch:.2f} ms: the parent's Process.start() with spawn (spawn.parent_start, "
                       f"the launcher's fork+exec); process_start_spawn {ready - launch - own_run:.1f} ms: start() "
                       f"until the child ran its target (spawn.ready) less that"
                       + (f" and its run of {probe} ({own_run:.1f} ms, main_run.{probe})" if own_run else ""))
            else:
                first, ready = med(m["first_ready"]), med(m["ready"])
                # Parts measured before 2026-12-07 have no parent_cpu: the request is then the profile's default.
                request = med(m["parent_cpu"]) if m.get("parent_cpu") else None
                child = ready - fork_parent - (request or 0) - own_run
                profile["process_start_fork"] = us(fork_parent)
                profile["forkserver_start"] = us(max(first - ready, 0.001))
                profile["process_start_forkserver"] = us(max(child, 0.001))
                if request is not None:
                    profile["forkserver_request"] = us(request)
                how = (f"forkserver_start {first - ready:.1f} ms: the first start (forkserver.first_ready, server "
                       f"included) less a later one (forkserver.ready); "
                       + (f"forkserver_request {request:.2f} ms: the parent's own CPU in start() (forkserver."
                          f"parent_cpu); " if request is not None else "") +
                       f"process_start_forkserver {child:.1f} ms: a later start until the child ran (forkserver.ready) "
                       f"less a fork (fork.parent_start, which is also this scenario's process_start_fork: the server "
                       f"forks the worker)"
                       + (" and the request" if request is not None else "")
                       + (f" and its run of {probe} ({own_run:.1f} ms, main_run.{probe})" if own_run else ""))
            if runs_main:
                profile["main_rerun"] = us(rerun)
                how += (f"; main_rerun {rerun:.1f} ms: an empty main module run again in a child (main_run.empty), and "
                        f"{prog}'s own imports {imports:.1f} ms (main_run.{prog} less that): the scenario's main_imports")
            # Two workers, and (light) fifty on the machine's two cores: the starts contend for the cores (a spawned
            # or forkserver worker's start is CPU work: a fresh interpreter and its imports).
            for workers in (2, 50) if weight == "light" else (2,):
                case = (f"process_start_{method}" + ("_heavy" if weight == "heavy" else "") +
                        (f"_{workers}" if workers != 2 else ""))
                docs[case] = scenario(
                    f"Pool({workers}) with {method}{', main module imports requests' if weight == 'heavy' else ''}: "
                    f"start, map, tear-down",
                    f"tests/reference/programs/{prog} --method {method} --workers {workers}. Parts from "
                    f"start_probe{'_heavy' if weight == 'heavy' else ''}.py ({weight}; one worker at a time"
                    f"{', and Pool(1) against Pool(8)' if method == 'fork' else ''}): "
                    f"{how}.{pool_miss(weight, method)} {src}.",
                    [{"name": "square", "count": workers,
                      "steps": [{"send": "20B"}, {"cpu": "5us"}, {"return": "20B"}]}],
                    {"kind": "processes", "workers": workers, "start_method": method}, profile,
                    version=10 if runs_main else 5)
                if runs_main:
                    docs[case]["main_imports"] = us(imports)

    # --- pickling through a real Pool ---------------------------------------------------------------------------
    for key, p in parts.items():
        if not key.startswith("pickle."):
            continue
        _, kind, size = key.split(".")
        nbytes = p["pickled_bytes"]
        dumps, loads, transfer = med(p["dumps"]), med(p["loads"]), med(p["transfer"])
        out_tp = int(nbytes / max((dumps + transfer) / 1e3, 1e-9))
        in_tp = int(nbytes / max(loads / 1e3, 1e-9))
        objects = kind == "ints"
        fields = ("pickle_objects_throughput", "unpickle_objects_throughput") if objects else \
                 ("pickle_throughput", "unpickle_throughput")
        # Within what the format takes (1 KB/s to 1 TiB/s): once the fresh pages are taken out, a warm copy's median
        # can be 0 ms (every run of it was page faults), a speed beyond what the format says.
        out_tp, in_tp = (calibrate.bounded_throughput(tp) for tp in (out_tp, in_tp))
        profile = {fields[0]: out_tp, fields[1]: in_tp, "process_start_fork": us(light_fork),
                   "message_overhead": us(msg), "thread_start": us(thread_start), **pool_profile("light")}
        send = {"send": str(nbytes)}
        if objects:
            send["payload"] = "objects"
        docs[f"pickle_{kind}_{size}"] = scenario(
            f"Pool(2).map over 4 items of {size} ({'a list of ints' if objects else 'bytes'})",
            f"tests/reference/programs/pickle_pool.py --kind {kind} --size {size}. One item pickles to {nbytes} bytes; "
            f"{fields[0]} {out_tp / 1e6:.1f} MB/s: pickle.dumps ({dumps:.3f} ms) plus a Pipe transfer of those bytes to "
            f"another process ({transfer:.3f} ms) (parts {key}.dumps, .transfer); {fields[1]} {in_tp / 1e6:.1f} MB/s: "
            f"pickle.loads ({loads:.3f} ms, .loads). process_start_fork {light_fork:.2f} ms: {light_fork_how}; "
            f"message_overhead: half a Pipe round trip. The worker's len() is a 5 us cpu step."
            f"{pool_miss('light')} {src}.",
            [{"name": "checksum", "count": 4, "steps": [send, {"cpu": "5us"}, {"return": "30B"}]}],
            {"kind": "processes", "workers": 2, "start_method": "fork"}, profile)

    # --- the lock counter ---------------------------------------------------------------------------------------
    inc = med(parts["lock_increment"])
    docs["lock_counter"] = scenario(
        "100 threads increment a counter under a Lock",
        f"tests/reference/programs/lock_counter.py (the blog's threading example). thread_start "
        f"{thread_start * 1e3:.0f} us: a start in a burst of 100 (parts thread_start); counter_increment "
        f"{inc * 1e6:.0f} ns: one uncontended `with lock: counter += 1` (lock_increment; the acquire and release "
        f"are inside that figure, the lock steps add nothing of their own). {src}.",
        [{"name": "increment", "count": 100, "steps": [{"acquire": "lock"}, {"increment": "shared_counter"},
                                                       {"release": "lock"}]}],
        {"kind": "threads"}, {"thread_start": us(thread_start), "counter_increment": f"{max(1, round(inc * 1e6))}ns"})

    # --- queues and events between tasks --------------------------------------------------------------------------
    # The programs' own work is exact by construction (burn() spins on the thread's CPU clock, time.sleep and
    # asyncio.sleep wait a set time), so those steps are the programs' constants; what a queue.Queue, asyncio.Queue,
    # multiprocessing.Queue or threading.Event call costs is the machine profile's (docs/machine-profile.md, measured
    # by `interleave calibrate`), not a parts figure.
    channel_note = ("queue_operation, async_queue_operation and the mp_queue_* costs are the machine profile's defaults "
                    "(docs/machine-profile.md: measured with `interleave calibrate` on this VM)")
    def download(wait="io"):  # time.sleep is blocking I/O; asyncio.sleep an await
        return {"name": "download", "count": 1, "steps": [{"repeat": 40, "steps": [{wait: "3ms"}, {"put": "pages"}]}]}
    pages = {"pages": {"maxsize": 4}}
    parse = {"name": "parse", "count": 2, "steps": [{"repeat": 20, "steps": [{"get": "pages"}, {"cpu": "8ms"}]}]}
    pipeline_doc = ("One downloader puts 40 pages (3 ms of time.sleep each) on a bounded queue (maxsize 4); two parsers "
                    "take them off and parse each (8 ms of pure Python, burn() on the thread's CPU clock).")
    for case, program, kind, io_step, note in (
            ("pipeline_threads", "pipeline_depth.py", "threads", "io", "queue.Queue(maxsize=4) between three threads"),
            ("pipeline_asyncio", "pipeline_asyncio.py", "asyncio", "await",
             "asyncio.Queue(maxsize=4) between three coroutines; asyncio.sleep is an await, the parse blocks the loop")):
        doc = scenario(f"A bounded pipeline: {note}",
                       f"tests/reference/programs/{program}: {note}. {pipeline_doc} thread_start "
                       f"{thread_start * 1e3:.0f} us (parts thread_start); {channel_note}. {src}.",
                       [download(io_step), parse],
                       {"kind": kind}, {"thread_start": us(thread_start)}, queues=pages, version=8)
        docs[case] = doc
    doc = scenario("A bounded pipeline across processes: a multiprocessing.Queue(maxsize=4) on Pool(3)",
                   f"tests/reference/programs/pipeline_processes.py: Pool(3).map runs one downloader and two parsers, "
                   f"chunksize 1, fork; the queue is made before the Pool and handed to each worker by its initializer. "
                   f"{pipeline_doc} process_start_fork {light_fork:.2f} ms: {light_fork_how}; "
                   f"message_overhead: half a Pipe round trip (pipe_round_trip); {channel_note}.{pool_miss('light')} "
                   f"{src}.",
                   [download(), parse], {"kind": "processes", "workers": 3, "chunksize": 1, "start_method": "fork"},
                   {"process_start_fork": us(light_fork), "message_overhead": us(msg), **pool_profile("light")},
                   queues=pages, version=8)
    docs["pipeline_processes"] = doc
    doc = scenario("Four workers wait for a threading.Event a loader sets",
                   f"tests/reference/programs/event_start.py: a loader thread spends 20 ms of pure Python, then sets a "
                   f"threading.Event four worker threads wait on; each then runs 5 ms of pure Python (burn() on the "
                   f"thread's CPU clock). thread_start {thread_start * 1e3:.0f} us (parts thread_start); "
                   f"{channel_note}. {src}.",
                   [{"name": "loader", "count": 1, "steps": [{"cpu": "20ms"}, {"set": "ready"}]},
                    {"name": "worker", "count": 4, "steps": [{"wait": "ready"}, {"cpu": "5ms"}]}],
                   {"kind": "threads"}, {"thread_start": us(thread_start)}, version=8)
    docs["event_start"] = doc

    doc = scenario("Results through a multiprocessing.Pipe on Pool(3)",
                   f"tests/reference/programs/pipe_pool.py: the Pipe's ends are made before Pool(3) and handed to each "
                   f"worker by its initializer; Pool(3).map runs one collector, which recv()s twelve results, and twelve "
                   f"hash jobs (5 ms of pure Python each, burn() on the thread's CPU clock), each send()ing its result; "
                   f"chunksize 1, fork. process_start_fork {light_fork:.2f} ms: {light_fork_how}; "
                   f"message_overhead: half a Pipe round trip (pipe_round_trip); mp_pipe_send and mp_pipe_recv are the "
                   f"profile's (docs/machine-profile.md).{pool_miss('light')} {src}.",
                   [{"name": "collect", "count": 1, "steps": [{"repeat": 12, "steps": [{"get": "results"}]}]},
                    {"name": "hash", "count": 12, "steps": [{"cpu": "5ms"}, {"put": "results"}]}],
                   {"kind": "processes", "workers": 3, "chunksize": 1, "start_method": "fork"},
                   {"process_start_fork": us(light_fork), "message_overhead": us(msg), **pool_profile("light")},
                   queues={"results": {"pipe": True}}, version=8)
    docs["pipe_pool"] = doc

    # --- tasks that start tasks ---------------------------------------------------------------------------------
    doc = scenario("Coroutines that gather coroutines",
                   "tests/reference/programs/gather_children.py: asyncio.run over four page coroutines, each awaiting "
                   "asyncio.gather over three image coroutines (2 ms of pure Python, then 10 ms of asyncio.sleep), then "
                   f"1 ms of pure Python. The program's work is exact by construction (burn() on the thread's CPU clock). "
                   f"{src}.",
                   [{"name": "page", "count": 4, "steps": [
                       {"children": {"name": "image", "count": 3, "via": "gather",
                                     "steps": [{"cpu": "2ms"}, {"await": "10ms"}]}},
                       {"cpu": "1ms"}]}],
                   {"kind": "asyncio"}, version=8)
    docs["gather_children"] = doc
    doc = scenario("Threads that start and join threads",
                   "tests/reference/programs/thread_children.py: two threads each start three threads (3 ms of pure "
                   "Python, then 10 ms of time.sleep), join them, then spend 1 ms of pure Python. thread_start "
                   f"{thread_start * 1e3:.0f} us (parts thread_start). {src}.",
                   [{"name": "parent", "count": 2, "steps": [
                       {"children": {"name": "child", "count": 3, "via": "threads",
                                     "steps": [{"cpu": "3ms"}, {"io": "10ms"}]}},
                       {"cpu": "1ms"}]}],
                   {"kind": "threads"}, {"thread_start": us(thread_start)}, version=8)
    docs["thread_children"] = doc

    docs.update(gil_scenarios())

    os.makedirs(out_dir, exist_ok=True)
    for case, doc in docs.items():
        with open(os.path.join(out_dir, f"{case}.json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    return sorted(docs)


# The GIL under contention (docs/real-runs.md): programs/gil_probe.py's CPU-bound threads and its thread making TCP
# round trips to an echo server, as (id, CPU-bound threads, I/O thread, switch interval ms, busy processes).
GIL_CASES = [("gil_2cpu", 2, False, 5, 0), ("gil_3cpu", 3, False, 5, 0), ("gil_4cpu", 4, False, 5, 0),
             ("gil_1cpu_io", 1, True, 5, 0), ("gil_2cpu_io", 2, True, 5, 0), ("gil_4cpu_io", 4, True, 5, 0),
             ("gil_2cpu_io_1ms", 2, True, 1, 0), ("gil_2cpu_io_50ms", 2, True, 50, 0),
             ("gil_1cpu_io_busy2", 1, True, 5, 2), ("gil_2cpu_io_busy2", 2, True, 5, 2)]
GIL_SECONDS = 2.0  # as long as the probe runs (cases.json: --seconds 2), so the medians rest on as many samples


def gil_scenarios():
    """The scenarios programs/gil_sim.py writes from the probe's parts (the I/O thread alone against the same echo
    server, programs/echo_parts.py: sendall, the round trip, a recv whose reply is there, about 1 us of Python around
    each), one per GIL case."""
    docs = {}
    for case, cpu, io, interval_ms, busy in GIL_CASES:
        doc = {"format": "interleave-scenario"}
        doc.update(gil_sim.scenario(cpu, io, interval_ms, GIL_SECONDS, busy, CORES))
        doc["name"] = case
        doc["description"] = (
            f"tests/reference/programs/gil_probe.py --cpu {cpu}{' --io' if io else ''} --interval {interval_ms}"
            f"{f' --busy {busy}' if busy else ''}: {cpu} CPU-bound thread{'s' if cpu > 1 else ''} of pure Python"
            + (", beside one thread making TCP round trips to an echo server in another process (sendall "
               f"{gil_sim.parts(busy)['send']} us; recv {gil_sim.parts(busy)['ready_recv']} us once its reply is "
               f"there, which is {gil_sim.parts(busy)['reply']} us after the sendall began; {gil_sim.PY_US} us of "
               "Python around each: the probe's I/O thread measured alone, programs/echo_parts.py"
               + (f" --busy {busy}, on a machine as busy" if busy else "") + ")" if io else "")
            + (f", with {busy} busy processes on the machine" if busy else "")
            + f", switch interval {interval_ms} ms; {GIL_SECONDS:g} s, as the probe runs: the CPU-bound threads' work "
            f"shared among them.")
        docs[case] = doc
    return docs


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        parts = json.load(f)
    for case in write_all(parts, os.path.join(HERE, "scenarios")):
        print(case)


if __name__ == "__main__":
    main()
