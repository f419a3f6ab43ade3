"""X API v2 sources against a loopback server that answers with the documented shapes."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor import sources
from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.console import ConsoleNotifier
from monitor.status import collect_status
from tests.conftest import make_config
from tests.sql import query

TOKEN = "x-test-token-123"
USERS = {
    "1001": {"id": "1001", "name": "Ford News", "username": "FordNews", "verified": True},
    "2002": {"id": "2002", "name": "Auto Reporter", "username": "autoreporter", "verified": False},
}


def post(post_id: str, author: str, text: str) -> dict[str, Any]:
    return {
        "id": post_id,
        "author_id": author,
        "text": text,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - 600)),
        "edit_history_tweet_ids": [post_id],
    }


def page(posts: list[dict[str, Any]], next_token: str | None = None) -> dict[str, Any]:
    if not posts:
        return {"meta": {"result_count": 0}}
    authors = {p["author_id"] for p in posts}
    meta: dict[str, Any] = {
        "newest_id": max(p["id"] for p in posts),
        "oldest_id": min(p["id"] for p in posts),
        "result_count": len(posts),
    }
    if next_token:
        meta["next_token"] = next_token
    return {"data": posts, "includes": {"users": [USERS[a] for a in authors]}, "meta": meta}


STALE_SINCE_ID_ERROR = {
    "errors": [
        {
            "parameters": {"since_id": ["..."]},
            "message": "Invalid 'since_id'. 'since_id' must be a tweet id created after "
            "the start of the 7-day window.",
        }
    ],
    "title": "Invalid Request",
    "detail": "One or more parameters to your request was invalid.",
    "type": "https://api.twitter.com/2/problems/invalid-request",
}


def snowflake(seconds_ago: float) -> str:
    """A post id made `seconds_ago` (X ids carry their time: ms since 2010-11-04 << 22)."""
    return str((int((time.time() - seconds_ago) * 1000) - 1288834974657) << 22)


def _stale(post_id: str) -> bool:
    return time.time() - ((int(post_id) >> 22) + 1288834974657) / 1000 > 7 * 86400


def _as_x_sends(body: dict[str, Any], request: Request) -> dict[str, Any]:
    """What X does to a queued answer: a post over 280 characters has its `text` cut and
    its whole text in `note_tweet` only when tweet.fields asks for note_tweet; a user
    timeline includes the account's retweets unless exclude=retweets
    (docs.x.com/x-api/posts/timelines: "exclude: retweets, replies")."""
    posts = body.get("data")
    if not isinstance(posts, list):
        return body
    fields = request.args.get("tweet.fields", "").split(",")
    excluded = request.args.get("exclude", "").split(",")
    shaped = []
    for post in posts:
        if "retweets" in excluded and any(
            r.get("type") == "retweeted" for r in post.get("referenced_tweets", [])
        ):
            continue
        post = dict(post)
        if len(post.get("text", "")) > 280:
            whole = post["text"]
            post["text"] = whole[:277] + "…"
            if "note_tweet" in fields:
                post["note_tweet"] = {"text": whole}
        shaped.append(post)
    return {**body, "data": shaped}


class FakeX:
    """Records every request; answers from a queue per path, else an empty result."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[Request] = []
        self.answers: dict[str, list[tuple[dict[str, Any], int, dict[str, str]]]] = {}
        server.expect_request(re.compile(r"/2/.*")).respond_with_handler(self._answer)

    @property
    def api_url(self) -> str:
        return self.server.url_for("/2/")

    def queue(self, path: str, body: dict[str, Any], status: int = 200, **headers: str) -> None:
        self.answers.setdefault(path, []).append((body, status, headers))

    def _answer(self, request: Request) -> Response:
        self.requests.append(request)
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response('{"title":"Unauthorized","status":401}', status=401)
        since = request.args.get("since_id")
        if request.path.endswith("/search/recent") and since and _stale(since):
            # Recent search covers the last 7 days and refuses an older since_id
            # (docs.x.com/x-api/posts/search/api-reference/get-tweets-search-recent;
            # the error shape as reported in rooteco/tweetscape#421).
            return Response(
                json.dumps(STALE_SINCE_ID_ERROR), status=400, mimetype="application/json"
            )
        queued = self.answers.get(request.path)
        body, status, headers = (
            queued.pop(0) if queued else ({"meta": {"result_count": 0}}, 200, {})
        )
        body = _as_x_sends(body, request)
        headers = {k.replace("_", "-"): v for k, v in headers.items()}
        return Response(
            json.dumps(body), status=status, headers=headers, mimetype="application/json"
        )

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


