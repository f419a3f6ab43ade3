"""Which story an item belongs to, and which claim a denial answers.

Near-duplicates are found through MinHash LSH bands indexed in SQLite (so a lookup
touches a handful of rows, however large the archive), then verified on the exact
overlap of content words. Rewrites of a claim by other outlets join it when they
name the same companies and share enough of what they say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ..models import Analysis, Stance
from ..storage import StoryRow, iso
from .text import (
    ACTIONS,
    PLACES,
    STANCE_WORDS,
    band_keys,
    concepts,
    containment,
    jaccard,
    names,
)

__all__ = ["Placement", "StoryIndex", "StoryMatcher"]

DUPLICATE_SIMILARITY = 0.5  # copies: same substance, light edits
REWRITE_CONTAINMENT = 0.5  # a claim reworded by another outlet: its headline's words
MIN_OVERLAP = 0.15  # ... or, naming the same counterpart or action, at least a few of them
MIN_SHARED = 2  # ... and never on one word alone (a short headline's "buy" is not a claim)
LINK_CONTAINMENT = 0.3  # a denial that says what it denies: its headline's words
# Words that say what kind of thing happens, not to what: two claims that share only these
# ("weighs the sale of a unit") are two events unless most of their words agree.
GENERIC = ACTIONS | concepts(
    "weighs unit units business businesses company firm stake stakes deal operations "
    "division group plan plans year move"
)


class StoryIndex(Protocol):
    def stories_by_bands(self, bands: Sequence[int], since: str) -> list[StoryRow]: ...

    def recent_stories(
        self, kind: str, since: str, companies: Sequence[str], *, exact: bool = False
    ) -> list[StoryRow]: ...

    def story(self, story_id: int) -> StoryRow: ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an item goes: an existing story, or a new one of `kind`."""

    kind: str  # claim | denial | confirmation | neutral
    story: StoryRow | None  # the story it joins; None = a new story
    answers: StoryRow | None  # for denials and confirmations: the claim answered
    party: str | None  # who denies or confirms
    bands: tuple[int, ...]
    # for a new claim: denials and confirmations recorded before it that answer it
    waiting: tuple[StoryRow, ...] = ()


