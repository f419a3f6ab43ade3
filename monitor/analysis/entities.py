"""Which configured companies a text mentions.

One compiled regular expression finds every alias at once; a few rules then drop
the false friends that a user should not have to list: people named Ford, the
Ford Foundation, "ford" the verb, "F" outside a ticker context, and model names
that are ordinary words ("Seal", "Dolphin") outside an automotive context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..config import Company
from ..models import Mention

__all__ = ["EntityMatcher"]

# Latin letters and digits: an alias must not touch one (so "Oxford" is not "Ford").
# CJK aliases have no such boundary: Chinese has no spaces.
_EDGE = r"0-9A-Za-z\u00C0-\u024F"
_CJK = re.compile(r"[\u3400-\u9fff]")

# First names, titles and roles that, right before a surname alias, make it a person.
_PERSON_BEFORE = frozenset(
    [
        "harrison",
        "gerald",
        "jerry",
        "betty",
        "tom",
        "henry",
        "edsel",
        "glenn",
        "john",
        "johnny",
        "whitey",
        "doug",
        "rob",
        "rob's",
        "lizzie",
        "christine",
        "blasey",
        "susan",
        "madox",
        "dr",
        "dr.",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "miss",
        "president",
        "senator",
        "sen.",
        "sen",
        "rep.",
        "rep",
        "congressman",
        "congresswoman",
        "premier",
        "judge",
        "coach",
        "officer",
        "detective",
        "sheriff",
        "mayor",
        "governor",
        "gov.",
        "actor",
        "actress",
        "star",
        "singer",
        "designer",
        "director",
        "justice",
        "lady",
        "sir",
        "lord",
        "aunt",
        "uncle",
        "cousin",
        "grandma",
        "mom",
        "dad",
        "brother",
        "sister",
        "william",
        "chris",
        "michael",
        "james",
        "david",
        "mike",
        "paul",
        "peter",
        "steve",
        "kevin",
        "mark",
        "robert",
        "richard",
        "tony",
        "anthony",
        "daniel",
        "matt",
        "matthew",
        "andrew",
        "andy",
        "ben",
        "jack",
        "joe",
        "joseph",
        "charles",
        "eric",
        "scott",
        "george",
        "frank",
        "gary",
        "larry",
        "jeff",
        "jason",
        "brian",
        "ryan",
        "adam",
        "alan",
        "alex",
        "nick",
        "patrick",
        "sam",
        "sarah",
        "emily",
        "anna",
        "mary",
        "karen",
        "linda",
        "lisa",
        "jennifer",
        "jessica",
        "laura",
        "michelle",
        "rachel",
        "rebecca",
        "emma",
        "olivia",
        "sophia",
        "kate",
        "katie",
        "helen",
        "julie",
        "amy",
        "ellen",
        "ruth",
        "tennessee",
        "abraham",
        "abe",
    ]
)
# Bill Ford and Jim Farley speak for the company: the exec list is checked first.
_COMPANY_PEOPLE_BEFORE = frozenset({"bill", "william", "henry ii"})
_NOT_COMPANY_AFTER = re.compile(
    r"^(?:'s\s+)?(?:foundation|theat(?:re|er)|madox|fellowship|fellows|center|centre|"
    r"hall|library|school|academy|presidential|administration|pardon|museum|"
    r"health|hospital|field\s+house|prize|scholars?)\b",
    re.I,
)
_AUTOMOTIVE_CONTEXT = re.compile(
    r"\b(?:ev|evs|car|cars|sedan|suv|suvs|hatchback|pickup|truck|vehicles?|deliveries|"
    r"delivered|launch(?:es|ed)?|priced?|pricing|range|battery|batteries|km|mph|phev|"
    r"dm-i|dm-p|hybrid|electric|test\s+drive|review|registrations|sales|sold|units|"
    r"model|trim|orders|production|facelift|byd|denza|automaker|carmaker|motor|"
    r"charging|kwh|plant|dealers?|drive|driving|crash|recall|sea|ocean)\b",
    re.I,
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'’]*)\s*$")


@dataclass(frozen=True, slots=True)
class _Alias:
    company: str
    text: str
    case_sensitive: bool  # an ordinary word in lower case ("ford the river")
    needs_context: bool  # counts only beside automotive words
    surname: bool  # a bare surname that people share with the company


def _is_word(alias: str) -> bool:
    return alias.isalpha() and alias[:1].isupper() and not alias.isupper()


class EntityMatcher:
    """Finds company mentions with one compiled pattern; thread-safe and reusable."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self._aliases: dict[str, list[_Alias]] = {}
        for company in companies:
            for text in {company.name, *company.aliases}:
                self._add(
                    _Alias(
                        company.id,
                        text,
                        _is_word(text),
                        False,
                        surname=text.isalpha() and " " not in text,
                    )
                )
            for text in company.context_aliases:
                self._add(_Alias(company.id, text, True, True, surname=False))
            for ticker in company.tickers:
                self._add(_Alias(company.id, ticker, True, False, surname=False))
        latin = sorted((a for a in self._aliases if not _CJK.search(a)), key=len, reverse=True)
        cjk = sorted((a for a in self._aliases if _CJK.search(a)), key=len, reverse=True)
        parts = []
        if latin:
            body = "|".join(_alias_pattern(a) for a in latin)
            # A plural or possessive ("F-150s", "Ford's") still names the company.
            parts.append(rf"(?<![{_EDGE}])(?:{body})(?=(?:['’]?s)?(?![{_EDGE}]|-[{_EDGE}]))")
        if cjk:
            parts.append("|".join(re.escape(a) for a in cjk))
        self._pattern = re.compile("|".join(parts) or r"(?!x)x", re.I)

    def _add(self, alias: _Alias) -> None:
        self._aliases.setdefault(_key(alias.text), []).append(alias)

    def find(self, text: str) -> list[Mention]:
        """Every mention in the text, in order."""
        mentions = []
        context: bool | None = None
        for match in self._pattern.finditer(text):
            found = match.group(0)
            for alias in self._aliases.get(_key(found), ()):
                if alias.case_sensitive and not (found == alias.text or found.isupper()):
                    continue
                if alias.surname and _names_someone_else(text, match.start(), match.end()):
                    continue
                if alias.needs_context:
                    if context is None:
                        context = _AUTOMOTIVE_CONTEXT.search(text) is not None
                    if not context:
                        continue
                mentions.append(Mention(alias.company, found, match.start(), match.end()))
        return mentions

    def companies(self, text: str) -> list[str]:
        """The sorted ids of the companies mentioned."""
        return sorted({m.company for m in self.find(text)})


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold().replace("：", ":"))


