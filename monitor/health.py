"""When to poll a source next, and whether it is healthy: pure functions.

After a success the interval is the configured one, or adapted to how often the
source publishes (as Miniflux's entry-frequency scheduler does). After a failure
it backs off exponentially with jitter, never sooner than a Retry-After. After
`unhealthy_after` failures in a row the source is unhealthy: it is still polled,
at the slowest rate.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .config import MonitorSettings, Source
from .models import EventKind, ItemData, SourceState

__all__ = ["Outcome", "adaptive_interval", "next_state"]

_BACKOFF_BASE = timedelta(minutes=1)
_WEEK = timedelta(days=7)
_MAX_RETRY_AFTER = timedelta(days=7)  # a server may ask for a pause, not for forever


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one poll of a source came to."""

    ok: bool
    error: str | None = None
    retry_after: float | None = None
    pause: bool = False  # an account problem, not an outage: unhealthy at once
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    cursor: dict[str, str] | None = None
    items: Sequence[ItemData] = ()
    new_items: int = 0
    # The document was broken but items were read: a mark on the source (counted and
    # shown), which neither backs it off nor, alone, makes it unhealthy.
    warning: str | None = None


def adaptive_interval(
    items: Sequence[ItemData], now: datetime, settings: MonitorSettings
) -> timedelta:
    """Miniflux's entry-frequency rule: one week divided by the items published in the
    last week, within [min_interval, max_interval]; nothing in a week gives the maximum.
    A source that dates nothing cannot be measured and keeps the default."""
    dated = [i.published_at for i in items if i.published_at is not None]
    if not dated:
        return max(settings.default_interval, settings.min_interval)
    recent = sum(1 for when in dated if now - when <= _WEEK)
    if recent == 0:
        return settings.max_interval
    return max(settings.min_interval, min(settings.max_interval, _WEEK / recent))


def _jitter(interval: timedelta, rng: random.Random) -> timedelta:
    return interval * (1 + rng.uniform(-0.1, 0.1))


def next_state(
    source: Source,
    state: SourceState,
    outcome: Outcome,
    now: datetime,
    settings: MonitorSettings,
    rng: random.Random | None = None,
) -> tuple[SourceState, EventKind | None, timedelta]:
    """The state after a poll, the health event it raises (if any), and the interval."""
    rng = rng or random.Random()
    if outcome.ok:
        if source.interval is not None:
            interval = source.interval
        elif outcome.not_modified or not outcome.items:
            interval = (
                _previous_interval(state, settings)
                if state.consecutive_errors == 0
                else settings.default_interval
            )  # not the backoff of the failures before
        else:
            interval = adaptive_interval(outcome.items, now, settings)
        event = EventKind.SOURCE_RECOVERED if not state.healthy and not outcome.warning else None
        new = replace(
            state,
            etag=outcome.etag if not outcome.not_modified else (outcome.etag or state.etag),
            last_modified=outcome.last_modified or state.last_modified,
            last_polled_at=now,
            last_ok_at=now,
            next_poll_at=now + _jitter(interval, rng),
            consecutive_errors=state.consecutive_errors + 1 if outcome.warning else 0,
            last_error=outcome.warning,
            healthy=state.healthy if outcome.warning else True,
            cursor=outcome.cursor if outcome.cursor is not None else state.cursor,
            items_seen=state.items_seen + outcome.new_items,
        )
        return new, event, interval
    errors = state.consecutive_errors + 1
    unhealthy = errors >= settings.unhealthy_after or outcome.pause
    base = source.interval or settings.default_interval
    backoff = min(settings.max_interval, max(_BACKOFF_BASE, base) * 2 ** min(errors - 1, 10))
    if unhealthy and not outcome.pause:
        backoff = settings.max_interval
    delay = _jitter(backoff, rng)
    if outcome.retry_after is not None:
        delay = max(delay, min(_MAX_RETRY_AFTER, timedelta(seconds=outcome.retry_after)))
    event = EventKind.SOURCE_UNHEALTHY if unhealthy and state.healthy else None
    new = replace(
        state,
        last_polled_at=now,
        next_poll_at=now + delay,
        consecutive_errors=errors,
        last_error=outcome.error,
        healthy=not unhealthy,
        cursor=outcome.cursor if outcome.cursor is not None else state.cursor,
        items_seen=state.items_seen + outcome.new_items,
    )
    return new, event, base


def _previous_interval(state: SourceState, settings: MonitorSettings) -> timedelta:
    if state.next_poll_at and state.last_polled_at and state.next_poll_at > state.last_polled_at:
        previous = state.next_poll_at - state.last_polled_at
        return max(settings.min_interval, min(settings.max_interval, previous))
    return settings.default_interval