class StoryMatcher:
    def __init__(self, story_window: timedelta, link_window: timedelta) -> None:
        self.story_window = story_window
        self.link_window = link_window

    def place(self, analysis: Analysis, index: StoryIndex, now: datetime) -> Placement:
        kind = analysis.stance.stance.value
        party = analysis.stance.speaker if kind in ("denial", "confirmation") else None
        bands = tuple(band_keys(analysis.fingerprint))
        since = iso(now - self.story_window) or ""
        story = self._duplicate_of(analysis, kind, party, index.stories_by_bands(bands, since))
        if story is None and kind == Stance.CLAIM:
            story = self._rewrite_of(
                analysis, index.recent_stories("claim", since, analysis.companies)
            )
        answers = None
        if kind in ("denial", "confirmation"):
            if story is not None and story.answers_story_id is not None:
                answers = index.story(story.answers_story_id)
            if answers is None:
                answers = self._claim_answered(analysis, party, index, now)
        waiting: tuple[StoryRow, ...] = ()
        if kind == "claim" and story is None:
            waiting = tuple(self.answers_waiting(analysis, index, now))
        return Placement(kind, story, answers, party, bands, waiting)

    def _duplicate_of(
        self, analysis: Analysis, kind: str, party: str | None, candidates: list[StoryRow]
    ) -> StoryRow | None:
        best, best_score = None, DUPLICATE_SIMILARITY
        for story in candidates:
            if not _compatible(kind, party, story) or not _same_actors(analysis, story):
                continue
            if _set_apart(analysis, story, _names_of(story, analysis)):
                continue  # one template, another place or counterpart: another story
            score = jaccard(analysis.concepts, frozenset(story.concepts.split()))
            if score >= best_score:
                best, best_score = story, score
        return best

    def _rewrite_of(self, analysis: Analysis, candidates: list[StoryRow]) -> StoryRow | None:
        """A claim reworded by another outlet or relayed in a post: the same companies,
        and either most of its words, or the same action or counterpart ("Volvo",
        "Perplexity", "Mexico") with nothing that sets the two apart."""
        best, best_score = None, 0.0
        for story in candidates:
            ours, their_companies = set(analysis.companies), set(story.companies)
            # One report may name a party another leaves out ("Arm to launch its own chip"
            # and "... with Meta as its first customer"): then most words must agree.
            partly = ours != their_companies and (ours < their_companies or their_companies < ours)
            if ours != their_companies and not partly:
                continue
            theirs = _topic(story, analysis)
            their_names = _names_of(story, analysis)
            if _set_apart(analysis, story, their_names):
                continue
            # Measured on the shorter of the two: a long lede that carries a headline's
            # words is the same claim, however much else it says.
            shorter, longer = sorted((analysis.topic, theirs), key=len)
            score = containment(shorter, longer)
            shared_name = analysis.names & their_names
            shared_action = analysis.topic & theirs & ACTIONS
            shared = len(analysis.topic & theirs)
            specific = (analysis.topic & theirs) - GENERIC
            if (
                score < MIN_OVERLAP
                or shared < MIN_SHARED
                or (score < REWRITE_CONTAINMENT and not (shared_name or shared_action))
                or (score < REWRITE_CONTAINMENT and not (shared_name or specific))
                or (partly and (score < REWRITE_CONTAINMENT or not specific))
            ):
                continue
            if score >= best_score:
                best, best_score = story, score
        return best

    def _claim_answered(
        self, analysis: Analysis, party: str | None, index: StoryIndex, now: datetime
    ) -> StoryRow | None:
        """The claim a denial answers: the one whose words it shares most; a denial
        that names nothing but the report ("completely false and baseless") answers
        the latest claim about its company."""
        companies = sorted({*analysis.companies, *([party] if party else [])})
        if not companies:
            return None
        since = iso(now - self.link_window) or ""
        claims = (party and index.recent_stories("claim", since, [party])) or (
            index.recent_stories("claim", since, companies)
        )
        if not analysis.topic:
            return claims[0] if claims else None  # a generic denial: the latest claim
        best, best_score = None, 0.0
        for claim in claims:
            topic = _topic(claim, analysis)
            score = containment(analysis.topic, topic)
            if (score >= LINK_CONTAINMENT or len(analysis.topic & topic) >= 2) and (
                score > best_score
            ):
                best, best_score = claim, score
        return best

    def answers_waiting(
        self, analysis: Analysis, index: StoryIndex, now: datetime
    ) -> list[StoryRow]:
        """Denials and confirmations recorded before this new claim that answer it: an
        aggregator may carry a denial before the report it denies."""
        since = iso(now - self.link_window) or ""
        claim_words = analysis.concepts - analysis.company_words
        waiting = []
        for kind in ("denial", "confirmation"):
            for story in index.recent_stories(kind, since, analysis.companies):
                if story.answers_story_id is not None:
                    continue
                topic = concepts(story.title) - analysis.company_words - STANCE_WORDS
                generic = not topic and story.party in analysis.companies
                if generic or containment(topic, claim_words) >= LINK_CONTAINMENT:
                    waiting.append(story)
        return waiting


def _names_of(story: StoryRow, analysis: Analysis) -> frozenset[str]:
    """The counterparts a story's headline names, read as the new item's were."""
    return names(story.title, analysis.name_words)


def _set_apart(analysis: Analysis, story: StoryRow, their_names: frozenset[str]) -> bool:
    """Two claims about the same companies are different claims when they name different
    places, or different counterparts ("a battery plant with CATL" and "a factory in
    Mexico"); a claim never differs from another by what it does not say."""
    theirs = frozenset(story.concepts.split())
    places, their_places = analysis.topic & PLACES, theirs & PLACES
    if places and their_places and not places & their_places:
        return True
    actions, their_actions = analysis.topic & ACTIONS, theirs & ACTIONS
    if actions and their_actions and not actions & their_actions:
        return True
    return bool(analysis.names and their_names and not analysis.names & their_names)


def _topic(story: StoryRow, analysis: Analysis) -> frozenset[str]:
    return frozenset(story.concepts.split()) - analysis.company_words


def _compatible(kind: str, party: str | None, story: StoryRow) -> bool:
    if kind == "neutral":
        return story.kind in ("neutral", "claim")
    if kind == "claim":
        return story.kind in ("claim", "neutral")
    return story.kind == kind and story.party == party


def _same_actors(analysis: Analysis, story: StoryRow) -> bool:
    mine, theirs = set(analysis.companies), set(story.companies)
    return bool(mine & theirs) or not (mine or theirs)
