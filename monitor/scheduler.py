"""The daemon: APScheduler jobs, a lock on the database, signals, clean shutdown.

Jobs: one per source, one that delivers the outbox, a daily retention job (and
the weekly digest). Poll state lives in SQLite, not in the scheduler's job
store: each poll job runs when the database says the source is due and is then
moved to the source's next due time, so backoff, adaptive intervals and a
restart all resume from the database.

Signals: SIGTERM and SIGINT stop scheduling, give in-flight work SHUTDOWN_GRACE
seconds, close the database and exit 0. Work still running then is abandoned:
its transaction never committed, so SQLite rolls it back and the next run
fetches those sources again; an alert caught between "sending" and "sent" is
reconciled at the next start. SIGHUP reloads the sources and companies.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from .clock import ClockWatch
from .config import Config, Source, load_config
from .errors import MonitorError, StoreError
from .lock import DatabaseLock, lock_holder
from .logs import Scrubber
from .metrics import Metrics
from .models import PollResult, utcnow
from .web import (
    HealthServer,
    PollTracker,
    check,
    check_database,
    check_recent_poll,
    parse_listen,
)

if TYPE_CHECKING:
    from .app import Monitor
    from .notify.mail import DigestJob

__all__ = ["Daemon", "DatabaseLock", "lock_holder"]  # the lock lives in lock.py

log = logging.getLogger(__name__)

DELIVERY_EVERY = timedelta(seconds=10)
RETENTION_EVERY = timedelta(days=1)
SPIKES_EVERY = timedelta(minutes=5)  # mention volume: a spike is news within minutes
MISFIRE_GRACE = 120  # seconds: a late poll is still worth running
FIRST_POLL_SPREAD = timedelta(seconds=60)
SHUTDOWN_GRACE = 5.0  # seconds for in-flight work: well inside Docker's and podman's 10 s


class _QuietDeliveryOverlap(logging.Filter):
    """A delivery still draining a backlog when the next one is due is expected: the
    next run picks up the rest. APScheduler would warn about it every 10 seconds."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("deliver alerts" in message and "maximum number of running" in message)


logging.getLogger("apscheduler.scheduler").addFilter(_QuietDeliveryOverlap())


