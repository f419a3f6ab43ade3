"""The weekly digest: what it shows, the email aiosmtpd receives, once per week, and Chromium."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from apscheduler.schedulers.background import BackgroundScheduler
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Company, Environment
from monitor.errors import PermanentDeliveryError, TransientDeliveryError
from monitor.notify.console import ConsoleNotifier
from monitor.notify.digest import build_digest, render_html, render_text
from monitor.notify.mail import DigestMailer, add_digest_jobs
from tests.conftest import ROOT, make_config, rss
from tests.notify.stories import serve_feeds
from tests.sql import execute, query

NEWS = [
    {
        "title": "BYD sells 300,538 new energy vehicles in January, down 12% from December",
        "link": "https://evdaily.example.com/byd-january-sales",
        "description": "BYD's passenger NEV sales fell as the Spring Festival approached.",
    },
    {
        "title": "Xiaomi YU7 deliveries begin in Beijing",
        "link": "https://evdaily.example.com/xiaomi-yu7-deliveries",
        "description": "Xiaomi handed over the first YU7 SUVs to customers in Beijing.",
    },
]
DIGEST = {"to": ["team@example.com"], "from": "monitor@example.com", "schedule": "mon 08:00"}


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp_env(port: int, **extra: Any) -> Environment:
    return Environment(smtp_host="127.0.0.1", smtp_port=port, **extra)


@pytest.fixture
def week(httpserver: HTTPServer, db_path: Path) -> Iterator[Monitor]:
    """A database holding six claims (four denied) and one failing source."""
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/news.xml").respond_with_data(rss(NEWS, "EV Daily"))
    sources = [
        *serve_feeds(httpserver),
        {"name": "news", "url": httpserver.url_for("/news.xml")},
        {"name": "gone", "url": httpserver.url_for("/gone.xml")},
    ]
    config = make_config(sources, digest=DIGEST)
    with Monitor(config, Environment(), db_path, notifiers={"console": ConsoleNotifier()}) as m:
        m.poll(deliver=False)
        yield m


def test_digest_is_organised_by_story(week: Monitor) -> None:
    digest = build_digest(week.store, week.config, datetime.now(UTC))
    assert len(digest.claims) == 6
    denied = [c for c in digest.claims if c.status == "denied"]
    assert len(denied) == 4 and all(c.statements for c in denied)
    ford = next(c for c in denied if "US electric-vehicle venture" in c.link.title)
    assert ford.status_line == "DENIED by Ford"
    [statement] = ford.statements
    assert statement.party == "Ford" and "completely false" in statement.link.title
    assert statement.link.url == "https://wire.example.com/d0"
    assert {b.label for b in digest.companies} == {"Ford", "Xiaomi", "BYD"}
    assert [s["name"] for s in digest.failing_sources] == ["gone"]
    assert [link.title for link in digest.notable["BYD"]] == [NEWS[0]["title"]]
    assert [link.title for link in digest.notable["Xiaomi"]] == [NEWS[1]["title"]]
    assert "Ford" not in digest.notable  # its stories of the week are claims, shown above
    text = render_text(digest)
    assert "[DENIED BY FORD] Ford, Xiaomi" in text and "Ford denies:" in text
    assert "gone: failing (1 error)" in text
    assert "OTHER NOTABLE STORIES" in text and "  - Xiaomi YU7 deliveries begin" in text
    html = render_html(digest)
    assert "<style" not in html and "style=" in html  # CSS inlined
    assert "<script" not in html and "<svg" not in html and "<img" not in html
    assert 'href="https://wire.example.com/d0"' in html


def test_feed_text_is_escaped_in_the_digest(week: Monitor) -> None:
    execute(
        week.store,
        "UPDATE items SET title = ?, url = ? WHERE url = 'https://ft.example.com/c5'",
        ['<script>alert(1)</script> <img src="http://x/y.png">', "javascript:alert(1)"],
    )
    html = render_html(build_digest(week.store, week.config, datetime.now(UTC)))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<img" not in html and "javascript:" not in html


def test_digest_arrives_as_multipart_alternative(week: Monitor) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        mailer = DigestMailer(week.store, week.config, smtp_env(controller.port))
        assert mailer.send() is True
    finally:
        controller.stop()
    [message] = inbox.messages
    assert message.get_content_type() == "multipart/alternative"
    year, number, _ = datetime.now(UTC).isocalendar()  # the mailer's clock: this week
    assert message["To"] == "team@example.com" and f"{year}-W{number:02d}" in message["Subject"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for part in (text, html):
        assert "Ford held talks with Xiaomi on a US electric-vehicle venture" in part
        assert "completely false and baseless" in part
        assert "BYD denies plans for a second Mexico plant" in part
    row = query(week.store, "SELECT * FROM digests")[0]
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"]


def test_an_smtp_outage_sends_the_week_once_after_recovery(week: Monitor) -> None:
    port = free_port()  # nothing listens yet: connections are refused
    now = datetime.now(UTC)
    mailer = DigestMailer(week.store, week.config, smtp_env(port), clock=lambda: now)
    scheduled = mailer.scheduled_time(now)
    clock = {"now": scheduled + timedelta(minutes=1)}
    mailer.clock = lambda: clock["now"]
    with pytest.raises(TransientDeliveryError, match="ConnectionRefused"):
        mailer.send_if_due()  # the cron job at 08:00
    clock["now"] += timedelta(hours=3)
    with pytest.raises(TransientDeliveryError):
        mailer.send_if_due()  # the retry job, still refused
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock["now"] += timedelta(minutes=5)
        assert mailer.send_if_due() is True
        assert mailer.send_if_due() is False
        restarted = DigestMailer(week.store, week.config, smtp_env(port), clock=mailer.clock)
        assert restarted.send_if_due() is False  # a restart does not send the week again
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    row = query(week.store, "SELECT * FROM digests")[0]
    assert row["status"] == "sent" and row["attempts"] == 3


def test_no_catch_up_long_after_the_scheduled_time(week: Monitor) -> None:
    now = datetime.now(UTC)
    mailer = DigestMailer(week.store, week.config, smtp_env(free_port()))
    later = mailer.scheduled_time(now) + timedelta(hours=5)
    mailer.clock = lambda: later
    assert mailer.send_if_due() is False  # no attempt: a fresh install mid-week stays quiet
    assert query(week.store, "SELECT * FROM digests") == []


@pytest.fixture
def tls(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1 and a server context that uses it."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def test_starttls_checks_the_certificate(
    week: Monitor, tls: tuple[Path, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, context = tls
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        assert isinstance(auth, LoginPassword)
        logins.append((auth.login, auth.password))
        return AuthResult(success=auth.password == b"s3cret")

    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        env = smtp_env(controller.port, smtp_user="monitor", smtp_password=SecretStr("s3cret"))
        mailer = DigestMailer(week.store, week.config, env)
        # a self-signed certificate is refused, for good: a setting to fix, not an outage
        with pytest.raises(PermanentDeliveryError, match=r"certificate does not verify"):
            mailer.send()
        assert inbox.messages == [] and logins == []  # the password never left
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # now the certificate is trusted
        assert mailer.send() is True
    finally:
        controller.stop()
    assert logins == [(b"monitor", b"s3cret")] and len(inbox.messages) == 1


def test_implicit_tls(
    week: Monitor, tls: tuple[Path, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, context = tls
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), ssl_context=context)
    controller.start()
    try:
        mailer = DigestMailer(week.store, week.config, smtp_env(controller.port, smtp_ssl=True))
        assert mailer.send() is True
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_weekly_job_uses_the_schedule_and_time_zone(db_path: Path) -> None:
    config = make_config(
        [], monitor={"timezone": "Europe/Berlin"}, digest={**DIGEST, "schedule": "tue 09:30"}
    )
    scheduler = BackgroundScheduler(timezone="UTC")
    with Monitor(config, smtp_env(free_port()), db_path, notifiers={}) as monitor:
        add_digest_jobs(scheduler, monitor)
        scheduler.start(paused=True)
        try:
            job = scheduler.get_job("digest")
            assert job is not None and scheduler.get_job("digest-retry") is not None
            assert "day_of_week='tue', hour='9', minute='30'" in str(job.trigger)
            assert str(job.trigger.timezone) == "Europe/Berlin"  # type: ignore[attr-defined]
            when = job.next_run_time.astimezone(job.trigger.timezone)  # type: ignore[attr-defined]
            assert (when.weekday(), when.hour, when.minute) == (1, 9, 30)
        finally:
            scheduler.shutdown(wait=False)


def test_digest_command_writes_html_and_text(week: Monitor, tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[[companies]]\nid = "ford"\nname = "Ford"\n'
        '[[companies]]\nid = "xiaomi"\nname = "Xiaomi"\n'
        '[[companies]]\nid = "byd"\nname = "BYD"\n'
        '[digest]\nto = ["team@example.com"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "digest.html"
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_", "MONITOR_"))
    }
    common = ["--config", str(config), "--db", week.store.path]
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "digest", "--days", "7", "--out", str(out), *common],
        capture_output=True, text=True, timeout=60, cwd=ROOT, env=base,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "6 claims, 4 denied" in result.stdout
    assert "Ford calls report of Xiaomi EV venture talks" in out.read_text(encoding="utf-8")
    assert "[DENIED BY FORD]" in out.with_suffix(".txt").read_text(encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "monitor", "digest", "--send", *common],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={**base, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port())},
    )  # fmt: skip
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines()[-1].startswith("error: SMTP 127.0.0.1:")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_digest_renders_in_headless_chromium(week: Monitor, tmp_path: Path) -> None:
    page = tmp_path / "digest.html"
    page.write_text(render_html(build_digest(week.store, week.config, datetime.now(UTC))))
    png = tmp_path / "digest.png"
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--hide-scrollbars", "--window-size=760,1400",
         f"--screenshot={png}", page.as_uri()],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (760, 1400)
    assert len(data) > 30_000  # a blank page compresses to a few KB; this one has content
    if os.environ.get("MONITOR_KEEP_SCREENSHOT"):
        shutil.copy(png, os.environ["MONITOR_KEEP_SCREENSHOT"])


def _digest_command(
    week: Monitor, tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`monitor digest` in a subprocess, on the week's database."""
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[[companies]]\nid = "ford"\nname = "Ford"\n'
        '[[companies]]\nid = "xiaomi"\nname = "Xiaomi"\n'
        '[digest]\nto = ["team@example.com"]\n',
        encoding="utf-8",
    )
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_", "MONITOR_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "monitor", "digest", *args,
         "--config", str(config), "--db", week.store.path],
        capture_output=True, text=True, timeout=60, cwd=ROOT, env={**base, **(env or {})},
    )  # fmt: skip


