"""Analysis throughput: entities + stance (Analyzer.analyse), story assignment
(StoryMatcher.place) and recording, per item; and `monitor classify` in texts/s.

The baseline in the same run is feedparser parsing the same items: analysis must be
far cheaper than that parse for a poll to beat the naive baseline 20 times over.
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from monitor.analysis import Analyzer
from monitor.analysis.stories import StoryMatcher
from monitor.classify import classify_lines
from monitor.events import Recorder
from monitor.models import ItemData
from monitor.routing import Router
from monitor.sources.common import plain_text
from monitor.storage import Store

from .corpus import ITEMS_PER_FEED, feed_body, feed_items, headline_pool
from .harness import PYTHON, ROOT, feed_config
from .report import Report

__all__ = ["analysis_benchmarks"]

PIPELINE_TARGET = 20.0  # analysis of an item ≥ 20× cheaper than feedparser's parse of it
CLASSIFY_TARGET = 5000.0  # texts a second on one core


def _items(feeds: int) -> tuple[list[ItemData], list[bytes]]:
    pool = headline_pool(max(100, feeds * ITEMS_PER_FEED // 3))
    now = datetime.now(UTC)
    items, bodies = [], []
    for feed in range(feeds):
        bodies.append(feed_body(feed, pool, now))
        for title, link, _guid, summary, published in feed_items(
            feed, pool, now, random.Random(feed)
        ):
            items.append(
                ItemData(
                    source=f"feed-{feed}",
                    key=link.split("?")[0],
                    url=link,
                    title=title,
                    summary=plain_text(summary),
                    published_at=published,
                    outlet=f"Outlet {feed}",
                )
            )
    unique = {item.key: item for item in items}  # the pipeline drops repeated keys too
    return list(unique.values()), bodies


def _pipeline(items: list[ItemData]) -> dict[str, float]:
    config = feed_config([])
    analyzer = Analyzer(config.companies)
    matcher = StoryMatcher(config.monitor.story_window, config.monitor.link_window)
    spent = {"analyse": 0.0, "place": 0.0, "record": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "analysis.db")
        recorder = Recorder(store, Router((), ["console"]), config.monitor.alert_window)
        now = datetime.now(UTC)
        with store.transaction("benchmark"):
            for item in items:
                t0 = time.perf_counter()
                analysis = analyzer.analyse(item)
                t1 = time.perf_counter()
                placement = matcher.place(analysis, store, now) if analysis.companies else None
                t2 = time.perf_counter()
                recorder.record(item, analysis if placement else None, placement, now)
                spent["analyse"] += t1 - t0
                spent["place"] += t2 - t1
                spent["record"] += time.perf_counter() - t2
        stories = store.query("SELECT count(*) AS n FROM stories")[0]["n"]
        store.close()
    count = len(items)
    rates = {f"{stage}_per_s": count / seconds for stage, seconds in spent.items()}
    return {**rates, "per_s": count / sum(spent.values()), "items": count, "stories": stories}


def _classify_lines(count: int) -> list[str]:
    texts = []
    for name in ("dev.jsonl", "heldout.jsonl"):
        path = ROOT / "monitor" / "eval_data" / name
        texts += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    # Each text made distinct ("… (n)"): repeated headlines are cached, and a benchmark of
    # the cache would say nothing about the classifier.
    return [
        json.dumps({"id": str(i), "text": f"{texts[i % len(texts)]['text']} ({i})"})
        for i in range(count)
    ]


def _classify(count: int) -> dict[str, float]:
    lines = _classify_lines(count)
    config = feed_config([])
    started = time.perf_counter()
    produced = sum(1 for _ in classify_lines(config, lines))
    in_process = produced / (time.perf_counter() - started)
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "monitor", "classify", "--config", str(ROOT / "config" / "monitor.toml")],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    cli = len(done.stdout.splitlines()) / (time.perf_counter() - started)
    return {"in_process_per_s": in_process, "cli_per_s": cli, "texts": count}


def analysis_benchmarks(report: Report, feeds: int, texts: int) -> dict[str, Any]:
    items, bodies = _items(feeds)
    started = time.perf_counter()
    parsed = sum(len(feedparser.parse(body).entries) for body in bodies)
    naive_per_s = parsed / (time.perf_counter() - started)
    pipeline = _pipeline(items)
    report.line(
        "analysis",
        f"{pipeline['items']} items ({pipeline['stories']} stories): analyse (entities + "
        f"stance + fingerprint) {pipeline['analyse_per_s']:,.0f}/s, place (story lookup) "
        f"{pipeline['place_per_s']:,.0f}/s, record (store + events) "
        f"{pipeline['record_per_s']:,.0f}/s; all three {pipeline['per_s']:,.0f} items/s; "
        f"baseline feedparser.parse of the same items {naive_per_s:,.0f} items/s",
        pipeline["per_s"] / naive_per_s,
        PIPELINE_TARGET,
        f"{pipeline['per_s']:,.0f} items/s = {pipeline['per_s'] / naive_per_s:.1f}× "
        "feedparser's rate",
    )
    classify = _classify(texts)
    report.line(
        "classify",
        f"{texts} distinct texts from the eval sets: in process "
        f"{classify['in_process_per_s']:,.0f}/s, "
        f"`monitor classify` end to end (start-up included) {classify['cli_per_s']:,.0f}/s",
        classify["in_process_per_s"] / CLASSIFY_TARGET,
        1.0,
        f"{classify['in_process_per_s']:,.0f} texts/s on one core (target 5,000/s)",
    )
    return {"pipeline": pipeline, "naive_parse_per_s": naive_per_s, "classify": classify}
