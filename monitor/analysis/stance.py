"""Stance: does a text make a claim, deny one, confirm one, or none of these?

Rules, in order, each naming the cue that decided (DESIGN.md §5):
1. a question, "did not deny", a court ruling or a refusal of a customer ("court
   denies Ford's motion", "denied a warranty claim") is not a denial: neutral;
   a non-answer ("declined to comment") is ignored, the rest of the text decides;
2. a denial cue ("denies", "completely false and baseless", "pure speculation")
   is a denial; a negated plan or talk ("not negotiating", "no plans to") is a
   denial when the company says it, and a claim when anonymous sources do;
3. a confirmation cue, not negated or hedged ("confirms", "announces a plant";
   not "declined to confirm", "could announce");
4. a report cue ("sources say", "reportedly", "in talks", "said to", "FT reports")
   is a claim.
Relative to a given claim, a denial or confirmation must be about that claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import Mention, Stance, StanceResult
from . import cues
from .text import concepts, normalise

__all__ = ["StanceClassifier", "classify_stance"]


class StanceClassifier:
    """Rule-based stance with the cue that decided; stateless and thread-safe.

    `company_words` (the configured names and aliases, as concepts) are left out when
    comparing a text with a given claim: sharing a company is not sharing a claim."""

    def __init__(
        self,
        company_words: frozenset[str] = frozenset(),
        companies_of: Callable[[str], set[str]] = lambda text: set(),
    ) -> None:
        self.ignored = _STANCE_WORDS | company_words
        self.companies_of = companies_of

    def classify(
        self,
        text: str,
        mentions: Sequence[Mention] = (),
        *,
        speaks_for: str | None = None,
        claim: str | None = None,
    ) -> StanceResult:
        result = self._classify(text, mentions, speaks_for)
        if claim is None or result.stance is Stance.NEUTRAL:
            return result
        ours, theirs = self.companies_of(text), self.companies_of(claim)
        if ours - theirs and theirs - ours:
            return StanceResult(
                Stance.NEUTRAL,
                0.6,
                f"{result.stance.value} ({result.cue}) "
                f"of another claim: {', '.join(sorted(ours - theirs))} is not "
                f"{', '.join(sorted(theirs - ours))}",
            )
        return _relative_to(result, text, claim, self.ignored)

    def _classify(
        self, text: str, mentions: Sequence[Mention], speaks_for: str | None
    ) -> StanceResult:
        # Quotes around a word ('has "never" asked') say nothing about stance.
        flat = normalise(text).replace('"', "").strip()
        if cues.QUESTION_OPENER.search(flat) or (
            cues.QUESTION_END.search(flat) and ":" not in flat
        ):
            return StanceResult(Stance.NEUTRAL, 0.7, "a question")
        non_answer = cues.NON_ANSWER.search(flat)
        cleaned = flat
        if non_answer:  # a non-answer decides nothing
            cleaned = cues.NON_ANSWER.sub(" ", flat)
        if "report" in cleaned:
            cleaned = cues.OWN_DOCUMENT.sub(" filing ", cleaned)
        not_denied = cues.NOT_DENIED.search(cleaned)
        if not_denied:
            return StanceResult(Stance.NEUTRAL, 0.7, not_denied.group(0))
        ruling = cues.RULING.search(cleaned)
        if ruling:
            return StanceResult(
                Stance.NEUTRAL, 0.7, f"not a denial of a report: {ruling.group(0).strip()}"
            )
        hedged = cues.NOT_CONFIRMED.search(cleaned)
        unhedged = cues.NOT_CONFIRMED.sub(" ", cleaned) if hedged else cleaned
        confirmation = cues.CONFIRMATION.search(unhedged)
        if confirmation is None and (mentions or speaks_for):
            confirmation = cues.ANNOUNCEMENT.search(unhedged)
        strong = cues.DENIAL_STRONG.search(cleaned)
        if strong and not speaks_for:
            anonymous_denial = cues.ANONYMOUS_DENIAL.search(cleaned)
            if anonymous_denial and anonymous_denial.end() <= strong.end() + 2:
                return StanceResult(Stance.CLAIM, 0.7, anonymous_denial.group(0).strip())
        if strong and not (
            confirmation
            and confirmation.start() < strong.start()
            and "confirm" in confirmation.group(0)
        ):
            return StanceResult(
                Stance.DENIAL,
                0.9,
                strong.group(0).strip(),
                _speaker(mentions, strong.start(), speaks_for),
            )
        negated = cues.DENIAL_NEGATED.search(cleaned)
        if negated is None and cues.CLAIM_REFERENCE.search(cleaned):
            negated = cues.REASSURANCE.search(cleaned)
        # Computed only where a rule below needs them: these are the costliest patterns.
        anonymous = (
            cues.ANONYMOUS.search(cleaned)
            if (negated or confirmation) and not cues.RESPONSE.search(cleaned)
            else None
        )
        claim = None
        if confirmation or not speaks_for:
            claim = cues.CLAIM.search(unhedged) or (
                None if non_answer else cues.WEAK_CLAIM.search(unhedged)
            )
        if negated and not (confirmation and confirmation.start() < negated.start()):
            own_voice = speaks_for is not None or cues.OWN_VOICE.search(cleaned)
            if not anonymous and (own_voice or cues.CLAIM_REFERENCE.search(cleaned)):
                return StanceResult(
                    Stance.DENIAL,
                    0.75,
                    negated.group(0).strip(),
                    _speaker(mentions, negated.start(), speaks_for),
                )
        if confirmation and not (claim and anonymous):
            return StanceResult(
                Stance.CONFIRMATION,
                0.8,
                confirmation.group(0).strip(),
                _speaker(mentions, confirmation.start(), speaks_for),
            )
        if claim and not speaks_for:
            return StanceResult(Stance.CLAIM, 0.8, claim.group(0).strip(" ,-–—:("))
        if non_answer:
            return StanceResult(Stance.NEUTRAL, 0.6, non_answer.group(0))
        return StanceResult(Stance.NEUTRAL, 0.5, "")


def _speaker(mentions: Sequence[Mention], cue_start: int, speaks_for: str | None) -> str | None:
    """The company that speaks: the source's own voice, else the first one named before
    the cue, else the first one named."""
    if speaks_for:
        return speaks_for
    before = [m for m in mentions if m.start <= cue_start]
    if before:
        return before[0].company
    return mentions[0].company if mentions else None


# Words that name what a claim is about; two texts about different actions on the same
# thing (selling a plant, cutting jobs at it) are different claims.
_ACTIONS = frozenset(
    "talk partner trade cut job layoff recall delay price launch enter make close exit list "
    "listing ipo merge merger invest investment supply start split cancel pause expand "
    "expansion hire return production output".split()
)
_STANCE_WORDS = concepts(
    "deny denies denied denial false baseless untrue completely categorically report story "
    "claim rumor rumors rumours confirm confirms confirmed calls called says said statement "
    "spokesperson speculation fake inaccurate not true reports media"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_PROPER = re.compile(r"\b([A-Z][a-z]{2,})\b")


def _relative_to(
    result: StanceResult, text: str, claim: str, ignored: frozenset[str]
) -> StanceResult:
    """A stance towards a given claim: only when the text is about that claim."""
    text_words = concepts(text) - ignored
    claim_words = concepts(claim) - ignored
    reason = _different_claim(text, claim, text_words, claim_words)
    if reason is None:
        return result
    return StanceResult(
        Stance.NEUTRAL, 0.6, f"{result.stance.value} ({result.cue}) of another claim: {reason}"
    )


def _different_claim(
    text: str, claim: str, text_words: frozenset[str], claim_words: frozenset[str]
) -> str | None:
    if bool(_CJK.search(text)) != bool(_CJK.search(claim)):
        return None  # Chinese against English: the words cannot be compared
    text_actions, claim_actions = text_words & _ACTIONS, claim_words & _ACTIONS
    if text_actions and claim_actions and not text_actions & claim_actions:
        return f"{', '.join(sorted(text_actions))} is not {', '.join(sorted(claim_actions))}"
    text_names = concepts(" ".join(_PROPER.findall(text))) & text_words
    claim_names = concepts(" ".join(_PROPER.findall(claim))) & claim_words
    shared = text_words & claim_words
    if text_words and claim_words and not shared:
        return "no words in common"
    if text_names and claim_names and not text_names & claim_names and len(shared) < 2:
        return f"{', '.join(sorted(text_names))} is not {', '.join(sorted(claim_names))}"
    return None


_DEFAULT = StanceClassifier()


def classify_stance(text: str, mentions: Sequence[Mention] = (), **kwargs: object) -> StanceResult:
    return _DEFAULT.classify(text, mentions, **kwargs)  # type: ignore[arg-type]
