"""SQLite storage through sqlite-utils: schema, migrations and every query.

No other module writes SQL. sqlite3 errors become StoreError naming the step.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import StoreError
from .models import SourceState
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Store", "iso", "parse_iso"]


def iso(value: datetime | None) -> str | None:
    """A UTC timestamp as sortable ISO 8601 text."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    kind: str
    title: str
    companies: tuple[str, ...]
    status: str | None
    party: str | None
    signature: bytes | None
    concepts: str
    first_seen: str
    last_seen: str
    outlet_count: int
    answers_story_id: int | None


class Store:
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

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        with self.lock:
            try:
                return list(self.db.query(sql, params))
            except sqlite3.Error as exc:
                raise StoreError(f"while reading: {exc}") from exc

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.conn.execute(sql, params)

    # -- sources ---------------------------------------------------------------------------

    def source_states(self) -> dict[str, SourceState]:
        return {row["name"]: _source_state(row) for row in self.query("SELECT * FROM sources")}

    def ensure_sources(self, sources: Iterable[tuple[str, str, str | None]]) -> None:
        """Register configured sources (name, kind, url); existing state is kept."""
        with self.transaction("registering sources"):
            self.conn.executemany(
                "INSERT INTO sources (name, kind, url) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, url = excluded.url",
                list(sources),
            )

    def save_source_state(self, state: SourceState, interval_seconds: float | None) -> None:
        self.conn.execute(
            """UPDATE sources SET etag = ?, last_modified = ?, last_polled_at = ?,
               last_ok_at = ?, next_poll_at = ?, consecutive_errors = ?, last_error = ?,
               healthy = ?, cursor = ?, items_seen = ?, interval_seconds = ? WHERE name = ?""",
            (
                state.etag,
                state.last_modified,
                iso(state.last_polled_at),
                iso(state.last_ok_at),
                iso(state.next_poll_at),
                state.consecutive_errors,
                state.last_error,
                int(state.healthy),
                json.dumps(state.cursor),
                state.items_seen,
                interval_seconds,
                state.name,
            ),
        )

    # -- items -----------------------------------------------------------------------------

    def known_keys(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(f"SELECT key FROM items WHERE key IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

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

    def insert_item(self, row: dict[str, Any], companies: Iterable[str]) -> int:
        cursor = self._insert("items", row)
        item_id = int(cursor.lastrowid or 0)
        self.conn.executemany(
            "INSERT OR IGNORE INTO mentions (item_id, company) VALUES (?, ?)",
            [(item_id, company) for company in companies],
        )
        return item_id

    def set_item_story(self, item_id: int, story_id: int) -> None:
        self.conn.execute("UPDATE items SET story_id = ? WHERE id = ?", (story_id, item_id))

    # -- stories ---------------------------------------------------------------------------

    def stories_by_bands(self, bands: Sequence[int], since: str, limit: int = 8) -> list[StoryRow]:
        """Stories seen since `since` that share LSH bands with a signature: the `limit`
        that share the most (a true copy shares several; a chance collision one)."""
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self.conn.execute(
            f"""SELECT {_STORY_COLUMNS} FROM stories JOIN
                (SELECT story_id, count(*) AS hits FROM story_bands WHERE band IN ({marks})
                 GROUP BY story_id) AS candidates ON candidates.story_id = stories.id
                WHERE last_seen >= ? ORDER BY hits DESC, last_seen DESC LIMIT ?""",
            [*bands, since, limit],
        )
        return [_story_row(r) for r in rows]

    def recent_stories(
        self,
        kind: str,
        since: str,
        companies: Iterable[str],
        *,
        exact: bool = False,
        limit: int = 50,
    ) -> list[StoryRow]:
        """The latest stories of a kind seen since a time that name any of the companies
        (or exactly these companies), newest first. Filtered in SQL: this runs per item."""
        wanted = sorted(set(companies))
        if not wanted:
            return []
        if exact:
            condition, params = "companies = ?", [json.dumps(wanted)]
        else:
            condition = " OR ".join("companies LIKE ?" for _ in wanted)
            params = [f'%"{company}"%' for company in wanted]
        rows = self.conn.execute(
            f"""SELECT {_STORY_COLUMNS} FROM stories WHERE kind = ? AND last_seen >= ?
                AND ({condition}) ORDER BY last_seen DESC, id DESC LIMIT ?""",
            [kind, since, *params, limit],
        )
        return [_story_row(r) for r in rows]

    def prune_story_bands(self, before: datetime) -> int:
        """Forget the near-duplicate keys of stories not seen since `before` (outside the
        story window they can no longer be joined), so lookups stay flat as years pass."""
        with self.transaction("pruning story keys"):
            cursor = self.conn.execute(
                "DELETE FROM story_bands WHERE story_id IN "
                "(SELECT id FROM stories WHERE last_seen < ?)",
                [iso(before)],
            )
        return cursor.rowcount

    def insert_story(self, row: dict[str, Any], bands: Sequence[int]) -> int:
        cursor = self._insert("stories", row)
        story_id = int(cursor.lastrowid or 0)
        self.add_story_bands(story_id, bands)
        return story_id

    def add_story_bands(self, story_id: int, bands: Sequence[int]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO story_bands (band, story_id) VALUES (?, ?)",
            [(band, story_id) for band in bands],
        )

    def story(self, story_id: int) -> StoryRow:
        row = self.conn.execute(
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?", [story_id]
        ).fetchone()
        if row is None:
            raise StoreError(f"no story {story_id}")
        return _story_row(row)

    def story_is_official(self, story_id: int) -> bool:
        """Whether any item of the story came from a company's own channel."""
        row = self.conn.execute(
            "SELECT 1 FROM items WHERE story_id = ? AND authority = 'official' LIMIT 1",
            (story_id,),
        ).fetchone()
        return row is not None

    def story_outlets(self, story_id: int) -> list[str]:
        row = self.conn.execute("SELECT outlets FROM stories WHERE id = ?", (story_id,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def story_statements(self, story_id: int) -> list[tuple[str, str, bool]]:
        """The denials and confirmations of a claim: [(kind, party, official)]."""
        row = self.conn.execute(
            "SELECT status_by FROM stories WHERE id = ?", (story_id,)
        ).fetchone()
        return [tuple(s) for s in json.loads(row[0] or "[]")] if row else []

    def update_story(self, story_id: int, **values: Any) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self.conn.execute(
            f"UPDATE stories SET {assignments} WHERE id = ?", (*values.values(), story_id)
        )

    # -- events and outbox -----------------------------------------------------------------

    def has_event(self, story_id: int, kind: str, voice: str | None = None) -> bool:
        sql = "SELECT 1 FROM events WHERE story_id = ? AND kind = ?"
        params: list[Any] = [story_id, kind]
        if voice is not None:
            sql += " AND voice = ?"
            params.append(voice)
        return self.conn.execute(sql + " LIMIT 1", params).fetchone() is not None

    def insert_event(self, row: dict[str, Any], channels: Sequence[str], now: str) -> int | None:
        """Write an event and one outbox row per channel; None if it already exists."""
        cursor = self._insert("events", row, or_ignore=True)
        if cursor.rowcount == 0:
            return None
        event_id = int(cursor.lastrowid or 0)
        self.conn.executemany(
            "INSERT OR IGNORE INTO outbox (event_id, channel, next_attempt_at, created_at) "
            "VALUES (?, ?, ?, ?)",
            [(event_id, channel, now, now) for channel in channels],
        )
        return event_id

    # -- retention (issue 6: the daemon's daily job) ---------------------------------------

    def prune_items(self, before: datetime, batch: int = 2000) -> int:
        """Delete items first fetched before `before`, with their mentions; return how many.

        Kept: stories, events and outbox rows, and the items that events point at
        (an alert is rebuilt from its item, and events.item_id is a foreign key).
        Items without a publication date are kept too: if one is still listed by its
        source, forgetting it would make it new again, and undated items alert.
        stories.first_item_id may then name a pruned item; readers allow for that.
        Deletes in small transactions, so polls are never held up for long.
        """
        condition = """fetched_at < ? AND published_at IS NOT NULL
            AND id NOT IN (SELECT item_id FROM events WHERE item_id IS NOT NULL)"""
        total = 0
        while True:
            with self.transaction("pruning old items"):
                ids = [
                    row[0]
                    for row in self.conn.execute(
                        f"SELECT id FROM items WHERE {condition} LIMIT ?", (iso(before), batch)
                    )
                ]
                if ids:
                    marks = ",".join("?" * len(ids))
                    self.conn.execute(f"DELETE FROM mentions WHERE item_id IN ({marks})", ids)
                    self.conn.execute(f"DELETE FROM items WHERE id IN ({marks})", ids)
            total += len(ids)
            if len(ids) < batch:
                return total


def _source_state(row: dict[str, Any]) -> SourceState:
    return SourceState(
        name=row["name"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled_at=parse_iso(row["last_polled_at"]),
        last_ok_at=parse_iso(row["last_ok_at"]),
        next_poll_at=parse_iso(row["next_poll_at"]),
        consecutive_errors=row["consecutive_errors"],
        last_error=row["last_error"],
        healthy=bool(row["healthy"]),
        cursor=json.loads(row["cursor"] or "{}"),
        items_seen=row["items_seen"],
    )


_STORY_COLUMNS = (
    "id, kind, title, companies, status, party, signature, concepts, first_seen, last_seen, "
    "outlet_count, answers_story_id"
)


def _story_row(row: Sequence[Any]) -> StoryRow:
    (
        story_id,
        kind,
        title,
        companies,
        status,
        party,
        signature,
        concepts,
        first_seen,
        last_seen,
        outlet_count,
        answers,
    ) = row
    return StoryRow(
        story_id,
        kind,
        title,
        tuple(json.loads(companies)),
        status,
        party,
        signature,
        concepts or "",
        first_seen,
        last_seen,
        outlet_count,
        answers,
    )
