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
Relative to a given claim, a stance counts unless the text names other companies than
the claim does (positive evidence that it answers another claim).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import Mention, Stance, StanceResult
from . import cues
from .learned import StanceModel
from .text import normalise

__all__ = ["StanceClassifier"]


class StanceClassifier:
    """Rule-based stance with the cue that decided; stateless and thread-safe.

    `companies_of` names the configured companies a text mentions: a stance towards a
    given claim does not count when the text names other companies than the claim."""

    def __init__(
        self,
        companies_of: Callable[[str], set[str]] = lambda text: set(),
        model: StanceModel | None = None,
    ) -> None:
        self.companies_of = companies_of
        self.model = model  # the learned layer over the rules' verdict (learned.py)

    def classify(
        self,
        text: str,
        mentions: Sequence[Mention] = (),
        *,
        speaks_for: str | None = None,
        claim: str | None = None,
    ) -> StanceResult:
        result = self._classify(text, mentions, speaks_for)
        if self.model is not None:
            result = self.model.decide(text, result)
        if claim is None or result.stance is Stance.NEUTRAL:
            return result
        # Real denials are mostly generic ("This is false.", "rejected these rumours") and
        # share few words with the report they answer: only positive evidence that the
        # text answers another claim (it names other companies, none of the claim's)
        # keeps it from counting.
        ours, theirs = self.companies_of(text), self.companies_of(claim)
        if ours and theirs and not ours & theirs:
            return StanceResult(
                Stance.NEUTRAL,
                0.6,
                f"{result.stance.value} ({result.cue}) "
                f"of another claim: {', '.join(sorted(ours))} is not "
                f"{', '.join(sorted(theirs))}",
            )
        return result

    def _classify(
        self, text: str, mentions: Sequence[Mention], speaks_for: str | None
    ) -> StanceResult:
        # Quotes around a word ('has "never" asked') say nothing about stance.
        normalised = normalise(text).strip()
        # A statement in quotes ("There has been no contact...") is someone's own voice.
        quoted = normalised[:1] in ('"', "「", "『")
        flat = normalised.replace('"', "").strip()
        if cues.QUESTION_OPENER.search(flat) or (
            cues.QUESTION_END.search(flat) and ":" not in flat
        ):
            return StanceResult(Stance.NEUTRAL, 0.7, "a question")
        non_answer = cues.NON_ANSWER.search(flat)
        cleaned = flat
        if non_answer:  # a non-answer decides nothing
            cleaned = cues.NON_ANSWER.sub(" ", flat)
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
        if confirmation is None:
            confirmation = cues.ANNOUNCEMENT.search(unhedged)
        strong = cues.DENIAL_STRONG.search(cleaned)
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
        # "confirmed that it is not buying": what is confirmed is a negation, a denial.
        if negated and not (
            confirmation
            and confirmation.start() < negated.start()
            and negated.start() - confirmation.end() > 40
        ):
            # The company is the subject ("Xiaomi is not buying BlackBerry"), a voice
            # speaks (says, confirms, a spokesperson) or the source is its own channel.
            subject = any(0 <= negated.start() - m.end <= 12 for m in mentions) or _named_subject(
                text
            )
            own_voice = (
                speaks_for is not None or subject or quoted or cues.OWN_VOICE.search(cleaned)
            )
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
        act = cues.CORPORATE_ACT.search(unhedged)
        if act:  # the company acts, and nothing says it is only reported
            return StanceResult(
                Stance.CONFIRMATION,
                0.7,
                act.group(0).strip(),
                _speaker(mentions, act.start(), speaks_for),
            )
        if non_answer:
            return StanceResult(Stance.NEUTRAL, 0.6, non_answer.group(0))
        return StanceResult(Stance.NEUTRAL, 0.5, "")


# A sentence that opens with a name and goes straight to the negation ("Tata Sons is not
# looking to...", "Vodafone has no plans to..."): the named company speaks of itself, as a
# configured company's mention right before the negation does.
_NAMED_SUBJECT = re.compile(
    r"^[\"'“‘]?(?:[A-Z][\w&'’.-]*\s+){0,3}[A-Z][\w&'’.-]*\s+(?:is|are|was|were|has|have|had|"
    r"will|would|does|do|did)?\s*$"
)


def _named_subject(text: str) -> bool:
    """The text opens with a name that goes straight to a negated plan or talk (read on
    the text as written: the rules' copy is in lower case)."""
    negated = cues.DENIAL_NEGATED.search(text)
    return negated is not None and bool(_NAMED_SUBJECT.search(text[: negated.start()]))


def _speaker(mentions: Sequence[Mention], cue_start: int, speaks_for: str | None) -> str | None:
    """The company that speaks: the source's own voice, else the first one named before
    the cue, else the first one named."""
    if speaks_for:
        return speaks_for
    before = [m for m in mentions if m.start <= cue_start]
    if before:
        return before[0].company
    return mentions[0].company if mentions else None
