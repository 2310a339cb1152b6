"""The seed's run_asyncio(): one aiohttp.ClientSession, asyncio.gather over the fetches, timed around
asyncio.run as the seed times it.

    python3 fetch_asyncio.py --url http://127.0.0.1:PORT/delay/250 [--count 5] [--quick]

Prints one JSON line: wall_ms and latencies_ms (each fetch's end, from the start)."""
import argparse
import asyncio
import json
import time

import aiohttp

done = []


async def fetch_async(session, url, start):
    async with session.get(url) as r:
        await r.read()
        done.append(time.perf_counter() - start)
        return r.status


async def run_asyncio(urls, start):
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*[fetch_async(session, u, start) for u in urls])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--count", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    urls = [args.url] * (1 if args.quick else args.count)

    start = time.perf_counter()
    statuses = asyncio.run(run_asyncio(urls, start))
    wall = time.perf_counter() - start
    assert all(s == 200 for s in statuses)
    print(json.dumps({"wall_ms": wall * 1e3, "latencies_ms": sorted(d * 1e3 for d in done)}))


if __name__ == "__main__":
    main()
