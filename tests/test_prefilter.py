"""The cue prefilters change nothing but speed: every cue answers exactly as its whole
alternation, on every text of every labelled set."""

from __future__ import annotations

import re

import pytest

from monitor.analysis import cues
from monitor.analysis.prefilter import Cue, required_literals
from monitor.analysis.text import normalise
from monitor.eval import REAL_SETS, SYNTHETIC_SETS, load_set

TEXTS = sorted(
    {
        normalise(row["text"]).replace('"', "")
        for name in (*REAL_SETS, *SYNTHETIC_SETS)
        for row in load_set(name)
    }
)


@pytest.mark.parametrize("name", [n for n in cues.__all__ if isinstance(getattr(cues, n), Cue)])
def test_a_cue_answers_as_its_whole_alternation(name: str) -> None:
    cue = getattr(cues, name)
    whole = re.compile(cue.pattern, cue.flags)
    for text in TEXTS:
        mine, theirs = cue.search(text), whole.search(text)
        assert (mine and mine.span(), mine and mine.group(0)) == (
            theirs and theirs.span(),
            theirs and theirs.group(0),
        ), text
        assert cue.sub(" ", text) == whole.sub(" ", text)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bden(?:y|ies)\b", {"den"}),
        (r"\b(?:false|untrue)\b|\bbaseless\b", {"false", "untrue", "baseless"}),
        (r"\bno\s+(?:plans?|talks)\b", {"plan", "talks"}),
        (r"(?:not\s+)?true", {"true"}),
        (r"\w+\b", None),  # nothing literal is required
        (r"\w+ed\b", {"ed"}),
        (r"a?b?", None),
    ],
)
def test_required_literals(pattern: str, literals: set[str] | None) -> None:
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == literals
