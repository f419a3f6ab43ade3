"""Newsroom listing pages: automatic mode on three differently built pages, selectors,
<base href>, and pages the automatic mode was not written against."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.errors import ParseError
from monitor.models import FetchResult, ItemData
from monitor.notify.console import ConsoleNotifier
from monitor.sources.dates import parse_date_text
from monitor.sources.pages import parse_page
from tests.conftest import DATA, make_config
from tests.sql import query

PAGES = DATA / "pages"


def parse(html: str | bytes, url: str, **source: Any) -> list[ItemData]:
    config = make_config([{"name": "p", "kind": "page", "url": url, **source}])
    body = html.encode() if isinstance(html, str) else html
    return parse_page(config.sources[0], FetchResult("p", url, 200, body)).items


def _published(value: str | None) -> datetime | date | None:
    if value is None:
        return None
    if "T" in value:
        return datetime.fromisoformat(value)
    return date.fromisoformat(value)


def _as_expected(item: ItemData, like: datetime | date | None) -> datetime | date | None:
    if item.published_at is None or like is None or isinstance(like, datetime):
        return item.published_at
    return item.published_at.date()


@pytest.mark.parametrize("name", ["wordpress_list", "card_grid", "table_releases"])
def test_auto_mode_finds_exactly_the_listed_releases(name: str) -> None:
    expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    items = parse((PAGES / f"{name}.html").read_bytes(), expected["base_url"])
    want = [(e["title"], e["url"], _published(e["published"])) for e in expected["items"]]
    got = [
        (i.title, i.url, _as_expected(i, _published(e["published"])))
        for i, e in zip(items, expected["items"], strict=False)
    ]
    assert len(items) == len(want)
    assert got == want
    assert all(i.key == i.key.lower() or "?" in i.key for i in items)
    assert all(i.published_at is None or i.published_at.tzinfo is not None for i in items)


def test_auto_mode_keeps_summaries_but_not_read_more_links() -> None:
    expected = json.loads((PAGES / "wordpress_list.expected.json").read_text(encoding="utf-8"))
    items = parse((PAGES / "wordpress_list.html").read_bytes(), expected["base_url"])
    assert items[1].summary.startswith("BYD Europe has noted recent media reports")
    assert "Continue reading" not in items[1].summary
    assert items[0].outlet == "BYD Europe"  # og:site_name


def test_base_href_is_honoured() -> None:
    items = parse((PAGES / "table_releases.html").read_bytes(), "https://elsewhere.example/x/y")
    assert items[0].url == "https://ir.example.com/en/release.aspx?id=1291"


def test_selector_mode() -> None:
    html = (PAGES / "card_grid.html").read_bytes()
    items = parse(
        html,
        "https://corporate.example.com/newsroom/",
        selectors={
            "item": ".card",
            "title": ".card__title",
            "link": "a.card__link",
            "date": ".card__date",
        },
    )
    assert len(items) == 9  # the grid only: the featured story is not a .card
    assert items[0].title.startswith("Ford Statement on Media Reports")
    assert items[0].url.startswith("https://corporate.example.com/news/2026/11/17/")
    assert items[0].published_at == datetime(2026, 11, 17, tzinfo=UTC)
    assert items[5].published_at is None  # the video card has no date


def test_selector_mode_with_relative_links_and_base() -> None:
    html = """<html><head><base href="https://news.example.org/press/"></head><body>
    <div class="pr"><a href="a-1.html"><span class="t">First release title</span></a>
    <em>3 November 2026</em><p class="s">Summary one</p></div>
    <div class="pr"><a href="javascript:void(0)">Hostile</a></div>
    </body></html>"""
    items = parse(
        html,
        "https://news.example.org/index",
        selectors={"item": ".pr", "title": ".t", "summary": ".s"},
    )
    assert [(i.title, i.url, i.summary) for i in items] == [
        ("First release title", "https://news.example.org/press/a-1.html", "Summary one")
    ]
    assert items[0].published_at == datetime(2026, 11, 3, tzinfo=UTC)


SIMPLE_LIST = """<!doctype html><html><body>
<div class="page-with-sidebar">
 <div class="top-links"><a href="/about">About our company here</a></div>
 <h1>Press releases</h1>
 <ul class="press-list">
  <li><span class="when">12.11.2026</span> <a href="/pr/2026/solar-plant">Company opens its
      largest solar plant</a></li>
  <li><span class="when">05.11.2026</span> <a href="/pr/2026/ceo">New chief executive
      officer appointed</a></li>
  <li><span class="when">28.10.2026</span> <a href="/pr/2026/q3">Third-quarter results
      beat expectations</a></li>
  <li><span class="when">20.10.2026</span> <a href="/pr/2026/recall">Voluntary recall
      of 2,000 vehicles</a></li>
 </ul>
 <div class="sidebar-most-read"><h3>Most read</h3><ul>
  <li><a href="/pr/2020/old">An old story everyone still reads</a></li>
  <li><a href="/pr/2021/older">Another old story people like</a></li>
  <li><a href="/pr/2019/oldest">The oldest story of them all</a></li></ul></div>
 <dl class="archive-list">
 </dl>
