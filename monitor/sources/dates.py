"""Dates as newsroom pages print them, and where in a listing's block to find one."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from bs4 import NavigableString, Tag

__all__ = ["DATE_TEXT", "DateOrder", "block_date", "date_of", "page_date_order", "parse_date_text"]

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE_TEXT = re.compile(
    rf"\b(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*\.?,?\s+\d{{4}}|"
    rf"(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})|"
    rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日",
    re.I,
)
# Day/month order decides only what is ambiguous ("11/03/2026"): a US newsroom means
# 3 November, a European one 11 March. Dotted dates are European everywhere. (dateutil's
# dayfirst would also turn an ISO "2026-11-03" into 11 March: formats stay explicit.)
DateOrder = Literal["MDY", "DMY"]
_UNAMBIGUOUS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y")
_NUMERIC = {
    "DMY": ("%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%m-%d-%Y"),
    "MDY": ("%m/%d/%Y", "%d/%m/%Y", "%m-%d-%Y", "%d-%m-%Y"),
}
_WORDS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%Y年%m月%d日")


def page_date_order(lang: str | None, configured: DateOrder | None = None) -> DateOrder:
    """The source's `date_order`, else from the page's language: English without a
    region, or American English, is month first; any other language or region, day first."""
    if configured:
        return configured
    lang = (lang or "").strip().lower().replace("_", "-")
    return "MDY" if lang in ("en", "en-us") else "DMY"


def parse_date_text(text: str, order: DateOrder = "DMY") -> datetime | None:
    """A date as newsrooms print it: ISO, '29 October 2026', 'Nov 3, 2026', '11/03/2026'
    (read by `order`), '2026年11月3日'."""
    text = text.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        except ValueError:
            pass
    match = DATE_TEXT.search(text)
    if not match:
        return None
    found = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", match.group(0), flags=re.I)
    if not re.match(r"\d{4}\.|\d{1,2}\.\d", found):
        found = found.replace(",", " ").replace(".", " ")
    found = re.sub(r"\s+", " ", re.sub(r"(?i)\bsept\b", "Sep", found)).strip()
    for fmt in (*_UNAMBIGUOUS, *_NUMERIC[order], *_WORDS):
        try:
            return datetime.strptime(found, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def date_of(node: Tag | None, order: DateOrder = "DMY") -> datetime | None:
    """The date an element shows: its machine-readable attribute first, else its text."""
    if node is None:
        return None
    for attribute in ("datetime", "content", "data-date"):
        if node.get(attribute):
            found = parse_date_text(str(node[attribute]), order)
            if found:
                return found
    return parse_date_text(node.get_text(" "), order)


def block_date(
    block: Tag, title_node: Tag | None = None, order: DateOrder = "DMY"
) -> datetime | None:
    """The publication date of a listing's item: a <time> (the 'published' one first),
    else a date in the block's text outside the headline (a headline's own date, as in
    'results for the period ended 30 September', is not when it was published), else
    a link-less element just before the block (a <dt> or a date header)."""
    times = block.find_all("time")
    times.sort(key=lambda t: "published" not in (t.get("class") or []))
    for time_tag in times:
        found = date_of(time_tag, order)
        if found:
            return found
    for node in block.find_all(string=DATE_TEXT):
        if title_node is not None and _inside(node, title_node):
            continue
        found = parse_date_text(str(node), order)
        if found:
            return found
    previous = block.find_previous_sibling()
    if isinstance(previous, Tag) and previous.find("a") is None:
        return date_of(previous, order) if len(previous.get_text()) < 60 else None
    return None


def _inside(node: NavigableString, ancestor: Tag) -> bool:
    return any(parent is ancestor for parent in node.parents)
