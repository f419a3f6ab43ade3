"""Archive growth: identity lookup, near-duplicate lookup and a poll of new items with
10⁴, 10⁵ and 10⁶ items already stored. The baseline is the same poll on an empty archive.

Archives are cached in bench/results/ (rebuilt when a day old, since their timestamps
are relative to the build).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.analysis.text import band_keys, concepts, minhash, signature_from_bytes
from monitor.sources.common import plain_text
from monitor.storage import Store, iso

from .archive_build import build_archive
from .corpus import ITEMS_PER_FEED, headline_pool
from .harness import RESULTS, feed_server, run_child
from .report import Report

__all__ = ["archive_benchmarks"]

FLAT_TARGET = 0.5  # per-item cost at the largest size at most 2× the empty archive's
PROBES = 1000
STORY_WINDOW = timedelta(days=3)  # the default story_window: stories_by_bands' `since`


def _archive(items: int) -> tuple[Path, float | None]:
    path = RESULTS / f"archive-v2-{items}.db"
    if path.exists() and time.time() - path.stat().st_mtime < 86400:
        return path, None
    RESULTS.mkdir(parents=True, exist_ok=True)
    return path, build_archive(path, items)


def _best(function: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _lookups(path: Path) -> dict[str, float]:
    store = Store(path)
    try:
        total = next(iter(store.db.query("SELECT max(id) AS n FROM items")))["n"] or 0
        rng = random.Random(5)
        ids = [rng.randint(1, total) for _ in range(PROBES // 2)]
        marks = ",".join("?" * len(ids))
        known = [
            r["key"] for r in store.db.query(f"SELECT key FROM items WHERE id IN ({marks})", ids)
        ]
        keys = known + [f"https://fresh.example/{i}" for i in range(PROBES - len(known))]
        identity = _best(lambda: store.known_keys(keys)) / len(keys)
        since = iso(datetime.now(UTC) - STORY_WINDOW) or ""
        recent = list(
            store.db.query(
                "SELECT signature FROM stories WHERE last_seen >= ? LIMIT ?", [since, PROBES // 2]
            )
        )
        bands = [band_keys(signature_from_bytes(r["signature"])) for r in recent]
        for headline in headline_pool(PROBES - len(bands), seed=99):  # stories never seen
            text = f"{headline.title} {plain_text(headline.summary)}"  # as Analyzer does
            bands.append(band_keys(minhash(concepts(text))))
        found: list[int] = []

        def near() -> None:
            found.clear()
            found.extend(len(store.stories_by_bands(b, since)) for b in bands)

        near_duplicate = _best(near) / len(bands)
        claims = _best(lambda: store.recent_stories("claim", since, ["ford"]), repeat=20)
        return {
            "identity_us": identity * 1e6,
            "near_duplicate_us": near_duplicate * 1e6,
            "candidates": sum(found) / max(1, len(found)),
            "recent_claims_us": claims * 1e6,
        }
    finally:
        store.close()


def _pruned_lookup(path: Path) -> float:
    """The near-duplicate lookup after dropping the bands of stories older than the story
    window (they can never match): what docs/scaling.md proposes, on a copy."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pruned.db"
        shutil.copyfile(path, copy)
        conn = sqlite3.connect(copy)
        since = iso(datetime.now(UTC) - STORY_WINDOW - timedelta(days=1))
        with conn:
            conn.execute(
                "DELETE FROM story_bands WHERE story_id IN "
                "(SELECT id FROM stories WHERE last_seen < ?)",
                [since],
            )
        conn.close()
        return _lookups(copy)["near_duplicate_us"]


def _poll_new(port: int, feeds: int, source: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        if source is not None:
            shutil.copyfile(source, db)
        result = run_child(
            "bench.poll_child", "--port", str(port), "--feeds", str(feeds), "--db", str(db)
        )
    cold = result["cold"]
    return {"per_item_ms": cold["wall"] / max(1, cold["new_items"]) * 1000, **cold}


def archive_benchmarks(report: Report, sizes: list[int], feeds: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with feed_server(feeds, prefix="fresh") as server:
        empty = _poll_new(server.port, feeds, None)
        report.note(
            f"archive baseline (empty database): poll of {feeds * ITEMS_PER_FEED} new items "
            f"{empty['per_item_ms']:.3f} ms an item"
        )
        results["empty"] = empty
        for size in sizes:
            path, built = _archive(size)
            lookups = _lookups(path)
            lookups["pruned_near_duplicate_us"] = _pruned_lookup(path)
            poll = _poll_new(server.port, feeds, path)
            megabytes = path.stat().st_size / 1e6
            results[str(size)] = {
                **lookups,
                "poll": poll,
                "db_mb": megabytes,
                "mb_per_100k": megabytes / size * 1e5,
                "build_seconds": built,
            }
            report.line(
                f"archive {size:.0e}",
                f"identity lookup {lookups['identity_us']:.1f} µs a key, near-duplicate "
                f"lookup {lookups['near_duplicate_us']:.0f} µs an item "
                f"({lookups['candidates']:.1f} candidates; "
                f"{lookups['pruned_near_duplicate_us']:.0f} µs with bands pruned to the story "
                f"window), recent claims "
                f"{lookups['recent_claims_us'] / 1000:.1f} ms a call; poll of new items "
                f"{poll['per_item_ms']:.3f} ms an item; {megabytes:.0f} MB on disk "
                f"({megabytes / size * 1e5:.0f} MB per 100k items)"
                + (f"; built in {built:.0f} s" if built else "; cached"),
                empty["per_item_ms"] / poll["per_item_ms"],
                FLAT_TARGET,
                f"poll cost per new item {poll['per_item_ms'] / empty['per_item_ms']:.2f}× "
                "the empty archive's",
            )
    return results
