"""`python -m monitor.eval`: detection quality on the labelled sets, against a baseline.

Prints precision, recall and F1 for entities (per company pair) and for each stance,
on the development sets (dev, dev2, dev3, dev4) and, separately, on the held-out set, next to a
naive keyword baseline run on the same lines. The classifier is `monitor classify`'s
code.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .analysis import Analyzer
from .classify import classify_record
from .config import DEFAULT_CONFIG_PATH, load_config

__all__ = ["Scores", "evaluate", "load_set", "main"]

DATA = Path(__file__).resolve().parent / "eval_data"
STANCES = ("claim", "denial", "confirmation", "neutral")


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


def _scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp + fn)


def load_set(name: str) -> list[dict[str, Any]]:
    path = DATA / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


Predict = Callable[[dict[str, Any]], tuple[list[str], str]]


def evaluate(rows: Iterable[dict[str, Any]], predict: Predict) -> dict[str, Any]:
    entity = Counter[str]()
    stance = {s: Counter[str]() for s in STANCES}
    errors = []
    for row in rows:
        entities, label = predict(row)
        gold, found = set(row["entities"]), set(entities)
        entity["tp"] += len(gold & found)
        entity["fp"] += len(found - gold)
        entity["fn"] += len(gold - found)
        for s in STANCES:
            if label == s and row["stance"] == s:
                stance[s]["tp"] += 1
            elif label == s:
                stance[s]["fp"] += 1
            elif row["stance"] == s:
                stance[s]["fn"] += 1
        if label != row["stance"] or gold != found:
            errors.append((row, entities, label))
    result = {"entities": _scores(entity["tp"], entity["fp"], entity["fn"])}
    for s in STANCES:
        result[s] = _scores(stance[s]["tp"], stance[s]["fp"], stance[s]["fn"])
    result["errors"] = errors
    return result


def monitor_predictor(analyzer: Analyzer) -> Predict:
    def predict(row: dict[str, Any]) -> tuple[list[str], str]:
        out = classify_record(
            analyzer, {"id": row["id"], "text": row["text"], "claim": row.get("claim")}
        )
        return out["entities"], out["stance"]

    return predict


_BASELINE_ENTITY = {
    "ford": re.compile(r"ford", re.I),
    "xiaomi": re.compile(r"xiaomi|小米", re.I),
    "byd": re.compile(r"byd|比亚迪", re.I),
}


def baseline_predict(row: dict[str, Any]) -> tuple[list[str], str]:
    """What an alerting tool that matches words would say: names as substrings, and
    'deny', 'confirm' and 'report' as keywords."""
    text = row["text"]
    entities = sorted(c for c, pattern in _BASELINE_ENTITY.items() if pattern.search(text))
    lowered = text.lower()
    if re.search(r"den(y|ies|ied)|false|否认", lowered):
        return entities, "denial"
    if "confirm" in lowered:
        return entities, "confirmation"
    if re.search(r"report|sources|talks|rumou?r", lowered):
        return entities, "claim"
    return entities, "neutral"


def _table(name: str, ours: dict[str, Any], base: dict[str, Any]) -> str:
    lines = [
        f"\n{name}",
        f"{'':14}{'monitor':>24}   {'keyword baseline':>24}",
        f"{'':14}{'P':>8}{'R':>8}{'F1':>8}   {'P':>8}{'R':>8}{'F1':>8}  support",
    ]
    for key in ("entities", *STANCES):
        a, b = ours[key], base[key]
        lines.append(
            f"{key:14}{a.precision:8.3f}{a.recall:8.3f}{a.f1:8.3f}   "
            f"{b.precision:8.3f}{b.recall:8.3f}{b.f1:8.3f}  {a.support:7d}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.eval", description=__doc__)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG_PATH))
    parser.add_argument(
        "--set", choices=("dev", "dev2", "dev3", "dev4", "heldout", "all"), default="all"
    )
    parser.add_argument("--errors", action="store_true", help="List the misclassified lines.")
    args = parser.parse_args(argv)
    analyzer = Analyzer(load_config(args.config).companies)
    predict = monitor_predictor(analyzer)
    names = ("dev", "dev2", "dev3", "dev4", "heldout") if args.set == "all" else (args.set,)
    for name in names:
        rows = load_set(name)
        ours, base = evaluate(rows, predict), evaluate(rows, baseline_predict)
        print(_table(f"{name} ({len(rows)} lines)", ours, base))
        if args.errors:
            for row, entities, label in ours["errors"]:
                print(
                    f"  {row['id']}: gold {row['stance']} {row['entities']} | got {label} "
                    f"{entities} | {row['text'][:140]}"
                    + (f" || claim: {row['claim'][:60]}" if row.get("claim") else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
