"""`monitor poll` over loopback feeds: dedup, one alert per story, failures isolated."""

from __future__ import annotations

import io
import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.console import ConsoleNotifier
from tests.conftest import make_config, rss
from tests.sql import query


@pytest.fixture
def db_path(db_target: str) -> str:
    """This module runs on both backends: SQLite and Postgres."""
    return db_target


CLAIM_TEXT = (
    "Ford has held talks with Xiaomi about a joint venture to build electric vehicles "
    "in the US, according to four people familiar with the matter."
)


def _syndicated(n: int) -> list[dict]:
    titles = [
        "Ford held talks with Xiaomi on US electric vehicle venture",
        "Ford held talks with Xiaomi on U.S. EV venture - FT",
        "Ford held talks with Xiaomi on US electric vehicle venture, FT reports",
        "Ford reportedly held talks with Xiaomi on US electric vehicle venture",
        "Ford held talks with Xiaomi on US electric vehicle venture: report",
    ]
    return [
        {
            "title": titles[i % len(titles)],
            "link": f"https://outlet{i}.example.com/news/ford-xiaomi?utm_source=rss&i={i}",
            "description": CLAIM_TEXT,
        }
        for i in range(n)
    ]


def _monitor(config, db_path: Path, out: io.StringIO) -> Monitor:
    return Monitor(config, Environment(), db_path, notifiers={"console": ConsoleNotifier(out)})


def test_five_syndicated_copies_give_one_claim_alert(httpserver: HTTPServer, db_path) -> None:
    items = _syndicated(5)
    httpserver.expect_request("/a.xml").respond_with_data(rss(items[:2], "Outlet A"))
    httpserver.expect_request("/b.xml").respond_with_data(rss(items[2:4], "Outlet B"))
    httpserver.expect_request("/c.xml").respond_with_data(rss(items[4:], "Outlet C"))
    config = make_config([{"name": n, "url": httpserver.url_for(f"/{n}.xml")} for n in "abc"])
    out = io.StringIO()
    with _monitor(config, db_path, out) as monitor:
        summary = monitor.poll()
        stories = query(monitor.store, "SELECT * FROM stories")
        in_story = query(monitor.store, "SELECT count(*) AS n FROM items WHERE story_id = 1")
    assert summary.new_items == 5
    assert out.getvalue().count("[CLAIM]") == 1
    assert len(stories) == 1 and stories[0]["outlet_count"] == 3
    assert in_story[0]["n"] == 5


def test_second_poll_of_unchanged_feeds_stores_and_alerts_nothing(
    httpserver: HTTPServer, db_path
) -> None:
    body = rss(_syndicated(3))
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"}
    )
    config = make_config([{"name": "feed", "url": httpserver.url_for("/feed.xml")}])
    out = io.StringIO()
    with _monitor(config, db_path, out) as monitor:
        first = monitor.poll()
        alerts_after_first = out.getvalue()
        second = monitor.poll()
        items = query(monitor.store, "SELECT count(*) AS n FROM items")[0]["n"]
    assert first.new_items == 3 and first.delivery.sent == 1
    assert second.new_items == 0 and second.events == 0 and second.delivery.sent == 0
    assert items == 3
    assert out.getvalue() == alerts_after_first


