"""Entities and stance: the traps of DESIGN.md §5, pinned one by one, and the quality
floor on the labelled sets."""

from __future__ import annotations

import time

import pytest

from monitor.analysis import Analyzer
from monitor.config import load_config
from monitor.eval import evaluate, load_set, monitor_predictor, real_companies
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_config(ROOT / "config" / "monitor.toml").companies)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Harrison Ford stars in a new Indiana Jones film", []),
        ("Gerald R. Ford aircraft carrier arrives in Norfolk", []),
        ("Tom Ford unveils spring collection in Milan", []),
        ("Ford Foundation announces $50m in grants", []),
        ("Oxford study finds EV batteries last longer", []),
        ("Stratford-upon-Avon council approves new car park", []),
        ("Hikers had to ford the river twice", []),
        ("Henry Ford Health opens a new hospital", []),
        ("Seal pups return to the beach", []),
        ("Navy SEAL veterans launch a fitness app", []),
        ("Lincoln, Nebraska, approves a new downtown arena", []),
        ("小米粥是北方常见的早餐。", []),
        ("Shares of Ford (NYSE: F) fell 3%", ["ford"]),
        ("FORD RECALLS 100,000 F-150 TRUCKS", ["ford"]),
        ("Harrison Ford drives a Ford F-150 Lightning", ["ford"]),
        ("Lincoln Navigator gets a facelift", ["ford"]),
        ("BYD Seal review: a fast, efficient EV", ["byd"]),
        ("Denza and Yangwang sales rise", ["byd"]),
        ("Xiaomi-badged crossover spotted in Michigan", ["xiaomi"]),
        ("Lei Jun says SU7 orders top 200,000", ["xiaomi"]),
        ("小米否认与福特洽谈在美合资建厂", ["ford", "xiaomi"]),
        ("比亚迪回应：暂无在沙特建厂计划", ["byd"]),
        ("1211.HK shares jump after BYDDY filing", ["byd"]),
    ],
)
def test_entities(analyzer: Analyzer, text: str, expected: list[str]) -> None:
    assert analyzer.entities.companies(text) == expected


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        # traps: not denials
        ("Ford declined to comment on the report", "neutral"),
        ("Xiaomi did not respond to a request for comment", "neutral"),
        ("Ford did not deny the report", "neutral"),
        ("Ford denied a warranty claim from an F-150 owner", "neutral"),
        ("Court denies Ford's motion to dismiss the lawsuit", "neutral"),
        ("Is Ford in talks with Xiaomi?", "neutral"),
        ("Why would Ford need Xiaomi? Five questions about the rumoured tie-up", "neutral"),
        # denials that never say "deny"
        ("This story is completely false and baseless.", "denial"),
        ("BYD says it has no plans to build a plant in Canada", "denial"),
        ("Xiaomi says it is not negotiating to enter the US market", "denial"),
        ("Ford rejects the report of a Xiaomi venture", "denial"),
        ("Xiaomi: the report is categorically untrue", "denial"),
        ("Ford has not held talks with Xiaomi, a spokesperson said", "denial"),
        ("BYD dismissed speculation about a Mexico plant", "denial"),
        ("Ford denies wrongdoing in lawsuit over Explorer exhaust leaks", "denial"),
        # claims hedged as reports
        ("BYD plans a plant in Mexico, people familiar say", "claim"),
        ("Ford is said to weigh a sale of its Saarlouis plant", "claim"),
        ("Xiaomi reportedly in talks to buy a stake in a German supplier", "claim"),
        ("FT reports Ford held talks with Xiaomi", "claim"),
        ("Ford considers cutting 4,000 jobs in Europe - sources", "claim"),
        ("Ford has no plans to build EVs in Mexico, sources say", "claim"),
        ("Ford is in talks with Xiaomi, sources say; Ford declined to comment", "claim"),
        # confirmations
        ("Ford confirms talks with Xiaomi", "confirmation"),
        ("BYD announces its Hungary plant will open in 2026", "confirmation"),
        # neutral news
        ("Xiaomi SU7 deliveries top 10,000 in October", "neutral"),
        ("Electrek: Ford F-150 Lightning owners can now use Tesla Superchargers", "neutral"),
    ],
)
def test_stance(analyzer: Analyzer, text: str, stance: str) -> None:
    result = analyzer.classify(text)
    assert result.stance.stance.value == stance, result.stance.cue
    if stance != "neutral":
        assert result.stance.cue  # explainable: the cue that decided


