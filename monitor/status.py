"""`monitor status` and `monitor sources`: what the daemon is doing, from the database."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from .sources import skip_reason
from .store import parse_iso

if TYPE_CHECKING:
    from .app import Monitor

__all__ = ["collect_status", "render_sources", "render_status"]


def collect_status(monitor: Monitor) -> dict[str, Any]:
    """A plain report (no secrets: only names, URLs of sources, counts and errors)."""
    states = monitor.store.source_states()
    counts = {
        r["source"]: r["n"]
        for r in monitor.store.query("SELECT source, count(*) AS n FROM items GROUP BY source")
    }
    sources = []
    for source in monitor.config.sources:
        state = states.get(source.name)
        interval = source.interval or monitor.config.monitor.default_interval
        skipped = skip_reason(source, monitor.context)
        health = (
            "disabled"
            if not source.enabled
            else f"skipped: {skipped}"
            if skipped
            else "new"
            if state is None or state.last_polled_at is None
            else "unhealthy"
            if not state.healthy
            else "failing"
            if state.consecutive_errors
            else "ok"
        )
        sources.append(
            {
                "name": source.name,
                "kind": source.kind,
                "target": source.url or source.query or f"@{source.username}",
                "interval": _duration(interval.total_seconds())
                + ("" if source.interval else " (adaptive)"),
                "authority": source.authority,
                "last_poll": state.last_polled_at if state else None,
                "last_success": state.last_ok_at if state else None,
                "errors": state.consecutive_errors if state else 0,
                "last_error": state.last_error if state else None,
                "items": counts.get(source.name, 0),
                "next_poll": state.next_poll_at if state else None,
                "health": health,
            }
        )
    outbox = {
        r["status"]: r["n"]
        for r in monitor.store.query("SELECT status, count(*) AS n FROM outbox GROUP BY status")
    }
    failed = monitor.store.query(
        "SELECT channel, event_id, last_error FROM outbox WHERE status = 'failed' "
        "ORDER BY id DESC LIMIT 5"
    )
    digest = monitor.store.query(
        "SELECT period, sent_at FROM digests WHERE status = 'sent' ORDER BY sent_at DESC LIMIT 1"
    )
    totals = monitor.store.query(
        "SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM stories) AS "
        "stories, (SELECT count(*) FROM stories WHERE kind = 'claim') AS claims, "
        "(SELECT count(*) FROM events) AS events"
    )[0]
    warnings = []
    if any(s["health"].startswith("skipped: X_BEARER") for s in sources):
        warnings.append("X sources are skipped: X_BEARER_TOKEN is not set")
    return {
        "database": monitor.store.path,
        "database_bytes": _db_size(monitor.store.path),
        "channels": list(monitor.notifiers),
        "sources": sources,
        "totals": totals,
        "outbox": {
            "pending": outbox.get("pending", 0) + outbox.get("sending", 0),
            "sent": outbox.get("sent", 0),
            "failed": outbox.get("failed", 0),
            "recent_failures": failed,
        },
        "last_digest": digest[0] if digest else None,
        "warnings": warnings,
    }


def _db_size(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:.0f}s" if seconds < 60 else f"{seconds / 60:.0f}m"


def _ago(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.strftime("%Y-%m-%d %H:%M")


def render_sources(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="Sources", title_justify="left")
    for column in ("name", "kind", "interval", "authority", "health", "target"):
        table.add_column(column)
    for s in report["sources"]:
        table.add_row(
            s["name"],
            s["kind"],
            s["interval"],
            s["authority"],
            _health(s["health"]),
            s["target"],
            end_section=False,
        )
    console.print(table)
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}", markup=True, highlight=False)


def _health(value: str) -> str:
    colour = {"ok": "green", "failing": "yellow", "unhealthy": "red"}.get(value, "dim")
    return f"[{colour}]{value}[/]"


def render_status(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="Sources", title_justify="left")
    for column in (
        "name",
        "kind",
        "interval",
        "last poll",
        "last success",
        "errors",
        "items",
        "next poll",
        "health",
    ):
        table.add_column(column, justify="right" if column in ("errors", "items") else "left")
    for s in report["sources"]:
        table.add_row(
            s["name"],
            s["kind"],
            s["interval"],
            _ago(s["last_poll"]),
            _ago(s["last_success"]),
            str(s["errors"]),
            str(s["items"]),
            _ago(s["next_poll"]),
            _health(s["health"]),
        )
    console.print(table)
    for s in report["sources"]:
        if s["last_error"]:
            console.print(f"  {s['name']}: {s['last_error']}", markup=False, highlight=False)
    totals, outbox = report["totals"], report["outbox"]
    console.print(
        f"Items {totals['items']}, stories {totals['stories']} ({totals['claims']} "
        f"claims), events {totals['events']}",
        highlight=False,
    )
    console.print(
        f"Outbox: {outbox['pending']} pending, {outbox['sent']} sent, "
        f"{outbox['failed']} failed; alerts go to {', '.join(report['channels'])}",
        highlight=False,
    )
    for failure in outbox["recent_failures"]:
        console.print(
            f"  failed: event {failure['event_id']} to {failure['channel']}: "
            f"{failure['last_error']}",
            markup=False,
            highlight=False,
        )
    digest = report["last_digest"]
    console.print(
        f"Last digest: {digest['period'] + ' at ' + digest['sent_at'] if digest else 'never'}",
        highlight=False,
    )
    console.print(
        f"Database: {report['database']} ({report['database_bytes'] / 1024:.0f} KB)",
        highlight=False,
    )
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)


def parse_when(value: str | None) -> datetime | None:
    return parse_iso(value)
