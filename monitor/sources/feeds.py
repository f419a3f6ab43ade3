"""RSS 0.9x/1.0/2.0, Atom and JSON Feed into items, through feedparser.

Before feedparser sees a document it is made safe and regular (`_prepare`): UTF-16
and UTF-32 are re-encoded as UTF-8, an internal DTD subset (where entity bombs and
external entities live) is removed, HTML entities become character references and
bare '&' are escaped, so that one sloppy headline does not send the whole feed to
feedparser's loose parser.

Google News feeds get special care: the outlet comes from <source>, and identity
comes from the outlet's own URL when the Google link carries it, otherwise from the
outlet's host and the title, so that a new Google link for the same article is not new.
"""

from __future__ import annotations

import calendar
import html.entities
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from ..config import Source
from ..errors import ParseError
from ..models import Authority, FetchResult, ItemData, ParsedSource
from .common import MAX_SUMMARY, MAX_TITLE, clean_text, clip, plain_text, safe_link
from .fastfeed import fast_entries
from .urls import decode_google_news_url, resolve_url

__all__ = ["google_news_key", "parse_feed", "prepare_xml"]

# An unterminated subset, CDATA section or comment runs to the end: one scan, never one
# per occurrence (which a hostile document could make quadratic).
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[(.*?)(?:\]\s*>|\Z)", re.S | re.I)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)
# CDATA and comments are copied as they are; elsewhere each '&' is looked at.
_AMPERSAND = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)"
    rb"|&(?:#[0-9]+;|#x[0-9a-fA-F]+;|([A-Za-z][A-Za-z0-9]*);)?",
    re.S,
)
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
# Formatting tags that some RSS feeds put in titles; anything else stays literal text.
_TITLE_TAGS = re.compile(r"</?(?:b|i|em|strong|span|a|br|font|u|sup|sub|small|mark)\b[^<>]*>", re.I)
_GOOGLE_NEWS = "news.google.com"


def prepare_xml(body: bytes) -> tuple[bytes, str | None, bool]:
    """The document made safe for feedparser, a warning when it declared entities, and
    whether it was re-encoded as UTF-8."""
    utf8 = _as_utf8(body)
    reencoded, body = utf8 is not body, utf8
    warning = None
    head = body[:8192]
    if b"<!DOCTYPE" in head or b"<!doctype" in head:
        match = _DOCTYPE_SUBSET.search(body, 0, 1 << 20)
        if match:
            if b"<!ENTITY" in match.group(1).upper():
                warning = "the feed declares XML entities: ignored, not expanded"
            body = body[: match.start()] + body[match.end() :]
    if b"&" in body:
        body = _AMPERSAND.sub(_fix_ampersand, body)
    return body, warning, reencoded


def _fix_ampersand(match: re.Match[bytes]) -> bytes:
    text = match.group(0)
    if not text.startswith(b"&"):
        return text  # CDATA or comment
    name = match.group(1)
    if text == b"&":
        return b"&amp;"  # "R&D", "& costly": a bare ampersand is text
    if name is None or name in _XML_ENTITIES:
        return text
    codepoints = html.entities.html5.get(name.decode("ascii") + ";")
    if codepoints:  # an HTML entity (&nbsp;, &eacute;) that XML does not know
        return b"".join(b"&#%d;" % ord(c) for c in codepoints)
    return b""  # an undeclared entity (&xxe;, &lol9;): nothing to expand it to


def _as_utf8(body: bytes) -> bytes:
    """UTF-16/32 documents as UTF-8, so that every later step can work on bytes."""
    encoding = None
    if body.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif body.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif body.startswith(b"<\x00?\x00"):
        encoding = "utf-16-le"
    elif body.startswith(b"\x00<\x00?"):
        encoding = "utf-16-be"
    if encoding is None:
        return body
    text = body.decode(encoding, errors="replace").lstrip("\ufeff")
    utf8 = text.encode("utf-8")
    return _XML_DECLARATION.sub(b'<?xml version="1.0" encoding="utf-8"?>', utf8, count=1)


def parse_feed(source: Source, result: FetchResult, fast_path: bool = True) -> ParsedSource:
    """Items of a feed: well-formed RSS and Atom through the fast path (`fastfeed`),
    anything else, or anything it declines, through feedparser."""
    body = result.body
    if not body.strip():
        raise ParseError("empty response body", source=source.name, url=result.url)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    content_type = result.headers.get("content-type", "")
    if stripped[:1] in (b"{", b"[") or "json" in content_type:
        return ParsedSource(items=_parse_json_feed(source, result))
    prepared, warning, reencoded = prepare_xml(body)
    if reencoded or "charset=" not in content_type.lower():
        # Re-encoded: a charset header is stale. No charset: the document says (RFC 7303;
        # feedparser still follows RFC 3023, where text/xml alone meant US-ASCII).
        content_type = "application/xml"
    fast = fast_entries(prepared) if fast_path and not warning else None
    if fast is not None:
        feed_title, entries, html_titles = fast
        feed_title = clean_text(feed_title)
        items = [_entry_to_item(source, result.url, feed_title, e, html_titles) for e in entries]
        return ParsedSource(items=[i for i in items if i is not None])
    parsed = feedparser.parse(
        prepared,
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": result.url,
        },
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = parsed.get("version", "")
    entries = parsed.get("entries", [])
    if not version and not entries:
        raise ParseError(_not_a_feed(body, parsed), source=source.name, url=result.url)
    feed_title = clean_text(parsed.feed.get("title", ""))
    html_titles = str(version).startswith("atom")
    items = [
        _entry_to_item(source, result.url, feed_title, entry, html_titles) for entry in entries
    ]
    return ParsedSource(
        items=[i for i in items if i is not None], warning=warning or _warning(parsed)
    )


