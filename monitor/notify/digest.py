"""The weekly digest: the week's stories, read from the database and rendered by Jinja2.

Organised by story: each claim with its status and the denials and confirmations that
answer it, then other notable stories per company, counts per company (with a bar
chart drawn with table cells, since mail clients block SVG) and per outlet, and the
sources that failed. HTML (CSS inlined, no scripts, no images) and plain text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..config import Config
from ..storage import Store, iso, parse_iso
from .alerts import status_line

__all__ = ["DailyMentions", "Digest", "build_digest", "period_of", "render_html", "render_text"]

NOTABLE_PER_COMPANY = 5
OUTLETS_LISTED = 15


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str  # http(s) only, else ""
    outlet: str
    authority: str
    when: datetime | None


@dataclass(frozen=True, slots=True)
class Statement:
    kind: str  # denial | confirmation
    party: str
    official: bool
    link: Link
    also: int  # other outlets that reported this statement


@dataclass(frozen=True, slots=True)
class ClaimEntry:
    status: str
    status_line: str
    companies: tuple[str, ...]
    link: Link
    outlets: int
    statements: tuple[Statement, ...]
    corrections: tuple[str, ...] = ()  # what people said from the alert's buttons


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    percent: int  # of the largest count, for the chart


@dataclass(frozen=True, slots=True)
class DailyMentions:
    """A company's mentions on each day of the period (UTC days), spikes marked."""

    company: str
    counts: tuple[int, ...]
    spiked: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    period: str  # ISO week, e.g. 2026-W48
    start: datetime
    end: datetime
    timezone: str
    claims: tuple[ClaimEntry, ...]
    notable: dict[str, tuple[Link, ...]]  # company name -> stories
    companies: tuple[Bar, ...]
    outlets: tuple[Bar, ...]
    failing_sources: tuple[dict[str, Any], ...]
    items: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    days: int = 7
    day_labels: tuple[str, ...] = ()  # e.g. "Mon 30", one per UTC day of `daily`
    daily: tuple[DailyMentions, ...] = ()

    @property
    def title(self) -> str:
        """ "Weekly digest" for the week it is sent for, else what it covers."""
        return "Weekly digest" if self.days == 7 else f"Digest of {self.days} days"

    @property
    def summary(self) -> str:
        denied = sum(1 for c in self.claims if c.status == "denied")
        confirmed = sum(1 for c in self.claims if c.status == "confirmed")
        return (
            f"{len(self.claims)} claim{'s' if len(self.claims) != 1 else ''}, {denied} denied, "
            f"{confirmed} confirmed; {self.items} articles"
        )


