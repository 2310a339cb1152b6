"""Coroutines that fan out: asyncio.run over four page coroutines, each of which awaits asyncio.gather over three
image coroutines (2 ms of pure Python, timed by the thread's CPU clock, then 10 ms of asyncio.sleep standing for the
network), then spends 1 ms of pure Python assembling the page.

    python3 gather_children.py [--quick]     (--quick: 1 page of 2 images)

Prints one JSON line: wall_ms (asyncio.run, start to end) and latencies_ms (each page's end, from the start)."""
import argparse
import asyncio
import json
import time


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def image():
    burn(0.002)
    await asyncio.sleep(0.010)


async def page(images, start, ends):
    await asyncio.gather(*(image() for _ in range(images)))
    burn(0.001)
    ends.append(time.perf_counter() - start)


async def main(pages, images, start):
    ends = []
    await asyncio.gather(*(page(images, start, ends) for _ in range(pages)))
    return ends


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    quick = ap.parse_args().quick
    t0 = time.perf_counter()
    ends = asyncio.run(main(1 if quick else 4, 2 if quick else 3, t0))
    wall = time.perf_counter() - t0
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted(e * 1e3 for e in ends)}))
