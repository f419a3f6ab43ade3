"""The outbox against the fake Slack server: order, outages, permanent errors, lost answers."""

from __future__ import annotations

import io
import logging
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.slack import SlackNotifier
from monitor.status import collect_status, render_status
from tests.conftest import make_config, rss
from tests.fakes.slack_server import FakeSlack
from tests.notify.stories import serve_feeds
from tests.sql import execute, query


@pytest.fixture
def db_path(db_target: str) -> str:
    """This module runs on both backends: SQLite and Postgres."""
    return db_target


class Clock:
    """The outbox's idea of now, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_monitor(
    httpserver: HTTPServer,
    slack: FakeSlack,
    db_path: Path,
    clock: Clock,
    channel: str = "#auto-intel",
) -> Monitor:
    config = make_config(serve_feeds(httpserver), slack={"channel": channel})
    notifier = SlackNotifier(slack.token, channel, slack.api_url, pace=0, timeout=3)
    return Monitor(config, Environment(), db_path, notifiers={"slack": notifier}, clock=clock)


@pytest.fixture
def monitor(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path, clock: Clock
) -> Iterator[Monitor]:
    with open_monitor(httpserver, slack, db_path, clock) as m:
        m.poll(deliver=False)
        yield m


def event_ids(monitor: Monitor) -> list[int]:
    return [r["id"] for r in query(monitor.store, "SELECT id FROM events ORDER BY id")]


def posted_ids(slack: FakeSlack) -> list[int]:
    return [int(m.metadata["event_payload"]["event_id"]) for m in slack.messages if m.metadata]


def statuses(monitor: Monitor) -> Counter[str]:
    return Counter(r["status"] for r in query(monitor.store, "SELECT status FROM outbox"))


def test_threads_follow_the_story(monitor: Monitor, slack: FakeSlack) -> None:
    delivery = monitor.deliver()
    events = query(monitor.store, "SELECT id, kind, story_id FROM events ORDER BY id")
    assert delivery.sent == len(events) >= 8
    roots = {m.metadata["event_payload"]["event_id"]: m for m in slack.top_level()}
    claim_event = {e["story_id"]: e["id"] for e in events if e["kind"] == "new_claim"}
    denials = [e for e in events if e["kind"] == "denial"]
    assert len(roots) == len(claim_event) and denials
    for denial in denials:
        [reply] = [
            m for m in slack.messages if m.metadata["event_payload"]["event_id"] == denial["id"]
        ]
        root = roots[claim_event[denial["story_id"]]]
        assert reply.thread_ts == root.ts and reply.reply_broadcast
        # The root now says who denied it.
        assert root.updated and "DENIED by" in str(root.blocks) and "DENIED by" in root.text
    assert sorted(posted_ids(slack)) == event_ids(monitor)


def test_a_slack_outage_loses_nothing_and_keeps_the_order(
    monitor: Monitor, slack: FakeSlack, clock: Clock
) -> None:
    """One minute of 503s (on the outbox's clock): then every alert once, in event order."""
    slack.set_outage(True)
    for _ in range(6):  # the daemon's delivery job, every 10 s for a minute
        assert monitor.deliver().sent == 0
        clock.advance(10)
    assert slack.messages == [] and len(slack.calls_to("chat.postMessage")) <= 6
    slack.set_outage(False)
    for _ in range(60):
        monitor.deliver()
        if monitor.outbox.backlog() == 0:
            break
        clock.advance(10)
    assert monitor.outbox.backlog() == 0
    assert posted_ids(slack) == event_ids(monitor)  # once each, in order
    assert statuses(monitor) == {"sent": len(event_ids(monitor))}


def test_retry_after_is_honoured(monitor: Monitor, slack: FakeSlack, clock: Clock) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=120, times=3)
    first = monitor.outbox.deliver()
    assert first.retrying == 1 and first.sent == 0  # the channel waits behind the first alert
    row = query(monitor.store, "SELECT * FROM outbox ORDER BY event_id LIMIT 1")[0]
    wait = datetime.fromisoformat(row["next_attempt_at"]) - clock.now
    assert timedelta(seconds=119) <= wait <= timedelta(minutes=5)
    clock.advance(60)
    assert monitor.outbox.deliver().sent == 0  # not before Retry-After
    clock.advance(61)
    while monitor.outbox.backlog():
        monitor.deliver()
        clock.advance(60)
    assert posted_ids(slack) == event_ids(monitor)


