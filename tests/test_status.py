"""`monitor status` and `monitor sources` over a real database; Datasette's canned queries."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from rich.console import Console

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.console import ConsoleNotifier
from monitor.scheduler import DatabaseLock
from monitor.status import _when, collect_status, render_sources, render_status
from monitor.storage import Store, iso
from tests.conftest import ROOT, make_config, rss
from tests.sql import execute

CLAIM = {
    "title": "Ford held talks with Xiaomi on a US EV venture, FT reports",
    "link": "https://ft.example.com/ford-xiaomi",
}


@pytest.fixture
def polled(httpserver: HTTPServer, db_path: Path) -> Path:
    """A database after one poll: a good feed, a broken one (unhealthy at once), an X source."""
    httpserver.expect_request("/good.xml").respond_with_data(rss([CLAIM]))
    httpserver.expect_request("/bad.xml").respond_with_data("oops", status=500)
    config = _config(httpserver)
    with Monitor(
        config, Environment(), db_path, notifiers={"console": ConsoleNotifier(io.StringIO())}
    ) as monitor:
        monitor.poll()
    return db_path


def _config(httpserver: HTTPServer):  # type: ignore[no-untyped-def]
    return make_config(
        [
            {"name": "good", "url": httpserver.url_for("/good.xml"), "interval": "10m"},
            {"name": "bad", "url": httpserver.url_for("/bad.xml")},
            {"name": "x-ford", "kind": "x_user", "username": "Ford"},
        ],
        monitor={"unhealthy_after": 1},
    )


def test_status_report(polled: Path, httpserver: HTTPServer) -> None:
    with Monitor(_config(httpserver), Environment(), polled, notifiers={}) as monitor:
        report = collect_status(monitor)
    json.dumps(report)  # JSON-ready as it is
    by_name = {s["name"]: s for s in report["sources"]}
    good, bad, x = by_name["good"], by_name["bad"], by_name["x-ford"]
    assert good["health"] == "ok" and good["items"] == 1 and good["errors"] == 0
    assert good["interval"] == "10m" and good["adaptive"] is False
    assert datetime.fromisoformat(good["next_poll"]) > datetime.now(UTC) + timedelta(minutes=8)
    assert good["last_success"] == good["last_poll"]
    assert bad["health"] == "unhealthy" and bad["errors"] == 1 and "HTTP 500" in bad["last_error"]
    assert bad["last_success"] is None and bad["adaptive"] is True
    assert x["health"] == "skipped: X_BEARER_TOKEN is not set" and x["target"] == "@Ford"
    assert report["totals"]["items"] == 1 and report["totals"]["claims"] == 1
    assert report["outbox"]["sent"] == 2 and report["outbox"]["pending"] == 0
    assert report["last_digest"] is None and report["daemon"] is None
    assert report["database_bytes"] > 10_000
    assert report["warnings"] == [
        "X sources are skipped: X_BEARER_TOKEN is not set",
        "unhealthy sources (polled at the slowest rate): bad",
    ]


def test_status_sees_a_running_daemon_and_a_stale_backlog(
    polled: Path, httpserver: HTTPServer
) -> None:
    lock = DatabaseLock(str(polled))
    lock.acquire()
    console = {"console": ConsoleNotifier(io.StringIO())}  # the channel of the pending alert
    try:
        with Monitor(_config(httpserver), Environment(), polled, notifiers=console) as monitor:
            two_hours_ago = iso(datetime.now(UTC) - timedelta(hours=2))
            execute(
                monitor.store,
                "UPDATE outbox SET status = 'pending', created_at = ? WHERE id = 1",
                [two_hours_ago],
            )
            report = collect_status(monitor)
    finally:
        lock.release()
    assert report["daemon"] == f"pid {__import__('os').getpid()}"
    assert report["outbox"]["pending"] == 1
    assert report["warnings"][-1] == "alerts have been waiting since 2h ago: is Slack up?"


def test_status_never_shows_a_secret(polled: Path, httpserver: HTTPServer) -> None:
    token = "xoxb-status-secret-0001"
    env = Environment(slack_bot_token=SecretStr(token))
    with Monitor(_config(httpserver), env, polled, notifiers={}) as monitor:
        execute(
            monitor.store,
            "UPDATE outbox SET status = 'failed', last_error = ? WHERE id = 1",
            [f"invalid_auth for token {token}"],
        )
        execute(monitor.store, "UPDATE sources SET last_error = ? WHERE name = 'bad'", [token])
        report = collect_status(monitor)
    out = io.StringIO()
    render_status(report, Console(file=out, width=120))
    for text in (json.dumps(report), out.getvalue()):
        assert token not in text and "[secret]" in text


def test_rendered_tables(polled: Path, httpserver: HTTPServer) -> None:
    with Monitor(_config(httpserver), Environment(), polled, notifiers={}) as monitor:
        report = collect_status(monitor)
    out = io.StringIO()
    render_status(report, Console(file=out, width=120))
    text = out.getvalue()
    assert "Daemon: not running" in text
    for header in ("name", "kind", "every", "last poll", "last ok", "errors", "items", "next"):
        assert header in text
    assert "good" in text and "unhealthy" in text and "skipped" in text
    assert "bad: HTTP 500" in text
    assert "Outbox: 0 pending, 2 sent, 0 failed; alerts go to" in text
    assert "Last digest: never" in text and f"Database: {polled}" in text
    assert "warning: X sources are skipped" in text

    out = io.StringIO()
    render_sources(report, Console(file=out, width=120))
    text = out.getvalue()
    assert "authority" in text and "~15m" in text and "@Ford" in text


def test_an_adaptive_source_shows_the_interval_it_is_polled_at(
    polled: Path, httpserver: HTTPServer
) -> None:
    with Monitor(_config(httpserver), Environment(), polled, notifiers={}) as monitor:
        execute(monitor.store, "UPDATE sources SET interval_seconds = 2700 WHERE name = 'bad'")
        report = collect_status(monitor)
    by_name = {s["name"]: s for s in report["sources"]}
    assert by_name["bad"]["interval"] == "45m" and by_name["bad"]["adaptive"] is True
    assert by_name["good"]["interval"] == "10m"  # a fixed interval stays as configured
    assert by_name["x-ford"]["interval"] == "15m"  # never polled: the default
    out = io.StringIO()
    render_sources(report, Console(file=out, width=160))
    assert "~45m" in out.getvalue()


def test_relative_times() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert _when(None, now) == "—"
    assert _when(iso(now - timedelta(minutes=3, seconds=10)), now) == "3m ago"
    assert _when(iso(now + timedelta(hours=2)), now) == "in 2h"
    assert _when(iso(now - timedelta(days=3)), now) == "3d ago"
    assert _when(iso(now - timedelta(seconds=5)), now) == "5s ago"


def _monitor(*args: str, columns: int | None = None) -> subprocess.CompletedProcess[str]:
    """`monitor ARGS` in a process of its own, its output piped (not a terminal), with an
    environment that holds no secrets and, if given, a terminal width."""
    env = {"PATH": "/usr/bin:/bin"} | ({"COLUMNS": str(columns)} if columns else {})
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )


def test_monitor_sources_command(tmp_path: Path) -> None:
    Store(tmp_path / "m.db").close()
    result = _monitor("sources", "--db", str(tmp_path / "m.db"), columns=160)
    assert result.returncode == 0, result.stderr
    assert "ford-media" in result.stdout and "official" in result.stdout
    assert "warning: X sources are skipped: X_BEARER_TOKEN is not set" in result.stdout


# -- Datasette ---------------------------------------------------------------------------


def test_datasette_serves_the_canned_queries(tmp_path: Path) -> None:
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent))
    if datasette is None:
        pytest.skip("datasette is not installed (pip install 'monitor[browse]')")
    from monitor.demo import run_demo

    db = tmp_path / "monitor.db"  # Datasette names the database after the file: "monitor"
    run_demo(Environment(), io.StringIO(), db_path=str(db))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    metadata = str(ROOT / "metadata.yml")
    server = subprocess.Popen(
        [datasette, "serve", str(db), "-m", metadata, "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/monitor"
        claims = _get_json(f"{base}/latest_claims.json?_shape=array", server)
        health = _get_json(f"{base}/source_health.json?_shape=array", server)
    finally:
        server.terminate()
        server.wait(timeout=10)
        assert server.stderr is not None
        server.stderr.close()
    assert len(claims) == 1 and claims[0]["status"] == "DENIED"
    assert claims[0]["answers"].count("denial by") == 2
    assert "ford" in claims[0]["answers"] and "xiaomi" in claims[0]["answers"]
    assert claims[0]["first_report"].startswith("https://")
    assert health and all(row["health"] == "ok" for row in health)
    assert {"last_ok_at", "consecutive_errors", "items", "next_poll_at"} <= set(health[0])


def _get_json(url: str, server: subprocess.Popen[str]) -> list[dict[str, object]]:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.loads(response.read())  # type: ignore[no-any-return]
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                assert server.stderr is not None
                raise AssertionError(f"datasette did not answer: {server.stderr.read()}") from None
            time.sleep(0.1)


def test_through_a_pipe_nothing_is_cut_or_wrapped(tmp_path: Path) -> None:
    """`monitor status | grep` or `docker exec` without -t: whole names and URLs, one line
    each, whatever COLUMNS says."""
    name = "newsroom-of-a-very-long-regional-outlet"
    url = "https://news.example.com/feeds/automotive/electric-vehicles/china/rss.xml?edition=intl"
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[[companies]]\nid = "ford"\nname = "Ford"\n\n'
        f'[[sources]]\nname = "{name}"\nkind = "feed"\nurl = "{url}"\n',
        encoding="utf-8",
    )
    Store(tmp_path / "m.db").close()
    db = str(tmp_path / "m.db")
    for command in ("sources", "status"):
        result = _monitor(command, "--config", str(config), "--db", db, columns=60)
        assert result.returncode == 0, result.stderr
        lines = [line for line in result.stdout.splitlines() if name in line]
        assert lines, result.stdout
        assert "…" not in result.stdout
        if command == "sources":
            assert url in lines[0]


def test_the_missing_x_token_is_said_once(tmp_path: Path) -> None:
    Store(tmp_path / "m.db").close()
    for command in ("status", "sources", "check-config"):
        result = _monitor(command, "--db", str(tmp_path / "m.db"))
        assert result.returncode == 0, result.stderr
        said = (result.stdout + result.stderr).count("X_BEARER_TOKEN")
        assert said == 1, (command, result.stdout, result.stderr)


def _hold(db: Path, exclusive: bool) -> subprocess.Popen[str]:
    """Another process holding the database's write lock (as a daemon mid-poll does), or
    an exclusive lock that even readers wait for; it prints "held" once it has it."""
    mode = "PRAGMA locking_mode = EXCLUSIVE; " if exclusive else ""
    script = (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
        f"c.executescript({mode!r})\n"
        "c.execute('BEGIN EXCLUSIVE' if " + str(exclusive) + " else 'BEGIN IMMEDIATE')\n"
        "c.execute('UPDATE sources SET last_error = last_error')\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("exclusive", [False, True], ids=["write-lock", "exclusive-lock"])
def test_status_behind_a_held_lock_answers_or_says_busy_at_once(
    polled: Path, exclusive: bool
) -> None:
    """A daemon mid-poll holds the write lock: `status` only reads, so it answers. Behind
    a lock that blocks readers too it says the database is busy within seconds, instead
    of hanging for 30 s."""
    holder = _hold(polled, exclusive)
    try:
        started = time.monotonic()
        result = _monitor("status", "--db", str(polled))
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert took < 15
    if exclusive:
        assert result.returncode == 1
        assert "database is busy" in result.stderr and "Traceback" not in result.stderr
    else:
        assert result.returncode == 0, result.stderr
