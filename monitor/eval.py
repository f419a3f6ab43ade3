"""`python -m monitor.eval`: detection quality on the labelled sets, against a baseline.

Prints precision, recall and F1 for entities and for each stance, next to a naive
keyword baseline run on the same lines. The real-text sets come first: `real-dev`, rows
of published text with their URLs, labelled for 21 companies (the three defaults plus
the ones in `eval_data/real/companies.toml`, configured as the README says). Entities
are also scored for the three defaults and for the companies added by configuration
alone. `real-test` is the locked part: it is scored only with `--locked`, at milestones
(see eval_data/real/README.md). Then the project's own synthetic sets (dev, dev2, dev3,
dev4, heldout), on the default configuration. The classifier is `monitor classify`'s
code.
"""

from __future__ import annotations

import argparse
import functools
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
from .config import DEFAULT_CONFIG_PATH, Company, load_config

__all__ = ["Scores", "evaluate", "load_set", "main"]

DATA = Path(__file__).resolve().parent / "eval_data"
REAL = DATA / "real"
STANCES = ("claim", "denial", "confirmation", "neutral")
DEFAULT_IDS = frozenset({"ford", "xiaomi", "byd"})
SYNTHETIC_SETS = ("dev", "dev2", "dev3", "dev4", "heldout")
REAL_SETS = ("real-dev", "real-test")


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
    path = REAL / f"{name[5:]}.jsonl" if name in REAL_SETS else DATA / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def real_companies(defaults: tuple[Company, ...]) -> tuple[Company, ...]:
    """The default companies plus those the real corpus adds through configuration."""
    import tomllib

    added = tomllib.loads((REAL / "companies.toml").read_text(encoding="utf-8"))["companies"]
    return (*defaults, *(Company(**company) for company in added))


Predict = Callable[[dict[str, Any]], tuple[list[str], str]]


def _batch_number(row: dict[str, Any]) -> int | None:
    batch = str(row.get("batch") or "")
    return int(batch[1:]) if batch[1:].isdigit() else None


@functools.cache
def _first_labelled() -> dict[str, int]:
    """The batch from which each company id was labelled: rows of earlier batches were
    labelled before it was configured, so a mention of it there is neither right nor
    wrong (a later batch's company, such as Intel, does appear in earlier rows)."""
    first: dict[str, int] = {}
    for name in REAL_SETS:
        for row in load_set(name):
            number = _batch_number(row)
            if number is None:
                continue
            for company in row["entities"]:
                first[company] = min(first.get(company, number), number)
    return first


def _in_label_space(row: dict[str, Any], found: set[str]) -> set[str]:
    number = _batch_number(row)
    if number is None:
        return found
    first = _first_labelled()
    return {c for c in found if first.get(c, 0) <= number}


def evaluate(
    rows: Iterable[dict[str, Any]], predict: Predict, groups: bool = False
) -> dict[str, Any]:
    entity = Counter[str]()
    group = {"defaults": Counter[str](), "added": Counter[str]()}
    stance = {s: Counter[str]() for s in STANCES}
    errors = []
    for row in rows:
        entities, label = predict(row)
        gold, found = set(row["entities"]), _in_label_space(row, set(entities))
        entity["tp"] += len(gold & found)
        entity["fp"] += len(found - gold)
        entity["fn"] += len(gold - found)
        for company in gold | found:
            key = "defaults" if company in DEFAULT_IDS else "added"
            outcome = "tp" if company in gold & found else "fp" if company in found else "fn"
            group[key][outcome] += 1
        for s in STANCES:
            if label == s and row["stance"] == s:
                stance[s]["tp"] += 1
            elif label == s:
                stance[s]["fp"] += 1
            elif row["stance"] == s:
                stance[s]["fn"] += 1
        if label != row["stance"] or gold != found:
            errors.append((row, entities, label))
    result: dict[str, Any] = {"entities": _scores(entity["tp"], entity["fp"], entity["fn"])}
    if groups:
        for key, counts in group.items():
            result[f"  {key}"] = _scores(counts["tp"], counts["fp"], counts["fn"])
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
    for key in (k for k in ours if k != "errors"):
        a, b = ours[key], base[key]
        lines.append(
            f"{key:14}{a.precision:8.3f}{a.recall:8.3f}{a.f1:8.3f}   "
            f"{b.precision:8.3f}{b.recall:8.3f}{b.f1:8.3f}  {a.support:7d}"
        )
    return "\n".join(lines)


def _baseline_for(companies: tuple[Company, ...]) -> Predict:
    """The keyword baseline for any configured companies: each name as a substring."""
    patterns = {
        c.id: re.compile("|".join(re.escape(n) for n in (c.name, *c.aliases) if n), re.I)
        for c in companies
    }

    def predict(row: dict[str, Any]) -> tuple[list[str], str]:
        _, label = baseline_predict(row)
        return sorted(c for c, p in patterns.items() if p.search(row["text"])), label

    return predict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.eval", description=__doc__)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG_PATH))
    parser.add_argument(
        "--set", choices=(*REAL_SETS, *SYNTHETIC_SETS, "real", "synthetic", "all"), default="all"
    )
    parser.add_argument(
        "--locked",
        action="store_true",
        help="Also score real-test, the locked part: only at a milestone, noted in its README.",
    )
    parser.add_argument("--errors", action="store_true", help="List the misclassified lines.")
    args = parser.parse_args(argv)
    defaults = load_config(args.config).companies
    groups = {"real": REAL_SETS, "synthetic": SYNTHETIC_SETS, "all": (*REAL_SETS, *SYNTHETIC_SETS)}
    names = groups.get(args.set, (args.set,))
    if "real-test" in names and not args.locked:
        names = tuple(n for n in names if n != "real-test")
        print("real-test is locked: scored only with --locked, at a milestone")
    everyone = real_companies(defaults)
    predictors = {
        "real": (monitor_predictor(Analyzer(everyone)), _baseline_for(everyone)),
        "synthetic": (monitor_predictor(Analyzer(defaults)), baseline_predict),
    }
    for name in names:
        rows = load_set(name)
        real = name in REAL_SETS
        predict, baseline = predictors["real" if real else "synthetic"]
        ours, base = evaluate(rows, predict, real), evaluate(rows, baseline, real)
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
