"""The store: every statement monitor runs against its database, behind named methods.

One module per concern (sources, items, stories, events and the outbox, digests, status,
spikes, feedback);
`Store` joins them over one connection. No module outside this package writes SQL.
"""

from __future__ import annotations

from .base import SCHEMA_VERSION, is_postgres, iso, parse_iso
from .digests import DigestsStore
from .events import EventsStore
from .feedback import FeedbackStore
from .items import ItemsStore
from .sources import SourcesStore
from .spikes import SpikesStore
from .status import StatusStore, probe_writable, read_counts
from .stories import StoriesStore, StoryRow

__all__ = [
    "SCHEMA_VERSION",
    "Store",
    "StoryRow",
    "is_postgres",
    "iso",
    "parse_iso",
    "probe_writable",
    "read_counts",
]


class Store(
    SourcesStore,
    ItemsStore,
    StoriesStore,
    EventsStore,
    DigestsStore,
    StatusStore,
    SpikesStore,
    FeedbackStore,
):
    """The database. Open one per process; use `transaction()` for each unit of work."""