def period_of(moment: datetime, timezone: str) -> str:
    """The ISO week a digest sent at `moment` belongs to, e.g. '2026-W48'."""
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def _safe_url(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


def _link(row: dict[str, Any]) -> Link:
    return Link(
        title=row["title"] or "(no title)",
        url=_safe_url(row["url"]),
        outlet=row["outlet"] or "",
        authority=row["authority"] or "press",
        when=parse_iso(row["published_at"]) or parse_iso(row["fetched_at"]),
    )


def _first_item(store: Store, story: dict[str, Any]) -> dict[str, Any]:
    item = store.first_item(story["id"], story["first_item_id"])
    if item is not None:
        return item
    return {
        "title": story["title"],
        "url": "",
        "outlet": "",
        "authority": "press",
        "published_at": None,
        "fetched_at": story["first_seen"],
    }


def build_digest(store: Store, config: Config, now: datetime, days: int = 7) -> Digest:
    """Everything the digest shows about the `days` before `now`."""
    since = iso(now - timedelta(days=days))
    names = config.company_names()
    claims = store.claims_active_since(since)
    shown_stories = {c["id"] for c in claims}
    entries = []
    for claim in claims:
        answers = store.answers_to(claim["id"])
        shown_stories.update(a["id"] for a in answers)
        statements = []
        for answer in answers:
            if answer["kind"] not in ("denial", "confirmation"):
                continue
            item = _first_item(store, answer)
            statements.append(
                Statement(
                    kind=answer["kind"],
                    party=names.get(answer["party"] or "", answer["party"] or "a party"),
                    official=item["authority"] == "official",
                    link=_link(item),
                    also=max(0, int(answer["outlet_count"]) - 1),
                )
            )
        corrections = _corrections(
            store, names, [claim["id"], *(a["id"] for a in answers)], config.monitor.timezone
        )
        entries.append(
            ClaimEntry(
                status=claim["status"] or "reported",
                status_line=status_line(
                    config, claim["status"], json.loads(claim["status_by"] or "[]")
                ),
                companies=tuple(names.get(c, c) for c in json.loads(claim["companies"])),
                link=_link(_first_item(store, claim)),
                outlets=int(claim["outlet_count"]),
                statements=tuple(statements),
                corrections=corrections,
            )
        )
    return Digest(
        period=period_of(now, config.monitor.timezone),
        start=now - timedelta(days=days),
        end=now,
        days=days,
        timezone=config.monitor.timezone,
        claims=tuple(entries),
        notable=_notable(store, config, since, shown_stories),
        companies=_bars(
            [(names.get(company, company), n) for company, n in store.mentions_since(since)]
            + [(c.name, 0) for c in config.companies]
        ),
        outlets=_bars(
            [(outlet or "unknown", n) for outlet, n in store.outlets_since(since, OUTLETS_LISTED)]
        ),
        failing_sources=tuple(_failing_sources(store, since)),
        items=store.items_fetched_since(since),
        day_labels=tuple(day.strftime("%a %d") for day in _days(now, days)),
        daily=_daily(store, config, now, days),
    )


_CORRECTION = {
    "not_stance": "marked not a {stance}",
    "not_about": "marked not about {company}",
    "wrong_thread": "a {stance} taken off this claim as the wrong thread",
    "mute": "muted until {until}",
}


def _corrections(
    store: Store, names: dict[str, str], story_ids: list[int], timezone: str
) -> tuple[str, ...]:
    """'marked not a claim by alice', 'muted until Tue 09:00 by bob': what people said."""
    lines = []
    for row in store.feedback_on_stories(story_ids):
        template = _CORRECTION.get(str(row["action"]))
        if template is None:
            continue
        text = template.format(
            stance=row["stance"] or "alert",
            company=names.get(row["company"] or "", row["company"]),
            until=_when(parse_iso(row["expires_at"]), timezone),
        )
        lines.append(f"{text} by {row['user_name'] or row['user_id']}")
    return tuple(lines)


def _days(now: datetime, days: int) -> list[datetime]:
    """The UTC days the period touches, oldest first (at most 31 are drawn)."""
    last = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    shown = min(days, 31)
    return [last - timedelta(days=n) for n in range(shown - 1, -1, -1)]


def _daily(store: Store, config: Config, now: datetime, days: int) -> tuple[DailyMentions, ...]:
    """Each company's mentions per day, with the days a spike started marked."""
    keys = [day.strftime("%Y-%m-%d") for day in _days(now, days)]
    since, until = iso(_days(now, days)[0]) or "", iso(now) or ""
    counts: dict[tuple[str, str], int] = {
        (company, day): n for company, day, n in store.daily_mentions(since, until)
    }
    spikes = {(s["company"], s["started_at"][:10]) for s in store.spikes_between(since, until)}
    return tuple(
        DailyMentions(
            company=company.name,
            counts=tuple(counts.get((company.id, day), 0) for day in keys),
            spiked=tuple((company.id, day) in spikes for day in keys),
        )
        for company in config.companies
    )


def _notable(
    store: Store, config: Config, since: str | None, shown: set[int]
) -> dict[str, tuple[Link, ...]]:
    """Per company, the week's most widely carried stories not already shown as claims."""
    notable: dict[str, tuple[Link, ...]] = {}
    for company in config.companies:
        rows = store.widest_stories(company.id, since, NOTABLE_PER_COMPANY + len(shown))
        links = [_link(_first_item(store, r)) for r in rows if r["id"] not in shown]
        if links:
            notable[company.name] = tuple(links[:NOTABLE_PER_COMPANY])
    return notable


def _bars(counts: list[tuple[str, int]]) -> tuple[Bar, ...]:
    merged: dict[str, int] = {}
    for label, n in counts:
        merged[label] = max(merged.get(label, 0), int(n))
    top = max(merged.values(), default=0) or 1
    ordered = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Bar(label, n, round(100 * n / top)) for label, n in ordered)


def _failing_sources(store: Store, since: str | None) -> list[dict[str, Any]]:
    """Sources that failed during the week: an unhealthy event, or errors now."""
    rows = store.source_health_since(since)
    failing = []
    for r in rows:
        if not (r["alerts"] or r["consecutive_errors"] or not r["healthy"]):
            continue
        state = "recovered"
        if not r["healthy"]:
            state = "unhealthy"
        elif r["consecutive_errors"]:
            state = "failing"
        failing.append(
            {
                "name": r["name"],
                "url": _safe_url(r["url"]),
                "state": state,
                "errors": r["consecutive_errors"],
                "last_error": r["last_error"] or "",
                "last_ok": parse_iso(r["last_ok_at"]),
            }
        )
    return failing


_env = Environment(
    loader=PackageLoader("monitor", "notify/templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def _when(value: datetime | None, timezone: str) -> str:
    if value is None:
        return "time unknown"
    return value.astimezone(ZoneInfo(timezone)).strftime("%a %d %b %H:%M %Z")


_env.filters["when"] = _when


def render_html(digest: Digest) -> str:
    """The HTML part, with its CSS inlined (mail clients drop <style>)."""
    html = _env.get_template("digest.html").render(d=digest)
    return _inliner.inline(html)


def render_text(digest: Digest) -> str:
    return _env.get_template("digest.txt").render(d=digest)