def test_a_failed_forced_send_does_not_send_the_week_again(week: Monitor, tmp_path: Path) -> None:
    """`monitor digest --send` failing after the scheduled send leaves the week sent."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        now = datetime.now(UTC)
        mailer = DigestMailer(week.store, week.config, smtp_env(controller.port))
        at = mailer.scheduled_time(now) + timedelta(minutes=1)
        mailer.clock = lambda: at
        assert mailer.send_if_due() is True  # the scheduled send
        refused = _digest_command(
            week, tmp_path, "--send", env={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port())}
        )
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert query(week.store, "SELECT status FROM digests")[0]["status"] == "sent"
        later = at + timedelta(minutes=10)
        mailer.clock = lambda: later
        assert mailer.send_if_due() is False  # the retry job: nothing to retry
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_digest_out_errors_are_one_line(week: Monitor, tmp_path: Path) -> None:
    missing = _digest_command(week, tmp_path, "--out", str(tmp_path / "no" / "dir" / "d.html"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert missing.stderr.strip().splitlines() == [
        f"error: cannot write {tmp_path / 'no' / 'dir' / 'd.html'}: No such file or directory"
    ]
    text = tmp_path / "digest.txt"
    wrong = _digest_command(week, tmp_path, "--out", str(text))
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "expected FILE.html" in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1
    assert not text.exists()


def test_a_longer_digest_says_what_it_covers_and_times_carry_their_zone(week: Monitor) -> None:
    digest = build_digest(week.store, week.config, datetime.now(UTC), days=30)
    html, text = render_html(digest), render_text(digest)
    assert "Digest of 30 days" in html and "Weekly digest" not in html
    assert text.startswith("DIGEST OF 30 DAYS ")
    weekly = render_text(build_digest(week.store, week.config, datetime.now(UTC)))
    assert weekly.startswith("WEEKLY DIGEST ")
    assert re.search(r"\d\d:\d\d UTC", text)  # every time says its zone


def test_a_zero_count_draws_no_bar(week: Monitor) -> None:
    config = week.config.model_copy(
        update={"companies": (*week.config.companies, Company(id="acme", name="Acme Motors"))}
    )
    digest = build_digest(week.store, config, datetime.now(UTC))
    assert [b.count for b in digest.companies if b.label == "Acme Motors"] == [0]
    html = render_html(digest)
    row = html[html.index("Acme Motors") :].split("</tr>")[0]
    assert 'class="bar"' not in row
    assert html.count('class="bar"') == sum(
        1 for b in (*digest.companies, *digest.outlets) if b.count
    )


class SlowInbox(Inbox):
    """A mail server that takes its time accepting a message."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        import asyncio

        await asyncio.sleep(1.0)
        return await super().handle_DATA(server, session, envelope)


