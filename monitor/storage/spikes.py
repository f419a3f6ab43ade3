"""Mention volume per company, and the spikes found in it (monitor/spikes.py decides)."""

from __future__ import annotations

from typing import Any

from .base import StoreBase

__all__ = ["SpikesStore"]

# When a mention happened: the item's date, or when it was fetched if it had none.
_WHEN = "coalesce(i.published_at, i.fetched_at)"


class SpikesStore(StoreBase):
    def mention_buckets(self, since: str, until: str) -> list[tuple[str, str, int]]:
        """(company, ten-minute bucket as 'YYYY-MM-DDTHH:M', mentions) since a time."""
        rows = self._rows(
            f"""SELECT m.company, substr({_WHEN}, 1, 15) AS bucket, count(*) AS n
                FROM mentions m JOIN items i ON i.id = m.item_id
                WHERE i.fetched_at >= ? AND {_WHEN} >= ? AND {_WHEN} <= ?
                GROUP BY m.company, substr({_WHEN}, 1, 15)""",
            [since, since, until],
        )
        return [(r["company"], r["bucket"], int(r["n"])) for r in rows]

    def daily_mentions(self, since: str, until: str) -> list[tuple[str, str, int]]:
        """(company, day 'YYYY-MM-DD' in UTC, mentions) between two times: the digest."""
        rows = self._rows(
            f"""SELECT m.company, substr({_WHEN}, 1, 10) AS day, count(*) AS n
                FROM mentions m JOIN items i ON i.id = m.item_id
                WHERE i.fetched_at >= ? AND {_WHEN} >= ? AND {_WHEN} < ?
                GROUP BY m.company, substr({_WHEN}, 1, 10)""",
            [since, since, until],
        )
        return [(r["company"], r["day"], int(r["n"])) for r in rows]

    def first_fetch(self) -> str | None:
        """When this installation fetched its first item: history starts there."""
        rows = self._rows("SELECT min(fetched_at) AS first FROM items")
        return rows[0]["first"] if rows else None

    def company_stories_since(self, company: str, since: str, limit: int) -> list[dict[str, Any]]:
        """The stories that named a company most often since a time, with a link each."""
        return self._rows(
            f"""SELECT s.id, s.title, count(*) AS n, min(i.url) AS url
                FROM items i JOIN mentions m ON m.item_id = i.id
                JOIN stories s ON s.id = i.story_id
                WHERE m.company = ? AND i.fetched_at >= ? AND {_WHEN} >= ?
                GROUP BY s.id, s.title ORDER BY n DESC, s.id LIMIT ?""",
            [company, since, since, limit],
        )

    def company_outlets_since(self, company: str, since: str, limit: int) -> list[tuple[str, int]]:
        rows = self._rows(
            f"""SELECT i.outlet, count(*) AS n FROM items i JOIN mentions m ON m.item_id = i.id
                WHERE m.company = ? AND i.fetched_at >= ? AND {_WHEN} >= ?
                AND i.outlet IS NOT NULL
                GROUP BY i.outlet ORDER BY n DESC, i.outlet LIMIT ?""",
            [company, since, since, limit],
        )
        return [(r["outlet"], int(r["n"])) for r in rows]

    def open_spikes(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM spikes WHERE ended_at IS NULL ORDER BY id")

    def open_spike(
        self,
        company: str,
        span: str,
        started_at: str,
        peak: int,
        usual: float,
        event_id: int | None,
    ) -> None:
        self._insert(
            "spikes",
            {
                "company": company,
                "span": span,
                "started_at": started_at,
                "peak": peak,
                "usual": usual,
                "event_id": event_id,
            },
        )

    def raise_spike_peak(self, spike_id: int, peak: int) -> None:
        with self.transaction("recording a spike's peak"):
            self._write("UPDATE spikes SET peak = ? WHERE id = ?", [peak, spike_id])

    def close_spike(self, spike_id: int, ended_at: str) -> None:
        with self.transaction("recording a spike's end"):
            self._write("UPDATE spikes SET ended_at = ? WHERE id = ?", [ended_at, spike_id])

    def spikes_between(self, since: str, until: str) -> list[dict[str, Any]]:
        """Spikes that started in a period: the digest marks their days."""
        return self._rows(
            "SELECT * FROM spikes WHERE started_at >= ? AND started_at < ? ORDER BY started_at",
            [since, until],
        )
