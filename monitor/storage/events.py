"""Events, and the outbox that delivers each one once per channel.

The outbox's state machine (pending → sending → sent | failed) is decided in
`notify/outbox.py`; these methods only read and write its rows. Every change of state is
conditional where two processes could race, and says whether it took.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from .base import StoreBase, in_list

__all__ = ["EventsStore"]


class EventsStore(StoreBase):
    def shift_outbox_times(self, delta: timedelta) -> int:
        """Move every undelivered alert's next attempt by `delta` (after a step of the
        wall clock); how many moved."""
        with self.transaction("moving retry times after a clock step"):
            return self._shift_times(
                "outbox", "id", "next_attempt_at", "status IN ('pending', 'sending')", delta
            )

    def has_event(self, story_id: int, kind: str, voice: str | None = None) -> bool:
        sql = "SELECT 1 FROM events WHERE story_id = ? AND kind = ?"
        params: list[Any] = [story_id, kind]
        if voice is not None:
            sql += " AND voice = ?"
            params.append(voice)
        return self._write(sql + " LIMIT 1", params).fetchone() is not None

    def insert_event(self, row: dict[str, Any], channels: Sequence[str], now: str) -> int | None:
        """Write an event and one outbox row per channel; None if it already exists."""
        event_id = self._insert("events", row, or_ignore=True)
        if event_id is None:
            return None
        self._write_many(
            "INSERT OR IGNORE INTO outbox (event_id, channel, next_attempt_at, created_at) "
            "VALUES (?, ?, ?, ?)",
            [(event_id, channel, now, now) for channel in channels],
        )
        return event_id

    def event_with_item(self, event_id: int) -> dict[str, Any] | None:
        """An event with the columns of its item that an alert shows."""
        rows = self._rows(
            """SELECT e.id, e.kind, e.story_id, e.voice, e.created_at, e.source AS event_source,
                      e.payload, e.item_id, i.title, i.url, i.outlet, i.authority, i.published_at,
                      i.stance_cue, i.story_id AS item_story_id
               FROM events e LEFT JOIN items i ON i.id = e.item_id WHERE e.id = ?""",
            [event_id],
        )
        return rows[0] if rows else None

    def claim_event_id(self, story_id: int) -> int | None:
        """The `new_claim` event of a claim's story: the root its answers thread under."""
        rows = self._rows(
            "SELECT id FROM events WHERE story_id = ? AND kind = 'new_claim' LIMIT 1",
            [story_id],
        )
        return int(rows[0]["id"]) if rows else None

    # -- the outbox --------------------------------------------------------------------------

    def outbox_backlog(self, channels: Sequence[str]) -> int:
        """Alerts of these channels not yet delivered (pending or in flight)."""
        rows = self._rows(
            "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending') "
            f"AND channel IN ({in_list(channels)})",
            channels,
        )
        return int(rows[0]["n"])

    def outbox_in_flight(self, channels: Sequence[str]) -> list[dict[str, Any]]:
        """Rows left in `sending`, oldest first."""
        return self._rows(
            f"SELECT * FROM outbox WHERE status = 'sending' AND channel IN ({in_list(channels)}) "
            "ORDER BY id",
            channels,
        )

    def outbox_waiting(self, channels: Sequence[str], limit: int) -> list[dict[str, Any]]:
        """Rows not yet delivered, in event order (due or not: the caller keeps the order)."""
        return self._rows(
            f"""SELECT * FROM outbox WHERE status IN ('pending', 'sending')
                AND channel IN ({in_list(channels)}) ORDER BY event_id, id LIMIT ?""",
            [*channels, limit],
        )

    def last_sent_ref(self, channel: str) -> str | None:
        rows = self._rows(
            "SELECT external_ref FROM outbox WHERE channel = ? AND status = 'sent' "
            "AND external_ref IS NOT NULL ORDER BY id DESC LIMIT 1",
            [channel],
        )
        return str(rows[0]["external_ref"]) if rows else None

    def outbox_row(self, event_id: int, channel: str) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT * FROM outbox WHERE event_id = ? AND channel = ?", [event_id, channel]
        )
        return rows[0] if rows else None

    def outbox_rows_of_event(self, event_id: int) -> list[dict[str, Any]]:
        """Where an event went: one row per destination, with its delivery state."""
        return self._rows(
            "SELECT channel, status, attempts, last_error, sent_at FROM outbox "
            "WHERE event_id = ? ORDER BY id",
            [event_id],
        )

    def take_outbox_row(self, row: dict[str, Any], now: str, lease_until: str) -> bool:
        """Mark a row in flight, only if no other process changed it since it was read."""
        with self.transaction("marking an alert as sending"):
            cursor = self._write(
                """UPDATE outbox SET status = 'sending', attempts = attempts + 1,
                   next_attempt_at = ?, first_sending_at = COALESCE(first_sending_at, ?)
                   WHERE id = ? AND status = ? AND next_attempt_at = ?""",
                [lease_until, now, row["id"], row["status"], row["next_attempt_at"]],
            )
            return cursor.rowcount == 1

    def set_outbox_row(self, row_id: int, status: str, error: str | None, next_at: str) -> None:
        with self.transaction("recording a delivery attempt"):
            self._write(
                "UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                [status, error, next_at, row_id],
            )

    def mark_outbox_sent(self, row_id: int, ref: str, sent_at: str) -> None:
        with self.transaction("marking an alert as sent"):
            self._write(
                "UPDATE outbox SET status = 'sent', external_ref = ?, sent_at = ?, "
                "last_error = NULL WHERE id = ?",
                [ref, sent_at, row_id],
            )
