"""Sources: their polling state, and what status and the digest read about them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from ..models import SourceState
from .base import StoreBase, iso, parse_iso

__all__ = ["SourcesStore"]


class SourcesStore(StoreBase):
    def shift_poll_times(self, delta: timedelta) -> int:
        """Move every source's next poll by `delta` (after a step of the wall clock, so
        that each wait keeps its length); how many moved."""
        with self.transaction("moving poll times after a clock step"):
            return self._shift_times(
                "sources", "name", "next_poll_at", "next_poll_at IS NOT NULL", delta
            )

    def source_states(self) -> dict[str, SourceState]:
        return {row["name"]: _source_state(row) for row in self._rows("SELECT * FROM sources")}

    def ensure_sources(self, sources: Iterable[tuple[str, str, str | None]]) -> None:
        """Register configured sources (name, kind, url); existing state is kept."""
        with self.transaction("registering sources"):
            self._write_many(
                "INSERT INTO sources (name, kind, url) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, url = excluded.url",
                list(sources),
            )

    def save_source_state(self, state: SourceState, interval_seconds: float | None) -> None:
        self._write(
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

    def stored_intervals(self) -> dict[str, float]:
        """The interval each adaptive source's last poll chose, in seconds."""
        return {
            r["name"]: r["interval_seconds"]
            for r in self._rows("SELECT name, interval_seconds FROM sources")
            if r["interval_seconds"]
        }

    def items_per_source(self) -> dict[str, int]:
        return {
            r["source"]: r["n"]
            for r in self._rows("SELECT source, count(*) AS n FROM items GROUP BY source")
        }

    def source_health_since(self, since: str | None) -> list[dict[str, Any]]:
        """Every source's health now, and its `source_unhealthy` alerts since a time."""
        return self._rows(
            """SELECT s.name, s.url, s.healthy, s.consecutive_errors, s.last_error,
                      s.last_ok_at, (SELECT count(*) FROM events e WHERE e.source = s.name
                      AND e.kind = 'source_unhealthy' AND e.created_at >= ?) AS alerts
               FROM sources s ORDER BY s.name""",
            [since],
        )


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
