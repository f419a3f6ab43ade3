"""Alerts as lines of text on the terminal: the default when Slack is not configured."""

from __future__ import annotations

import sys
import threading
from datetime import datetime
from typing import TextIO

from ..models import EventKind
from . import Alert

__all__ = ["ConsoleNotifier", "format_alert"]


def _when(alert: Alert) -> str:
    moment = alert.published_at or alert.created_at
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "time unknown"


def format_alert(alert: Alert, threaded: bool = False) -> str:
    """A few plain lines; control characters were removed when the item was parsed."""
    if alert.kind in (EventKind.SOURCE_UNHEALTHY, EventKind.SOURCE_RECOVERED):
        detail = f": {alert.error}" if alert.error else ""
        return f"[{alert.label.upper()}] {alert.source}{detail}"
    if alert.kind is EventKind.SPIKE:
        lines = [f"[SPIKE] {', '.join(alert.companies)}: {alert.spike_line}"]
        lines += [f"  driven by: {title} {url}".rstrip() for title, url in alert.stories]
        if alert.outlets:
            lines.append(f"  most from: {', '.join(alert.outlets)}")
        return "\n".join(lines)
    indent = "    └─ " if threaded else ""
    who = ", ".join(alert.companies) or "no company named"
    authority = "official channel" if alert.official else alert.authority
    lines = [f"{indent}[{alert.label.upper()}] {who}: {alert.headline}"]
    pad = "       " if threaded else "  "
    lines.append(f"{pad}{alert.outlet} ({authority}) · {_when(alert)}")
    if alert.kind in (EventKind.DENIAL, EventKind.CONFIRMATION):
        verb = "denies" if alert.kind is EventKind.DENIAL else "confirms"
        party = alert.party or "a party"
        official = " (official)" if alert.official else ""
        lines.append(f"{pad}{party}{official} {verb}: “{alert.quote}”")
        if alert.claim_headline and not threaded:
            lines.append(f"{pad}in answer to: {alert.claim_headline}")
        elif not alert.claim_headline:
            lines.append(f"{pad}in answer to a claim monitor has not seen")
    if alert.also_reported:
        lines.append(
            f"{pad}also reported by {alert.also_reported} outlet"
            f"{'s' if alert.also_reported > 1 else ''}"
        )
    if alert.url:
        lines.append(f"{pad}{alert.url}")
    return "\n".join(lines)


class ConsoleNotifier:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self._lock = threading.Lock()

    def send(self, alert: Alert, thread_ref: str | None) -> str:
        stream = self.stream or sys.stdout
        with self._lock:
            print(format_alert(alert, threaded=thread_ref is not None), file=stream, flush=True)
        return f"console:{alert.event_id}"

    def find(
        self, alert: Alert, thread_ref: str | None, since: datetime | None = None
    ) -> str | None:
        return None  # a line printed before a crash is gone: print it again
