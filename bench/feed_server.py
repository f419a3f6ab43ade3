"""A loopback feed server that is not the bottleneck: N pre-generated RSS bodies.

`GET /feed/<i>.xml` answers the i-th feed from bytes built at start-up (headers and
body in one buffer), with keep-alive, an ETag and Last-Modified, and a 304 when
If-None-Match matches (never with --no-etag). `GET /_stats` returns the counts of
200s, 304s and bytes sent.
It listens on several loopback addresses (127.0.1.1, 127.0.1.2, ...) on one port, so
that a client's per-host connection limit sees many hosts, as it would on the internet.

Run it in its own process:  python -m bench.feed_server --feeds 1000
It prints one JSON line {"port": ..., "hosts": [...]} when it is ready.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from datetime import UTC, datetime
from email.utils import format_datetime

from .corpus import ITEMS_PER_FEED, feed_body, headline_pool

__all__ = ["FeedServer", "host_for", "main"]

_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def host_for(feed: int, hosts: int) -> str:
    return f"127.0.1.{feed % hosts + 1}"


class FeedServer:
    def __init__(self, feeds: int, prefix: str = "news", etag: bool = True) -> None:
        self.etag = etag  # False: a server without validators, every poll a full 200
        now = datetime.now(UTC)
        modified = format_datetime(now, usegmt=True)
        pool = headline_pool(max(100, feeds * ITEMS_PER_FEED // 3))
        self.full: list[bytes] = []
        self.not_modified: list[bytes] = []
        self.etags: list[bytes] = []
        for feed in range(feeds):
            body = feed_body(feed, pool, now, prefix)
            etag = f'"{prefix}-{feed}-{len(body)}"'
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nETag: {etag}\r\nLast-Modified: {modified}\r\n"
                "Cache-Control: max-age=0\r\n\r\n"
            )
            self.full.append(head.encode() + body)
            self.not_modified.append(
                f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n"
                f"Last-Modified: {modified}\r\n\r\n".encode()
            )
            self.etags.append(etag.encode())
        self.stats = {"200": 0, "304": 0, "404": 0, "bytes": 0, "connections": 0}

    def respond(self, request: bytes) -> tuple[bytes, bool]:
        """The response to one request head, and whether to keep the connection."""
        line, _, rest = request.partition(b"\r\n")
        parts = line.split(b" ")
        path = parts[1] if len(parts) == 3 else b""
        headers = rest.lower()
        keep = b"connection: close" not in headers and not line.endswith(b"HTTP/1.0")
        if path == b"/_stats":
            body = json.dumps(self.stats).encode()
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
            )
            return head.encode() + b"\r\n\r\n" + body, keep
        feed = _feed_number(path)
        if feed is None or feed >= len(self.full):
            self.stats["404"] += 1
            return _NOT_FOUND, keep
        marker = headers.find(b"if-none-match:") if self.etag else -1
        if marker >= 0:
            end = headers.find(b"\r\n", marker)
            value = headers[marker + 14 : end if end >= 0 else None].strip()
            if value == self.etags[feed].lower():
                self.stats["304"] += 1
                response = self.not_modified[feed]
                self.stats["bytes"] += len(response)
                return response, keep
        self.stats["200"] += 1
        response = self.full[feed]
        self.stats["bytes"] += len(response)
        return response, keep


def _feed_number(path: bytes) -> int | None:
    if not (path.startswith(b"/feed/") and path.endswith(b".xml")):
        return None
    digits = path[6:-4]
    return int(digits) if digits.isdigit() else None


class _Connection(asyncio.Protocol):
    """Keep-alive HTTP/1.1 for GET requests without bodies (pipelining works too)."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server.stats["connections"] += 1

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            request, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            response, keep = self.server.respond(request)
            self.transport.write(response)
            if not keep:
                self.transport.close()
                return
        if len(self.buffer) > 65536:  # no request head is this long
            self.transport.close()


async def serve(server: FeedServer, hosts: list[str], port: int = 0) -> None:
    loop = asyncio.get_running_loop()
    first = await loop.create_server(lambda: _Connection(server), hosts[0], port, backlog=1024)
    port = first.sockets[0].getsockname()[1]
    others = [
        await loop.create_server(lambda: _Connection(server), host, port, backlog=1024)
        for host in hosts[1:]
    ]
    print(json.dumps({"port": port, "hosts": hosts, "feeds": len(server.full)}), flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # The parent closes our stdin when it is done: stop then too, never linger.
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.read(1) else None)
    await stop.wait()
    for listener in (first, *others):
        listener.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=16, help="loopback addresses to listen on")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--prefix", default="news", help="changes every item's URL")
    parser.add_argument("--no-etag", action="store_true", help="never answer 304")
    args = parser.parse_args(argv)
    server = FeedServer(args.feeds, args.prefix, etag=not args.no_etag)
    hosts = [f"127.0.1.{i + 1}" for i in range(max(1, args.hosts))]
    asyncio.run(serve(server, hosts, args.port))


if __name__ == "__main__":
    main()
