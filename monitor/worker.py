"""`monitor worker`: the daemon's work as Procrastinate jobs, shared by any number of
processes on any number of machines, on Postgres.

The single daemon (scheduler.py, APScheduler) keeps running SQLite installations. On
Postgres, the same work becomes jobs in Procrastinate's queue:
- `tick`, every 10 s (deferred once per tick whatever the number of workers): a
  `poll_source` job for each source that is due, with a queueing lock and a lock named
  after the source, so a source is never queued twice nor polled twice at once; and a
  `deliver` job per channel, with a lock per channel, which keeps Slack threads in order;
- `poll_source(name)`: fetching and parsing run beside other workers' polls; recording
  takes the store's recording lock, so story placement sees the stories another worker
  created a moment ago;
- `digest` (every 5 minutes: the week is sent when due, claimed atomically) and
  `retention` (daily);
- `retry_stalled`, every 5 s: the jobs of a worker that died (no heartbeat for
  `worker_stalled_after`, 30 s by default) run again. What it had committed stays
  committed; a poll is idempotent, and each delivery job first checks the channel for
  the alerts a dead worker left "sending", before it sends anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, MonitorError
from .models import utcnow
from .notify.outbox import Outbox
from .sources import skip_reason

if TYPE_CHECKING:
    import procrastinate

    from .app import Monitor

__all__ = ["build_app", "run_worker"]

log = logging.getLogger(__name__)

TICK = "* * * * * */10"  # croniter's sixth field: seconds


@dataclass
class _Context:
    """What the jobs of this worker process share: one monitor on the database."""

    monitor: Monitor | None = None
    outboxes: dict[str, Outbox] = field(default_factory=dict)

    def get(self) -> Monitor:
        if self.monitor is None:
            raise MonitorError("the worker's monitor is not open")
        return self.monitor


_context = _Context()


def build_app(url: str) -> procrastinate.App:
    """The Procrastinate app on this database, with monitor's tasks."""
    try:
        import procrastinate
    except ImportError:
        raise ConfigError(
            "monitor worker needs Procrastinate: pip install 'monitor[postgres]'"
        ) from None
    from procrastinate import exceptions

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))

    @app.task(name="monitor.poll_source", pass_context=False)
    def poll_source(name: str) -> None:
        monitor = _context.get()
        source = monitor.enabled_source(name)
        if source is None:
            return  # removed from the configuration since it was queued
        # The per-host limit holds across workers: each takes its share of it.
        stalled_after = monitor.config.monitor.worker_stalled_after.total_seconds()
        monitor.fetcher.share_hosts(monitor.store.queue_workers(stalled_after))
        for result in monitor.pipeline.poll([source]):
            if result.error:
                log.warning("source %s: %s", name, result.error)
            elif result.new_items:
                log.info(
                    "polled %s: %d new items, %d events", name, result.new_items, result.events
                )

    @app.task(name="monitor.deliver", pass_context=False)
    def deliver(channel: str) -> None:
        outbox = _context.outboxes.get(channel)
        if outbox is not None:
            # This job holds the channel's lock: no live worker is sending to it, so an
            # alert left "sending" is a dead worker's, and is checked against the
            # channel now rather than when its lease runs out.
            outbox.reconcile()
            delivery = outbox.deliver()
            if delivery.sent or delivery.failed:
                log.info(
                    "delivered %d alerts to %s (%d to retry, %d failed)",
                    delivery.sent,
                    channel,
                    delivery.retrying,
                    delivery.failed,
                )

    async def _defer(task: Any, lock: str, **kwargs: Any) -> None:
        with contextlib.suppress(exceptions.AlreadyEnqueued):  # one waits already: it will do
            await task.configure(lock=lock, queueing_lock=lock).defer_async(**kwargs)

    @app.periodic(cron=TICK, periodic_id="tick")
    @app.task(name="monitor.tick", queueing_lock="tick", pass_context=False)
    async def tick(timestamp: int) -> None:
        monitor = _context.get()
        due = await asyncio.to_thread(_due_sources, monitor)
        for name in due:
            await _defer(poll_source, f"poll:{name}", name=name)
        for channel in monitor.notifiers:
            await _defer(deliver, f"deliver:{channel}", channel=channel)

    @app.periodic(cron="*/5 * * * *", periodic_id="digest")
    @app.task(name="monitor.digest", queueing_lock="digest", pass_context=False)
    def digest(timestamp: int) -> None:
        from .notify.mail import DigestJob

        DigestJob(_context.get())()

    @app.periodic(cron="*/5 * * * *", periodic_id="spikes")
    @app.task(name="monitor.spikes", queueing_lock="spikes", pass_context=False)
    def spikes(timestamp: int) -> None:
        _context.get().check_spikes()

    @app.periodic(cron="17 3 * * *", periodic_id="retention")
    @app.task(name="monitor.retention", queueing_lock="retention", pass_context=False)
    def retention(timestamp: int) -> None:
        _context.get().prune()

    @app.periodic(cron="* * * * * */5", periodic_id="retry_stalled")
    @app.task(name="monitor.retry_stalled", queueing_lock="retry_stalled", pass_context=False)
    async def retry_stalled(timestamp: int) -> None:
        after = _context.get().config.monitor.worker_stalled_after.total_seconds()
        stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=after)
        for job in stalled:
            if job.id is None:
                continue
            try:
                await app.job_manager.retry_job(job)
                log.warning(
                    "job %s (%s) of a worker that stopped answering runs again",
                    job.id,
                    job.task_name,
                )
            except exceptions.ConnectorException:
                # Another job with its queueing lock waits already: that one will do.
                await app.job_manager.finish_job_by_id_async(
                    job.id, status=procrastinate.jobs.Status.FAILED, delete_job=False
                )

    return app


