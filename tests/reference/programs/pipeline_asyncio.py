"""The pipeline on one event loop, as people write it with asyncio: a downloader coroutine awaits 40 pages (3 ms each:
asyncio.sleep stands for the network) and puts each on an asyncio.Queue(maxsize=4); two parser coroutines take them
off and parse each (8 ms of pure Python, timed by the thread's CPU clock, so the loop is blocked while it runs).

    python3 pipeline_asyncio.py [--quick]     (--quick: 8 pages)

Prints one JSON line: wall_ms (asyncio.run, start to end) and max_depth (the queue's qsize() after each put)."""
import argparse
import asyncio
import json
import time


def burn(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


async def download(pages, count, depths):
    for i in range(count):
        await asyncio.sleep(0.003)
        await pages.put(i)
        depths.append(pages.qsize())


async def parse(pages, count):
    for _ in range(count):
        await pages.get()
        burn(0.008)


async def main(count):
    pages = asyncio.Queue(maxsize=4)
    depths = []
    await asyncio.gather(download(pages, count, depths), parse(pages, count // 2), parse(pages, count // 2))
    return depths


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    n = 8 if ap.parse_args().quick else 40
    start = time.perf_counter()
    seen = asyncio.run(main(n))
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "max_depth": max(seen)}))
