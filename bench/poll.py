"""Cold poll, repoll and memory: `monitor poll` against the naive baseline, same server."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from .harness import feed_server, ratio, run_child
from .report import Report

__all__ = ["poll_benchmarks"]

COLD_TARGET = 20.0  # × faster than the naive baseline
REPOLL_TARGET = 100.0  # × cheaper than the cold poll
RSS_TARGET_MB = 150.0


def poll_benchmarks(report: Report, feeds: int, profile: str | None = None) -> dict[str, Any]:
    with feed_server(feeds) as server, tempfile.TemporaryDirectory() as tmp:
        port = ["--port", str(server.port), "--feeds", str(feeds)]
        naive = run_child("bench.naive", *port)
        before = server.stats()
        extra = ["--profile", profile] if profile else []
        poll = run_child(
            "bench.poll_child", *port, "--db", str(Path(tmp) / "cold.db"), "--repoll", *extra
        )
        after = server.stats()
    cold, repoll = poll["cold"], poll["repoll"]
    items = naive["items"]
    report.line(
        "cold poll",
        f"{feeds} feeds × 50 items: monitor poll {cold['wall']:.2f} s "
        f"({cold['new_items']} new items, {cold['new_stories']} stories, {cold['events']} events,"
        f" {cold['failed']} failed); naive sequential+feedparser {naive['wall']:.2f} s "
        f"(fetch {naive['fetch']:.2f} s, parse {naive['parse']:.2f} s, {items} items)",
        naive["wall"] / cold["wall"],
        COLD_TARGET,
        f"{ratio(naive['wall'], cold['wall'])} faster than naive",
    )
    unchanged = poll["after_cold"] == poll["after_repoll"]
    # No body sent means nothing to parse, whatever parser the pipeline calls.
    bodiless = after["304"] - before["304"] == feeds
    quiet = bodiless and repoll["parses"] == 0 and repoll["new_items"] == 0 and unchanged
    report.line(
        "repoll (304)",
        f"{repoll['not_modified']}/{feeds} answered 304 (server: "
        f"{after['304'] - before['304']} 304s sent): {repoll['wall'] * 1000:.0f} ms "
        f"({repoll['wall'] / feeds * 1e6:.0f} µs a feed), {repoll['parses']} parses, "
        f"item/story/event tables {'unchanged' if unchanged else 'CHANGED'}, "
        f"{repoll['row_changes']} row changes (source state only); "
        f"{(after['bytes'] - before['bytes']) / 1e6:.1f} MB served for both polls",
        cold["wall"] / repoll["wall"] if quiet else 0.0,
        REPOLL_TARGET,
        f"{ratio(cold['wall'], repoll['wall'])} cheaper than the cold poll",
    )
    report.line(
        "memory",
        f"peak RSS of the cold poll {cold['peak_rss_mb']:.0f} MB (interpreter and imports "
        f"{poll['rss_at_start_mb']:.0f} MB); naive baseline {naive['peak_rss_mb']:.0f} MB; "
        f"database {poll['db_bytes'] / 1e6:.1f} MB",
        RSS_TARGET_MB / cold["peak_rss_mb"],
        1.0,
        f"{cold['peak_rss_mb']:.0f} MB of {RSS_TARGET_MB:.0f} MB",
    )
    unchanged_200 = _repoll_without_validators(report, min(feeds, 300))
    return {"naive": naive, "poll": poll, "server": after, "repoll_200": unchanged_200}


def _repoll_without_validators(report: Report, feeds: int) -> dict[str, Any]:
    """A server that ignores ETags: every repoll is a full 200 of items already stored,
    the steady-state cost of such a feed (docs/scaling.md)."""
    with feed_server(feeds, etag=False) as server, tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "no-etag.db")
        poll = run_child(
            "bench.poll_child", "--port", str(server.port), "--feeds", str(feeds), "--db", db,
            "--repoll",
        )  # fmt: skip
    cold, repoll = poll["cold"], poll["repoll"]
    report.note(
        f"repoll without validators ({feeds} feeds answer 200, nothing new): "
        f"{repoll['wall'] * 1000:.0f} ms ({repoll['wall'] / feeds * 1000:.2f} ms a feed, "
        f"{repoll['parses']} parses, {repoll['new_items']} new items), "
        f"{cold['wall'] / repoll['wall']:.1f}× cheaper than its cold poll"
    )
    return poll