def test_the_weekly_job_and_the_retry_job_never_both_send_the_week(week: Monitor) -> None:
    """Two jobs due at once during a slow send: the week is claimed in one transaction
    before sending, so one email arrives, not two."""
    import threading

    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    now = datetime.now(UTC)
    try:
        mailer = DigestMailer(week.store, week.config, smtp_env(controller.port))
        mailer.clock = lambda: mailer.scheduled_time(now) + timedelta(minutes=1)
        sent: list[bool] = []
        jobs = [threading.Thread(target=lambda: sent.append(mailer.send_if_due())) for _ in "ab"]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(timeout=30)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert sorted(sent) == [False, True]
    row = query(week.store, "SELECT status, attempts FROM digests")[0]
    assert row["status"] == "sent" and row["attempts"] == 1


def test_a_claim_left_by_a_crash_is_taken_over(week: Monitor) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        mailer = DigestMailer(week.store, week.config, smtp_env(controller.port))
        scheduled = mailer.scheduled_time(datetime.now(UTC))
        mailer.clock = lambda: scheduled + timedelta(minutes=1)
        assert mailer._claim(mailer.record_period(), scheduled, keep_sent=False)  # then a crash
        assert mailer.send_if_due() is False  # claimed a minute ago: another job's
        mailer.clock = lambda: scheduled + timedelta(minutes=30)  # the lease has run out
        assert mailer.send_if_due() is True
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_a_server_without_starttls_is_a_setting_to_change_not_an_outage(week: Monitor) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())  # no STARTTLS
    controller.start()
    try:
        env = smtp_env(controller.port, smtp_user="u", smtp_password=SecretStr("s3cret"))
        mailer = DigestMailer(week.store, week.config, env)
        with pytest.raises(PermanentDeliveryError, match="does not offer STARTTLS"):
            mailer.send()
    finally:
        controller.stop()
    assert inbox.messages == []
    row = query(week.store, "SELECT status, last_error FROM digests")[0]
    assert row["status"] == "failed" and "SMTP_SSL=true" in row["last_error"]
    assert "s3cret" not in row["last_error"]


