"""The store: migrations that several processes may race, and failures as StoreError."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.storage import Store, read_counts
from monitor.storage.schema import SCHEMA_VERSION
from tests.conftest import ROOT
from tests.sql import execute, query

OPEN = "import sys; from monitor.storage import Store; Store(sys.argv[1]).close()"


def test_processes_opening_a_new_database_at_once_migrate_it_once(
    tmp_path: Path, db_target: str, request: pytest.FixtureRequest
) -> None:
    for attempt in range(3):
        db = tmp_path / f"race{attempt}.db" if attempt or "://" not in db_target else db_target
        if "://" in db_target and attempt:
            db = request.getfixturevalue("pg_cluster").new_database()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN, str(db)], stderr=subprocess.PIPE, text=True
            )
            for _ in range(6)
        ]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert all(p.returncode == 0 for p in procs), errors
        store = Store(db)
        version = store._version()
        store.close()
        assert version == SCHEMA_VERSION


def test_a_savepoint_undoes_only_its_own_work(db_target: str) -> None:
    store = Store(db_target)
    store.ensure_sources([("a", "feed", "https://a.example/")])
    with store.transaction():
        execute(store, "UPDATE sources SET items_seen = 1")
        try:
            with store.savepoint():
                execute(store, "UPDATE sources SET items_seen = 2")
                raise RuntimeError("a bug")
        except RuntimeError:
            pass
    assert query(store, "SELECT items_seen FROM sources")[0]["items_seen"] == 1
    store.close()


SQL = re.compile(
    r"""["'](\s*)(SELECT\s|INSERT\s|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s|ALTER\s|PRAGMA\s"""
    r"""|BEGIN\b)|\.execute(many)?\(|sqlite3\.connect|json_each"""
)


def test_no_sql_outside_the_storage_package() -> None:
    """Every statement lives in monitor/storage/, behind a named method: a second backend
    can then be added in one place."""
    package = ROOT / "monitor"
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if "storage" not in path.relative_to(package).parts
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]
    assert offenders == []


def test_size_and_counts_are_read_alike_on_both_backends(db_target: str) -> None:
    """`status` asks the store for its size; /metrics reads counts and size through one
    connection of its own. Both work on SQLite and on Postgres."""
    store = Store(db_target)
    store.ensure_sources([("a", "feed", "https://a.example/"), ("b", "feed", None)])
    counts = read_counts(db_target)
    size = store.size_bytes()
    store.close()
    assert size > 0 and counts["bytes"] > 0
    assert [s["name"] for s in sorted(counts["sources"], key=lambda s: s["name"])] == ["a", "b"]
    assert counts["items"] == 0 and counts["events"] == {} and counts["outbox"] == []


def test_an_empty_database_file_is_said_to_be_a_new_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file truncated to 0 bytes opens as a new database, which forgets what it alerted:
    one warning line says so, and where to look."""
    import logging

    path = tmp_path / "monitor.db"
    path.write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="monitor.storage.base"):
        Store(path).close()
        Store(path).close()  # a database now: no warning the second time
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "empty file" in lines[0] and "backup" in lines[0]


def test_stories_recorded_before_schema_8_are_found_by_company(tmp_path: Path) -> None:
    """Schema 8 keeps each story's companies in an indexed table; the stories already in a
    database when it is upgraded are filled in by the migration itself."""
    db = tmp_path / "old.db"
    store = Store(db)
    with store.transaction():
        story = store.insert_story(
            {
                "kind": "claim",
                "title": "Ford held talks with Xiaomi",
                "companies": '["ford", "xiaomi"]',
                "first_seen": "2026-11-01T00:00:00.000000Z",
                "last_seen": "2026-11-01T00:00:00.000000Z",
            },
            [],
        )
        # As a database of schema 7 was: the story, and no rows of the new table.
        execute(store, "DROP TABLE story_companies")
        execute(store, "PRAGMA user_version = 7")
    store.close()

    upgraded = Store(db)
    found = upgraded.recent_stories("claim", "2026-10-01", ["xiaomi"])
    assert [s.id for s in found] == [story]
    assert upgraded.recent_stories("claim", "2026-10-01", ["byd"]) == []
    assert upgraded._version() == SCHEMA_VERSION
    upgraded.close()