@pytest.fixture
def x_api(httpserver: HTTPServer) -> Iterator[FakeX]:
    yield FakeX(httpserver)


SEARCH = {
    "name": "x-search",
    "kind": "x_search",
    "query": "(Ford OR Xiaomi) denies -is:retweet",
    "max_results": 10,
    "max_pages": 2,
}
USER = {
    "name": "x-ford",
    "kind": "x_user",
    "username": "FordNews",
    "authority": "official",
    "company": "ford",
}


def monitor_for(x_api: FakeX, db_path: Path, *source_list: dict[str, Any]) -> Monitor:
    env = Environment(x_bearer_token=SecretStr(TOKEN), x_api_url=x_api.api_url)
    config = make_config(list(source_list))
    return Monitor(config, env, db_path, notifiers={"console": ConsoleNotifier(io.StringIO())})


def items(monitor: Monitor) -> list[dict[str, Any]]:
    return query(
        monitor.store,
        "SELECT source, url, author, authority, speaks_for, title FROM items ORDER BY url",
    )


def test_search_pages_then_continues_from_since_id(x_api: FakeX, db_path: Path) -> None:
    newer, older = snowflake(600), snowflake(900)  # real ids: they carry their time
    x_api.queue(
        "/2/tweets/search/recent",
        page([post(newer, "2002", "Report: Ford in talks with Xiaomi &amp; others")], "tok2"),
    )
    x_api.queue("/2/tweets/search/recent", page([post(older, "1001", "That report is false.")]))
    with monitor_for(x_api, db_path, SEARCH) as monitor:
        first = monitor.poll(deliver=False)
        second = monitor.poll(deliver=False)
        stored = items(monitor)
    one, two, three = x_api.requests
    assert one.args["query"] == SEARCH["query"] and one.args["max_results"] == "10"
    assert one.args["expansions"] == "author_id"
    assert one.args["user.fields"] == "username,name,verified"
    assert "since_id" not in one.args and "next_token" not in one.args
    assert two.args["next_token"] == "tok2" and "since_id" not in two.args
    assert three.args["since_id"] == newer and "next_token" not in three.args
    assert first.new_items == 2 and second.new_items == 0 and not second.failed
    assert [s["url"] for s in stored] == [
        f"https://x.com/FordNews/status/{older}",
        f"https://x.com/autoreporter/status/{newer}",
    ]
    assert stored[1]["author"] == "Auto Reporter (@autoreporter)"
    assert stored[1]["title"] == "Report: Ford in talks with Xiaomi & others"
    assert stored[1]["authority"] == "social" and stored[1]["speaks_for"] is None


def test_paging_is_bounded_per_poll_and_since_id_still_advances(
    x_api: FakeX, db_path: Path
) -> None:
    ids = [snowflake(600 + 60 * n) for n in range(3)]  # newest first, as X pages
    for n in range(3):
        x_api.queue("/2/tweets/search/recent", page([post(ids[n], "2002", f"post {n}")], f"t{n}"))
    with monitor_for(x_api, db_path, SEARCH) as monitor:
        monitor.poll(deliver=False)
        assert len(x_api.requests) == 2  # max_pages = 2, though a next_token remained
        monitor.poll(deliver=False)
    assert x_api.requests[2].args["since_id"] == ids[0]
    assert "next_token" not in x_api.requests[2].args


