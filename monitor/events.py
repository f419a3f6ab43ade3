"""From an analysed item to stored stories, events and outbox rows.

The decisions (is it fresh, did the story start spreading, which status wins) are
pure functions; `Recorder.record` applies them to the store inside the caller's
transaction, so an event and its outbox rows are written with the analysis.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from .analysis.stories import Placement
from .analysis.text import signature_to_bytes
from .models import Analysis, EventKind, ItemData
from .routing import Router, story_facts
from .storage import Store, StoryRow, iso

__all__ = ["SPREADING_OUTLETS", "Recorded", "Recorder", "claim_status", "is_fresh", "outlet_of"]

# A claim is "spreading" once this many independent outlets have picked it up, besides
# the one that first reported it.
SPREADING_OUTLETS = 3


@dataclass(frozen=True, slots=True)
class Recorded:
    item_id: int
    story_id: int | None
    new_story: bool
    events: int


def is_fresh(
    item: ItemData,
    now: datetime,
    alert_window: timedelta,
    first_poll: bool,
    oldest: timedelta = timedelta(days=30),
) -> bool:
    """Whether a new item alerts (DESIGN §5). An item is new by its identity, not its
    date: aggregators publish late. But the first poll of a source is a backfill: only
    items dated within `alert_window` alert there. Later, an item dated more than
    `oldest` ago (an archive page suddenly listed) is stored silently too."""
    if first_poll:
        return item.published_at is not None and item.published_at >= now - alert_window
    return item.published_at is None or item.published_at >= now - max(oldest, alert_window)


def outlet_of(item: ItemData) -> str:
    if item.outlet:
        return item.outlet
    host = urlsplit(item.url).hostname or item.source
    return host.removeprefix("www.")


def claim_status(statements: list[tuple[str, str, bool]], outlets: int) -> str:
    """A claim's status from its denials/confirmations [(kind, party, official)]: an
    official statement outweighs a reported one; among equals, the latest wins."""
    if statements:
        official = [s for s in statements if s[2]]
        kind = (official or statements)[-1][0]
        return "denied" if kind == "denial" else "confirmed"
    return "spreading" if outlets - 1 >= SPREADING_OUTLETS else "reported"


class Recorder:
    def __init__(self, store: Store, router: Router, alert_window: timedelta) -> None:
        self.store = store
        self.router = router
        self.alert_window = alert_window

    def record(
        self,
        item: ItemData,
        analysis: Analysis | None,
        placement: Placement | None,
        now: datetime,
        first_poll: bool = False,
    ) -> Recorded:
        stance = analysis.stance if analysis else None
        item_id = self.store.insert_item(
            {
                "key": item.key,
                "source": item.source,
                "url": item.url,
                "guid": item.guid,
                "title": item.title,
                "summary": item.summary,
                "author": item.author,
                "outlet": outlet_of(item),
                "outlet_url": item.outlet_url,
                "authority": item.authority.value,
                "speaks_for": item.speaks_for,
                "published_at": iso(item.published_at),
                "fetched_at": iso(now),
                "fingerprint": signature_to_bytes(analysis.fingerprint) if analysis else None,
                "stance": stance.stance.value if stance else None,
                "stance_score": stance.score if stance else None,
                "stance_cue": stance.cue if stance else None,
            },
            analysis.companies if analysis else (),
        )
        if analysis is None or placement is None:
            return Recorded(item_id, None, False, 0)
        story_id, new_story = self._join_or_create(item, item_id, analysis, placement, now)
        events = self._events(item, item_id, story_id, placement, now, first_poll)
        return Recorded(item_id, story_id, new_story, events)

    def _join_or_create(
        self,
        item: ItemData,
        item_id: int,
        analysis: Analysis,
        placement: Placement,
        now: datetime,
    ) -> tuple[int, bool]:
        outlet = outlet_of(item)
        story = placement.story
        if story is None:
            story_id = self.store.insert_story(
                {
                    "kind": placement.kind,
                    "title": item.title,
                    "companies": json.dumps(list(analysis.companies)),
                    "first_item_id": item_id,
                    "status": "reported" if placement.kind == "claim" else None,
                    "status_by": "[]",
                    "answers_story_id": placement.answers.id if placement.answers else None,
                    "party": placement.party,
                    "signature": signature_to_bytes(analysis.fingerprint),
                    "concepts": " ".join(sorted(analysis.concepts)),
                    "first_seen": iso(now),
                    "last_seen": iso(now),
                    "outlet_count": 1,
                    "outlets": json.dumps([outlet]),
                },
                placement.bands,
            )
            self.store.set_item_story(item_id, story_id)
            for answer in placement.waiting:  # denials that came before this claim
                self.store.update_story(answer.id, answers_story_id=story_id)
                self._add_statement(
                    self.store.story(story_id),
                    answer.kind,
                    answer.party,
                    self.store.story_is_official(answer.id),
                )
            return story_id, True
        outlets = self.store.story_outlets(story.id)
        if outlet not in outlets:
            outlets.append(outlet)
        changes: dict[str, object] = {
            "last_seen": iso(now),
            "outlets": json.dumps(outlets),
            "outlet_count": len(outlets),
        }
        if story.kind == "neutral" and placement.kind == "claim":
            changes.update(kind="claim", status="reported")
        if placement.answers and story.answers_story_id is None:
            changes["answers_story_id"] = placement.answers.id
        self.store.update_story(story.id, **changes)
        self.store.set_item_story(item_id, story.id)
        return story.id, False

    def _events(
        self,
        item: ItemData,
        item_id: int,
        story_id: int,
        placement: Placement,
        now: datetime,
        first_poll: bool,
    ) -> int:
        fresh = is_fresh(item, now, self.alert_window, first_poll)
        story = self.store.story(story_id)
        count = 0
        if story.kind == "claim":
            if fresh and not self.store.has_event(story_id, EventKind.NEW_CLAIM):
                count += self._event(story_id, EventKind.NEW_CLAIM, item, item_id, None, now)
            status = self._claim_status(story)
            if status == "spreading" and story.status == "reported":
                self.store.update_story(story_id, status=status)
                if self.store.has_event(story_id, EventKind.NEW_CLAIM):
                    count += self._event(
                        story_id, EventKind.STORY_SPREADING, item, item_id, None, now
                    )
        if placement.kind in ("denial", "confirmation"):
            kind = EventKind.DENIAL if placement.kind == "denial" else EventKind.CONFIRMATION
            # A denial is filed under the claim it answers, so it threads under it.
            target = placement.answers.id if placement.answers else story_id
            if placement.answers:
                self._add_statement(
                    placement.answers,
                    placement.kind,
                    placement.party,
                    item.authority.value == "official",
                )
            voice = placement.party or ""
            # An unlinked denial still alerts (the claim may be one monitor never saw); an
            # unlinked confirmation is an announcement: stored for the digest, not alerted.
            alerts = placement.answers is not None or kind is EventKind.DENIAL
            if alerts and fresh and not self.store.has_event(target, kind, voice):
                count += self._event(target, kind, item, item_id, voice, now)
        return count

    def _claim_status(self, story: StoryRow) -> str:
        statements = self.store.story_statements(story.id)
        return claim_status(statements, story.outlet_count)

    def _add_statement(self, claim: StoryRow, kind: str, party: str | None, official: bool) -> None:
        statements = self.store.story_statements(claim.id)
        statement = (kind, party or "", official)
        if statement in statements:
            return  # another report of the same statement: the status is unchanged
        statements.append(statement)
        current = self.store.story(claim.id)
        self.store.update_story(
            claim.id,
            status_by=json.dumps(statements),
            status=claim_status(statements, current.outlet_count),
        )

    def _event(
        self,
        story_id: int,
        kind: EventKind,
        item: ItemData,
        item_id: int,
        voice: str | None,
        now: datetime,
    ) -> int:
        facts = story_facts(kind, self.store.story(story_id), item.authority.value)
        # A story someone muted from an alert raises no alert until the mute expires; its
        # events are still recorded, for the status and the digest.
        muted = self.store.story_muted(story_id, iso(now) or "")
        event_id = self.store.insert_event(
            {
                "story_id": story_id,
                "kind": kind.value,
                "item_id": item_id,
                "voice": voice,
                "created_at": iso(now),
            },
            [] if muted else self.router.destinations(facts),
            iso(now) or "",
        )
        return 0 if event_id is None else 1
