"""The parts of gil_probe.py's I/O thread, measured alone against the same echo server (another process):

  - sendall: one `sock.sendall(b"x")`;
  - recv_waiting: the `sock.recv(1)` right after it, which waits for the server to answer;
  - round_trip: from the sendall's start to that recv's return (what a scenario's `"reply_after"` is);
  - recv_ready: a `sock.recv(1)` whose reply is already there (the thread spun in Python for --spin-us after its
    sendall first): what the call costs when the I/O thread comes back to its socket late, as beside CPU-bound
    threads it comes back a GIL wait later.
The round trips come first, one after the other as the probe's I/O thread alone makes them; then the ready recvs.

    python3 echo_parts.py [--trips 20000] [--spin-us 200] [--busy N]

--busy N starts N busy processes first, as gil_probe.py --busy N does: the parts on the machine the busy cases ran on.

Prints one JSON object: each part's n, p10, p50, p90 and max in ns, the Python version and the load average."""
import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gil_probe import ECHO_SERVER, busy, quantiles  # noqa: E402  (the same server, load and summary as the probe)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trips", type=int, default=20000)
    ap.add_argument("--spin-us", type=float, default=200.0)
    ap.add_argument("--busy", type=int, default=0)
    args = ap.parse_args()
    if args.trips < 1 or args.trips > 10_000_000 or not 0 < args.spin_us < 1e6 or not 0 <= args.busy <= 64:
        sys.exit("--trips must be 1..10000000, --spin-us above 0 and below 1e6, --busy 0..64")
    busy_procs = []
    if args.busy:
        # As long as the round trips and ready recvs could take on a loaded machine; stopped as soon as they are done.
        stop_at = time.time() + 60 + args.trips * (args.spin_us + 100) / 1e6
        for _ in range(args.busy):
            p = multiprocessing.Process(target=busy, args=(stop_at,))
            p.start()
            busy_procs.append(p)
        time.sleep(0.3)
    server = subprocess.Popen([sys.executable, "-c", ECHO_SERVER], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        now = time.perf_counter_ns
        spin_ns = int(args.spin_us * 1000)
        load_before = os.getloadavg()[0]
        sends, waiting, trips, ready = [], [], [], []
        for _ in range(args.trips):  # round trips one after the other, as the probe's I/O thread alone makes them
            t0 = now()
            sock.sendall(b"x")
            t1 = now()
            sock.recv(1)
            t2 = now()
            sends.append(t1 - t0)
            waiting.append(t2 - t1)
            trips.append(t2 - t0)
        for _ in range(args.trips):  # the reply is there before the recv
            sock.sendall(b"x")
            until = now() + spin_ns
            while now() < until:
                pass
            t1 = now()
            sock.recv(1)
            ready.append(now() - t1)
        sock.close()
    finally:
        server.kill()
        for p in busy_procs:
            p.terminate()
            p.join()
    print(json.dumps({
        "python": sys.version.split()[0],
        "busy_processes": args.busy,
        "trips": args.trips,
        "spin_us": args.spin_us,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "sendall": quantiles(sends),
        "recv_waiting": quantiles(waiting),
        "round_trip": quantiles(trips),
        "recv_ready": quantiles(ready),
    }))


if __name__ == "__main__":
    main()
