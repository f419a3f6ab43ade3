"""The daemon's small HTTP server: /healthz, /readyz and /metrics."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .metrics import Metrics

__all__ = ["HealthServer", "parse_listen"]

log = logging.getLogger(__name__)


def parse_listen(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not port.isdigit():
        raise ValueError(f"--listen {value!r}: expected HOST:PORT")
    return host.strip("[]") or "127.0.0.1", int(port)


class HealthServer:
    """Serves health and metrics in a background thread."""

    def __init__(
        self, listen: str, metrics: Metrics, readiness: Callable[[], tuple[bool, dict[str, Any]]]
    ) -> None:
        host, port = parse_listen(listen)
        server = self
        self.metrics = metrics
        self.readiness = readiness

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, content_type = server.respond(self.path.split("?")[0])
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.address = f"{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="health", daemon=True)

    def respond(self, path: str) -> tuple[int, bytes, str]:
        if path == "/healthz":
            return 200, b"ok\n", "text/plain; charset=utf-8"
        if path == "/readyz":
            try:
                ready, checks = self.readiness()
            except Exception as exc:
                ready, checks = False, {"error": f"{type(exc).__name__}: {exc}"}
            body = json.dumps({"ready": ready, "checks": checks}, default=str).encode()
            return (200 if ready else 503), body, "application/json"
        if path == "/metrics":
            return 200, generate_latest(self.metrics.registry), CONTENT_TYPE_LATEST
        return 404, b"not found\n", "text/plain; charset=utf-8"

    def start(self) -> HealthServer:
        self._thread.start()
        log.info("health and metrics on http://%s (/healthz /readyz /metrics)", self.address)
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
