"""The connection, transactions and migrations that every part of the store shares.

Two backends behind the same methods: SQLite (the embedded default, a file path) and
Postgres (a `postgresql://` URL, through psycopg 3). The statements in the modules beside
this one are written once, in the SQL both understand, with `?` placeholders;
`postgres.py` adapts the few spellings that differ. Database errors become StoreError
naming the step. No module outside `storage/` writes SQL.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import StoreError
from . import postgres
from .schema import DATA_MIGRATIONS, MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

__all__ = ["SCHEMA_VERSION", "StoreBase", "driver_errors", "is_postgres", "iso", "parse_iso"]


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp as sortable ISO 8601 text."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _said(exc: Exception) -> str:
    """The driver's message, with SQLite's "database is locked" told as what it means."""
    text = str(exc)
    if text == "database is locked":
        return "the database is busy: another process holds its lock (try again shortly)"
    return text


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def in_list(values: Sequence[object]) -> str:
    """Placeholders for an IN list; an empty list matches nothing."""
    return ", ".join("?" * len(values)) or "NULL"


class _PooledConnections:
    """Postgres: what `with store.lock:` means when each thread has a connection of its
    own. The outermost `with` takes a connection from the pool for this thread, and the
    last one out gives it back; inside, `store.conn` is that connection. A thread waits
    on no other, and a connection the server dropped is replaced by the pool."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool
        self._local = threading.local()

    def __enter__(self) -> Any:
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            self._local.conn = self.pool.getconn()
        self._local.depth = depth + 1
        return self._local.conn

    def __exit__(self, *exc: object) -> None:
        self._local.depth -= 1
        if self._local.depth == 0:
            conn, self._local.conn = self._local.conn, None
            self.pool.putconn(conn)

    def current(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            raise RuntimeError("a Postgres connection is used outside `with store.lock`")
        return conn


def driver_errors(target: str | Path) -> tuple[type[Exception], ...]:
    """The exceptions the database driver of a target raises."""
    return postgres.errors() if is_postgres(target) else (sqlite3.Error,)


class StoreBase:
    """The database. Open one per process; use `transaction()` for each unit of work."""

    def __init__(self, target: str | Path, busy_timeout: float = 30.0) -> None:
        """`busy_timeout`: how long a statement waits for another process's lock (SQLite);
        a command that only reads passes a short one, to say "busy" rather than hang."""
        self.path = str(target)
        self._installation: str | None = None
        self.postgres = is_postgres(target)
        # What logs and `status` may show: a URL without its password.
        self.display = postgres.redact(self.path) if self.postgres else self.path
        self._errors = driver_errors(target)
        if self.postgres:
            # A pool (psycopg-pool): each thread works on a connection of its own, so a
            # worker's jobs reach the database side by side, and a connection the server
            # dropped is replaced rather than failing every later statement.
            try:
                self._pool = postgres.pool(self.path)
                self.lock: Any = _PooledConnections(self._pool)
                self._migrate()
            except self._errors as exc:
                raise StoreError(f"cannot open database {self.display}: {exc}") from exc
            return
        # SQLite: one connection, shared by the daemon's threads: every use holds this lock.
        self.lock = threading.RLock()
        if self.path != ":memory:" and os.path.isfile(self.path) and not os.path.getsize(self.path):
            # A file truncated to nothing (a failed copy, a full disk at the wrong moment)
            # opens as a new database, with no memory of what was alerted.
            log.warning(
                "database %s is an empty file: starting a new database; items of the last "
                "alert window will alert again (restore a backup instead: see the README)",
                self.path,
            )
        try:
            conn = sqlite3.connect(
                self.path, timeout=busy_timeout, check_same_thread=False, isolation_level=None
            )
            self.db = sqlite_utils.Database(conn)
            self._sqlite = conn
            if self.path != ":memory:":
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {_said(exc)}") from exc

    @property
    def conn(self) -> Any:
        """This thread's connection: the one SQLite connection, or a pooled one."""
        if not self.postgres:
            return self._sqlite
        return self.lock.current()

    def close(self) -> None:
        if self.postgres:
            self._pool.close()
            return
        with self.lock:
            self._sqlite.close()

    def abandon(self) -> None:
        """Close at once, as the process exits with work in flight: a commit in progress
        may finish (up to a second); any other transaction never commits."""
        if self.postgres:
            self._pool.close(timeout=1.0)
        elif self.lock.acquire(timeout=1.0):
            self._sqlite.close()

    def queue_workers(self, within: float) -> int:
        """The `monitor worker` processes that sent a heartbeat in the last `within`
        seconds (Postgres, once Procrastinate's tables exist; else 1, this process)."""
        if not self.postgres:
            return 1
        if self._rows("SELECT to_regclass('procrastinate_workers') AS t")[0]["t"] is None:
            return 1
        rows = self._rows(
            "SELECT count(*) AS n FROM procrastinate_workers "
            "WHERE last_heartbeat > now() - make_interval(secs => ?)",
            [within],
        )
        return max(1, int(rows[0]["n"]))

    def lock_recording(self) -> None:
        """Inside a transaction: one recorder at a time across processes (Postgres
        workers); SQLite's write lock already makes it so."""
        if self.postgres:
            postgres.lock_recording(self.conn)

    def installation_id(self) -> str:
        """This database's random id, made at its first use and never changed."""
        if self._installation is None:
            read = "SELECT value FROM settings WHERE key = 'installation'"
            rows = self._rows(read)
            if not rows:  # the first alert of this database: name it (once, race-safe)
                with self.transaction("naming this installation"):
                    self._write(
                        "INSERT OR IGNORE INTO settings (key, value) VALUES ('installation', ?)",
                        [uuid.uuid4().hex],
                    )
                rows = self._rows(read)
            self._installation = str(rows[0]["value"])
        return self._installation

    def _version(self) -> int:
        with self.lock:
            if self.postgres:
                return postgres.schema_version(self.conn)
            return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self._version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.display} has schema {version}, newer than this monitor "
                f"({SCHEMA_VERSION}): upgrade monitor"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction(f"migrating to schema {step}"):
                if self.postgres:
                    postgres.lock_migrations(self.conn)
                # Read again inside the write lock: another process may have just done it.
                if self._version() >= step:
                    continue
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self.conn.execute(postgres.ddl(statement) if self.postgres else statement)
                if step in DATA_MIGRATIONS:
                    getattr(self, DATA_MIGRATIONS[step])()
                if self.postgres:
                    postgres.set_schema_version(self.conn, step)
                else:
                    self.conn.execute(f"PRAGMA user_version = {step}")

    @contextmanager
    def transaction(self, doing: str = "writing") -> Iterator[None]:
        """One write transaction, committed on success. On SQLite it takes the write lock
        at once (BEGIN IMMEDIATE), so two processes never deadlock on an upgrade."""
        with self.lock:
            try:
                self.conn.execute("BEGIN" if self.postgres else "BEGIN IMMEDIATE")
            except self._errors as exc:
                raise StoreError(f"while {doing}: {_said(exc)}") from exc
            try:
                yield
            except self._errors as exc:
                self._rollback()
                raise StoreError(f"while {doing}: {_said(exc)}") from exc
            except BaseException:
                self._rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except self._errors as exc:  # a full disk or an I/O error at the last step
                self._rollback()
                raise StoreError(f"while {doing}: {_said(exc)}") from exc

    def _rollback(self) -> None:
        # Nothing to roll back (SQLite ended it itself), or the connection is gone.
        with contextlib.suppress(*self._errors):
            self.conn.execute("ROLLBACK")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested unit inside a transaction: undone alone if it raises."""
        self.conn.execute("SAVEPOINT unit")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO SAVEPOINT unit")
            self.conn.execute("RELEASE SAVEPOINT unit")
            raise
        self.conn.execute("RELEASE SAVEPOINT unit")

    # -- for the modules of this package only ------------------------------------------------

    def _sql(self, sql: str) -> str:
        return postgres.dml(sql) if self.postgres else sql

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Read: every row as a dict."""
        with self.lock:
            try:
                if self.postgres:
                    return postgres.rows(self.conn, self._sql(sql), params)
                return list(self.db.query(sql, params))
            except self._errors as exc:
                raise StoreError(f"while reading: {_said(exc)}") from exc

    def _write(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One statement, inside the caller's transaction; the cursor (rows as tuples)."""
        with self.lock:
            return self.conn.execute(self._sql(sql), params)

    def _write_many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        with self.lock:
            if self.postgres:
                with self.conn.cursor() as cursor:
                    cursor.executemany(self._sql(sql), params)
            else:
                self.conn.executemany(sql, params)

    def _shift_times(self, table: str, key: str, column: str, where: str, delta: timedelta) -> int:
        """Inside a transaction: move a timestamp column by `delta` where `where` holds
        (the names come from our code); how many rows moved."""
        rows = self._rows(f"SELECT {key} AS k, {column} AS t FROM {table} WHERE {where}")
        moved = [
            (iso(when + delta), row["k"])
            for row in rows
            if (when := parse_iso(row["t"])) is not None
        ]
        self._write_many(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", moved)
        return len(moved)

    def _insert(self, table: str, row: dict[str, Any], *, or_ignore: bool = False) -> int | None:
        """INSERT one row given as {column: value} (column names come from our code);
        its id, or None when `or_ignore` and the row was already there."""
        columns = ", ".join(row)
        marks = ", ".join("?" * len(row))
        verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
        found = self._write(
            f"{verb} INTO {table} ({columns}) VALUES ({marks}) RETURNING id", tuple(row.values())
        ).fetchone()
        return int(found[0]) if found else None
