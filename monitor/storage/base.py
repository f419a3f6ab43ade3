"""The connection, transactions and migrations that every part of the store shares.

sqlite3 errors become StoreError naming the step. The statements themselves live in the
modules beside this one, one per concern; no module outside `storage/` writes SQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import StoreError
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "StoreBase", "iso", "parse_iso"]


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp as sortable ISO 8601 text."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class StoreBase:
    """The database. Open one per process; use `transaction()` for each unit of work."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        # One connection, shared by the daemon's threads: every use holds this lock.
        self.lock = threading.RLock()
        try:
            conn = sqlite3.connect(
                self.path, timeout=30, check_same_thread=False, isolation_level=None
            )
            self.db = sqlite_utils.Database(conn)
            if self.path != ":memory:":
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.path} has schema {version}, newer than this monitor "
                f"({SCHEMA_VERSION}): upgrade monitor"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction(f"migrating to schema {step}"):
                # Read again inside the write lock: another process may have just done it.
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= step:
                    continue
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {step}")

    @contextmanager
    def transaction(self, doing: str = "writing") -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE), committed on success."""
        with self.lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"while {doing}: {exc}") from exc
            try:
                yield
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                raise StoreError(f"while {doing}: {exc}") from exc
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:  # a full disk or an I/O error at the last step
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError(f"while {doing}: {exc}") from exc

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction: undone alone if it raises."""
        self.conn.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO unit")
            self.conn.execute("RELEASE unit")
            raise
        self.conn.execute("RELEASE unit")

    def abandon(self) -> None:
        """Close at once, as the process exits with work in flight: a commit in progress
        may finish (up to a second); any other transaction never commits."""
        if self.lock.acquire(timeout=1.0):
            self.conn.close()

    # -- for the modules of this package only ------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Read: every row as a dict."""
        with self.lock:
            try:
                return list(self.db.query(sql, params))
            except sqlite3.Error as exc:
                raise StoreError(f"while reading: {exc}") from exc

    def _write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """One statement, inside the caller's transaction."""
        with self.lock:
            return self.conn.execute(sql, params)

    def _insert(
        self, table: str, row: dict[str, Any], *, or_ignore: bool = False
    ) -> sqlite3.Cursor:
        """INSERT one row given as {column: value}; column names come from our code."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
        return self.conn.execute(
            f"{verb} INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
        )
