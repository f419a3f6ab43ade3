"""A loopback server that answers like Slack's Web API, for tests.

Standard library only. Start it, point ``slack_sdk.WebClient(base_url=fake.api_url)`` at it, and
inspect what the code under test sent::

    with FakeSlack() as fake:
        client = WebClient(token=fake.token, base_url=fake.api_url)
        client.chat_postMessage(channel="#auto-intel", text="hi")
        assert fake.top_level("#auto-intel")[0].text == "hi"

Requests are parsed the three ways Slack clients send them: JSON bodies (``chat.postMessage``,
``chat.update``), form-encoded POST bodies (what the sync ``WebClient`` sends for "GET" methods
such as ``conversations.history``) and GET query strings (multipart bodies are parsed too).
The token is read from ``Authorization: Bearer ...`` or, failing that, a ``token`` parameter.

Implemented methods: ``auth.test``, ``chat.postMessage``, ``chat.update``, ``chat.getPermalink``,
``conversations.history``, ``conversations.replies`` (by conversation ID only, as Slack),
``conversations.list`` (with the token's scopes checked), ``apps.connections.open`` (with
the app-level token only: it hands out a URL of the Socket Mode fake, ``socket_mode.py``);
anything else answers ``unknown_method``.
An incoming webhook lives at ``webhook_url``. Failures can be injected with ``fail_next``,
``set_outage`` and ``drop_response_next``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.socket_mode import FakeSocketMode

__all__ = ["Call", "FakeSlack", "Message"]

TEAM_ID = "T000"
TEAM_NAME = "Fake Workspace"
BOT_USER_ID = "U0BOT"
BOT_USER_NAME = "monitor-bot"
BOT_ID = "B0BOT"
APP_ID = "A0APP"
WEBHOOK_PATH = "/services/T000/B000/XXXX"
DEFAULT_CHANNELS = {"#auto-intel": "C0AUTOINTEL", "auto-intel": "C0AUTOINTEL"}
# What the README tells a user to grant (chat:write, channels:history, channels:read;
# groups:history and groups:read for a private channel).
DEFAULT_SCOPES = frozenset(
    {"chat:write", "channels:history", "channels:read", "groups:history", "groups:read"}
)

_STATUS_ERRORS = {
    429: "ratelimited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


@dataclass
class Call:
    """One Web API request, recorded on arrival (``status``/``error`` filled in on answer)."""

    method: str
    params: dict[str, Any]
    at: float
    token: str | None = None
    status: int | None = None  # HTTP status answered; None while in flight or if dropped
    error: str | None = None  # Slack "error" answered, None when ok


@dataclass
class Message:
    """A stored message; text/blocks/metadata hold its current (latest) content."""

    channel: str  # channel id
    ts: str
    text: str | None = None
    blocks: list[dict[str, Any]] | None = None
    thread_ts: str | None = None  # parent ts for replies, None for top-level messages
    reply_broadcast: bool = False
    metadata: dict[str, Any] | None = None
    # one entry per chat.update, oldest first: {"edited_ts", "text", "blocks", "metadata"}
    updated: list[dict[str, Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)  # the chat.postMessage params as sent

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: int | None
    delay: float
    remaining: int


@dataclass
class _Answer:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


class _ApiError(Exception):
    def __init__(self, error: str, **extra: str) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra  # e.g. needed= on missing_scope, as Slack answers


# ---------------------------------------------------------------- parsing helpers


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return False


def _ts_key(ts: Any) -> int:
    """Slack ts "1700000000.000100" -> integer microseconds (exact, no float rounding)."""
    try:
        return int(Decimal(str(ts)) * 1_000_000)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"bad ts {ts!r}") from exc


def _retry_headers(retry_after: int | None) -> dict[str, str]:
    return {} if retry_after is None else {"Retry-After": str(retry_after)}


def _encode_cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
        prefix, _, ts = raw.partition(":")
        if prefix != "next_ts":
            raise ValueError(raw)
        return _ts_key(ts)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _ApiError("invalid_cursor") from exc


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise _ApiError(f"invalid_{name}") from exc


def _json_param(params: dict[str, Any], name: str, error: str) -> Any:
    """Form-encoded requests carry blocks/metadata as JSON strings; JSON ones as objects."""
    value = params.get(name)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise _ApiError(error) from exc
    return value


def _blocks_param(params: dict[str, Any]) -> list[dict[str, Any]] | None:
    blocks = _json_param(params, "blocks", "invalid_blocks_format")
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        raise _ApiError("invalid_blocks_format")
    if len(blocks) > 50 or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        raise _ApiError("invalid_blocks")
    for block in blocks:
        # Block Kit limits (api.slack.com/reference/block-kit/blocks): a header's text at
        # most 150 characters, a section's 3,000; counted here in UTF-16 code units, the
        # stricter reading for emoji.
        if block.get("type") == "actions":
            _check_actions(block)
        limit = {"header": 150, "section": 3000}.get(str(block.get("type")))
        text = (
            (block.get("text") or {}).get("text", "") if isinstance(block.get("text"), dict) else ""
        )
        if limit and len(str(text).encode("utf-16-le")) // 2 > limit:
            raise _ApiError("invalid_blocks")
    return blocks or None


def _check_actions(block: dict[str, Any]) -> None:
    """docs.slack.dev/reference/block-kit/blocks/actions-block: at most 25 elements; a
    button (block-elements/button-element): text at most 75 characters, value 2,000,
    action_id 255, and action_ids unique within the block."""
    elements = block.get("elements")
    if not isinstance(elements, list) or not 0 < len(elements) <= 25:
        raise _ApiError("invalid_blocks")
    seen: set[str] = set()
    for element in elements:
        if not isinstance(element, dict) or element.get("type") != "button":
            continue
        text = (element.get("text") or {}).get("text", "")
        action_id = str(element.get("action_id", ""))
        if (
            not text
            or len(text) > 75
            or len(str(element.get("value", ""))) > 2000
            or len(action_id) > 255
            or action_id in seen
        ):
            raise _ApiError("invalid_blocks")
        seen.add(action_id)


def _metadata_param(params: dict[str, Any]) -> dict[str, Any] | None:
    metadata = _json_param(params, "metadata", "invalid_metadata_format")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise _ApiError("invalid_metadata_format")
    if not isinstance(metadata.get("event_type"), str) or not isinstance(
        metadata.get("event_payload"), dict
    ):
        raise _ApiError("invalid_metadata_schema")
    return metadata


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Raises ValueError on a malformed JSON body."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return {}
    if ctype == "application/json":
        data = json.loads(body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        return data
    if ctype == "multipart/form-data":
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        out: dict[str, Any] = {}
        for part in msg.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_param("filename", header="content-disposition") is None:
                payload = payload.decode("utf-8", "replace")
            if name:
                out[str(name)] = payload
        return out
    # application/x-www-form-urlencoded, or anything else that looks like it
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


# ---------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or hung up is part of the tests, not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "FakeSlack/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        fake = self.server.fake
        if split.path.startswith("/api/"):
            answer = fake._handle_api(
                split.path[len("/api/") :],
                query=dict(parse_qsl(split.query, keep_blank_values=True)),
                content_type=self.headers.get("Content-Type", ""),
                body=body,
                authorization=self.headers.get("Authorization"),
            )
        elif split.path == WEBHOOK_PATH and self.command == "POST":
            answer = fake._handle_webhook(self.headers.get("Content-Type", ""), body)
        else:
            answer = _Answer(404, "no_service")
        self._write(answer)

    def _write(self, answer: _Answer) -> None:
        if answer.drop:
            # Accepted, then the connection goes away without a status line.
            self.close_connection = True
            return
        if isinstance(answer.body, str):
            payload = answer.body.encode("utf-8")
            ctype = "text/html"
        else:
            payload = json.dumps(answer.body).encode("utf-8")
            ctype = "application/json; charset=utf-8"
        self.send_response(answer.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


# ---------------------------------------------------------------- the fake


class FakeSlack:
    """In-memory Slack Web API + incoming webhook on 127.0.0.1 (random port).

    State (``calls``, ``messages``, ``webhook_posts``) is returned as snapshots; all of it is
    guarded by one lock, so tests may read it while the code under test is posting.
    """

    def __init__(
        self,
        token: str = "xoxb-test",
        channels: dict[str, str] | None = None,
        scopes: frozenset[str] = DEFAULT_SCOPES,
        app_token: str = "xapp-1-A0APP-test",
    ) -> None:
        self.token = token
        self.app_token = app_token  # app-level: apps.connections.open takes only this
        self._socket_mode: FakeSocketMode | None = None
        self.scopes = scopes  # the bot token's OAuth scopes: conversations.list checks them
        self.channels: dict[str, str] = dict(DEFAULT_CHANNELS if channels is None else channels)
        self.team_id = TEAM_ID
        self.bot_user_id = BOT_USER_ID
        self.bot_id = BOT_ID
        self._cond = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._reset_state()

    def _reset_state(self) -> None:
        self._calls: list[Call] = []
        self._messages: list[Message] = []
        self._by_ts: dict[tuple[str, str], Message] = {}
        self._webhook_posts: list[dict[str, Any]] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._drops: dict[str, int] = {}
        self._outage: int | None = None
        self._last_us = 0

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="fake-slack",
        )
        self._thread.start()
        return self

    @property
    def socket_mode(self) -> FakeSocketMode:
        """The Socket Mode end, started at first use."""
        if self._socket_mode is None:
            self._socket_mode = FakeSocketMode(TEAM_ID, APP_ID)
            self._socket_mode.start()
        return self._socket_mode

    def stop(self) -> None:
        if self._socket_mode is not None:
            self._socket_mode.stop()
            self._socket_mode = None
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """Pass as ``WebClient(base_url=...)``; ends with "/" as slack_sdk requires."""
        return f"{self.base_url}/api/"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}{WEBHOOK_PATH}"

    def reset(self) -> None:
        """Forget calls, messages, webhook posts and pending failures (server keeps running)."""
        with self._cond:
            self._reset_state()

    # ------------------------------------------------------------ inspection

    @property
    def calls(self) -> list[Call]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    @property
    def messages(self) -> list[Message]:
        """Every stored message (top-level and replies), in posting order."""
        with self._cond:
            return list(self._messages)

    @property
    def webhook_posts(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._webhook_posts)

    def get(self, ts: str, channel: str | None = None) -> Message | None:
        with self._cond:
            for m in self._messages:
                if m.ts == ts and (channel is None or m.channel == self._channel_id(channel)):
                    return m
            return None

    def top_level(self, channel: str | None = None) -> list[Message]:
        """Thread roots / plain messages (not replies, not broadcasts), oldest first."""
        with self._cond:
            cid = None if channel is None else self._channel_id(channel)
            return [
                m
                for m in self._messages
                if m.thread_ts is None and (cid is None or m.channel == cid)
            ]

    def replies(self, ts: str) -> list[Message]:
        """Replies to the message ``ts`` (parent excluded), oldest first."""
        with self._cond:
            return [m for m in self._messages if m.thread_ts == ts]

    def wait_for(self, predicate: Callable[[FakeSlack], bool], timeout: float = 5.0) -> None:
        """Block until ``predicate(self)`` holds (re-checked on each request), else TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("FakeSlack.wait_for: condition not met")
                self._cond.wait(min(left, 0.1))

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[Message]:
        self.wait_for(lambda f: len(f._messages) >= count, timeout)
        return self.messages

    # ------------------------------------------------------------ failure injection

    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (``"*"``: any method; ``"webhook"``:
        the incoming webhook). status 429 -> {"error": "ratelimited"} (+ Retry-After if given);
        5xx -> that HTTP status; status 200 + error -> {"ok": false, "error": error};
        delay -> sleep first (with no status/error: just a slow, successful answer)."""
        if times < 1:
            raise ValueError("times must be >= 1")
        if status == 200 and error is None and delay <= 0:
            raise ValueError("fail_next needs a status other than 200, an error or a delay")
        failure = _Failure(status, error, retry_after, delay, times)
        with self._cond:
            self._failures.setdefault(method, deque()).append(failure)

    def set_outage(self, on: bool, status: int = 503) -> None:
        """While on, every API and webhook call answers HTTP ``status``."""
        with self._cond:
            self._outage = status if on else None

    def drop_response_next(self, method: str, *, times: int = 1) -> None:
        """Process the next call(s) of ``method`` normally (a message is stored), then close the
        connection without answering: "Slack accepted it but the client never heard back"."""
        with self._cond:
            self._drops[method] = self._drops.get(method, 0) + times

    def _take_failure(self, method: str) -> _Failure | None:
        for key in (method, "*"):
            queue = self._failures.get(key)
            if queue:
                failure = queue[0]
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.popleft()
                return failure
        return None

    def _take_drop(self, method: str) -> bool:
        if self._drops.get(method, 0) > 0:
            self._drops[method] -= 1
            return True
        return False

    # ------------------------------------------------------------ request handling

    def _handle_api(
        self,
        method: str,
        *,
        query: dict[str, Any],
        content_type: str,
        body: bytes,
        authorization: str | None,
    ) -> _Answer:
        params: dict[str, Any] = dict(query)
        parse_error = False
        try:
            params.update(_parse_body(content_type, body))
        except (ValueError, UnicodeDecodeError):
            parse_error = True
        token = params.pop("token", None)
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[len("bearer ") :].strip()

        call = Call(method=method, params=params, at=time.time(), token=token)
        with self._cond:
            self._calls.append(call)
            outage = self._outage
            failure = None if outage is not None else self._take_failure(method)
            self._cond.notify_all()

        if failure is not None and failure.delay > 0:
            time.sleep(failure.delay)

        if outage is not None:
            answer = self._error_answer(outage, None, None)
        elif failure is not None and (failure.status != 200 or failure.error is not None):
            answer = self._error_answer(failure.status, failure.error, failure.retry_after)
        elif parse_error:
            answer = _Answer(200, {"ok": False, "error": "invalid_json"})
        else:
            with self._cond:
                answer = self._dispatch_api(method, params, token)
                answer.drop = self._take_drop(method)
                self._cond.notify_all()

        with self._cond:
            call.status = None if answer.drop else answer.status
            if isinstance(answer.body, dict) and not answer.body.get("ok", False):
                call.error = answer.body.get("error")
            self._cond.notify_all()
        return answer

    @staticmethod
    def _error_answer(status: int, error: str | None, retry_after: int | None) -> _Answer:
        error = error or _STATUS_ERRORS.get(status, "fatal_error")
        return _Answer(status, {"ok": False, "error": error}, _retry_headers(retry_after))

    def _dispatch_api(self, method: str, params: dict[str, Any], token: str | None) -> _Answer:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.getPermalink": self._get_permalink,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "conversations.list": self._list,
        }
        if method == "apps.connections.open":
            # docs.slack.dev/reference/methods/apps.connections.open: an app-level token.
            if not token:
                return _Answer(200, {"ok": False, "error": "not_authed"})
            if token == self.token:
                return _Answer(200, {"ok": False, "error": "not_allowed_token_type"})
            if token != self.app_token:
                return _Answer(200, {"ok": False, "error": "invalid_auth"})
            return _Answer(200, {"ok": True, "url": self.socket_mode.open_url()})
        handler = handlers.get(method)
        if handler is None:
            return _Answer(200, {"ok": False, "error": "unknown_method"})
        if not token:
            return _Answer(200, {"ok": False, "error": "not_authed"})
        if token != self.token:
            return _Answer(200, {"ok": False, "error": "invalid_auth"})
        try:
            return _Answer(200, {"ok": True, **handler(params)})
        except _ApiError as exc:
            return _Answer(200, {"ok": False, "error": exc.error, **exc.extra})

    def _handle_webhook(self, content_type: str, body: bytes) -> _Answer:
        with self._cond:
            outage = self._outage
            failure = None if outage is not None else self._take_failure("webhook")
        if failure is not None and failure.delay > 0:
            time.sleep(failure.delay)
        if outage is not None:
            return _Answer(outage, _STATUS_ERRORS.get(outage, "fatal_error"))
        if failure is not None and (failure.status != 200 or failure.error is not None):
            default = "rate_limited" if failure.status == 429 else "fatal_error"
            return _Answer(
                failure.status, failure.error or default, _retry_headers(failure.retry_after)
            )
        try:
            payload = _parse_body(content_type, body)
            if "payload" in payload and isinstance(payload["payload"], str):
                payload = json.loads(payload["payload"])
        except (ValueError, UnicodeDecodeError):
            return _Answer(400, "invalid_payload")
        if not isinstance(payload, dict):
            return _Answer(400, "invalid_payload")
        if not (payload.get("text") or payload.get("blocks") or payload.get("attachments")):
            return _Answer(400, "no_text")
        with self._cond:
            self._webhook_posts.append(payload)
            self._cond.notify_all()
        return _Answer(200, "ok")

    # ------------------------------------------------------------ state helpers (lock held)

    def _channel_id(self, channel: Any) -> str | None:
        if not isinstance(channel, str) or not channel:
            return None
        if channel in self.channels:
            return self.channels[channel]
        if channel in self.channels.values():
            return channel
        return None

    def _require_channel_id(self, params: dict[str, Any]) -> str:
        """Reading methods take a conversation ID, not a name: a name answers
        channel_not_found (api.slack.com/methods/conversations.history, .replies:
        "channel: Conversation ID to fetch history for")."""
        channel = params.get("channel")
        if not isinstance(channel, str) or channel not in self.channels.values():
            raise _ApiError("channel_not_found")
        return channel

    def _list(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.list: channels:read for public channels, groups:read for private
        ones, else missing_scope (api.slack.com/methods/conversations.list)."""
        types = str(params.get("types") or "public_channel").split(",")
        needed = [
            scope
            for kind, scope in (
                ("public_channel", "channels:read"),
                ("private_channel", "groups:read"),
            )
            if kind in types and scope not in self.scopes
        ]
        if needed:
            raise _ApiError("missing_scope", needed=",".join(needed))
        seen: dict[str, str] = {}
        for name, cid in self.channels.items():
            seen.setdefault(cid, name.lstrip("#"))
        return {
            "channels": [
                {"id": cid, "name": name, "is_channel": True} for cid, name in seen.items()
            ],
            "response_metadata": {"next_cursor": ""},
        }

    def _require_channel(self, params: dict[str, Any]) -> str:
        cid = self._channel_id(params.get("channel"))
        if cid is None:
            raise _ApiError("channel_not_found")
        return cid

    def _next_ts(self) -> str:
        now = int(time.time() * 1_000_000)
        self._last_us = max(now, self._last_us + 1)
        return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def _thread_replies(self, m: Message) -> list[Message]:
        return [r for r in self._messages if r.thread_ts == m.ts and r.channel == m.channel]

    def _render(self, m: Message, *, metadata: bool, root: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": m.text or "",
            "ts": m.ts,
        }
        if m.blocks:
            d["blocks"] = copy.deepcopy(m.blocks)
        if m.thread_ts is not None:
            d["thread_ts"] = m.thread_ts
            d["parent_user_id"] = BOT_USER_ID
            if m.reply_broadcast:
                d["subtype"] = "thread_broadcast"
                parent = self._by_ts.get((m.channel, m.thread_ts))
                if root and parent is not None:
                    d["root"] = self._render(parent, metadata=metadata, root=False)
        else:
            replies = self._thread_replies(m)
            if replies:
                d.update(
                    thread_ts=m.ts,
                    reply_count=len(replies),
                    reply_users_count=1,
                    latest_reply=replies[-1].ts,
                    reply_users=[BOT_USER_ID],
                    is_locked=False,
                    subscribed=False,
                )
        if m.updated:
            d["edited"] = {"user": BOT_USER_ID, "ts": m.updated[-1]["edited_ts"]}
        if metadata and m.metadata is not None:
            d["metadata"] = copy.deepcopy(m.metadata)
        return d

    # ------------------------------------------------------------ API methods (lock held)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://fake-workspace.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_USER_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        cid = self._require_channel(params)
        text = params.get("text")
        text = str(text) if text not in (None, "") else None
        blocks = _blocks_param(params)
        metadata = _metadata_param(params)
        if text is None and blocks is None and not params.get("attachments"):
            raise _ApiError("no_text")
        if text is not None and len(text) > 40_000:
            raise _ApiError("msg_too_long")
        thread_ts = params.get("thread_ts") or None
        if thread_ts is not None:
            thread_ts = str(thread_ts)
            parent = self._by_ts.get((cid, thread_ts))
            if parent is None or parent.thread_ts is not None:
                raise _ApiError("thread_not_found")
        msg = Message(
            channel=cid,
            ts=self._next_ts(),
            text=text,
            blocks=copy.deepcopy(blocks),
            thread_ts=thread_ts,
            reply_broadcast=thread_ts is not None and _truthy(params.get("reply_broadcast")),
            metadata=copy.deepcopy(metadata),
            params=copy.deepcopy(params),
        )
        self._messages.append(msg)
        self._by_ts[(cid, msg.ts)] = msg
        return {"channel": cid, "ts": msg.ts, "message": self._render(msg, metadata=True)}

    def _update(self, params: dict[str, Any]) -> dict[str, Any]:
        cid = self._require_channel(params)
        msg = self._by_ts.get((cid, str(params.get("ts") or "")))
        if msg is None:
            raise _ApiError("message_not_found")
        text = params.get("text")
        blocks = _blocks_param(params)
        metadata = _metadata_param(params)
        if (
            text in (None, "")
            and blocks is None
            and metadata is None
            and not params.get("attachments")
        ):
            raise _ApiError("no_text")
        # docs.slack.dev/reference/methods/chat.update: "If you don't include blocks, the
        # message's previous blocks will only be retained if the text argument is not
        # provided. If the text argument is provided and blocks are not provided, the blocks
        # will be removed". Other fields left out keep their previous value.
        if text not in (None, ""):
            msg.text = str(text)
            if blocks is None:
                msg.blocks = []
        if blocks is not None:
            msg.blocks = copy.deepcopy(blocks)
        if metadata is not None:
            msg.metadata = copy.deepcopy(metadata)
        msg.updated.append(
            {
                "edited_ts": self._next_ts(),
                "text": msg.text,
                "blocks": copy.deepcopy(msg.blocks),
                "metadata": copy.deepcopy(msg.metadata),
            }
        )
        return {
            "channel": cid,
            "ts": msg.ts,
            "text": msg.text or "",
            "message": self._render(msg, metadata=True),
        }

    def _get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        cid = self._require_channel(params)
        msg = self._by_ts.get((cid, str(params.get("message_ts") or "")))
        if msg is None:
            raise _ApiError("message_not_found")
        link = f"https://fake-workspace.slack.com/archives/{cid}/p{msg.ts.replace('.', '')}"
        if msg.thread_ts is not None:
            link += f"?thread_ts={msg.thread_ts}&cid={cid}"
        return {"channel": cid, "permalink": link}

    @staticmethod
    def _bounds(params: dict[str, Any]) -> tuple[int | None, int | None, bool]:
        inclusive = _truthy(params.get("inclusive"))
        bounds: list[int | None] = []
        for name in ("oldest", "latest"):
            value = params.get(name)
            if value in (None, ""):
                bounds.append(None)
                continue
            try:
                bounds.append(_ts_key(value))
            except ValueError as exc:
                raise _ApiError(f"invalid_ts_{name}") from exc
        return bounds[0], bounds[1], inclusive

    @staticmethod
    def _in_bounds(key: int, oldest: int | None, latest: int | None, inclusive: bool) -> bool:
        if oldest is not None and (key < oldest or (key == oldest and not inclusive)):
            return False
        return not (latest is not None and (key > latest or (key == latest and not inclusive)))

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        cid = self._require_channel_id(params)
        limit = _int_param(params, "limit", 100)
        limit = 100 if limit <= 0 else min(limit, 999)
        oldest, latest, inclusive = self._bounds(params)
        cursor = params.get("cursor") or None
        start = _decode_cursor(cursor) if cursor else None
        visible = [
            m
            for m in reversed(self._messages)
            if m.channel == cid
            and (m.thread_ts is None or m.reply_broadcast)
            and self._in_bounds(_ts_key(m.ts), oldest, latest, inclusive)
            and (start is None or _ts_key(m.ts) <= start)
        ]
        page, rest = visible[:limit], visible[limit:]
        with_metadata = _truthy(params.get("include_all_metadata"))
        return {
            "messages": [self._render(m, metadata=with_metadata) for m in page],
            "has_more": bool(rest),
            "pin_count": 0,
            "response_metadata": {"next_cursor": _encode_cursor(rest[0].ts) if rest else ""},
        }

    def _replies(self, params: dict[str, Any]) -> dict[str, Any]:
        cid = self._require_channel_id(params)
        msg = self._by_ts.get((cid, str(params.get("ts") or "")))
        if msg is None:
            raise _ApiError("thread_not_found")
        parent = self._by_ts.get((cid, msg.thread_ts)) if msg.thread_ts else msg
        assert parent is not None
        limit = _int_param(params, "limit", 1000)
        limit = 1000 if limit <= 0 else limit
        oldest, latest, inclusive = self._bounds(params)
        cursor = params.get("cursor") or None
        start = _decode_cursor(cursor) if cursor else None
        thread = [parent] if start is None else []
        thread += [
            r
            for r in self._thread_replies(parent)
            if self._in_bounds(_ts_key(r.ts), oldest, latest, inclusive)
            and (start is None or _ts_key(r.ts) >= start)
        ]
        page, rest = thread[:limit], thread[limit:]
        with_metadata = _truthy(params.get("include_all_metadata"))
        return {
            "messages": [self._render(m, metadata=with_metadata) for m in page],
            "has_more": bool(rest),
            "response_metadata": {"next_cursor": _encode_cursor(rest[0].ts) if rest else ""},
        }
