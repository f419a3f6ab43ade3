"""The HTTP client: one shared connection pool, conditional GET, and hard limits.

Every failure becomes a FetchError with one readable line (`describe_error`). The
client runs on its own asyncio loop in a background thread, so that synchronous
callers (the scheduler's jobs, the CLI) can fetch many sources concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import threading
import time
import zlib
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from . import __version__
from .errors import FetchError
from .models import FetchRequest, FetchResult

__all__ = [
    "DEFAULT_LIMITS",
    "USER_AGENT",
    "FetchLimits",
    "Fetcher",
    "parse_retry_after",
    "retry_after_of",
]

USER_AGENT = f"monitor/{__version__} (+https://github.com/monitor-news/monitor)"


@dataclass(frozen=True, slots=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 30.0  # the whole request, however slowly the bytes trickle in
    max_body: int = 10 * 1024 * 1024  # after decompression
    max_redirects: int = 5
    concurrency: int = 32
    per_host: int = 4


DEFAULT_LIMITS = FetchLimits()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: it may be a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def retry_after_of(status: int, headers: httpx.Headers | dict[str, str]) -> float | None:
    """How long to wait after a 429 or 503: Retry-After (seconds or an HTTP date), else,
    for a 429, until X's x-rate-limit-reset (epoch seconds)."""
    if status not in (429, 503):
        return None
    wait = parse_retry_after(headers.get("retry-after"))
    reset = (headers.get("x-rate-limit-reset") or "").strip()
    if wait is None and status == 429 and reset.isdigit():
        wait = max(0.0, float(reset) - time.time())
    return wait


async def _problem(response: httpx.Response) -> dict[str, str]:
    """The title and detail of a JSON error body (X's problem objects, RFC 7807), read
    up to 8 KB; empty for anything else."""
    if "json" not in response.headers.get("content-type", ""):
        return {}
    body = b""
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > 8192:
            return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    found = {k: str(data[k])[:200] for k in ("title", "detail", "type") if data.get(k)}
    errors = data.get("errors")
    if not found.get("detail") and isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        if first.get("message"):
            found["detail"] = str(first["message"])[:200]
    return found


def _billing(status: int, problem: dict[str, str]) -> bool:
    """402 (credits depleted) or a 429 whose problem says the usage cap was reached."""
    text = " ".join(problem.values()).lower()
    return status == 402 or (status == 429 and ("usagecap" in text or "usage cap" in text))


def _until_billing_resets(status: int) -> float:
    """Seconds to wait: for a monthly cap, until the first of next month (UTC); for spent
    credits, six hours (credits can be added at any time)."""
    if status != 429:
        return 6 * 3600.0
    now = datetime.now(UTC)
    first = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    return (first - now).total_seconds()


class _Decoder:
    """gzip/deflate decompression that never makes more than the bytes still allowed,
    however small the compressed input (a gzip bomb stops at the cap, not in memory)."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        self.encoding = encoding
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            # Some servers send raw deflate without a header: decode() retries that way.
            self._zlib = zlib.decompressobj()
        elif encoding not in ("", "identity"):
            raise httpx.DecodingError(f"unsupported Content-Encoding {encoding!r}")
        self._first = True

    def decode(self, data: bytes, room: int) -> bytes:
        """At most room + 1 bytes: one more than allowed is enough to know it is too big."""
        if self._zlib is None:
            return data
        try:
            return self._zlib.decompress(data, room + 1)
        except zlib.error:
            if self.encoding == "deflate" and self._first:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self._zlib.decompress(data, room + 1)
            raise
        finally:
            self._first = False

    def flush(self) -> bytes:
        return self._zlib.flush() if self._zlib is not None else b""


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def describe_error(exc: Exception, limits: FetchLimits) -> str:
    """One line for the user, for every way a request can fail."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting after {limits.connect_timeout:g} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"no data for {limits.read_timeout:g} s (read timeout)"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, TimeoutError):
        return f"gave up after {limits.deadline:g} s (request deadline)"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {limits.max_redirects} redirects (a redirect loop?)"
    if isinstance(exc, httpx.ConnectError):
        reason = str(exc) or "connection failed"
        return f"cannot connect: {reason}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server broke the HTTP protocol: {exc}"
    if isinstance(exc, httpx.DecodingError | zlib.error):
        return f"cannot decode the response body: {exc}"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL: {exc}"
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}"


class _BodyTooLarge(Exception):
    pass


