"""Configuration checks that keep a daemon polite and a page source readable."""

from __future__ import annotations

import pytest

from monitor.config import config_from_dict, load_environment
from monitor.errors import ConfigError

COMPANY = [{"id": "ford", "name": "Ford"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"sources": [{"name": "a", "url": "https://a.example/", "interval": "0s"}]},
            "sources[0](name='a').interval = '0s': expected at least 1 s",
        ),
        (
            {"monitor": {"min_interval": "1h", "max_interval": "10m"}},
            "monitor: expected min_interval <= default_interval <= max_interval",
        ),
        (
            {
                "sources": [
                    {
                        "name": "p",
                        "kind": "page",
                        "url": "https://a.example/",
                        "selectors": {"item": "div[[["},
                    }
                ]
            },
            "sources[0](name='p').selectors.item = 'div[[[': expected a CSS selector",
        ),
        (
            {
                "sources": [
                    {
                        "name": "p",
                        "kind": "page",
                        "url": "https://a.example/",
                        "selectors": {"item": " "},
                    }
                ]
            },
            "expected a CSS selector, not an empty string",
        ),
    ],
)
def test_impolite_or_unreadable_configuration_is_refused(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"companies": COMPANY, **data})
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_a_valid_page_source_with_selectors_loads() -> None:
    config = config_from_dict(
        {
            "companies": COMPANY,
            "sources": [
                {
                    "name": "p",
                    "kind": "page",
                    "url": "https://a.example/",
                    "selectors": {"item": "article.post", "title": "h2 a", "date": "time"},
                }
            ],
        }
    )
    assert config.sources[0].selectors is not None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SLACK_WEBHOOK_URL", "hxxp://hooks.example/T0/B0/s3cr3t", "expected an https:// URL"),
        ("SLACK_WEBHOOK_URL", "hooks.slack.com/services/T0/B0/s3cr3t", "expected an https:// URL"),
        ("SLACK_API_URL", "slack.example/api", "expected an http(s):// URL"),
        ("X_API_URL", "ftp://x.example/2/", "expected an http(s):// URL"),
        ("SMTP_PORT", "70000", "expected a port between 1 and 65535"),
    ],
)
def test_check_config_names_a_malformed_setting_of_the_environment(
    name: str, value: str, message: str
) -> None:
    """Caught before delivery: a malformed webhook used to pass, then fail every alert with
    a traceback. The message never quotes a secret."""
    with pytest.raises(ConfigError) as caught:
        load_environment({name: value})
    [problem] = caught.value.problems
    assert problem.startswith(f"environment {name}: {message}")
    assert "s3cr3t" not in problem


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"companies": [], "sources": []}, "companies: at least one company is needed"),
        (
            {"companies": [{"id": "ford", "name": "Ford", "aliases": "Ford Motor"}]},
            "companies[0](name='Ford').aliases = 'Ford Motor': expected a list, such as",
        ),
        (
            {"companies": [{"id": "ford", "name": "Ford", "aliases": [1]}]},
            "companies[0](name='Ford').aliases[0] = 1: expected text in quotes",
        ),
        (
            {
                "companies": [{"id": "ford", "name": "Ford"}],
                "sources": [{"name": "x", "kind": "x_user"}],
            },
            "sources[0](name='x'): an x_user source needs 'username'",
        ),
    ],
)
def test_problems_are_said_in_the_configurations_own_terms(
    data: dict[str, object], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(data, "monitor.toml")
    assert [p for p in caught.value.problems if expected in p], caught.value.problems
    assert not any("Input should" in p or "Tuple should" in p for p in caught.value.problems)
    # a company with a bad field is not "no company at all"
    if data.get("companies"):
        assert not any("at least one company" in p for p in caught.value.problems)


def test_the_interval_order_error_shows_the_three_values() -> None:
    data = {
        "monitor": {"min_interval": "10m", "max_interval": "5m"},
        "companies": [{"id": "ford", "name": "Ford"}],
    }
    with pytest.raises(ConfigError) as caught:
        config_from_dict(data, "monitor.toml")
    assert any("not 10m / 15m / 5m" in p for p in caught.value.problems), caught.value.problems


def test_a_bare_number_interval_is_seconds() -> None:
    config = config_from_dict(
        {
            "companies": [{"id": "ford", "name": "Ford"}],
            "sources": [{"name": "s", "url": "https://e.example/f", "interval": 600}],
        }
    )
    assert config.sources[0].interval is not None
    assert config.sources[0].interval.total_seconds() == 600
