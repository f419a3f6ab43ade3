"""The daemon's small HTTP server: /healthz, /readyz and /metrics.

- /healthz: 200 while the process answers (the container's HEALTHCHECK).
- /readyz: 200 when the daemon can do its job (database writable, scheduler
  running, a poll succeeded recently), else 503; both with a JSON body of checks.
- /metrics: Prometheus text format.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .config import Config
from .errors import ConfigError, MonitorError, StoreError
from .metrics import Metrics
from .models import PollResult, SourceState, utcnow
from .sources import SourceContext, skip_reason
from .storage import probe_writable

__all__ = [
    "HealthServer",
    "PollTracker",
    "check",
    "check_database",
    "check_recent_poll",
    "parse_listen",
]

log = logging.getLogger(__name__)

Readiness = Callable[[], tuple[bool, dict[str, Any]]]
# /readyz answers within a second: its own write probe waits at most this for a lock.
PROBE_TIMEOUT = 0.5
_TEXT = "text/plain; charset=utf-8"


def parse_listen(value: str) -> tuple[str, int]:
    """'127.0.0.1:8080', '0.0.0.0:8080', '[::]:8080' or ':8080' as (host, port)."""
    host, _, port = value.rpartition(":")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"--listen {value!r}: expected HOST:PORT, e.g. 127.0.0.1:8080")
    return host.strip("[]") or "127.0.0.1", int(port)


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class HealthServer:
    """Serves health and metrics in a background thread."""

    def __init__(
        self,
        listen: str,
        metrics: Metrics,
        readiness: Readiness,
        scrub: Callable[[str], str] = str,
    ) -> None:
        host, port = parse_listen(listen)
        server = self
        self.metrics = metrics
        self.readiness = readiness
        self.scrub = scrub

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, content_type = server.respond(self.path.split("?")[0])
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass  # probes every few seconds are not events worth a line

        try:
            self.httpd = (_Server6 if ":" in host else _Server)((host, port), Handler)
        except OSError as exc:
            raise MonitorError(f"cannot listen on {listen}: {exc.strerror or exc}") from None
        bound_port = self.httpd.server_address[1]
        self.address = f"[{host}]:{bound_port}" if ":" in host else f"{host}:{bound_port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="health", daemon=True)

    def respond(self, path: str) -> tuple[int, bytes, str]:
        if path == "/healthz":
            return 200, b"ok\n", _TEXT
        if path == "/readyz":
            try:
                ready, checks = self.readiness()
            except Exception as exc:  # a probe must answer, whatever broke
                log.exception("readiness check failed")
                ready, checks = False, {"error": f"{type(exc).__name__}: {exc}"}
            body = json.dumps({"ready": ready, "checks": checks}, default=str)
            return (200 if ready else 503), self.scrub(body).encode(), "application/json"
        if path == "/metrics":
            try:
                return 200, generate_latest(self.metrics.registry), CONTENT_TYPE_LATEST
            except Exception:
                log.exception("cannot render /metrics")
                return 500, b"metrics unavailable; see the log\n", _TEXT
        if path == "/":
            return 200, b"monitor: /healthz /readyz /metrics\n", _TEXT
        return 404, b"not found\n", _TEXT

    def start(self) -> HealthServer:
        self._thread.start()
        log.info("health and metrics on http://%s (/healthz /readyz /metrics)", self.address)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- readiness checks: each is {"ok": bool, "detail": str} -------------------------------


def check(ok: bool, detail: str) -> dict[str, Any]:
    return {"ok": ok, "detail": detail}


def check_database(path: str, poll_error: str | None = None) -> dict[str, Any]:
    """A write transaction on a connection of its own, waiting at most half a second: the
    file takes writes. A lock held by a poll in progress is normal, not a failure; a
    database that refused the last poll (a full disk, say) is not ready, even when a
    rolled-back probe passes."""
    if poll_error is not None:
        return check(False, f"the last poll could not write: {poll_error}")
    try:
        probe_writable(path, timeout=PROBE_TIMEOUT)
    except StoreError as exc:
        if "database is locked" in str(exc) or "lock timeout" in str(exc):
            return check(True, "writable (a write is in progress)")
        return check(False, str(exc))
    return check(True, "writable")


class PollTracker:
    """What readiness needs to know of the polls, kept in memory on the monotonic clock:
    /readyz never waits for the daemon's own database connection (which a poll may hold
    for seconds), and a wall clock stepped back or forward cannot make a stalled daemon
    look fresh."""

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utcnow,
    ) -> None:
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self._last_ok: dict[str, float] = {}
        self._store_error: str | None = None

    def seed(self, states: Mapping[str, SourceState]) -> None:
        """The last successes a previous run left in the database."""
        now_wall, now = self._wall(), self._monotonic()
        with self._lock:
            for name, state in states.items():
                if state.last_ok_at is not None and name not in self._last_ok:
                    ago = max(0.0, (now_wall - state.last_ok_at).total_seconds())
                    self._last_ok[name] = now - ago

    def polled(self, results: Sequence[PollResult]) -> None:
        """A poll went through the database: its sources that answered are fresh."""
        now = self._monotonic()
        with self._lock:
            self._store_error = None
            for result in results:
                if not result.skipped and not result.error:
                    self._last_ok[result.source] = now

    def store_failed(self, error: str) -> None:
        with self._lock:
            self._store_error = error

    @property
    def store_error(self) -> str | None:
        with self._lock:
            return self._store_error

    def seconds_since_success(self, names: Iterable[str]) -> float | None:
        """Since the latest success of any of these sources; None if none succeeded."""
        with self._lock:
            times = [self._last_ok[n] for n in names if n in self._last_ok]
        return self._monotonic() - max(times) if times else None


def check_recent_poll(config: Config, context: SourceContext, polls: PollTracker) -> dict[str, Any]:
    """Some source was polled successfully within three of the shortest intervals
    (at least 15 minutes): the daemon is not just alive but doing its job."""
    active = [
        s for s in config.sources if s.enabled and not skip_reason(s, context, log_once=False)
    ]
    if not active:
        return check(True, "no sources to poll")
    shortest = min((s.interval or config.monitor.default_interval) for s in active)
    window = max(timedelta(minutes=15), 3 * shortest)
    age = polls.seconds_since_success(s.name for s in active)
    if age is None:
        return check(False, "no poll has succeeded yet")
    return check(
        age <= window.total_seconds(),
        f"last success {age:.0f} s ago (window {window.total_seconds():.0f} s)",
    )
