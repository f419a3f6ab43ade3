"""`monitor migrate`: a SQLite installation's history copied into a real Postgres."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.console import ConsoleNotifier
from monitor.storage import Store
from monitor.storage.migrate import TABLES, copy_history
from tests.conftest import ROOT, make_config
from tests.notify.stories import serve_feeds
from tests.pg import Cluster
from tests.sql import execute, query


def _counts(store: Store) -> dict[str, int]:
    return {t: query(store, f"SELECT count(*) AS n FROM {t}")[0]["n"] for t, _ in TABLES}


@pytest.fixture
def installation(httpserver: HTTPServer, tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    """A SQLite installation that polled its sources and delivered its alerts."""
    sources = serve_feeds(httpserver)
    db = tmp_path / "monitor.db"
    with Monitor(
        make_config(sources),
        Environment(),
        db,
        notifiers={"console": ConsoleNotifier(io.StringIO())},
    ) as m:
        m.poll()
    return db, sources


def test_the_history_moves_to_postgres_and_the_move_can_be_repeated(
    installation: tuple[Path, list[dict[str, str]]], pg_cluster: Cluster
) -> None:
    """Every row with its id, the installation id included; re-run, nothing doubles and
    what changed meanwhile comes along; then a daemon on Postgres knows every item
    (no alert again) and hands out ids after the copied ones."""
    db, sources = installation
    url = pg_cluster.new_database()
    old, new = Store(db), Store(url)
    try:
        first = copy_history(old, new)
        assert first == _counts(old) == _counts(new)
        assert first["items"] > 0 and first["events"] > 0 and first["outbox"] > 0
        assert new.installation_id() == old.installation_id()
        execute(old, "UPDATE outbox SET status = 'failed' WHERE id = 1")  # the daemon goes on
        again = copy_history(old, new)
        assert again == first and _counts(new) == _counts(old)
        assert query(new, "SELECT status FROM outbox WHERE id = 1")[0]["status"] == "failed"
        linked = query(old, "SELECT id, answers_story_id FROM stories ORDER BY id")
        assert query(new, "SELECT id, answers_story_id FROM stories ORDER BY id") == linked
        assert any(row["answers_story_id"] for row in linked)
    finally:
        old.close()
        new.close()
    out = io.StringIO()
    with Monitor(
        make_config(sources), Environment(), url, notifiers={"console": ConsoleNotifier(out)}
    ) as m:
        summary = m.poll()
        assert sum(r.new_items for r in summary.results) == 0
        assert out.getvalue() == ""  # nothing alerts twice
        before = query(m.store, "SELECT max(id) AS n FROM events")[0]["n"]
        m.store.insert_event(
            {"kind": "source_unhealthy", "source": "claims", "created_at": "2026-01-01T00:00:00Z"},
            ["console"],
            "2026-01-01T00:00:00Z",
        )
        assert query(m.store, "SELECT max(id) AS n FROM events")[0]["n"] == before + 1


def test_the_command_says_what_it_copied_and_never_the_password(
    installation: tuple[Path, list[dict[str, str]]], pg_cluster: Cluster
) -> None:
    db, _ = installation
    url = pg_cluster.new_database().replace("postgres@", "postgres:s3cret-pw@")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "migrate", "--from", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "MONITOR_DATABASE_URL": url},
    )
    assert result.returncode == 0, result.stderr
    assert "items" in result.stdout and "outbox" in result.stdout
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_a_missing_source_is_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "monitor",
            "migrate",
            "--from",
            str(tmp_path / "none.db"),
            "--to",
            "postgresql://u@/db?host=/nonexistent",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --from {tmp_path / 'none.db'}: no such database"
    ]