class Fetcher:
    """Fetches many URLs at once, politely: per-host limits, conditional GET, caps."""

    def __init__(self, limits: FetchLimits = DEFAULT_LIMITS, user_agent: str = USER_AGENT) -> None:
        self.limits = limits
        self.user_agent = user_agent
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.AsyncClient | None = None
        self._all: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._per_host = limits.per_host
        self._lock = threading.Lock()

    def share_hosts(self, processes: int) -> None:
        """Several processes poll the same hosts (Postgres workers): each takes its share
        of the per-host limit, at least one, so a host gets about as many requests at once
        as from one process. Requests in flight keep their slot; new ones use the share."""
        share = max(1, self.limits.per_host // max(1, processes))
        if share != self._per_host:
            self._per_host = share
            with self._lock:
                loop = self._loop
            if loop is not None:
                loop.call_soon_threadsafe(self._hosts.clear)
            else:
                self._hosts.clear()

    # -- lifecycle ---------------------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="fetcher", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def close(self) -> None:
        with self._lock:
            loop, thread, client = self._loop, self._thread, self._client
            self._loop = self._thread = self._client = None
        if loop is None:
            return
        if client is not None:
            future = asyncio.run_coroutine_threadsafe(client.aclose(), loop)
            with contextlib.suppress(Exception):
                future.result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)
        loop.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- fetching ----------------------------------------------------------------------------

    def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch one URL; raises FetchError."""
        result = self.fetch_many([request])[0]
        if isinstance(result, FetchError):
            raise result
        return result

    def fetch_many(self, requests: Sequence[FetchRequest]) -> list[FetchResult | FetchError]:
        """Fetch all requests concurrently; each result is a FetchResult or a FetchError."""
        if not requests:
            return []
        loop = self._ensure_loop()
        future: Future[list[FetchResult | FetchError]] = asyncio.run_coroutine_threadsafe(
            self._gather(requests), loop
        )
        return future.result()

    async def _gather(self, requests: Sequence[FetchRequest]) -> list[FetchResult | FetchError]:
        return list(await asyncio.gather(*(self._fetch_one(r) for r in requests)))

    def _client_for_loop(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = self.limits
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    connect=limits.connect_timeout,
                    read=limits.read_timeout,
                    write=limits.read_timeout,
                    pool=limits.deadline,
                ),
                limits=httpx.Limits(
                    max_connections=limits.concurrency,
                    max_keepalive_connections=limits.concurrency,
                ),
                follow_redirects=True,
                max_redirects=limits.max_redirects,
                # Only what _Decoder can decompress within the body cap.
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
                trust_env=False,
            )
            self._all = asyncio.Semaphore(limits.concurrency)
        return self._client

    async def _fetch_one(self, request: FetchRequest) -> FetchResult | FetchError:
        client = self._client_for_loop()
        host = urlsplit(request.url).netloc.lower()
        host_limit = self._hosts.get(host)
        if host_limit is None:
            host_limit = self._hosts[host] = asyncio.Semaphore(self._per_host)
        assert self._all is not None
        started = time.monotonic()
        try:
            async with self._all, host_limit:
                async with asyncio.timeout(self.limits.deadline):
                    return await self._get(client, request, started)
        except FetchError as exc:
            return exc
        except _BodyTooLarge:
            return FetchError(
                f"response body larger than {_size(self.limits.max_body)} (limit)",
                source=request.source,
                url=request.url,
            )
        except (httpx.HTTPError, httpx.InvalidURL, TimeoutError, OSError, zlib.error) as exc:
            return FetchError(
                describe_error(exc, self.limits), source=request.source, url=request.url
            )

    async def _get(
        self, client: httpx.AsyncClient, request: FetchRequest, started: float
    ) -> FetchResult:
        headers = dict(request.headers)
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        async with client.stream("GET", request.url, headers=headers) as response:
            status = response.status_code
            response_headers = {k.lower(): v for k, v in response.headers.items()}
            if status == 304:
                return FetchResult(
                    source=request.source,
                    url=str(response.url),
                    status=304,
                    headers=response_headers,
                    etag=response.headers.get("etag", request.etag),
                    last_modified=response.headers.get("last-modified", request.last_modified),
                    elapsed=time.monotonic() - started,
                )
            if status >= 300:
                reason = response.reason_phrase or "error"
                if status < 400:
                    reason += " without a usable Location"
                problem = await _problem(response) if 400 <= status < 500 else {}
                said = ": ".join(p for p in (problem.get("title"), problem.get("detail")) if p)
                retry_after = retry_after_of(status, response.headers)
                if _billing(status, problem):
                    # X is pay-per-use: credits spent or the monthly cap reached. Not a rate
                    # limit: asking again at every reset only fails again.
                    retry_after = _until_billing_resets(status)
                    said = (said or "credits depleted") + (
                        " (X API billing: the source pauses until "
                        + (
                            "the month turns"
                            if status == 429
                            else "credits are added, checked every 6 h"
                        )
                        + ")"
                    )
                raise FetchError(
                    f"HTTP {status} {reason}" + (f": {said}" if said else ""),
                    source=request.source,
                    url=request.url,
                    status=status,
                    retry_after=retry_after,
                    pause=_billing(status, problem),
                )
            limit = self.limits.max_body
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _BodyTooLarge  # compressed already larger than the cap
            decoder = _Decoder(response.headers.get("content-encoding", ""))
            chunks: list[bytes] = []
            size = 0
            async for raw in response.aiter_raw():
                chunk = decoder.decode(raw, limit - size)
                size += len(chunk)
                if size > limit:
                    raise _BodyTooLarge
                chunks.append(chunk)
            tail = decoder.flush()
            if size + len(tail) > limit:
                raise _BodyTooLarge
            chunks.append(tail)
            return FetchResult(
                source=request.source,
                url=str(response.url),
                status=status,
                body=b"".join(chunks),
                headers=response_headers,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                elapsed=time.monotonic() - started,
            )
