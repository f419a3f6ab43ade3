"""Slack's simpler mode: an incoming webhook (`SLACK_WEBHOOK_URL`). It posts to its own
channel only, cannot thread and cannot be read back: a denial quotes its claim, and an
alert whose sending was uncertain is sent again (at least once)."""

from __future__ import annotations

import re
from datetime import datetime

from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from ..errors import PermanentDeliveryError, TransientDeliveryError, UncertainDeliveryError
from . import Alert
from .blocks import build_blocks, fallback_text, summary_blocks, summary_text
from .slack import SUMMARY_MARK, ShortRateLimitRetryHandler, _retry_after

__all__ = ["SlackWebhookNotifier"]


class SlackWebhookNotifier:
    """The simpler mode: an incoming webhook. No threads, so a denial quotes its claim."""

    name = "slack"

    def __init__(self, url: str, timeout: int = 15) -> None:
        self.client = WebhookClient(
            url=url,
            timeout=timeout,
            retry_handlers=[ShortRateLimitRetryHandler(max_retry_count=2)],
        )

    def send(self, alert: Alert, thread_ref: str | None) -> str:
        try:
            response = self.client.send(
                text=fallback_text(alert),
                blocks=build_blocks(alert, threaded=False),
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackClientError, OSError) as exc:
            raise UncertainDeliveryError(f"Slack webhook: {type(exc).__name__}") from exc
        if response.status_code == 200:
            return f"webhook:{alert.event_id}"
        # Slack answers a short error code ("no_service", "invalid_token"); anything else
        # is not kept, since a proxy could echo the webhook URL, which is the secret.
        code = (response.body or "").strip()
        body = code if re.fullmatch(r"[a-z_]{1,40}", code) else ""
        if response.status_code in (400, 403, 404, 410):
            raise PermanentDeliveryError(
                f"Slack webhook answered {response.status_code} {body} (check SLACK_WEBHOOK_URL)"
            )
        raise TransientDeliveryError(
            f"Slack webhook answered {response.status_code}",
            retry_after=_retry_after(response.headers),
        )

    def send_summary(self, alerts: list[Alert]) -> str:
        """A burst of claims as one message (no threads here: replies quote their claim)."""
        try:
            response = self.client.send(
                text=summary_text(alerts),
                blocks=summary_blocks(alerts),
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackClientError, OSError) as exc:
            raise UncertainDeliveryError(f"Slack webhook: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise TransientDeliveryError(
                f"Slack webhook answered {response.status_code}",
                retry_after=_retry_after(response.headers),
            )
        return f"webhook:{alerts[0].event_id}{SUMMARY_MARK}"

    def find(
        self, alert: Alert, thread_ref: str | None, since: datetime | None = None
    ) -> str | None:
        return None  # a webhook cannot read the channel back: at-least-once only
