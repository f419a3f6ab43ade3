"""The database schema: one migration per version, applied in order at start-up."""

from __future__ import annotations

__all__ = ["DATA_MIGRATIONS", "MIGRATIONS", "SCHEMA_VERSION"]

SCHEMA_VERSION = 8

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'feed',
        url TEXT,
        etag TEXT,
        last_modified TEXT,
        last_polled_at TEXT,
        last_ok_at TEXT,
        next_poll_at TEXT,
        consecutive_errors INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        healthy INTEGER NOT NULL DEFAULT 1,
        cursor TEXT NOT NULL DEFAULT '{}',
        items_seen INTEGER NOT NULL DEFAULT 0,
        interval_seconds REAL
    );
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,              -- claim | denial | confirmation | neutral
        title TEXT NOT NULL,
        companies TEXT NOT NULL,         -- JSON list of company ids, sorted
        first_item_id INTEGER,
        status TEXT,                     -- claims: reported | spreading | denied | confirmed
        status_by TEXT,                  -- JSON: who denied/confirmed, e.g. [["ford", true]]
        answers_story_id INTEGER REFERENCES stories(id),
        party TEXT,                      -- denials/confirmations: the company that speaks
        signature BLOB,                  -- MinHash of the first item
        concepts TEXT,                   -- normalised content words, space separated
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        outlet_count INTEGER NOT NULL DEFAULT 1,
        outlets TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX stories_kind_last_seen ON stories(kind, last_seen);
    CREATE TABLE story_bands (
        band INTEGER NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id),
        PRIMARY KEY (band, story_id)
    ) WITHOUT ROWID;
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,        -- identity: canonical URL, else guid
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        guid TEXT,
        title TEXT NOT NULL,
        summary TEXT,
        author TEXT,
        outlet TEXT,
        outlet_url TEXT,
        authority TEXT NOT NULL DEFAULT 'press',
        speaks_for TEXT,
        published_at TEXT,
        fetched_at TEXT NOT NULL,
        fingerprint BLOB,
        story_id INTEGER REFERENCES stories(id),
        stance TEXT,
        stance_score REAL,
        stance_cue TEXT
    );
    CREATE INDEX items_story ON items(story_id);
    CREATE INDEX items_fetched_at ON items(fetched_at);
    CREATE INDEX items_source ON items(source);
    CREATE TABLE mentions (
        item_id INTEGER NOT NULL REFERENCES items(id),
        company TEXT NOT NULL,
        PRIMARY KEY (item_id, company)
    ) WITHOUT ROWID;
    CREATE INDEX mentions_company ON mentions(company);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        story_id INTEGER REFERENCES stories(id),
        kind TEXT NOT NULL,
        item_id INTEGER REFERENCES items(id),
        source TEXT,                     -- for source health events
        voice TEXT,                      -- the party of a denial/confirmation
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        UNIQUE (story_id, kind, item_id)
    );
    CREATE INDEX events_created_at ON events(created_at);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        event_id INTEGER NOT NULL REFERENCES events(id),
        channel TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',   -- pending | sending | sent | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        external_ref TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (event_id, channel)
    );
    CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
    CREATE TABLE digests (
        period TEXT PRIMARY KEY,          -- e.g. 2026-W47
        status TEXT NOT NULL,             -- pending | sent | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT
    );
    """,
    # A week's digest is claimed ('sending', with the time) before it is sent, so that the
    # weekly job and the retry job never both send it.
    2: """
    ALTER TABLE digests ADD COLUMN claimed_at TEXT
    """,
    # When an alert was first handed to its channel: it cannot have arrived earlier, so
    # reading the channel back after a crash starts there, not at the event's time.
    3: """
    ALTER TABLE outbox ADD COLUMN first_sending_at TEXT
    """,
    # Facts about this database itself, such as its installation id: a random id made
    # once, carried in every Slack message, so that reading a channel back never takes
    # another database's alert (two installations sharing a channel, or a re-created
    # database) for this one's.
    4: """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    # A source's titles are looked up at each poll (a feed whose links change every time
    # brings its old items back under new identities); the pair serves source lookups too.
    5: """
    DROP INDEX items_source;
    CREATE INDEX items_source_title ON items(source, title)
    """,
    # Volume spikes (monitor/spikes.py): open until the volume falls back, one alert each.
    6: """
    CREATE TABLE spikes (
        id INTEGER PRIMARY KEY,
        company TEXT NOT NULL,
        span TEXT NOT NULL,               -- hour | day
        started_at TEXT NOT NULL,
        ended_at TEXT,
        peak INTEGER NOT NULL,
        usual REAL NOT NULL,
        event_id INTEGER REFERENCES events(id)
    );
    CREATE INDEX spikes_started_at ON spikes(started_at)
    """,
    # What people told monitor from the alerts' buttons (monitor/feedback.py): corrections
    # for the digest and `monitor feedback export`, and mutes, which hold until expires_at.
    7: """
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        user_id TEXT NOT NULL,
        user_name TEXT,
        action TEXT NOT NULL,             -- not_about | not_stance | wrong_thread | mute
        company TEXT,                     -- not_about: the company it is not about
        stance TEXT,                      -- not_stance: the stance it was given
        event_id INTEGER REFERENCES events(id),
        story_id INTEGER REFERENCES stories(id),
        item_id INTEGER REFERENCES items(id),
        expires_at TEXT                   -- mute: until when
    );
    CREATE INDEX feedback_story ON feedback(story_id)
    """,
    # The companies of each story, one row each: a story is found by company through an
    # index, not by matching the JSON list's text (flat on Postgres as on SQLite). Filled
    # for the stories already there by `StoriesStore.fill_story_companies`.
    8: """
    CREATE TABLE story_companies (
        story_id INTEGER NOT NULL REFERENCES stories(id),
        company TEXT NOT NULL,
        PRIMARY KEY (story_id, company)
    ) WITHOUT ROWID;
    CREATE INDEX story_companies_company ON story_companies(company, story_id)
    """,
}
# Migrations that also move data, by a store method run in the same transaction.
DATA_MIGRATIONS: dict[int, str] = {8: "fill_story_companies"}