def test_a_short_rate_limit_is_retried_by_the_client(monitor: Monitor, slack: FakeSlack) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    assert monitor.deliver().retrying == 0
    assert posted_ids(slack) == event_ids(monitor)


@pytest.mark.parametrize(
    ("channel", "token", "error"),
    [
        ("#nowhere", None, "channel_not_found"),
        ("#auto-intel", "xoxb-revoked", "invalid_auth"),
    ],
)
def test_permanent_errors_fail_at_once_and_show_in_status(
    httpserver: HTTPServer,
    slack: FakeSlack,
    db_path: Path,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    channel: str,
    token: str | None,
    error: str,
) -> None:
    with open_monitor(httpserver, slack, db_path, clock, channel=channel) as monitor:
        if token:
            monitor.outbox.notifiers["slack"].client.token = token  # type: ignore[attr-defined]
        monitor.poll(deliver=False)
        with caplog.at_level(logging.ERROR, logger="monitor.notify.outbox"):
            delivery = monitor.deliver()
        calls = len(slack.calls_to("chat.postMessage"))
        clock.advance(7200)
        monitor.deliver()
        report = collect_status(monitor)
    events = len(report["outbox"]["recent_failures"])
    assert delivery.failed == report["outbox"]["failed"] >= 8 and events == 5
    assert len(slack.calls_to("chat.postMessage")) == calls  # never retried
    assert error in report["outbox"]["recent_failures"][0]["last_error"]
    lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1 and error in lines[0].getMessage()  # one clear line
    assert lines[0].exc_info is None  # no traceback


def test_a_lost_answer_is_checked_before_sending_again(
    monitor: Monitor, slack: FakeSlack, clock: Clock
) -> None:
    """Slack took the message but the answer never came: no second copy."""
    slack.drop_response_next("chat.postMessage")
    first = monitor.outbox.deliver()
    assert first.retrying == 1 and len(slack.messages) == 1
    row = query(monitor.store, "SELECT status FROM outbox ORDER BY event_id LIMIT 1")[0]
    assert row["status"] == "sending"  # it may have arrived
    while monitor.outbox.backlog():
        clock.advance(120)
        monitor.deliver()
    assert posted_ids(slack) == event_ids(monitor)
    assert slack.calls_to("conversations.history")


def test_reconcile_settles_what_a_crash_left_in_flight(monitor: Monitor, slack: FakeSlack) -> None:
    """Row 1 reached Slack before the 'crash', row 2 did not: one is found, one is sent."""
    first, second = event_ids(monitor)[:2]
    notifier = monitor.notifiers["slack"]
    from monitor.notify.alerts import load_alert

    notifier.send(load_alert(monitor.store, monitor.config, first), None)
    execute(
        monitor.store,
        "UPDATE outbox SET status = 'sending', attempts = 1 WHERE event_id IN (?, ?)",
        [first, second],
    )
    assert monitor.outbox.reconcile() == 2
    rows = {
        r["event_id"]: r
        for r in query(
            monitor.store, "SELECT * FROM outbox WHERE event_id IN (?, ?)", [first, second]
        )
    }
    assert rows[first]["status"] == "sent" and rows[first]["external_ref"].endswith(
        slack.messages[0].ts
    )
    assert rows[second]["status"] == "pending"
    monitor.deliver()
    assert posted_ids(slack) == event_ids(monitor)


