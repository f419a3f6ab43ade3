"""Alerts to any service Apprise knows (Teams Workflows, Discord, Mattermost, ntfy, JSON
webhooks, email...): the `apprise:NAME` destinations of routes.

Such services cannot be read back and cannot thread: an alert that may have arrived is
sent again (at-least-once), and a denial quotes the claim it answers.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from ..errors import ConfigError, TransientDeliveryError
from . import Alert
from .console import format_alert

__all__ = ["AppriseNotifier", "apprise_text"]

# Markdown services (Teams, Discord, Mattermost) render "[label](url)" as a link and
# "@everyone" as a ping: a headline must do neither. Apprise escapes text for HTML ones.
_LINK = re.compile(r"\]\s*\(")
_PING = re.compile(r"@(everyone|here|channel)\b", re.IGNORECASE)


def apprise_text(text: str) -> str:
    """Feed text made inert for the Markdown services, still readable everywhere."""
    return _PING.sub("@\u200b\\1", _LINK.sub("] (", text))


class AppriseNotifier:
    def __init__(self, name: str, urls: list[str]) -> None:
        import apprise  # 0.1 s to import: only when a route sends through it

        self.name = name
        self._apprise = apprise.Apprise()
        self._format = apprise.NotifyFormat.TEXT
        self._capture = apprise.LogCapture
        for number, url in enumerate(urls, 1):
            if not self._apprise.add(url):
                # The URL is the secret: say which one, not what it is.
                raise ConfigError(
                    f"{name}: URL {number} of {len(urls)} is not one Apprise understands "
                    "(see https://github.com/caronc/apprise/wiki)"
                )

    def send(self, alert: Alert, thread_ref: str | None) -> str:
        title = f"{alert.label}: {', '.join(alert.companies) or alert.source or 'monitor'}"
        body = format_alert(alert, threaded=False)  # no threads: a denial quotes its claim
        with self._capture(level=logging.WARNING, fmt="%(message)s") as captured:
            delivered = self._apprise.notify(
                title=apprise_text(title), body=apprise_text(body), body_format=self._format
            )
        if not delivered:
            why = " ".join(str(captured.getvalue()).split())[-300:] or "no reason given"
            raise TransientDeliveryError(f"{self.name}: not accepted: {why}")
        return f"{self.name}:{alert.event_id}"

    def find(
        self, alert: Alert, thread_ref: str | None, since: datetime | None = None
    ) -> str | None:
        return None  # cannot be read back: an alert that may have arrived is sent again
