"""Slack: Block Kit alerts through slack-sdk, threaded by story, safely escaped.

A claim is a top-level message; its denials and confirmations are replies in its
thread with reply_broadcast, and the claim's message is updated to show its status.
Each message carries metadata with its event id, so that after a crash the outbox
can find what Slack already accepted instead of posting it twice. The blocks
themselves are built in `blocks.py`.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from ..errors import (
    DeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
    UncertainDeliveryError,
)
from ..models import EventKind
from . import Alert
from .blocks import (
    BLOCK_LIMIT,
    build_blocks,
    escape,
    fallback_text,
    feedback_actions,
    safe_link,
    summary_blocks,
    summary_text,
)

__all__ = [
    "SlackNotifier",
    "build_blocks",
    "escape",
    "fallback_text",
    "safe_link",
]

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "monitor_alert"
# Waits for a 429 longer than this are left to the outbox's backoff, so a long
# Retry-After never holds the delivery thread.
MAX_INLINE_RETRY_AFTER = 5
# Reads are idempotent and cheap to repeat, and a Marketplace (distributed) app may read
# history once a minute (docs.slack.dev/changelog/2025/05/29/rate-limit-changes-for-non-
# marketplace-apps): a read waits out a Retry-After of up to this, rather than fail the row.
MAX_READ_RETRY_AFTER = 70
_READ_METHODS = ("conversations.history", "conversations.replies", "conversations.list")
# Slack's clock and ours may differ: the window read back starts this much earlier.
CLOCK_MARGIN = timedelta(minutes=10)
HISTORY_PAGES = 20
_READ: dict[str, Any] = {"include_all_metadata": True, "limit": 200}
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
_HINTS = {
    "invalid_auth": "check SLACK_BOT_TOKEN",
    "not_authed": "set SLACK_BOT_TOKEN",
    "channel_not_found": "check [slack] channel in the configuration",
    "not_in_channel": "invite the bot to the channel",
    "missing_scope": "give the bot the chat:write and channels:history scopes",
}


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack-sdk's rate-limit retry, only for short waits (the outbox handles long ones);
    a read may wait longer, since repeating it cannot post twice."""

    def __init__(
        self,
        max_retry_count: int = 2,
        max_wait: float = MAX_INLINE_RETRY_AFTER,
        max_read_wait: float = MAX_READ_RETRY_AFTER,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.max_read_wait = max_read_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None
        wait = _retry_after(response.headers)
        read = request.url.rstrip("/").endswith(_READ_METHODS)
        return wait is None or wait <= (self.max_read_wait if read else self.max_wait)


def _retry_after(headers: Any) -> float | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list) and value else value
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


def _error(exc: Exception, doing: str) -> DeliveryError:
    if not isinstance(exc, SlackApiError):
        # Timeout or lost connection: Slack may have taken the message.
        return UncertainDeliveryError(f"Slack {doing}: {type(exc).__name__}: {exc}")
    response = exc.response
    error = str(response.get("error", "")) if response is not None else ""
    status = response.status_code if response is not None else 0
    if error in PERMANENT_ERRORS:
        hint = _HINTS.get(error)
        return PermanentDeliveryError(f"Slack {doing}: {error}" + (f" ({hint})" if hint else ""))
    message = f"Slack {doing}: {error or 'error'} (HTTP {status})"
    retry_after = _retry_after(response.headers) if response is not None else None
    if status >= 500:
        return UncertainDeliveryError(message, retry_after=retry_after)
    return TransientDeliveryError(message, retry_after=retry_after)


