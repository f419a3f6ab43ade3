"""Companies added through configuration alone, told apart from their false friends.

Tesla, Apple, Amazon, Shell, Meta and the rest are configured in
`monitor/eval_data/real/companies.toml` exactly as the README tells a user to (names,
aliases, tickers; `context_aliases`, `context` and `exclude` where a name is an ordinary
word). Nothing about them is in the code. Real published rows decide.
"""

from __future__ import annotations

import pytest

from monitor.analysis import Analyzer
from monitor.config import Company, load_config
from monitor.eval import DEFAULT_IDS, evaluate, load_set, monitor_predictor, real_companies
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def everyone() -> Analyzer:
    return Analyzer(real_companies(load_config(ROOT / "config" / "monitor.toml").companies))


def test_added_companies_are_found_and_their_false_friends_are_not(everyone: Analyzer) -> None:
    scores = evaluate(load_set("real-dev"), monitor_predictor(everyone), groups=True)
    added = scores["  added"]
    assert added.precision >= 0.95 and added.recall >= 0.93, added
    assert scores["entities"].precision >= 0.95 and scores["entities"].recall >= 0.95


@pytest.mark.parametrize("company", ["tesla", "apple", "amazon", "shell", "meta", "oracle"])
def test_false_friends_of_each_company(everyone: Analyzer, company: str) -> None:
    """Nikola Tesla, Apple Daily, the Amazon River, artillery shells, a meta-analysis, the
    Oracle of Omaha...: real rows that name the word and not the company."""
    rows = [
        r
        for r in load_set("real-dev")
        if r.get("trap") == "entity_trap" and company not in r["entities"]
    ]
    words = {c.name.lower() for c in everyone_companies() if c.id == company}
    rows = [r for r in rows if any(w in r["text"].lower() for w in words)]
    assert len(rows) >= 3  # each company has real false friends in the corpus
    wrong = [r["text"] for r in rows if company in everyone.entities.companies(r["text"])]
    assert len(wrong) * 2 < len(rows), wrong  # most are told apart; the note has the counts


def everyone_companies() -> tuple[Company, ...]:
    return real_companies(load_config(ROOT / "config" / "monitor.toml").companies)


def test_generic_rules_need_no_configuration() -> None:
    """A company configured with its name alone: people, places, institutions, units,
    plurals and lower-case words are told apart without any `exclude`."""
    matcher = Analyzer([Company(id="tesla", name="Tesla"), Company(id="apple", name="Apple")])
    found = matcher.entities.companies
    assert found("Tesla recalls 2 million cars over Autopilot") == ["tesla"]
    assert found("Apple denies report it will buy Perplexity") == ["apple"]
    for text in (
        "A statue of inventor Nikola Tesla was unveiled in Gospic",
        "Fiona Apple releases her first album in eight years",
        "Hong Kong newspaper Apple Daily closes down",
        "a 3 tesla MRI scanner",
        "Frost damages the apple crop",
        "Apple Records reissues the White Album",
        "Singing Tesla coils at the gallery",
    ):
        assert found(text) == [], text


def test_the_default_companies_are_configuration_too() -> None:
    """Ford, Xiaomi and BYD's context words and exclusions live in config/monitor.toml."""
    companies = {c.id: c for c in load_config(ROOT / "config" / "monitor.toml").companies}
    assert set(companies) == DEFAULT_IDS
    assert "小米粥" in companies["xiaomi"].exclude
    assert "car" in companies["ford"].context and "sneakers" in companies["ford"].exclude_context
    bare = Analyzer([Company(id="xiaomi", name="Xiaomi", aliases=("小米",))])
    assert bare.entities.companies("早餐喝小米粥") == ["xiaomi"]  # only configuration knew
    assert Analyzer(list(companies.values())).entities.companies("早餐喝小米粥") == []


def ordinary_word_names() -> list[Company]:
    """Companies whose own name is an ordinary word, configured as a context alias."""
    return [c for c in everyone_companies() if c.name in c.context_aliases]


@pytest.mark.parametrize("company", ordinary_word_names(), ids=lambda c: c.id)
def test_a_name_that_is_an_ordinary_word_needs_context_or_a_companys_acts(
    everyone: Analyzer, company: Company
) -> None:
    """ "Next", "Mars", "Sky", "Gap": listed in `context_aliases`, the name counts only beside
    its context words or where it acts as only a company does ("Mars has confirmed",
    "shares in Sky", "Gap to lay off 1,800"), on real rows of both kinds."""
    rows = load_set("real-dev")
    meant = [r["text"] for r in rows if company.id in r["entities"]]
    traps = [
        r["text"]
        for r in rows
        if r.get("trap") == "entity_trap"
        and company.id not in r["entities"]
        and company.name.lower() in r["text"].lower()
    ]
    if len(meant) < 10 or len(traps) < 5:
        pytest.skip(f"{company.id}: too few development rows to judge ({len(meant)}, {len(traps)})")
    found = [t for t in meant if company.id in everyone.entities.companies(t)]
    taken = [t for t in traps if company.id in everyone.entities.companies(t)]
    assert len(found) >= 0.75 * len(meant), set(meant) - set(found)
    assert len(taken) <= 0.1 * len(traps), taken


def test_a_context_alias_wins_over_the_same_word_as_the_name() -> None:
    mars = Company(
        id="mars", name="Mars", context_aliases=("Mars",), context=("chocolate", "Snickers")
    )
    found = Analyzer([mars]).entities.companies
    assert found("Could humans be heading to Mars in the 2030s?") == []
    assert found("Mars recalls Snickers bars in the UK") == ["mars"]
    assert found("With this clearance secured, Mars has confirmed the deal") == ["mars"]
    assert found("the planet Mars has confirmed nothing") == []


def test_one_name_read_by_two_aliases_is_one_mention() -> None:
    """ "Nvidia" and "NVIDIA" both read "Nvidia's": one mention, so that blanking the
    companies out of a headline leaves its other words whole ("tests", not "sts")."""
    nvidia = Company(id="nvidia", name="Nvidia", aliases=("NVIDIA",))
    analyzer = Analyzer([nvidia, Company(id="samsung", name="Samsung")])
    found = analyzer.entities.find("Samsung denies it is failing Nvidia's tests for HBM chips")
    assert [m.company for m in found] == ["samsung", "nvidia"]
