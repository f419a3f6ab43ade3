"""Which items of a poll are new: one item per identity, and a source that gives its old
items new identities at every poll recognised as such. Plain data in and out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from .models import ItemData

__all__ = ["REIDENTIFIED_MIN", "REIDENTIFIED_SHARE", "drop_reidentified", "unique"]

# A source is taken to re-identify its items when at least this many new items of one
# poll, and this share of them, carry titles it already stored.
REIDENTIFIED_MIN = 3
REIDENTIFIED_SHARE = 0.8


def unique(items: list[ItemData]) -> list[ItemData]:
    """The items in order, each identity once (the first wins)."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            kept.append(item)
    return kept


def drop_reidentified(
    fresh: list[ItemData], titles_seen: Callable[[str, Sequence[str]], set[str]]
) -> tuple[list[ItemData], Counter[str]]:
    """A source whose links or GUIDs change at every poll (a session id in the URL, a
    GUID made per request) brings its old items back as new ones, forever. When most of
    a source's new items, REIDENTIFIED_MIN or more, carry titles it already has
    (`titles_seen(source, titles)`), those are the same items again: they are not stored
    a second time. A single new item with a known title (a daily "Market update") is left
    alone. Returns the items to store and, per source, how many were dropped."""
    by_source: dict[str, list[ItemData]] = {}
    for item in fresh:
        by_source.setdefault(item.source, []).append(item)
    repeats = Counter[str]()
    dropped: set[str] = set()
    for name, items in by_source.items():
        if len(items) < REIDENTIFIED_MIN:
            continue
        seen = titles_seen(name, [i.title for i in items])
        again = [i for i in items if i.title in seen]
        if len(again) >= REIDENTIFIED_SHARE * len(items):
            repeats[name] = len(again)
            dropped.update(i.key for i in again)
    return [i for i in fresh if i.key not in dropped], repeats
