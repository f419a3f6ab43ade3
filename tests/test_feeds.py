"""Feeds: every fixture in tests/data/feeds parses to the right items (see its README)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.config import Source
from monitor.errors import ParseError
from monitor.models import FetchResult, ItemData, ParsedSource, SourceState
from monitor.sources import SourceContext, parse_response
from monitor.sources.common import plain_text
from monitor.sources.feeds import google_news_key, parse_feed, prepare_xml
from monitor.sources.urls import canonical_url, decode_google_news_url
from tests.conftest import DATA, make_config

FEEDS = DATA / "feeds"
FEED_URL = "https://feeds.example.net/feed"


# The fixtures were published in November 2026: the clock the pipeline would have then.
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def polled(source: Source, result: FetchResult) -> ParsedSource:
    return parse_response(source, result, SourceState(source.name), SourceContext(), NOW)


def parse(name: str, content_type: str = "application/xml") -> ParsedSource:
    """A fixture through the parser and the one normalising step after it, as a poll."""
    source = make_config([{"name": "f", "url": FEED_URL}]).sources[0]
    body = (FEEDS / name).read_bytes()
    result = FetchResult("f", FEED_URL, 200, body, {"content-type": content_type})
    return parse_response(source, result, SourceState("f"), SourceContext(), NOW)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def titles(parsed: ParsedSource) -> list[str]:
    return [i.title for i in parsed.items]


def test_rss20_wordpress() -> None:
    items = parse("rss20.xml").items
    assert len(items) == 5
    assert items[0].url.startswith("https://evwire.example/2026/11/18/xiaomi-yu7-deliveries")
    assert items[0].key == "https://evwire.example/2026/11/18/xiaomi-yu7-deliveries-october"
    assert [i.published_at for i in items] == [  # written with +0100, EST, GMT, +0800
        utc(2026, 11, 18, 8, 15),
        utc(2026, 11, 17, 21, 40),
        utc(2026, 11, 17, 8, 5),
        utc(2026, 11, 16, 14, 30),
        None,
    ]
    assert [i.author for i in items][:2] == ["Lena Hoffmann", "Marcus Webb"]
    assert items[1].title == (
        "Ford denies report it will license BYD’s Blade battery for European vans"
    )
    assert all(i.published_at is None or i.published_at.tzinfo is UTC for i in items)


def test_atom_alternate_link_xml_base_and_html_title() -> None:
    items = parse("atom.xml").items
    assert len(items) == 4
    assert items[1].url == "https://newsroom.byd.example/news/2026/11/denza-z9-gt-europe"
    assert items[2].title == "BYD & Uber extend EV partnership to Latin America"
    assert items[2].url == "https://newsroom.byd.example/news/2026/11/byd-uber-latam"
    assert items[0].published_at == utc(2026, 11, 18, 2, 30)
    assert items[3].published_at in (None, utc(2026, 11, 10, 14, 20))  # only <updated>


def test_rss10_rdf_and_entities() -> None:
    items = parse("rss10_rdf.xml").items
    assert len(items) == 3
    assert "Nürburgring" in items[0].title
    assert "“no plans”" in items[2].title
    assert [i.published_at for i in items] == [
        utc(2026, 11, 18, 2, 40),
        utc(2026, 11, 17, 9, 0),
        utc(2026, 11, 16, 0, 30),
    ]


def test_rss091_latin1_without_dates() -> None:
    items = parse("rss091.xml").items
    assert len(items) == 3
    assert "£25,000" in items[0].title
    assert all(i.published_at is None for i in items)
    # www. gone; the scheme is kept (http and https may be different pages)
    assert items[0].key.startswith("http://motortrade-bulletin.example/")


def test_json_feed() -> None:
    items = parse("jsonfeed.json", "application/feed+json").items
    assert len(items) == 3
    assert items[2].title == "小米汽车 (Xiaomi EV) opens its 300th store — a roundup"
    assert items[2].published_at is None
    assert [i.published_at for i in items[:2]] == [utc(2026, 11, 18, 6, 5), utc(2026, 11, 17, 9)]
    assert items[1].url.startswith("https://chinaevbrief.example/")  # the permalink


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wrong_charset.xml", "Xiaomi’s “Human x Car x Home” strategy reaches Europe"),
        ("cp1252.xml", "Ford Explorer Electric price cut to €42,990 in Germany"),
        ("utf8_bom.xml", "小米 YU7 orders pass 300,000 — Xiaomi’s biggest launch yet"),
        ("utf16.xml", "比亚迪 BYD sold 502,113 new energy vehicles in October"),
    ],
)
def test_encodings_decode_without_mojibake(name: str, expected: str) -> None:
    parsed = parse(name)
    assert len(parsed.items) == 3
    assert parsed.items[0].title == expected
    text = " ".join(i.title + i.summary + i.outlet for i in parsed.items)
    assert "â€" not in text and "\ufeff" not in text and "\ufffd" not in text


def test_wrong_charset_all_titles() -> None:
    assert titles(parse("wrong_charset.xml"))[1:] == [
        "BYD opens “Café BYD” flagship on the Champs-Élysées",
        "Ford calls Saarlouis sale reports “premature” – déjà vu for workers",
    ]


def test_utf16_with_a_utf16_charset_header() -> None:
    parsed = parse("utf16.xml", "application/xml; charset=utf-16")
    assert "BYD and Ford deny reports of joint battery venture in México" in titles(parsed)


def test_malformed_keeps_what_parsed_with_a_warning() -> None:
    parsed = parse("malformed.xml")
    assert len(parsed.items) == 3
    assert parsed.items[1].title == (
        'Ford R&D chief: solid-state batteries "still years away" & costly'
    )
    assert parsed.warning is not None and "malformed" in parsed.warning


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "empty response body"),
        ("html_not_feed.html", "not a feed: the server sent an HTML page"),
        ("binary.bin", "not a feed"),
    ],
)
def test_not_feeds_are_parse_errors(name: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(name)


def test_entity_bombs_are_not_expanded() -> None:
    bomb = parse("billion_laughs.xml")
    assert len(bomb.items) <= 1
    assert all("lollol" not in i.title + i.summary for i in bomb.items)
    assert bomb.warning and "entities" in bomb.warning
    xxe = parse("external_entity.xml")
    assert titles(xxe)[0] == "BYD Q3 2026 results"
    assert len(xxe.items) == 2
    assert all("root:" not in i.title + i.summary for i in xxe.items)


def test_prepare_xml_escapes_bare_ampersands_but_not_cdata() -> None:
    body = b"<t>R&D &amp; &eacute; &xxe; &#233;<![CDATA[a & b]]><!-- & --></t>"
    prepared, warning, reencoded = prepare_xml(body)
    assert prepared == b"<t>R&amp;D &amp; &#233;  &#233;<![CDATA[a & b]]><!-- & --></t>"
    assert warning is None and not reencoded


def test_huge_title_is_clipped_and_the_next_item_kept() -> None:
    items = parse("huge_title.xml").items
    assert len(items) == 2
    assert len(items[0].title) <= 500 and items[0].title.endswith("…")
    assert items[1].title == "BYD shares close 2.1% higher in Hong Kong"


def test_injection_titles_are_text_and_summaries_hold_no_tags() -> None:
    parsed = parse("injection.xml")
    assert titles(parsed) == [
        "Xiaomi statement <!channel> @here: SU7 recall expanded",
        "Ford recall notice <http://evil.example|click here> to check your VIN",
        "<script>alert(1)</script>BYD wins Euro NCAP safety award",
        "BYD &lt;b&gt;bold&lt;/b&gt; claims about range",
        "*bold* _it_ ~strike~ `code` Xiaomi cuts YU7 price",
    ]  # the javascript: item is dropped
    summaries = " ".join(i.summary for i in parsed.items)
    for tag in ("<script", "<img", "<b>", "<i>", "<p>", "<!channel>", "onerror"):
        assert tag not in summaries
    assert "BYD scored five stars." in summaries
    assert all(i.url.startswith("https://") for i in parsed.items)


def test_plain_text_removes_tags_revealed_by_double_escaping() -> None:
    assert plain_text("a &lt;i&gt;b&lt;/i&gt; &amp; c < d") == "a b & c < d"


def test_absurd_dates_become_none() -> None:
    """1970, 2099 and "32 Nov 2026 25:61" are no dates, judged against the pipeline's
    clock, however far from the fixture's November that clock has moved."""
    source = make_config([{"name": "f", "url": FEED_URL}]).sources[0]
    body = (FEEDS / "absurd_dates.xml").read_bytes()
    result = FetchResult("f", FEED_URL, 200, body, {"content-type": "application/xml"})
    for now in (utc(2026, 11, 20), utc(2027, 12, 7), utc(2098, 12, 31)):
        items = parse_response(source, result, SourceState("f"), SourceContext(), now).items
        assert len(items) == 4
        assert [i.published_at for i in items] == [None, None, None, utc(2026, 11, 18, 9, 15)]
    # Judged in one place: the parser itself keeps what the feed said, when it was a date.
    raw = [i.published_at for i in parse_feed(source, result).items]
    assert raw == [utc(1970, 1, 1), utc(2099, 12, 1), None, utc(2026, 11, 18, 9, 15)]


