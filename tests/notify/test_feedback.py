"""Feedback from Slack: buttons on the alerts, pressed through a fake Socket Mode server
(handed out by the fake's apps.connections.open), and what each press does."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.app import Monitor
from monitor.cli import cli
from monitor.config import Environment
from monitor.notify.digest import build_digest, render_text
from monitor.notify.slack_feedback import FeedbackListener
from tests.conftest import make_config, rss
from tests.fakes.slack_server import FakeSlack, Message
from tests.sql import query

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
FORD_CLAIM = {
    "title": "Ford held talks with Xiaomi on a US electric-vehicle venture, FT reports",
    "link": "https://ft.example.com/ford-xiaomi",
    "description": "Ford has held talks with Xiaomi about a US venture, people familiar said.",
}
BYD_CLAIM = {
    "title": "BYD plans second Mexico plant to serve Latin America, sources say",
    "link": "https://ft.example.com/byd-mexico",
    "description": "BYD is planning a new assembly plant in Mexico, people familiar said.",
}
FORD_DENIAL = {
    "title": "Ford calls report of Xiaomi EV venture talks 'completely false and baseless'",
    "link": "https://wire.example.com/ford-denies",
    "description": "Ford said the FT story about talks with Xiaomi is completely false.",
}
BYD_DENIAL = {
    "title": "BYD denies plans for a second Mexico plant",
    "link": "https://wire.example.com/byd-denies",
    "description": "BYD said it has no plans for a second plant in Mexico.",
}
XIAOMI_DENIAL = {
    "title": "Xiaomi denies holding talks with Ford on a US electric-vehicle venture",
    "link": "https://wire.example.com/xiaomi-denies",
    "description": "Xiaomi said the report of talks with Ford on a US venture is untrue.",
}


class Newsroom:
    """Two feeds on a loopback server; `publish` adds items to the second."""

    def __init__(self, server: HTTPServer) -> None:
        self.claims = [FORD_CLAIM, BYD_CLAIM]
        self.answers: list[dict[str, Any]] = []
        server.expect_request("/claims.xml").respond_with_handler(self._feed("claims"))
        server.expect_request("/answers.xml").respond_with_handler(self._feed("answers"))
        self.sources = [
            {"name": "claims", "url": server.url_for("/claims.xml")},
            {"name": "answers", "url": server.url_for("/answers.xml")},
        ]

    def _feed(self, name: str) -> Any:
        def answer(request: Request) -> Response:
            items = [{**item, "published": self.when} for item in getattr(self, name)]
            return Response(rss(items, name), content_type="application/rss+xml")

        return answer

    when = NOW - timedelta(minutes=30)


@pytest.fixture
def team_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def make_monitor(
    server: HTTPServer, slack: FakeSlack, db_path: Path, clock: list[datetime], app: bool = True
) -> tuple[Monitor, Newsroom]:
    room = Newsroom(server)
    config = make_config(
        room.sources, slack={"channel": "#auto-intel", "pace": "0s", "summarize_after": 0}
    )
    env = Environment(
        slack_bot_token=SecretStr(slack.token),
        slack_api_url=slack.api_url,
        slack_app_token=SecretStr(slack.app_token) if app else None,
    )
    return Monitor(config, env, db_path, clock=lambda: clock[0]), room


def message_about(slack: FakeSlack, words: str) -> Message:
    return next(m for m in slack.messages if words in (m.text or ""))


Listening = tuple[Monitor, Newsroom, FeedbackListener, list[datetime]]


@pytest.fixture
def listening(httpserver: HTTPServer, team_slack: FakeSlack, db_path: Path) -> Iterator[Listening]:
    clock = [NOW]
    monitor, room = make_monitor(httpserver, team_slack, db_path, clock)
    listener = monitor.feedback_listener()
    assert listener is not None
    listener.start()
    try:
        team_slack.socket_mode.wait_connected()
        yield monitor, room, listener, clock
    finally:
        listener.close()
        monitor.close()


def press(slack: FakeSlack, message: Message, action: str) -> None:
    """Press a button and wait for monitor's answer in the alert's thread."""
    before = len(slack.messages)
    envelope = slack.socket_mode.press(message, f"monitor_feedback:{action}")
    assert slack.socket_mode.acknowledged_in_time(envelope)
    slack.wait_for(lambda s: len(s.messages) > before)


def test_mute_holds_for_24_hours_and_then_expires(
    listening: Listening,
    team_slack: FakeSlack,
) -> None:
    monitor, room, _, clock = listening
    monitor.poll()
    ford = message_about(team_slack, "Ford held talks")
    press(team_slack, ford, "mute")
    [answer] = team_slack.replies(ford.ts)
    assert "<@U0ALICE> muted this story until Wed 09:00 UTC" in (answer.text or "")

    room.answers = [FORD_DENIAL, BYD_DENIAL]
    clock[0] = NOW + timedelta(hours=1)
    monitor.poll()
    texts = [m.text or "" for m in team_slack.messages]
    assert any("BYD denies" in t for t in texts)  # not muted
    assert not any("completely false" in t for t in texts)  # muted: recorded, not sent
    denial = query(
        monitor.store,
        "SELECT e.id, (SELECT count(*) FROM outbox o WHERE o.event_id = e.id) AS rows "
        "FROM events e JOIN items i ON i.id = e.item_id WHERE i.url LIKE '%ford-denies'",
    )
    assert denial and denial[0]["rows"] == 0

    room.answers = [FORD_DENIAL, BYD_DENIAL, XIAOMI_DENIAL]
    clock[0] = NOW + timedelta(hours=25)  # the mute has expired
    monitor.poll()
    assert any("Xiaomi denies holding talks" in (m.text or "") for m in team_slack.messages)


def test_corrections_are_stored_shown_in_the_digest_and_exported(
    listening: Listening,
    team_slack: FakeSlack,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monitor, _, _, _ = listening
    monitor.poll()
    ford = message_about(team_slack, "Ford held talks")
    byd = message_about(team_slack, "BYD plans second")
    press(team_slack, ford, "not_about:xiaomi")
    press(team_slack, byd, "not_stance")
    assert "noted as *not a claim*" in (team_slack.replies(byd.ts)[0].text or "")
    rows = query(monitor.store, "SELECT user_id, user_name, action, company FROM feedback")
    assert rows == [
        {"user_id": "U0ALICE", "user_name": "alice", "action": "not_about", "company": "xiaomi"},
        {"user_id": "U0ALICE", "user_name": "alice", "action": "not_stance", "company": None},
    ]
    text = render_text(build_digest(monitor.store, monitor.config, NOW + timedelta(hours=1)))
    assert "corrected: marked not about Xiaomi by alice" in text
    assert "corrected: marked not a claim by alice" in text

    out = tmp_path / "feedback.jsonl"
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "c.toml"
    config.write_text('[[companies]]\nid = "ford"\nname = "Ford"\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["feedback", "export", "--config", str(config), "--db", str(db_path), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["entities"], r["stance"], r["feedback"]) for r in exported] == [
        (["ford"], "claim", "not_about:xiaomi"),
        (["byd"], "neutral", "not_stance"),
    ]
    assert exported[0]["text"] == FORD_CLAIM["title"] and exported[0]["url"] == FORD_CLAIM["link"]
    assert exported[0]["labelled_by"] == "slack:alice"


def test_wrong_thread_takes_the_denial_off_its_claim(
    listening: Listening,
    team_slack: FakeSlack,
) -> None:
    monitor, room, _, clock = listening
    monitor.poll()
    room.answers = [BYD_DENIAL]
    clock[0] = NOW + timedelta(minutes=10)
    monitor.poll()
    [claim] = query(monitor.store, "SELECT id, status FROM stories WHERE title LIKE 'BYD plans%'")
    assert claim["status"] == "denied"
    denial = message_about(team_slack, "BYD denies")
    assert denial.thread_ts is not None  # threaded under its claim
    press(team_slack, denial, "wrong_thread")
    [after] = query(monitor.store, "SELECT status FROM stories WHERE id = ?", [claim["id"]])
    assert after["status"] == "reported"
    assert "whose status is now reported" in (team_slack.messages[-1].text or "")


def test_without_an_app_token_there_are_no_buttons(
    httpserver: HTTPServer, team_slack: FakeSlack, db_path: Path
) -> None:
    monitor, _ = make_monitor(httpserver, team_slack, db_path, [NOW], app=False)
    with monitor:
        monitor.poll()
        assert monitor.feedback_listener() is None
    assert team_slack.messages
    assert not any(b["type"] == "actions" for m in team_slack.messages for b in m.blocks or [])


def test_the_buttons_follow_block_kits_limits(
    httpserver: HTTPServer, team_slack: FakeSlack, db_path: Path
) -> None:
    monitor, _ = make_monitor(httpserver, team_slack, db_path, [NOW])
    with monitor:
        monitor.poll()
    ford = message_about(team_slack, "Ford held talks")
    [actions] = [b for b in ford.blocks or [] if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in actions["elements"]]
    assert labels == ["Not about Ford", "Not about Xiaomi", "Not a claim", "Mute story for 24 h"]
    assert all(json.loads(e["value"])["e"] for e in actions["elements"])


def test_a_bot_token_given_as_app_token_is_one_clear_error(
    team_slack: FakeSlack, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config([])
    env = Environment(
        slack_bot_token=SecretStr(team_slack.token),
        slack_api_url=team_slack.api_url,
        slack_app_token=SecretStr(team_slack.token),  # the wrong kind of token
    )
    with Monitor(config, env, db_path) as monitor, caplog.at_level(logging.ERROR):
        listener = monitor.feedback_listener()
        assert listener is not None
        listener.start()
        team_slack.wait_for(lambda s: bool(s.calls_to("apps.connections.open")))
        listener.close()
    errors = [r.getMessage() for r in caplog.records if r.name.startswith("monitor")]
    assert any("not_allowed_token_type" in e and "SLACK_APP_TOKEN" in e for e in errors), errors
    assert not listener.connected
    assert team_slack.token not in caplog.text


def test_check_config_says_whether_the_buttons_are_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[companies]]\nid = "ford"\nname = "Ford"\n', encoding="utf-8")
    for name in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0APP-test")
    alone = CliRunner().invoke(cli, ["check-config", "--config", str(config)])
    assert alone.exit_code == 0 and "buttons need the bot token" in alone.output
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    both = CliRunner().invoke(cli, ["check-config", "--config", str(config)])
    assert "feedback buttons: on" in both.output and "xapp-" not in both.output
