"""Prometheus metrics, on a registry of our own (so tests can make several).

Two kinds: counters of what happens in this process (polls, their duration, new
items), and a collector that reads the database at scrape time for what must
survive a restart (events, alerts, outbox backlog, source health). It opens its
own read-only connection, so a scrape never waits for a poll's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .errors import StoreError
from .models import EventKind
from .storage import parse_iso, read_counts

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
        except StoreError as exc:
            log.warning("metrics: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from metrics

    def _read(self) -> Iterator[Metric]:
        counts = read_counts(self.db_path)
        events = CounterMetricFamily(
            "monitor_events", "Events recorded, by kind (from the database).", labels=["kind"]
        )
        by_kind = {kind.value: 0 for kind in EventKind} | counts["events"]
        for kind, n in sorted(by_kind.items()):
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
        for channel, status, n in counts["outbox"]:
            by_channel.setdefault(channel, {})[status] = n
        for channel, per_status in sorted(by_channel.items()):
            alerts.add_metric([channel, "sent"], per_status.get("sent", 0))
            alerts.add_metric([channel, "failed"], per_status.get("failed", 0))
            backlog.add_metric(
                [channel], per_status.get("pending", 0) + per_status.get("sending", 0)
            )
        yield alerts
        yield backlog

        yield from self._sources(counts["sources"])

        items = GaugeMetricFamily("monitor_items", "Items in the database.")
        items.add_metric([], counts["items"])
        yield items
        size = GaugeMetricFamily("monitor_database_bytes", "Size of the database and its WAL.")
        size.add_metric([], counts["bytes"])
        yield size

    def _sources(self, rows: list[dict[str, Any]]) -> Iterator[Metric]:
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
