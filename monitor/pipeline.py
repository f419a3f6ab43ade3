"""One poll of some sources: fetch → parse → store → analyse → events → outbox.

This module only composes the stages; each decision lives in its own module.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from .analysis import Analyzer
from .analysis.stories import StoryMatcher
from .config import Config, Source
from .errors import FetchError, MonitorError, SourceError
from .events import Recorded, Recorder
from .fetch import Fetcher
from .health import Outcome, next_state
from .identity import drop_reidentified, unique
from .models import (
    Analysis,
    EventKind,
    FetchRequest,
    ItemData,
    PollResult,
    SourceState,
    utcnow,
)
from .routing import Router, source_facts
from .sources import SourceContext, build_request, parse_response, skip_reason
from .sources.x import rate_limited_until as x_rate_limited_until
from .storage import Store, iso

__all__ = ["Pipeline"]

log = logging.getLogger(__name__)

BATCH_SOURCES = 200
# X's windows are 15 minutes (24 hours for some plans): a reset further away is absurd.
MAX_RATE_PAUSE = timedelta(hours=24)


@dataclass
class _Polled:
    """One source through fetch and parse: its state before, and the Outcome so far (the
    items of every page read, and a warning, travel in the Outcome)."""

    source: Source
    state: SourceState
    outcome: Outcome


class Pipeline:
    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        context: SourceContext,
        router: Router,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.context = context
        self.clock = clock
        self.analyzer = Analyzer(config.companies)
        settings = config.monitor
        self.stories = StoryMatcher(settings.story_window, settings.link_window)
        self.recorder = Recorder(store, router, settings.alert_window)
        self.rng = random.Random()
        # Registered at the first poll, not here: a command that only reads (`status`,
        # `sources`) must not wait for the write lock that a running daemon may hold.
        self._registered = False

    def poll(self, sources: Sequence[Source] | None = None) -> list[PollResult]:
        """Poll the given sources (default: all enabled) once, and record what is new."""
        sources = [s for s in (sources or self.config.sources) if s.enabled]
        self.register_sources()
        states = self.store.source_states()
        skipped = {
            s.name: reason
            for s in sources
            if (reason := skip_reason(s, self.context, states.get(s.name), self.clock()))
        }
        active = [s for s in sources if s.name not in skipped]
        results = [PollResult(name, skipped=reason) for name, reason in skipped.items()]
        for source in sources:
            if source.name in skipped:
                self._wait_for_rate_limit(source, states[source.name])
        # In batches: the fetches of a batch run concurrently, and memory holds one
        # batch's bodies and items at a time, however many sources there are.
        for start in range(0, len(active), BATCH_SOURCES):
            batch = active[start : start + BATCH_SOURCES]
            results += self._record(self._fetch_and_parse(batch, states))
        return results

    def register_sources(self) -> None:
        """Give each configured source its row (once per process; existing state is kept)."""
        if not self._registered:
            self.store.ensure_sources((s.name, s.kind, s.url) for s in self.config.sources)
            self._registered = True

    def _wait_for_rate_limit(self, source: Source, state: SourceState) -> None:
        """A spent X rate-limit window: the source's next poll moves to the reset, so the
        daemon sleeps instead of asking again at every tick. A reset further away than
        MAX_RATE_PAUSE is absurd (a clock or an account problem): the source waits that
        long, and is marked unhealthy, once, with an alert."""
        now = self.clock()
        until = x_rate_limited_until(state, now.timestamp())
        if until is None:
            return
        reset = datetime.fromtimestamp(until, UTC)
        absurd = reset - now > MAX_RATE_PAUSE
        wait_until = min(reset, now + MAX_RATE_PAUSE) + timedelta(seconds=1)
        if (
            state.next_poll_at is not None
            and state.next_poll_at >= wait_until
            and not (absurd and state.healthy)
        ):
            return  # already waiting
        error = f"X rate limit spent: no call until {reset:%Y-%m-%d %H:%M:%S} UTC"
        waiting = replace(
            state,
            next_poll_at=wait_until,
            last_error=error if absurd else state.last_error,
            healthy=state.healthy and not absurd,
        )
        with self.store.transaction("pausing a rate-limited source"):
            self.store.save_source_state(waiting, None)
            if absurd and state.healthy:
                self._health_event(source, EventKind.SOURCE_UNHEALTHY, waiting, now)

    # -- fetch and parse ---------------------------------------------------------------------

    def _fetch_and_parse(
        self, sources: list[Source], states: dict[str, SourceState]
    ) -> list[_Polled]:
        now = self.clock()
        polled = {s.name: _Polled(s, states[s.name], Outcome(ok=True)) for s in sources}
        requests = {s.name: build_request(s, states[s.name], self.context, now) for s in sources}
        rounds = 0
        while requests and rounds < max((s.max_pages for s in sources), default=1):
            rounds += 1
            results = self.fetcher.fetch_many(list(requests.values()))
            next_requests: dict[str, FetchRequest] = {}
            for name, result in zip(requests, results, strict=True):
                entry = polled[name]
                read = entry.outcome.items  # earlier pages' items are kept, whatever follows
                if isinstance(result, FetchError):
                    entry.outcome = Outcome(
                        ok=False,
                        error=str(result),
                        retry_after=result.retry_after,
                        pause=result.pause,
                        cursor=entry.outcome.cursor,
                        items=read,
                    )
                    continue
                if result.not_modified:
                    entry.outcome = Outcome(
                        ok=True,
                        not_modified=True,
                        etag=result.etag,
                        last_modified=result.last_modified,
                    )
                    continue
                state = (
                    entry.state
                    if entry.outcome.cursor is None
                    else SourceState(name=name, cursor=entry.outcome.cursor)
                )
                try:
                    parsed = parse_response(entry.source, result, state, self.context, now)
                except SourceError as exc:
                    entry.outcome = Outcome(ok=False, error=str(exc), items=read)
                    continue
                except Exception as exc:  # a document no rule foresaw: this source only
                    log.debug("while parsing %s", name, exc_info=True)
                    entry.outcome = Outcome(
                        ok=False,
                        error=f"could not read the response ({type(exc).__name__}: "
                        f"{str(exc)[:200]})",
                        items=read,
                    )
                    continue
                entry.outcome = Outcome(
                    ok=True,
                    etag=result.etag,
                    last_modified=result.last_modified,
                    cursor=parsed.cursor or None,
                    items=(*read, *parsed.items),
                    # a success with a mark on the source: a broken but readable document
                    warning=parsed.warning or entry.outcome.warning,
                )
                if parsed.next_request is not None and rounds < entry.source.max_pages:
                    next_requests[name] = parsed.next_request
            requests = next_requests
        return list(polled.values())

    # -- store, analyse, events --------------------------------------------------------------

    def _record(self, polled: list[_Polled]) -> list[PollResult]:
        """Store what every source brought, in one transaction: new items in the order
        they were published (so a story's first report comes first), then each source's
        health."""
        now = self.clock()
        by_source = {p.source.name: unique(list(p.outcome.items)) for p in polled}
        counts = {name: [0, 0, 0] for name in by_source}  # new items, new stories, events
        results = []
        # Analysis needs no lock: done first, so that the write lock (and, on Postgres,
        # the recording lock that workers share) is held only to place and to write.
        keys = [i.key for items in by_source.values() for i in items]
        known_before = self.store.known_keys(keys)
        ahead = self._analyse_ahead(
            [i for items in by_source.values() for i in items if i.key not in known_before]
        )
        with self.store.transaction("recording a poll"):
            self.store.lock_recording()
            # Known before stays known; only the rest is asked again, under the lock (another
            # worker may have recorded them meanwhile).
            known = known_before | self.store.known_keys([k for k in keys if k not in known_before])
            fresh = unique([i for items in by_source.values() for i in items if i.key not in known])
            fresh, repeats = drop_reidentified(fresh, self.store.titles_seen)
            fresh.sort(key=lambda i: i.published_at or now)
            first_poll = {p.source.name: p.state.last_ok_at is None for p in polled}
            unstored = Counter[str]()
            for item in fresh:
                recorded = self._record_item(
                    item, now, first_poll[item.source], ahead.get(item.key)
                )
                if recorded is None:
                    unstored[item.source] += 1
                    continue
                counts[item.source][0] += 1
                counts[item.source][1] += recorded.new_story
                counts[item.source][2] += recorded.events
            for entry in polled:
                new_items, new_stories, events = counts[entry.source.name]
                outcome = replace(entry.outcome, new_items=new_items)
                if repeats[entry.source.name]:
                    outcome = _with_warning(
                        outcome,
                        f"{repeats[entry.source.name]} items came back under new links or "
                        "GUIDs with titles already stored: each title is kept once (this "
                        "source's identities change from poll to poll)",
                    )
                if unstored[entry.source.name]:
                    outcome = _with_warning(
                        outcome,
                        f"{unstored[entry.source.name]} items could not be stored; the source "
                        "is read in full again at its next poll",
                    )
                state, health_event, interval = next_state(
                    entry.source, entry.state, outcome, now, self.config.monitor, self.rng
                )
                if unstored[entry.source.name]:
                    # No validators and the cursor from before: the next poll brings
                    # the unstored items again, rather than a 304 that loses them.
                    state = replace(state, etag=None, last_modified=None, cursor=entry.state.cursor)
                self.store.save_source_state(state, interval.total_seconds())
                if health_event is not None:
                    events += self._health_event(entry.source, health_event, state, now)
                if outcome.error or outcome.warning:
                    log.warning(
                        "source %s: %s",
                        entry.source.name,
                        outcome.error or outcome.warning,
                        extra={"source": entry.source.name, "errors": state.consecutive_errors},
                    )
                results.append(
                    PollResult(
                        entry.source.name,
                        new_items=new_items,
                        seen_items=len(by_source[entry.source.name]) - new_items,
                        new_stories=new_stories,
                        events=events,
                        not_modified=outcome.not_modified,
                        error=outcome.error,
                        warning=outcome.warning,
                    )
                )
        return results

    def _analyse_ahead(self, items: Sequence[ItemData]) -> dict[str, Analysis | Exception]:
        """Each item's analysis, or the error it raised (reported when it is recorded)."""
        analyses: dict[str, Analysis | Exception] = {}
        for item in items:
            if item.key in analyses:
                continue
            try:
                analyses[item.key] = self.analyzer.analyse(item)
            except MonitorError:
                raise
            except Exception as exc:  # a bug: the item is still stored, without analysis
                analyses[item.key] = exc
        return analyses

    def _record_item(
        self,
        item: ItemData,
        now: datetime,
        first_poll: bool,
        ahead: Analysis | Exception | None = None,
    ) -> Recorded | None:
        """Analyse (unless done `ahead`) and record one new item. An unforeseen error (a
        bug) in the work on one item must not lose the poll: the item is then stored
        without analysis, and the log line says which step failed and whether the item
        was stored after all (None: it was not, and the caller has the source read
        again)."""
        step = "analysing"
        try:
            with self.store.savepoint():
                if isinstance(ahead, Exception):
                    raise ahead
                analysis = ahead if ahead is not None else self.analyzer.analyse(item)
                if not analysis.companies:
                    step = "recording"
                    return self.recorder.record(item, None, None, now, first_poll)
                step = "placing in a story"
                placement = self.stories.place(analysis, self.store, now)
                step = "recording"
                return self.recorder.record(item, analysis, placement, now, first_poll)
        except MonitorError:
            raise
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"
            log.debug("while %s %s", step, item.url, exc_info=True)
        try:
            with self.store.savepoint():
                recorded = self.recorder.record(item, None, None, now, first_poll)
        except MonitorError:
            raise  # the database itself: the poll fails as a whole, and says so
        except Exception as again:
            log.error(
                "item %s: %s failed (%s), and storing it without analysis failed too "
                "(%s: %s); it is not stored",
                item.url,
                step,
                failure,
                type(again).__name__,
                again,
            )
            log.debug("while storing %s without analysis", item.url, exc_info=True)
            return None
        log.error("item %s: %s failed (%s); stored without analysis", item.url, step, failure)
        return recorded

    def _health_event(
        self, source: Source, kind: EventKind, state: SourceState, now: datetime
    ) -> int:
        if kind is EventKind.SOURCE_UNHEALTHY:
            log.error(
                "source %s is unhealthy after %d failures in a row: %s",
                source.name,
                state.consecutive_errors,
                state.last_error,
            )
        else:
            log.info("source %s has recovered", source.name)
        event_id = self.store.insert_event(
            {
                "kind": kind.value,
                "source": source.name,
                "created_at": iso(now),
                "payload": json.dumps(
                    {
                        "error": state.last_error,
                        "errors": state.consecutive_errors,
                        "url": source.url or source.query or source.username,
                    }
                ),
            },
            self.recorder.router.destinations(source_facts(kind, source)),
            iso(now) or "",
        )
        return 0 if event_id is None else 1


def _with_warning(outcome: Outcome, warning: str) -> Outcome:
    """The outcome with one more mark on the source, beside those it had (a malformed
    document, items told apart by title), not in their place."""
    joined = f"{outcome.warning}; {warning}" if outcome.warning else warning
    return replace(outcome, warning=joined)
