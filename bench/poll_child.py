"""One process: a cold `monitor poll` of N feeds on a fresh database, then a repoll.

Run by bench.poll (python -m bench.poll_child --port P --feeds N --db PATH); prints
one JSON line with wall and CPU seconds, peak RSS, and the counters that show the
repoll parsed and wrote nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import monitor.pipeline
from monitor.app import Monitor
from monitor.config import Environment
from monitor.logs import setup_logging
from monitor.notify.console import ConsoleNotifier

from .feed_server import host_for
from .harness import feed_config


def _counting(counter: dict[str, int], function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counter["parses"] += 1
        return function(*args, **kwargs)

    return wrapper


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _counts(app: Monitor) -> dict[str, int]:
    tables = ("items", "stories", "story_bands", "mentions", "events", "outbox")
    return {t: next(app.store.db.query(f"SELECT count(*) AS n FROM {t}"))["n"] for t in tables}


def _timed_poll(app: Monitor, profile: cProfile.Profile | None) -> dict[str, Any]:
    cpu, wall = _cpu(), time.perf_counter()
    if profile is not None:
        profile.enable()
    summary = app.poll(deliver=False)
    if profile is not None:
        profile.disable()
    return {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "new_items": summary.new_items,
        "new_stories": summary.new_stories,
        "events": summary.events,
        "failed": len(summary.failed),
        "not_modified": sum(1 for r in summary.results if r.not_modified),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--feeds", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--repoll", action="store_true")
    parser.add_argument("--profile", help="write the cold poll's cProfile stats here")
    parser.add_argument("--prefix", default="news")
    args = parser.parse_args(argv)
    setup_logging("text", level=logging.WARNING)

    urls = [f"http://{host_for(i, args.hosts)}:{args.port}/feed/{i}.xml" for i in range(args.feeds)]
    counter = {"parses": 0}
    if hasattr(monitor.pipeline, "parse_response"):  # count parses to prove a repoll has none
        monitor.pipeline.parse_response = _counting(counter, monitor.pipeline.parse_response)
    rss_start = _rss_mb()
    config = feed_config(urls)
    profile = cProfile.Profile() if args.profile else None
    app = Monitor(
        config, Environment(), args.db, notifiers={"console": ConsoleNotifier(io.StringIO())}
    )
    with app:
        cold = _timed_poll(app, profile)
        cold["peak_rss_mb"] = _rss_mb()
        cold["parses"] = counter["parses"]
        if profile is not None:
            profile.dump_stats(args.profile)
        result: dict[str, Any] = {"feeds": args.feeds, "rss_at_start_mb": rss_start, "cold": cold}
        result["after_cold"] = _counts(app)
        if args.repoll:
            changes, parses = app.store.conn.total_changes, counter["parses"]
            repoll = _timed_poll(app, None)
            repoll["parses"] = counter["parses"] - parses
            repoll["row_changes"] = app.store.conn.total_changes - changes
            result["repoll"] = repoll
            result["after_repoll"] = _counts(app)
    path = Path(args.db)
    result["db_bytes"] = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
