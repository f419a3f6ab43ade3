"""`monitor run` as a real subprocess against loopback feeds: health, readiness, metrics,
polls on schedule, restart, SIGTERM/SIGINT/SIGHUP, the lock; and the job wiring."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.app import Monitor
from monitor.config import Environment
from monitor.errors import ConfigError, StoreError
from monitor.lock import DatabaseLock
from monitor.notify.console import ConsoleNotifier
from monitor.scheduler import Daemon
from monitor.storage import iso
from tests.conftest import ROOT, make_config, rss
from tests.notify.stories import serve_feeds
from tests.sql import execute, query

CLAIM = {
    "title": "Ford held talks with Xiaomi on US electric vehicle venture, FT reports",
    "link": "https://ft.example.com/content/ford-xiaomi",
    "description": "Ford has held talks with Xiaomi about a US EV venture, people familiar said.",
}

COMPANIES_TOML = """
[[companies]]
id = "ford"
name = "Ford"
aliases = ["Ford Motor"]

[[companies]]
id = "xiaomi"
name = "Xiaomi"
aliases = ["Lei Jun"]
"""


MONITOR_RUN = [sys.executable, "-m", "monitor", "run"]


def write_config(
    path: Path, sources: dict[str, str], interval: str = "2s", **intervals: str
) -> Path:
    """A configuration with the given feeds (name → URL), each at `interval` unless named."""
    text = COMPANIES_TOML + "".join(
        f'\n[[sources]]\nname = "{name}"\nurl = "{url}"\n'
        f'interval = "{intervals.get(name, interval)}"\n'
        for name, url in sources.items()
    )
    path.write_text(text)
    return path


def clean_environ(extra: dict[str, str] | None = None) -> dict[str, str]:
    prefixes = ("SLACK_", "X_", "MONITOR_", "SMTP_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, "MONITOR_LOG_FORMAT": "json", **(extra or {})}


class FeedLog:
    """A feed on the loopback server that remembers when it was fetched."""

    def __init__(self, server: HTTPServer, path: str, body: str, status: int = 200) -> None:
        self.times: list[float] = []
        self.url = server.url_for(path)

        def handler(request: Request) -> Response:
            self.times.append(time.monotonic())
            return Response(body, status=status, content_type="application/rss+xml")

        server.expect_request(path).respond_with_handler(handler)


class DaemonProcess:
    """`monitor run` in a subprocess, with its output collected as it comes."""

    def __init__(
        self, config: Path, db: Path, env: dict[str, str] | None = None, listen: str = "127.0.0.1:0"
    ) -> None:
        self.proc = subprocess.Popen(
            [*MONITOR_RUN, "--config", str(config), "--db", str(db), "--listen", listen],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=clean_environ(env),
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.base_url = ""

    @staticmethod
    def _read(stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line)

    @property
    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)

    def logs(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in list(self.stderr) if line.startswith("{")]

    def wait_for_log(self, text: str, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.logs():
                if text in record["message"]:
                    return record
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no log line with {text!r}; output:\n{self.output}")

    def start(self) -> DaemonProcess:
        record = self.wait_for_log("health and metrics on http://")
        self.base_url = record["message"].split(" on ")[1].split(" ")[0]
        return self

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def wait_until(self, check: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; output:\n{self.output}")
            time.sleep(0.05)

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=timeout)
        elapsed = time.monotonic() - started
        for reader in self._readers:
            reader.join(timeout=2)
        return code, elapsed

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def daemons() -> Iterator[Callable[..., DaemonProcess]]:
    started: list[DaemonProcess] = []

    def start(*args: Any, **kwargs: Any) -> DaemonProcess:
        daemon = DaemonProcess(*args, **kwargs)
        started.append(daemon)
        return daemon.start()

    yield start
    for daemon in started:
        daemon.kill()


def metric(text: str, name: str) -> float | None:
    for line in text.splitlines():
        key, _, value = line.rpartition(" ")
        if key == name:
            return float(value)
    return None


# -- the done-when test --------------------------------------------------------------------


def test_daemon_serves_health_polls_on_schedule_refuses_a_second_and_stops_on_sigterm(
    httpserver: HTTPServer, tmp_path: Path, daemons: Callable[..., DaemonProcess]
) -> None:
    feed = FeedLog(httpserver, "/ft.xml", rss([CLAIM], "FT"))
    config = write_config(tmp_path / "monitor.toml", {"ft": feed.url}, interval="2s")
    db = tmp_path / "monitor.db"
    daemon = daemons(config, db)

    assert daemon.get("/healthz") == (200, "ok\n")
    # Ready once the first poll has succeeded.
    daemon.wait_until(lambda: daemon.get("/readyz")[0] == 200)
    ready = json.loads(daemon.get("/readyz")[1])
    assert ready["ready"] is True
    assert {name for name, c in ready["checks"].items() if c["ok"]} == {
        "database",
        "scheduler",
        "recent_poll",
    }

    # On schedule: polled again about 2 s (± jitter) after the first poll.
    daemon.wait_until(lambda: len(feed.times) >= 2, timeout=8)
    gap = feed.times[1] - feed.times[0]
    assert 1.0 <= gap <= 5.0, gap

    daemon.wait_until(lambda: "[CLAIM]" in "".join(daemon.stdout))  # delivered by the daemon
    status, text = daemon.get("/metrics")
    assert status == 200
    assert metric(text, 'monitor_polls_total{result="ok",source="ft"}') >= 1
    assert metric(text, 'monitor_new_items_total{source="ft"}') == 1
    assert metric(text, 'monitor_events_total{kind="new_claim"}') == 1
    assert metric(text, 'monitor_alerts_total{channel="console",result="sent"}') == 1
    assert metric(text, 'monitor_outbox_backlog{channel="console"}') == 0
    assert metric(text, "monitor_unhealthy_sources") == 0
    last_ok = metric(text, 'monitor_last_success_timestamp_seconds{source="ft"}')
    assert last_ok is not None and abs(last_ok - time.time()) < 30
    assert 'monitor_poll_duration_seconds_bucket{le="0.5",source="ft"}' in text
    assert daemon.get("/nope")[0] == 404

    # A second daemon on the same database refuses, in one line, at once.
    second = subprocess.run(
        [*MONITOR_RUN, "--config", str(config), "--db", str(db), "--listen", "127.0.0.1:0"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        env=clean_environ(),
    )
    assert second.returncode == 1
    assert second.stderr.strip().splitlines()[-1].startswith("error: another monitor daemon (pid")
    assert f"already running on {db}" in second.stderr and "Traceback" not in second.stderr

    code, elapsed = daemon.stop(signal.SIGTERM)
    assert code == 0 and elapsed < 10, (code, elapsed, daemon.output)
    messages = [r["message"] for r in daemon.logs()]
    assert "received SIGTERM: stopping" in messages and messages[-1] == "monitor stopped"
    assert "Traceback" not in daemon.output


def test_a_restart_resumes_where_the_last_run_stopped(
    httpserver: HTTPServer, tmp_path: Path, daemons: Callable[..., DaemonProcess]
) -> None:
    feed = FeedLog(httpserver, "/ft.xml", rss([CLAIM], "FT"))
    config = write_config(tmp_path / "monitor.toml", {"ft": feed.url}, interval="1h")
    db = tmp_path / "monitor.db"
    first = daemons(config, db)
    first.wait_until(lambda: len(feed.times) == 1)
    first.wait_until(lambda: "[CLAIM]" in "".join(first.stdout))
    assert first.stop(signal.SIGINT)[0] == 0

    second = daemons(config, db)
    # Ready as soon as the scheduler runs (the last success is in the database), and not
    # polled again: the source is due in an hour.
    second.wait_until(lambda: second.get("/readyz")[0] == 200, timeout=3)
    time.sleep(1.0)
    assert len(feed.times) == 1
    assert "[CLAIM]" not in "".join(second.stdout)  # the alert was delivered once, by the first
    assert second.stop()[0] == 0


def test_readyz_is_503_with_its_checks_until_a_poll_succeeds(
    httpserver: HTTPServer, tmp_path: Path, daemons: Callable[..., DaemonProcess]
) -> None:
    broken = FeedLog(httpserver, "/broken.xml", "oops", status=500)
    config = write_config(tmp_path / "monitor.toml", {"broken": broken.url})
    daemon = daemons(config, tmp_path / "monitor.db")
    daemon.wait_until(lambda: len(broken.times) >= 1)
    daemon.wait_for_log("source broken: HTTP 500")
    status, body = daemon.get("/readyz")
    report = json.loads(body)
    assert status == 503 and report["ready"] is False
    assert report["checks"]["recent_poll"] == {"ok": False, "detail": "no poll has succeeded yet"}
    assert report["checks"]["database"]["ok"] and report["checks"]["scheduler"]["ok"]
    metrics = daemon.get("/metrics")[1]
    assert metric(metrics, 'monitor_polls_total{result="error",source="broken"}') >= 1
    assert metric(metrics, 'monitor_source_consecutive_errors{source="broken"}') >= 1
    assert daemon.stop()[0] == 0


def test_sigterm_abandons_a_stuck_poll_safely_within_10_s(
    threaded_httpserver: HTTPServer, tmp_path: Path, daemons: Callable[..., DaemonProcess]
) -> None:
    started = threading.Event()

    def stuck(request: Request) -> Response:
        started.set()
        time.sleep(12)
        return Response(rss([CLAIM]), content_type="application/rss+xml")

    threaded_httpserver.expect_request("/slow.xml").respond_with_handler(stuck)
    config = write_config(
        tmp_path / "monitor.toml", {"slow": threaded_httpserver.url_for("/slow.xml")}
    )
    db = tmp_path / "monitor.db"
    daemon = daemons(config, db)
    assert started.wait(10)
    code, elapsed = daemon.stop(signal.SIGTERM)
    assert code == 0 and elapsed < 10, (code, elapsed)
    abandoned = daemon.wait_for_log("abandoned after")
    assert "poll of slow" in abandoned["message"]
    # Nothing half-done was recorded: the source is not marked failed, and will be polled again.
    with Monitor(make_config([]), Environment(), db) as monitor:
        state = monitor.store.source_states()["slow"]
    assert state.last_polled_at is None and state.consecutive_errors == 0


def test_sighup_reloads_the_sources(
    httpserver: HTTPServer, tmp_path: Path, daemons: Callable[..., DaemonProcess]
) -> None:
    a = FeedLog(httpserver, "/a.xml", rss([], "A"))
    b = FeedLog(httpserver, "/b.xml", rss([], "B"))
    config = write_config(tmp_path / "monitor.toml", {"a": a.url}, interval="1h")
    daemon = daemons(config, tmp_path / "monitor.db")
    daemon.wait_until(lambda: len(a.times) == 1)

    config.write_text("this is not TOML [")
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_for_log("reload: kept the running configuration")

    # b added, a changed: both polled at once, although a is not due for an hour.
    write_config(config, {"a": a.url, "b": b.url}, interval="1h", a="2h")
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_until(lambda: len(b.times) == 1 and len(a.times) == 2)
    assert "2 sources (1 added, 0 removed, 1 changed)" in daemon.wait_for_log("reloaded")["message"]

    write_config(config, {"b": b.url}, interval="1h")
    daemon.proc.send_signal(signal.SIGHUP)
    daemon.wait_for_log("1 sources (0 added, 1 removed, 0 changed)")
    assert daemon.stop()[0] == 0
    assert (len(a.times), len(b.times)) == (2, 1)


# -- in-process: job wiring and retention --------------------------------------------------


def test_jobs_have_jitter_coalesce_one_instance_and_resume_from_the_database(
    db_path: Path,
) -> None:
    config = make_config(
        [
            {"name": "fast", "url": "http://127.0.0.1:9/a.xml", "interval": "10m"},
            {"name": "adaptive", "url": "http://127.0.0.1:9/b.xml"},
            {"name": "off", "url": "http://127.0.0.1:9/c.xml", "enabled": False},
        ]
    )
    with Monitor(config, Environment(), db_path, notifiers={}) as monitor:
        monitor.pipeline.register_sources()  # as an earlier run left them
        later = datetime.now(UTC) + timedelta(hours=2)
        execute(
            monitor.store, "UPDATE sources SET next_poll_at = ? WHERE name = 'fast'", [iso(later)]
        )
        daemon = Daemon(monitor, listen=None, hard_exit=False)
        daemon._add_jobs()
        daemon.scheduler.start(paused=True)
        try:
            jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
        finally:
            daemon.scheduler.shutdown(wait=False)
    assert {"poll:fast", "poll:adaptive", "deliver", "retention"} <= set(jobs)
    assert "poll:off" not in jobs
    fast = jobs["poll:fast"]
    assert isinstance(fast.trigger, IntervalTrigger)
    assert fast.trigger.interval == timedelta(minutes=10) and fast.trigger.jitter == 60
    assert fast.coalesce is True and fast.max_instances == 1 and fast.misfire_grace_time >= 60
    assert abs((fast.next_run_time - later).total_seconds()) < 1  # resumes from the database
    assert jobs["poll:adaptive"].next_run_time < datetime.now(UTC) + timedelta(seconds=5)
    assert jobs["deliver"].trigger.interval == timedelta(seconds=10)
    assert jobs["retention"].trigger.interval == timedelta(days=1)


def test_retention_prunes_old_items_but_keeps_what_alerts_need(
    httpserver: HTTPServer, db_path: Path
) -> None:
    import io

    old = datetime.now(UTC) - timedelta(days=3)
    neutral = {
        "title": "Ford opens a new dealership in Ohio",
        "link": "https://news.example.com/ford-dealer",
        "description": "Ford Motor opened a dealership.",
        "published": old,
    }
    unrelated = {
        "title": "Weather tomorrow",
        "link": "https://news.example.com/w",
        "published": old,
    }
    httpserver.expect_request("/feed.xml").respond_with_data(rss([CLAIM, neutral, unrelated]))
    config = make_config(
        [{"name": "feed", "url": httpserver.url_for("/feed.xml")}], monitor={"retention": "40d"}
    )
    out = io.StringIO()
    with Monitor(config, Environment(), db_path, notifiers={"console": ConsoleNotifier(out)}) as m:
        m.poll()
        assert out.getvalue().count("[CLAIM]") == 1
        # An undated item, and everything fetched 100 days ago.
        execute(
            m.store,
            "INSERT INTO items (key, source, url, title, fetched_at) VALUES "
            "('undated', 'feed', 'https://x.example.com/u', 'Undated', '2000-01-01T00:00:00Z')",
        )
        execute(m.store, "UPDATE items SET fetched_at = ?", [iso(old - timedelta(days=100))])
        before = {t: query(m.store, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}
        pruned = Daemon(m, listen=None, hard_exit=False).prune()
        after = {t: query(m.store, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}
        left = {r["title"] for r in query(m.store, "SELECT title FROM items")}
        from monitor.notify.alerts import load_alert

        event_id = query(m.store, "SELECT id FROM events WHERE kind = 'new_claim'")[0]["id"]
        alert = load_alert(m.store, m.config, event_id)
    assert pruned == 2  # the neutral item and the unrelated one
    assert left == {CLAIM["title"], "Undated"}  # the claim's item feeds its alert
    assert after["mentions"] < before["mentions"]
    for table in ("stories", "events", "outbox"):
        assert after[table] == before[table]
    assert alert.headline == CLAIM["title"]


TABLES = ("items", "mentions", "stories", "events", "outbox")


def test_a_delivery_still_running_is_not_a_warning_every_10_s(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    skipped = 'Execution of job "%s" skipped: maximum number of running instances reached (%d)'
    with caplog.at_level(logging.WARNING, logger="apscheduler.scheduler"):
        scheduler_log.warning(skipped, "deliver alerts (trigger: interval[0:00:10])", 1)
        scheduler_log.warning(skipped, "poll ft (trigger: interval[0:02:00])", 1)
    assert [r.getMessage()[:22] for r in caplog.records] == ['Execution of job "poll']


# -- start-up: reconciliation, the lock, the address --------------------------------------


def test_sigterm_during_start_up_reconciliation_exits_within_10_s(
    httpserver: HTTPServer, tmp_path: Path, daemons: Callable[..., DaemonProcess]
) -> None:
    """Three alerts left in `sending`; Slack accepts connections but never answers."""
    db = tmp_path / "monitor.db"
    config = make_config(serve_feeds(httpserver))
    with Monitor(config, Environment(), db, notifiers={"slack": ConsoleNotifier()}) as monitor:
        monitor.poll(deliver=False)
        rows = query(monitor.store, "SELECT id FROM outbox ORDER BY id")
        assert len(rows) >= 3
        execute(monitor.store, "UPDATE outbox SET status = 'sent'")
        execute(
            monitor.store,
            "UPDATE outbox SET status = 'sending' WHERE id IN (?, ?, ?)",
            [r["id"] for r in rows[:3]],
        )
    companies = "".join(
        f'[[companies]]\nid = "{c}"\nname = "{c.title()}"\n' for c in ("ford", "xiaomi", "byd")
    )
    config_path = tmp_path / "monitor.toml"
    config_path.write_text(companies + '[slack]\nchannel = "C0123456789"\n')
    with socket.socket() as silent:  # listens, never accepts: every request waits
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        slack_env = {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_API_URL": f"http://127.0.0.1:{silent.getsockname()[1]}/api/",
        }
        daemon = daemons(config_path, db, env=slack_env)  # the health server is up already
        assert daemon.get("/healthz")[0] == 200
        time.sleep(0.5)  # into the first read-back
        code, elapsed = daemon.stop(signal.SIGTERM)
    assert code == 0 and elapsed < 10, (code, elapsed, daemon.output)
    assert "reconciling" in daemon.wait_for_log("abandoned after")["message"]
    assert "Traceback" not in daemon.output
    with Monitor(make_config([]), Environment(), db, notifiers={}) as monitor:
        left = query(monitor.store, "SELECT count(*) AS n FROM outbox WHERE status = 'sending'")
    assert left[0]["n"] == 3  # unchecked: still in flight, checked before any resend


def test_a_lock_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    (tmp_path / "monitor.db.lock").mkdir()  # as root, a directory is what cannot be opened
    with pytest.raises(StoreError, match=r"cannot open lock file .*monitor\.db\.lock: is a dir"):
        DatabaseLock(str(db)).acquire()
    config = write_config(tmp_path / "monitor.toml", {})
    result = subprocess.run(
        [*MONITOR_RUN, "--config", str(config), "--db", str(db), "--listen", ""],
        capture_output=True, text=True, timeout=30, cwd=ROOT, env=clean_environ(),
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "cannot open lock file" in result.stderr.strip().splitlines()[-1]


def test_a_bad_listen_address_is_bad_usage_checked_before_anything_else(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    config = write_config(tmp_path / "monitor.toml", {})
    result = subprocess.run(
        [*MONITOR_RUN, "--config", str(config), "--db", str(db), "--listen", "foo"],
        capture_output=True, text=True, timeout=30, cwd=ROOT, env=clean_environ(),
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: --listen 'foo': expected HOST:PORT, e.g. 127.0.0.1:8080"
    ]
    assert not db.exists() and not Path(f"{db}.lock").exists()
    # A Daemon used as a library checks it before taking the lock, too.
    with (
        Monitor(make_config([]), Environment(), db, notifiers={}) as monitor,
        pytest.raises(ConfigError, match="expected HOST:PORT"),
    ):
        Daemon(monitor, listen="foo", hard_exit=False).run()
    assert not Path(f"{db}.lock").exists()


def test_the_clock_watch_tells_a_step_from_time_passing() -> None:
    from monitor.clock import ClockWatch

    wall, steady = [1000.0], [50.0]
    watch = ClockWatch(wall=lambda: wall[0], steady=lambda: steady[0])
    wall[0] += 1
    steady[0] += 1
    assert watch.step() is None  # a second passed on both
    wall[0] += 3600
    steady[0] += 3600
    assert watch.step() is None  # a suspended machine: the boot clock counts it too
    wall[0] -= 599
    steady[0] += 1
    assert watch.step() == -600
    wall[0] += 121
    steady[0] += 1
    assert watch.step() == 120


def test_a_clock_stepped_back_keeps_every_wait_its_length(db_path: Path) -> None:
    """Stepped back ten minutes, the wall clock would add ten minutes to every wait:
    jobs, the sources' next polls and the alerts' retries all move back with it."""
    from monitor.clock import ClockWatch

    config = make_config([{"name": "fast", "url": "http://127.0.0.1:9/a.xml", "interval": "10m"}])
    with Monitor(config, Environment(), db_path, notifiers={}) as monitor:
        monitor.pipeline.register_sources()
        due = datetime.now(UTC) + timedelta(minutes=10)
        execute(monitor.store, "UPDATE sources SET next_poll_at = ?", [iso(due)])
        daemon = Daemon(monitor, listen=None, hard_exit=False)
        wall, steady = [time.time()], [100.0]
        daemon.clock_watch = ClockWatch(wall=lambda: wall[0], steady=lambda: steady[0])
        daemon._add_jobs()
        daemon.scheduler.start(paused=True)
        try:
            before = daemon.scheduler.get_job("poll:fast").next_run_time
            wall[0] -= 600
            daemon._follow_clock_steps()
            after = daemon.scheduler.get_job("poll:fast").next_run_time
        finally:
            daemon.scheduler.shutdown(wait=False)
        [row] = query(monitor.store, "SELECT next_poll_at FROM sources")
    assert abs((before - after).total_seconds() - 600) < 1
    stored = datetime.fromisoformat(row["next_poll_at"])
    assert abs((due - stored).total_seconds() - 600) < 1


def test_first_polls_are_spread_over_a_minute_however_many_sources(db_path: Path) -> None:
    sources = [{"name": f"s{n}", "url": f"http://127.0.0.1:9/{n}.xml"} for n in range(2000)]
    with Monitor(make_config(sources), Environment(), db_path, notifiers={}) as monitor:
        daemon = Daemon(monitor, listen=None, hard_exit=False)
        started = datetime.now(UTC)
        daemon._add_jobs()
        daemon.scheduler.start(paused=True)
        try:
            runs = [
                j.next_run_time for j in daemon.scheduler.get_jobs() if j.id.startswith("poll:")
            ]
        finally:
            daemon.scheduler.shutdown(wait=False)
    assert len(runs) == 2000
    assert max(runs) - started <= timedelta(seconds=61)  # jitter aside, within the minute
    assert max(runs) - min(runs) >= timedelta(seconds=50)  # still spread, not one burst
