"""`monitor status` and `monitor sources`: what the daemon is doing, from the database.

The report holds names, source URLs, counts and error messages; every string in
it is scrubbed of the environment's secrets, since errors may quote a URL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .lock import lock_holder
from .logs import Scrubber
from .models import utcnow
from .sources import skip_reason
from .storage import iso, parse_iso

if TYPE_CHECKING:
    from .app import Monitor

__all__ = ["collect_status", "render_sources", "render_status"]

STALE_BACKLOG = timedelta(hours=1)


def collect_status(monitor: Monitor) -> dict[str, Any]:
    """A plain, JSON-ready report: timestamps are ISO 8601 UTC strings."""
    store = monitor.store
    states = store.source_states()
    counts = store.items_per_source()
    # An adaptive source's real interval is the one the last poll chose and stored.
    stored = store.stored_intervals()
    sources = []
    for source in monitor.config.sources:
        state = states.get(source.name)
        interval = source.interval or (
            timedelta(seconds=stored[source.name])
            if source.name in stored
            else monitor.config.monitor.default_interval
        )
        skipped = skip_reason(source, monitor.context, log_once=False)
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
                "interval": _duration(interval.total_seconds()),
                "adaptive": source.interval is None,
                "authority": source.authority,
                "last_poll": iso(state.last_polled_at) if state else None,
                "last_success": iso(state.last_ok_at) if state else None,
                "errors": state.consecutive_errors if state else 0,
                "last_error": state.last_error if state else None,
                "items": counts.get(source.name, 0),
                "next_poll": iso(state.next_poll_at) if state else None,
                "health": health,
            }
        )
    outbox = store.outbox_by_status()
    # Alerts waiting for a channel no longer configured are never delivered: not part of
    # the backlog, but counted apart.
    waiting = store.outbox_waiting_summary(list(monitor.notifiers))
    oldest = waiting["oldest"]
    report = {
        "database": store.display,
        "database_bytes": store.size_bytes(),
        "daemon": lock_holder(store.path),
        "channels": list(monitor.notifiers),
        "sources": sources,
        "totals": store.totals(),
        "outbox": {
            "pending": waiting["n"],
            "oldest_pending": oldest,
            "sent": outbox.get("sent", 0),
            "failed": outbox.get("failed", 0),
            "orphaned": waiting["orphaned"],
            "recent_failures": store.recent_failures(),
        },
        "last_digest": store.last_sent_digest(),
        "warnings": _warnings(sources, oldest),
    }
    return Scrubber(monitor.env.secrets).deep(report)


def _warnings(sources: list[dict[str, Any]], oldest_pending: str | None) -> list[str]:
    warnings = []
    if any(s["health"].startswith("skipped: X_BEARER") for s in sources):
        warnings.append("X sources are skipped: X_BEARER_TOKEN is not set")
    unhealthy = [s["name"] for s in sources if s["health"] == "unhealthy"]
    if unhealthy:
        warnings.append(f"unhealthy sources (polled at the slowest rate): {', '.join(unhealthy)}")
    since = parse_iso(oldest_pending)
    if since is not None and utcnow() - since > STALE_BACKLOG:
        warnings.append(f"alerts have been waiting since {_when(oldest_pending)}: is Slack up?")
    return warnings


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:.0f}s" if seconds < 60 else f"{seconds / 60:.0f}m"


def _when(value: str | None, now: datetime | None = None) -> str:
    """'3m ago', 'in 12m', '2d ago'; '—' for never."""
    moment = parse_iso(value)
    if moment is None:
        return "—"
    delta = (moment - (now or utcnow())).total_seconds()
    size = abs(delta)
    for unit, span in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if size >= span or unit == "s":
            text = f"{int(size // span)}{unit}"
            break
    return f"in {text}" if delta > 0 else f"{text} ago"


def _interval(source: dict[str, Any]) -> str:
    return ("~" if source["adaptive"] else "") + source["interval"]


def _health(value: str) -> str:
    """Short in a table ('skipped'): the reason is among the warnings."""
    colour = {"ok": "green", "failing": "yellow", "unhealthy": "red"}.get(value, "dim")
    return f"[{colour}]{escape(value.split(':')[0])}[/]"


def output_console() -> Console:
    """A terminal's width on a terminal; through a pipe or `docker exec` without -t, wide
    enough that no column is cut or wrapped (a script or a person reads whole values)."""
    console = Console()
    return console if console.is_terminal else Console(width=10_000, soft_wrap=True)


def render_sources(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or output_console()
    table = Table(title="Sources", title_justify="left")
    for column in ("name", "kind", "every", "authority", "health", "target"):
        table.add_column(column, overflow="fold")
    for s in report["sources"]:
        table.add_row(
            escape(s["name"]),
            s["kind"],
            _interval(s),
            s["authority"],
            _health(s["health"]),
            escape(s["target"]),
        )
    console.print(table)
    console.print("~ adaptive: the interval follows how often the source publishes", style="dim")
    _print_warnings(report, console)


def render_status(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or output_console()
    daemon = report["daemon"]
    console.print(
        f"Daemon: {'running (' + daemon + ')' if daemon else 'not running'}", highlight=False
    )
    table = Table(title="Sources", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(
        "name", no_wrap=True, max_width=20 if console.is_terminal else None, overflow="ellipsis"
    )
    columns = ("kind", "every", "last poll", "last ok", "errors", "items", "next", "health")
    for column in columns:
        table.add_column(column, justify="right" if column in ("errors", "items") else "left")
    for s in report["sources"]:
        table.add_row(
            escape(s["name"]),
            s["kind"],
            _interval(s),
            _when(s["last_poll"]),
            _when(s["last_success"]),
            str(s["errors"]),
            str(s["items"]),
            _when(s["next_poll"]),
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
        markup=False,
        highlight=False,
    )
    if outbox["orphaned"]:
        console.print(
            f"  {outbox['orphaned']} alerts for channels no longer configured",
            markup=False,
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
        "Last digest: "
        + (f"{digest['period']}, sent {_when(digest['sent_at'])}" if digest else "never"),
        highlight=False,
    )
    console.print(
        f"Database: {report['database']} ({report['database_bytes'] / 1024:.0f} KB)",
        markup=False,
        highlight=False,
    )
    _print_warnings(report, console)


def _print_warnings(report: dict[str, Any], console: Console) -> None:
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
