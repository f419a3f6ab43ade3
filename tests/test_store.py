"""The store: migrations that several processes may race, and failures as StoreError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from monitor.schema import SCHEMA_VERSION
from monitor.store import Store

OPEN = "import sys; from monitor.store import Store; Store(sys.argv[1]).close()"


def test_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    for attempt in range(3):
        db = tmp_path / f"race{attempt}.db"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN, str(db)], stderr=subprocess.PIPE, text=True
            )
            for _ in range(6)
        ]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert all(p.returncode == 0 for p in procs), errors
        store = Store(db)
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        store.close()
        assert version == SCHEMA_VERSION


def test_a_savepoint_undoes_only_its_own_work(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    store.ensure_sources([("a", "feed", "https://a.example/")])
    with store.transaction():
        store.execute("UPDATE sources SET items_seen = 1")
        try:
            with store.savepoint():
                store.execute("UPDATE sources SET items_seen = 2")
                raise RuntimeError("a bug")
        except RuntimeError:
            pass
    assert store.query("SELECT items_seen FROM sources")[0]["items_seen"] == 1
    store.close()