def test_not_modified_is_a_cheap_success(httpserver: HTTPServer, db_path) -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(rss(_syndicated(1)), headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    config = make_config([{"name": "feed", "url": httpserver.url_for("/feed.xml")}])
    with _monitor(config, db_path, io.StringIO()) as monitor:
        monitor.poll()
        second = monitor.poll()
        state = monitor.store.source_states()["feed"]
    assert second.results[0].not_modified
    assert state.etag == '"v1"' and state.consecutive_errors == 0


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("html", "HTML page"), ("500", "HTTP 500"), ("timeout", "request deadline")],
)
def test_a_broken_source_costs_one_line_and_spares_the_others(
    threaded_httpserver: HTTPServer,
    db_path,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    expected: str,
) -> None:
    httpserver = threaded_httpserver
    httpserver.expect_request("/good.xml").respond_with_data(rss(_syndicated(1)))
    if kind == "html":
        httpserver.expect_request("/bad.xml").respond_with_data(
            "<html><body><h1>Welcome</h1></body></html>", content_type="text/html"
        )
    elif kind == "500":
        httpserver.expect_request("/bad.xml").respond_with_data("oops", status=500)
    else:
        httpserver.expect_request("/bad.xml").respond_with_handler(
            lambda request: (time.sleep(3), Response("late"))[1]
        )
    config = make_config(
        [
            {"name": "good", "url": httpserver.url_for("/good.xml")},
            {"name": "bad", "url": httpserver.url_for("/bad.xml")},
        ],
        monitor={"request_timeout": "1s"},
    )
    caplog.set_level(logging.WARNING)
    with _monitor(config, db_path, io.StringIO()) as monitor:
        summary = monitor.poll()
        state = monitor.store.source_states()["bad"]
    by_name = {r.source: r for r in summary.results}
    assert by_name["good"].new_items == 1 and by_name["good"].ok
    assert expected in (by_name["bad"].error or "")
    lines = [r for r in caplog.records if "bad" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None  # one line, no traceback
    assert state.consecutive_errors == 1 and expected in (state.last_error or "")
    assert state.next_poll_at is not None  # retried on a later poll, with backoff
    assert state.next_poll_at > datetime.now(UTC) + timedelta(seconds=30)


def test_old_items_are_stored_without_alerting(httpserver: HTTPServer, db_path) -> None:
    old = _syndicated(1)[0] | {"published": datetime.now(UTC) - timedelta(days=10)}
    httpserver.expect_request("/feed.xml").respond_with_data(rss([old]))
    config = make_config([{"name": "feed", "url": httpserver.url_for("/feed.xml")}])
    out = io.StringIO()
    with _monitor(config, db_path, out) as monitor:
        summary = monitor.poll()
    assert summary.new_items == 1 and summary.events == 0 and out.getvalue() == ""


def test_an_unforeseen_parse_error_fails_that_source_only(
    httpserver: HTTPServer, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/good.xml").respond_with_data(rss(_syndicated(1)))
    # A link that is not a URL at all ("http://[broken") used to raise ValueError.
    httpserver.expect_request("/bad.xml").respond_with_data(
        '<html><body><div class="x"><a href="http://[broken/x">A headline long enough to '
        "count as a press release</a></div></body></html>",
        content_type="text/html",
    )
    config = make_config(
        [
            {"name": "good", "url": httpserver.url_for("/good.xml")},
            {"name": "bad", "kind": "page", "url": httpserver.url_for("/bad.xml")},
        ]
    )
    caplog.set_level(logging.WARNING)
    with _monitor(config, db_path, io.StringIO()) as monitor:
        summary = monitor.poll()
        state = monitor.store.source_states()["bad"]
    by_name = {r.source: r for r in summary.results}
    assert by_name["good"].new_items == 1
    assert by_name["bad"].error and state.consecutive_errors == 1
    assert "Traceback" not in caplog.text


def test_a_broken_but_readable_feed_is_marked_but_never_unhealthy(
    httpserver: HTTPServer, db_path: Path
) -> None:
    from tests.conftest import DATA

    httpserver.expect_request("/m.xml").respond_with_data(
        (DATA / "feeds" / "malformed.xml").read_bytes(), content_type="application/rss+xml"
    )
    config = make_config(
        [{"name": "m", "url": httpserver.url_for("/m.xml")}], monitor={"unhealthy_after": 2}
    )
    with _monitor(config, db_path, io.StringIO()) as monitor:
        for _ in range(4):
            monitor.poll()
        state = monitor.store.source_states()["m"]
        events = query(monitor.store, "SELECT kind FROM events WHERE source = 'm'")
    assert state.healthy and state.last_ok_at is not None
    assert state.consecutive_errors == 4 and "malformed" in (state.last_error or "")
    assert events == []


def test_a_failing_step_on_one_item_is_told_truly(
    httpserver: HTTPServer, db_path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """A bug in the analysis of an item stores it without analysis and says so; when
    storing it fails too, the line says it was not stored, rather than claim it was."""
    httpserver.expect_request("/a.xml").respond_with_data(rss(_syndicated(1), "Outlet A"))
    config = make_config([{"name": "a", "url": httpserver.url_for("/a.xml")}])
    with _monitor(config, db_path, io.StringIO()) as m:

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(m.pipeline.analyzer, "analyse", broken)
        with caplog.at_level(logging.ERROR):
            m.poll()
        stored = query(m.store, "SELECT count(*) AS n FROM items")[0]["n"]
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert stored == 1
    assert len(lines) == 1 and "analysing failed (RuntimeError: a bug)" in lines[0]
    assert lines[0].endswith("stored without analysis")


def test_an_item_that_cannot_be_stored_is_not_said_to_be(
    httpserver: HTTPServer, db_path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """...and it is not lost: the source's validators are dropped, so the next poll
    brings the item again instead of a 304."""
    body = rss(_syndicated(1), "Outlet A")

    def conditional(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(body, headers={"ETag": '"v1"'}, content_type="application/rss+xml")

    httpserver.expect_request("/a.xml").respond_with_handler(conditional)
    config = make_config([{"name": "a", "url": httpserver.url_for("/a.xml")}])
    with _monitor(config, db_path, io.StringIO()) as m:

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug")

        monkeypatch.setattr(m.pipeline.recorder, "record", broken)
        with caplog.at_level(logging.ERROR):
            m.poll()
        stored = query(m.store, "SELECT count(*) AS n FROM items")[0]["n"]
        monkeypatch.undo()
        m.poll()
        stored_later = query(m.store, "SELECT count(*) AS n FROM items")[0]["n"]
    lines = [r.getMessage() for r in caplog.records if "a bug" in r.getMessage()]
    assert stored == 0
    assert lines and "recording failed" in lines[0] and "it is not stored" in lines[0]
    assert not any("stored without analysis" in line for line in lines)
    assert stored_later == 1


def _guid_feed(items: list[tuple[str, str]]) -> str:
    """RSS whose items have a GUID that is not a permalink, and no link."""
    body = "".join(
        f'<item><title>{title}</title><guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>Mon, 07 Dec 2026 0{n}:00:00 GMT</pubDate></item>"
        for n, (title, guid) in enumerate(items)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    return f"{head}{body}</channel></rss>"


def test_items_that_share_one_guid_are_each_kept_and_the_source_is_marked(
    httpserver: HTTPServer, db_path
) -> None:
    """Five different items with one constant GUID and no links: all five are kept (told
    apart by title), the same item listed twice stays one, and the source says why."""
    titles = [f"Ford plant update number {n}" for n in range(5)]
    feed = _guid_feed([(t, "constant-guid") for t in [*titles, titles[0]]])
    httpserver.expect_request("/g.xml").respond_with_data(feed)
    config = make_config([{"name": "g", "url": httpserver.url_for("/g.xml")}])
    with _monitor(config, db_path, io.StringIO()) as m:
        [result] = m.poll().results
        m.poll()  # the same response again: nothing new
        stored = sorted(r["title"] for r in query(m.store, "SELECT title FROM items"))
    assert stored == titles
    assert result.new_items == 5
    assert result.warning and "shared a GUID or link" in result.warning


def test_a_feed_whose_identities_change_at_every_poll_stores_each_title_once(
    httpserver: HTTPServer, db_path
) -> None:
    """Links and GUIDs with a session id that changes per request: the same five titles
    come back as five new items at every poll. The second poll sees it, stores nothing,
    and marks the source, rather than add five rows per poll forever."""
    titles = [f"BYD opens dealership in city {n}" for n in range(5)]
    polls = iter(range(100))

    def changing(request: Request) -> Response:
        session = next(polls)
        return Response(
            _guid_feed([(t, f"{t}-session-{session}") for t in titles]),
            content_type="application/rss+xml",
        )

    httpserver.expect_request("/s.xml").respond_with_handler(changing)
    config = make_config([{"name": "s", "url": httpserver.url_for("/s.xml")}])
    with _monitor(config, db_path, io.StringIO()) as m:
        first = m.poll().results[0]
        second = m.poll().results[0]
        stored = query(m.store, "SELECT count(*) AS n FROM items")[0]["n"]
    assert first.new_items == 5 and second.new_items == 0
    assert stored == 5
    assert second.warning and "identities change" in second.warning
