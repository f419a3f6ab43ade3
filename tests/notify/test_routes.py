"""Routes: each alert goes where its route says, once, to Slack channels and through
Apprise to a JSON webhook on a local server."""

from __future__ import annotations

import json
from datetime import timedelta
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
from monitor.errors import ConfigError
from monitor.models import utcnow
from monitor.notify.apprise import apprise_text
from monitor.routing import EventFacts, Route, Router
from tests.conftest import make_config
from tests.fakes.slack_server import DEFAULT_CHANNELS, FakeSlack
from tests.notify.stories import serve_feeds
from tests.sql import query

CHANNELS = {**DEFAULT_CHANNELS, "#ford-comms": "C0FORDCOMMS", "#rivals": "C0RIVALS"}
# Ford's people get everything about Ford (and the rest goes on); rivals' claims go to
# the competitive-intelligence channel; every denial goes to a Teams-like webhook.
ROUTES: list[dict[str, Any]] = [
    {"name": "ford-comms", "companies": ["ford"], "to": ["slack:#ford-comms"], "continue": True},
    {
        "name": "rival-claims",
        "companies": ["xiaomi", "byd"],
        "kinds": ["claim"],
        "to": ["slack:#rivals"],
    },
    {"name": "denials", "kinds": ["denial"], "to": ["apprise:hook"]},
]


class Hook:
    """A JSON webhook as Apprise's json:// posts to it; answers 500 while `failing`."""

    def __init__(self, server: HTTPServer) -> None:
        self.posts: list[dict[str, Any]] = []
        self.failing = 0
        server.expect_request("/hook", method="POST").respond_with_handler(self._handle)
        self.url = f"json://{server.host}:{server.port}/hook"

    def _handle(self, request: Request) -> Response:
        if self.failing:
            self.failing -= 1
            return Response("down", status=500)
        self.posts.append(json.loads(request.data))
        return Response("{}", status=200, content_type="application/json")


@pytest.fixture
def team_slack() -> Any:
    with FakeSlack(channels=CHANNELS) as server:
        yield server


def routed_monitor(
    httpserver: HTTPServer, slack: FakeSlack, hook: Hook, db_path: Path, **kwargs: Any
) -> Monitor:
    config = make_config(serve_feeds(httpserver), routes=ROUTES, slack={"pace": "0s"})
    env = Environment(
        slack_bot_token=SecretStr(slack.token),
        slack_api_url=slack.api_url,
        apprise={"hook": SecretStr(hook.url)},
    )
    return Monitor(config, env, db_path, **kwargs)


def channel_texts(slack: FakeSlack, channel: str) -> list[str]:
    cid = CHANNELS[channel]
    return [m.text for m in slack.messages if m.channel == cid]


def test_each_alert_arrives_where_its_route_says_once(
    httpserver: HTTPServer, team_slack: FakeSlack, db_path: Path
) -> None:
    hook = Hook(httpserver)
    with routed_monitor(httpserver, team_slack, hook, db_path) as monitor:
        first = monitor.poll()
        again = monitor.poll()  # nothing new: nothing sent twice
        events = query(monitor.store, "SELECT kind, count(*) AS n FROM events GROUP BY kind")
    counts = {row["kind"]: row["n"] for row in events}
    assert counts == {"new_claim": 6, "denial": 4}
    ford = channel_texts(team_slack, "#ford-comms")
    rivals = channel_texts(team_slack, "#rivals")
    # Two Ford claims and their two denials; the denials in the thread of their claim.
    assert len(ford) == 4 and all("Ford" in text for text in ford)
    ford_replies = [m for m in team_slack.messages if m.channel == "C0FORDCOMMS" and m.is_reply]
    assert len(ford_replies) == 2
    # Four rival claims, and the Ford–Xiaomi claim (it names Xiaomi too); no denial.
    assert len(rivals) == 5 and not any("denies" in t.lower() for t in rivals)
    assert channel_texts(team_slack, "#auto-intel") == []  # no route sends there
    # Every denial reached the webhook once, quoting the claim it answers (no threads).
    assert len(hook.posts) == 4
    assert all("in answer to:" in post["message"] for post in hook.posts)
    assert any("Ford held talks with Xiaomi" in post["message"] for post in hook.posts)
    assert first.delivery.sent == 4 + 5 + 4 and again.delivery.sent == 0


