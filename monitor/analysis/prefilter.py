"""Literal prefilters for the cue patterns: the words a match cannot do without.

A cue pattern is a long alternation; Python's `re` tries every branch at every position
of a text, which costs tens of microseconds even when nothing matches. For each pattern
this module derives, from the pattern itself, a set of literal strings one of which any
match must contain ("den", "false", "rumo"...). A text holding none of them is skipped
with a few substring tests. Where a branch has no such literal, there is no prefilter,
and the pattern is always searched: the result is the same either way.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

try:  # the parser `re` compiles with (Python 3.11+; private, so looked up, not imported)
    _c: Any = importlib.import_module("re._constants")
    _p: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another Python: no prefilter, same results
    _c = _p = None

__all__ = ["Cue", "required_literals"]


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which every match of `pattern` contains, or None when that cannot
    be told (then the pattern must always be searched)."""
    if _p is None or flags & re.IGNORECASE:
        return None
    try:
        found = _sequence(list(_p.parse(pattern, flags)))
    except Exception:  # an unforeseen construct: no prefilter, never a wrong answer
        return None
    return frozenset(found) if found else None


def _sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The best literal set of a sequence: the longest run of literal characters, or
    the literal set of a required sub-part."""
    best: set[str] | None = None
    run = ""

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        consider({run} if run else None)
        run = ""
        consider(_element(op, av))
    consider({run} if run else None)
    return best


def _element(op: Any, av: Any) -> set[str] | None:
    if op is _c.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch))
            if not found:
                return None  # one branch without a literal: no requirement at all
            union |= found
        return union
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _sequence(list(av[2]))
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(av))
    return None  # classes, anchors, optional parts, look-arounds: not required


class Cue:
    """A cue pattern made of phenomena (one alternation): `search` answers exactly as
    the whole alternation would (the leftmost match, the first phenomenon on a tie),
    but searches only the phenomena whose required literals the text holds."""

    __slots__ = ("_regex", "flags", "parts", "pattern")

    def __init__(self, alternatives: tuple[str, ...], flags: int = 0) -> None:
        self.pattern = "|".join(f"(?:{a})" for a in alternatives)
        self.flags = flags
        self._regex: re.Pattern[str] | None = None  # the whole alternation, for `sub`
        self.parts = tuple(
            (re.compile(a, flags), _as_tuple(required_literals(a, flags))) for a in alternatives
        )

    def search(self, text: str) -> re.Match[str] | None:
        best = None
        for part, literals in self.parts:
            if literals is not None and not _holds_any(text, literals):
                continue
            found = part.search(text)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
                if best.start() == 0:
                    break
        return best

    def sub(self, replacement: str, text: str) -> str:
        if self.search(text) is None:
            return text
        if self._regex is None:
            self._regex = re.compile(self.pattern, self.flags)
        return self._regex.sub(replacement, text)


def _as_tuple(literals: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if literals is None else tuple(sorted(literals))


def _holds_any(text: str, literals: tuple[str, ...]) -> bool:
    # A plain loop: twice as fast as any() over a generator, and this runs per cue.
    for literal in literals:  # noqa: SIM110 (see above)
        if literal in text:
            return True
    return False
