"""fetch.py against real loopback servers: politeness, limits, and every way a request fails.

The raw TCP servers here (slow, silent, endless, gzip bomb) are also used by
test_bad_input.py, which runs the same cases through a whole poll.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.errors import FetchError
from monitor.fetch import USER_AGENT, Fetcher, FetchLimits, describe_error, parse_retry_after
from monitor.models import FetchRequest

MB = 1024 * 1024
SMALL_FEED = b'<rss version="2.0"><channel><title>t</title></channel></rss>'


# -- loopback servers ----------------------------------------------------------------------


class RawServer:
    """A TCP server on 127.0.0.1 that hands each connection to `handler(conn, stop)`."""

    def __init__(self, handler: Callable[[socket.socket, threading.Event], None]) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def url(self, path: str = "/feed.xml") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            _read_request(conn)
            self.handler(conn, self.stop)
        except OSError:
            pass  # the client hung up, as it should when a limit is hit
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        for conn in self.connections:
            conn.close()
        self.thread.join(timeout=2)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_request(conn: socket.socket) -> None:
    data = b""
    conn.settimeout(5)
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def trickle(conn: socket.socket, stop: threading.Event) -> None:
    """Headers, then one byte a second: never a read timeout, always past a deadline."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 600\r\n\r\n")
    while not stop.wait(1.0):
        conn.sendall(b"<")


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """Accepts the connection and the request, then never answers."""
    stop.wait(30)


def endless(size: int = 50 * MB) -> Callable[[socket.socket, threading.Event], None]:
    """A body of `size` bytes, streamed without a Content-Length."""

    def handler(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nConnection: close\r\n\r\n"
        )
        block = b"<rss>" + b" " * (64 * 1024 - 5)
        sent = 0
        while sent < size and not stop.is_set():
            conn.sendall(block)
            sent += len(block)

    return handler


