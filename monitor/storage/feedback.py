"""People's corrections and mutes from the alerts' buttons (monitor/feedback.py decides)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import StoreBase, in_list

__all__ = ["FeedbackStore"]


class FeedbackStore(StoreBase):
    def add_feedback(self, row: dict[str, Any]) -> int:
        return self._insert("feedback", row) or 0

    def story_muted(self, story_id: int, now: str) -> bool:
        """Whether someone muted this story and the mute still holds."""
        rows = self._rows(
            "SELECT 1 FROM feedback WHERE story_id = ? AND action = 'mute' AND expires_at > ? "
            "LIMIT 1",
            [story_id, now],
        )
        return bool(rows)

    def feedback_on_stories(self, story_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The corrections of these stories, oldest first: the digest shows them."""
        if not story_ids:
            return []
        return self._rows(
            f"SELECT * FROM feedback WHERE story_id IN ({in_list(story_ids)}) ORDER BY id",
            list(story_ids),
        )

    def corrected_items(self) -> list[dict[str, Any]]:
        """Each item someone corrected (not about a company, not of its stance), with what
        monitor had said about it: `monitor feedback export`."""
        return self._rows(
            """SELECT f.id, f.created_at, f.user_id, f.user_name, f.action, f.company,
                      f.stance AS stance_given, i.id AS item_id, i.title, i.url, i.stance
               FROM feedback f JOIN items i ON i.id = f.item_id
               WHERE f.action IN ('not_about', 'not_stance') ORDER BY f.id"""
        )

    def item_companies(self, item_id: int) -> list[str]:
        rows = self._rows(
            "SELECT company FROM mentions WHERE item_id = ? ORDER BY company", [item_id]
        )
        return [str(r["company"]) for r in rows]

    def all_feedback(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM feedback ORDER BY id")