def test_a_date_not_yet_due_is_refused_until_the_clock_reaches_it() -> None:
    source = make_config([{"name": "f", "url": FEED_URL}]).sources[0]
    body = (FEEDS / "absurd_dates.xml").read_bytes()
    result = FetchResult("f", FEED_URL, 200, body, {"content-type": "application/xml"})

    def last(now: datetime) -> datetime | None:
        parsed = parse_response(source, result, SourceState("f"), SourceContext(), now)
        return parsed.items[-1].published_at

    assert last(utc(2026, 11, 1)) is None  # 17 days ahead of the clock: a placeholder
    assert last(utc(2026, 11, 17)) == utc(2026, 11, 18, 9, 15)  # within a day: time zones


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://WWW.Example.COM/a/b/?utm_source=x&utm_medium=rss&fbclid=1&gclid=2&id=7",
            "https://example.com/a/b?id=7",
        ),
        ("http://example.com:80/story/#comments", "http://example.com/story"),
        # parameters that name the article on some newsrooms are kept
        (
            "https://news.example.com/article?cid=123&utm_source=x",
            "https://news.example.com/article?cid=123",
        ),
        (
            "https://example.com/a?from=rss&share=1&src=feed",
            "https://example.com/a?from=rss&share=1&src=feed",
        ),
        ("https://example.com/?b=2&a=1", "https://example.com/?a=1&b=2"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_javascript_and_data_links_are_dropped() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>Good one here</title><link>/news/good</link></item>"
        b"<item><title>Bad one here</title><link>javascript:alert(1)</link></item>"
        b"<item><title>Data one here</title><link>data:text/html,hi</link></item>"
        b"</channel></rss>"
    )
    source = make_config([{"name": "f", "url": FEED_URL}]).sources[0]
    items = polled(source, FetchResult("f", FEED_URL, 200, body)).items
    assert [i.url for i in items] == ["https://feeds.example.net/news/good"]


