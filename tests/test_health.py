"""Source health: backoff with jitter, Retry-After, the adaptive interval, and the
unhealthy / recovered events through a real poll."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.app import Monitor
from monitor.config import Environment, MonitorSettings, Source
from monitor.health import Outcome, adaptive_interval, next_state
from monitor.models import EventKind, ItemData, SourceState
from monitor.notify.console import ConsoleNotifier
from tests.conftest import make_config, rss
from tests.sql import query
from tests.test_cli import monitor as run_cli

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
SETTINGS = MonitorSettings(min_interval="5m", max_interval="6h", default_interval="15m")
SOURCE = Source(name="s", url="https://example.com/feed")


def dated(*ages: timedelta | None) -> list[ItemData]:
    return [
        ItemData(source="s", key=f"k{i}", url=f"https://e.com/{i}", title="t",
                 published_at=None if age is None else NOW - age)
        for i, age in enumerate(ages)
    ]  # fmt: skip


def test_adaptive_interval_follows_the_publishing_frequency() -> None:
    hourly = dated(*(timedelta(hours=h) for h in range(168)))
    assert adaptive_interval(hourly, NOW, SETTINGS) == timedelta(hours=1)
    daily = dated(*(timedelta(days=d, hours=1) for d in range(7)))
    assert adaptive_interval(daily, NOW, SETTINGS) == timedelta(hours=6)  # one day, capped
    busy = dated(*(timedelta(minutes=m) for m in range(0, 10_000, 2)))
    assert adaptive_interval(busy, NOW, SETTINGS) == timedelta(minutes=5)  # the floor
    twenty_a_day = dated(*(timedelta(hours=h * 1.2) for h in range(140)))
    assert adaptive_interval(twenty_a_day, NOW, SETTINGS) == timedelta(days=7) / 140


def test_adaptive_interval_for_quiet_and_undated_sources() -> None:
    quiet = dated(timedelta(days=30), timedelta(days=40))
    assert adaptive_interval(quiet, NOW, SETTINGS) == timedelta(hours=6)  # Miniflux: the max
    undated = dated(None, None)
    assert adaptive_interval(undated, NOW, SETTINGS) == timedelta(minutes=15)  # the default


def test_a_success_schedules_the_adaptive_interval() -> None:
    hourly = dated(*(timedelta(hours=h) for h in range(168)))
    state, event, interval = next_state(
        SOURCE, SourceState("s"), Outcome(ok=True, items=hourly), NOW, SETTINGS
    )
    assert interval == timedelta(hours=1) and event is None
    assert state.next_poll_at is not None
    assert timedelta(minutes=54) <= state.next_poll_at - NOW <= timedelta(minutes=66)
    fixed = Source(name="s", url="https://example.com/feed", interval="10m")
    _, _, interval = next_state(
        fixed, SourceState("s"), Outcome(ok=True, items=hourly), NOW, SETTINGS
    )
    assert interval == timedelta(minutes=10)


def _fail(state: SourceState, rng: random.Random, retry_after: float | None = None) -> SourceState:
    outcome = Outcome(ok=False, error="HTTP 500", retry_after=retry_after)
    return next_state(SOURCE, state, outcome, NOW, SETTINGS, rng)[0]


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    state, delays = SourceState("s"), []
    rng = random.Random(7)
    for _ in range(4):
        state = _fail(state, rng)
        assert state.next_poll_at is not None
        delays.append((state.next_poll_at - NOW).total_seconds())
    base = SETTINGS.default_interval.total_seconds()
    for n, delay in enumerate(delays):
        assert base * 2**n * 0.9 <= delay <= base * 2**n * 1.1
    assert len({round(d / (base * 2**n), 6) for n, d in enumerate(delays)}) > 1  # jittered
    for _ in range(10):
        state = _fail(state, rng)
    assert state.next_poll_at - NOW <= SETTINGS.max_interval * 1.1


def test_retry_after_is_never_undercut() -> None:
    state = _fail(SourceState("s"), random.Random(1), retry_after=5 * 3600)
    assert state.next_poll_at is not None
    assert state.next_poll_at - NOW >= timedelta(hours=5)


def test_unhealthy_after_n_failures_once_then_recovered() -> None:
    state, events = SourceState("s"), []
    for _ in range(7):
        state, event, _ = next_state(
            SOURCE, state, Outcome(ok=False, error="HTTP 500"), NOW, SETTINGS, random.Random(0)
        )
        events.append(event)
    assert events == [None] * 4 + [EventKind.SOURCE_UNHEALTHY, None, None]
    assert not state.healthy and state.consecutive_errors == 7
    assert state.next_poll_at - NOW >= SETTINGS.max_interval * 0.9  # slower, but polled
    state, event, _ = next_state(SOURCE, state, Outcome(ok=True), NOW, SETTINGS)
    assert event is EventKind.SOURCE_RECOVERED
    assert state.healthy and state.consecutive_errors == 0 and state.last_error is None


def test_a_source_that_fails_then_recovers_through_monitor_poll(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    failing = {"on": True}

    def handler(request: Request) -> Response:
        if failing["on"]:
            return Response("upstream broke", status=502)
        return Response(rss([{"title": "BYD opens a plant", "link": "https://e.com/1"}]))

    httpserver.expect_request("/flaky.xml").respond_with_handler(handler)
    url = httpserver.url_for("/flaky.xml")
    config_path = tmp_path / "monitor.toml"
    config_path.write_text(
        '[monitor]\nunhealthy_after = 5\n\n[[companies]]\nid = "byd"\nname = "BYD"\n\n'
        f'[[sources]]\nname = "flaky"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "monitor.db"
    config = make_config([{"name": "flaky", "url": url}], monitor={"unhealthy_after": 5})
    out = io.StringIO()
    with Monitor(config, Environment(), db, notifiers={"console": ConsoleNotifier(out)}) as mon:
        for _ in range(6):
            mon.poll()
        unhealthy = query(
            mon.store, "SELECT e.kind, o.status FROM events e JOIN outbox o ON o.event_id = e.id"
        )
        alerted = out.getvalue()
    assert unhealthy == [{"kind": "source_unhealthy", "status": "sent"}]
    assert alerted.count("flaky") >= 1

    status = run_cli("status", "--json", "--config", str(config_path), "--db", str(db))
    assert status.returncode == 0, status.stderr
    row = next(s for s in json.loads(status.stdout)["sources"] if s["name"] == "flaky")
    assert row["errors"] == 6 and row["health"] == "unhealthy"
    assert "HTTP 502" in row["last_error"]

    failing["on"] = False
    with Monitor(config, Environment(), db, notifiers={"console": ConsoleNotifier(out)}) as mon:
        summary = mon.poll()
        kinds = [r["kind"] for r in query(mon.store, "SELECT kind FROM events ORDER BY id")]
        state = mon.store.source_states()["flaky"]
    assert summary.new_items == 1
    assert kinds == ["source_unhealthy", "source_recovered"]
    assert state.healthy and state.consecutive_errors == 0 and state.last_ok_at is not None


def test_a_304_is_a_cheap_success_that_writes_no_items(
    httpserver: HTTPServer, db_path: Path
) -> None:
    """Conditional GET: the validators go out, a 304 is parsed by nobody and stores nothing."""
    sent: list[tuple[str | None, str | None]] = []
    stamp = "Wed, 18 Nov 2026 10:00:00 GMT"

    def handler(request: Request) -> Response:
        sent.append(
            (request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
        )
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        body = rss([{"title": "Xiaomi opens a store", "link": "https://e.com/2"}])
        return Response(body, headers={"ETag": '"v1"', "Last-Modified": stamp})

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    config = make_config([{"name": "feed", "url": httpserver.url_for("/feed.xml")}])
    with Monitor(
        config, Environment(), db_path, notifiers={"console": ConsoleNotifier(io.StringIO())}
    ) as monitor:
        monitor.poll()
        counts = query(
            monitor.store,
            "SELECT (SELECT count(*) FROM items) AS i, (SELECT count(*) FROM events) AS e",
        )
        second = monitor.poll()
        after = query(
            monitor.store,
            "SELECT (SELECT count(*) FROM items) AS i, (SELECT count(*) FROM events) AS e",
        )
        state = monitor.store.source_states()["feed"]
    assert sent == [(None, None), ('"v1"', stamp)]
    assert second.results[0].not_modified and second.results[0].ok
    assert after == counts
    assert state.etag == '"v1"' and state.last_modified == stamp
    assert state.consecutive_errors == 0
