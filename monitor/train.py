"""`monitor train`: fit the learned stance layer (analysis/learned.py) on the corpus.

Trains on the development part of the real corpus (published text, weighted four times)
and the project's synthetic development sets, never on `real-test` or `heldout`. The
fit is deterministic (L-BFGS from zeros on the same rows in the same order), takes a few
seconds on one core, and writes weights small enough to ship: features whose weights
are all near zero are dropped. Needs scikit-learn: `pip install -e '.[train]'`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .analysis import Analyzer
from .analysis.learned import CLASSES, MODEL_PATH, features
from .config import Company
from .errors import MonitorError
from .eval import load_set, real_companies

__all__ = ["TRAINING_SETS", "train"]

TRAINING_SETS = ("real-dev", "dev", "dev2", "dev3", "dev4")
REAL_WEIGHT = 4.0
# scikit-learn's C, chosen by grouped 5-fold CV; a weaker one lets one word outvote "denies".
REGULARISATION = 0.3
KEEP = 0.05  # a feature whose every weight is smaller than this is dropped
MIN_ROWS = 2  # a word seen in one row only teaches that row, not a phenomenon


def _fit(rows: Sequence[tuple[str, dict[str, Any], list[str]]]) -> tuple[Any, Any]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen: dict[str, int] = {}
    for _, _, names in rows:
        for name in set(names):
            seen[name] = seen.get(name, 0) + 1
    samples = [{n: 1 for n in names if seen[n] >= MIN_ROWS} for _, _, names in rows]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(samples)
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit(
        matrix,
        [row["stance"] for _, row, _ in rows],
        sample_weight=[REAL_WEIGHT if n.startswith("real") else 1.0 for n, _, _ in rows],
    )
    return vectorizer, model


def _rows(defaults: Sequence[Company]) -> list[tuple[str, dict[str, Any], list[str]]]:
    # The rules alone give the verdict the model learns from: no model while training.
    analyzer = Analyzer(real_companies(tuple(defaults)), learned=False)
    rows = []
    for name in TRAINING_SETS:
        for row in load_set(name):
            rule = analyzer.classify(row["text"], claim=row.get("claim")).stance
            rows.append((name, row, features(row["text"], rule)))
    return rows


def _require_sklearn() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise MonitorError("monitor train needs scikit-learn: pip install -e '.[train]'") from None


def train(defaults: Sequence[Company], out: Path = MODEL_PATH) -> dict[str, Any]:
    _require_sklearn()
    rows = _rows(defaults)
    vectorizer, model = _fit(rows)
    order = [list(model.classes_).index(c.value) for c in CLASSES]
    coefficients = model.coef_[order]
    kept = {
        name: [round(float(coefficients[k][i]), 3) for k in range(len(CLASSES))]
        for i, name in enumerate(vectorizer.get_feature_names_out())
        if max(abs(coefficients[k][i]) for k in range(len(CLASSES))) >= KEEP
    }
    data = {
        "classes": [c.value for c in CLASSES],
        "bias": [round(float(model.intercept_[k]), 3) for k in order],
        "trained_on": {name: sum(1 for n, _, _ in rows if n == name) for name in TRAINING_SETS},
        "weights": kept,
    }
    out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return {"rows": len(rows), "features": len(kept), "path": str(out)}


def cross_validate(defaults: Sequence[Company], folds: int = 5) -> dict[str, dict[str, float]]:
    """F1 per stance on real-dev, each fold scored by a model that never saw it (folds
    by page, so no page straddles), against the rules alone on the same rows."""
    _require_sklearn()
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    rows = _rows(defaults)
    real = [i for i, (n, _, _) in enumerate(rows) if n == "real-dev"]
    synthetic = [i for i, (n, _, _) in enumerate(rows) if n != "real-dev"]
    gold = [rows[i][1]["stance"] for i in real]
    learned = list(gold)
    splitter = GroupKFold(n_splits=folds)
    for train_at, test_at in splitter.split(real, gold, [rows[i][1]["url"] for i in real]):
        vectorizer, model = _fit([rows[real[k]] for k in train_at] + [rows[i] for i in synthetic])
        tested = [rows[real[k]][2] for k in test_at]
        predicted = model.predict(vectorizer.transform([dict.fromkeys(f, 1) for f in tested]))
        for k, label in zip(test_at, predicted, strict=True):
            learned[k] = str(label)
    rules = [next(f for f in rows[i][2] if f.startswith("RULE:")).split(":")[1] for i in real]
    labels = [c.value for c in CLASSES]
    return {
        name: dict(
            zip(
                labels,
                (round(float(x), 3) for x in f1_score(gold, got, labels=labels, average=None)),
                strict=True,
            )
        )
        for name, got in (("rules", rules), ("learned", learned))
    }
