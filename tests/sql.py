"""Raw SQL for tests only: to look inside the database, or to put it in a state that is
hard to reach otherwise (a crash half-way, an old row). The product's code goes through
the store's named methods; `tests/test_store.py` checks that no module outside
`monitor/storage/` writes SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.storage import Store


def query(store: Store, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return store._rows(sql, params)


def execute(store: Store, sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement (in its own transaction unless one is open); the rows it changed.
    Written with ? placeholders, as the store's own statements, on either backend."""
    return int(store._write(sql, params).rowcount)
