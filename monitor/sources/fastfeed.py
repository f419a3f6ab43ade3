"""A fast path for well-formed RSS and Atom, with lxml; feedparser stays the fallback.

feedparser reads about 6,000 items a second; this reads well-formed feeds about 15
times faster and gives the same entries (a test checks both on every fixture). It
declines, returning None, whenever it would have to guess: a document that is not
well-formed, an unknown root, xml:base, XHTML or markup inside a title. Entries come
out shaped like feedparser's, so one adapter (`feeds._entry_to_item`) serves both.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import mktime_tz, parsedate_tz
from typing import Any

from lxml import etree

__all__ = ["fast_entries"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    recover=False,
    remove_comments=True,
    remove_pis=True,
)


class _Decline(Exception):
    """The fast path would have to guess: let feedparser read this document."""


Entries = tuple[str, list[dict[str, Any]], bool]


def fast_entries(body: bytes) -> Entries | None:
    """(feed title, entries, titles are HTML) for a well-formed RSS or Atom document, or
    None when feedparser should read it."""
    try:
        root = etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        if root.tag == "rss":
            channel = root.find("channel")
            if channel is None:
                return None
            return (
                _text(channel.find("title")),
                [_rss_entry(item, "") for item in channel.iterfind("item")],
                False,
            )
        if root.tag.endswith("}RDF"):
            channel = root.find(f"{_RSS1}channel")
            title = _text(channel.find(f"{_RSS1}title")) if channel is not None else ""
            return title, [_rss_entry(item, _RSS1) for item in root.iterfind(f"{_RSS1}item")], False
        if root.tag == f"{_ATOM}feed":
            if _has_xml_base(root):
                return None
            return (
                _atom_text(root.find(f"{_ATOM}title")),
                [_atom_entry(entry) for entry in root.iterfind(f"{_ATOM}entry")],
                True,
            )
    except _Decline:
        return None
    return None


def _has_xml_base(root: etree._Element) -> bool:
    return any(element.get(_XML_BASE) is not None for element in root.iter())


def _text(element: etree._Element | None) -> str:
    """An element's text; markup inside it (not escaped) is for feedparser to judge."""
    if element is None:
        return ""
    if len(element):
        raise _Decline
    return element.text or ""


def _date(value: str) -> time.struct_time | None:
    """An RFC 822 date (RSS) or an RFC 3339 one (Atom, dc:date). A date with a field out
    of range ("32 Nov 2026 25:61") is no date, as for feedparser: `mktime_tz` would roll
    it over into another day. Any other form is feedparser's to read, with the document."""
    value = value.strip()
    if not value:
        return None
    parts = parsedate_tz(value)
    if parts is not None and parts[9] is not None:
        year, month, day, hour, minute, second = parts[:6]
        try:
            datetime(year, month, day, hour, minute, min(second, 59))  # ranges, leap second
            return time.gmtime(mktime_tz(parts))
        except (OverflowError, ValueError, OSError):
            return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise _Decline from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).timetuple()


def _rss_entry(item: etree._Element, ns: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "title": _text(item.find(f"{ns}title")),
        "link": _text(item.find(f"{ns}link")).strip(),
        "summary": _text(item.find(f"{ns}description")) or _text(item.find(f"{_CONTENT}encoded")),
    }
    guid = item.find("guid")
    about = item.get(_RDF_ABOUT)
    if about:
        entry["id"] = about.strip()
    if guid is not None:
        entry["id"] = _text(guid).strip()
        if not entry["link"] and guid.get("isPermaLink", "true").lower() == "true":
            entry["link"] = entry["id"]
    author = item.find("author")
    creator = item.find(f"{_DC}creator")
    entry["author"] = _text(author if author is not None else creator)
    for element in (item.find("pubDate"), item.find(f"{_DC}date")):
        if element is not None and (when := _date(_text(element))) is not None:
            entry["published_parsed"] = when
            break
    source = item.find("source")
    if source is not None:
        entry["source"] = {"title": _text(source), "href": source.get("url", "")}
    return entry


def _atom_text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    if element.get("type") == "xhtml":
        raise _Decline
    return _text(element)


def _atom_entry(entry: etree._Element) -> dict[str, Any]:
    title = entry.find(f"{_ATOM}title")
    links = entry.findall(f"{_ATOM}link")
    alternate = [link for link in links if link.get("rel", "alternate") == "alternate"]
    result: dict[str, Any] = {
        "title": _atom_text(title),
        "title_detail": {"type": _atom_type(title)},
        "link": (alternate or links)[0].get("href", "") if links else "",
        "id": _text(entry.find(f"{_ATOM}id")).strip(),
        "summary": _atom_text(entry.find(f"{_ATOM}summary"))
        or _atom_text(entry.find(f"{_ATOM}content")),
        "author": _text(entry.find(f"{_ATOM}author/{_ATOM}name")),
    }
    for name in ("published", "updated"):
        element = entry.find(f"{_ATOM}{name}")
        if element is not None and (when := _date(_text(element))) is not None:
            result[f"{name}_parsed"] = when
    return result


def _atom_type(element: etree._Element | None) -> str:
    kind = (element.get("type") if element is not None else None) or "text"
    return {"text": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}.get(
        kind, kind
    )
