"""The learned stance layer: `monitor train` is deterministic and reproduces the shipped
weights, the layer explains itself, and without scikit-learn training fails in one line."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.analysis import Analyzer
from monitor.analysis.learned import MODEL_PATH, StanceModel
from monitor.config import load_config
from monitor.errors import MonitorError
from monitor.eval import real_companies
from monitor.train import train
from tests.conftest import ROOT


def test_training_reproduces_the_shipped_model_in_under_a_minute(tmp_path: Path) -> None:
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "monitor", "train", "--out", str(tmp_path / "model.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert time.monotonic() - started < 60
    assert "trained on" in run.stdout
    assert (tmp_path / "model.json").read_bytes() == MODEL_PATH.read_bytes()


def test_the_shipped_model_is_small_and_loads() -> None:
    assert MODEL_PATH.stat().st_size < 1_000_000
    model = StanceModel.load()
    assert model is not None and len(model.weights) > 1000


def test_where_the_model_overrides_the_rules_it_names_the_words() -> None:
    companies = real_companies(load_config(ROOT / "config" / "monitor.toml").companies)
    rules, learned = Analyzer(companies, learned=False), Analyzer(companies)
    from monitor.eval import load_set

    overridden = []
    for row in load_set("real-dev"):
        before = rules.classify(row["text"]).stance
        after = learned.classify(row["text"]).stance
        if after.stance is not before.stance:
            overridden.append((row, after))
    assert overridden  # the layer does something
    for row, result in overridden:
        assert result.cue.startswith("learned: "), result.cue
        assert f"(rules: {rules.classify(row['text']).stance.stance.value}" in result.cue
    # and it is right more often than not where it disagrees with the rules
    right = sum(1 for row, result in overridden if result.stance.value == row["stance"])
    assert right > len(overridden) / 2


def test_a_clear_denial_stays_a_denial() -> None:
    analyzer = Analyzer(load_config(ROOT / "config" / "monitor.toml").companies)
    for text in (
        "Xiaomi denies it is negotiating to enter the US market",
        "Ford says the report is completely false and baseless",
    ):
        assert analyzer.classify(text).stance.stance.value == "denial", text


def test_without_scikit_learn_training_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn -> ImportError
    with pytest.raises(MonitorError, match=r"pip install -e '\.\[train\]'"):
        train(load_config(ROOT / "config" / "monitor.toml").companies, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()
