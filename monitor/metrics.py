"""Prometheus metrics, on a registry of our own (so tests can make several).

Two kinds: counters of what happens in this process (polls, their duration, new
items), and a collector that reads the database at scrape time for what must
survive a restart (events, alerts, outbox backlog, source health). It opens its
own read-only connection, so a scrape never waits for a poll's transaction.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .models import EventKind
from .store import parse_iso

__all__ = ["DatabaseCollector", "Metrics"]

log = logging.getLogger(__name__)

disable_created_metrics()  # no *_created series: they double the output and nobody reads them


class Metrics:
    """The in-process counters; `watch()` adds the database collector."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.polls = Counter(
            "monitor_polls",
            "Polls by source and result (ok, not_modified, error, skipped).",
            ["source", "result"],
            registry=r,
        )
        self.poll_duration = Histogram(
            "monitor_poll_duration_seconds",
            "Time to fetch, parse and record one poll of one source.",
            ["source"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=r,
        )
        self.new_items = Counter(
            "monitor_new_items", "New items stored, by source.", ["source"], registry=r
        )
        self.pruned_items = Counter(
            "monitor_pruned_items", "Items removed by the retention job.", registry=r
        )

    def watch(
        self, db_path: str, sources: Callable[[], Sequence[str]], channels: Sequence[str] = ()
    ) -> None:
        """Report what the database holds at every scrape, for the configured sources."""
        self.registry.register(DatabaseCollector(db_path, sources, channels))


class DatabaseCollector(Collector):
    """Counts from SQLite; configured channels and every event kind show up as 0 at first,
    so that dashboards and alert rules see a series rather than nothing."""

    def __init__(
        self, db_path: str, sources: Callable[[], Sequence[str]], channels: Sequence[str] = ()
    ) -> None:
        self.db_path = db_path
        self.sources = sources
        self.channels = tuple(channels)

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "monitor_database_up", "1 if the last scrape could read the database."
        )
        try:
            metrics = list(self._read())
        except sqlite3.Error as exc:
            log.warning("metrics: cannot read the database %s: %s", self.db_path, exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from metrics

    def _read(self) -> Iterator[Metric]:
        uri = Path(self.db_path).resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
            conn.row_factory = sqlite3.Row

            def rows(sql: str) -> list[sqlite3.Row]:
                return conn.execute(sql).fetchall()

            events = CounterMetricFamily(
                "monitor_events", "Events recorded, by kind (from the database).", labels=["kind"]
            )
            counts = {kind.value: 0 for kind in EventKind}
            for row in rows("SELECT kind, count(*) AS n FROM events GROUP BY kind"):
                counts[row["kind"]] = row["n"]
            for kind, n in sorted(counts.items()):
                events.add_metric([kind], n)
            yield events

            alerts = CounterMetricFamily(
                "monitor_alerts",
                "Alerts delivered (sent) or given up on (failed), by channel.",
                labels=["channel", "result"],
            )
            backlog = GaugeMetricFamily(
                "monitor_outbox_backlog",
                "Alerts waiting to be delivered (pending or in flight), by channel.",
                labels=["channel"],
            )
            by_channel: dict[str, dict[str, int]] = {channel: {} for channel in self.channels}
            for row in rows("SELECT channel, status, count(*) AS n FROM outbox GROUP BY 1, 2"):
                by_channel.setdefault(row["channel"], {})[row["status"]] = row["n"]
            for channel, counts in sorted(by_channel.items()):
                alerts.add_metric([channel, "sent"], counts.get("sent", 0))
                alerts.add_metric([channel, "failed"], counts.get("failed", 0))
                backlog.add_metric([channel], counts.get("pending", 0) + counts.get("sending", 0))
            yield alerts
            yield backlog

            yield from self._sources(rows("SELECT * FROM sources"))

            items = GaugeMetricFamily("monitor_items", "Items in the database.")
            items.add_metric([], rows("SELECT count(*) AS n FROM items")[0]["n"])
            yield items
        size = GaugeMetricFamily("monitor_database_bytes", "Size of the database and its WAL.")
        size.add_metric(
            [],
            sum(
                os.path.getsize(p)
                for p in (self.db_path, f"{self.db_path}-wal")
                if os.path.exists(p)
            ),
        )
        yield size

    def _sources(self, rows: list[sqlite3.Row]) -> Iterator[Metric]:
        configured = set(self.sources())
        states = [r for r in rows if r["name"] in configured]
        unhealthy = GaugeMetricFamily(
            "monitor_unhealthy_sources",
            "Configured sources marked unhealthy (too many failures in a row).",
        )
        unhealthy.add_metric([], sum(1 for r in states if not r["healthy"]))
        yield unhealthy
        last_ok = GaugeMetricFamily(
            "monitor_last_success_timestamp_seconds",
            "Unix time of the last successful poll, per source.",
            labels=["source"],
        )
        errors = GaugeMetricFamily(
            "monitor_source_consecutive_errors",
            "Failed polls in a row, per source (0 when the last poll succeeded).",
            labels=["source"],
        )
        for row in sorted(states, key=lambda r: r["name"]):
            when = parse_iso(row["last_ok_at"])
            if when is not None:
                last_ok.add_metric([row["name"]], when.timestamp())
            errors.add_metric([row["name"]], row["consecutive_errors"])
        yield last_ok
        yield errors