# -- Google News ---------------------------------------------------------------------------


def test_google_news_outlet_and_title() -> None:
    items = parse("google_news.xml").items
    assert len(items) == 5
    assert [(i.outlet, i.outlet_url) for i in items] == [
        ("Financial Times", "https://www.ft.com"),
        ("Reuters", "https://www.reuters.com"),
        ("CNBC", "https://www.cnbc.com"),
        ("South China Morning Post", "https://www.scmp.com"),
        ("The Verge", "https://www.theverge.com"),
    ]
    assert items[0].title == "Ford held talks with Xiaomi over EV software tie-up"
    assert items[2].title == "Jim Farley still drives his Xiaomi SU7 - and says Ford must catch up"
    assert not any(i.title.endswith((" - Reuters", " - CNBC")) for i in items)
    assert all(i.summary == "" for i in items)  # related headlines are not this item's words
    assert items[1].key == (
        "gnews:reuters.com:ford says it is not in partnership talks with xiaomi denies ft report"
    )
    assert items[1].published_at == utc(2026, 11, 18, 9, 47)


def _google_item(link: str, title: str) -> bytes:
    return (
        f"<item><title>{title} - Reuters</title><link>{link}</link>"
        f'<source url="https://www.reuters.com">Reuters</source></item>'
    ).encode()


def _google_feed(*items: bytes) -> list[ItemData]:
    body = b'<rss version="2.0"><channel><title>Google News</title>' + b"".join(items)
    source = make_config([{"name": "g", "url": FEED_URL}]).sources[0]
    url = "https://news.google.com/rss/search?q=ford"
    return polled(source, FetchResult("g", url, 200, body + b"</channel></rss>")).items