def _alias_pattern(alias: str) -> str:
    # "NYSE: F" also matches "NYSE:F" and "NYSE : F"; spaces match any run of spaces.
    escaped = re.escape(alias).replace(r"\ ", r"\s+")
    return escaped.replace(":", r"\s*[:：]").replace(r"\s+\s*", r"\s*")


def _names_someone_else(text: str, start: int, end: int) -> bool:
    """A surname alias used for a person or an institution named after one."""
    after = text[end : end + 40]
    if _NOT_COMPANY_AFTER.match(after.lstrip()) and not after.lstrip().lower().startswith(
        ("motor", "center console")
    ):
        return True
    before = _WORD_BEFORE.search(text[max(0, start - 30) : start])
    if not before:
        return False
    word = before.group(1).lower().rstrip("’'")
    if word in _COMPANY_PEOPLE_BEFORE:
        return False
    # "Gerald R. Ford": an initial between first name and surname.
    if re.fullmatch(r"[a-z]\.", word):
        earlier = _WORD_BEFORE.search(
            text[max(0, before.start() + start - 30 - 30) : max(0, start - 30) + before.start()]
        )
        return bool(earlier and earlier.group(1).lower() in _PERSON_BEFORE)
    return word in _PERSON_BEFORE and before.group(1)[:1].isupper()


def mentioned(matcher: EntityMatcher, texts: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for text in texts:
        found.update(matcher.companies(text))
    return sorted(found)