def test_user_is_resolved_once_and_speaks_for_its_company(x_api: FakeX, db_path: Path) -> None:
    x_api.queue("/2/users/by/username/FordNews", {"data": USERS["1001"]})
    x_api.queue(
        "/2/users/1001/tweets",
        page([post("5001", "1001", "Reports of a Ford-Xiaomi venture are completely false.")]),
    )
    x_api.queue("/2/tweets/search/recent", page([post("5002", "1001", "Again: false.")]))
    with monitor_for(x_api, db_path, USER, SEARCH) as monitor:
        monitor.poll(deliver=False)
        monitor.poll(deliver=False)
        stored = items(monitor)
        cursor = monitor.store.source_states()["x-ford"].cursor
    assert x_api.paths().count("/2/users/by/username/FordNews") == 1
    assert x_api.paths().count("/2/users/1001/tweets") == 2
    timeline = [r for r in x_api.requests if r.path == "/2/users/1001/tweets"]
    assert timeline[1].args["since_id"] == "5001"
    assert cursor["user_id"] == "1001" and cursor["since_id"] == "5001"
    by_url = {r["url"]: r for r in stored}
    official = by_url["https://x.com/FordNews/status/5001"]
    assert official["authority"] == "official" and official["speaks_for"] == "ford"
    assert official["author"] == "Ford News (@FordNews)"
    # a search hit from an account configured as official speaks for its company too
    hit = by_url["https://x.com/FordNews/status/5002"]
    assert hit["source"] == "x-search" and hit["speaks_for"] == "ford"


def test_a_spent_rate_limit_window_means_no_call_until_reset(x_api: FakeX, db_path: Path) -> None:
    reset = int(time.time()) + 900
    x_api.queue(
        "/2/tweets/search/recent",
        page([post("7001", "2002", "one")], "more"),
        x_rate_limit_limit="180",
        x_rate_limit_remaining="0",
        x_rate_limit_reset=str(reset),
    )
    with monitor_for(x_api, db_path, SEARCH) as monitor:
        first = monitor.poll(deliver=False)
        second = monitor.poll(deliver=False)
        cursor = monitor.store.source_states()["x-search"].cursor
    assert len(x_api.requests) == 1  # no next page, and no call on the second poll
    assert first.new_items == 1
    assert second.results[0].skipped and "rate limit" in second.results[0].skipped
    assert cursor["since_id"] == "7001" and cursor["rate_reset"] == str(reset)


def test_a_429_waits_for_the_reset(x_api: FakeX, db_path: Path) -> None:
    reset = int(time.time()) + 1200
    x_api.queue(
        "/2/tweets/search/recent",
        {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
         "status": 429},
        status=429,
        x_rate_limit_limit="180",
        x_rate_limit_remaining="0",
        x_rate_limit_reset=str(reset),
    )  # fmt: skip
    with monitor_for(x_api, db_path, SEARCH) as monitor:
        summary = monitor.poll(deliver=False)
        state = monitor.store.source_states()["x-search"]
        again = monitor.poll(deliver=False)  # a manual poll right after waits too
    assert "HTTP 429" in (summary.results[0].error or "")
    assert state.next_poll_at is not None and state.next_poll_at.timestamp() >= reset - 1
    assert "rate limit" in (again.results[0].skipped or "")
    assert len(x_api.requests) == 1