def test_reconcile_during_an_outage_checks_again_before_sending(
    monitor: Monitor, slack: FakeSlack, clock: Clock
) -> None:
    first = event_ids(monitor)[0]
    from monitor.notify.alerts import load_alert

    monitor.notifiers["slack"].send(load_alert(monitor.store, monitor.config, first), None)
    execute(monitor.store, "UPDATE outbox SET status = 'sending' WHERE event_id = ?", [first])
    slack.set_outage(True)
    assert monitor.outbox.reconcile() == 0  # could not look: still in flight
    slack.set_outage(False)
    clock.advance(1)
    monitor.deliver()
    assert posted_ids(slack) == event_ids(monitor)  # found, not posted twice


def test_alerts_for_a_channel_no_longer_configured_neither_block_nor_count(
    monitor: Monitor, slack: FakeSlack
) -> None:
    """600 rows of channels that were configured once come first in event order: the
    configured channel still gets every alert, and the backlog leaves them out."""
    first = event_ids(monitor)[0]
    created = query(monitor.store, "SELECT created_at FROM outbox LIMIT 1")[0]["created_at"]
    with monitor.store.transaction("adding alerts for old channels"):
        for n in range(600):
            execute(
                monitor.store,
                "INSERT INTO outbox (event_id, channel, next_attempt_at, created_at) "
                "VALUES (?, ?, ?, ?)",
                [first, f"old-{n}", created, created],
            )
    assert monitor.outbox.backlog() == len(event_ids(monitor))
    monitor.deliver()
    assert posted_ids(slack) == event_ids(monitor)
    assert monitor.outbox.backlog() == 0
    report = collect_status(monitor)
    assert report["outbox"]["pending"] == 0 and report["outbox"]["orphaned"] == 600
    assert report["outbox"]["oldest_pending"] is None and not report["warnings"]
    out = io.StringIO()
    render_status(report, Console(file=out, width=120))
    assert "600 alerts for channels no longer configured" in out.getvalue()


class _Broken:
    """A notifier with a bug (or fed a setting nothing validated): every send raises."""

    threaded = False

    def __init__(self) -> None:
        self.calls = 0

    def send(self, alert: object, thread_ref: str | None) -> str:
        self.calls += 1
        raise ValueError("unknown url type: 'hxxp'")

    def find(self, alert: object, thread_ref: str | None, since: object = None) -> str | None:
        return None

    def update_root(self, *args: object, **kwargs: object) -> None:
        return None


