"""Which configured companies a text mentions.

One compiled regular expression finds every alias at once; generic rules then drop the
false friends of any company name, which a user should not have to list:
- a person: a given name, title or role before the name ("Nikola Tesla", "Fiona
  Apple", "Harrison Ford", "inventor Tesla"), a transliterated name (哈里遜·福特);
- another organisation, place or thing named with it: an institution, place or common
  noun after the name ("Apple Daily", "Apple Records", "Amazon River", "Mercedes-Benz
  Stadium", "Orange County", "the Ford Foundation"), an epithet ("the Oracle of Omaha");
- a number with a unit ("a 3 tesla scanner"), and lower-case use of a name that is an
  ordinary word ("shell companies", "apple pie", "meta-analysis", "ford the river");
- tickers outside a ticker context.
What only a user can know is configuration (config.Company): `exclude` phrases ("Apple
Daily" if the generic rules missed it, 小米粥), and `context_aliases` ("Seal",
"Threads"), which count only where the company is named otherwise or one of its
`context` words appears, and none of its `exclude_context` words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..config import Company
from ..models import Mention

__all__ = ["EntityMatcher"]

# Latin letters and digits: an alias must not touch one (so "Oxford" is not "Ford").
# CJK aliases have no such boundary: Chinese has no spaces.
_EDGE = r"0-9A-Za-z\u00C0-\u024F"
_CJK = re.compile(r"[\u3400-\u9fff]")

# Given names, titles and roles that, right before a single-word name, make it a person.
_PERSON_BEFORE = frozenset(
    """harrison gerald jerry betty tom henry edsel glenn john johnny whitey doug rob
    lizzie christine blasey susan madox dr dr. mr mr. mrs mrs. ms ms. miss president
    senator sen. sen rep. rep congressman congresswoman premier judge coach officer
    detective sheriff mayor governor gov. actor actress star singer designer director
    justice lady sir lord aunt uncle cousin grandma mom dad brother sister chris michael
    james david mike paul peter steve kevin robert richard tony anthony daniel matt
    matthew andrew andy ben jack joe joseph charles eric scott george frank gary larry jeff
    jason brian ryan adam alan alex nick patrick sam sarah emily anna mary karen linda lisa
    jennifer jessica laura michelle rachel rebecca emma olivia sophia kate katie helen
    julie amy ellen ruth tennessee abraham abe coppola uss navy usaf nikola nicola nikolai
    fiona agent""".split()
)
# Roles that make the next word a person or a band even in lower case ("inventor Tesla").
_ROLE_BEFORE = frozenset(
    """inventor physicist scientist engineer vocalist frontman rapper musician artist poet
    writer author band singer actor actress goddess god planet""".split()
)
# After a single-word name: an institution, a place or a thing named with it, not the
# company ("Apple Daily", "Amazon River", "Mercedes-Benz Stadium", "Tesla coils").
_NOT_COMPANY_AFTER = re.compile(
    r"^(?:['’]s\s+)?(?:foundation|theat(?:re|er)|madox|fellowship|fellows|cent(?:er|re)|"
    r"hall|library|school|academy|presidential|administration|pardon|museum|memorial|"
    r"health|hospital|field\b|prize|scholars?|park|tunnel|university|college|square|"
    r"street|st\.|road|avenue|ave\.|highway|county|cathedral|city\s+(?:fc|council)|"
    r"airport|dynasty|era|period|emperor|poem|poetry|beauty|coppola|city\b|council\b|"
    r"daily\b|records\b|stadium|arena|river|rainforest|basin|forest|jungle|region|delta|"
    r"village|tributar(?:y|ies)|deforestation|coils?\b|monument|statue|juice|crops?\b|"
    r"growers?|orchards?|season\b|pies?\b|cider|trees?\b|blossoms?|vocalist|frontman|"
    r"metrics\b|network\s+manipulation|missiles?\b|rovers?\b|landers?\b|missions?\b|"
    r"electric\s+(?:shares|stock|co\b|company|holdings|inc\b)|"
    r"(?:['’]s\s+)?(?:assassination|birthday|presidency|death|speech|address|tomb|statue|"
    r"legacy|monument)|"
    r"(?:class\s+)?(?:aircraft\s+)?carrier|,\s*(?:nebraska|ne|england|uk|illinois|calif)\b)",
    re.I,
)
# "the Oracle of Omaha", "the Oracle of Delphi": an epithet, not a company.
_EPITHET_AFTER = re.compile(r"^of\s+(?:the\s+)?[A-Z]")
# "a 3 tesla scanner", "1.5-tesla": a number with a unit.
_NUMBER_BEFORE = re.compile(r"\d(?:[.,]\d+)?[\s-]*$")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'’]*)\s*$")
_CJK_NOT_BEFORE = "·・•"  # 哈里遜·福特: a transliterated person's name
_CJK_TITLES_BEFORE = ("总统", "總統")  # 美国前总统福特: President Ford


@dataclass(frozen=True, slots=True)
class _Alias:
    company: str
    text: str
    case_sensitive: bool  # an ordinary word in lower case ("ford the river")
    needs_context: bool  # a context alias: counts only beside the company's context
    surname: bool  # a single word that people, places and institutions share
    is_name: bool = False  # the company's own name (not a model's): it can act as one


def _is_word(alias: str) -> bool:
    return alias.isalpha() and alias[:1].isupper() and not alias.isupper()


def _words(phrases: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for a list of words or phrases, whole words for Latin script."""
    if not phrases:
        return None
    parts = sorted((re.escape(p.strip()) for p in phrases if p.strip()), key=len, reverse=True)
    return re.compile(rf"(?<![{_EDGE}])(?:{'|'.join(parts)})(?![{_EDGE}])", re.I)


