"""The automatic mode for newsroom listing pages: find the press releases without selectors.

1. Remove what is never content: scripts, navigation, page headers and footers,
   sidebars, dialogs, cookie banners, hidden and screen-reader-only text.
2. Candidate links are web links whose text reads like a headline (not "Read more",
   not a date, not a category or pagination link).
3. Each candidate's *block* is its largest ancestor that holds no other candidate
   URL: the card, list item, table row or article it belongs to.
4. Blocks repeated under one parent (three or more, with distinct URLs) form the
   listing. A lone block with a headline (a featured story) is kept too when it
   points where the listing points (same host and first path segment).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from .common import clean_text, safe_link
from .dates import DATE_TEXT, DateOrder, block_date
from .urls import canonical_url, resolve_url

__all__ = ["Entry", "extract_listing"]

Entry = tuple[str, str, datetime | None, str]  # title, url, published, summary

_NEVER_CONTENT = ("script", "style", "noscript", "template", "svg", "iframe", "nav", "aside")
_HIDDEN_CLASSES = frozenset({"screen-reader-text", "sr-only", "visually-hidden", "visuallyhidden"})
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search"}
)
# Words of an id or class that mark page furniture. "header" is left out: articles have
# an "entry-header" that holds their headline.
_CHROME_WORDS = frozenset(
    {
        "cookie", "cookies", "consent", "gdpr", "newsletter", "subscribe", "signup",
        "social", "share", "sharing", "breadcrumb", "breadcrumbs", "pagination", "pager",
        "paging", "menu", "megamenu", "navbar", "nav", "navigation", "sidebar", "widget",
        "footer", "masthead", "modal", "overlay", "popup", "toolbar", "skip", "related",
        "popular", "trending", "filters", "tabs",
    }
)  # fmt: skip
_WORD_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_NOT_ARTICLE = re.compile(
    r"\.(?:pdf|jpe?g|png|gif|webp|svg|zip|docx?|xlsx?|pptx?|mp4|mp3|ics|xml|rss)(?:$|[?#])", re.I
)
_TAXONOMY = re.compile(
    r"/(?:category|categories|tag|tags|topic|topics|author|page|search|archive)/"
    r"|[?&](?:page|topic|category|tag|year|s)=|/page/\d+",
    re.I,
)
_GENERIC = re.compile(
    r"^(?:read (?:the )?more|more|continue reading|learn more|see more|view (?:all|more)|"
    r"details|full story|read the story|next|previous|older posts|newer posts)\b",
    re.I,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLE_CLASS = re.compile(r"title|headline|heading", re.I)


@dataclass
class _Candidate:
    link: Tag
    url: str
    key: str
    title: str
    heading: Tag | None


def extract_listing(
    soup: BeautifulSoup, base: str, page_url: str, date_order: DateOrder = "DMY"
) -> list[Entry]:
    """The press releases on a listing page, in page order, without selectors."""
    _strip_chrome(soup)
    own = {canonical_url(page_url), canonical_url(base)}
    candidates = [c for c in _candidates(soup, base) if c.key not in own]
    urls_by_key: dict[str, set[int]] = defaultdict(set)
    for cand in candidates:
        urls_by_key[cand.key].add(id(cand.link))
    # One candidate per URL: the one that carries a heading, else the first.
    best: dict[str, _Candidate] = {}
    for cand in candidates:
        kept = best.get(cand.key)
        if kept is None or (kept.heading is None and cand.heading is not None):
            best[cand.key] = cand
    owners = _owners(candidates)
    blocks = {key: _block_of(cand.link, key, owners) for key, cand in best.items()}
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    for key, block in blocks.items():
        parent = block.parent
        groups[(id(parent), block.name or "")].append(key)
    listed: set[str] = set()
    for keys in groups.values():
        if len(keys) >= 3 and _looks_like_list([best[k] for k in keys]):
            listed.update(keys)
    prefixes = {_prefix(best[k].url) for k in listed}
    for key, cand in best.items():
        if key in listed or cand.heading is None:
            continue
        if not listed or _prefix(cand.url) in prefixes:
            listed.add(key)
    order = {id(tag): index for index, tag in enumerate(soup.find_all("a"))}
    chosen = sorted(listed, key=lambda k: order.get(id(best[k].link), 0))
    entries: list[Entry] = []
    for key in chosen:
        cand, block = best[key], blocks[key]
        # Without a heading the title is the link's text less its dates: search it all.
        published = block_date(block, cand.heading, date_order)
        entries.append((cand.title, cand.url, published, _summary(block, cand.title)))
    return entries


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("body", "html", "main", "article") or tag.attrs is None:
        return False
    if tag.has_attr("hidden") or str(tag.get("role", "")).lower() in _CHROME_ROLES:
        return True
    classes: list[str] = list(tag.get("class") or [])
    if _HIDDEN_CLASSES.intersection(classes):
        return True
    words: set[str] = set()
    for token in [str(tag.get("id", "")), *classes]:
        words.update(w.lower() for w in _WORD_SPLIT.split(token) if w)
    return bool(words & _CHROME_WORDS)


def _strip_chrome(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_NEVER_CONTENT):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(["header", "footer"]):
        # A page's header and footer go; an article's own header (its headline) stays.
        inside_item = tag.find_parent(["article", "li", "td"]) or _repeated(tag)
        if not tag.decomposed and not inside_item:
            tag.decompose()
    total_links = len(soup.find_all("a"))
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None or not _is_chrome(tag):
            continue
        # A wrapper named after its sidebar ("page-with-sidebar") holds the content.
        holds_content = tag.find(["main", "article", "h1"]) is not None
        if not holds_content and len(tag.find_all("a")) <= total_links / 2:
            tag.decompose()


def _repeated(tag: Tag) -> bool:
    """Whether the tag sits inside a block that repeats (a card among cards)."""
    for parent in tag.parents:
        if parent.name in ("body", "main", "[document]"):
            return False
        siblings = [s for s in parent.find_next_siblings(parent.name, limit=2)]
        siblings += [s for s in parent.find_previous_siblings(parent.name, limit=2)]
        if len(siblings) >= 2:
            return True
    return False


def _heading_of(link: Tag) -> Tag | None:
    inside = link.find(_HEADINGS)
    if isinstance(inside, Tag):
        return inside
    around = link.find_parent(_HEADINGS)
    return around if isinstance(around, Tag) else None


def _titled_child(link: Tag) -> Tag | None:
    """In a card that is one big link without a heading: the element named as its title."""
    for child in link.find_all(True):
        classes = " ".join(child.get("class") or [])
        if _TITLE_CLASS.search(classes):
            return child
    return None


def _text_without_dates(node: Tag) -> str:
    """A link's text without the date or label printed inside it ("Nov 3, 2026")."""
    parts = [str(s) for s in node.find_all(string=True) if not _only_date(str(s))]
    return clean_text(" ".join(parts))


