"""A year of archive, fast: N items with their mentions, stories, story_bands, events
and outbox rows, written by direct SQL in one transaction on monitor's own schema.

Rows look like the pipeline's: keys are canonical URLs; items that name a company
carry the MinHash fingerprint of their title and summary, a stance and a story;
each story has its 8 LSH band keys (analysis/text.py) and the sorted concepts that
StoryMatcher compares. Three outlets carry each story.

Items arrive at one fixed rate whatever the size (10⁶ items make a year, 10⁴ about
3.7 days), so the newest days, which the story lookups search, hold the same
stories in every archive: only the history behind them grows.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.analysis.text import band_keys, concepts, minhash, signature_to_bytes
from monitor.sources.common import plain_text
from monitor.storage import Store, iso

from .corpus import COMPANIES, headline_pool

__all__ = ["COPIES", "build_archive"]

COPIES = 3  # outlets per story
STEP = timedelta(days=365) / 1_000_000  # between two items: 2,740 items a day
_IDS = {name: name.lower() for name in COMPANIES}


def _companies(title: str) -> list[str]:
    return sorted(_IDS[name] for name in COMPANIES if name in title)


def build_archive(path: Path, items: int, now: datetime | None = None) -> float:
    """Write the archive to `path` (replacing it); returns the seconds it took."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    Store(path).close()  # monitor's schema, through its own migrations
    pool = headline_pool(items // COPIES + 1, seed=11)
    step = STEP
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    item_rows, mention_rows, story_rows, band_rows, event_rows, outbox_rows = ([] for _ in range(6))
    for number, headline in enumerate(pool):
        first_id = number * COPIES + 1
        if first_id > items:
            break
        companies = _companies(headline.title) if headline.kind != "other" else []
        summary = plain_text(headline.summary)
        story_id = fingerprint = None
        if companies:
            words = concepts(f"{headline.title} {summary}")
            signature = minhash(words)
            fingerprint = signature_to_bytes(signature)
            story_id = len(story_rows) + 1
        stance = headline.kind if headline.kind in ("claim", "denial", "confirmation") else None
        stance = stance or ("neutral" if companies else None)
        outlets = []
        for copy in range(COPIES):
            item_id = first_id + copy
            if item_id > items:
                break
            fetched = iso(now - step * (items - item_id))
            outlet = f"outlet{(number * 7 + copy) % 997}.example"
            outlets.append(outlet)
            url = f"https://{outlet}/archive/{headline.slug}"
            source = f"feed-{(number + copy) % 997}"
            item_rows.append(
                (
                    item_id,
                    url,
                    source,
                    url,
                    url,
                    headline.title,
                    summary,
                    outlet,
                    "press",
                    fetched,
                    fetched,
                    fingerprint,
                    story_id,
                    stance,
                )
            )
            mention_rows.extend((item_id, company) for company in companies)
        if story_id is not None:
            first_seen = iso(now - step * (items - first_id))
            last_seen = item_rows[-1][9]
            party = companies[0] if stance in ("denial", "confirmation") else None
            status = "reported" if stance == "claim" else None
            story_rows.append(
                (
                    story_id,
                    stance,
                    headline.title,
                    json.dumps(companies),
                    first_id,
                    status,
                    "[]",
                    party,
                    fingerprint,
                    " ".join(sorted(words)),
                    first_seen,
                    last_seen,
                    len(outlets),
                    json.dumps(outlets),
                )
            )
            band_rows.extend((band, story_id) for band in band_keys(signature))
            if stance in ("claim", "denial", "confirmation"):
                event_id = len(event_rows) + 1
                kind = "new_claim" if stance == "claim" else stance
                event_rows.append((event_id, story_id, kind, first_id, party, first_seen))
                outbox_rows.append((event_id, "slack", "sent", 1, first_seen, first_seen))
    conn.executemany(
        "INSERT INTO stories (id, kind, title, companies, first_item_id, status, status_by, "
        "party, signature, concepts, first_seen, last_seen, outlet_count, outlets) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        story_rows,
    )
    conn.executemany("INSERT OR IGNORE INTO story_bands VALUES (?, ?)", band_rows)
    conn.executemany(
        "INSERT INTO items (id, key, source, url, guid, title, summary, outlet, authority, "
        "published_at, fetched_at, fingerprint, story_id, stance) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        item_rows,
    )
    conn.executemany("INSERT OR IGNORE INTO mentions VALUES (?, ?)", mention_rows)
    conn.executemany(
        "INSERT INTO events (id, story_id, kind, item_id, voice, created_at) VALUES (?,?,?,?,?,?)",
        event_rows,
    )
    conn.executemany(
        "INSERT INTO outbox (event_id, channel, status, attempts, next_attempt_at, created_at) "
        "VALUES (?,?,?,?,?,?)",
        outbox_rows,
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started
