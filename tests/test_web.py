"""/healthz, /readyz and /metrics on a real loopback server, over a real database."""

from __future__ import annotations

import io
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.errors import MonitorError
from monitor.metrics import Metrics
from monitor.models import PollResult, SourceState
from monitor.notify.console import ConsoleNotifier
from monitor.sources import SourceContext
from monitor.web import (
    HealthServer,
    PollTracker,
    check_database,
    check_recent_poll,
    parse_listen,
)
from tests.conftest import make_config, rss
from tests.sql import execute


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, by name and sorted labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


class Probe:
    def __init__(self) -> None:
        self.ready = True
        self.checks: dict[str, Any] = {"database": {"ok": True, "detail": "writable"}}
        self.error: Exception | None = None

    def __call__(self) -> tuple[bool, dict[str, Any]]:
        if self.error:
            raise self.error
        return self.ready, self.checks


@pytest.fixture
def served() -> Iterator[tuple[HealthServer, Probe, Metrics]]:
    probe, metrics = Probe(), Metrics()
    server = HealthServer("127.0.0.1:0", metrics, probe, scrub=lambda s: s.replace("hunter2", "*"))
    server.start()
    try:
        yield server, probe, metrics
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:80", ("0.0.0.0", 80)),
        ("[::]:8080", ("::", 8080)),
        (":9000", ("127.0.0.1", 9000)),
    ],
)
def test_parse_listen(value: str, expected: tuple[str, int]) -> None:
    assert parse_listen(value) == expected


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1:http", "1.2.3.4:99999"])
def test_parse_listen_rejects_bad_addresses_in_one_line(value: str) -> None:
    with pytest.raises(MonitorError, match="expected HOST:PORT"):
        parse_listen(value)