</div>
<div id="cookie-banner"><a href="/privacy">Read our full privacy policy here</a></div>
</body></html>"""


def test_auto_mode_on_a_plain_list_with_dates_beside_the_links() -> None:
    items = parse(SIMPLE_LIST, "https://corp.example.com/pr/")
    assert [i.url for i in items] == [
        "https://corp.example.com/pr/2026/solar-plant",
        "https://corp.example.com/pr/2026/ceo",
        "https://corp.example.com/pr/2026/q3",
        "https://corp.example.com/pr/2026/recall",
    ]
    assert items[0].title == "Company opens its largest solar plant"
    assert [i.published_at.date() for i in items if i.published_at] == [
        date(2026, 11, 12),
        date(2026, 11, 5),
        date(2026, 10, 28),
        date(2026, 10, 20),
    ]


DEFINITION_LIST = """<html><body><main><dl>
<dt>Nov 18, 2026</dt><dd><a href="/n/1">Xiaomi announces quarterly results today</a></dd>
<dt>Nov 11, 2026</dt><dd><a href="/n/2">Xiaomi opens a new flagship store</a></dd>
<dt>Nov 4, 2026</dt><dd><a href="/n/3">Xiaomi responds to recent media reports</a></dd>
</dl><footer><a href="/legal">Legal notices and terms of use</a></footer></main></body></html>"""


def test_auto_mode_reads_dates_from_a_definition_term() -> None:
    items = parse(DEFINITION_LIST, "https://ir.example.cn/news")
    assert [i.title for i in items] == [
        "Xiaomi announces quarterly results today",
        "Xiaomi opens a new flagship store",
        "Xiaomi responds to recent media reports",
    ]
    assert items[2].published_at == datetime(2026, 11, 4, tzinfo=UTC)


LINKED_CARDS = """<html><body><div class="news">
<a class="tile" href="https://www.maker.example/news/a"><img src="a.jpg" alt="">
  <span class="tile-date">18 Nov 2026</span><span class="tile-name">Maker unveils its
  first electric pickup truck</span></a>
<a class="tile" href="https://www.maker.example/news/b"><span class="tile-date">10 Nov 2026</span>
  <span class="tile-name">Maker statement on supplier reports</span></a>
<a class="tile" href="https://www.maker.example/news/c">Maker names a new chief financial officer
  <small>2 Nov 2026</small></a>
</div><a href="https://www.maker.example/news">All news from the maker</a></body></html>"""


def test_auto_mode_on_whole_card_links_without_headings() -> None:
    items = parse(LINKED_CARDS, "https://www.maker.example/news")
    assert [(i.title, i.published_at) for i in items] == [
        ("Maker unveils its first electric pickup truck", datetime(2026, 11, 18, tzinfo=UTC)),
        ("Maker statement on supplier reports", datetime(2026, 11, 10, tzinfo=UTC)),
        ("Maker names a new chief financial officer", datetime(2026, 11, 2, tzinfo=UTC)),
    ]


def test_a_page_without_a_listing_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no press releases"):
        parse("<html><body><p>Loading…</p><div id='root'></div></body></html>", "https://x.io/")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-18", date(2026, 11, 18)),
        ("Nov 17, 2026", date(2026, 11, 17)),
        ("Posted 3rd November 2026 by PR", date(2026, 11, 3)),
        ("Sept 24, 2026", date(2026, 9, 24)),
        ("2026年11月3日", date(2026, 11, 3)),
        ("no date here", None),
    ],
)
def test_date_text(text: str, expected: date | None) -> None:
    found = parse_date_text(text)
    assert (found.date() if found else None) == expected


def test_a_page_source_polled_over_http(httpserver: HTTPServer, db_path: Path) -> None:
    httpserver.expect_request("/newsroom/").respond_with_data(
        (PAGES / "card_grid.html").read_bytes(), content_type="text/html; charset=utf-8"
    )
    config = make_config(
        [
            {
                "name": "ford-newsroom",
                "kind": "page",
                "url": httpserver.url_for("/newsroom/"),
                "authority": "official",
                "company": "ford",
            }
        ]
    )
    with Monitor(
        config, Environment(), db_path, notifiers={"console": ConsoleNotifier(io.StringIO())}
    ) as monitor:
        summary = monitor.poll()
        rows = query(monitor.store, "SELECT url, published_at FROM items ORDER BY url")
    assert summary.new_items == 10 and not summary.failed
    assert all("//corporate.example.com/news/" in r["url"] for r in rows)
    assert sum(1 for r in rows if r["published_at"]) == 9


LISTING = """<html lang="{lang}"><body><ul class="news">
<li><a href="/news/a">Ford opens a battery plant in Kentucky</a> <span>11/03/2026</span></li>
<li><a href="/news/b">Ford names a new head of Ford Pro</a> <span>10/28/2026</span></li>
<li><a href="/news/c">Ford recalls 20,000 Explorers</a> <span>10/01/2026</span></li>
</ul></body></html>"""


@pytest.mark.parametrize(
    ("lang", "extra", "expected"),
    [
        ("en-US", {}, (11, 3)),  # a US newsroom: 3 November
        ("en", {}, (11, 3)),
        ("en-GB", {}, (3, 11)),  # a British one: 11 March
        ("de", {}, (3, 11)),
        ("de", {"date_order": "MDY"}, (11, 3)),  # the source says so
    ],
)
def test_numeric_dates_are_read_in_the_pages_order(
    lang: str, extra: dict[str, str], expected: tuple[int, int]
) -> None:
    config = make_config(
        [{"name": "p", "kind": "page", "url": "https://media.example.com/", **extra}]
    )
    body = LISTING.format(lang=lang).encode()
    items = parse_page(
        config.sources[0], FetchResult("p", "https://media.example.com/", 200, body)
    ).items
    first = next(i for i in items if i.url.endswith("/news/a"))
    assert first.published_at is not None
    assert (first.published_at.month, first.published_at.day) == expected
    # an unambiguous date reads the same whatever the order
    second = next(i for i in items if i.url.endswith("/news/b"))
    assert second.published_at is not None and (
        second.published_at.month,
        second.published_at.day,
    ) == (10, 28)