@dataclass(frozen=True, slots=True)
class _Rules:
    """What configuration says about one company, compiled."""

    context: re.Pattern[str] | None  # the company named otherwise, or a context word
    exclude_context: re.Pattern[str] | None
    exclude: re.Pattern[str] | None


class EntityMatcher:
    """Finds company mentions with one compiled pattern; thread-safe and reusable."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self._aliases: dict[str, list[_Alias]] = {}
        self._rules: dict[str, _Rules] = {}
        for company in companies:
            # A word the user listed among the context aliases needs context, even when it
            # is also the company's name (name = "Mars", context_aliases = ["Mars"]).
            ordinary = {text.lower() for text in company.context_aliases}
            names = {t for t in (company.name, *company.aliases) if t.lower() not in ordinary}
            for text in names:
                single_word = text.isalpha() and " " not in text
                self._add(_Alias(company.id, text, _is_word(text), False, single_word))
            for text in company.context_aliases:
                is_name = f"{company.name.lower()} ".startswith(f"{text.lower()} ")
                self._add(_Alias(company.id, text, True, True, True, is_name))
            for ticker in company.tickers:
                self._add(_Alias(company.id, ticker, True, False, False))
            self._rules[company.id] = _Rules(
                _words([*names, *company.context]),
                _words(company.exclude_context),
                _words(company.exclude),
            )
        latin = [a for a in self._aliases if not _CJK.search(a)]
        cjk = [a for a in self._aliases if _CJK.search(a)]
        parts = []
        if latin:
            # A plural, possessive or compound ("F-150s", "Ford's", "Xiaomi-badged") still
            # names the company.
            parts.append(rf"(?<![{_EDGE}]){_trie_pattern(latin)}(?=(?:['’]?s)?(?![{_EDGE}]))")
        if cjk:
            parts.append(_trie_pattern(cjk))
        self._pattern = re.compile("|".join(parts) or r"(?!x)x", re.I)

    def _add(self, alias: _Alias) -> None:
        self._aliases.setdefault(_key(alias.text), []).append(alias)

    def find(self, text: str) -> list[Mention]:
        """Every mention in the text, in order."""
        mentions: list[Mention] = []
        context: dict[str, bool] = {}
        excluded: dict[str, list[tuple[int, int]]] = {}
        shouting = text.isupper()
        for match in self._pattern.finditer(text):
            found, start, end = match.group(0), match.start(), match.end()
            for alias in self._aliases.get(_key(found), ()):
                if (
                    alias.case_sensitive
                    and found != alias.text
                    and not (found.isupper() and (shouting or not alias.needs_context))
                    # "NEXT has confirmed": a name set in capitals, acting as a company
                    and not (
                        found.isupper() and alias.is_name and _acts_as_company(text, start, end)
                    )
                ):
                    continue
                rules = self._rules[alias.company]
                if rules.exclude is not None:
                    if alias.company not in excluded:
                        excluded[alias.company] = [m.span() for m in rules.exclude.finditer(text)]
                    if any(s <= start and end <= e for s, e in excluded[alias.company]):
                        continue
                if _CJK.search(found) and _cjk_false_friend(text, start):
                    continue
                if not _CJK.search(found) and _names_something_else(
                    text, start, end, alias.surname
                ):
                    continue
                if alias.surname and _plural_or_thing(text, start, end, alias.needs_context):
                    owner = mentions[-1] if mentions else None
                    if not (owner and owner.company == alias.company and owner.end + 1 >= start):
                        continue  # "the Jaguars", "artillery shells", "in the Amazon"
                if alias.needs_context:
                    if (
                        mentions
                        and mentions[-1].company != alias.company
                        and mentions[-1].end <= start
                        and not text[mentions[-1].end : start].strip()
                    ):
                        continue  # "BYD Explorer No.1": another company's name owns the word
                    acting = alias.is_name and _acts_as_company(text, start, end)
                    if not acting and alias.company not in context:
                        context[alias.company] = _in_context(rules, text, start, end)
                    if not acting and not context[alias.company]:
                        continue
                if any(m.company == alias.company and m.start == start for m in mentions[-2:]):
                    continue  # one name, two aliases that read it ("Nvidia", "NVIDIA")
                mentions.append(Mention(alias.company, found, start, end))
        return mentions

    def companies(self, text: str) -> list[str]:
        """The sorted ids of the companies mentioned."""
        return sorted({m.company for m in self.find(text)})


def _in_context(rules: _Rules, text: str, start: int, end: int) -> bool:
    """A context alias counts where the company is named otherwise or one of its context
    words appears (the alias itself aside), and none of its exclude_context words."""
    if rules.exclude_context is not None and rules.exclude_context.search(text):
        return False
    if rules.context is None:
        return False
    return any(m.start() != start for m in rules.context.finditer(text))


# A name followed by what only an organisation does or has: its voice, its shares, its
# officers ("Arm said", "Subway is in talks", "Next's chief executive", "Mars has
# confirmed"); or preceded by what only an organisation is the object of ("shares in
# Sky", "a merger with Mars", "representatives for Arm").
_CORPORATE_AFTER = re.compile(
    # Other organisations named with it ("Puma and CVC declined"), a day or an adverb.
    r"^(?:['’]s)?(?:(?:,\s*|\s+and\s+|\s*&\s*)[A-Z][\w.&-]*){0,3}"
    r"(?:\s+(?:also|on\s+[A-Z]\w+|today|yesterday|last\s+week))?\s+"
    r"(?i:(?:has\s+(?:so\s+far\s+|also\s+|now\s+)?|have\s+|had\s+|is\s+expected\s+to\s+)?"
    r"(?:said|says|states|stated|told|announc(?:e|ed|es)|confirm(?:s|ed)|den(?:ies|ied)|"
    r"call(?:s|ed)\s+the|respond(?:s|ed)|agrees|launch(?:es|ed)|enter(?:s|ed)|claimed|"
    r"is\s+(?:also\s+)?(?:interested|unaware)|was\s+reported|has\s+yet\s+to|"
    r"to\s+(?:close|open|sell|buy|acquire|exit|shut)|subsidiary|(?:gross\s+|net\s+)?profit|"
    r"(?:is|was)\s+in\s+talks|did\s+not\s+immediately|may\s+be\s+(?:considering|planning)|"
    r"(?:has\s+)?(?:lowered|raised|reduced|cut|rejected|disputed)\s+(?:its\s+|the\s+)?"
    r"(?:prices?|fines?|forecast|outlook|guidance|claims?|report)|disagrees|forecasts|fined|"
    r"president|chairman|decision|factory|plant|(?:last\s+|latest\s+)?earnings|buyout|"
    r"anticipates|pr\s+(?:manager|team|chief|director)|"
    r"(?:consolidated\s+)?operating\s+profit|net\s+(?:profit|loss|income)|"
    r"declin(?:es|ed)|refused|plans|planned|reportedly|agreed|acquired|bought|expects|"
    r"warn(?:s|ed)|reports|reported|posts|posted|projects|named|hires|eliminat(?:es|ed)|"
    r"admit(?:s|ted)|clarifi(?:es|ed)|reiterat(?:es|ed)|makes\s+no\s+comments?|growth|sales|"
    r"did\s+not\s+(?:comment|respond)|didn['’]t|"
    r"(?:is\s+|to\s+)?(?:lay(?:ing)?\s+off|cut(?:ting)?\s+\d|"
    r"(?:planning|in\s+talks|exploring|considering|weighing|about\s+to|set\s+to|cutting))|"
    r"shares|stock|chief\s+executive|ceo|spokes(?:man|woman|person)|board|investors|"
    r"franchisees|revenue|profits?|representatives?|executives|employees|staff|takeover|"
    r"acquisition|merger|ipo|earnings|(?:us\s+|uk\s+)?stores?))\b",
)


def _acts_as_company(text: str, start: int, end: int) -> bool:
    """A company's name that is an ordinary word, used where only an organisation fits.
    After another capitalised word it is more likely a person's surname ("Lonzo Ball
    said", "Bruno Mars announced"): then only its context words can tell."""
    before = _WORD_BEFORE.search(text[max(0, start - 30) : start])
    if (
        before
        and before.group(1)[:1].isupper()
        and not _OPENS_SENTENCE_BEFORE.search(text[: start - len(before.group(0))])
    ):
        return False
    return bool(
        _CORPORATE_AFTER.match(text[end : end + 40])
        or _CORPORATE_BEFORE.search(text[max(0, start - 40) : start])
    )


