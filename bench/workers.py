"""Past one machine (issue 11): the cold poll of N feeds by one process on SQLite, by one
process on Postgres, and by one and by two `monitor worker` processes on Postgres, all in
one run against the same feed server:

    python -m bench.workers [--feeds 1000]

Needs the `postgres` extra and Debian's postgresql package (a throw-away cluster is
started, as the tests do). A worker run is timed from its first poll to its last, read
from the sources' `last_polled_at`: the 10-second tick that queues the polls, and the
start-up of the processes, are left out, as they are in a daemon that has been running.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import tempfile
import time
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from .harness import PYTHON, RESULTS, ROOT, feed_server, ratio
from .report import Report

__all__ = ["worker_benchmarks"]

TWO_WORKERS_TARGET = 1.6  # × faster than one worker, on 2 cores


def _write_config(path: Path, urls: list[str], concurrency: int) -> Path:
    """The default configuration's companies, and one press feed per URL (TOML)."""
    data = tomllib.loads((ROOT / "config" / "monitor.toml").read_text(encoding="utf-8"))
    lines = [f"[monitor]\nconcurrency = {concurrency}\n"]
    for company in data["companies"]:
        lines.append("[[companies]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in company.items()]
        lines.append("")
    for i, url in enumerate(urls):
        lines.append(f'[[sources]]\nname = "feed-{i}"\nkind = "feed"\nurl = "{url}"\n')
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _env(url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONITOR_", "SLACK_"))}
    return env | {"MONITOR_LOG_FORMAT": "text"} | ({"MONITOR_DATABASE_URL": url} if url else {})


def _timed_poll(config: Path, db: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "-m", "monitor", "poll", "--no-deliver", "--config", str(config), "--db", db],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return time.perf_counter() - started


def _polled(url: str) -> tuple[int, str | None, str | None]:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(last_polled_at), min(last_polled_at), max(last_polled_at) FROM sources"
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1], row[2]


def _timed_workers(config: Path, url: str, workers: int, feeds: int) -> dict[str, Any]:
    processes = [
        subprocess.Popen(
            [PYTHON, "-m", "monitor", "worker", "--config", str(config)],
            cwd=ROOT,
            env=_env(url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                done, first, last = _polled(url)
            except Exception:  # the tables are not there yet
                continue
            if done >= feeds and first and last:
                seconds = datetime.fromisoformat(last) - datetime.fromisoformat(first)
                return {"workers": workers, "seconds": seconds.total_seconds(), "polled": done}
        raise RuntimeError(f"{workers} workers did not poll {feeds} feeds in 30 minutes")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def worker_benchmarks(report: Report, feeds: int) -> dict[str, Any]:
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.pg import Cluster

    cluster = Cluster()
    try:
        with feed_server(feeds) as server, tempfile.TemporaryDirectory() as tmp:
            config = _write_config(Path(tmp) / "monitor.toml", server.urls(), concurrency=32)
            sqlite = _timed_poll(config, str(Path(tmp) / "cold.db"))
            postgres = _timed_poll(config, cluster.new_database())
            worker_config = _write_config(Path(tmp) / "worker.toml", server.urls(), 32)
            one = _timed_workers(worker_config, cluster.new_database(), 1, feeds)
            two = _timed_workers(worker_config, cluster.new_database(), 2, feeds)
    finally:
        cluster.stop()
    report.line(
        "Postgres, one process",
        f"cold `monitor poll` of {feeds} feeds: SQLite {sqlite:.1f} s, Postgres {postgres:.1f} s "
        "(each a whole process, start-up included)",
        sqlite / postgres,
        0.5,
        f"Postgres at {ratio(sqlite, postgres)} the speed of SQLite",
    )
    report.line(
        "two workers",
        f"first to last poll of {feeds} feeds: one worker {one['seconds']:.1f} s, two workers "
        f"{two['seconds']:.1f} s",
        one["seconds"] / two["seconds"],
        TWO_WORKERS_TARGET,
        f"two workers {ratio(one['seconds'], two['seconds'])} as fast as one",
    )
    return {"sqlite_poll": sqlite, "postgres_poll": postgres, "one": one, "two": two}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    args = parser.parse_args(argv)
    report = Report(quick=args.feeds < 1000)
    report.data["workers"] = worker_benchmarks(report, args.feeds)
    report.save(RESULTS / ("latest.json" if args.feeds >= 1000 else "quick.json"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
