"""The fast feed path gives exactly feedparser's items, and declines what it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import Source
from monitor.models import FetchResult
from monitor.sources.fastfeed import fast_entries
from monitor.sources.feeds import parse_feed, prepare_xml
from tests.conftest import DATA

SOURCE = Source(name="t", url="https://example.com/feed.xml")
FEEDS = sorted(p for p in (DATA / "feeds").iterdir() if p.suffix == ".xml" and p.stat().st_size)


def _result(body: bytes) -> FetchResult:
    return FetchResult(
        source="t",
        url="https://example.com/feed.xml",
        status=200,
        body=body,
        headers={"content-type": "application/rss+xml"},
    )


@pytest.mark.parametrize("path", FEEDS, ids=lambda p: p.name)
def test_both_paths_give_the_same_items(path: Path) -> None:
    result = _result(path.read_bytes())
    fast = parse_feed(SOURCE, result, fast_path=True)
    slow = parse_feed(SOURCE, result, fast_path=False)
    assert fast.items == slow.items
    assert fast.warning == slow.warning


def test_the_fast_path_reads_well_formed_feeds_and_declines_the_rest() -> None:
    read = {p.name for p in FEEDS if fast_entries(prepare_xml(p.read_bytes())[0]) is not None}
    assert {
        "rss20.xml",
        "rss091.xml",
        "rss10_rdf.xml",
        "google_news.xml",
        "utf16.xml",
        "cp1252.xml",
        "huge_title.xml",
        "injection.xml",
    } <= read
    # malformed XML, a wrong charset and xml:base are feedparser's to judge
    assert not {"malformed.xml", "wrong_charset.xml", "atom.xml"} & read


def test_google_news_source_survives_the_fast_path() -> None:
    body = (DATA / "feeds" / "google_news.xml").read_bytes()
    assert fast_entries(prepare_xml(body)[0]) is not None
    items = parse_feed(SOURCE, _result(body)).items
    assert all(item.outlet and item.outlet != "t" for item in items)
    assert all(item.key.startswith(("gnews:", "https://")) for item in items)
