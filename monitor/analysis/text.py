"""Text normalisation, content words ("concepts") and MinHash fingerprints.

Fingerprints must be stable across processes and versions of Python, so hashing
uses zlib.crc32 and fixed masks, never the built-in hash().
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from array import array
from collections.abc import Iterable, Sequence

__all__ = [
    "ACTIONS",
    "BANDS",
    "PLACES",
    "SIGNATURE_SIZE",
    "STANCE_WORDS",
    "band_keys",
    "concepts",
    "containment",
    "jaccard",
    "minhash",
    "names",
    "normalise",
    "signature_from_bytes",
    "signature_to_bytes",
]

SIGNATURE_SIZE = 16
BANDS = 8  # of 2 rows: a pair with Jaccard 0.5 shares a band 90% of the time
_ROWS = SIGNATURE_SIZE // BANDS
_MASK64 = (1 << 64) - 1
# Fixed pseudo-random masks (from a linear congruential sequence) for the 16 hashes.
_MASKS = tuple(
    ((i + 1) * 0x9E3779B97F4A7C15 ^ 0xD1B54A32D192ED03 * (i + 7)) & _MASK64
    for i in range(SIGNATURE_SIZE)
)

_WORD = re.compile(r"[a-z0-9]+(?:[.'’-][a-z0-9]+)*|[\u3400-\u9fff]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

STOPWORDS = frozenset(
    """a an the and or but of to in on at for from by with as is are was were be been being
    it its it's this that these those has have had will would can could may might should
    not no than then there their they them he she his her we our you your i me my
    into over after before about amid against between up down out off new says say said
    report reports reported reportedly according sources source people familiar matter
    told tells telling claims claim claimed rumour rumor rumours rumors media via per
    exclusive update updated breaking just also more most very so if while which who what
    when where how why all any some such other own same only under again once here
    s t don't doesn't isn't aren't wasn't weren't hasn't haven't didn't won't
    allegedly apparently currently earlier last week month today yesterday too
    potential potentially possible possibly likely suggest suggests suggested""".split()
)
# The outlets that carry a report: a second outlet relaying it names another one, so
# they say nothing about what the story is ("Bloomberg News reports", "Wall Street
# Journal reported").
OUTLET_WORDS = frozenset(
    """bloomberg reuters news journal wall street times york financial ft wsj cnbc nikkei
    information axios semafor verge techcrunch guardian telegraph insider forbes fortune
    economist bbc afp ap kyodo yonhap caixin""".split()
)

# Words that say the same thing in news copy, folded to one concept.
_CONCEPT_WORDS = {
    "talk": "talk talks talked discuss discussed discussing discussion discussions negotiate "
    "negotiating negotiated negotiation negotiations meeting meetings",
    "partner": "venture ventures jv partnership partnerships partner partners partnering "
    "alliance tie-up tieup cooperation collaboration collaborate",
    "ev": "ev evs bev bevs electric",
    "us": "us u.s usa america american america's states",
    "plant": "plant plants factory factories facility gigafactory",
    "make": "build builds building produce producing production manufacture manufacturing "
    "make making",
    "vehicle": "car cars vehicle vehicles automobile automobiles auto",
    "recall": "recall recalls recalled recalling",
    # buying and selling are one deal seen from two sides ("sell Dresden to BYD")
    "trade": "acquire acquires acquired acquisition buy buys bought buying stake takeover "
    "purchase purchases sell sells sold selling sale",
    "enter": "enter entering entry",
    "launch": "launch launches launching debut",
    "delay": "delay delays delayed postpone postpones postponed",
    "cancel": "scrap scraps scrapped axe axes axed kill kills killed cancel cancels cancelled "
    "canceled canceling cancelling end ends ending ditch ditches ditched abandon abandons "
    "abandoned shelve shelves shelved dead",
    # a plan under consideration, however hedged ("weighs", "mulls", "is contemplating")
    "weigh": "weigh weighs weighing mull mulls mulling consider considers considering "
    "contemplate contemplates contemplating explore explores exploring eye eyes eyeing",
    "start": "start starts started restart restarts restarted revive revives revived reopen "
    "reopens reopened resume resumes resumed relaunch",
    "split": "split splits dissolve dissolves dissolved unwind unwinds breakup",
    "exit": "exit exits exited leave leaves leaving quit quits withdraw withdraws",
    "cut": "cut cuts lower lowers lowered reduce reduces reduced slash slashes slashed trim "
    "trims trimmed",
    "job": "job jobs workforce positions roles employees staff workers",
    "invest": "invest invests invested investing investment investments",
    "deal": "deal deals agreement agreements pact pacts accord",
    "leader": "ceo ceos chief replace replaces replaced replacing replacement successor succession "
    "fire fired oust ousted resign resigns resigned",
    "pause": "pause pauses paused suspend suspends suspended freeze freezes froze halt halts "
    "halted hold holds",
    # demonyms: "Spanish plant" and "plant in Spain" are the same place
    "spain": "spain spanish",
    "hungary": "hungary hungarian",
    "mexico": "mexico mexican",
    "germany": "germany german",
    "china": "china chinese",
    "uk": "uk britain british",
    "france": "france french",
    "italy": "italy italian",
    "turkey": "turkey turkish",
    "brazil": "brazil brazilian",
    "japan": "japan japanese",
    "india": "india indian",
    "poland": "poland polish",
    "thailand": "thailand thai",
    "canada": "canada canadian",
    "europe": "europe european",
    "indonesia": "indonesia indonesian",
    "korea": "korea korean",
    "vietnam": "vietnam vietnamese",
    "russia": "russia russian",
    "saudi": "saudi saudis",
    "uae": "uae emirates emirati",
    "australia": "australia australian",
    "argentina": "argentina argentine argentinian",
    "chile": "chile chilean",
    "colombia": "colombia colombian",
    "peru": "peru peruvian",
    "egypt": "egypt egyptian",
    "morocco": "morocco moroccan",
    "nigeria": "nigeria nigerian",
    "pakistan": "pakistan pakistani",
    "philippines": "philippines philippine filipino",
    "malaysia": "malaysia malaysian",
    "singapore": "singapore singaporean",
    "taiwan": "taiwan taiwanese",
    "netherlands": "netherlands dutch",
    "sweden": "sweden swedish",
    "norway": "norway norwegian",
    "israel": "israel israeli",
    "ukraine": "ukraine ukrainian",
    "portugal": "portugal portuguese",
    "ireland": "ireland irish",
    "austria": "austria austrian",
    "switzerland": "switzerland swiss",
    "czech": "czech czechia",
    "slovakia": "slovakia slovak",
    "romania": "romania romanian",
    "serbia": "serbia serbian",
    "qatar": "qatar qatari",
    "kazakhstan": "kazakhstan kazakh",
    "iran": "iran iranian",
    "belgium": "belgium belgian",
    "denmark": "denmark danish",
    "finland": "finland finnish",
    "greece": "greece greek",
}
_SYNONYMS = {word: concept for concept, words in _CONCEPT_WORDS.items() for word in words.split()}
_PHRASE_CONCEPT = {
    "united states": " us ",
    "saudi arabia": " saudi ",
    "united arab emirates": " uae ",
    "south africa": " southafrica ",
    "new zealand": " newzealand ",
    "hong kong": " hongkong ",
    "south korea": " korea ",
    "electric vehicles": " ev ",
    "electric vehicle": " ev ",
    "joint venture": " partner ",
    # "holding talks" is talking, not a pause ("put on hold")
    "holding talks": " talks ",
    "hold talks": " talks ",
    "holds talks": " talks ",
    "held talks": " talks ",
    # layoffs are cut jobs, however they are written
    "lay off": " cut jobs ",
    "lays off": " cut jobs ",
    "laying off": " cut jobs ",
    "laid off": " cut jobs ",
    "layoffs": " cut jobs ",
    "layoff": " cut jobs ",
    "job cuts": " cut jobs ",
    "pushed back": " delay ",
    "pushes back": " delay ",
    "push back": " delay ",
}
_POSSESSIVE = re.compile(r"['’]s?$")
_DROP_PHRASES = re.compile("|".join(rf"\b{re.escape(p)}\b" for p in _PHRASE_CONCEPT))


def normalise(text: str) -> str:
    """Lower case, NFKC, plain quotes and dashes."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()


