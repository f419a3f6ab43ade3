"""What `status`, `/metrics` and `/readyz` read: counts, on the daemon's connection or on
a short-lived one of their own, so that a probe never waits behind a poll's transaction."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from ..errors import StoreError
from . import postgres
from .base import StoreBase, driver_errors, in_list, is_postgres

__all__ = ["StatusStore", "probe_writable", "read_counts"]


class StatusStore(StoreBase):
    def outbox_by_status(self) -> dict[str, int]:
        return {
            r["status"]: int(r["n"])
            for r in self._rows("SELECT status, count(*) AS n FROM outbox GROUP BY status")
        }

    def outbox_waiting_summary(self, channels: Sequence[str]) -> dict[str, Any]:
        """Alerts not yet delivered: for the configured channels, how many and since when;
        and how many wait for a channel no longer configured (never delivered)."""
        rows = self._rows(
            f"SELECT channel IN ({in_list(channels)}) AS configured, count(*) AS n, "
            "min(created_at) AS oldest FROM outbox WHERE status IN ('pending', 'sending') "
            "GROUP BY 1",
            channels,
        )
        pending = next((r for r in rows if r["configured"]), None)
        return {
            "n": int(pending["n"]) if pending else 0,
            "oldest": pending["oldest"] if pending else None,
            "orphaned": sum(int(r["n"]) for r in rows if not r["configured"]),
        }

    def recent_failures(self, limit: int = 5) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT channel, event_id, last_error FROM outbox WHERE status = 'failed' "
            "ORDER BY id DESC LIMIT ?",
            [limit],
        )

    def totals(self) -> dict[str, int]:
        row = self._rows(
            "SELECT (SELECT count(*) FROM items) AS items, (SELECT count(*) FROM stories) AS "
            "stories, (SELECT count(*) FROM stories WHERE kind = 'claim') AS claims, "
            "(SELECT count(*) FROM events) AS events"
        )[0]
        return {k: int(v) for k, v in row.items()}

    def size_bytes(self) -> int:
        """The database's size: its file and WAL, or on Postgres its size on the server."""
        if self.postgres:
            return int(self._rows(_SIZE)[0]["n"])
        return _file_bytes(self.path)


_SIZE = "SELECT pg_database_size(current_database()) AS n"


def _file_bytes(path: str) -> int:
    """The size of a SQLite database: its file and its write-ahead log."""
    return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))


_PROBE = "UPDATE sources SET items_seen = items_seen WHERE name = (SELECT min(name) FROM sources)"


def probe_writable(target: str, timeout: float = 5.0) -> None:
    """A write transaction on a connection of its own, rolled back: raises StoreError if
    the database does not take writes. Another transaction holds it up for at most
    `timeout` seconds ("database is locked")."""
    try:
        _probe(target, timeout)
    except driver_errors(target) as exc:
        raise StoreError(f"not writable: {exc}") from exc


def _probe(target: str, timeout: float) -> None:
    if is_postgres(target):
        with closing(postgres.connect(target)) as conn:
            conn.execute(f"SET lock_timeout = {int(timeout * 1000)}")
            conn.execute("SET statement_timeout = 5000")
            conn.execute("BEGIN")
            conn.execute(_PROBE)
            conn.execute("ROLLBACK")
        return
    with closing(sqlite3.connect(target, timeout=timeout, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(_PROBE)
        conn.execute("ROLLBACK")


def read_counts(target: str) -> dict[str, Any]:
    """The counts and the size /metrics exports, read through one connection of its own
    (read-only on SQLite). Raises StoreError when the database cannot be read."""
    try:
        return _read_counts(target)
    except driver_errors(target) as exc:
        raise StoreError(f"cannot read the database: {exc}") from exc


def _read_counts(target: str) -> dict[str, Any]:
    if is_postgres(target):
        with closing(postgres.connect(target)) as conn:
            counts = _counts(lambda sql: postgres.rows(conn, sql, ()))
            return counts | {"bytes": int(postgres.rows(conn, _SIZE, ())[0]["n"])}
    uri = Path(target).resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
        conn.row_factory = sqlite3.Row
        counts = _counts(lambda sql: [dict(r) for r in conn.execute(sql).fetchall()])
    return counts | {"bytes": _file_bytes(target)}


def _counts(rows: Callable[[str], list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "events": {
            r["kind"]: r["n"] for r in rows("SELECT kind, count(*) AS n FROM events GROUP BY kind")
        },
        "outbox": [
            (r["channel"], r["status"], r["n"])
            for r in rows("SELECT channel, status, count(*) AS n FROM outbox GROUP BY 1, 2")
        ],
        "sources": rows("SELECT * FROM sources"),
        "items": rows("SELECT count(*) AS n FROM items")[0]["n"],
    }
