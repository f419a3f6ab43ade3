"""The commands of alerts a team steers: `monitor routes` and `monitor feedback`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .cli_support import READ_BUSY_TIMEOUT, common_options, count, open_monitor
from .routing import describe_routes

__all__ = ["feedback", "routes"]


@click.command()
@common_options
@click.option("--explain", "event_id", type=int, help="Which route an event matched, and why.")
def routes(config_path: str | None, db_path: str | None, event_id: int | None) -> None:
    """The alert routes, in order; or how they judged one event."""
    with open_monitor(
        config_path, db_path, existing=True, busy_timeout=READ_BUSY_TIMEOUT
    ) as monitor:
        if event_id is None:
            for line in describe_routes(monitor.router):
                click.echo(line)
            return
        found = monitor.explain_route(event_id)
    facts = found.facts
    click.echo(
        f"event {event_id}: {facts.kind}, companies {', '.join(facts.companies) or 'none'}, "
        f"authority {facts.authority or 'none'}, {facts.outlets} outlets, "
        f"status {facts.status or 'none'} (as they are now)"
    )
    for step in found.trace.steps:
        click.echo(f"  {step}")
    click.echo(f"routes now send it to: {', '.join(found.trace.destinations) or 'nowhere'}")
    for row in found.sent_to:
        error = f" ({row['last_error']})" if row["last_error"] and row["status"] != "sent" else ""
        click.echo(f"  outbox {row['channel']}: {row['status']}{error}")
    if not found.sent_to:
        click.echo("  outbox: it was sent nowhere")


@click.group()
def feedback() -> None:
    """What people told monitor from the alerts' buttons (needs SLACK_APP_TOKEN)."""


@feedback.command("list")
@common_options
def feedback_list(config_path: str | None, db_path: str | None) -> None:
    """Every press: when, who, what, on which alert."""
    with open_monitor(
        config_path, db_path, existing=True, busy_timeout=READ_BUSY_TIMEOUT
    ) as monitor:
        rows = monitor.store.all_feedback()
    for row in rows:
        what = row["action"] + (f" {row['company']}" if row["company"] else "")
        until = f" until {row['expires_at']}" if row["expires_at"] else ""
        who = row["user_name"] or row["user_id"]
        click.echo(f"{row['created_at']}  {who}: {what}{until} (event {row['event_id']})")
    if not rows:
        click.echo("no feedback yet")


@feedback.command("export")
@common_options
@click.option("--out", type=click.Path(dir_okay=False), help="Write JSON lines here.")
def feedback_export(config_path: str | None, db_path: str | None, out: str | None) -> None:
    """The corrected items as labelled rows of the detection corpus (JSON lines)."""
    from .feedback import export_rows

    with open_monitor(
        config_path, db_path, existing=True, busy_timeout=READ_BUSY_TIMEOUT
    ) as monitor:
        rows = export_rows(monitor.store)
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if out:
        Path(out).write_text(lines, encoding="utf-8")
        click.echo(f"{count(len(rows), 'corrected item', 'corrected items')} written to {out}")
    else:
        click.echo(lines, nl=False)