def test_a_webhook_that_fails_is_retried_and_says_why(
    httpserver: HTTPServer, team_slack: FakeSlack, db_path: Path
) -> None:
    hook = Hook(httpserver)
    hook.failing = 1
    now = [utcnow()]
    with routed_monitor(httpserver, team_slack, hook, db_path, clock=lambda: now[0]) as monitor:
        monitor.poll()
        waiting = query(
            monitor.store,
            "SELECT status, last_error FROM outbox WHERE channel = 'apprise:hook' "
            "AND status != 'sent'",
        )
        assert len(waiting) == 4  # the first failed; the others wait behind it, in order
        assert any("500" in (row["last_error"] or "") for row in waiting)
        now[0] += timedelta(hours=2)
        monitor.deliver()
        left = query(monitor.store, "SELECT count(*) AS n FROM outbox WHERE status != 'sent'")
    assert left[0]["n"] == 0 and len(hook.posts) == 4


def test_the_first_matching_route_wins_unless_it_continues() -> None:
    routes = [Route(**r) for r in ROUTES]
    router = Router(routes, ["slack"])
    assert router.destinations(EventFacts("claim", ("ford",))) == ["slack:#ford-comms"]
    assert router.destinations(EventFacts("claim", ("ford", "xiaomi"))) == [
        "slack:#ford-comms",
        "slack:#rivals",
    ]
    assert router.destinations(EventFacts("confirmation", ("byd",))) == []
    trace = router.explain(EventFacts("confirmation", ("byd",)))
    assert trace.steps[-1] == "no route matched: stored, not sent"
    assert "kind is confirmation, not denial" in trace.steps[2]
    assert Router((), ["slack"]).destinations(EventFacts("spike")) == ["slack"]
    # `slack` in a route is the default destination: the console when Slack is not set up.
    everything = Router([Route(to=("slack",), min_outlets=2)], ["console"])
    assert everything.destinations(EventFacts("claim", outlets=2)) == ["console"]
    assert everything.destinations(EventFacts("claim", outlets=1)) == []


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (
            {"companies": ["tesla"], "to": ["slack"]},
            "routes[0].companies = 'tesla': unknown company",
        ),
        (
            {"kinds": ["rumour"], "to": ["slack"]},
            "routes[0].kinds[0] = 'rumour': Input should be 'claim'",
        ),
        ({"to": ["teams"]}, "unknown destination 'teams'"),
        ({"kinds": ["claim"]}, "routes[0].to: required key is missing"),
    ],
)
def test_a_bad_route_is_named(route: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make_config([], routes=[route])
    assert message in str(caught.value)


def test_check_config_names_a_destination_it_cannot_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[[companies]]\nid = "ford"\nname = "Ford"\n\n'
        '[[routes]]\nkinds = ["denial"]\nto = ["apprise:teams", "slack:#ford-comms"]\n',
        encoding="utf-8",
    )
    for name in ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "MONITOR_APPRISE_TEAMS"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["check-config", "--config", str(path)])
    assert result.exit_code != 0
    assert "set MONITOR_APPRISE_TEAMS to its Apprise URL" in result.output
    assert "slack:#ford-comms: needs SLACK_BOT_TOKEN" in result.output
    monkeypatch.setenv("MONITOR_APPRISE_TEAMS", "json://127.0.0.1:9/hook")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = CliRunner().invoke(cli, ["check-config", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "1. route 1: kinds denial → apprise:teams, slack:#ford-comms" in result.output
    assert "json://" not in result.output  # the URL is a secret


def test_routes_explain_says_which_route_matched_and_where_it_went(
    httpserver: HTTPServer, team_slack: FakeSlack, db_path: Path, tmp_path: Path
) -> None:
    hook = Hook(httpserver)
    with routed_monitor(httpserver, team_slack, hook, db_path) as monitor:
        monitor.poll()
        [row] = query(
            monitor.store,
            "SELECT e.id FROM events e JOIN items i ON i.id = e.item_id "
            "WHERE e.kind = 'denial' AND i.title LIKE 'Ford calls report%'",
        )
        found = monitor.explain_route(row["id"])
    assert found.trace.destinations == ("slack:#ford-comms", "apprise:hook")
    assert found.trace.steps[0] == "ford-comms: matched → slack:#ford-comms"
    assert found.trace.steps[1].startswith("rival-claims: no (kind is denial, not claim)")
    assert {r["channel"]: r["status"] for r in found.sent_to} == {
        "slack:#ford-comms": "sent",
        "apprise:hook": "sent",
    }


def test_feed_text_cannot_link_or_ping_on_markdown_services() -> None:
    text = apprise_text("Ford [denies](https://evil.example) it @everyone @here")
    assert "](" not in text and "@everyone" not in text and "@here" not in text
    assert "Ford [denies] (https://evil.example) it" in text