def test_stance_towards_a_given_claim(analyzer: Analyzer) -> None:
    text = "Ford calls report of Xiaomi talks false"
    talks = analyzer.classify(text, claim="Ford held talks with Xiaomi on a US EV venture")
    other = analyzer.classify(text, claim="BYD plans a plant in Mexico")
    assert talks.stance.stance.value == "denial"
    assert other.stance.stance.value == "neutral" and "another claim" in other.stance.cue


def test_the_speaker_is_the_company_that_denies(analyzer: Analyzer) -> None:
    result = analyzer.classify("Xiaomi says it is not negotiating with Ford to enter the US")
    assert result.stance.speaker == "xiaomi"


@pytest.fixture(scope="module")
def everyone() -> Analyzer:
    """The defaults and the 18 companies the real corpus adds by configuration alone."""
    return Analyzer(real_companies(load_config(ROOT / "config" / "monitor.toml").companies))


def test_quality_floor_on_real_text(everyone: Analyzer) -> None:
    """A floor against regressions on published text (eval_data/real/dev.jsonl); the
    figures themselves are in that folder's README."""
    scores = evaluate(load_set("real-dev"), monitor_predictor(everyone), groups=True)
    assert scores["denial"].f1 >= 0.82 and scores["denial"].precision >= 0.9
    assert scores["claim"].f1 >= 0.8
    assert scores["confirmation"].f1 >= 0.68
    assert scores["neutral"].f1 >= 0.78


@pytest.mark.parametrize("name", ["dev", "dev2", "dev3", "dev4"])
def test_quality_floor_on_the_synthetic_sets(analyzer: Analyzer, name: str) -> None:
    """The project's own sets share its habits: a loose floor, against regressions."""
    scores = evaluate(load_set(name), monitor_predictor(analyzer))
    assert scores["entities"].precision >= 0.97 and scores["entities"].recall >= 0.93
    assert scores["denial"].f1 >= 0.8
    assert scores["claim"].f1 >= 0.75
    assert scores["confirmation"].f1 >= 0.75


def test_entity_matching_is_fast(analyzer: Analyzer) -> None:
    """A sanity bound, far below the benchmark (bench/): one compiled pattern, not a loop."""
    headlines = [row["text"] for row in load_set("dev")] * 20
    started = time.perf_counter()
    for text in headlines:
        analyzer.entities.find(text)
    rate = len(headlines) / (time.perf_counter() - started)
    assert rate > 10_000


# Real rows (eval_data/real/dev.jsonl), one per phenomenon the rules describe.
@pytest.mark.parametrize(
    "row_id",
    [
        "real-0050",  # the company is the subject of a negated act: "Xiaomi is not buying..."
        "real-0051",  # what is confirmed is a negation: "confirmed that it is not buying"
        "real-1270",  # "dismisses the reports as speculation"
        "real-0520",  # "the entire e-mail conversation is a hoax"
        "real-0007",  # "entire speculation and there is no basis of truth in it"
        "real-1801",  # "neither confirming nor denying": neutral
        "real-0109",  # "has said it has no plans to sell Volvo" inside a report: a claim
        "real-1602",  # a goal denied by VAR: neutral
        "real-0813",  # "Uber acquires Middle East rival Careem": a confirmation
    ],
)
def test_real_rows_of_each_phenomenon(everyone: Analyzer, row_id: str) -> None:
    row = next(r for r in load_set("real-dev") if r["id"] == row_id)
    result = everyone.classify(row["text"], claim=row.get("claim"))
    assert result.stance.stance.value == row["stance"], (row["text"], result.stance.cue)
