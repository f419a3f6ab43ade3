"""Every stance cue describes a phenomenon of real text, not one sentence.

Each argument of a cue pattern in `monitor/analysis/cues.py` is one phenomenon (a verb of
denial, a report said to be false, a non-answer...). Each must match at least three
distinct rows of the real corpus's development part (published text with its URL,
`monitor/eval_data/real/dev.jsonl`), read as the stance rules read it. A cue that
matches fewer is a patch for a sentence, and goes.
"""

from __future__ import annotations

import pytest

from monitor.analysis import cues
from monitor.analysis.text import normalise
from monitor.eval import load_set

MIN_ROWS = 3
ROWS = sorted({normalise(row["text"]).replace('"', "").strip() for row in load_set("real-dev")})


def test_the_real_development_corpus_is_large_enough_to_judge_cues() -> None:
    assert len(ROWS) >= 1000


@pytest.mark.parametrize(
    ("name", "index", "pattern"),
    cues.phenomena(),
    ids=[f"{name}[{index}]" for name, index, _ in cues.phenomena()],
)
def test_each_cue_matches_at_least_three_real_rows(name: str, index: int, pattern: object) -> None:
    assert hasattr(pattern, "search")
    matched = [text for text in ROWS if pattern.search(text)]  # type: ignore[attr-defined]
    assert len(matched) >= MIN_ROWS, (
        f"cues.{name}, argument {index}, matches {len(matched)} real rows: {matched[:3]}"
    )
