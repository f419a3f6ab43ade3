"""Which configured companies a text mentions.

One compiled regular expression finds every alias at once; a few rules then drop
the false friends that a user should not have to list: people named Ford, places
and institutions named after them (the Ford Foundation, Lincoln, Nebraska), "ford"
the verb, tickers outside a ticker context, millet (小米粥), and model names that are
ordinary words ("Seal", "Tang", "Bronco") outside an automotive context.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    """harrison gerald jerry betty tom henry edsel glenn john johnny whitey doug rob
    lizzie christine blasey susan madox dr dr. mr mr. mrs mrs. ms ms. miss president
    senator sen. sen rep. rep congressman congresswoman premier judge coach officer
    detective sheriff mayor governor gov. actor actress star singer designer director
    justice lady sir lord aunt uncle cousin grandma mom dad brother sister chris michael
    james david mike paul peter steve kevin robert richard tony anthony daniel matt
    matthew andrew andy ben jack joe joseph charles eric scott george frank gary larry jeff
    jason brian ryan adam alan alex nick patrick sam sarah emily anna mary karen linda lisa
    jennifer jessica laura michelle rachel rebecca emma olivia sophia kate katie helen
    julie amy ellen ruth tennessee abraham abe coppola uss navy usaf""".split()
)
# Bill Ford speaks for the company.
_COMPANY_PEOPLE_BEFORE = frozenset({"bill", "william"})
# After a surname or place-like alias: an institution or a place, not the company.
_NOT_COMPANY_AFTER = re.compile(
    r"^(?:['’]s\s+)?(?:foundation|theat(?:re|er)|madox|fellowship|fellows|cent(?:er|re)|"
    r"hall|library|school|academy|presidential|administration|pardon|museum|memorial|"
    r"health|hospital|field\b|prize|scholars?|park|tunnel|university|college|square|"
    r"street|st\.|road|avenue|ave\.|highway|county|cathedral|city\s+(?:fc|council)|"
    r"airport|dynasty|era|period|emperor|poem|poetry|beauty|coppola|city\b|"
    r"electric\s+(?:shares|stock|co\b|company|holdings|inc\b)|"
    r"(?:['’]s\s+)?(?:assassination|birthday|presidency|death|speech|address|tomb|statue)|"
    r"(?:class\s+)?(?:aircraft\s+)?carrier|,\s*(?:nebraska|ne|england|uk|illinois)\b)",
    re.I,
)
_AUTOMOTIVE_CONTEXT = re.compile(
    r"\b(?:ev|evs|car|cars|sedan|suv|suvs|crossover|hatchback|coupe|wagon|pickup|truck|"
    r"vehicles?|deliveries|delivered|launch(?:es|ed)?|priced?|pricing|range|battery|"
    r"batteries|km|mph|kph|phev|dm-i|dm-p|hybrid|electric|test\s+drive|review|"
    r"registrations|sales|sold|units|model|trim|orders|production|facelift|byd|denza|"
    r"automaker|carmaker|motor|charging|kwh|plant|dealers?|drive|driving|crash|recall|"
    r"laps?|nürburgring|nurburgring|track|horsepower|hp|engine|v8|v6|turbo|mpg|awd|4x4|"
    r"towing|ford|lincoln|xiaomi|gt|gtd|mach-e|raptor|wltp|cltc|nedc|renault|tesla|gm|"
    r"toyota|volkswagen|vw|stellantis|honda|nissan|hyundai|bmw|mercedes|automotive|auto|"
    r"autos|industry|detroit|uaw)\b",
    re.I,
)
# Other trades that share model names with cars: Puma sneakers, a Mustang fighter plane.
_OTHER_TRADE = re.compile(
    r"\b(?:sneakers?|shoes?|footwear|apparel|sportswear|jersey|football|soccer|nfl|nba|"
    r"fighter|aircraft|warplane|dynasty|poem|poetry|zoo|aquarium|wildlife|pups?|marine)\b",
    re.I,
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.'’]*)\s*$")
# Chinese names that are also ordinary words: 小米 is millet in 小米粥 (millet porridge).
_CJK_NOT_AFTER = {"小米": "粥饭飯酒糕面麵椒辣淘", "福特": "基号號"}
_CJK_NOT_BEFORE = "·・•"  # 哈里遜·福特: a transliterated person's name
_CJK_TITLES_BEFORE = ("总统", "總統")  # 美国前总统福特: President Ford
_MILLET = re.compile(r"粥|种植|種植|淘洗|杂粮|雜糧|谷子|穀子|小米饭|小米飯|农民|農民|丰收|豐收|煮")


@dataclass(frozen=True, slots=True)
class _Alias:
    company: str
    text: str
    case_sensitive: bool  # an ordinary word in lower case ("ford the river")
    needs_context: bool  # counts only beside automotive words
    surname: bool  # a single word that people, places and institutions share


def _is_word(alias: str) -> bool:
    return alias.isalpha() and alias[:1].isupper() and not alias.isupper()


class EntityMatcher:
    """Finds company mentions with one compiled pattern; thread-safe and reusable."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self._aliases: dict[str, list[_Alias]] = {}
        for company in companies:
            for text in {company.name, *company.aliases}:
                single_word = text.isalpha() and " " not in text
                self._add(_Alias(company.id, text, _is_word(text), False, single_word))
            for text in company.context_aliases:
                self._add(_Alias(company.id, text, True, True, True))
            for ticker in company.tickers:
                self._add(_Alias(company.id, ticker, True, False, False))
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
        mentions = []
        context: bool | None = None
        shouting = text.isupper()
        for match in self._pattern.finditer(text):
            found = match.group(0)
            for alias in self._aliases.get(_key(found), ()):
                if (
                    alias.case_sensitive
                    and found != alias.text
                    and not (found.isupper() and (shouting or not alias.needs_context))
                ):
                    continue
                if _CJK.search(found) and _cjk_false_friend(
                    found, text, match.start(), match.end()
                ):
                    continue
                if alias.surname and _names_something_else(text, match.start(), match.end()):
                    continue
                if (
                    alias.needs_context
                    and mentions
                    and mentions[-1].company != alias.company
                    and (not text[mentions[-1].end : match.start()].strip())
                ):
                    continue  # "BYD Explorer No.1": another company's name owns the word
                if alias.needs_context:
                    if context is None:
                        context = _AUTOMOTIVE_CONTEXT.search(text) is not None and (
                            _OTHER_TRADE.search(text) is None
                        )
                    if not context:
                        continue
                mentions.append(Mention(alias.company, found, match.start(), match.end()))
        return mentions

    def companies(self, text: str) -> list[str]:
        """The sorted ids of the companies mentioned."""
        return sorted({m.company for m in self.find(text)})


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
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for alias in aliases:
        node = trie
        for atom in _atoms(alias):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    branches = [atom + _node_pattern(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _cjk_false_friend(found: str, text: str, start: int, end: int) -> bool:
    after = _CJK_NOT_AFTER.get(found, "")
    if after and end < len(text) and text[end] in after:
        return True
    if start > 0 and text[start - 1] in _CJK_NOT_BEFORE:
        return True
    if text[max(0, start - 2) : start] in _CJK_TITLES_BEFORE:
        return True
    return found == "小米" and _MILLET.search(text) is not None


def _names_something_else(text: str, start: int, end: int) -> bool:
    """A single-word alias used for a person, or a place or institution named after one."""
    after = text[end : end + 40].lstrip()
    if _NOT_COMPANY_AFTER.match(after):
        return True
    before = _WORD_BEFORE.search(text[max(0, start - 30) : start])
    if not before:
        return False
    word = before.group(1).lower().rstrip("’'")
    if word in _COMPANY_PEOPLE_BEFORE:
        return False
    if re.fullmatch(r"[a-z]\.", word):  # "Gerald R. Ford": look past the initial
        earlier = _WORD_BEFORE.search(text[max(0, start - 60) : start - len(before.group(0))])
        return bool(earlier and earlier.group(1).lower() in _PERSON_BEFORE)
    if word in ("denver", "miami", "texas", "navy", "park", "the") and text[start:end].lower() in (
        "bronco",
        "dolphin",
        "ranger",
        "seal",
        "shark",
    ):
        return True
    return word in _PERSON_BEFORE and before.group(1)[:1].isupper()
