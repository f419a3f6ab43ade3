"""`monitor classify`: JSON lines in, JSON lines out (DESIGN.md §4.4), through exactly
the analysis code that the pipeline runs."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .analysis import Analyzer
from .config import Config

__all__ = ["classify_lines", "classify_record"]


def classify_record(analyzer: Analyzer, record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    claim = record.get("claim")
    if claim is not None and not isinstance(claim, str):
        raise ValueError("'claim' must be a string when given")
    analysis = analyzer.classify(text, claim=claim or None)
    return {
        "id": record.get("id"),
        "entities": [c for c in analysis.companies],
        "stance": analysis.stance.stance.value,
        "score": round(analysis.stance.score, 3),
        "cue": analysis.stance.cue,
        "speaker": analysis.stance.speaker,
    }


def classify_lines(config: Config, lines: Iterable[str]) -> Iterator[str]:
    analyzer = Analyzer(config.companies)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record_id: Any = None
        try:
            record = json.loads(line)
            record_id = record.get("id") if isinstance(record, dict) else None
            result = classify_record(analyzer, record)
        except (ValueError, TypeError) as exc:
            reason = (
                f"line {number}: {exc}"
                if not isinstance(exc, json.JSONDecodeError)
                else f"line {number}: invalid JSON ({exc.msg})"
            )
            result = {"id": record_id, "error": reason}
        try:
            yield json.dumps(result, ensure_ascii=False, allow_nan=False)
        except ValueError:  # an id such as 1e999 or NaN: not JSON on the way out
            yield json.dumps({"id": None, "error": f"line {number}: id is not a finite number"})