class Daemon:
    def __init__(
        self,
        monitor: Monitor,
        listen: str | None = "127.0.0.1:8080",
        metrics: Metrics | None = None,
        *,
        hard_exit: bool = True,
    ) -> None:
        self.monitor = monitor
        self.listen = listen
        self.hard_exit = hard_exit  # os._exit when abandoned work would hold the process
        self.metrics = metrics or Metrics()
        self.polls = PollTracker()
        self.digest_job: DigestJob | None = None
        self.clock_watch = ClockWatch()
        self.metrics.watch(
            monitor.store.path,
            lambda: [s.name for s in self.monitor.config.sources],
            list(monitor.notifiers),
        )
        self.scrub = Scrubber(monitor.env.secrets)
        self.stopping = threading.Event()
        self.scheduler = BackgroundScheduler(
            timezone=monitor.config.monitor.timezone,
            executors={"default": ThreadPoolExecutor(max_workers=8)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE,
            },
        )
        self.lock = DatabaseLock(monitor.store.path)
        self._signals: queue.SimpleQueue[int] = queue.SimpleQueue()  # safe in a handler
        self._busy = threading.Condition()
        self._running: dict[int, str] = {}  # thread id -> what it is doing
        self._poll_now: set[str] = set()  # sources a reload added or changed

    # -- jobs ----------------------------------------------------------------------------

    @contextmanager
    def _job(self, doing: str) -> Iterator[None]:
        """Track in-flight work for shutdown; log a bug once instead of killing the job."""
        with self._busy:
            self._running[threading.get_ident()] = doing
        try:
            yield
        except MonitorError as exc:
            log.error("%s failed: %s", doing, exc)
        except Exception:
            log.exception("%s failed unexpectedly", doing)
        finally:
            with self._busy:
                self._running.pop(threading.get_ident(), None)
                self._busy.notify_all()

    def poll_source(self, name: str) -> None:
        if self.stopping.is_set():
            return
        with self._job(f"poll of {name}"):
            source = self.monitor.enabled_source(name)
            if source is None:
                return  # removed by a reload while this run was queued
            state = self.monitor.store.source_states().get(name)
            due = state.next_poll_at if state else None
            with self._busy:
                forced = name in self._poll_now
                self._poll_now.discard(name)
            if not forced and due is not None and due > utcnow() + timedelta(seconds=1):
                self._reschedule(f"poll:{name}", due)
                return
            started = time.monotonic()
            try:
                results = self.monitor.pipeline.poll([source])
            except MonitorError as exc:
                self.metrics.polls.labels(name, "error").inc()
                if isinstance(exc, StoreError):
                    self.polls.store_failed(str(exc))
                raise
            self.polls.polled(results)
            self._observe(results, time.monotonic() - started)
            if any(r.events for r in results):
                self._reschedule("deliver", utcnow())  # alert now, not at the next tick
            state = self.monitor.store.source_states().get(name)
            if state is not None and state.next_poll_at is not None:
                self._reschedule(f"poll:{name}", state.next_poll_at)

    def _reschedule(self, job_id: str, when: datetime) -> None:
        if self.stopping.is_set():
            return
        try:
            self.scheduler.modify_job(job_id, next_run_time=max(when, utcnow()))
        except Exception as exc:  # the job was removed by a reload meanwhile
            log.debug("cannot move job %s: %s", job_id, exc)

    def _observe(self, results: list[PollResult], elapsed: float) -> None:
        for result in results:
            outcome = _outcome(result)
            self.metrics.polls.labels(result.source, outcome).inc()
            if result.skipped:
                continue
            self.metrics.poll_duration.labels(result.source).observe(elapsed)
            if result.new_items:
                self.metrics.new_items.labels(result.source).inc(result.new_items)
            level = logging.INFO if result.new_items or result.events else logging.DEBUG
            log.log(
                level,
                "polled %s: %d new items, %d new stories, %d events in %.2f s",
                result.source,
                result.new_items,
                result.new_stories,
                result.events,
                elapsed,
                extra={"source": result.source, "result": outcome},
            )

    def deliver(self) -> None:
        if self.stopping.is_set():
            return
        with self._job("delivery"):
            delivery = self.monitor.deliver()
            if delivery.sent or delivery.failed:
                log.info(
                    "delivered %d alerts (%d to retry, %d failed)",
                    delivery.sent,
                    delivery.retrying,
                    delivery.failed,
                )

    def prune(self) -> int:
        """Remove items older than the retention period; return how many."""
        if self.stopping.is_set():
            return 0
        with self._job("retention"):
            pruned = self.monitor.prune()
            self.metrics.pruned_items.inc(pruned)
            return pruned
        return 0

    def check_spikes(self) -> None:
        if self.stopping.is_set():
            return
        with self._job("spike check"):
            self.monitor.check_spikes()

    # -- readiness -----------------------------------------------------------------------

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        stopping = self.stopping.is_set()
        checks = {
            "database": check_database(self.monitor.store.path, self.polls.store_error),
            "scheduler": check(
                self.scheduler.running and not stopping, "stopping" if stopping else "running"
            ),
            "recent_poll": check_recent_poll(self.monitor.config, self.monitor.context, self.polls),
        }
        return all(c["ok"] for c in checks.values()), checks

    # -- lifecycle -----------------------------------------------------------------------

    def _add_jobs(self) -> None:
        now = datetime.now(self.scheduler.timezone)
        states = self.monitor.store.source_states()
        self.polls.seed(states)
        sources = self.monitor.config.sources
        # Resume where the last run stopped; spread the first polls a little, and over
        # FIRST_POLL_SPREAD at most, however many sources there are (2,000 sources a
        # quarter-second apart would leave the last unpolled for eight minutes).
        gap = min(0.25, FIRST_POLL_SPREAD.total_seconds() / max(1, len(sources)))
        for index, source in enumerate(sources):
            if source.enabled:
                due = states[source.name].next_poll_at if source.name in states else None
                start = now + timedelta(seconds=index * gap)
                self._add_poll_job(source, max(start, due) if due else start)
        # The periodic work besides polls: (job, id, name, every, first run, jitter).
        periodic = (
            (self.deliver, "deliver", "deliver alerts", DELIVERY_EVERY, timedelta(seconds=1), 0),
            (
                self.prune,
                "retention",
                "prune old items",
                RETENTION_EVERY,
                timedelta(minutes=10),
                600,
            ),
            (
                self.check_spikes,
                "spikes",
                "check mention volume",
                SPIKES_EVERY,
                timedelta(minutes=1),
                0,
            ),
        )
        for job, job_id, name, every, first, jitter in periodic:
            self.scheduler.add_job(
                job,
                "interval",
                id=job_id,
                name=name,
                seconds=every.total_seconds(),
                jitter=jitter or None,
                next_run_time=now + first,
                replace_existing=True,
            )
        from .notify.mail import add_digest_jobs

        # Weekly cron + retry after an outage; a send in flight is work a stop waits for.
        self.digest_job = add_digest_jobs(self.scheduler, self.monitor, self._job)

    def _add_poll_job(self, source: Source, first_run: datetime) -> None:
        config = self.monitor.config
        every = source.interval or config.monitor.min_interval
        self.scheduler.add_job(
            self.poll_source,
            "interval",
            args=[source.name],
            id=f"poll:{source.name}",
            name=f"poll {source.name}",
            seconds=every.total_seconds(),
            jitter=max(1, int(every.total_seconds() * 0.1)),
            next_run_time=first_run,
            replace_existing=True,
        )

    def reload(self) -> None:
        """Apply the configuration file again (SIGHUP): sources and companies."""
        from .app import official_accounts
        from .pipeline import Pipeline
        from .routing import Router
        from .sources import SourceContext

        old, monitor = self.monitor.config, self.monitor
        try:
            new = load_config(old.path)
            context = SourceContext(env=monitor.env, official_accounts=official_accounts(new))
            router = Router(new.routes, monitor.default_channels)
            pipeline = Pipeline(new, monitor.store, monitor.fetcher, context, router, monitor.clock)
        except MonitorError as exc:
            log.error("reload: kept the running configuration: %s", exc)
            return
        monitor.config, monitor.context, monitor.pipeline = new, context, pipeline
        monitor.outbox.config = new
        unbuilt = [d for d in router.all_destinations() if d not in monitor.notifiers]
        if unbuilt:
            log.warning(
                "reload: new destinations %s take effect at the next start; their alerts "
                "wait in the outbox until then",
                ", ".join(unbuilt),
            )
        before = {s.name: s for s in old.sources if s.enabled}
        after = {s.name: s for s in new.sources if s.enabled}
        for name in before.keys() - after.keys():
            with contextlib.suppress(JobLookupError):
                self.scheduler.remove_job(f"poll:{name}")
        now = datetime.now(self.scheduler.timezone)
        changed = [n for n in after if n not in before or before[n] != after[n]]
        with self._busy:
            self._poll_now.update(changed)
        for name in changed:
            self._add_poll_job(after[name], now)  # poll now; then the database's schedule
        log.info(
            "reloaded %s: %d sources (%d added, %d removed, %d changed)",
            old.path,
            len(after),
            len(after.keys() - before.keys()),
            len(before.keys() - after.keys()),
            len([n for n in changed if n in before]),
        )
        if old.slack != new.slack or _fetch_settings(old) != _fetch_settings(new):
            log.warning("reload: [slack], time zone and request limits apply after a restart")

    def _on_signal(self, signum: int, frame: Any) -> None:
        self._signals.put(signum)

    def run(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit code."""
        if self.listen:
            parse_listen(self.listen)  # bad usage: before the lock and the reconciliation
        self.lock.acquire()
        handlers = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
        }
        server = None
        feedback = self.monitor.feedback_listener()
        finished = True
        try:
            if self.listen:
                server = HealthServer(self.listen, self.metrics, self.readiness, self.scrub)
                server.start()
            if feedback is not None:
                feedback.start()
            if not self._reconcile():
                self._add_jobs()
                self.scheduler.start()
                log.info(
                    "monitor running: %d sources, alerts to %s, database %s",
                    len(self.monitor.config.sources),
                    ", ".join(self.monitor.notifiers),
                    self.monitor.store.display,
                )
                self._wait_for_stop()
            finished = self._shutdown()
            return 0
        finally:
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            if server is not None:
                server.stop()
            if feedback is not None:
                feedback.close()
            if not finished:
                self._abandon()
            self.lock.release()

    def _reconcile(self) -> bool:
        """Settle the alerts the last run left in flight, in a worker thread: each may wait
        for a slow channel, and a signal must still be answered. True if one stopped us;
        an unfinished check is then abandoned with the rest of the work in flight."""
        started = threading.Event()

        def work() -> None:
            with self._job("reconciling alerts left in flight"):
                started.set()
                settled = self.monitor.outbox.reconcile(should_stop=self.stopping.is_set)
                if settled:
                    log.info("reconciled %d alerts left in flight by the last run", settled)

        worker = threading.Thread(target=work, name="reconcile", daemon=True)
        worker.start()
        started.wait()
        self._wait_for_stop(until=lambda: not worker.is_alive())
        return self.stopping.is_set()

    def _wait_for_stop(self, until: Callable[[], bool] | None = None) -> None:
        """Handle signals until SIGTERM or SIGINT (or until `until()` is true), and watch
        the wall clock for steps once a second."""
        while until is None or not until():
            try:
                signum = self._signals.get(timeout=1.0 if until is None else 0.1)
            except queue.Empty:
                if until is None:
                    self._follow_clock_steps()
                continue
            if signum == signal.SIGHUP:
                log.info("received SIGHUP: reloading the configuration")
                try:
                    self.reload()
                except Exception:  # a bug must not take the daemon down with it
                    log.exception("reload failed; the running configuration is kept")
                continue
            log.info("received %s: stopping", signal.Signals(signum).name)
            self.stopping.set()
            return

    def _follow_clock_steps(self) -> None:
        """APScheduler and the database keep their times on the wall clock: stepped back
        ten minutes, every wait would grow by ten minutes, and polling and delivery fall
        silent. A step back moves every wait (jobs, sources' next polls, alerts' retries)
        by the same amount, so each keeps its length. A step forward needs nothing: what
        became due runs at once, once."""
        step = self.clock_watch.step()
        if step is None:
            return
        if step > 0:
            log.warning("the system clock jumped forward %.0f s", step)
            return
        delta = timedelta(seconds=step)
        log.warning(
            "the system clock stepped back %.0f s: every poll and retry keeps its wait", -step
        )
        for job in self.scheduler.get_jobs():
            if job.next_run_time is not None:
                self._reschedule(job.id, job.next_run_time + delta)
        try:
            self.monitor.store.shift_poll_times(delta)
            self.monitor.store.shift_outbox_times(delta)
        except MonitorError as exc:
            log.error("could not move poll and retry times after the clock step: %s", exc)

    def _shutdown(self) -> bool:
        """Stop scheduling and wait for work in flight; True if it all finished."""
        if self.scheduler.running:  # not yet, when a signal came during the reconciliation
            self.scheduler.shutdown(wait=False)  # queued runs see `stopping` and return at once
        if self.digest_job is not None:
            self.digest_job.cancel()  # an SMTP server may take 30 s: cut the send short
        deadline = time.monotonic() + SHUTDOWN_GRACE
        with self._busy:
            while self._running and time.monotonic() < deadline:
                if not self._signals.empty():  # a second Ctrl-C: don't wait
                    break
                self._busy.wait(timeout=min(0.2, max(0.0, deadline - time.monotonic())))
            running = sorted(self._running.values())
        if running:
            log.warning(
                "abandoned after %.0f s: %s; it is rolled back and redone at the next start",
                SHUTDOWN_GRACE,
                ", ".join(running),
            )
            return False
        log.info("monitor stopped")
        return True

    def _abandon(self) -> None:
        """Exit now, although threads are busy: their transactions never commit."""
        if not self.hard_exit:
            return
        self.monitor.store.abandon()
        log.info("monitor stopped")
        for handler in logging.getLogger().handlers:
            handler.flush()
        self.lock.release()
        os._exit(0)


def _outcome(result: PollResult) -> str:
    if result.skipped:
        return "skipped"
    if result.error:
        return "error"
    return "not_modified" if result.not_modified else "ok"


def _fetch_settings(config: Config) -> tuple[Any, ...]:
    m = config.monitor
    return (m.timezone, m.max_body, m.request_timeout, m.concurrency, m.per_host_concurrency)
