"""The blog's "multiprocessing with asyncio per process": a Pool maps over pages; each item runs its own event
loop (`asyncio.run`) that fetches the page's URLs with aiohttp and gathers them.

    python3 pool_event_loop.py --url http://127.0.0.1:PORT/delay/250 [--pages 4] [--per-page 5] [--processes 2] [--quick]

Prints one JSON line: wall_ms (the whole `with` block) and latencies_ms (each page's end in its worker)."""
import argparse
import asyncio
import json
import time
from multiprocessing import Pool

import aiohttp


async def fetch(session, url):
    async with session.get(url) as r:
        await r.read()
        return r.status


async def fetch_page(urls):
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*[fetch(session, u) for u in urls])


def page(urls):
    statuses = asyncio.run(fetch_page(urls))
    assert all(s == 200 for s in statuses)
    return time.perf_counter()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--per-page", type=int, default=5)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    pages, per_page = (1, 1) if args.quick else (args.pages, args.per_page)

    start = time.perf_counter()
    with Pool(processes=args.processes) as pool:
        ends = pool.map(page, [[args.url] * per_page for _ in range(pages)])
    wall = time.perf_counter() - start
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted((e - start) * 1e3 for e in ends)}))


if __name__ == "__main__":
    main()