def _warning(parsed: Any) -> str | None:
    """A real XML error (not a mere charset override) is a mark on the source's health."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    name = type(exc).__name__
    if name == "NonXMLContentType":
        return None  # served as text/html or text/plain, but a feed all the same
    if name == "CharacterEncodingOverride":
        return f"wrong charset, decoded anyway: {exc}"
    return f"malformed feed, kept what parsed: {exc}"


def _not_a_feed(body: bytes, parsed: Any) -> str:
    head = body[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "not a feed: the server sent an HTML page"
    if b"\x00" in body[:512] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "not a feed: the server sent binary data"
    exc = parsed.get("bozo_exception")
    return f"not a feed: {exc}" if exc else "not a feed: no RSS, Atom or JSON Feed found"


def _struct_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(entry, key)  # not entry.get: feedparser maps and warns
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _title(entry: Any, html_titles: bool) -> str:
    """The headline as text. Atom says when a title is HTML; an RSS title is text, but
    feeds put formatting tags in it, which are dropped. What is left stays literal:
    escaping it is the notifier's job."""
    raw = entry.get("title") or ""
    kind = (entry.get("title_detail") or {}).get("type", "text/plain")
    if html_titles and kind in ("text/html", "application/xhtml+xml"):
        return plain_text(raw)
    return clean_text(_TITLE_TAGS.sub("", raw))


def _entry_to_item(
    source: Source, feed_url: str, feed_title: str, entry: Any, html_titles: bool = False
) -> ItemData | None:
    title = clip(_title(entry, html_titles), MAX_TITLE)
    href = (entry.get("link") or "").strip()
    guid = clean_text(entry.get("id") or "")
    url = ""
    if href:
        url = safe_link(resolve_url(href, feed_url)) or ""
        if not url:
            return None  # javascript:, data: and the like: a hostile item, not a story
    elif safe_link(guid):
        url = guid
    summary = clip(plain_text(entry.get("summary", "")), MAX_SUMMARY)
    title = title or clip(summary, 120)
    if not title or not (url or guid):
        return None  # a fragment of a broken feed: nothing to show or to link to
    outlet, outlet_url = feed_title, ""
    origin = entry.get("source") or {}
    if origin.get("title"):
        outlet = clean_text(origin.get("title"))
        outlet_url = safe_link(origin.get("href") or "") or ""
    # "" leaves the identity to sources.normalise: the canonical form of the URL.
    key = "" if url else f"guid:{source.name}:{guid}"
    if url and urlsplit(url).hostname == _GOOGLE_NEWS:
        title = strip_outlet_suffix(title, outlet)
        url, key = _google_news_identity(url, title, outlet, outlet_url)
        # Google's description only repeats the headline or lists related stories,
        # whose words would be mistaken for this item's.
        summary = ""
    return ItemData(
        source=source.name,
        key=key,
        url=url,
        title=title,
        summary=summary,
        published_at=_struct_date(entry),
        author=clean_text(entry.get("author", "")),
        outlet=outlet,
        outlet_url=outlet_url,
        guid=guid,
        authority=Authority(source.authority),
        speaks_for=source.company if source.authority == "official" else None,
    )


def strip_outlet_suffix(title: str, outlet: str) -> str:
    """'Headline - Reuters' -> 'Headline': only the last ' - Outlet' goes."""
    if outlet and title.endswith(f" - {outlet}"):
        return title[: -len(outlet) - 3].rstrip()
    return title


def google_news_key(title: str, outlet: str, outlet_url: str) -> str:
    """Identity of a Google News item whose link is opaque: outlet host + normalised title."""
    host = (urlsplit(outlet_url).hostname or "") if outlet_url else ""
    host = host.removeprefix("www.") or outlet.lower()
    normalised = " ".join(re.findall(r"\w+", title.casefold()))
    return f"gnews:{host}:{normalised}"


def _google_news_identity(url: str, title: str, outlet: str, outlet_url: str) -> tuple[str, str]:
    """(url, key): the outlet's URL where the Google link carries it (the older ids);
    since 2024 the ids are opaque, and the key falls back to outlet and title."""
    decoded = decode_google_news_url(url)
    if decoded and safe_link(decoded):
        return decoded, ""  # the outlet's own URL: its canonical form, as any other
    return url, google_news_key(title, outlet, outlet_url)


def _parse_json_feed(source: Source, result: FetchResult) -> list[ItemData]:
    try:
        data = json.loads(result.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(
            f"not a feed: invalid JSON ({exc})", source=source.name, url=result.url
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError(
            "not a feed: JSON without an 'items' list", source=source.name, url=result.url
        )
    feed_title = clean_text(str(data.get("title", "")))
    items = []
    for entry in data["items"]:
        if not isinstance(entry, dict):
            continue
        fake = {
            "title": str(entry.get("title") or ""),
            "link": str(entry.get("url") or entry.get("external_url") or ""),
            "id": str(entry.get("id", "")),
            "summary": str(
                entry.get("summary") or entry.get("content_html") or entry.get("content_text") or ""
            ),
            "author": ", ".join(
                str(a.get("name", "")) for a in entry.get("authors", []) if isinstance(a, dict)
            ),
            "published_parsed": _json_date(entry.get("date_published")),
        }
        item = _entry_to_item(source, result.url, feed_title, fake)
        if item is not None:
            items.append(item)
    return items


def _json_date(value: Any) -> Any:
    """A JSON Feed RFC 3339 date as the UTC struct_time feedparser would give."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).timetuple()
