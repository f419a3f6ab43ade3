"""The feedback buttons' other end: Slack's Socket Mode, through slack-sdk's own client.

The daemon connects out (no public URL is needed) with the app-level token
(`SLACK_APP_TOKEN`, scope `connections:write`). Each button press arrives as an
`interactive` envelope, which is acknowledged at once (Slack waits 3 seconds), then
recorded by `FeedbackDesk` and answered in the alert's thread with the bot token.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from ..errors import MonitorError
from ..feedback import FeedbackDesk, parse_presses

__all__ = ["FeedbackListener"]

log = logging.getLogger(__name__)

# While Slack cannot be reached at start, try again this often.
RETRY_EVERY = 30.0


class FeedbackListener:
    def __init__(self, app_token: str, bot_token: str, api_url: str, desk: FeedbackDesk) -> None:
        self.desk = desk
        self.web = WebClient(token=bot_token, base_url=api_url, timeout=10)
        self.client = SocketModeClient(
            app_token=app_token,
            web_client=self.web,
            logger=logging.getLogger("monitor.socket_mode"),
        )
        self.client.socket_mode_request_listeners.append(self._on_request)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Connect in the background, trying again while Slack cannot be reached."""
        self._thread = threading.Thread(target=self._connect, name="slack-feedback", daemon=True)
        self._thread.start()

    def _connect(self) -> None:
        while not self._stop.is_set():
            try:
                self.client.connect()
                log.info("listening for feedback buttons (Slack Socket Mode)")
                return
            except (SlackApiError, SlackClientError, OSError) as exc:
                error = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
                log.error(
                    "feedback buttons: cannot connect to Slack Socket Mode (%s); retrying in "
                    "%.0f s (check SLACK_APP_TOKEN, an app-level token with connections:write)",
                    error,
                    RETRY_EVERY,
                )
                self.client.wss_uri = None  # a new URL next time: each is for one connection
            self._stop.wait(RETRY_EVERY)

    def close(self, wait: float = 0.5) -> None:
        """Disconnect. slack-sdk joins its worker threads one after another (a second
        each): a shutdown waits `wait` seconds at most, the rest ends in the background."""
        self._stop.set()
        closing = threading.Thread(target=self._close, name="slack-feedback-close", daemon=True)
        closing.start()
        closing.join(wait)

    def _close(self) -> None:
        try:
            self.client.close()
        except Exception as exc:  # closing a half-open socket must not stop a shutdown
            log.debug("closing Socket Mode: %s", exc)

    @property
    def connected(self) -> bool:
        return bool(self.client.is_connected())

    def _on_request(self, client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        # Acknowledge first: Slack retries an envelope not acknowledged within 3 seconds.
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        if request.type != "interactive":
            return
        for press in parse_presses(request.payload):
            try:
                answer = self.desk.apply(press)
            except MonitorError as exc:
                log.error("feedback on event %s not recorded: %s", press.event_id, exc)
                answer = "Sorry: monitor could not record that just now. Please press again."
            if answer:
                self._reply(press.channel, press.thread_ts, answer)

    def _reply(self, channel: str, thread_ts: str, text: str) -> None:
        try:
            self.web.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
        except (SlackApiError, SlackClientError, OSError) as exc:
            detail: Any = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
            log.warning("feedback recorded, but its acknowledgement was not posted: %s", detail)
