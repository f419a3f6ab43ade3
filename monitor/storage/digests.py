"""The weekly digest's record: one row per ISO week, claimed before it is sent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .base import StoreBase, parse_iso

__all__ = ["DigestsStore"]


class DigestsStore(StoreBase):
    def digest_record(self, period: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM digests WHERE period = ?", [period])
        return rows[0] if rows else None

    def claim_digest(self, period: str, now_iso: str, lease: timedelta, keep_sent: bool) -> bool:
        """Take a week's digest for sending, atomically: one transaction reads and marks it,
        so two jobs (or two processes) never both send it. A claim older than `lease` was
        left by a crash and is taken over. False if another sender holds it."""
        with self.transaction("claiming the weekly digest"):
            rows = self._rows("SELECT status, claimed_at FROM digests WHERE period = ?", [period])
            if rows and rows[0]["status"] == "sending":
                claimed, now = parse_iso(rows[0]["claimed_at"]), parse_iso(now_iso)
                if claimed is not None and now is not None and now - claimed < lease:
                    return False
            self._write(
                """INSERT INTO digests (period, status, attempts, claimed_at)
                   VALUES (?, ?, 1, ?) ON CONFLICT(period) DO UPDATE SET
                   status = excluded.status, attempts = attempts + 1,
                   claimed_at = excluded.claimed_at""",
                [period, "sent" if keep_sent else "sending", now_iso],
            )
        return True

    def record_digest(
        self, period: str, status: str, error: str | None, attempt: bool, sent_at: str | None
    ) -> None:
        with self.transaction("recording the weekly digest"):
            self._write(
                """INSERT INTO digests (period, status, attempts, last_error, sent_at)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT(period) DO UPDATE SET
                   status = excluded.status, attempts = attempts + excluded.attempts,
                   last_error = excluded.last_error,
                   sent_at = coalesce(excluded.sent_at, sent_at)""",
                [period, status, int(attempt), error, sent_at],
            )

    def last_sent_digest(self) -> dict[str, Any] | None:
        rows = self._rows(
            "SELECT period, sent_at FROM digests WHERE status = 'sent' "
            "ORDER BY sent_at DESC LIMIT 1"
        )
        return rows[0] if rows else None