_OPENS_SENTENCE_BEFORE = re.compile(r"(?:^|[.!?:;\"“(\[—–-])\s*$")


_CORPORATE_BEFORE = re.compile(
    r"(?:\b(?:shares|stake|takeover|acquisition|merger|bid|stance|representatives?|"
    r"spokes(?:man|woman|person)|staff|workers|employees|investors|rumou?rs\s+surface)\s+"
    r"(?:in|of|at|with|for|on)|\b(?:sues|sued|suing|acquiring|acquire|buying|"
    r"reached\s+out\s+to|spokespeople\s+for|(?:negotiations|talks)\s+between|rival|"
    r"(?:japan|china|korea|germany|france|britain|india|taiwan|america)['’]s|"
    r"(?:lawsuit|suit|complaint)\b[^.;]{0,30}?\bagainst))\s+$",
    re.I,
)


_COLON = re.compile(r"\s*[:：]\s*")
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    text = text.casefold()
    if ":" in text or "：" in text:
        text = _COLON.sub(":", text)
    return _SPACES.sub(" ", text) if " " in text or "\t" in text or "\n" in text else text


def _atoms(alias: str) -> list[str]:
    """An alias as regex pieces: any run of spaces for a space, and a colon with optional
    spaces around it ("NYSE: F", "NYSE:F", "NYSE : F")."""
    atoms: list[str] = []
    for char in _key(alias):
        if char == " ":
            atom = r"\s+"
        elif char == ":":
            atom = r"\s*[:：]\s*"
        else:
            atom = re.escape(char)
        if not (atom == r"\s+" and atoms and atoms[-1] in (r"\s+", r"\s*[:：]\s*")):
            atoms.append(atom)
    return atoms