def test_google_news_identity_is_stable_across_new_opaque_links() -> None:
    first = _google_feed(
        _google_item("https://news.google.com/rss/articles/CBMiAAA111?oc=5", "Ford denies talks")
    )
    again = _google_feed(
        _google_item("https://news.google.com/rss/articles/CBMiBBB222?oc=5", "Ford denies talks")
    )
    other = _google_feed(
        _google_item("https://news.google.com/rss/articles/CBMiAAA111?oc=5", "Ford confirms it")
    )
    assert first[0].key == again[0].key == "gnews:reuters.com:ford denies talks"
    assert first[0].url != again[0].url
    assert other[0].key != first[0].key
    assert google_news_key("Ford, denies: TALKS!", "Reuters", "https://www.reuters.com") == (
        first[0].key
    )


def test_google_news_old_style_id_gives_the_outlet_url() -> None:
    article = "https://www.reuters.com/business/autos/ford-xiaomi-2026-11-18/?utm_source=gn"
    payload = b"\x08\x13\x22" + bytes([len(article)]) + article.encode() + b"\xd2\x01\x00"
    segment = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    link = f"https://news.google.com/rss/articles/{segment}?oc=5"
    assert decode_google_news_url(link) == article
    items = _google_feed(_google_item(link, "Ford held talks with Xiaomi"))
    # the outlet's link as shown: like any other, without its tracking parameters
    assert items[0].url == "https://www.reuters.com/business/autos/ford-xiaomi-2026-11-18/"
    assert items[0].key == "https://reuters.com/business/autos/ford-xiaomi-2026-11-18"
    assert items[0].title == "Ford held talks with Xiaomi"


def test_every_fixture_is_covered() -> None:
    here = Path(__file__).read_text(encoding="utf-8")
    for path in FEEDS.iterdir():
        if path.suffix not in (".md", ".py"):
            assert path.name in here, f"{path.name} has no test"


def test_links_shown_to_people_lose_tracking_parameters_but_keep_their_form() -> None:
    from monitor.sources.urls import without_tracking

    url = "https://www.Example.com/News/Story/?utm_source=rss&id=7&fbclid=x#top"
    assert without_tracking(url) == "https://www.Example.com/News/Story/?id=7#top"
    assert without_tracking("https://example.com/a") == "https://example.com/a"


def test_articles_that_differ_only_by_cid_stay_two_items() -> None:
    """A newsroom that names its articles by a query parameter (cid=123, cid=456): two
    identities, not one, or the second would be taken as already known."""
    source = make_config([{"name": "f", "url": FEED_URL}]).sources[0]
    body = rss_items(
        ("Ford names new chief of its EV unit", "https://media.example.com/article?cid=123"),
        ("Ford recalls 20,000 Explorers", "https://media.example.com/article?cid=456"),
    )
    items = polled(source, FetchResult("f", FEED_URL, 200, body)).items
    assert len({i.key for i in items}) == 2


def test_a_source_strips_its_own_tracking_parameters() -> None:
    source = make_config([{"name": "f", "url": FEED_URL, "strip_params": ["cid"]}]).sources[0]
    body = rss_items(("Ford names new chief", "https://media.example.com/a?cid=99&id=7"))
    [item] = polled(source, FetchResult("f", FEED_URL, 200, body)).items
    assert item.key == "https://media.example.com/a?id=7"
    assert item.url == "https://media.example.com/a?id=7"


def rss_items(*items: tuple[str, str]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{u.replace('&', '&amp;')}</link></item>" for t, u in items
    )
    return f'<rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'.encode()


@pytest.mark.parametrize("kind", ["feed", "page"])
def test_links_and_identities_are_made_in_one_step_for_every_kind(kind: str) -> None:
    """One normalising step after every parser: a source's strip_params, tracking
    parameters and the canonical identity apply alike to feeds and newsroom pages."""
    extra = {"selectors": {"item": "li", "title": "a", "link": "a"}} if kind == "page" else {}
    source = make_config(
        [{"name": "s", "kind": kind, "url": FEED_URL, "strip_params": ["cid"], **extra}]
    ).sources[0]
    link = "https://WWW.Media.example.com/a/?id=7&cid=99&utm_source=x"
    if kind == "feed":
        body = rss_items(("Ford names new chief of its EV unit", link))
    else:
        body = f'<html><body><ul><li><a href="{link}">Ford names new chief of its EV unit</a></li>'
        body += '<li><a href="/b">Ford recalls Explorers</a></li></ul></body></html>'
        body = body.encode()
    items = polled(source, FetchResult("s", FEED_URL, 200, body)).items
    item = next(i for i in items if "chief" in i.title)
    assert item.url == "https://WWW.Media.example.com/a/?id=7"
    assert item.key == "https://media.example.com/a?id=7"
