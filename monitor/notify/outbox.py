"""The outbox: durable, ordered, retried delivery of events to every channel.

A row moves pending → sending → sent, or → failed (permanent errors only). A row
is marked `sending` (committed) before the notifier is called and `sent` after,
so a crash in between leaves it in `sending`; `reconcile()` then asks the channel
whether the alert arrived (Slack: by the event id in message metadata) before it
is sent again. A reply waits until its thread's root message exists.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import Config
from ..errors import DeliveryError, PermanentDeliveryError
from ..models import utcnow
from ..store import Store, iso
from . import Alert, Notifier
from .alerts import load_alert

__all__ = ["Delivery", "Outbox", "backoff"]

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=15)
BACKOFF_CAP = timedelta(hours=1)


def backoff(
    attempts: int, retry_after: float | None = None, rng: random.Random | None = None
) -> timedelta:
    """Exponential with jitter, capped; never sooner than the server's Retry-After."""
    rng = rng or random.Random()
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 12))
    delay = delay * rng.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay


@dataclass(frozen=True, slots=True)
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0  # replies whose thread root is not sent yet


class Outbox:
    def __init__(
        self,
        store: Store,
        config: Config,
        notifiers: Mapping[str, Notifier],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.notifiers = dict(notifiers)
        self.clock = clock

    def backlog(self) -> int:
        rows = self.store.query(
            "SELECT count(*) AS n FROM outbox WHERE status IN ('pending', 'sending')"
        )
        return int(rows[0]["n"])

    def reconcile(self) -> int:
        """Settle rows left in `sending` by a crash: sent if the channel has them."""
        settled = 0
        for row in self.store.query("SELECT * FROM outbox WHERE status = 'sending' ORDER BY id"):
            notifier = self.notifiers.get(row["channel"])
            if notifier is None:
                continue
            alert = load_alert(self.store, self.config, row["event_id"])
            thread = self._thread_ref(alert, row["channel"])
            try:
                ref = notifier.find(alert, thread if isinstance(thread, str) else None)
            except DeliveryError as exc:
                log.warning(
                    "could not check %s for event %s after a restart: %s",
                    row["channel"],
                    row["event_id"],
                    exc,
                )
                continue
            with self.store.transaction("reconciling the outbox"):
                if ref:
                    self._mark_sent(row["id"], ref)
                    log.info(
                        "event %s was already delivered to %s before the restart",
                        row["event_id"],
                        row["channel"],
                    )
                else:
                    self.store.execute(
                        "UPDATE outbox SET status = 'pending' WHERE id = ?", [row["id"]]
                    )
            settled += 1
        return settled

    def deliver(self, limit: int = 500) -> Delivery:
        """Send what is due, in event order; return what happened."""
        now = self.clock()
        rows = self.store.query(
            """SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
               ORDER BY event_id, id LIMIT ?""",
            [iso(now), limit],
        )
        sent = retrying = failed = waiting = 0
        for row in rows:
            notifier = self.notifiers.get(row["channel"])
            if notifier is None:
                continue  # a channel that is no longer configured: kept for later
            alert = load_alert(self.store, self.config, row["event_id"])
            thread = self._thread_ref(alert, row["channel"])
            if thread is _WAIT:
                waiting += 1
                continue
            thread_ref = thread if isinstance(thread, str) else None
            with self.store.transaction("marking an alert as sending"):
                self.store.execute(
                    "UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
                    [row["id"]],
                )
            try:
                ref = notifier.send(alert, thread_ref)
            except PermanentDeliveryError as exc:
                failed += 1
                log.error(
                    "alert for event %s to %s failed for good: %s",
                    row["event_id"],
                    row["channel"],
                    exc,
                )
                self._mark(row["id"], "failed", str(exc), now)
                continue
            except DeliveryError as exc:
                retrying += 1
                delay = backoff(row["attempts"] + 1, exc.retry_after)
                log.warning(
                    "alert for event %s to %s: %s; retrying in %.0f s",
                    row["event_id"],
                    row["channel"],
                    exc,
                    delay.total_seconds(),
                )
                self._mark(row["id"], "pending", str(exc), now + delay)
                continue
            except Exception as exc:  # a bug in a notifier must not lose the alert
                retrying += 1
                log.exception(
                    "unexpected error delivering event %s to %s", row["event_id"], row["channel"]
                )
                self._mark(
                    row["id"],
                    "pending",
                    f"{type(exc).__name__}: {exc}",
                    now + backoff(row["attempts"] + 1),
                )
                continue
            with self.store.transaction("marking an alert as sent"):
                self._mark_sent(row["id"], ref)
            sent += 1
        return Delivery(sent, retrying, failed, waiting)

    def _thread_ref(self, alert: Alert, channel: str) -> str | object | None:
        """The root message to reply under; _WAIT if the root is not sent yet."""
        if alert.root_event_id is None:
            return None
        rows = self.store.query(
            "SELECT status, external_ref FROM outbox WHERE event_id = ? AND channel = ?",
            [alert.root_event_id, channel],
        )
        if not rows:
            return None
        status = rows[0]["status"]
        if status == "sent":
            return rows[0]["external_ref"]
        if status == "failed":
            return None  # the claim never arrived: post on its own, quoting the claim
        return _WAIT

    def _mark(self, row_id: int, status: str, error: str, next_at: datetime) -> None:
        with self.store.transaction("recording a delivery attempt"):
            self.store.execute(
                "UPDATE outbox SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                [status, error[:500], iso(next_at), row_id],
            )

    def _mark_sent(self, row_id: int, ref: str) -> None:
        self.store.execute(
            "UPDATE outbox SET status = 'sent', external_ref = ?, sent_at = ?, last_error = NULL "
            "WHERE id = ?",
            [ref, iso(self.clock()), row_id],
        )


_WAIT = object()