def test_a_password_never_goes_over_a_connection_without_tls(week: Monitor) -> None:
    port = free_port()  # nothing listens: the refusal comes before any connection
    env = smtp_env(port, smtp_user="u", smtp_password=SecretStr("s3cret"), smtp_starttls=False)
    with pytest.raises(PermanentDeliveryError, match="refusing to send SMTP_PASSWORD"):
        DigestMailer(week.store, week.config, env).send()


class PickyInbox(Inbox):
    """Refuses one recipient (550), takes the others."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("gone@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_partial_refusal_is_reported_and_recorded(
    week: Monitor, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = PickyInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    digest = {**DIGEST, "to": ["team@example.com", "gone@example.com"]}
    config = week.config.model_copy(
        update={"digest": week.config.digest.model_copy(update={"to": tuple(digest["to"])})}
    )
    try:
        assert DigestMailer(week.store, config, smtp_env(controller.port)).send() is True
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert "sent to 1 of 2 recipients; refused: gone@example.com: 550" in caplog.text
    row = query(week.store, "SELECT status, last_error FROM digests")[0]
    assert row["status"] == "sent" and "gone@example.com" in row["last_error"]


class StalledInbox(Inbox):
    """A mail server that sits on the message for half a minute (SMTP's own timeout)."""

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.receiving = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        import asyncio

        self.receiving.set()
        await asyncio.sleep(30)
        return await super().handle_DATA(server, session, envelope)


def test_a_stop_during_a_slow_send_is_quick_and_leaves_the_week_to_send_again(
    week: Monitor,
) -> None:
    """SIGTERM while the mail server sits on the digest: the send is cut short, the
    daemon stops within its grace (never touching a closed database), and the week is
    left pending, so the next start sends it: one copy more at most, never none."""
    import threading
    import time

    from monitor.scheduler import SHUTDOWN_GRACE, Daemon

    stalled = StalledInbox()
    controller = Controller(stalled, hostname="127.0.0.1", port=free_port())
    controller.start()
    scheduled = DigestMailer(week.store, week.config, Environment()).scheduled_time(
        datetime.now(UTC)
    )
    week.clock = lambda: scheduled + timedelta(minutes=1)
    week.env = smtp_env(controller.port)
    daemon = Daemon(week, listen=None, hard_exit=False)
    daemon.digest_job = add_digest_jobs(BackgroundScheduler(), week, daemon._job)
    try:
        sending = threading.Thread(target=daemon.digest_job)
        sending.start()
        assert stalled.receiving.wait(10)
        daemon.stopping.set()
        started = time.monotonic()
        stopped = daemon._shutdown()
        took = time.monotonic() - started
        sending.join(5)
    finally:
        controller.stop()
    assert stopped and took < SHUTDOWN_GRACE and not sending.is_alive()
    row = query(week.store, "SELECT status, last_error FROM digests")[0]
    assert row["status"] == "pending" and row["last_error"].startswith("stopped")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        mailer = DigestMailer(week.store, week.config, smtp_env(controller.port))
        mailer.clock = week.clock
        assert mailer.send_if_due() is True  # the next start
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
