"""Bad input, each case through a whole poll against a loopback server.

Every failure costs one log line without a traceback and a mark on that source's
health; the good source polled alongside is unaffected; whatever parsed is kept.
Input that is odd but valid (a BOM, UTF-16, a correctly declared Windows-1252, a very
long title, markup in a title) is read correctly and costs nothing.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.models import PollResult, SourceState
from monitor.notify.console import ConsoleNotifier
from tests.conftest import DATA, ROOT, make_config, rss
from tests.sql import query
from tests.test_fetch import RawServer, endless, gzip_bomb, serve_bytes, silent, trickle

FEEDS = DATA / "feeds"
GOOD = [
    {"title": "BYD opens a plant in Hungary", "link": "https://good.example/a"},
    {"title": "Xiaomi ships its YU7 to Europe", "link": "https://good.example/b"},
]


class Polled:
    def __init__(
        self, results: list[PollResult], states: dict[str, SourceState], rows: list[dict[str, Any]]
    ) -> None:
        self.by_name = {r.source: r for r in results}
        self.states = states
        self.rows = rows  # items stored from the bad source

    @property
    def bad(self) -> PollResult:
        return self.by_name["bad"]


@pytest.fixture
def poll_beside_a_good_source(
    httpserver: HTTPServer, db_path: Path, caplog: pytest.LogCaptureFixture
) -> Iterator[Any]:
    httpserver.expect_request("/good.xml").respond_with_data(
        rss(GOOD), content_type="application/rss+xml"
    )

    def run(bad_url: str, timeout: str = "1s") -> Polled:
        config = make_config(
            [
                {"name": "good", "url": httpserver.url_for("/good.xml")},
                {"name": "bad", "url": bad_url},
            ],
            monitor={"request_timeout": timeout},
        )
        caplog.set_level(logging.INFO)
        out = io.StringIO()
        with Monitor(
            config, Environment(), db_path, notifiers={"console": ConsoleNotifier(out)}
        ) as monitor:
            results = monitor.poll(deliver=False).results
            states = monitor.store.source_states()
            rows = query(
                monitor.store,
                "SELECT title, summary, url, published_at FROM items WHERE source = 'bad' "
                "ORDER BY id",
            )
        polled = Polled(results, states, rows)
        assert polled.by_name["good"].ok and polled.by_name["good"].new_items == 2
        return polled

    yield run


def _lines_about_bad(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.levelno >= logging.WARNING and "source bad" in r.getMessage()
    ]


def assert_one_mark(polled: Polled, caplog: pytest.LogCaptureFixture, expected: str) -> None:
    """`expected` in the error (or, for a document read in part, the warning);
    alternatives separated by '|'."""
    mark = polled.bad.error or polled.bad.warning or ""
    assert any(e in mark for e in expected.split("|"))
    lines = _lines_about_bad(caplog)
    assert len(lines) == 1, [r.getMessage() for r in lines]
    assert lines[0].exc_info is None and "Traceback" not in caplog.text
    assert "\n" not in lines[0].getMessage()
    state = polled.states["bad"]
    assert state.consecutive_errors == 1 and state.last_error == mark


def serve_fixture(server: HTTPServer, name: str, content_type: str = "application/xml") -> str:
    server.expect_request(f"/{name}").respond_with_data(
        (FEEDS / name).read_bytes(), content_type=content_type
    )
    return server.url_for(f"/{name}")


@pytest.mark.parametrize(
    ("name", "content_type", "expected", "kept"),
    [
        ("malformed.xml", "application/rss+xml", "malformed feed, kept what parsed", 3),
        ("wrong_charset.xml", "application/xml", "wrong charset", 3),
        ("html_not_feed.html", "text/html", "not a feed: the server sent an HTML page", 0),
        ("binary.bin", "application/octet-stream", "not a feed: the server sent binary", 0),
        ("empty.xml", "application/xml", "empty response body", 0),
        ("billion_laughs.xml", "application/xml", "entities: ignored, not expanded", 0),
        ("external_entity.xml", "application/xml", "entities: ignored, not expanded", 2),
    ],
)
def test_broken_documents(
    poll_beside_a_good_source: Any,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    name: str,
    content_type: str,
    expected: str,
    kept: int,
) -> None:
    started = time.monotonic()
    polled = poll_beside_a_good_source(serve_fixture(httpserver, name, content_type))
    assert time.monotonic() - started < 5
    assert_one_mark(polled, caplog, expected)
    assert len(polled.rows) == kept == polled.bad.new_items
    if kept:  # read in part: a success with a warning, not a failure
        assert polled.bad.ok and polled.bad.warning and polled.bad.error is None
    assert all("lollol" not in r["title"] and "root:" not in r["summary"] for r in polled.rows)


BOM_TITLE = "小米 YU7 orders pass 300,000 — Xiaomi’s biggest launch yet"
UTF16_TITLE = "比亚迪 BYD sold 502,113 new energy vehicles in October"
CP1252_TITLE = "Ford Explorer Electric price cut to €42,990 in Germany"


@pytest.mark.parametrize(
    ("name", "content_type", "title"),
    [
        ("utf8_bom.xml", "application/xml", BOM_TITLE),
        ("utf16.xml", "application/xml; charset=utf-16", UTF16_TITLE),
        ("cp1252.xml", "text/xml", CP1252_TITLE),
    ],
)
def test_valid_encodings_cost_nothing(
    poll_beside_a_good_source: Any,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    name: str,
    content_type: str,
    title: str,
) -> None:
    polled = poll_beside_a_good_source(serve_fixture(httpserver, name, content_type))
    assert polled.bad.ok and polled.states["bad"].consecutive_errors == 0
    assert title in [r["title"] for r in polled.rows] and len(polled.rows) == 3
    assert not _lines_about_bad(caplog)


def test_a_huge_title_is_clipped(poll_beside_a_good_source: Any, httpserver: HTTPServer) -> None:
    polled = poll_beside_a_good_source(serve_fixture(httpserver, "huge_title.xml"))
    assert polled.bad.ok and len(polled.rows) == 2
    lengths = sorted(len(r["title"]) for r in polled.rows)
    assert lengths[0] == len("BYD shares close 2.1% higher in Hong Kong")
    assert 400 < lengths[1] <= 500


def test_markup_in_titles_is_stored_as_text_and_summaries_hold_no_tags(
    poll_beside_a_good_source: Any, httpserver: HTTPServer
) -> None:
    polled = poll_beside_a_good_source(serve_fixture(httpserver, "injection.xml"))
    assert polled.bad.ok and len(polled.rows) == 5  # the javascript: link is dropped
    titles = [r["title"] for r in polled.rows]
    assert "Xiaomi statement <!channel> @here: SU7 recall expanded" in titles
    assert "<script>alert(1)</script>BYD wins Euro NCAP safety award" in titles
    summaries = " ".join(r["summary"] or "" for r in polled.rows)
    for markup in ("<script", "<img", "<b>", "<i>", "<p>", "<!channel>", "onerror="):
        assert markup not in summaries
    assert all(r["url"].startswith("https://legit-auto-news.example/") for r in polled.rows)


@pytest.mark.parametrize(
    ("handler", "expected"),
    [(trickle, "request deadline"), (silent, "read timeout|request deadline")],
    ids=["one-byte-a-second", "never-answers"],
)
def test_slow_servers_cost_no_more_than_the_deadline(
    poll_beside_a_good_source: Any, caplog: pytest.LogCaptureFixture, handler: Any, expected: str
) -> None:
    with RawServer(handler) as server:
        started = time.monotonic()
        polled = poll_beside_a_good_source(server.url(), timeout="1s")
        elapsed = time.monotonic() - started
    assert elapsed < 2.5  # the whole poll, not just the request
    assert_one_mark(polled, caplog, expected)


@pytest.mark.parametrize("case", ["50 MB body", "gzip bomb"])
def test_oversized_bodies_are_cut_off(
    poll_beside_a_good_source: Any, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    handler = (
        endless(50 * 1024 * 1024)
        if case == "50 MB body"
        else serve_bytes(gzip_bomb(200 * 1024 * 1024))
    )
    with RawServer(handler) as server:
        polled = poll_beside_a_good_source(server.url(), timeout="10s")
    assert_one_mark(polled, caplog, "response body larger than 10 MB (limit)")


def test_a_redirect_loop(
    poll_beside_a_good_source: Any,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for a, b in (("/a", "/b"), ("/b", "/a")):
        httpserver.expect_request(a).respond_with_data("", status=302, headers={"Location": b})
    polled = poll_beside_a_good_source(httpserver.url_for("/a"))
    assert_one_mark(polled, caplog, "more than 5 redirects")


def test_a_500(
    poll_beside_a_good_source: Any,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    httpserver.expect_request("/e").respond_with_data("oops", status=500)
    polled = poll_beside_a_good_source(httpserver.url_for("/e"))
    assert_one_mark(polled, caplog, "HTTP 500")


def test_a_429_with_retry_after_is_waited_out(
    poll_beside_a_good_source: Any,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    httpserver.expect_request("/r").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    before = time.time()
    polled = poll_beside_a_good_source(httpserver.url_for("/r"))
    assert_one_mark(polled, caplog, "HTTP 429")
    next_poll = polled.states["bad"].next_poll_at
    assert next_poll is not None and next_poll.timestamp() >= before + 3600 - 1


MEMORY_PROBE = """
import io, json, resource, sys, time
from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.console import ConsoleNotifier
from tests.conftest import make_config
from tests.test_fetch import RawServer, endless, gzip_bomb, serve_bytes

bomb = gzip_bomb(1024 * 1024 * 1024)  # 1 GB of zeros, about 1 MB compressed
with RawServer(endless(50 * 1024 * 1024)) as big, RawServer(serve_bytes(bomb)) as bombed:
    config = make_config(
        [{"name": "big", "url": big.url()}, {"name": "bomb", "url": bombed.url()}],
        monitor={"request_timeout": "20s"},
    )
    with Monitor(config, Environment(), sys.argv[1],
                 notifiers={"console": ConsoleNotifier(io.StringIO())}) as monitor:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results = monitor.poll(deliver=False).results
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_mb": before / 1024, "peak_mb": after / 1024,
                  "errors": {r.source: r.error for r in results}}))
"""


def test_peak_memory_while_polling_a_50_mb_body_and_a_gzip_bomb(db_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(db_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(report["errors"].values()) == {"response body larger than 10 MB (limit)"}
    assert report["peak_mb"] < 300
    assert report["peak_mb"] - report["before_mb"] < 100  # the cap, not the body, sets the cost
