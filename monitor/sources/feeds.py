"""RSS 0.9x/1.0/2.0, Atom and JSON Feed into items, through feedparser.

Google News feeds get special care: the outlet comes from <source>, and identity
comes from the outlet's own URL when the Google link carries it, otherwise from the
outlet and the title, so that a new Google link for the same article is not new.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import feedparser

from ..config import Source
from ..errors import ParseError
from ..models import Authority, FetchResult, ItemData, ParsedSource
from .common import MAX_SUMMARY, MAX_TITLE, clip, plain_text, sane_date
from .urls import canonical_url, decode_google_news_url, resolve_url

__all__ = ["parse_feed"]

# An internal DTD subset is where entity bombs and external entities live; feeds
# never need one, so it is removed before any parser sees the document.
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.S | re.I)
_GOOGLE_NEWS = "news.google.com"


def parse_feed(source: Source, result: FetchResult) -> ParsedSource:
    body = result.body
    if not body.strip():
        raise ParseError("empty response body", source=source.name, url=result.url)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    content_type = result.headers.get("content-type", "")
    if stripped[:1] == b"{" or "json" in content_type:
        return ParsedSource(items=_parse_json_feed(source, result))
    if b"<!DOCTYPE" in body[:4096].upper() or b"<!doctype" in body[:4096]:
        body = _DOCTYPE_SUBSET.sub(b"", body, count=1)
    parsed = feedparser.parse(
        body,
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": result.url,
        },
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = parsed.get("version", "")
    entries = parsed.get("entries", [])
    if not entries and not version:
        raise ParseError(_not_a_feed(body, parsed), source=source.name, url=result.url)
    feed_title = plain_text(parsed.feed.get("title", ""))
    items = [_entry_to_item(source, result.url, feed_title, entry) for entry in entries]
    return ParsedSource(items=[i for i in items if i is not None], warning=_warning(parsed))


def _warning(parsed: Any) -> str | None:
    """A real XML error (not a mere charset override) is a mark on the source's health."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    name = type(exc).__name__
    if name in ("CharacterEncodingOverride", "NonXMLContentType"):
        return None
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
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry_to_item(source: Source, feed_url: str, feed_title: str, entry: Any) -> ItemData | None:
    title = clip(plain_text(entry.get("title", "")), MAX_TITLE)
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    if not title and not link:
        return None
    url = resolve_url(link, feed_url) if link else ""
    summary = clip(plain_text(entry.get("summary", "")), MAX_SUMMARY)
    outlet, outlet_url = feed_title, ""
    origin = entry.get("source") or {}
    if origin.get("title"):
        outlet, outlet_url = plain_text(origin.get("title")), origin.get("href", "") or ""
    key = canonical_url(url) if url else f"guid:{source.name}:{guid}"
    if _GOOGLE_NEWS in url:
        url, key, title = _google_news_identity(url, title, outlet, outlet_url)
        if summary.startswith(title):
            summary = ""
    return ItemData(
        source=source.name,
        key=key,
        url=url,
        title=title or clip(summary, 120),
        summary=summary,
        published_at=sane_date(_struct_date(entry)),
        author=plain_text(entry.get("author", "")),
        outlet=outlet,
        outlet_url=outlet_url,
        guid=guid,
        authority=Authority(source.authority),
        speaks_for=source.company if source.authority == "official" else None,
    )


def _google_news_identity(
    url: str, title: str, outlet: str, outlet_url: str
) -> tuple[str, str, str]:
    """(url, key, title) for a Google News item: the outlet's URL where the link
    carries it; else a key from the outlet and the title, stable across new links."""
    if outlet and title.endswith(f" - {outlet}"):
        title = title[: -len(outlet) - 3].rstrip()
    decoded = decode_google_news_url(url)
    if decoded:
        return decoded, canonical_url(decoded), title
    host = canonical_url(outlet_url).split("//", 1)[-1] if outlet_url else outlet.lower()
    normalised = re.sub(r"\W+", " ", title.lower()).strip()
    return url, f"gnews:{host}:{normalised}", title


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
    feed_title = plain_text(str(data.get("title", "")))
    items = []
    for entry in data["items"]:
        if not isinstance(entry, dict):
            continue
        published = entry.get("date_published") or entry.get("date_modified")
        when = None
        if isinstance(published, str):
            try:
                when = datetime.fromisoformat(published.replace("Z", "+00:00"))
            except ValueError:
                when = None
        fake = {
            "title": entry.get("title", ""),
            "link": entry.get("url") or entry.get("external_url") or "",
            "id": str(entry.get("id", "")),
            "summary": entry.get("summary")
            or entry.get("content_text")
            or entry.get("content_html")
            or "",
            "author": ", ".join(
                a.get("name", "") for a in entry.get("authors", []) if isinstance(a, dict)
            ),
        }
        item = _entry_to_item(source, result.url, feed_title, fake)
        if item is not None:
            items.append(_with_date(item, when))
    return items


def _with_date(item: ItemData, when: datetime | None) -> ItemData:
    return replace(item, published_at=sane_date(when))
