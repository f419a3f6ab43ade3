"""Scratch comparison of feed parsers on the generated feeds and the fixture corpus:
feedparser (as monitor calls it, and with its defaults), fastfeedparser, and a
minimal lxml reader of RSS 2.0 / Atom. Items/s, and whether they find the same items.

fastfeedparser and lxml come from the `bench` extra. fastfeedparser.parse fetches a
*string* that looks like a URL, so it is only ever given bytes here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from .corpus import ITEMS_PER_FEED, feed_body, headline_pool
from .harness import ROOT
from .report import Report

__all__ = ["parser_benchmarks"]

Entry = tuple[str, str, str]  # title, link, published (ISO, UTC, seconds)
_ATOM = "{http://www.w3.org/2005/Atom}"


def _iso(value: Any) -> str:
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    return value.astimezone(UTC).replace(microsecond=0).isoformat() if value else ""


def _feedparser(body: bytes, **options: Any) -> list[Entry]:
    parsed = feedparser.parse(body, **options)
    return [
        (e.get("title", "").strip(), e.get("link", ""), _iso(e.get("published_parsed")))
        for e in parsed.entries
    ]


def _monitor_feedparser(body: bytes) -> list[Entry]:
    return _feedparser(body, sanitize_html=False, resolve_relative_uris=False)


def _fastfeedparser(body: bytes) -> list[Entry]:
    import fastfeedparser

    parsed = fastfeedparser.parse(
        body, include_content=False, include_tags=False, include_media=False,
        include_enclosures=False,
    )  # fmt: skip
    entries = []
    for e in parsed.get("entries", []):
        published = e.get("published") or ""
        when = datetime.fromisoformat(published) if published else None
        entries.append((e.get("title", "").strip(), e.get("link", ""), _iso(when)))
    return entries


def _lxml(body: bytes) -> list[Entry]:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(body, parser)
    entries = []
    for item in root.iter("item", f"{_ATOM}entry"):
        if item.tag == "item":
            when = item.findtext("pubDate")
            date = parsedate_to_datetime(when) if when else None
            link = (item.findtext("link") or "").strip()
        else:
            when = item.findtext(f"{_ATOM}published") or item.findtext(f"{_ATOM}updated")
            date = datetime.fromisoformat(when) if when else None
            node = item.find(f"{_ATOM}link")
            link = node.get("href", "") if node is not None else ""
        title = item.findtext("title") or item.findtext(f"{_ATOM}title") or ""
        entries.append((title.strip(), link, _iso(date)))
    return entries


PARSERS: dict[str, Callable[[bytes], list[Entry]]] = {
    "feedparser (defaults)": _feedparser,
    "feedparser (as monitor)": _monitor_feedparser,
    "fastfeedparser": _fastfeedparser,
    "lxml minimal": _lxml,
}


def _rate(parse: Callable[[bytes], list[Entry]], bodies: list[bytes]) -> float:
    started = time.perf_counter()
    count = sum(len(parse(body)) for body in bodies)
    return count / (time.perf_counter() - started)


def _fixtures() -> dict[str, dict[str, str]]:
    """Per fixture and parser: 'same' (as monitor's feedparser), 'N items differ', or the error."""
    table: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "tests" / "data" / "feeds").glob("*")):
        if path.suffix not in (".xml", ".html", ".bin", ".json"):
            continue
        body = path.read_bytes()
        reference = _monitor_feedparser(body)
        row = {}
        for name in ("fastfeedparser", "lxml minimal"):
            try:
                entries = PARSERS[name](body)
            except Exception as exc:  # scratch comparison: record how each parser fails
                row[name] = f"rejects ({type(exc).__name__})"
                continue
            if [e[:2] for e in entries] == [e[:2] for e in reference]:
                row[name] = "same" if entries == reference else "same items, dates differ"
            else:
                differ = next(
                    (pair for pair in zip(entries, reference, strict=False) if pair[0] != pair[1]),
                    None,
                )
                row[name] = f"{len(entries)} items vs {len(reference)}" + (
                    f" (first difference: {differ[0][:2]} vs {differ[1][:2]})" if differ else ""
                )
        table[path.name] = row
    return table


def parser_benchmarks(report: Report, feeds: int) -> dict[str, Any]:
    pool = headline_pool(max(100, feeds * ITEMS_PER_FEED // 3))
    bodies = [feed_body(i, pool) for i in range(feeds)]
    rates = {name: _rate(parse, bodies) for name, parse in PARSERS.items()}
    reference = [_monitor_feedparser(b) for b in bodies]
    agree = {
        name: all(PARSERS[name](b) == r for b, r in zip(bodies, reference, strict=True))
        for name in ("fastfeedparser", "lxml minimal")
    }
    baseline = rates["feedparser (as monitor)"]
    report.line(
        "parsers",
        "; ".join(f"{name} {rate:,.0f} items/s" for name, rate in rates.items())
        + f"; same items and dates as monitor's feedparser: {agree}",
        rates["fastfeedparser"] / baseline,
        20.0,
        f"fastfeedparser {rates['fastfeedparser'] / baseline:.0f}×, lxml "
        f"{rates['lxml minimal'] / baseline:.0f}× feedparser as monitor calls it",
    )
    fixtures = _fixtures()
    for name, row in fixtures.items():
        report.note(f"  {name:<22} " + ", ".join(f"{p}: {v}" for p, v in row.items()))
    return {"rates": rates, "agree": agree, "fixtures": fixtures}
