"""Copying an installation's history into another database: SQLite to Postgres, to move.

Every table is copied with its ids, so that stories, threads and alerts keep their
links, and the installation id comes along, so that Slack messages already posted are
recognised as this installation's. Each row is an upsert on its key: run it while the
daemon still writes to the old database, then stop the daemon and run it once more to
bring over what changed meanwhile. The source is read in one snapshot (a read
transaction), the target written in one transaction: a failed copy leaves the target
as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import StoreError
from .base import StoreBase

__all__ = ["TABLES", "copy_history"]

# In the order foreign keys need; each with its key.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("settings", ("key",)),
    ("sources", ("name",)),
    ("stories", ("id",)),
    ("story_bands", ("band", "story_id")),
    ("story_companies", ("story_id", "company")),
    ("items", ("id",)),
    ("mentions", ("item_id", "company")),
    ("events", ("id",)),
    ("outbox", ("id",)),
    ("digests", ("period",)),
    ("spikes", ("id",)),
    ("feedback", ("id",)),
)
BATCH = 1000
# Ids the target hands out after the copy must come after the copied ones.
_IDENTITY_TABLES = ("stories", "items", "events", "outbox", "spikes", "feedback")


def copy_history(
    source: StoreBase,
    target: StoreBase,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> dict[str, int]:
    """Copy every row of `source` into `target` (both at the same schema version);
    returns the rows copied per table."""
    if source.path == target.path:
        raise StoreError("the source and the target are the same database")
    copied: dict[str, int] = {}
    with source.lock, target.transaction("copying the history"):
        _begin_snapshot(source)
        try:
            answers: list[tuple[Any, Any]] = []
            for table, keys in TABLES:
                columns = _columns(source, table)
                rows = 0
                for batch in _batches(source, table, columns, keys):
                    if table == "stories":
                        # A story may answer one created after it: links go in last.
                        at = columns.index("answers_story_id")
                        answers += [(row[at], row[0]) for row in batch if row[at] is not None]
                        batch = [(*row[:at], None, *row[at + 1 :]) for row in batch]
                    target._write_many(_upsert(table, columns, keys), batch)
                    rows += len(batch)
                    progress(table, rows)
                copied[table] = rows
            target._write_many("UPDATE stories SET answers_story_id = ? WHERE id = ?", answers)
            if target.postgres:
                for table in _IDENTITY_TABLES:
                    target._write(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"GREATEST((SELECT COALESCE(max(id), 0) FROM {table}), 1))"
                    )
        finally:
            _end_snapshot(source)
    return copied


def _begin_snapshot(store: StoreBase) -> None:
    # One read transaction: a daemon writing meanwhile is seen as of its start.
    store.conn.execute("BEGIN" if not store.postgres else "BEGIN ISOLATION LEVEL REPEATABLE READ")


def _end_snapshot(store: StoreBase) -> None:
    store.conn.execute("COMMIT")


def _columns(store: StoreBase, table: str) -> list[str]:
    cursor = store.conn.execute(f"SELECT * FROM {table} LIMIT 0")
    return [d[0] for d in cursor.description]


def _batches(
    store: StoreBase, table: str, columns: Sequence[str], keys: Sequence[str]
) -> Iterator[list[tuple[Any, ...]]]:
    cursor = store.conn.execute(
        f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(keys)}"
    )
    while batch := cursor.fetchmany(BATCH):
        yield [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in batch]


def _upsert(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    marks = ", ".join("?" * len(columns))
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(keys)}) {action}"
    )
