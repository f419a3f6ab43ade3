"""Company newsroom (PR) listing pages into items, with BeautifulSoup.

With `selectors` the source says where items, titles, links and dates are. Without
them, the automatic mode finds the repeated blocks that carry a headline link:
navigation, headers, footers, sidebars and cookie banners are removed first, then
links are grouped by their place in the page's structure, and the groups that look
like a list of headlines are kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from ..config import Selectors, Source
from ..errors import ParseError
from ..models import Authority, FetchResult, ItemData, ParsedSource
from .common import MAX_SUMMARY, MAX_TITLE, clip, plain_text, sane_date
from .urls import canonical_url, resolve_url

__all__ = ["extract_listing", "parse_date_text", "parse_page"]

_CHROME_TAGS = (
    "nav",
    "footer",
    "header",
    "aside",
    "script",
    "style",
    "noscript",
    "form",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
)
_CHROME_WORDS = re.compile(
    r"cookie|consent|gdpr|banner|newsletter|subscribe|signup|sign-up|social|share|"
    r"breadcrumb|pagination|pager|menu|navbar|sidebar|widget|footer|header|masthead|"
    r"related|popular|trending|modal|overlay|skip-link|toolbar|tags|categor|archive",
    re.I,
)
_NOT_ARTICLE = re.compile(
    r"\.(?:pdf|jpe?g|png|gif|zip|docx?|xlsx?|pptx?|mp4|mp3)(?:$|\?)|^(?:mailto|tel|"
    r"javascript):|^#",
    re.I,
)
_MIN_HEADLINE_WORDS = 4
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE_TEXT = re.compile(
    rf"\b(?:\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*\.?,?\s+\d{{4}}|"
    rf"(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{4}}年\d{{1,2}}月\d{{1,2}}日)",
    re.I,
)
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%Y年%m月%d日",
)


def parse_date_text(text: str) -> datetime | None:
    """A date as newsrooms print it: ISO, '29 October 2026', 'Nov 3, 2026', '2026年11月3日'."""
    text = text.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}T", text):
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        except ValueError:
            pass
    match = _DATE_TEXT.search(text)
    if not match:
        return None
    found = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", match.group(0))
    found = (
        re.sub(r"[,]", " ", found).replace("Sept", "Sep").replace(".", " ")
        if not re.match(r"\d{4}\.|\d{1,2}\.\d", found)
        else found
    )
    found = re.sub(r"\s+", " ", found).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(found, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def parse_page(source: Source, result: FetchResult) -> ParsedSource:
    if not result.body.strip():
        raise ParseError("empty response body", source=source.name, url=result.url)
    soup = BeautifulSoup(result.body, "html.parser")
    if soup.find(["html", "body", "div", "a"]) is None:
        raise ParseError("not an HTML page", source=source.name, url=result.url)
    base = result.url
    base_tag = soup.find("base", href=True)
    if isinstance(base_tag, Tag):
        base = resolve_url(str(base_tag["href"]), result.url)
    if source.selectors:
        entries = _with_selectors(soup, source.selectors, base)
    else:
        entries = extract_listing(soup, base)
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
            key=canonical_url(url),
            url=url,
            title=clip(title, MAX_TITLE),
            summary=clip(summary, MAX_SUMMARY),
            published_at=sane_date(published),
            outlet=_outlet(soup, source),
            authority=authority,
            speaks_for=source.company if source.authority == "official" else None,
        )
        for title, url, published, summary in entries
    ]
    return ParsedSource(items=items)


def _outlet(soup: BeautifulSoup, source: Source) -> str:
    meta = soup.find("meta", attrs={"property": "og:site_name"})
    if isinstance(meta, Tag) and meta.get("content"):
        return plain_text(str(meta["content"]))
    return source.name


Entry = tuple[str, str, datetime | None, str]


def _with_selectors(soup: BeautifulSoup, selectors: Selectors, base: str) -> list[Entry]:
    entries: list[Entry] = []
    for block in soup.select(selectors.item):
        link = block.select_one(selectors.link) if selectors.link else block.find("a", href=True)
        if link is not None and link.name != "a":
            link = link.find("a", href=True) or link
        href = link.get("href") if isinstance(link, Tag) else None
        if not href:
            continue
        title_node = block.select_one(selectors.title) if selectors.title else link
        title = plain_text(title_node.get_text(" ")) if title_node else ""
        date_node = block.select_one(selectors.date) if selectors.date else None
        summary_node = block.select_one(selectors.summary) if selectors.summary else None
        if title:
            entries.append(
                (
                    title,
                    resolve_url(str(href), base),
                    _date_of(date_node),
                    plain_text(summary_node.get_text(" ")) if summary_node else "",
                )
            )
    return entries


def _date_of(node: Tag | None) -> datetime | None:
    if node is None:
        return None
    for attribute in ("datetime", "content", "data-date"):
        if node.get(attribute):
            found = parse_date_text(str(node[attribute]))
            if found:
                return found
    return parse_date_text(node.get_text(" "))


def _strip_chrome(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        marks = " ".join([str(tag.get("id", "")), *tag.get("class", []), str(tag.get("role", ""))])
        if marks.strip() and _CHROME_WORDS.search(marks) and tag.name not in ("body", "main"):
            if tag.name in ("html",):
                continue
            tag.decompose()


def _path(tag: Tag) -> str:
    """A link's place in the structure: its ancestors' tags and first classes."""
    parts = []
    for parent in list(tag.parents)[:5]:
        if parent.name in ("[document]", "html", "body"):
            break
        classes = parent.get("class") or []
        parts.append(f"{parent.name}.{classes[0] if classes else ''}")
    return "/".join(parts)


def _headline(link: Tag) -> str:
    heading = link.find(["h1", "h2", "h3", "h4", "h5"])
    if heading is None:
        heading = link.find_parent(["h1", "h2", "h3", "h4", "h5"])
    text = heading.get_text(" ") if heading is not None else link.get_text(" ")
    return plain_text(text)


def extract_listing(soup: BeautifulSoup, base: str) -> list[Entry]:
    """The press releases on a listing page, in page order, without selectors."""
    _strip_chrome(soup)
    candidates: list[tuple[Tag, str, str]] = []
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        if not href or _NOT_ARTICLE.search(href):
            continue
        title = _headline(link)
        if len(title.split()) < _MIN_HEADLINE_WORDS and len(title) < 16:
            continue
        candidates.append((link, resolve_url(href, base), title))
    groups: dict[str, list[int]] = defaultdict(list)
    for index, (link, _, _) in enumerate(candidates):
        groups[_path(link)].append(index)
    keep: set[int] = set()
    for members in groups.values():
        if len(members) >= 3:
            keep.update(members)
    for index, (link, _, _) in enumerate(candidates):
        in_heading = link.find(["h1", "h2", "h3"]) or link.find_parent(["h1", "h2", "h3"])
        if in_heading is not None:
            keep.add(index)
    entries: list[Entry] = []
    seen: set[str] = set()
    for index in sorted(keep):
        link, url, title = candidates[index]
        key = canonical_url(url)
        if key in seen:
            continue
        seen.add(key)
        block = _block_of(link, {id(c[0]) for c in candidates})
        entries.append((title, url, _block_date(block), _block_summary(block, title)))
    return entries


def _block_of(link: Tag, candidate_ids: set[int]) -> Tag:
    """The largest ancestor of a link that holds no other candidate link: its item."""
    block = link
    for parent in link.parents:
        if parent.name in ("[document]", "body", "html", "main"):
            break
        links = parent.find_all("a", href=True)
        if any(id(a) in candidate_ids and a is not link for a in links):
            break
        block = parent
    return block


def _block_date(block: Tag) -> datetime | None:
    time_tag = block.find("time")
    if isinstance(time_tag, Tag):
        found = _date_of(time_tag)
        if found:
            return found
    for node in block.find_all(string=_DATE_TEXT):
        found = parse_date_text(str(node))
        if found:
            return found
    return None


def _block_summary(block: Tag, title: str) -> str:
    for paragraph in block.find_all("p"):
        text = plain_text(paragraph.get_text(" "))
        if text and text != title and not _DATE_TEXT.fullmatch(text):
            return text
    return ""
