"""Generated news: realistic RSS 2.0 feeds, and archive rows, from one seeded RNG.

Most headlines name none of the configured companies; some are claims, denials,
confirmations or plain company news about Ford, Xiaomi or BYD. Stories are shared
across feeds with light rewording, so near-duplicate detection has real work to do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

__all__ = ["ITEMS_PER_FEED", "Headline", "feed_body", "feed_items", "headline_pool"]

ITEMS_PER_FEED = 50

COMPANIES = ["Ford", "Xiaomi", "BYD"]
PEOPLE = {"Ford": "Jim Farley", "Xiaomi": "Lei Jun", "BYD": "Wang Chuanfu"}
PLACES = ["Mexico", "Hungary", "Michigan", "Brazil", "Turkey", "Thailand", "Spain", "India"]
THINGS = ["battery plant", "EV venture", "software unit", "charging network", "robotaxi project"]
OUTLETS = ["Reuters", "Bloomberg", "the FT", "Nikkei", "CNBC", "Caixin", "The Information"]

CLAIMS = [
    "{a} in talks with {b} over {thing}, {outlet} reports",
    "{a} weighs {thing} in {place}, people familiar say",
    "{a} plans {thing} with {b} in {place} - {outlet}",
    "Exclusive: {a} and {b} discuss {thing} for {place}",
]
DENIALS = [
    "{a} denies report of {thing} talks with {b}",
    "{a} calls {outlet} report on {place} {thing} 'completely false and baseless'",
    "{a} says it is not negotiating a {thing} in {place}",
]
CONFIRMATIONS = [
    "{a} confirms {thing} with {b} in {place}",
    "{a} announces its {place} {thing} will open next year",
]
COMPANY_NEWS = [
    "{a} recalls {n},000 vehicles over software fault",
    "{person} says {a} will cut costs by {n}% in {place}",
    "{a} quarterly deliveries rise {n}% as {place} demand grows",
    "{a} opens showroom in {place} as sales push widens",
]
OTHER_NEWS = [
    "Oil prices rise {n}% on supply worries in {place}",
    "Central bank in {place} holds rates steady for {n}th month",
    "Harrison Ford to star in new {place} thriller",
    "Oxford researchers unveil {n}-hour solid-state cell test",
    "Football: {place} beat rivals {n}-1 in qualifier",
    "Tech stocks slip as chip makers report {n}% drop in orders",
    "Heatwave in {place} sends power demand to record",
    "Startup raises ${n}m to build grid batteries in {place}",
    "Airline adds {n} routes from {place} for winter season",
    "Local council approves {n} new homes near river ford",
]
SUMMARY = "<p>{title}. {detail}, analysts at {outlet} said of the {place} market.</p>"
_SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vo", "sul", "dor", "fen", "gri", "pa", "zu"]
# Made-up content words: each story gets its own, so distinct stories do not look alike.
VOCABULARY = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("n", "t", "s", "")]


@dataclass(frozen=True, slots=True)
class Headline:
    title: str
    summary: str
    slug: str
    kind: str  # claim | denial | confirmation | company | other: what the template was


def _fill(template: str, rng: random.Random) -> str:
    a, b = rng.sample(COMPANIES, 2)
    return template.format(
        a=a,
        b=b,
        person=PEOPLE[a],
        thing=rng.choice(THINGS),
        place=rng.choice(PLACES),
        outlet=rng.choice(OUTLETS),
        n=rng.randint(2, 90),
    )


def headline_pool(size: int, seed: int = 7) -> list[Headline]:
    """`size` distinct stories: about 10% claims, 2% denials, 2% confirmations, 20%
    company news and the rest news that names none of the companies."""
    rng = random.Random(seed)
    pool = []
    for index in range(size):
        roll = rng.random()
        if roll < 0.10:
            kind, templates = "claim", CLAIMS
        elif roll < 0.12:
            kind, templates = "denial", DENIALS
        elif roll < 0.14:
            kind, templates = "confirmation", CONFIRMATIONS
        elif roll < 0.34:
            kind, templates = "company", COMPANY_NEWS
        else:
            kind, templates = "other", OTHER_NEWS
        words = rng.sample(VOCABULARY, 10)
        title = f"{_fill(rng.choice(templates), rng)} ({words[0]} {words[1]})"
        summary = SUMMARY.format(
            title=escape(title),
            detail=" ".join(words[2:]).capitalize(),
            place=rng.choice(PLACES),
            outlet=rng.choice(OUTLETS),
        )
        slug = "-".join(title.lower().split()[:6]).strip(",.'") + f"-{index}"
        slug = "".join(c for c in slug if c.isalnum() or c == "-")
        pool.append(Headline(title, summary, slug, kind))
    return pool


def _reword(title: str, rng: random.Random) -> str:
    """A syndicated copy: the same story with a light edit."""
    roll = rng.random()
    if roll < 0.5:
        return title
    if roll < 0.75:
        return f"{title} - {rng.choice(OUTLETS).removeprefix('the ')}"
    return f"UPDATE: {title}"


def feed_items(
    feed: int, pool: list[Headline], now: datetime, rng: random.Random, prefix: str = "news"
) -> list[tuple[str, str, str, str, datetime]]:
    """(title, link, guid, summary html, published) for the items of one feed."""
    items = []
    for position in range(ITEMS_PER_FEED):
        story = pool[rng.randrange(len(pool))]
        published = now - timedelta(minutes=30 * position + rng.randint(0, 29))
        link = (
            f"https://outlet{feed}.example/{prefix}/{published:%Y/%m/%d}/{story.slug}"
            f"?utm_source=rss&utm_medium=feed"
        )
        guid = f"outlet{feed}-{prefix}-{position}-{story.slug}"
        items.append((_reword(story.title, rng), link, guid, story.summary, published))
    return items


def feed_body(
    feed: int, pool: list[Headline], now: datetime | None = None, prefix: str = "news"
) -> bytes:
    """One RSS 2.0 document of ITEMS_PER_FEED items, WordPress-style (about 20 KB)."""
    now = now or datetime.now(UTC)
    rng = random.Random(feed * 7919 + len(prefix))
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>Outlet {feed} News</title>\n<link>https://outlet{feed}.example/</link>\n"
        f'<atom:link href="https://outlet{feed}.example/feed/" rel="self" '
        'type="application/rss+xml" />\n'
        f"<description>Business and technology news from outlet {feed}</description>\n"
        f"<lastBuildDate>{format_datetime(now)}</lastBuildDate>\n<language>en-US</language>\n"
    ]
    for title, link, guid, summary, published in feed_items(feed, pool, now, rng, prefix):
        parts.append(
            f"<item>\n<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n"
            f"<dc:creator><![CDATA[Reporter {rng.randint(1, 40)}]]></dc:creator>\n"
            f"<pubDate>{format_datetime(published)}</pubDate>\n"
            f'<guid isPermaLink="false">{guid}</guid>\n'
            f"<description><![CDATA[{summary}]]></description>\n</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode()