def gzip_bomb(expanded: int = 1024 * MB) -> bytes:
    """`expanded` bytes of zeros, gzip-compressed (about a thousandth of the size)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\x00" * MB
    parts = [packer.compress(block) for _ in range(expanded // MB)]
    return b"".join(parts) + packer.flush()


def serve_bytes(body: bytes, encoding: str = "gzip") -> Callable[[socket.socket, Any], None]:
    def handler(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
            + f"Content-Encoding: {encoding}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    return handler


class CountingServer:
    """An HTTP server that counts how many requests it serves at the same time."""

    def __init__(self, delay: float = 0.3) -> None:
        counter = self
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()
        self.user_agents: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with counter.lock:
                    counter.active += 1
                    counter.peak = max(counter.peak, counter.active)
                    counter.user_agents.append(self.headers.get("User-Agent", ""))
                time.sleep(delay)
                with counter.lock:
                    counter.active -= 1
                self.send_response(200)
                self.send_header("Content-Length", str(len(SMALL_FEED)))
                self.end_headers()
                self.wfile.write(SMALL_FEED)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchLimits(deadline=2.0, read_timeout=1.0, connect_timeout=1.0)) as f:
        yield f


def get(fetcher: Fetcher, url: str, **kwargs: Any) -> Any:
    return fetcher.fetch_many([FetchRequest(source="s", url=url, **kwargs)])[0]


# -- politeness ----------------------------------------------------------------------------


def test_user_agent_names_the_project_and_its_url(httpserver: HTTPServer, fetcher) -> None:
    httpserver.expect_request("/f", headers={"User-Agent": USER_AGENT}).respond_with_data("ok")
    result = get(fetcher, httpserver.url_for("/f"))
    assert result.body == b"ok"
    assert USER_AGENT.startswith("monitor/") and "https://" in USER_AGENT


def test_per_host_concurrency_is_limited() -> None:
    server = CountingServer(delay=0.25)
    try:
        with Fetcher(FetchLimits(per_host=2, concurrency=32)) as fetcher:
            started = time.monotonic()
            results = fetcher.fetch_many(
                [FetchRequest(source=f"s{i}", url=server.url(f"/{i}")) for i in range(8)]
            )
            elapsed = time.monotonic() - started
    finally:
        server.close()
    assert all(not isinstance(r, FetchError) for r in results)
    assert server.peak == 2  # concurrent, but never more than two on one host
    assert elapsed >= 4 * 0.25 * 0.9
    assert set(server.user_agents) == {USER_AGENT}


def test_conditional_get_sends_validators_and_304_is_not_modified(
    httpserver: HTTPServer, fetcher
) -> None:
    seen: list[tuple[str | None, str | None]] = []

    def handler(request: Request) -> Response:
        seen.append(
            (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )
        return Response(status=304, headers={"ETag": '"v2"'})

    httpserver.expect_request("/f").respond_with_handler(handler)
    since = format_datetime(datetime(2026, 11, 1, tzinfo=UTC), usegmt=True)
    result = get(fetcher, httpserver.url_for("/f"), etag='"v1"', last_modified=since)
    assert seen == [('"v1"', since)]
    assert result.not_modified and result.body == b"" and result.etag == '"v2"'
    assert result.last_modified == since


# -- time limits ---------------------------------------------------------------------------


def test_one_byte_a_second_hits_the_deadline(fetcher) -> None:
    with RawServer(trickle) as server:
        started = time.monotonic()
        result = get(fetcher, server.url())
        elapsed = time.monotonic() - started
    assert isinstance(result, FetchError)
    assert "request deadline" in str(result)
    assert elapsed < 3.0


def test_a_server_that_never_answers_times_out(fetcher) -> None:
    with RawServer(silent) as server:
        started = time.monotonic()
        result = get(fetcher, server.url())
        elapsed = time.monotonic() - started
    assert isinstance(result, FetchError)
    assert "read timeout" in str(result) or "deadline" in str(result)
    assert elapsed < 2.5


def test_timeouts_are_described_in_one_line() -> None:
    limits = FetchLimits(connect_timeout=3, read_timeout=7, deadline=9)
    assert describe_error(httpx.ConnectTimeout("x"), limits) == "timed out connecting after 3 s"
    assert "7 s" in describe_error(httpx.ReadTimeout("x"), limits)
    assert "9 s" in describe_error(TimeoutError(), limits)


# -- redirects -----------------------------------------------------------------------------


def test_five_redirects_are_followed_and_a_loop_is_a_clear_error(
    httpserver: HTTPServer, fetcher
) -> None:
    for i in range(5):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"}
        )
    httpserver.expect_request("/r5").respond_with_data("final")
    httpserver.expect_request("/loop-a").respond_with_data(
        "", status=301, headers={"Location": "/loop-b"}
    )
    httpserver.expect_request("/loop-b").respond_with_data(
        "", status=301, headers={"Location": "/loop-a"}
    )
    ok = get(fetcher, httpserver.url_for("/r0"))
    assert ok.body == b"final" and ok.url.endswith("/r5")
    loop = get(fetcher, httpserver.url_for("/loop-a"))
    assert isinstance(loop, FetchError)
    assert str(loop) == "more than 5 redirects (a redirect loop?)"


# -- body cap ------------------------------------------------------------------------------


def test_a_streamed_body_over_the_cap_is_cut_off(fetcher) -> None:
    with RawServer(endless(50 * MB)) as server:
        started = time.monotonic()
        result = get(fetcher, server.url())
    assert isinstance(result, FetchError)
    assert str(result) == "response body larger than 10 MB (limit)"
    assert time.monotonic() - started < 2.0


def test_a_declared_length_over_the_cap_is_refused_before_reading(
    httpserver: HTTPServer, fetcher
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * (11 * MB))
    result = get(fetcher, httpserver.url_for("/big"))
    assert isinstance(result, FetchError) and "larger than 10 MB" in str(result)


def test_the_cap_applies_after_decompression(fetcher) -> None:
    bomb = gzip_bomb(64 * MB)
    assert len(bomb) < MB
    with RawServer(serve_bytes(bomb)) as server:
        result = get(fetcher, server.url())
    assert isinstance(result, FetchError) and "larger than 10 MB" in str(result)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_decoded(encoding: str, fetcher) -> None:
    if encoding == "gzip":
        body = gzip.compress(SMALL_FEED)
    elif encoding == "deflate":
        body = zlib.compress(SMALL_FEED)
    else:
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = packer.compress(SMALL_FEED) + packer.flush()
    with RawServer(serve_bytes(body, encoding.removeprefix("raw-"))) as server:
        result = get(fetcher, server.url())
    assert result.body == SMALL_FEED


def test_an_unknown_content_encoding_is_an_error(fetcher) -> None:
    with RawServer(serve_bytes(b"???", "compress")) as server:
        result = get(fetcher, server.url())
    assert isinstance(result, FetchError) and "Content-Encoding" in str(result)


# -- Retry-After ---------------------------------------------------------------------------


def test_retry_after_in_seconds_and_as_a_date(httpserver: HTTPServer, fetcher) -> None:
    later = datetime.now(UTC) + timedelta(seconds=600)
    httpserver.expect_request("/429").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    httpserver.expect_request("/503").respond_with_data(
        "down", status=503, headers={"Retry-After": format_datetime(later, usegmt=True)}
    )
    too_many = get(fetcher, httpserver.url_for("/429"))
    unavailable = get(fetcher, httpserver.url_for("/503"))
    assert isinstance(too_many, FetchError) and too_many.status == 429
    assert too_many.retry_after == 120
    assert (
        isinstance(unavailable, FetchError) and str(unavailable) == "HTTP 503 SERVICE UNAVAILABLE"
    )
    assert unavailable.retry_after is not None and 590 <= unavailable.retry_after <= 601


def test_a_429_without_retry_after_waits_for_the_rate_limit_reset(
    httpserver: HTTPServer, fetcher
) -> None:
    reset = int(time.time()) + 900
    httpserver.expect_request("/x").respond_with_json(
        {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
        status=429,
        headers={
            "x-rate-limit-limit": "60",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )
    result = get(fetcher, httpserver.url_for("/x"))
    assert isinstance(result, FetchError) and result.status == 429
    assert result.retry_after is not None and 895 <= result.retry_after <= 900


def test_parse_retry_after() -> None:
    assert parse_retry_after("30") == 30
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_a_500_is_one_line(httpserver: HTTPServer, fetcher) -> None:
    httpserver.expect_request("/e").respond_with_data("boom", status=500)
    result = get(fetcher, httpserver.url_for("/e"))
    assert isinstance(result, FetchError)
    assert str(result) == "HTTP 500 INTERNAL SERVER ERROR" and result.retry_after is None
