"""The naive baseline: one request after another, each body through feedparser.parse.

Fetch and parse only (no store, no analysis), with feedparser's defaults, as a
first script would do it. Prints one JSON line; run by bench.poll in its own process.
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import feedparser
import httpx

from .feed_server import host_for


def naive_poll(urls: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    fetch = parse = 0.0
    items = 0
    with httpx.Client(timeout=30, trust_env=False) as client:
        for url in urls:
            t0 = time.perf_counter()
            body = client.get(url).content
            t1 = time.perf_counter()
            items += len(feedparser.parse(body).entries)
            fetch += t1 - t0
            parse += time.perf_counter() - t1
    return {
        "wall": time.perf_counter() - started,
        "fetch": fetch,
        "parse": parse,
        "items": items,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--feeds", type=int, required=True)
    args = parser.parse_args(argv)
    urls = [f"http://{host_for(i, args.hosts)}:{args.port}/feed/{i}.xml" for i in range(args.feeds)]
    print(json.dumps(naive_poll(urls)))


if __name__ == "__main__":
    main()