def test_an_unexpected_error_is_one_line_and_fails_for_good_once_clearly_not_transient(
    httpserver: HTTPServer, db_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _Broken()
    config = make_config(serve_feeds(httpserver))
    with Monitor(config, Environment(), db_path, notifiers={"console": broken}, clock=clock) as m:
        m.poll(deliver=False)
        rows = len(query(m.store, "SELECT id FROM outbox"))
        for _ in range(6):  # the outbox retries with backoff: move the clock past each wait
            m.deliver()
            clock.advance(7200)
        assert statuses(m) == Counter({"failed": rows})
        reasons = {r["last_error"] for r in query(m.store, "SELECT last_error FROM outbox")}
    assert reasons == {"unexpected ValueError: unknown url type: 'hxxp'"}
    assert "Traceback" not in caplog.text
    assert all(r.exc_info is None for r in caplog.records if r.levelno >= logging.WARNING)
    assert broken.calls == 3 * rows  # each alert tried three times, then failed for good
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2, errors  # one line per cause: retrying, then failed for good


def test_a_lost_first_answer_is_checked_by_channel_id_never_by_name(
    monitor: Monitor, slack: FakeSlack, clock: Clock
) -> None:
    """Slack reads history by conversation ID only: with a channel name configured, the
    ID comes from conversations.list (or an alert already sent), and no duplicate."""
    slack.drop_response_next("chat.postMessage")  # the very first answer is lost
    monitor.outbox.deliver()
    while monitor.outbox.backlog():
        clock.advance(120)
        monitor.deliver()
    assert posted_ids(slack) == event_ids(monitor)
    reads = slack.calls_to("conversations.history") + slack.calls_to("conversations.replies")
    assert reads and {c.params.get("channel") for c in reads} == {"C0AUTOINTEL"}


def test_without_the_scope_to_find_the_channel_the_line_says_what_is_missing(
    httpserver: HTTPServer, db_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The channel's ID cannot be found (no channels:read): history is never read by
    name (Slack would answer channel_not_found, and the row would look unsent). One line
    says which scope or setting is missing, and the uncertain alert is sent again: a
    possible repeat beats a loss."""
    scopes = frozenset({"chat:write", "channels:history"})
    with FakeSlack(scopes=scopes) as slack, open_monitor(httpserver, slack, db_path, clock) as m:
        m.poll(deliver=False)
        slack.drop_response_next("chat.postMessage")  # uncertain: it must be checked
        m.outbox.deliver()
        clock.advance(120)
        m.deliver()
        statuses_now = statuses(m)
    assert not slack.calls_to("conversations.history")  # never read by name
    lines = [r.getMessage() for r in caplog.records if "cannot check" in r.getMessage()]
    assert lines and "channels:read" in lines[0] and "channel's ID (C…)" in lines[0]
    assert statuses_now.get("failed", 0) == 0 and statuses_now["sent"] >= 1


def test_reading_back_starts_at_the_first_attempt_not_at_the_event(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path, clock: Clock
) -> None:
    """An alert that waited three days (an outage, a full channel) and then lost its
    answer: the channel is read back from the moment it was handed over, minus a margin
    for the clocks, not from the event. Each page read may cost a minute of Slack's
    rate limit for a distributed app."""
    with open_monitor(httpserver, slack, db_path, clock) as m:
        m.poll(deliver=False)
        three_days_ago = clock.now - timedelta(days=3)
        execute(m.store, "UPDATE events SET created_at = ?", [three_days_ago.isoformat()])
        handed_over = clock.now
        slack.drop_response_next("chat.postMessage")
        m.outbox.deliver()
        clock.advance(120)
        while m.outbox.backlog():
            m.deliver()
            clock.advance(120)
        assert posted_ids(slack) == event_ids(m)  # found, not posted twice
    reads = slack.calls_to("conversations.history")
    assert reads
    oldest = min(float(c.params["oldest"]) for c in reads)
    assert oldest >= (handed_over - timedelta(minutes=11)).timestamp()


def test_a_read_waits_out_a_rate_limit_that_a_post_leaves_to_the_outbox(
    monitor: Monitor, slack: FakeSlack
) -> None:
    """Reads are idempotent, so the client waits out their Retry-After (a distributed
    app may read history once a minute); a post's wait goes to the outbox's backoff."""
    from monitor.errors import TransientDeliveryError
    from monitor.notify.alerts import load_alert

    notifier = monitor.notifiers["slack"]
    handler = notifier.client.retry_handlers[0]  # type: ignore[attr-defined]
    handler.max_wait = 0  # as if Slack asked a post to wait longer than we hold a thread
    alert = load_alert(monitor.store, monitor.config, event_ids(monitor)[0])
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    with pytest.raises(TransientDeliveryError):
        notifier.send(alert, None)
    ref = notifier.send(alert, None)
    slack.fail_next("conversations.history", status=429, retry_after=1)
    assert notifier.find(alert, None) == ref
    handler.max_read_wait = 0
    slack.fail_next("conversations.history", status=429, retry_after=1)
    with pytest.raises(TransientDeliveryError):
        notifier.find(alert, None)


def test_another_databases_alert_with_the_same_event_id_is_not_taken_for_ours(
    httpserver: HTTPServer, slack: FakeSlack, tmp_path: Path, clock: Clock
) -> None:
    """Two installations post to one channel (or a database was made anew): their event
    ids collide. An uncertain answer (HTTP 500) makes the second read the channel back,
    and only a message of its own installation counts as its alert."""
    with open_monitor(httpserver, slack, tmp_path / "first.db", clock) as first:
        first.poll(deliver=False)
        first.deliver()
        assert posted_ids(slack) == event_ids(first)
    with open_monitor(httpserver, slack, tmp_path / "second.db", clock) as second:
        second.poll(deliver=False)
        slack.fail_next("chat.postMessage", status=500)  # did it arrive? unknown
        second.outbox.deliver()
        while second.outbox.backlog():
            clock.advance(120)
            second.deliver()
        ours = second.store.installation_id()
        expected = event_ids(second)
    assert ours != first.store.installation_id()
    from_second = [
        int(m.metadata["event_payload"]["event_id"])
        for m in slack.messages
        if m.metadata["event_payload"]["installation"] == ours
    ]
    assert from_second == expected  # every alert of the second, once, in order


CITIES = [
    "Cologne",
    "Valencia",
    "Chennai",
    "Louisville",
    "Dearborn",
    "Szeged",
    "Izmir",
    "Rayong",
    "Pretoria",
    "Halewood",
    "Craiova",
    "Saarlouis",
    "Silverton",
    "Camacari",
    "Oakville",
    "Hermosillo",
    "Kansas City",
    "Chongqing",
    "Nanchang",
    "Sanand",
    "Cuautitlan",
    "Genk",
    "Bordeaux",
    "Dagenham",
    "Broadmeadows",
]


def _burst_monitor(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path, clock: Clock, limit: int
) -> Monitor:
    items = [
        {
            "title": f"Ford weighs sale of its {city} plant, people familiar say",
            "link": f"https://news.example.com/ford-{n}",
        }
        for n, city in enumerate(CITIES)
    ]
    httpserver.expect_request("/burst.xml").respond_with_data(rss(items, "Auto News"))
    denial = {
        "title": "Ford denies it is weighing a sale of its Cologne plant",
        "link": "https://wire.example.com/ford-denies-cologne",
    }
    httpserver.expect_request("/denial.xml").respond_with_data(rss([denial], "Wire"))
    config = make_config(
        [
            {"name": "burst", "url": httpserver.url_for("/burst.xml")},
            {"name": "wire", "url": httpserver.url_for("/denial.xml")},
        ],
        slack={"channel": "#auto-intel", "summarize_after": limit},
    )
    notifier = SlackNotifier(slack.token, "#auto-intel", slack.api_url, pace=0, timeout=3)
    return Monitor(config, Environment(), db_path, notifiers={"slack": notifier}, clock=clock)


def test_a_burst_of_claims_goes_as_one_summary_message(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path, clock: Clock
) -> None:
    """A first start on many sources, or a news storm: more claims waiting than
    `summarize_after` go as one message listing each, not one a second for minutes."""
    with _burst_monitor(httpserver, slack, db_path, clock, limit=20) as m:
        m.poll(["burst"], deliver=False)
        claims = event_ids(m)
        delivery = m.deliver()
        rows = query(m.store, "SELECT status, external_ref FROM outbox")
        m.poll(["wire"])  # a denial of one of them: it replies in the summary's thread
    assert len(claims) > 20 and delivery.sent == len(claims)
    message, reply = slack.messages
    assert reply.thread_ts == message.ts and "Cologne" in reply.text
    assert not message.updated  # the summary is never overwritten with one claim's status
    assert message.metadata["event_payload"]["event_ids"] == ",".join(map(str, claims))
    text = " ".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")
    assert all(f"{city} plant" in text for city in CITIES)
    assert {r["status"] for r in rows} == {"sent"}
    assert len({r["external_ref"] for r in rows}) == 1


def test_below_the_limit_claims_go_one_by_one(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path, clock: Clock
) -> None:
    with _burst_monitor(httpserver, slack, db_path, clock, limit=0) as m:
        m.poll(["burst"], deliver=False)
        m.deliver()
        assert posted_ids(slack) == event_ids(m)


def test_a_summary_whose_answer_was_lost_is_found_not_sent_again(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path, clock: Clock
) -> None:
    with _burst_monitor(httpserver, slack, db_path, clock, limit=20) as m:
        m.poll(["burst"], deliver=False)
        slack.drop_response_next("chat.postMessage")  # Slack took it; we never heard
        first = m.deliver()
        while m.outbox.backlog():
            clock.advance(120)
            m.deliver()
        statuses_now = statuses(m)
    assert first.sent == 0
    assert len(slack.messages) == 1  # found by its event ids, not posted again
    assert statuses_now == Counter({"sent": len(CITIES)})
