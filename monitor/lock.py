"""One daemon per database: an exclusive lock on a file beside it (monitor.db.lock), or on
Postgres a session advisory lock (storage/postgres.py).

flock is released by the kernel when the process ends, however it ends, so a crash
never leaves a stale lock behind; the file only names the holder's pid. Postgres
releases an advisory lock when its connection ends, likewise.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from .errors import AlreadyRunningError, StoreError
from .storage import postgres
from .storage.base import is_postgres

__all__ = ["DatabaseLock", "lock_holder"]


class DatabaseLock:
    """An exclusive lock beside the database: one daemon per database."""

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.path = Path(f"{db_path}.lock")
        self._file: IO[str] | None = None
        self._advisory = postgres.DaemonLock(db_path) if is_postgres(db_path) else None

    def acquire(self) -> None:
        if self._advisory is not None:
            if not self._advisory.acquire():
                raise AlreadyRunningError(
                    f"another monitor daemon is already running on {postgres.redact(self.db_path)};"
                    " stop it first, or use another database"
                )
            return
        try:
            handle = open(self.path, "a+")  # noqa: SIM115 - held for the daemon's lifetime
        except OSError as exc:  # another user's file, a directory, a read-only disk
            reason = (exc.strerror or type(exc).__name__).lower()
            raise StoreError(f"cannot open lock file {self.path}: {reason}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunningError(
                f"another monitor daemon ({owner}) is already running on {self.db_path}; "
                "stop it first, or use another --db"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._advisory is not None:
            self._advisory.release()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def lock_holder(db_path: str) -> str | None:
    """'pid N' if a daemon holds the database's lock, else None (for `monitor status`)."""
    if is_postgres(db_path):
        return postgres.daemon_holder(db_path)
    path = Path(f"{db_path}.lock")
    if not path.exists():
        return None
    try:
        handle = open(path)  # noqa: SIM115 - closed below, whatever happens
    except OSError:
        return None  # unreadable here: status cannot tell, and says nothing
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return handle.read().strip() or "another process"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None
