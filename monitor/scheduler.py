"""The daemon: APScheduler jobs, a lock on the database, signals, clean shutdown.

Jobs: one per source (at its interval, with jitter; it polls when the source is
due in the database, so backoff and adaptive intervals survive restarts), one
that delivers the outbox, and a daily retention job. State lives in SQLite, not
in the scheduler's job store.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from .errors import AlreadyRunningError, MonitorError
from .metrics import Metrics
from .models import PollResult
from .web import HealthServer

if TYPE_CHECKING:
    from .app import Monitor

__all__ = ["Daemon", "DatabaseLock"]

log = logging.getLogger(__name__)

DELIVERY_EVERY = timedelta(seconds=10)
SHUTDOWN_GRACE = 8.0  # seconds for in-flight work, inside Docker's 10 s


class DatabaseLock:
    """An exclusive lock beside the database: one daemon per database."""

    def __init__(self, db_path: str) -> None:
        self.path = Path(f"{db_path}.lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the daemon's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunningError(
                f"another monitor daemon ({owner}) is already using this database; stop it "
                "or use another --db"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Daemon:
    def __init__(
        self,
        monitor: Monitor,
        listen: str | None = "127.0.0.1:8080",
        metrics: Metrics | None = None,
    ) -> None:
        self.monitor = monitor
        self.listen = listen
        self.metrics = metrics or Metrics()
        self.stopping = threading.Event()
        self.started_at = time.time()
        self.scheduler = BackgroundScheduler(
            timezone=monitor.config.monitor.timezone,
            executors={"default": ThreadPoolExecutor(max_workers=8)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )
        self.lock = DatabaseLock(monitor.store.path)
        self.last_ok: float | None = None

    # -- jobs ----------------------------------------------------------------------------

    def poll_source(self, name: str) -> None:
        if self.stopping.is_set():
            return
        source = self.monitor.config.source(name)
        if source not in self.monitor.pipeline.due_sources():
            return
        started = time.monotonic()
        try:
            results = self.monitor.pipeline.poll([source])
        except MonitorError as exc:
            log.error("poll of %s failed: %s", name, exc)
            self.metrics.polls.labels(name, "error").inc()
            return
        self._observe(results, time.monotonic() - started)

    def _observe(self, results: list[PollResult], elapsed: float) -> None:
        for result in results:
            outcome = (
                "skipped"
                if result.skipped
                else "error"
                if result.error
                else "not_modified"
                if result.not_modified
                else "ok"
            )
            self.metrics.polls.labels(result.source, outcome).inc()
            self.metrics.poll_duration.labels(result.source).observe(elapsed)
            if result.new_items:
                self.metrics.new_items.labels(result.source).inc(result.new_items)
            if outcome in ("ok", "not_modified"):
                self.last_ok = time.time()
                self.metrics.last_success.labels(result.source).set(self.last_ok)

    def deliver(self) -> None:
        try:
            delivery = self.monitor.deliver()
        except MonitorError as exc:
            log.error("delivery failed: %s", exc)
            return
        for channel in self.monitor.notifiers:
            self.metrics.alerts.labels(channel, "sent").inc(delivery.sent)
            self.metrics.alerts.labels(channel, "retrying").inc(delivery.retrying)
            self.metrics.alerts.labels(channel, "failed").inc(delivery.failed)
        self.metrics.outbox_backlog.set(self.monitor.outbox.backlog())

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {"scheduler": self.scheduler.running}
        try:
            with self.monitor.store.transaction("checking the database is writable"):
                self.monitor.store.execute("CREATE TEMP TABLE IF NOT EXISTS _ready (x)")
            checks["database"] = True
        except MonitorError as exc:
            checks["database"] = str(exc)
        window = max(900.0, 3 * self.monitor.config.monitor.default_interval.total_seconds())
        recent = self.last_ok is not None and time.time() - self.last_ok <= window
        checks["recent_poll"] = recent or not self.monitor.config.sources
        return all(v is True for v in checks.values()), checks

    # -- lifecycle -----------------------------------------------------------------------

    def _add_jobs(self) -> None:
        config = self.monitor.config
        for source in config.sources:
            if not source.enabled:
                continue
            every = source.interval or config.monitor.min_interval
            self.scheduler.add_job(
                self.poll_source,
                "interval",
                args=[source.name],
                id=f"poll:{source.name}",
                name=f"poll {source.name}",
                seconds=every.total_seconds(),
                jitter=max(1, int(every.total_seconds() * 0.1)),
                next_run_time=datetime.now(self.scheduler.timezone),
                replace_existing=True,
            )
        self.scheduler.add_job(
            self.deliver,
            "interval",
            id="deliver",
            name="deliver alerts",
            seconds=DELIVERY_EVERY.total_seconds(),
            next_run_time=datetime.now(self.scheduler.timezone),
            replace_existing=True,
        )

    def _on_signal(self, signum: int, frame: Any) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.stopping.set()

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit code."""
        self.lock.acquire()
        server = None
        try:
            settled = self.monitor.outbox.reconcile()
            if settled:
                log.info("reconciled %d alerts left in flight by the last run", settled)
            if self.listen:
                server = HealthServer(self.listen, self.metrics, self.readiness).start()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._on_signal)
            self._add_jobs()
            self.scheduler.start()
            log.info(
                "monitor running: %d sources, alerts to %s",
                len(self.monitor.config.sources),
                ", ".join(self.monitor.notifiers),
            )
            while not self.stopping.wait(1.0):
                pass
            self._shutdown()
            return 0
        finally:
            if server is not None:
                server.stop()
            self.lock.release()

    def _shutdown(self) -> None:
        self.scheduler.pause()
        done = threading.Event()

        def wait_for_jobs() -> None:
            self.scheduler.shutdown(wait=True)
            done.set()

        threading.Thread(target=wait_for_jobs, daemon=True).start()
        if not done.wait(SHUTDOWN_GRACE):
            # Uncommitted work is rolled back by SQLite; items are fetched again next run.
            log.warning("in-flight work abandoned after %.0f s; it will be redone", SHUTDOWN_GRACE)
        log.info("monitor stopped")