def test_healthz_readyz_and_unknown_paths(served: tuple[HealthServer, Probe, Metrics]) -> None:
    server, probe, _ = served
    base = f"http://{server.address}"
    assert get(base + "/healthz") == (200, "text/plain; charset=utf-8", "ok\n")

    status, content_type, body = get(base + "/readyz")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body) == {"ready": True, "checks": probe.checks}

    probe.ready = False
    probe.checks = {"recent_poll": {"ok": False, "detail": "token hunter2 refused"}}
    status, _, body = get(base + "/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["recent_poll"]["detail"] == "token * refused"  # scrubbed

    probe.error = RuntimeError("boom")
    status, _, body = get(base + "/readyz")
    assert status == 503 and json.loads(body) == {
        "ready": False,
        "checks": {"error": "RuntimeError: boom"},
    }
    assert get(base + "/nope")[0] == 404


def test_metrics_are_prometheus_text(served: tuple[HealthServer, Probe, Metrics]) -> None:
    server, _, metrics = served
    metrics.polls.labels("ft", "ok").inc()
    metrics.poll_duration.labels("ft").observe(0.3)
    status, content_type, body = get(f"http://{server.address}/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=")
    values = samples(body)
    assert values[("monitor_polls_total", (("result", "ok"), ("source", "ft")))] == 1
    assert values[("monitor_poll_duration_seconds_bucket", (("le", "0.5"), ("source", "ft")))] == 1
    assert values[("monitor_poll_duration_seconds_bucket", (("le", "0.25"), ("source", "ft")))] == 0
    assert "_created" not in body


def test_a_busy_port_is_one_clear_error(served: tuple[HealthServer, Probe, Metrics]) -> None:
    server, probe, metrics = served
    with pytest.raises(MonitorError, match=f"cannot listen on {server.address}: .*in use"):
        HealthServer(server.address, metrics, probe)


def test_ipv6_listen() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = HealthServer("[::1]:0", Metrics(), lambda: (True, {}))
    except MonitorError as exc:
        pytest.skip(f"cannot bind ::1 here: {exc}")
    server.start()
    try:
        assert get(f"http://{server.address}/healthz")[0] == 200
    finally:
        server.stop()


def test_database_metrics_are_read_at_scrape_time_and_survive_a_restart(
    httpserver: HTTPServer, db_path: Path
) -> None:
    claim = {
        "title": "Ford held talks with Xiaomi on a US EV venture, FT reports",
        "link": "https://ft.example.com/ford-xiaomi",
    }
    httpserver.expect_request("/good.xml").respond_with_data(rss([claim]))
    httpserver.expect_request("/bad.xml").respond_with_data("oops", status=500)
    config = make_config(
        [
            {"name": "good", "url": httpserver.url_for("/good.xml")},
            {"name": "bad", "url": httpserver.url_for("/bad.xml")},
        ],
        monitor={"unhealthy_after": 1},
    )
    notifiers = {"console": ConsoleNotifier(io.StringIO())}
    with Monitor(config, Environment(), db_path, notifiers=notifiers) as monitor:
        monitor.poll()
    names = ["good", "bad"]

    def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        metrics = Metrics()  # a fresh process: nothing counted in memory
        metrics.watch(str(db_path), lambda: names, ["console", "slack"])
        from prometheus_client import generate_latest

        return samples(generate_latest(metrics.registry).decode())

    values = scrape()
    assert values[("monitor_database_up", ())] == 1
    assert values[("monitor_events_total", (("kind", "new_claim"),))] == 1
    assert values[("monitor_events_total", (("kind", "source_unhealthy"),))] == 1
    assert values[("monitor_events_total", (("kind", "denial"),))] == 0  # present, at zero
    assert values[("monitor_alerts_total", (("channel", "console"), ("result", "sent")))] == 2
    assert values[("monitor_alerts_total", (("channel", "slack"), ("result", "failed")))] == 0
    assert values[("monitor_outbox_backlog", (("channel", "console"),))] == 0
    assert values[("monitor_unhealthy_sources", ())] == 1
    assert values[("monitor_source_consecutive_errors", (("source", "bad"),))] == 1
    last_ok = values[("monitor_last_success_timestamp_seconds", (("source", "good"),))]
    assert abs(last_ok - datetime.now(UTC).timestamp()) < 60
    assert ("monitor_last_success_timestamp_seconds", (("source", "bad"),)) not in values
    assert values[("monitor_items", ())] == 1
    assert values[("monitor_database_bytes", ())] > 0
    assert scrape() == values  # the same again: read from the database, not counted

    names = ["good"]  # a source removed from the configuration no longer counts
    assert scrape()[("monitor_unhealthy_sources", ())] == 0


def test_an_unreadable_database_is_reported_not_raised(tmp_path: Path) -> None:
    from prometheus_client import generate_latest

    metrics = Metrics()
    metrics.watch(str(tmp_path / "missing.db"), lambda: [])
    values = samples(generate_latest(metrics.registry).decode())
    assert values[("monitor_database_up", ())] == 0


def test_check_database(db_path: Path, tmp_path: Path) -> None:
    Monitor(make_config([]), Environment(), db_path, notifiers={}).close()
    assert check_database(str(db_path)) == {"ok": True, "detail": "writable"}
    broken = check_database(str(tmp_path))  # a directory, not a database
    assert broken["ok"] is False and broken["detail"].startswith("not writable:")


def test_check_recent_poll() -> None:
    """Ages are kept on the monotonic clock: a wall clock stepped back does not make a
    stalled daemon look fresh."""
    wall = datetime.now(UTC)
    ticks = [1000.0]
    config = make_config(
        [
            {"name": "feed", "url": "https://example.com/f.xml", "interval": "10m"},
            {"name": "x", "kind": "x_search", "query": "Ford"},  # skipped: no X token
        ]
    )
    context = SourceContext()

    def tracker(ago: timedelta | None) -> PollTracker:
        polls = PollTracker(monotonic=lambda: ticks[0], wall=lambda: wall)
        polls.seed({"feed": SourceState("feed", last_ok_at=None if ago is None else wall - ago)})
        return polls

    assert check_recent_poll(config, context, tracker(None)) == {
        "ok": False,
        "detail": "no poll has succeeded yet",
    }
    assert check_recent_poll(config, context, tracker(timedelta(minutes=29)))["ok"]
    late = check_recent_poll(config, context, tracker(timedelta(minutes=31)))
    assert late["ok"] is False and "window 1800 s" in late["detail"]
    polls = tracker(timedelta(minutes=1))
    polls.polled([PollResult("feed")])
    wall -= timedelta(hours=1)  # the wall clock steps back; 31 minutes really pass
    ticks[0] += 31 * 60
    assert check_recent_poll(config, context, polls)["ok"] is False
    assert check_recent_poll(make_config([]), context, PollTracker()) == {
        "ok": True,
        "detail": "no sources to poll",
    }


def _daemon(httpserver: HTTPServer, db_path: Path) -> Any:
    from monitor.scheduler import Daemon

    item = {"title": "Ford news", "link": "https://example.com/ford-news"}
    httpserver.expect_request("/f.xml").respond_with_data(rss([item], "F"))
    config = make_config([{"name": "feed", "url": httpserver.url_for("/f.xml")}])
    monitor = Monitor(config, Environment(), db_path, notifiers={})
    return Daemon(monitor, listen=None, hard_exit=False)


def test_readiness_answers_at_once_while_a_poll_holds_the_database(
    httpserver: HTTPServer, db_path: Path
) -> None:
    """A poll's transaction holds the daemon's connection and the write lock for as long
    as it runs: readiness reads what it needs from memory and probes on a connection of
    its own, with a short wait, and calls the held lock what it is."""
    import threading
    import time

    daemon = _daemon(httpserver, db_path)
    with daemon.monitor:
        daemon.poll_source("feed")
        held, release = threading.Event(), threading.Event()

        def long_poll() -> None:
            with daemon.monitor.store.transaction("a long poll"):
                held.set()
                release.wait(10)

        writer = threading.Thread(target=long_poll)
        writer.start()
        held.wait(5)
        try:
            started = time.monotonic()
            _, checks = daemon.readiness()
            took = time.monotonic() - started
        finally:
            release.set()
            writer.join()
    assert took < 1.5
    assert checks["database"] == {"ok": True, "detail": "writable (a write is in progress)"}
    assert checks["recent_poll"]["ok"]


def test_readiness_turns_503_when_polls_cannot_write(
    httpserver: HTTPServer, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk lets a rolled-back probe pass while every poll fails: the failed
    poll's database error makes the daemon not ready, until a poll writes again."""
    from monitor.errors import StoreError

    daemon = _daemon(httpserver, db_path)
    with daemon.monitor:
        daemon.poll_source("feed")
        assert daemon.readiness()[1]["database"]["ok"]  # (the scheduler is not started here)

        def full(*args: object, **kwargs: object) -> None:
            raise StoreError("while recording a poll: database or disk is full")

        due_now = "UPDATE sources SET next_poll_at = NULL"
        execute(daemon.monitor.store, due_now)
        monkeypatch.setattr(daemon.monitor.store, "save_source_state", full)
        daemon.poll_source("feed")  # logged, not raised: the job goes on
        _, checks = daemon.readiness()
        assert not checks["database"]["ok"]
        assert "database or disk is full" in checks["database"]["detail"]
        monkeypatch.undo()
        execute(daemon.monitor.store, due_now)
        daemon.poll_source("feed")
        assert daemon.readiness()[1]["database"] == {"ok": True, "detail": "writable"}
