"""What every benchmark shares: the feed server in its own process, a generated
configuration, and a child Python process that reports JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.config import Config, config_from_dict

from .feed_server import host_for

__all__ = ["ROOT", "Server", "feed_config", "feed_server", "ratio", "run_child"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable


@dataclass(frozen=True, slots=True)
class Server:
    port: int
    hosts: int
    feeds: int

    def url(self, feed: int) -> str:
        return f"http://{host_for(feed, self.hosts)}:{self.port}/feed/{feed}.xml"

    def urls(self) -> list[str]:
        return [self.url(i) for i in range(self.feeds)]

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(f"http://127.0.1.1:{self.port}/_stats", timeout=5) as r:
            return dict(json.loads(r.read()))


@contextmanager
def feed_server(
    feeds: int, hosts: int = 16, prefix: str = "news", etag: bool = True
) -> Iterator[Server]:
    """The feed server in a child process; stopped (stdin closed) on exit."""
    command = [PYTHON, "-m", "bench.feed_server", "--feeds", str(feeds), "--hosts", str(hosts)]
    process = subprocess.Popen(
        [*command, "--prefix", prefix, *([] if etag else ["--no-etag"])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline() or "{}")
        if "port" not in ready:
            raise RuntimeError("the feed server did not start")
        yield Server(ready["port"], hosts, feeds)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(timeout=10)


def feed_config(urls: list[str], **monitor: Any) -> Config:
    """The default configuration's companies, with one press feed per URL."""
    data = tomllib.loads((ROOT / "config" / "monitor.toml").read_text(encoding="utf-8"))
    settings = {**data.get("monitor", {}), **monitor}
    sources = [
        {"name": f"feed-{i}", "kind": "feed", "url": url, "interval": "10m"}
        for i, url in enumerate(urls)
    ]
    return config_from_dict(
        {"monitor": settings, "companies": data["companies"], "sources": sources}
    )


def run_child(module: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run `python -m module args` and return the JSON object on its last stdout line."""
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, "MONITOR_LOG_FORMAT": "text"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}): {done.stderr[-2000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1])
    result.setdefault("process_seconds", time.perf_counter() - started)
    return result


def ratio(baseline: float, measured: float) -> str:
    """'23.4×' (how many times cheaper `measured` is than `baseline`)."""
    return f"{baseline / measured:.1f}×" if measured > 0 else "∞"
