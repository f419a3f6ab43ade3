"""Slack: Block Kit alerts through slack-sdk, threaded by story, safely escaped.

A claim is a top-level message; its denials and confirmations are replies in its
thread with reply_broadcast, and the claim's message is updated to show its status.
Each message carries metadata with its event id, so that after a crash the outbox
can find what Slack already accepted instead of posting it twice.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any
from urllib.parse import quote, urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from ..errors import PermanentDeliveryError, TransientDeliveryError
from ..models import EventKind
from . import Alert

__all__ = ["SlackNotifier", "SlackWebhookNotifier", "build_blocks", "escape", "fallback_text"]

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "monitor_alert"
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
PERMANENT_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "missing_scope",
        "no_permission",
        "restricted_action",
        "ekm_access_denied",
        "team_access_not_granted",
        "invalid_blocks",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "msg_too_long",
    }
)
_MENTION = re.compile(r"@(here|channel|everyone)\b", re.I)
_ICONS = {
    EventKind.NEW_CLAIM: "🟠",
    EventKind.DENIAL: "🔴",
    EventKind.CONFIRMATION: "🟢",
    EventKind.STORY_SPREADING: "📣",
    EventKind.SOURCE_UNHEALTHY: "⚠️",
    EventKind.SOURCE_RECOVERED: "✅",
}


def escape(text: str) -> str:
    """Feed text as harmless mrkdwn: no markup, no links, no @channel pings."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u200b\\1", text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_link(url: str, label: str) -> str:
    """<url|label> with a URL that cannot break out of the link syntax."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return escape(label)
    cleaned = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    cleaned = cleaned.replace("&", "&amp;")
    return f"<{cleaned}|{escape(label)}>"


def _when(alert: Alert) -> str:
    moment = alert.published_at or alert.created_at
    if moment is None:
        return "time unknown"
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{fallback}>"


def fallback_text(alert: Alert) -> str:
    if alert.kind in (EventKind.SOURCE_UNHEALTHY, EventKind.SOURCE_RECOVERED):
        return escape(f"{alert.label}: {alert.source} {alert.error}".strip())
    who = ", ".join(alert.companies)
    return escape(_clip(f"{alert.label} ({who}): {alert.headline} — {alert.outlet}", 1000))


def build_blocks(alert: Alert, threaded: bool) -> list[dict[str, Any]]:
    icon = _ICONS.get(alert.kind, "")
    if alert.kind in (EventKind.SOURCE_UNHEALTHY, EventKind.SOURCE_RECOVERED):
        return [
            _header(f"{icon} {alert.label}: {alert.source}"),
            _section(
                f"`{escape(alert.source)}` {escape(alert.url)}\n"
                f"{escape(alert.error) if alert.error else ''}"
            ),
        ]
    who = ", ".join(alert.companies) or "no company named"
    title = f"{icon} {alert.label} · {who}"
    if alert.kind is EventKind.NEW_CLAIM and alert.status_line and alert.status != "reported":
        title += f" · {alert.status_line}"
    blocks = [_header(title)]
    blocks.append(_section(f"*{safe_link(alert.url, alert.headline)}*"))
    if alert.kind in (EventKind.DENIAL, EventKind.CONFIRMATION):
        verb = "denies" if alert.kind is EventKind.DENIAL else "confirms"
        party = escape(alert.party or "A party")
        official = " _(official channel)_" if alert.official else ""
        blocks.append(_section(f"*{party}*{official} {verb}:\n>{escape(alert.quote)}"))
        if not threaded:
            if alert.claim_headline:
                blocks.append(
                    _section("In answer to: " + safe_link(alert.claim_url, alert.claim_headline))
                )
            else:
                blocks.append(_section("_In answer to a claim monitor has not seen._"))
    authority = "official channel" if alert.official else alert.authority
    context = f"{escape(alert.outlet)} ({authority}) · {_when(alert)}"
    if alert.also_reported:
        n = alert.also_reported
        context += f" · also reported by {n} outlet{'s' if n > 1 else ''}"
    if alert.kind is EventKind.STORY_SPREADING:
        context += f" · now carried by {len(alert.outlets)} outlets"
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(context, SECTION_LIMIT)}]}
    )
    return blocks[:BLOCK_LIMIT]


def _header(text: str) -> dict[str, Any]:
    # plain_text: nothing in it is markup, so it needs no escaping, only the limit.
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": _clip(text, HEADER_LIMIT), "emoji": True},
    }


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SECTION_LIMIT)}}


def _error(exc: Exception, doing: str) -> Exception:
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error", "")) if exc.response is not None else ""
        status = exc.response.status_code if exc.response is not None else 0
        if error in PERMANENT_ERRORS:
            hint = {
                "invalid_auth": "check SLACK_BOT_TOKEN",
                "not_authed": "set SLACK_BOT_TOKEN",
                "channel_not_found": "check [slack] channel in the configuration",
                "not_in_channel": "invite the bot to the channel",
            }.get(error, "")
            return PermanentDeliveryError(
                f"Slack {doing}: {error}" + (f" ({hint})" if hint else "")
            )
        retry_after = None
        if exc.response is not None:
            value = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                "retry-after"
            )
            if isinstance(value, list):
                value = value[0] if value else None
            retry_after = float(value) if value and str(value).isdigit() else None
        return TransientDeliveryError(
            f"Slack {doing}: {error or f'HTTP {status}'}", retry_after=retry_after
        )
    return TransientDeliveryError(f"Slack {doing}: {type(exc).__name__}: {exc}")


class SlackNotifier:
    """Posts with a bot token through the Web API (`SLACK_API_URL` for tests)."""

    name = "slack"

    def __init__(
        self, token: str, channel: str, base_url: str, pace: float = 1.0, timeout: int = 15
    ) -> None:
        # Only rate limits are retried here: a connection error retried blindly could post
        # twice, so the outbox retries it after checking what Slack already has.
        self.client = WebClient(
            token=token,
            base_url=base_url,
            timeout=timeout,
            retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
        )
        self.channel = channel
        self.pace = pace
        self._last_post = 0.0
        self._lock = threading.Lock()

    def _wait_for_pace(self) -> None:
        with self._lock:
            delay = self._last_post + self.pace - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._last_post = time.monotonic()

    def send(self, alert: Alert, thread_ref: str | None) -> str:
        thread = _split_ref(thread_ref) if thread_ref else None
        self._wait_for_pace()
        kwargs: dict[str, Any] = {
            "channel": thread[0] if thread else self.channel,
            "text": fallback_text(alert),
            "blocks": build_blocks(alert, threaded=thread is not None),
            "metadata": {
                "event_type": METADATA_EVENT_TYPE,
                "event_payload": {"event_id": alert.event_id},
            },
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread:
            kwargs["thread_ts"] = thread[1]
            kwargs["reply_broadcast"] = alert.kind in (EventKind.DENIAL, EventKind.CONFIRMATION)
        try:
            response = self.client.chat_postMessage(**kwargs)
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise _error(exc, "chat.postMessage") from exc
        ref = f"{response['channel']}:{response['ts']}"
        if thread and alert.root is not None:
            self._update_root(alert.root, thread)
        return ref

    def _update_root(self, root: Alert, thread: tuple[str, str]) -> None:
        """Show the claim's new status on its message; a failure here loses nothing."""
        try:
            self.client.chat_update(
                channel=thread[0],
                ts=thread[1],
                text=fallback_text(root),
                blocks=build_blocks(root, threaded=False),
            )
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning(
                "could not update the claim's Slack message: %s", _error(exc, "chat.update")
            )

    def find(self, alert: Alert, thread_ref: str | None) -> str | None:
        """Look for a message carrying this event id in the channel (or thread)."""
        thread = _split_ref(thread_ref) if thread_ref else None
        try:
            if thread:
                response = self.client.conversations_replies(
                    channel=thread[0], ts=thread[1], include_all_metadata=True, limit=200
                )
                channel = thread[0]
            else:
                channel = self._channel_id()
                response = self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=200
                )
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise _error(exc, "reconciling") from exc
        for message in response.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if str(payload.get("event_id")) == str(alert.event_id):
                return f"{channel}:{message['ts']}"
        return None

    def _channel_id(self) -> str:
        if re.fullmatch(r"[CGD][A-Z0-9]{6,}", self.channel):
            return self.channel
        name = self.channel.lstrip("#")
        cursor = None
        while True:
            response = self.client.conversations_list(
                limit=1000, cursor=cursor, types="public_channel,private_channel"
            )
            for channel in response.get("channels", []):
                if channel.get("name") == name:
                    return str(channel["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return self.channel


def _split_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    return channel, ts


class SlackWebhookNotifier:
    """The simpler mode: an incoming webhook. No threads, so a denial quotes its claim."""

    name = "slack"

    def __init__(self, url: str, timeout: int = 15) -> None:
        self.client = WebhookClient(
            url=url, timeout=timeout, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)]
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
            raise TransientDeliveryError(f"Slack webhook: {type(exc).__name__}") from exc
        if response.status_code == 200:
            return f"webhook:{alert.event_id}"
        body = (response.body or "").strip()
        if response.status_code in (400, 403, 404, 410):
            raise PermanentDeliveryError(
                f"Slack webhook answered {response.status_code} {body} (check SLACK_WEBHOOK_URL)"
            )
        retry = response.headers.get("retry-after") or response.headers.get("Retry-After")
        if isinstance(retry, list):
            retry = retry[0] if retry else None
        raise TransientDeliveryError(
            f"Slack webhook answered {response.status_code}",
            retry_after=float(retry) if retry and str(retry).isdigit() else None,
        )

    def find(self, alert: Alert, thread_ref: str | None) -> str | None:
        return None  # a webhook cannot read the channel back
