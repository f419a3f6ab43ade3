"""The plain data that flows between stages. Datetimes are timezone-aware UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

__all__ = [
    "Analysis",
    "Authority",
    "EventKind",
    "FetchRequest",
    "FetchResult",
    "ItemData",
    "Mention",
    "ParsedSource",
    "PollResult",
    "SourceState",
    "Stance",
    "StanceResult",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Stance(StrEnum):
    CLAIM = "claim"
    DENIAL = "denial"
    CONFIRMATION = "confirmation"
    NEUTRAL = "neutral"


class Authority(StrEnum):
    OFFICIAL = "official"  # the company's own channel
    PRESS = "press"
    AGGREGATOR = "aggregator"
    SOCIAL = "social"


class EventKind(StrEnum):
    NEW_CLAIM = "new_claim"
    DENIAL = "denial"
    CONFIRMATION = "confirmation"
    STORY_SPREADING = "story_spreading"
    SOURCE_UNHEALTHY = "source_unhealthy"
    SOURCE_RECOVERED = "source_recovered"
    SPIKE = "spike"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One HTTP GET, with the validators from the last successful fetch."""

    source: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What came back: a body, or not-modified. Failures are raised as FetchError."""

    source: str
    url: str  # the final URL, after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class ItemData:
    """One item as a source gives it, before it is stored."""

    source: str
    key: str  # identity: canonical URL, else the source's guid
    url: str
    title: str
    summary: str = ""
    published_at: datetime | None = None
    author: str = ""
    outlet: str = ""  # the publication: "Financial Times", "@FordNews"
    outlet_url: str = ""
    guid: str = ""
    authority: Authority = Authority.PRESS
    speaks_for: str | None = None  # company id when the source is that company's own voice


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """The parse of one response: its items and the state to keep for the next poll."""

    items: list[ItemData]
    cursor: dict[str, str] = field(default_factory=dict)  # e.g. X since_id
    warning: str | None = None  # kept what parsed, but the document was broken
    next_request: FetchRequest | None = None  # another page to fetch in this poll


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source's fetch state, as stored between polls."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled_at: datetime | None = None
    last_ok_at: datetime | None = None
    next_poll_at: datetime | None = None
    consecutive_errors: int = 0
    last_error: str | None = None
    healthy: bool = True
    cursor: dict[str, str] = field(default_factory=dict)
    items_seen: int = 0


@dataclass(frozen=True, slots=True)
class Mention:
    company: str
    alias: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class StanceResult:
    stance: Stance
    score: float
    cue: str = ""  # the words that decided
    speaker: str | None = None  # company id that speaks (denies, confirms), when known


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the analysis stage says about one item."""

    companies: tuple[str, ...]
    mentions: tuple[Mention, ...]
    stance: StanceResult
    concepts: frozenset[str]  # content words of title and summary
    topic: frozenset[str]  # the headline's words without company names or stance words
    fingerprint: tuple[int, ...]  # MinHash signature of the concepts
    company_words: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # counterparts the headline names: "Volvo", "Mexico"
    name_words: frozenset[str] = frozenset()  # words of the companies' names and places


@dataclass(frozen=True, slots=True)
class PollResult:
    """The outcome of polling one source: counts, not-modified, or an error message."""

    source: str
    new_items: int = 0
    seen_items: int = 0
    new_stories: int = 0
    events: int = 0
    not_modified: bool = False
    skipped: str | None = None
    error: str | None = None
    warning: str | None = None  # parsed, with a mark: a broken but readable document

    @property
    def ok(self) -> bool:
        return self.error is None
