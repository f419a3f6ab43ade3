"""Prometheus metrics, on a registry of our own (so tests can make several)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["Metrics"]


class Metrics:
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
            "Time to fetch, parse and record one poll.",
            ["source"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=r,
        )
        self.new_items = Counter("monitor_new_items", "New items stored.", ["source"], registry=r)
        self.events = Counter("monitor_events", "Events raised, by kind.", ["kind"], registry=r)
        self.alerts = Counter(
            "monitor_alerts",
            "Alert deliveries by channel and result (sent, retrying, failed).",
            ["channel", "result"],
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "monitor_outbox_backlog", "Alerts waiting to be delivered.", registry=r
        )
        self.unhealthy_sources = Gauge(
            "monitor_unhealthy_sources", "Sources marked unhealthy.", registry=r
        )
        self.last_success = Gauge(
            "monitor_last_success_timestamp_seconds",
            "Unix time of the last successful poll, per source.",
            ["source"],
            registry=r,
        )