def _trie_pattern(aliases: list[str]) -> str:
    """One regular expression for many aliases, as a trie of their characters: the
    engine follows one branch per character instead of trying every alias in turn,
    and still prefers the longest alias."""
    trie: dict[str, dict[str, Any]] = {}
    for alias in aliases:
        node = trie
        for atom in _atoms(alias):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, Any]) -> str:
    branches = [atom + _node_pattern(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _cjk_false_friend(text: str, start: int) -> bool:
    """哈里遜·福特 (a transliterated name) or 美国前总统福特 (a title before a surname)."""
    if start > 0 and text[start - 1] in _CJK_NOT_BEFORE:
        return True
    return text[max(0, start - 2) : start] in _CJK_TITLES_BEFORE


# "the Amazon's", "in the Amazon.", "the Oracle is in Homer": a definite article before a
# name that is not followed by what the name qualifies ("the Tesla board") names a place
# or a thing.
_THING_AFTER_THE = re.compile(
    r"^(?:['’]s?\b|\s*[.,;:!?)\]]|\s*$|\s+(?:of|in|on|at|for|to|with|from|by|over|is|was|"
    r"and|or)\b)",
    re.I,
)


def _plural_or_thing(text: str, start: int, end: int, model: bool) -> bool:
    """A single-word name in the plural ("the Jaguars", "Shells", "Dolphins"): a team, an
    animal, a thing; or a company's name after "the" with nothing it qualifies ("in the
    Amazon"). A model ("the Explorer's roof") is a thing of its maker's: it counts."""
    if text[end : end + 1] == "s" and not text[end + 1 : end + 2].isalpha():
        return not text[start:end].lower().endswith("s")
    if model:
        return False
    before = text[max(0, start - 4) : start].lower()
    return before.endswith("the ") and bool(_THING_AFTER_THE.match(text[end:]))


def _names_something_else(text: str, start: int, end: int, single_word: bool) -> bool:
    """A name used for a person, a place, an institution or a thing."""
    after = text[end : end + 40].lstrip()
    if _NOT_COMPANY_AFTER.match(after) or _EPITHET_AFTER.match(after):
        return True
    if not single_word:
        return False
    if _NUMBER_BEFORE.search(text[max(0, start - 12) : start]) and text[start].islower():
        return True  # "a 3 tesla scanner"
    before = _WORD_BEFORE.search(text[max(0, start - 30) : start])
    if not before:
        return False
    word = before.group(1).lower().rstrip("’'")
    if re.fullmatch(r"[a-z]\.", word):  # "Gerald R. Ford": look past the initial
        earlier = _WORD_BEFORE.search(text[max(0, start - 60) : start - len(before.group(0))])
        return bool(earlier and earlier.group(1).lower() in _PERSON_BEFORE)
    if word in _ROLE_BEFORE:
        return True
    return word in _PERSON_BEFORE and before.group(1)[:1].isupper()
