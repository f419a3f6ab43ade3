"""Slack's Socket Mode end, for tests: a loopback WebSocket server that FakeSlack's
``apps.connections.open`` hands out, and that delivers button presses as Slack does.

What it copies from Slack's documentation (docs.slack.dev/apis/events-api/using-socket-mode
and docs.slack.dev/reference/methods/apps.connections.open):
- ``apps.connections.open`` takes an app-level token (``xapp-``) only, and each URL it
  returns serves one connection: a second connection with the same URL is refused;
- on connecting, the app receives a ``hello`` message;
- each interaction arrives as an envelope (``envelope_id``, ``type``: ``interactive``,
  ``payload``: the same ``block_actions`` payload as an HTTP request would carry), which
  the app must acknowledge by sending ``{"envelope_id": ...}`` back within 3 seconds, or
  Slack sends it again;
- a button can only be pressed if the message shows it: the payload is built from the
  stored message's blocks, and its ``value`` is the button's own.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

__all__ = ["ACK_WINDOW", "FakeSocketMode"]

ACK_WINDOW = 3.0  # seconds Slack waits for an envelope's acknowledgement


class FakeSocketMode:
    def __init__(self, team_id: str, app_id: str) -> None:
        self.team_id = team_id
        self.app_id = app_id
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, float] = {}
        self._sent: dict[str, float] = {}
        self.refused = 0  # connections refused (a used or unknown URL)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-socket-mode", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            connections = list(self._connections)
        for connection in connections:  # without waiting on a client gone quiet
            connection.close_timeout = 0.1
            connection.close()
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def open_url(self) -> str:
        """A new single-use URL, as apps.connections.open returns."""
        assert self._server is not None, "start() first"
        port = self._server.socket.getsockname()[1]
        ticket = uuid.uuid4().hex
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://127.0.0.1:{port}/link/?ticket={ticket}"

    def _handle(self, connection: ServerConnection) -> None:
        request = connection.request
        path = request.path if request is not None else ""
        ticket = (parse_qs(urlsplit(path).query).get("ticket") or [""])[0]
        with self._cond:
            if ticket not in self._tickets:
                self.refused += 1
                connection.close(code=1008, reason="invalid ticket")
                return
            self._tickets.discard(ticket)
            self._connections.append(connection)
            self._cond.notify_all()
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        try:
            for raw in connection:
                message = json.loads(raw)
                envelope = message.get("envelope_id") if isinstance(message, dict) else None
                if envelope:
                    with self._cond:
                        self._acks[str(envelope)] = time.monotonic()
                        self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._cond.notify_all()

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._connections), timeout):
                raise AssertionError("the app never connected to Socket Mode")

    def press(
        self,
        message: Any,
        action_id: str,
        user: tuple[str, str] = ("U0ALICE", "alice"),
    ) -> str:
        """Press the button `action_id` (a prefix is enough) shown on `message` (a
        FakeSlack Message); return the envelope id."""
        button, block_id = _find_button(message.blocks or [], action_id)
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": False,
        }
        if message.thread_ts:
            container["thread_ts"] = message.thread_ts
        payload = {
            "type": "block_actions",
            "user": {"id": user[0], "username": user[1], "name": user[1], "team_id": self.team_id},
            "api_app_id": self.app_id,
            "token": "verification-token-unused-in-socket-mode",
            "container": container,
            "trigger_id": f"{int(time.time())}.trigger",
            "team": {"id": self.team_id, "domain": "fake"},
            "channel": {"id": message.channel, "name": "channel"},
            "message": {"ts": message.ts, "text": message.text, "blocks": message.blocks},
            "response_url": "https://hooks.slack.invalid/actions/unused",
            "actions": [
                {
                    "type": "button",
                    "block_id": block_id,
                    "action_id": button["action_id"],
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        envelope_id = uuid.uuid4().hex
        envelope = {
            "envelope_id": envelope_id,
            "type": "interactive",
            "accepts_response_payload": False,
            "payload": payload,
        }
        with self._cond:
            if not self._connections:
                raise AssertionError("no app is connected to Socket Mode")
            connection = self._connections[-1]
            self._sent[envelope_id] = time.monotonic()
        connection.send(json.dumps(envelope))
        return envelope_id

    def acknowledged_in_time(self, envelope_id: str) -> bool:
        """Whether the app acknowledged the envelope within Slack's 3 seconds."""
        with self._cond:
            self._cond.wait_for(lambda: envelope_id in self._acks, ACK_WINDOW)
            acked = self._acks.get(envelope_id)
            return acked is not None and acked - self._sent[envelope_id] <= ACK_WINDOW


def _find_button(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], str]:
    for block in blocks:
        if block.get("type") != "actions":
            continue
        for element in block.get("elements", []):
            if element.get("type") == "button" and str(element.get("action_id", "")).startswith(
                action_id
            ):
                return element, str(block.get("block_id", ""))
    raise AssertionError(f"the message shows no button {action_id!r}")
