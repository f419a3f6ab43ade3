"""Stories: one per event the press reports, however many outlets carry it, with the
near-duplicate keys (LSH bands) that find them again."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import StoreError
from .base import StoreBase, in_list, iso

__all__ = ["StoriesStore", "StoryRow"]


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


class StoriesStore(StoreBase):
    def stories_by_bands(self, bands: Sequence[int], since: str, limit: int = 8) -> list[StoryRow]:
        """Stories seen since `since` that share LSH bands with a signature: the `limit`
        that share the most (a true copy shares several; a chance collision one)."""
        if not bands:
            return []
        marks = in_list(bands)
        rows = self._write(
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
            condition = (
                f"id IN (SELECT story_id FROM story_companies WHERE company IN ({in_list(wanted)}))"
            )
            params = list(wanted)
        rows = self._write(
            f"""SELECT {_STORY_COLUMNS} FROM stories WHERE kind = ? AND last_seen >= ?
                AND ({condition}) ORDER BY last_seen DESC, id DESC LIMIT ?""",
            [kind, since, *params, limit],
        )
        return [_story_row(r) for r in rows]

    def prune_story_bands(self, before: datetime) -> int:
        """Forget the near-duplicate keys of stories not seen since `before` (outside the
        story window they can no longer be joined), so lookups stay flat as years pass."""
        with self.transaction("pruning story keys"):
            cursor = self._write(
                "DELETE FROM story_bands WHERE story_id IN "
                "(SELECT id FROM stories WHERE last_seen < ?)",
                [iso(before)],
            )
        return cursor.rowcount

    def insert_story(self, row: dict[str, Any], bands: Sequence[int]) -> int:
        story_id = self._insert("stories", row) or 0
        self.add_story_bands(story_id, bands)
        self._write_many(
            "INSERT OR IGNORE INTO story_companies (story_id, company) VALUES (?, ?)",
            [(story_id, company) for company in json.loads(row.get("companies") or "[]")],
        )
        return story_id

    def fill_story_companies(self) -> None:
        """Schema 8: the companies of the stories already recorded, one row each."""
        rows = self._write("SELECT id, companies FROM stories").fetchall()
        self._write_many(
            "INSERT OR IGNORE INTO story_companies (story_id, company) VALUES (?, ?)",
            [(row[0], company) for row in rows for company in json.loads(row[1] or "[]")],
        )

    def add_story_bands(self, story_id: int, bands: Sequence[int]) -> None:
        self._write_many(
            "INSERT OR IGNORE INTO story_bands (band, story_id) VALUES (?, ?)",
            [(band, story_id) for band in bands],
        )

    def story(self, story_id: int) -> StoryRow:
        row = self._write(
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?", [story_id]
        ).fetchone()
        if row is None:
            raise StoreError(f"no story {story_id}")
        return _story_row(row)

    def story_is_official(self, story_id: int) -> bool:
        """Whether any item of the story came from a company's own channel."""
        row = self._write(
            "SELECT 1 FROM items WHERE story_id = ? AND authority = 'official' LIMIT 1",
            (story_id,),
        ).fetchone()
        return row is not None

    def story_outlets(self, story_id: int) -> list[str]:
        row = self._write("SELECT outlets FROM stories WHERE id = ?", (story_id,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def story_statements(self, story_id: int) -> list[tuple[str, str, bool]]:
        """The denials and confirmations of a claim: [(kind, party, official)]."""
        row = self._write("SELECT status_by FROM stories WHERE id = ?", (story_id,)).fetchone()
        return [tuple(s) for s in json.loads(row[0] or "[]")] if row else []

    def update_story(self, story_id: int, **values: Any) -> None:
        assignments = ", ".join(f"{column} = ?" for column in values)
        self._write(f"UPDATE stories SET {assignments} WHERE id = ?", (*values.values(), story_id))

    def story_record(self, story_id: int) -> dict[str, Any]:
        """Every column of a story, for the alerts and the digest."""
        rows = self._rows("SELECT * FROM stories WHERE id = ?", [story_id])
        if not rows:
            raise StoreError(f"no story {story_id}")
        return rows[0]

    def claims_active_since(self, since: str | None) -> list[dict[str, Any]]:
        """Claims first seen since a time, or answered (denied, confirmed) since then."""
        return self._rows(
            """SELECT * FROM stories WHERE kind = 'claim' AND (first_seen >= ? OR id IN
               (SELECT answers_story_id FROM stories WHERE last_seen >= ?
                AND kind IN ('denial', 'confirmation')))
               ORDER BY first_seen""",
            [since, since],
        )

    def answers_to(self, claim_id: int) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT * FROM stories WHERE answers_story_id = ? ORDER BY first_seen", [claim_id]
        )

    def widest_stories(self, company: str, since: str | None, limit: int) -> list[dict[str, Any]]:
        """A company's stories seen since a time that answer nothing and are not claims,
        the most widely carried first."""
        return self._rows(
            """SELECT s.* FROM stories s JOIN story_companies c ON c.story_id = s.id
               WHERE c.company = ? AND s.last_seen >= ? AND s.kind != 'claim'
               AND s.answers_story_id IS NULL
               ORDER BY s.outlet_count DESC, s.last_seen DESC LIMIT ?""",
            [company, since, limit],
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
