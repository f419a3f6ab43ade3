"""Volume spikes: a company suddenly named far more than usual, before anyone has written
a claim about it.

Per company, the mentions of the last hour are compared with the same hour on each of
the previous 14 days, and those of the last 24 hours with each of the previous 14 days
(Meltwater's comparison). Above `multiple` times the usual and `min_mentions`, a spike
opens: one `spike` alert names the company, the count against the usual, and the stories
and outlets driving it. It stays open (no further alert) until the volume falls back,
when its end is recorded.

`judge` decides, on plain counts; `SpikeWatch` reads the counts and writes the outcome.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import EventKind
from .routing import EventFacts, Router
from .storage import Store, iso, parse_iso

__all__ = ["BUCKET", "Reading", "SpikeRules", "SpikeWatch", "judge"]

log = logging.getLogger(__name__)

BUCKET = timedelta(minutes=10)  # mentions are counted in ten-minute buckets
BASELINE_DAYS = 14
WINDOWS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
TOP_STORIES = 3
TOP_OUTLETS = 5


@dataclass(frozen=True, slots=True)
class SpikeRules:
    multiple: float = 3.0  # the count must reach this many times the usual...
    min_hour: int = 10  # ...and at least this many mentions in an hour
    min_day: int = 40  # (or in a day)
    min_history_days: int = 3  # fewer days of history than this: no judgement


@dataclass(frozen=True, slots=True)
class Reading:
    company: str
    window: str  # hour | day
    count: int
    usual: float  # the mean of the comparable windows before
    spiking: bool


def bucket_start(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 10, second=0, microsecond=0)


def judge(
    counts: Mapping[str, Mapping[datetime, int]],
    now: datetime,
    history_start: datetime | None,
    rules: SpikeRules,
) -> list[Reading]:
    """Each company's hour and day against their usual. `counts`: company → bucket start →
    mentions. Only comparable windows wholly inside the history count toward the usual."""
    if history_start is None:
        return []
    readings = []
    end = bucket_start(now) + BUCKET  # the current bucket, partly filled, is included
    for company, buckets in counts.items():
        for window, length in WINDOWS.items():
            current = _sum(buckets, end - length, end)
            before = [
                _sum(buckets, end - length - timedelta(days=d), end - timedelta(days=d))
                for d in range(1, BASELINE_DAYS + 1)
                if end - length - timedelta(days=d) >= history_start
            ]
            if len(before) < rules.min_history_days:
                continue
            usual = sum(before) / len(before)
            least = rules.min_hour if window == "hour" else rules.min_day
            spiking = current >= least and current >= rules.multiple * max(usual, 1.0)
            readings.append(Reading(company, window, current, usual, spiking))
    return readings


def _sum(buckets: Mapping[datetime, int], start: datetime, end: datetime) -> int:
    return sum(n for moment, n in buckets.items() if start <= moment < end)


class SpikeWatch:
    """Applies `judge` to the store: opens a spike (with its event and outbox rows) when
    one starts, and records its end when the volume falls back."""

    def __init__(
        self, store: Store, router: Router, rules: SpikeRules, names: Mapping[str, str]
    ) -> None:
        self.store = store
        self.router = router
        self.rules = rules
        self.names = dict(names)  # company id → display name, for the log

    def check(self, now: datetime, companies: Sequence[str]) -> int:
        """Judge every configured company now; return how many spikes opened."""
        since = now - WINDOWS["day"] - timedelta(days=BASELINE_DAYS) - BUCKET
        counts: dict[str, dict[datetime, int]] = {c: {} for c in companies}
        for company, bucket, n in self.store.mention_buckets(iso(since) or "", iso(now) or ""):
            moment = parse_iso(bucket[:15] + "0:00+00:00")
            if company in counts and moment is not None:
                counts[company][moment] = n
        history = parse_iso(self.store.first_fetch())
        opened = 0
        open_spikes = {(s["company"], s["span"]): s for s in self.store.open_spikes()}
        for reading in judge(counts, now, history, self.rules):
            current = open_spikes.get((reading.company, reading.window))
            if reading.spiking and current is None:
                self._open(reading, now)
                opened += 1
            elif reading.spiking and current is not None and reading.count > current["peak"]:
                self.store.raise_spike_peak(current["id"], reading.count)
            elif not reading.spiking and current is not None:
                self.store.close_spike(current["id"], iso(now) or "")
                log.info(
                    "spike of %s over the last %s has ended",
                    self.names.get(reading.company, reading.company),
                    reading.window,
                )
        return opened

    def _open(self, reading: Reading, now: datetime) -> None:
        since = iso(now - WINDOWS[reading.window]) or ""
        stories = self.store.company_stories_since(reading.company, since, TOP_STORIES)
        outlets = self.store.company_outlets_since(reading.company, since, TOP_OUTLETS)
        payload = {
            "company": reading.company,
            "window": reading.window,
            "count": reading.count,
            "usual": round(reading.usual, 1),
            "stories": [{"title": s["title"], "url": s.get("url") or ""} for s in stories],
            "outlets": [name for name, _ in outlets],
        }
        facts = EventFacts(kind="spike", companies=(reading.company,), outlets=len(outlets))
        with self.store.transaction("recording a spike"):
            event_id = self.store.insert_event(
                {
                    "kind": EventKind.SPIKE.value,
                    "created_at": iso(now),
                    "payload": json.dumps(payload),
                },
                self.router.destinations(facts),
                iso(now) or "",
            )
            self.store.open_spike(
                reading.company,
                reading.window,
                iso(now) or "",
                reading.count,
                reading.usual,
                event_id,
            )
        log.info(
            "spike: %s named %d times in the last %s, against %.1f usually",
            self.names.get(reading.company, reading.company),
            reading.count,
            reading.window,
            reading.usual,
        )
