"""Sources: one module per kind. Each turns a source's state into a request and a
response into items; this module only dispatches on `Source.kind`."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ..config import Environment, Source
from ..models import FetchRequest, FetchResult, ItemData, ParsedSource, SourceState
from . import x
from .common import sane_date
from .urls import canonical_url, without_tracking

__all__ = ["SourceContext", "build_request", "normalise", "parse_response", "skip_reason"]

log = logging.getLogger(__name__)
_warned: set[str] = set()  # warnings given once per process, however often sources poll

X_KINDS = ("x_search", "x_user")


@dataclass(frozen=True, slots=True)
class SourceContext:
    env: Environment = field(default_factory=Environment)
    # lower-cased X username -> company id, for accounts configured as official
    official_accounts: dict[str, str] = field(default_factory=dict)


def skip_reason(
    source: Source,
    context: SourceContext,
    state: SourceState | None = None,
    now: datetime | None = None,
    *,
    log_once: bool = True,
) -> str | None:
    """Why a source cannot be polled now, or None: no X token (one warning per process,
    from the poll; a command that reports it itself passes log_once=False), or an X
    rate-limit window that is spent until its reset."""
    if source.kind not in X_KINDS:
        return None
    if context.env.x_bearer_token is None:
        reason = "X_BEARER_TOKEN is not set"
        if log_once and reason not in _warned:
            _warned.add(reason)
            log.warning("X sources are skipped: %s", reason)
        return reason
    if state is None:
        return None
    now = now or datetime.now(UTC)
    until = x.rate_limited_until(state, now.timestamp())
    if until is not None:
        when = datetime.fromtimestamp(until, UTC).strftime("%H:%M:%S UTC")
        return f"X rate limit spent: no call until {when}"
    # After a 429, next_poll_at holds the reset: even a manual poll waits for it.
    retry_at = state.next_poll_at
    if "HTTP 429" in (state.last_error or "") and retry_at and retry_at > now:
        return f"X rate limit (429): no call until {retry_at.strftime('%H:%M:%S UTC')}"
    return None


def build_request(
    source: Source, state: SourceState, context: SourceContext, now: datetime | None = None
) -> FetchRequest:
    if source.kind in X_KINDS:
        return x.build_request(
            source, state, context.env, now=now.timestamp() if now is not None else None
        )
    assert source.url is not None
    return FetchRequest(
        source=source.name, url=source.url, etag=state.etag, last_modified=state.last_modified
    )


def parse_response(
    source: Source,
    result: FetchResult,
    state: SourceState,
    context: SourceContext,
    now: datetime,
) -> ParsedSource:
    """The items of one response, whatever the kind, with each publication date judged
    against `now` (the pipeline's clock) in this one place: 1970 or next year is none."""
    # feedparser and BeautifulSoup are imported at the first parse, not by commands that
    # never parse (`status`, `sources`).
    if source.kind == "feed":
        from . import feeds

        parsed = feeds.parse_feed(source, result)
    elif source.kind == "page":
        from . import pages

        parsed = pages.parse_page(source, result)
    else:
        parsed = x.parse_response(source, result, state, context.env, context.official_accounts)
    items, clashes = distinct_identities([normalise(item, source, now) for item in parsed.items])
    warning = parsed.warning
    if clashes:
        clash = (
            f"{clashes} items shared a GUID or link with another item of the same response; "
            "each is kept, told apart by its title"
        )
        warning = f"{warning}; {clash}" if warning else clash
    return replace(parsed, items=items, warning=warning)


def distinct_identities(items: list[ItemData]) -> tuple[list[ItemData], int]:
    """A feed that gives different items one identity (a constant GUID and no links, or
    every item linking to the home page) would lose all but the first as repeats. Items
    of one response that share an identity but not a title are told apart by their title;
    the same item listed twice stays one. Returns the items and how many were renamed."""
    titles: dict[str, set[str]] = {}
    for item in items:
        titles.setdefault(item.key, set()).add(item.title)
    shared = {key for key, names in titles.items() if len(names) > 1}
    if not shared:
        return items, 0
    renamed = [
        replace(item, key=f"{item.key}#title:{_title_id(item.title)}")
        if item.key in shared
        else item
        for item in items
    ]
    return renamed, sum(1 for item in items if item.key in shared)


def _title_id(title: str) -> str:
    return hashlib.sha1(" ".join(title.lower().split()).encode()).hexdigest()[:16]


def normalise(item: ItemData, source: Source, now: datetime) -> ItemData:
    """The one step after every parser, whatever the kind of source: the link shown
    without tracking parameters (and the source's own `strip_params`), the identity as
    the canonical URL unless the parser made a special one (a guid, a Google News key),
    and the publication date judged against the clock (1970 or next year is none)."""
    url = without_tracking(item.url, source.strip_params) if item.url else item.url
    key = item.key or canonical_url(item.url, source.strip_params)
    when = sane_date(item.published_at, now)
    if (url, key, when) == (item.url, item.key, item.published_at):
        return item
    return replace(item, url=url, key=key, published_at=when)
