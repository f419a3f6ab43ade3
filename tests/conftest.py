"""Shared fixtures: real loopback servers, real SQLite files, a small configuration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config, Environment, config_from_dict
from tests.fakes.slack_server import FakeSlack

ROOT = Path(__file__).resolve().parent.parent

# `MONITOR_TEST_CLOCK_AHEAD_DAYS=365 pytest ...` runs tests with this process's wall clock
# moved ahead (time-machine), so that a test that secretly depends on today's date fails
# now rather than on some later day: tests/test_clock.py runs the date-sensitive modules so.
_AHEAD = os.environ.get("MONITOR_TEST_CLOCK_AHEAD_DAYS")


def pytest_configure(config: pytest.Config) -> None:
    if _AHEAD:
        import time_machine

        traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=int(_AHEAD)))
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    return f"wall clock moved ahead {_AHEAD} days: {datetime.now(UTC):%Y-%m-%d}" if _AHEAD else None


DATA = Path(__file__).resolve().parent / "data"

COMPANIES: list[dict[str, Any]] = [
    {
        "id": "ford",
        "name": "Ford",
        "aliases": ["Ford Motor", "Jim Farley", "Mark Truby", "Lincoln", "F-150", "福特"],
    },
    {"id": "xiaomi", "name": "Xiaomi", "aliases": ["Lei Jun", "Redmi", "SU7", "小米"]},
    {"id": "byd", "name": "BYD", "aliases": ["Denza", "比亚迪"], "context_aliases": ["Seal"]},
]


def make_config(sources: list[dict[str, Any]], **sections: Any) -> Config:
    return config_from_dict({"companies": COMPANIES, "sources": sources, **sections})


def rss(items: list[dict[str, Any]], title: str = "Test Feed") -> str:
    """An RSS 2.0 document; each item: title, link, description, published (datetime)."""
    parts = []
    for item in items:
        when = item.get("published") or datetime.now(UTC) - timedelta(hours=1)
        parts.append(
            f"<item><title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>"
            f"<description>{escape(item.get('description', ''))}</description>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.com/</link>"
        f"{''.join(parts)}</channel></rss>"
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "monitor.db"


@pytest.fixture
def env() -> Environment:
    return Environment()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def threaded_httpserver() -> Iterator[Any]:
    """A pytest-httpserver that answers requests concurrently (for slow handlers)."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


from tests.pg import db_target, pg_cluster  # noqa: E402  (fixtures for both backends)

__all__ = ["db_target", "pg_cluster"]