def _due_sources(monitor: Monitor) -> list[str]:
    """The enabled sources whose next poll has come (or never had one), not skipped."""
    monitor.pipeline.register_sources()
    states = monitor.store.source_states()
    now = utcnow()
    due = []
    for source in monitor.config.sources:
        if not source.enabled:
            continue
        state = states.get(source.name)
        if skip_reason(source, monitor.context, state, now):
            continue
        if state is None or state.next_poll_at is None or state.next_poll_at <= now:
            due.append(source.name)
    return due


def run_worker(monitor: Monitor, concurrency: int = 4) -> None:
    """Take jobs until SIGTERM or SIGINT (Procrastinate stops after the jobs in flight)."""
    from .storage import is_postgres
    from .storage.postgres import ensure_queue_schema

    if not is_postgres(monitor.store.path):
        raise ConfigError(
            "monitor worker runs on Postgres: set MONITOR_DATABASE_URL (on SQLite, "
            "`monitor run` is the one daemon)"
        )
    from .lock import lock_holder

    holder = lock_holder(monitor.store.path)
    if holder is not None:
        raise MonitorError(
            f"a `monitor run` daemon works on this database ({holder}): stop it first; "
            "workers take its place"
        )
    app = build_app(monitor.store.path)
    _context.monitor = monitor
    _context.outboxes = {
        channel: Outbox(monitor.store, monitor.config, {channel: notifier}, monitor.clock)
        for channel, notifier in monitor.notifiers.items()
    }
    with app.open():  # the synchronous connection, for the queue's tables
        if ensure_queue_schema(monitor.store.path, app.schema_manager.apply_schema):
            log.info("created the job queue's tables")
    monitor.pipeline.register_sources()
    log.info(
        "monitor worker running: %d sources, alerts to %s, database %s, %d jobs at once",
        len(monitor.config.sources),
        ", ".join(monitor.notifiers),
        monitor.store.display,
        concurrency,
    )
    stalled_after = monitor.config.monitor.worker_stalled_after.total_seconds()
    # Each worker listens for the feedback buttons: Slack hands each press to one of an
    # app's Socket Mode connections (up to 10), and the database records it once.
    feedback = monitor.feedback_listener()
    if feedback is not None:
        feedback.start()
    try:
        app.run_worker(
            concurrency=concurrency,
            wait=True,
            install_signal_handlers=True,
            shutdown_graceful_timeout=5.0,
            update_heartbeat_interval=max(0.5, stalled_after / 3),
            stalled_worker_timeout=stalled_after,
        )
    finally:
        if feedback is not None:
            feedback.close()
    log.info("monitor worker stopped")
