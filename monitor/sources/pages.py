"""Company newsroom (PR) listing pages into items, with BeautifulSoup.

With `selectors` the source says where items, titles, links, dates and summaries are.
Without them, the automatic mode (`listing.py`) finds the repeated blocks that carry
a headline link. Either way a <base href> is honoured, and each press release's
identity is its absolute URL.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from bs4.exceptions import ParserRejectedMarkup

from ..config import Selectors, Source
from ..errors import ParseError
from ..models import Authority, FetchResult, ItemData, ParsedSource
from .common import MAX_SUMMARY, MAX_TITLE, clean_text, clip, safe_link
from .dates import DATE_TEXT, DateOrder, block_date, date_of, page_date_order, parse_date_text
from .listing import Entry, extract_listing
from .urls import canonical_url, resolve_url

__all__ = ["DATE_TEXT", "block_date", "extract_listing", "parse_date_text", "parse_page"]


def parse_page(source: Source, result: FetchResult) -> ParsedSource:
    if not result.body.strip():
        raise ParseError("empty response body", source=source.name, url=result.url)
    if b"\x00" in result.body[:1024]:
        raise ParseError("not an HTML page: binary data", source=source.name, url=result.url)
    try:
        soup = BeautifulSoup(result.body, "html.parser")
    except (ParserRejectedMarkup, AssertionError) as exc:
        raise ParseError(f"not an HTML page: {exc}", source=source.name, url=result.url) from None
    if soup.find(["html", "body", "div", "a"]) is None:
        raise ParseError("not an HTML page", source=source.name, url=result.url)
    base = result.url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = resolve_url(str(base_tag["href"]), result.url)
    outlet = _outlet(soup, source)
    html_tag = soup.find("html")
    lang = str(html_tag.get("lang") or "") if isinstance(html_tag, Tag) else ""
    order = page_date_order(lang, source.date_order)
    if source.selectors:
        entries = _with_selectors(soup, source.selectors, base, order)
    else:
        entries = extract_listing(soup, base, result.url, order)
    if not entries:
        raise ParseError(
            "no press releases found on the page (set `selectors` for this source)",
            source=source.name,
            url=result.url,
        )
    authority = Authority(source.authority)
    items = [
        ItemData(
            source=source.name,
            key="",  # the canonical URL, made by sources.normalise
            url=url,
            title=clip(title, MAX_TITLE),
            summary=clip(summary, MAX_SUMMARY),
            published_at=published,
            outlet=outlet,
            authority=authority,
            speaks_for=source.company if source.authority == "official" else None,
        )
        for title, url, published, summary in entries
    ]
    return ParsedSource(items=items)


def _outlet(soup: BeautifulSoup, source: Source) -> str:
    meta = soup.find("meta", attrs={"property": "og:site_name"})
    if isinstance(meta, Tag) and meta.get("content"):
        return clean_text(str(meta["content"]))
    return source.name


def _with_selectors(
    soup: BeautifulSoup, selectors: Selectors, base: str, order: DateOrder
) -> list[Entry]:
    entries: list[Entry] = []
    seen: set[str] = set()
    for block in soup.select(selectors.item):
        link = block.select_one(selectors.link) if selectors.link else None
        if link is None and block.name == "a" and block.has_attr("href"):
            link = block
        if link is None:
            link = block.find("a", href=True)
        if isinstance(link, Tag) and link.name != "a":
            link = link.find("a", href=True) or link
        href = link.get("href") if isinstance(link, Tag) else None
        url = safe_link(resolve_url(str(href), base)) if href else None
        if url is None or canonical_url(url) in seen:
            continue
        title_node = block.select_one(selectors.title) if selectors.title else link
        title = clean_text(title_node.get_text(" ")) if isinstance(title_node, Tag) else ""
        if not title:
            continue
        seen.add(canonical_url(url))
        if selectors.date:
            published = date_of(block.select_one(selectors.date), order)
        else:
            heading = title_node if isinstance(title_node, Tag) else None
            published = block_date(block, heading, order)
        summary_node = block.select_one(selectors.summary) if selectors.summary else None
        summary = clean_text(summary_node.get_text(" ")) if summary_node else ""
        entries.append((title, url, published, summary))
    return entries