def test_an_unknown_user_is_one_clear_error(x_api: FakeX, db_path: Path) -> None:
    x_api.queue(
        "/2/users/by/username/FordNews",
        {
            "errors": [
                {
                    "value": "FordNews",
                    "detail": "Could not find user with username: [FordNews].",
                    "title": "Not Found Error",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ]
        },
    )
    with monitor_for(x_api, db_path, USER) as monitor:
        summary = monitor.poll(deliver=False)
    assert summary.results[0].error == "Could not find user with username: [FordNews]."


def test_without_a_token_x_sources_are_skipped_with_one_warning(
    db_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "_warned", set())
    caplog.set_level(logging.WARNING)
    config = make_config([SEARCH, USER])
    with Monitor(
        config, Environment(), db_path, notifiers={"console": ConsoleNotifier(io.StringIO())}
    ) as monitor:
        first = monitor.poll(deliver=False)
        monitor.poll(deliver=False)
        report = collect_status(monitor)
    assert [r.skipped for r in first.results] == ["X_BEARER_TOKEN is not set"] * 2
    warnings = [r for r in caplog.records if "X_BEARER_TOKEN" in r.getMessage()]
    assert len(warnings) == 1
    assert TOKEN not in caplog.text
    assert {s["health"] for s in report["sources"]} == {"skipped: X_BEARER_TOKEN is not set"}


def test_a_since_id_older_than_a_week_is_left_out_of_a_search(x_api: FakeX, db_path: Path) -> None:
    """A quiet query or a daemon stopped for a week: recent search would answer 400 for
    good. The poll asks for the last 7 days instead, and identity drops what is known."""
    x_api.queue("/2/tweets/search/recent", page([post(snowflake(60), "2002", "Ford denies it")]))
    with monitor_for(x_api, db_path, SEARCH) as m:
        m.pipeline.register_sources()  # as an earlier run left it
        state = m.store.source_states()["x-search"]
        m.store.save_source_state(replace(state, cursor={"since_id": snowflake(8 * 86400)}), 600)
        summary = m.poll()
        assert not summary.failed, summary.describe()
        assert "since_id" not in x_api.requests[-1].args
        assert len(items(m)) == 1


def test_a_recent_since_id_is_kept(x_api: FakeX, db_path: Path) -> None:
    recent = snowflake(3 * 86400)
    with monitor_for(x_api, db_path, SEARCH) as m:
        m.pipeline.register_sources()  # as an earlier run left it
        state = m.store.source_states()["x-search"]
        m.store.save_source_state(replace(state, cursor={"since_id": recent}), 600)
        m.poll()
    assert x_api.requests[-1].args["since_id"] == recent


def test_a_long_post_is_read_whole(x_api: FakeX, db_path: Path) -> None:
    long_denial = (
        "Ford statement: we have seen today's reports about a venture with Xiaomi. "
        + "Context about our EV plans and our commitment to American manufacturing. " * 4
        + "To be clear, the story is completely false and baseless."
    )
    assert len(long_denial) > 280
    x_api.queue("/2/tweets/search/recent", page([post("5", "1001", long_denial)]))
    with monitor_for(x_api, db_path, SEARCH) as m:
        m.poll()
        [row] = items(m)
    assert "completely false and baseless" in row["title"]  # cut at 280 before


def test_an_official_accounts_retweets_are_not_its_words(x_api: FakeX, db_path: Path) -> None:
    x_api.queue("/2/users/by/username/FordNews", {"data": USERS["1001"]})
    own = post("11", "1001", "Ford announces a new plant in Kentucky")
    retweet = {
        **post("12", "1001", "RT @autoreporter: Ford is said to be in talks with Xiaomi"),
        "referenced_tweets": [{"type": "retweeted", "id": "10"}],
    }
    x_api.queue("/2/users/1001/tweets", page([own, retweet]))
    with monitor_for(x_api, db_path, USER) as m:
        m.poll()
        m.poll()
        titles = [r["title"] for r in items(m)]
    assert titles == ["Ford announces a new plant in Kentucky"]
    timeline = [r for r in x_api.requests if r.path == "/2/users/1001/tweets"]
    assert timeline and timeline[0].args["exclude"] == "retweets"


def _spend_the_window(x_api: FakeX, reset: int) -> None:
    """One page of search results, with the rate-limit window spent until `reset`."""
    x_api.queue(
        "/2/tweets/search/recent",
        page([post(snowflake(60), "2002", "one")]),
        x_rate_limit_remaining="0",
        x_rate_limit_reset=str(reset),
    )


def test_a_spent_window_moves_the_next_poll_to_the_reset(x_api: FakeX, db_path: Path) -> None:
    """The daemon polls a source when its next_poll_at comes: a skipped poll that left it
    in the past made the job run again at once, a core at 100% until the reset."""
    reset = int(time.time()) + 900
    _spend_the_window(x_api, reset)
    with monitor_for(x_api, db_path, SEARCH) as monitor:
        monitor.poll(deliver=False)
        for _ in range(3):
            monitor.poll(deliver=False)  # what a spinning scheduler would do
        state = monitor.store.source_states()["x-search"]
        events = query(monitor.store, "SELECT kind FROM events")
    assert len(x_api.requests) == 1
    assert state.next_poll_at is not None and state.next_poll_at.timestamp() >= reset
    assert state.healthy and not events  # 15 minutes is an ordinary wait


def test_an_absurd_reset_pauses_a_day_and_says_the_source_is_unhealthy_once(
    x_api: FakeX, db_path: Path
) -> None:
    years_away = int(time.time()) + 3 * 365 * 86400
    _spend_the_window(x_api, years_away)
    with monitor_for(x_api, db_path, SEARCH) as monitor:
        monitor.poll(deliver=False)
        monitor.poll(deliver=False)
        monitor.poll(deliver=False)
        state = monitor.store.source_states()["x-search"]
        events = [r["kind"] for r in query(monitor.store, "SELECT kind FROM events")]
        report = collect_status(monitor)
    assert events == ["source_unhealthy"]
    assert not state.healthy and "X rate limit spent" in (state.last_error or "")
    assert state.next_poll_at is not None
    assert state.next_poll_at.timestamp() <= time.time() + 86400 + 5  # a day, not years
    [source] = report["sources"]
    assert source["health"] == "unhealthy" and "X rate limit spent" in source["last_error"]


@pytest.mark.parametrize(
    ("status", "body", "wait_days"),
    [
        (
            402,
            {"title": "CreditsDepleted", "detail": "Your enrolled account has no credits."},
            0.25,
        ),
        (
            429,
            {"title": "UsageCapExceeded", "detail": "Usage cap exceeded: Monthly product cap"},
            1.0,  # at least a day: until the month turns (capped at a week)
        ),
    ],
    ids=["credits-depleted", "monthly-usage-cap"],
)
def test_x_billing_pauses_the_source_with_one_clear_line(
    x_api: FakeX,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: dict[str, str],
    wait_days: float,
) -> None:
    """X is pay-per-use: a 402 or a usage-cap 429 is not a rate limit to retry at the
    next reset; the source pauses, unhealthy at once, and the line says why."""
    x_api.queue("/2/tweets/search/recent", body, status=status)
    with monitor_for(x_api, db_path, SEARCH) as m:
        summary = m.poll()
        state = m.store.source_states()["x-search"]
        events = [r["kind"] for r in query(m.store, "SELECT kind FROM events")]
    [result] = summary.results
    assert result.error and body["title"] in result.error and "X API billing" in result.error
    assert not state.healthy and events == ["source_unhealthy"]
    assert state.next_poll_at is not None
    assert state.next_poll_at.timestamp() - time.time() >= wait_days * 86400 - 60
    assert "Traceback" not in caplog.text


def test_an_x_error_line_carries_its_title_and_detail(x_api: FakeX, db_path: Path) -> None:
    x_api.queue("/2/tweets/search/recent", STALE_SINCE_ID_ERROR, status=400)
    with monitor_for(x_api, db_path, SEARCH) as m:
        [result] = m.poll().results
    assert result.error == (
        "HTTP 400 BAD REQUEST: Invalid Request: One or more parameters to your request was invalid."
    )