def _headline_like(title: str) -> bool:
    if _GENERIC.match(title) or _only_date(title):
        return False
    cjk = sum(1 for ch in title if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    return len(title.split()) >= 3 or len(title) >= 20 or cjk >= 6


def _only_date(text: str) -> bool:
    return bool(DATE_TEXT.fullmatch(text.strip(" .,")))


def _candidates(soup: BeautifulSoup, base: str) -> list[_Candidate]:
    found = []
    for link in soup.find_all("a", href=True):
        href = str(link["href"]).strip()
        if not href or href.startswith("#") or _NOT_ARTICLE.search(href):
            continue
        url = safe_link(resolve_url(href, base))
        if url is None or _TAXONOMY.search(url):
            continue
        heading = _heading_of(link) or _titled_child(link)
        title = _text_without_dates(heading or link)
        if not _headline_like(title):
            continue
        found.append(_Candidate(link, url, canonical_url(url), title, heading))
    return found


def _owners(candidates: list[_Candidate]) -> dict[int, str | None]:
    """For each element holding candidate links: the one URL key they share, or None
    when it holds links to several (one pass up from each link: linear, not quadratic)."""
    owners: dict[int, str | None] = {}
    for cand in candidates:
        for parent in cand.link.parents:
            found = owners.get(id(parent), "")
            if found == "":
                owners[id(parent)] = cand.key
            elif found is None or found == cand.key:
                break  # its ancestors already know
            else:
                owners[id(parent)] = None  # and on up: every ancestor holds both
                for above in parent.parents:
                    if owners.get(id(above)) is None:
                        break
                    owners[id(above)] = None
                break
    return owners


def _block_of(link: Tag, key: str, owners: dict[int, str | None]) -> Tag:
    """The largest ancestor of a link that holds no candidate link to another URL."""
    block = link
    for parent in link.parents:
        if parent.name in ("[document]", "body", "html", "main", "form"):
            break
        if owners.get(id(parent)) != key:
            break
        block = parent
    return block


def _looks_like_list(cands: list[_Candidate]) -> bool:
    distinct = len({c.key for c in cands})
    words = sum(len(c.title.split()) for c in cands) / len(cands)
    return distinct >= 0.8 * len(cands) and words >= 3


def _prefix(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    host = (parts.hostname or "").removeprefix("www.")
    return host, segments[0] if len(segments) > 1 else ""


def _summary(block: Tag, title: str) -> str:
    for paragraph in block.find_all("p"):
        for link in paragraph.find_all("a"):
            if _GENERIC.match(clean_text(link.get_text(" "))):
                link.decompose()
        text = clean_text(paragraph.get_text(" "))
        if text and text != title and not _only_date(text):
            return text
    return ""
