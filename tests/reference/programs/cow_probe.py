"""What a parent pays to pickle an object graph it built before forking: pickle.dumps of pickle_pool.py's payload
three times in a row, once with no child and once right after forking a child that only waits (as Pool(fork) forks
its workers after the program built its payload), with the minor page faults of each call.

    python3 cow_probe.py [--kind ints|bytes] [--size 10MiB]

pickle.dumps takes a new reference to every object it walks, writing the object's reference count; after a fork the
pages holding those objects are shared with the child, so the first write to each copies it (copy-on-write). Prints
one JSON line: per case ("no_fork", "after_fork") the three calls' [ms, minor faults], and the load average."""
import argparse
import json
import os
import pickle
import resource
import time

from pickle_pool import make_payload, parse_size  # the same payloads as the program it explains


def minor_faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def three_dumps(payload):
    out = []
    for _ in range(3):
        f0, t0 = minor_faults(), time.perf_counter()
        blob = pickle.dumps(payload)
        out.append([round((time.perf_counter() - t0) * 1e3, 2), minor_faults() - f0])
        del blob
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["bytes", "ints"], default="ints")
    ap.add_argument("--size", default="10MiB")
    args = ap.parse_args()
    result = {"kind": args.kind, "size": args.size, "load_before": os.getloadavg()[0]}
    for case in ("no_fork", "after_fork"):
        payload = make_payload(args.kind, parse_size(args.size))
        pickle.dumps(payload[:10] if args.kind == "ints" else b"")  # pickle's own first use, apart
        child = None
        if case == "after_fork":
            r, w = os.pipe()
            child = os.fork()
            if child == 0:
                os.read(r, 1)
                os._exit(0)
        result[case] = three_dumps(payload)
        if child:
            os.write(w, b"x")
            os.waitpid(child, 0)
        del payload
    print(json.dumps(result))


if __name__ == "__main__":
    main()
