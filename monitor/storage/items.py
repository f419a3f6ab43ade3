"""Items, stored once each, with the companies they mention."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .base import StoreBase, in_list, iso

__all__ = ["ItemsStore"]


class ItemsStore(StoreBase):
    def known_keys(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = in_list(chunk)
            rows = self._write(f"SELECT key FROM items WHERE key IN ({marks})", chunk)
            found.update(row[0] for row in rows)
        return found

    def titles_seen(self, source: str, titles: Sequence[str]) -> set[str]:
        """Which of these titles the source already has an item under."""
        found: set[str] = set()
        for start in range(0, len(titles), 500):
            chunk = list(titles[start : start + 500])
            rows = self._write(
                "SELECT DISTINCT title FROM items WHERE source = ? "
                f"AND title IN ({in_list(chunk)})",
                [source, *chunk],
            )
            found.update(row[0] for row in rows)
        return found

    def insert_item(self, row: dict[str, Any], companies: Iterable[str]) -> int:
        item_id = self._insert("items", row) or 0
        self._write_many(
            "INSERT OR IGNORE INTO mentions (item_id, company) VALUES (?, ?)",
            [(item_id, company) for company in companies],
        )
        return item_id

    def set_item_story(self, item_id: int, story_id: int) -> None:
        self._write("UPDATE items SET story_id = ? WHERE id = ?", (story_id, item_id))

    def item_url(self, item_id: int) -> str:
        rows = self._rows("SELECT url FROM items WHERE id = ?", [item_id])
        return str(rows[0]["url"]) if rows else ""

    def first_item(self, story_id: int, first_item_id: int | None) -> dict[str, Any] | None:
        """A story's first item, or (when retention pruned it) its oldest kept one."""
        rows = self._rows(
            "SELECT * FROM items WHERE id = ? OR story_id = ? ORDER BY (id = ?) DESC, id LIMIT 1",
            [first_item_id, story_id, first_item_id],
        )
        return rows[0] if rows else None

    def items_fetched_since(self, since: str | None) -> int:
        rows = self._rows("SELECT count(*) AS n FROM items WHERE fetched_at >= ?", [since])
        return int(rows[0]["n"])

    def mentions_since(self, since: str | None) -> list[tuple[str, int]]:
        """(company, items that mention it) for the items fetched since a time."""
        rows = self._rows(
            """SELECT m.company, count(*) AS n FROM mentions m JOIN items i
               ON i.id = m.item_id WHERE i.fetched_at >= ? GROUP BY m.company""",
            [since],
        )
        return [(r["company"], int(r["n"])) for r in rows]

    def outlets_since(self, since: str | None, limit: int) -> list[tuple[str | None, int]]:
        """The outlets that carried the most company mentions since a time."""
        rows = self._rows(
            """SELECT outlet, count(*) AS n FROM items i WHERE fetched_at >= ?
               AND EXISTS (SELECT 1 FROM mentions m WHERE m.item_id = i.id)
               GROUP BY outlet ORDER BY n DESC, outlet LIMIT ?""",
            [since, limit],
        )
        return [(r["outlet"], int(r["n"])) for r in rows]

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
                    for row in self._write(
                        f"SELECT id FROM items WHERE {condition} LIMIT ?", (iso(before), batch)
                    )
                ]
                if ids:
                    marks = in_list(ids)
                    self._write(f"DELETE FROM mentions WHERE item_id IN ({marks})", ids)
                    self._write(f"DELETE FROM items WHERE id IN ({marks})", ids)
            total += len(ids)
            if len(ids) < batch:
                return total