def _stem(word: str) -> str:
    word = _POSSESSIVE.sub("", word)  # "china's" is China
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    for suffix in ("ing", "ed"):  # "replacing" → "replace" → its concept
        if word.endswith(suffix) and word[: -len(suffix)] + "e" in _SYNONYMS:
            return _SYNONYMS[word[: -len(suffix)] + "e"]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"  # batteries, factories
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def concepts(text: str, ignore: Iterable[str] = ()) -> frozenset[str]:
    """The content words of a text, folded to concepts: what a story is about."""
    text = _DROP_PHRASES.sub(lambda m: _PHRASE_CONCEPT[m.group(0)], normalise(text))
    skip = STOPWORDS | OUTLET_WORDS | set(ignore)
    words: set[str] = set()
    for word in _WORD.findall(text):
        if word[0] >= "\u3400":  # CJK: character bigrams stand in for words
            words.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word not in skip and len(word) > 1:
            words.add(_stem(word))
    return frozenset(words)


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(part: frozenset[str] | set[str], whole: frozenset[str] | set[str]) -> float:
    """How much of `part` is in `whole`: 1.0 when every word of it is."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)


def minhash(words: Iterable[str]) -> tuple[int, ...]:
    hashes = [zlib.crc32(w.encode()) * 0x9E3779B97F4A7C15 & _MASK64 for w in words]
    if not hashes:
        return ()
    return tuple(min(h ^ mask for h in hashes) for mask in _MASKS)


def band_keys(signature: Sequence[int]) -> list[int]:
    """One 63-bit key per LSH band, for the story_bands index."""
    if not signature:
        return []
    keys = []
    for band in range(BANDS):
        rows = signature[band * _ROWS : (band + 1) * _ROWS]
        data = band.to_bytes(1, "big") + b"".join(r.to_bytes(8, "big") for r in rows)
        keys.append((zlib.crc32(data) << 31 | zlib.crc32(data[::-1]) >> 1) & ((1 << 63) - 1))
    return keys


def signature_to_bytes(signature: Sequence[int]) -> bytes:
    return array("Q", signature).tobytes()


def signature_from_bytes(data: bytes | None) -> tuple[int, ...]:
    if not data:
        return ()
    values = array("Q")
    values.frombytes(data)
    return tuple(values)


# Words that say how something is said, not what it is about: left out of a topic.
STANCE_WORDS = concepts(
    "deny denies denied denial false baseless untrue completely categorically story "
    "rumor rumors speculation confirm confirms confirmed calls called statement "
    "spokesperson report reports say says said told post posted market"
)


# What a claim says happens, as text.concepts folds it.
ACTIONS = frozenset(
    "talk partner plant trade job cut delay cancel exit enter split recall invest "
    "leader pause".split()
)
PLACES = frozenset(
    "us spain hungary mexico germany china uk france italy turkey brazil japan india poland "
    "thailand canada europe indonesia korea vietnam russia saudi uae australia argentina "
    "chile colombia peru egypt morocco nigeria pakistan philippines malaysia singapore taiwan "
    "netherlands sweden norway israel ukraine portugal ireland austria switzerland czech "
    "slovakia romania serbia qatar kazakhstan iran belgium denmark finland greece "
    "southafrica newzealand hongkong".split()
)


# Capitalised words that name no counterpart: sentence openers, days, months, outlets.
_NOT_NAMES = frozenset(
    """the a an in on at for from by with as and but or of to this that these those it its
    he she they we his her their our after before while when where how why what who report
    reports exclusive update breaking sources source people monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december reuters bloomberg news ft financial times wall
    street journal wsj cnbc nikkei ap afp the information says said mr ms mrs dr ceo inc
    corp co ltd plc group according""".split()
)
_CAPITALISED = re.compile(r"(?<![\w.'’])([A-Z][A-Za-z0-9&-]{2,})")


def names(text: str, ignore: frozenset[str] = frozenset()) -> frozenset[str]:
    """The counterparts a headline names besides the configured companies: capitalised
    words that do not open a sentence and are not days, months or outlets ("Volvo",
    "Perplexity", "Dongfeng"), folded like concepts; `ignore` holds the companies' own
    words. In a title-case or all-capitals headline every word is capitalised, so
    nothing is read as a name there."""
    words = _WORD.findall(normalise(text))
    found = [
        m.group(1)
        for m in _CAPITALISED.finditer(text)
        if not _OPENS_SENTENCE.search(text[: m.start()])
    ]
    if words and len(found) > 0.5 * len(words):
        return frozenset()
    folded = {_stem(w.lower()) for w in found if w.lower() not in _NOT_NAMES}
    return frozenset(folded - ignore - STOPWORDS)


_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;\"“(\[—–-])\s*$")
