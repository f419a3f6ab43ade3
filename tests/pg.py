"""A throw-away Postgres cluster for the tests: initdb in a temporary directory, as a
non-root user, listening only on a Unix socket; one fresh database per test.

.ci/run installs Debian's `postgresql` package. Without it, tests that need Postgres are
skipped, and say why.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SKIP_REASON = "Postgres is not installed here (.ci/run installs Debian's postgresql package)"


def _bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if isinstance(found, list):
        return found[-1] if found else None
    return found


class Cluster:
    def __init__(self) -> None:
        initdb, postgres = _bin("initdb"), _bin("postgres")
        if initdb is None or postgres is None:
            pytest.skip(SKIP_REASON)
        self.root = Path(tempfile.mkdtemp(prefix="monitor-pg-"))
        # Postgres refuses to run as root: run it as the `postgres` user when we are root.
        self.user: str | None = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, self.user)
        data, self.socket = self.root / "data", self.root
        run: dict[str, Any] = {"user": self.user} if self.user else {}
        subprocess.run(
            [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"],
            check=True,
            capture_output=True,
            **run,
        )
        self.process = subprocess.Popen(
            [
                postgres, "-D", str(data), "-k", str(self.socket), "-c", "listen_addresses=",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                "-c", "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **run,
        )  # fmt: skip
        self._counter = itertools.count(1)
        self._wait()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket}"

    def _wait(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.1)

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend: a SQLite file, or a Postgres URL."""
    if request.param == "sqlite":
        return str(tmp_path / "m.db")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database()