class SlackNotifier:
    """Posts with a bot token through the Web API (`SLACK_API_URL` for tests)."""

    name = "slack"

    def __init__(
        self,
        token: str,
        channel: str,
        base_url: str,
        pace: float = 1.0,
        timeout: int = 15,
        name: str = "slack",
        feedback: bool = False,
    ) -> None:
        self.name = name  # the outbox's key: `slack`, or a route's `slack:#channel`
        self.feedback = feedback  # feedback buttons (Socket Mode, SLACK_APP_TOKEN)
        # Only rate limits are retried here: a connection error retried blindly could post
        # twice, so the outbox retries it after checking what Slack already has.
        self.client = WebClient(
            token=token,
            base_url=base_url,
            timeout=timeout,
            retry_handlers=[ShortRateLimitRetryHandler(max_retry_count=2)],
        )
        self.channel = channel
        self.pace = pace
        self._channel_ids: dict[str, str] = {}
        self._last_post = 0.0
        self._lock = threading.Lock()

    def _wait_for_pace(self) -> None:
        """About one message a second per channel (Slack's posting limit)."""
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
            "blocks": self._blocks(alert, threaded=thread is not None),
            "metadata": {
                "event_type": METADATA_EVENT_TYPE,
                "event_payload": {
                    "event_id": alert.event_id,
                    "installation": alert.installation,
                },
            },
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread:
            kwargs["thread_ts"] = thread[1]
            kwargs["reply_broadcast"] = alert.kind in (EventKind.DENIAL, EventKind.CONFIRMATION)
        try:
            response = self.client.chat_postMessage(**kwargs)
        except SlackApiError as exc:
            if not (exc.response and exc.response.get("error") == "invalid_blocks"):
                raise _error(exc, "chat.postMessage") from exc
            # Our own blocks broke a limit Slack counts differently: the alert still goes,
            # as its text, rather than fail for good.
            log.warning("Slack refused the blocks of event %s; sending text only", alert.event_id)
            kwargs.pop("blocks")
            try:
                response = self.client.chat_postMessage(**kwargs)
            except (SlackApiError, SlackClientError, OSError) as again:
                raise _error(again, "chat.postMessage") from again
        except (SlackClientError, OSError) as exc:
            raise _error(exc, "chat.postMessage") from exc
        self._channel_ids[self.channel] = str(response["channel"])
        summary_root = bool(thread_ref and thread_ref.endswith(SUMMARY_MARK))
        if thread and alert.root is not None and not summary_root:
            self._update_root(alert.root, thread)
        return f"{response['channel']}:{response['ts']}"

    def _blocks(self, alert: Alert, threaded: bool) -> list[dict[str, Any]]:
        blocks = build_blocks(alert, threaded)
        buttons = feedback_actions(alert) if self.feedback else None
        return [*blocks, buttons] if buttons and len(blocks) < BLOCK_LIMIT else blocks

    def send_summary(self, alerts: list[Alert]) -> str:
        """A burst of claims as one message; its ref (marked) stands for each of them."""
        self._wait_for_pace()
        ids = ",".join(str(a.event_id) for a in alerts)
        installation = alerts[0].installation if alerts else ""
        try:
            response = self.client.chat_postMessage(
                channel=self.channel,
                text=summary_text(alerts),
                blocks=summary_blocks(alerts),
                metadata={
                    "event_type": METADATA_EVENT_TYPE,
                    "event_payload": {"event_ids": ids, "installation": installation},
                },
                unfurl_links=False,
                unfurl_media=False,
            )
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise _error(exc, "chat.postMessage") from exc
        self._channel_ids[self.channel] = str(response["channel"])
        return f"{response['channel']}:{response['ts']}{SUMMARY_MARK}"

    def _update_root(self, root: Alert, thread: tuple[str, str]) -> None:
        """Show the claim's new status on its message; a failure here loses nothing."""
        try:
            self.client.chat_update(
                channel=thread[0],
                ts=thread[1],
                text=fallback_text(root),
                blocks=self._blocks(root, threaded=False),
            )
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning(
                "could not update the claim's Slack message: %s", _error(exc, "chat.update")
            )

    def find(
        self, alert: Alert, thread_ref: str | None, since: datetime | None = None
    ) -> str | None:
        """The ref of a message carrying this event id in the channel (or its thread).

        Only messages from `since` (the first attempt to send it) on are read, or else
        from the event's time: each page read may cost a minute of Slack's rate limit.
        A reply found this way also gets its root's status update, which the crash
        may have cut off."""
        thread = _split_ref(thread_ref) if thread_ref else None
        summary_root = bool(thread_ref and thread_ref.endswith(SUMMARY_MARK))
        start = since or alert.created_at  # the message cannot predate either
        oldest = f"{(start - CLOCK_MARGIN).timestamp():.6f}" if start is not None else ""
        try:
            channel = thread[0] if thread else self._channel_id()
            for message in self._messages(channel, thread[1] if thread else None, oldest):
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                # The same event id from another database (a shared channel, a database
                # made anew) is another alert: both keys must match.
                if str(payload.get("installation", "")) != str(alert.installation):
                    continue
                if str(alert.event_id) in str(payload.get("event_ids", "")).split(","):
                    return f"{channel}:{message['ts']}{SUMMARY_MARK}"
                if str(payload.get("event_id")) == str(alert.event_id):
                    if thread and alert.root is not None and not summary_root:
                        self._update_root(alert.root, thread)
                    return f"{channel}:{message['ts']}"
        except (SlackApiError, SlackClientError, OSError) as exc:
            raise _error(exc, "reading the channel back") from exc
        return None

    def _messages(self, channel: str, thread_ts: str | None, oldest: str) -> Any:
        cursor = None
        for _ in range(HISTORY_PAGES):
            if thread_ts:
                response = self.client.conversations_replies(
                    channel=channel, ts=thread_ts, cursor=cursor, oldest=oldest or None, **_READ
                )
            else:
                response = self.client.conversations_history(
                    channel=channel, cursor=cursor, oldest=oldest or None, **_READ
                )
            yield from response.get("messages", [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return

    def learn_channel(self, ref: str) -> None:
        """The channel's ID from an alert already sent (its reference is 'C…:ts'): after a
        restart, history can be read without asking conversations.list."""
        channel, _ = _split_ref(ref)
        if _CHANNEL_ID.fullmatch(channel):
            self._channel_ids.setdefault(self.channel, channel)

    def _channel_id(self) -> str:
        """History needs the channel's ID, never its name: conversations.history and
        .replies answer channel_not_found for a name (api.slack.com/methods/
        conversations.history: "channel: Conversation ID"). From the config, from a post,
        or from conversations.list; failing those, one clear permanent error."""
        if self.channel in self._channel_ids:
            return self._channel_ids[self.channel]
        if _CHANNEL_ID.fullmatch(self.channel):
            return self.channel
        name = self.channel.lstrip("#")
        cursor = None
        try:
            while True:
                response = self.client.conversations_list(
                    limit=1000, cursor=cursor, types="public_channel,private_channel"
                )
                channels: list[dict[str, Any]] = response.get("channels", [])
                for channel in channels:
                    if channel.get("name") == name:
                        self._channel_ids[self.channel] = str(channel["id"])
                        return str(channel["id"])
                cursor = (response.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as exc:
            error = str(exc.response.get("error", "error")) if exc.response else str(exc)
            needed = exc.response.get("needed") if exc.response else None
            raise PermanentDeliveryError(
                f"cannot find the ID of Slack channel {self.channel}: conversations.list "
                f"answered {error}{f' (needs {needed})' if needed else ''}; give the bot "
                "channels:read (and groups:read for a private channel), or set [slack] "
                "channel to the channel's ID (C…)"
            ) from None
        raise PermanentDeliveryError(
            f"no Slack channel named {self.channel} is visible to the bot: invite the bot "
            "to it, or set [slack] channel to the channel's ID (C…)"
        )


_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{6,}")


# A claim sent inside a summary message has the summary's ref with this mark: its
# replies thread under the summary, which is never overwritten with one claim's status.
SUMMARY_MARK = "#summary"


def _split_ref(ref: str) -> tuple[str, str]:
    channel, _, ts = ref.partition(":")
    return channel, ts.partition("#")[0]
