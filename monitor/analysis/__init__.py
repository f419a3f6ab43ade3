"""Analysis: who is mentioned, what stance the text takes, and its fingerprint.

`Analyzer.analyse` is what the pipeline runs on each new item, and
`Analyzer.classify` is what `monitor classify` runs: the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from ..config import Company
from ..models import Analysis, ItemData, Mention, Stance, StanceResult
from .entities import EntityMatcher
from .learned import default_model
from .stance import StanceClassifier
from .text import PLACES, STANCE_WORDS, concepts, minhash, names

__all__ = ["Analyzer"]


_UNMENTIONED = Analysis(
    companies=(),
    mentions=(),
    stance=StanceResult(Stance.NEUTRAL, 0.0, "no company named"),
    concepts=frozenset(),
    topic=frozenset(),
    fingerprint=(),
)


class Analyzer:
    def __init__(self, companies: Sequence[Company], *, learned: bool = True) -> None:
        """`learned=False`: the rules alone decide stance (what `monitor train` learns
        from); by default the learned layer shipped with the package reads their verdict."""
        self.entities = EntityMatcher(companies)
        words: set[str] = set()
        for company in companies:
            # Model names ("Escape", "Seal") are what a story is about: they stay.
            for alias in (company.name, *company.aliases):
                if " " not in alias.strip():  # "Blade Battery" must not hide "battery"
                    words |= concepts(alias)
        self._company_words = frozenset(words)
        # Every word of every name ("Motor" of "Ford Motor Co"): never a counterpart.
        self._name_words = (
            frozenset(
                word
                for company in companies
                for alias in (company.name, *company.aliases, *company.context_aliases)
                for word in concepts(alias)
            )
            | PLACES
        )
        # Syndicated copies repeat headlines word for word: each is read once per process.
        self._find = lru_cache(maxsize=8192)(self._find_uncached)
        self._stance = lru_cache(maxsize=8192)(self._stance_uncached)
        self.stance = StanceClassifier(
            lambda text: {m.company for m in self._find(text)},
            default_model() if learned else None,
        )

    def analyse_text(
        self,
        title: str,
        summary: str = "",
        *,
        speaks_for: str | None = None,
        claim: str | None = None,
        only_if_mentioned: bool = False,
        for_stories: bool = True,
    ) -> Analysis:
        """Entities, stance and fingerprint of one text. With `only_if_mentioned`, a text
        that names no company stops after the entity pass (the pipeline's hot path);
        without `for_stories`, the words and fingerprint that group stories are skipped
        (`monitor classify` needs only entities and stance)."""
        mentions = self._find(title)
        body_mentions = self._find(summary) if summary else []
        # The headline says who the story is about; the body counts when it names no one.
        companies = {m.company for m in mentions} or {m.company for m in body_mentions}
        if speaks_for:
            companies.add(speaks_for)
        if only_if_mentioned and not companies:
            return _UNMENTIONED
        stance = (
            self._stance(title, speaks_for)
            if claim is None
            else self.stance.classify(title, mentions, speaks_for=speaks_for, claim=claim)
        )
        if stance.stance.value == "neutral" and summary and not stance.cue and claim is None:
            # A headline that says nothing may be explained by its first sentence.
            first = summary.split(". ")[0]
            from_summary = self.stance.classify(first, body_mentions, speaks_for=speaks_for)
            if from_summary.stance.value != "neutral":
                stance = StanceResult(
                    from_summary.stance,
                    from_summary.score * 0.9,
                    from_summary.cue,
                    from_summary.speaker,
                )
        if stance.speaker is None and stance.stance.value in ("denial", "confirmation"):
            named = [m.company for m in mentions] or [m.company for m in body_mentions]
            if named:
                stance = StanceResult(stance.stance, stance.score, stance.cue, named[0])
        if not for_stories:
            return Analysis(
                tuple(sorted(companies)), tuple(mentions), stance, frozenset(), frozenset(), ()
            )
        words = concepts(f"{title} {summary}")
        return Analysis(
            companies=tuple(sorted(companies)),
            mentions=tuple(mentions),
            stance=stance,
            concepts=words,
            topic=concepts(_blank(title, mentions)) - self._company_words - STANCE_WORDS,
            fingerprint=minhash(words),
            company_words=self._company_words,
            names=names(title, self._name_words),
            name_words=self._name_words,
        )

    def _find_uncached(self, text: str) -> list[Mention]:
        return self.entities.find(text)

    def _stance_uncached(self, title: str, speaks_for: str | None) -> StanceResult:
        return self.stance.classify(title, self._find(title), speaks_for=speaks_for)

    def analyse(self, item: ItemData) -> Analysis:
        return self.analyse_text(
            item.title, item.summary, speaks_for=item.speaks_for, only_if_mentioned=True
        )

    def classify(self, text: str, claim: str | None = None) -> Analysis:
        """The stance of one text (towards `claim` when given), as `monitor classify` sees it."""
        return self.analyse_text(text, claim=claim, for_stories=False)


def _blank(text: str, mentions: Sequence[Mention]) -> str:
    """The text with each mention blanked, from the end so that earlier offsets hold; a
    span that overlaps one already blanked is skipped."""
    limit = len(text)
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        if mention.end > limit:
            continue
        text = text[: mention.start] + " " + text[mention.end :]
        limit = mention.start
    return text
