"""Stance: does a text make a claim, deny one, confirm one, or none of these?

Rules, in order, each naming the cue that decided (DESIGN.md §5):
1. a question, or a non-answer ("declined to comment"), or "did not deny" is not
   a denial;
2. a ruling or a refusal of a customer ("court denies Ford's motion", "denied a
   warranty claim") is not a denial of a report;
3. a denial cue ("denies", "completely false and baseless", "not negotiating")
   is a denial when the company says it, not when anonymous sources do;
4. a confirmation cue not negated ("confirms", not "declined to confirm");
5. a report cue ("sources say", "reportedly", "in talks", "FT reports") is a claim.
Relative to a given claim, a denial or confirmation must be about that claim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Mention, Stance, StanceResult
from .text import concepts, jaccard, normalise

__all__ = ["StanceClassifier", "classify_stance"]


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)


# Questions: a headline that asks is not a statement.
_QUESTION = re.compile(r"\?\s*[\"')\]]*\s*$")
_QUESTION_OPENERS = re.compile(
    r"^\s*(?:is|are|was|were|will|would|could|can|should|does|do|did|has|have|why|how|what)"
    r"\b[^.!:]*\?",
    re.I,
)

_NON_ANSWER = _rx(
    r"\b(?:declined|refused|decline|declines|refuses)\s+to\s+(?:comment|elaborate|discuss|"
    r"respond|say)\b",
    r"\bno\s+(?:immediate\s+)?comment\b",
    r"\b(?:did\s+not|didn't|has\s+not|hasn't|have\s+not)\s+(?:immediately\s+)?"
    r"(?:respond|reply|return)",
    r"\bcould\s+not\s+(?:immediately\s+)?be\s+reached\b",
    r"\bnot\s+available\s+for\s+comment\b",
    r"\bwithout\s+(?:giving|providing)\s+(?:a\s+)?comment\b",
)
_NOT_DENIED = _rx(
    r"\b(?:did\s+not|didn't|does\s+not|doesn't|would\s+not|wouldn't|will\s+not|won't|"
    r"has\s+not|hasn't|refused\s+to|declined\s+to|failed\s+to)\s+(?:explicitly\s+|directly\s+)?"
    r"(?:deny|denied|refute|rule\s+out|dismiss)",
    r"\bstopped\s+short\s+of\s+(?:denying|refuting|ruling\s+out)",
    r"\bno\s+denial\b",
    r"\bnot\s+(?:a\s+)?denial\b",
)
# A ruling, or a company refusing a customer: "denies" without any report in sight.
_RULING = _rx(
    r"\b(?:court|judge|judges|jury|regulators?|tribunal|panel|commission|ftc|sec|nhtsa|"
    r"ntsb|epa|doj|justice\s+department|appeals?\s+court|supreme\s+court|arbitrator|"
    r"board|agency|ministry|eu|government|ruling|patent\s+office)\b[^.;]{0,60}?\b"
    r"(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?|throws?\s+out|turns?\s+down)\b",
    r"\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss(?:es|ed)?)\s+(?:\w+\s+){0,3}?"
    r"(?:motion|motions|appeal|appeals|petition|request|bid\s+to|lawsuit|suit|"
    r"class\s+action|application|bail|injunction|patent|trademark|visa|permit|"
    r"warranty|insurance|refund|coverage|benefits|loan|repair|repairs|"
    r"(?:warranty|insurance|customer|owners?'?)\s+claims?)\b",
    r"\bclaims?\s+(?:were|was|are|is|being|got)\s+denied\b",
    r"\b(?:warranty|insurance|customer|owners?'?)\s+claims?\b[^.;]{0,40}\bden(?:y|ies|ied)\b",
)
_DENIAL_STRONG = _rx(
    r"\b(?:den(?:y|ies|ied|ying)|denial\s+of|refut(?:e|es|ed|ing)|rebut(?:s|ted)?|"
    r"debunk(?:s|ed)?)\b",
    r"\b(?:rejects?|rejected|rejecting|dismiss(?:es|ed|ing)?|slams?|slammed|shoots?\s+down|"
    r"shot\s+down|brushe[sd]\s+off|pushes\s+back\s+on|pushed\s+back\s+on|pours?\s+cold\s+"
    r"water\s+on|poured\s+cold\s+water\s+on|quashe[sd]|squashe[sd]|scotche[sd]|"
    r"knocks?\s+down|knocked\s+down)\s+(?:\w+\s+){0,4}?(?:reports?|claims?|rumou?rs?|"
    r"speculation|story|stories|article|allegations?|suggestions?|talk|media|reporting|"
    r"idea|notion)\b",
    r"\b(?:calls?|called|labels?|labelled|labeled|terms?|termed|brands?|branded)\b[^.;]{0,80}?"
    r"\b(?:false|untrue|inaccurate|baseless|groundless|fake|fabricated|incorrect|wrong|"
    r"misleading|speculation|rumou?r|nonsense|rubbish|fiction)\b",
    r"\b(?:completely|totally|entirely|absolutely|categorically|patently|simply|wholly)\s+"
    r"(?:false|untrue|baseless|groundless|inaccurate|fabricated|incorrect|wrong|"
    r"unfounded|made\s+up)\b",
    r"\b(?:false|untrue|fake)\s+and\s+(?:baseless|groundless|misleading|unfounded)\b",
    r"\bfake\s+news\b",
    r"\bno\s+(?:truth|basis|merit|substance)\s+(?:to|in|behind)\b",
    r"\bnot\s+true\b|\bisn't\s+true\b|\bis\s+untrue\b|\bare\s+untrue\b|\bis\s+false\b|"
    r"\bare\s+false\b|\bwas\s+false\b|\bis\s+baseless\b|\bare\s+baseless\b|\bis\s+inaccurate\b",
    r"\bwithout\s+(?:any\s+)?(?:basis|foundation)\b|\bunfounded\b|\bgroundless\b|\bbaseless\b",
    r"\bset(?:s|ting)?\s+the\s+record\s+straight\b",
    r"否认|辟谣|不实|谣言|纯属虚构|子虚乌有|并无此事",
)
# Negated plans and talks: a denial when the company says so, a claim when sources do.
_DENIAL_NEGATED = _rx(
    r"\b(?:no|not\s+any)\s+(?:current\s+)?(?:plans?|intention|talks|negotiations|discussions|"
    r"agreement|deal|truth)\b",
    r"\b(?:is|are|was|were|has\s+been|have\s+been)?\s*(?:not|n't|never)\s+(?:currently\s+)?"
    r"(?:in\s+(?:talks|negotiations|discussions)|negotiating|considering|planning|"
    r"pursuing|looking\s+to|seeking|talking)\b",
    r"\b(?:has|have|had)\s*(?:not|n't|never)\s+(?:held|had|been\s+in|engaged\s+in|"
    r"entered)\b",
    r"\b(?:did|does|do)\s*(?:not|n't)\s+(?:hold|have\s+(?:any\s+)?plans|plan|intend|"
    r"engage)\b",
    r"\bnever\s+(?:held|had|discussed|negotiated|planned|considered)\b",
    r"\bnothing\s+to\s+(?:it|the\s+reports?|announce)\b",
    r"\bno\s+such\s+(?:talks|plans?|deal|agreement|discussions)\b",
    r"\bruled?\s+out\b|\brules\s+out\b",
    r"没有(?:计划|任何计划)|未与|无意|并未",
)
_CONFIRMATION = _rx(
    r"\bconfirm(?:s|ed|ing)?\b",
    r"\backnowledg(?:e|es|ed|ing)\b",
    r"\bverif(?:y|ies|ied)\b",
    r"\b(?:officially|formally)\s+(?:announce[sd]?|unveil(?:s|ed)?|launch(?:es|ed)?|"
    r"sign(?:s|ed)?|open(?:s|ed)?)\b",
    r"\b(?:announces?|announced|unveils?|unveiled)\b",
    r"\bsigns?\s+(?:a\s+)?(?:deal|agreement|mou|memorandum|contract|partnership)\b",
    r"\bin\s+a\s+(?:statement|press\s+release|filing)\b[^.]{0,60}\b(?:said|says)\b",
    r"证实|确认|宣布|官宣",
)
_NOT_CONFIRMED = _rx(
    r"\b(?:not|n't|never|yet\s+to|refused\s+to|declined\s+to|unable\s+to|could\s+not|"
    r"couldn't|without)\s+(?:immediately\s+|independently\s+|officially\s+|publicly\s+)?"
    r"(?:confirm|verify|acknowledge)",
    r"\bunconfirmed\b|\bunverified\b|\bnot\s+(?:been\s+)?confirmed\b",
    r"\bno\s+(?:official\s+)?confirmation\b",
)
_CLAIM = _rx(
    r"\bsources?\b(?:\s+\w+){0,3}\s+(?:say|said|says|told|tell|tells|indicate|suggest|"
    r"claim|familiar|close\s+to|with\s+knowledge)\b",
    r"\b(?:according\s+to|citing|cites|cited|per)\s+(?:a\s+|the\s+|an\s+|two\s+|three\s+|"
    r"four\s+|five\s+|several\s+|multiple\s+|unnamed\s+|anonymous\s+)?(?:\w+\s+){0,2}?"
    r"(?:report|reports|sources?|people|insiders?|documents?|media|memo|filing|"
    r"newspaper|outlet|persons?|executives|officials|analysts)\b",
    r"\bpeople\s+(?:familiar|with\s+knowledge|briefed|close\s+to|aware)\b",
    r"\bperson\s+(?:familiar|with\s+knowledge|briefed)\b",
    r"\breportedly\b|\ballegedly\b|\bpurportedly\b|\brumou?red\b|\brumou?rs?\b|"
    r"\bspeculation\b|\bleak(?:s|ed)?\b|\binsiders?\b|\bexclusive\b",
    r"\b(?:is|are|was|were)\s+(?:said|reported|understood|believed|rumou?red|thought|"
    r"expected|set|poised|likely)\s+to\b",
    r"\breport(?:s|ed)?\s*(?::|says|said|claims|shows|suggests|finds|that)",
    r"\b(?:ft|financial\s+times|reuters|bloomberg|wsj|wall\s+street\s+journal|nikkei|"
    r"cnbc|the\s+information|caixin|latepost|36kr|electrek|cnevpost|carnewschina|"
    r"automotive\s+news|handelsblatt|nyt|new\s+york\s+times|axios|semafor|the\s+verge|"
    r"techcrunch|scmp|yicai|jiemian|sina|sohu|bbc|guardian|times|media)\s*"
    r"(?:reports?|reported|says|said|:|-\s*$|reporting|learned|understands)",
    r"\b(?:in|entered|enter|held|holds|hold|holding|opens?|opened)\s+(?:preliminary\s+|"
    r"early\s+|advanced\s+|exclusive\s+|secret\s+|private\s+)?(?:talks|negotiations|"
    r"discussions)\b",
    r"\b(?:weigh(?:s|ing|ed)?|consider(?:s|ing|ed)?|mull(?:s|ing|ed)?|explor(?:es|ing|ed)|"
    r"eye(?:s|ing)?|eyeing|studying|evaluating|plots?|plotting|prepar(?:es|ing)|"
    r"nears?|nearing|close\s+to|in\s+line\s+for|gearing\s+up)\b",
    r"\bplans?\s+to\b|\bplanning\s+to\b|\bplanned\b|\bdiscuss(?:ed|es|ing)?\b|"
    r"\bnegotiat(?:e|es|ed|ing)\b|\bin\s+the\s+works\b",
    r"\b(?:could|may|might)\s+(?:soon\s+)?(?:build|launch|enter|buy|acquire|sell|cut|close|"
    r"open|partner|team|invest|announce|exit|shut|recall|merge|face)\b",
    r"据报道|消息人士|知情人士|传闻|据悉|曝光|爆料|或将|拟",
)
# Who speaks: "<company> says", "a <company> spokesperson", "in a statement".
_SPEECH = (
    r"(?:says?|said|tells?|told|stated?|states|insists?|insisted|responds?|responded|"
    r"clarifies|clarified|replies|replied|writes|wrote|posted|tweeted|adds|added|notes?|"
    r"noted|stresses|stressed|emphasi[sz]ed|underlined|explains?|explained)"
)
_OWN_VOICE = _rx(
    rf"\b{_SPEECH}\b",
    r"\bspokes(?:person|man|woman|people)\b|\brepresentative\b|\bstatement\b|"
    r"\bpress\s+release\b|\bcommunications\b|\bpr\s+(?:director|chief|head)\b|"
    r"\bceo\b|\bchairman\b|\bchief\b|\bexecutive\b|\bofficial\s+(?:account|channel)\b",
)
_ANONYMOUS = _rx(
    r"\bsources?\b",
    r"\bpeople\s+(?:familiar|with\s+knowledge|briefed|close)\b",
    r"\binsiders?\b",
    r"\breportedly\b",
    r"\baccording\s+to\s+(?:a\s+|the\s+)?reports?\b",
    r"\breport(?:s|ed)?\s*(?::|says|said|claims|that)",
    r"消息人士|知情人士|据报道",
)
_CLAIM_REFERENCE = _rx(
    r"\b(?:reports?|claims?|rumou?rs?|speculation|story|stories|article|allegations?|media)\b"
)


@dataclass(frozen=True, slots=True)
class _Cue:
    stance: Stance
    text: str
    start: int
    score: float


class StanceClassifier:
    """Rule-based stance with the cue that decided; stateless and thread-safe."""

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
        return _relative_to(result, text, claim)

    def _classify(
        self, text: str, mentions: Sequence[Mention], speaks_for: str | None
    ) -> StanceResult:
        flat = normalise(text)
        if _QUESTION.search(flat) and (_QUESTION_OPENERS.search(flat) or ":" not in flat):
            return StanceResult(Stance.NEUTRAL, 0.7, "question")
        # A non-answer decides nothing; what else the text says still counts.
        cleaned = _NON_ANSWER.sub(" ", flat)
        not_denied = _NOT_DENIED.search(cleaned)
        if not_denied:
            return StanceResult(Stance.NEUTRAL, 0.7, not_denied.group(0))
        cleaned = _RULING.sub(" ", cleaned)
        denial = self._denial(cleaned, flat, speaks_for)
        if denial is not None:
            return StanceResult(
                Stance.DENIAL,
                denial.score,
                denial.text,
                _speaker(mentions, denial.start, speaks_for),
            )
        without_negated_confirmations = _NOT_CONFIRMED.sub(" ", cleaned)
        confirmation = _CONFIRMATION.search(without_negated_confirmations)
        claim = _CLAIM.search(without_negated_confirmations)
        if confirmation and not (claim and _ANONYMOUS.search(cleaned)):
            return StanceResult(
                Stance.CONFIRMATION,
                0.8,
                confirmation.group(0),
                _speaker(mentions, confirmation.start(), speaks_for),
            )
        if claim and not speaks_for:
            return StanceResult(Stance.CLAIM, 0.8, claim.group(0).strip())
        if _NON_ANSWER.search(flat):
            return StanceResult(Stance.NEUTRAL, 0.6, _NON_ANSWER.search(flat).group(0))
        return StanceResult(Stance.NEUTRAL, 0.5, "")

    def _denial(self, cleaned: str, flat: str, speaks_for: str | None) -> _Cue | None:
        strong = _DENIAL_STRONG.search(cleaned)
        if strong:
            return _Cue(Stance.DENIAL, strong.group(0).strip(), strong.start(), 0.9)
        negated = _DENIAL_NEGATED.search(cleaned)
        if not negated:
            return None
        anonymous = _ANONYMOUS.search(cleaned)
        own_voice = speaks_for is not None or _OWN_VOICE.search(cleaned)
        answers_report = _CLAIM_REFERENCE.search(cleaned)
        if anonymous and not (
            answers_report and own_voice and not _CLAIM.search(cleaned[: negated.start()])
        ):
            return None  # "no talks are planned, sources say": a claim, not a denial
        if own_voice or answers_report:
            return _Cue(Stance.DENIAL, negated.group(0).strip(), negated.start(), 0.75)
        return None


def _speaker(mentions: Sequence[Mention], cue_start: int, speaks_for: str | None) -> str | None:
    """The company that speaks: the source's own voice, else the one named before the cue,
    else the first named."""
    if speaks_for:
        return speaks_for
    before = [m for m in mentions if m.start <= cue_start]
    if before:
        return before[0].company
    return mentions[0].company if mentions else None


def _relative_to(result: StanceResult, text: str, claim: str) -> StanceResult:
    """A stance towards a given claim: only when the text is about it."""
    text_words = concepts(text) - _STANCE_WORDS
    claim_words = concepts(claim) - _STANCE_WORDS
    if (
        not text_words
        or jaccard(text_words, claim_words) >= 0.12
        or (len(text_words & claim_words) >= 2)
    ):
        return result
    return StanceResult(
        Stance.NEUTRAL,
        0.6,
        f"about something else than the claim ({result.stance.value}: {result.cue})",
    )


_STANCE_WORDS = concepts(
    "deny denies denied denial false baseless untrue completely categorically report story "
    "claim rumor confirm confirms confirmed calls called says said statement spokesperson"
)

_DEFAULT = StanceClassifier()


def classify_stance(text: str, mentions: Sequence[Mention] = (), **kwargs: object) -> StanceResult:
    return _DEFAULT.classify(text, mentions, **kwargs)  # type: ignore[arg-type]
