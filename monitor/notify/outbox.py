"""The outbox: durable, ordered, retried delivery of events to every channel.

A row moves pending → sending → sent, or → failed (permanent errors only). A row
is marked `sending` (committed) before the notifier is called and `sent` after,
so a crash in between leaves it in `sending`. `sending` means "may have reached
the channel": before such a row is sent again, the channel is asked whether the
alert arrived (Slack: by the event id in message metadata). `reconcile()` does
that at start-up for every row a crash left in flight; an answer lost on the
wire (timeout, dropped connection) leaves the row in `sending` too.

Order: rows of one channel go out in event order. A transient failure stops the
channel for this pass, so nothing overtakes the alert that is waiting for its
retry; a reply whose thread root is not sent yet is skipped, not blocking.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..config import Config
from ..errors import DeliveryError, PermanentDeliveryError, UncertainDeliveryError
from ..models import EventKind, utcnow
from ..storage import Store, iso, parse_iso
from . import Alert, Notifier
from .alerts import load_alert

__all__ = ["Delivery", "Outbox", "backoff"]

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=15)
BACKOFF_CAP = timedelta(hours=1)
# While a row is in flight, other processes leave it alone for this long.
IN_FLIGHT_LEASE = timedelta(minutes=5)
# An error no rule foresaw (a bug, a malformed setting) is retried this many times, then
# the alert fails for good with its reason: it is not the kind of error that heals.
UNEXPECTED_ATTEMPTS = 3


def backoff(
    attempts: int, retry_after: float | None = None, rng: random.Random | None = None
) -> timedelta:
    """Exponential with jitter, capped; never sooner than the server's Retry-After."""
    rng = rng or random.Random()
    delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 12))
    delay = min(BACKOFF_CAP, delay * rng.uniform(0.8, 1.2))
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
        self._reported: set[str] = set()  # permanent errors already logged

    def _channels(self) -> list[str]:
        """The configured channels: rows of a channel no longer configured are kept, but
        neither selected nor counted."""
        return list(self.notifiers)

    def backlog(self) -> int:
        return self.store.outbox_backlog(self._channels())

    def reconcile(self, should_stop: Callable[[], bool] = lambda: False) -> int:
        """At start-up: settle every row a crash left in `sending`, at once (no lease).

        Found in the channel: sent. Not found: pending, sent again by the next pass.
        The channel unreachable: left in `sending` and due now, so `deliver()` checks
        again before it sends. Only the process holding the database lock may call this.
        `should_stop` is asked between rows (a shutdown): the rows not reached stay in
        `sending`, which is safe, since they are checked before any resend.
        """
        settled = 0
        now = self.clock()
        self._teach_channel_ids()
        rows = self.store.outbox_in_flight(self._channels())
        for done, row in enumerate(rows):
            if should_stop():
                log.info("stopped reconciling: %d alerts are checked later", len(rows) - done)
                break
            alert = load_alert(self.store, self.config, row["event_id"])
            thread = self._thread_ref(alert, row["channel"])
            try:
                ref = self._find(row, alert, thread if isinstance(thread, str) else None)
            except DeliveryError as exc:
                log.warning(
                    "could not check %s for event %s after a restart: %s; checking again later",
                    row["channel"],
                    row["event_id"],
                    exc,
                )
                self._set(row["id"], "sending", str(exc), now)
                continue
            if ref:
                self._mark_sent(row["id"], ref)
                log.info(
                    "event %s was already delivered to %s before the restart",
                    row["event_id"],
                    row["channel"],
                )
            else:
                self._set(row["id"], "pending", row["last_error"] or "", now)
            settled += 1
        return settled

    def deliver(self, limit: int = 500) -> Delivery:
        """Send what is due, in event order per channel; return what happened."""
        now = self.clock()
        rows = self.store.outbox_waiting(self._channels(), limit)
        summary = self._summarise_bursts(rows, now)
        blocked = set(summary.blocked)
        sent, retrying, failed, waiting = summary.sent, summary.retrying, summary.failed, 0
        for row in rows:
            channel = row["channel"]
            notifier = self.notifiers.get(channel)
            if notifier is None or channel in blocked or row["id"] in summary.taken:
                continue  # removed since the query, stopped for this pass, or summarised
            if row["next_attempt_at"] > iso(now):
                blocked.add(channel)  # an earlier alert waits for its retry: keep the order
                continue
            alert = load_alert(self.store, self.config, row["event_id"])
            thread = self._thread_ref(alert, channel)
            if thread is _WAIT:
                waiting += 1
                continue
            thread_ref = thread if isinstance(thread, str) else None
            outcome = self._attempt(row, alert, notifier, thread_ref)
            if outcome == "sent":
                sent += 1
            elif outcome == "failed":
                failed += 1
            elif outcome in ("retrying", "error"):
                retrying += 1
                if outcome == "retrying":
                    blocked.add(channel)
        return Delivery(sent, retrying, failed, waiting)

    def _summarise_bursts(self, rows: list[dict[str, Any]], now: datetime) -> _Summary:
        """More claims waiting for a channel than `[slack] summarize_after`: they go as
        one message (a line each), so that a first start on many sources or a news storm
        does not leave the channel an hour behind at one message a second. Each claim's
        row is marked sent with the summary's ref, so its replies thread under it."""
        result = _Summary()
        limit = self.config.slack.summarize_after
        by_channel: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_channel.setdefault(row["channel"], []).append(row)
        for channel, waiting in by_channel.items():
            summarise = getattr(self.notifiers.get(channel), "send_summary", None)
            if not limit or summarise is None or len(waiting) <= limit:
                continue
            if any(r["status"] != "pending" or r["next_attempt_at"] > iso(now) for r in waiting):
                continue  # a retry or an uncertain alert first: the order holds
            claims = []
            for row in waiting:
                alert = load_alert(self.store, self.config, row["event_id"])
                if alert.kind is EventKind.NEW_CLAIM:
                    claims.append((row, alert))
            if len(claims) <= limit:
                continue
            for start in range(0, len(claims), SUMMARY_MAX):
                burst = claims[start : start + SUMMARY_MAX]
                if not self._send_summary(channel, summarise, burst, now, result):
                    break
        return result

    def _send_summary(
        self,
        channel: str,
        summarise: Callable[[list[Alert]], str],
        claims: list[tuple[dict[str, Any], Alert]],
        now: datetime,
        result: _Summary,
    ) -> bool:
        taken = [(row, alert) for row, alert in claims if self._claim(row, now)]
        result.taken.update(row["id"] for row, _ in taken)
        if not taken:
            return True
        try:
            ref = summarise([alert for _, alert in taken])
        except PermanentDeliveryError as exc:
            log.error("summary of %d claims to %s failed for good: %s", len(taken), channel, exc)
            for row, _ in taken:
                self._set(row["id"], "failed", str(exc), now)
            result.failed += len(taken)
            return False
        except DeliveryError as exc:
            # Each row is then checked (if uncertain) and sent on its own, in order.
            status = "sending" if isinstance(exc, UncertainDeliveryError) else "pending"
            delay = backoff(1, exc.retry_after)
            log.warning(
                "summary to %s: %s; retrying in %.0f s", channel, exc, delay.total_seconds()
            )
            for row, _ in taken:
                self._set(row["id"], status, str(exc), now + delay)
            result.retrying += len(taken)
            result.blocked.add(channel)
            return False
        for row, _ in taken:
            self._mark_sent(row["id"], ref)
        result.sent += len(taken)
        log.info("%d claims sent to %s as one summary message", len(taken), channel)
        return True

    def _attempt(
        self, row: dict[str, Any], alert: Alert, notifier: Notifier, thread_ref: str | None
    ) -> str:
        """One attempt: 'sent', 'failed', 'retrying' (the channel is down), 'error' (a bug
        in the notifier: retried, but it does not hold up the channel) or 'skipped'."""
        now = self.clock()
        if not self._claim(row, now):
            return "skipped"  # another process took it
        what = f"alert for event {row['event_id']} to {row['channel']}"
        try:
            ref = None
            if row["status"] == "sending":  # an earlier attempt may have arrived
                ref = self._find(row, alert, thread_ref, sending_anyway=True)
            if ref:
                log.info("%s had already arrived; not sending it again", what)
            else:
                ref = notifier.send(alert, thread_ref)
        except PermanentDeliveryError as exc:
            # One clear line per cause, not one per alert: a bad token fails them all.
            if str(exc) not in self._reported:
                self._reported.add(str(exc))
                log.error("%s failed for good: %s; see `monitor status`", what, exc)
            else:
                log.debug("%s failed for good: %s", what, exc)
            self._set(row["id"], "failed", str(exc), now)
            return "failed"
        except DeliveryError as exc:
            delay = backoff(row["attempts"] + 1, exc.retry_after)
            # Still unsure whether an earlier attempt arrived: keep checking first.
            uncertain = isinstance(exc, UncertainDeliveryError) or row["status"] == "sending"
            status = "sending" if uncertain else "pending"
            log.warning("%s: %s; retrying in %.0f s", what, exc, delay.total_seconds())
            self._set(row["id"], status, str(exc), now + delay)
            return "retrying"
        except Exception as exc:  # a bug in a notifier must not lose the alert
            reason = f"unexpected {type(exc).__name__}: {exc}"
            final = row["attempts"] + 1 >= UNEXPECTED_ATTEMPTS  # not transient: it won't heal
            line = f"{what}: {reason}; " + ("failed for good" if final else "retrying")
            key = f"{reason}|{final}"  # one line per cause, as for permanent errors
            log.log(logging.ERROR if key not in self._reported else logging.DEBUG, line)
            self._reported.add(key)
            log.debug("while delivering event %s to %s", *row_ids(row), exc_info=True)
            if final:
                self._set(row["id"], "failed", reason, now)
                return "failed"
            self._set(row["id"], "sending", reason, now + backoff(row["attempts"] + 1))
            return "error"
        self._mark_sent(row["id"], ref)
        return "sent"

    def _teach_channel_ids(self) -> None:
        """Hand each notifier the channel ID its last sent alert carries, so that reading
        the channel back after a restart needs no name look-up."""
        for channel, notifier in self.notifiers.items():
            learn = getattr(notifier, "learn_channel", None)
            if learn is None:
                continue
            ref = self.store.last_sent_ref(channel)
            if ref is not None:
                learn(ref)

    def _find(
        self,
        row: dict[str, Any],
        alert: Alert,
        thread_ref: str | None,
        sending_anyway: bool = False,
    ) -> str | None:
        """Ask the channel whether this alert already arrived."""
        notifier = self.notifiers[row["channel"]]
        try:
            return notifier.find(alert, thread_ref, since=parse_iso(row.get("first_sending_at")))
        except PermanentDeliveryError as exc:
            if not sending_anyway:
                raise
            # Cannot look (e.g. a missing history scope): a possible repeat beats a loss.
            log.warning("cannot check %s for event %s (%s); sending it again", *row_ids(row), exc)
            return None

    def _claim(self, row: dict[str, Any], now: datetime) -> bool:
        """Mark the row in flight, only if no other process changed it since we read it."""
        return self.store.take_outbox_row(row, iso(now) or "", iso(now + IN_FLIGHT_LEASE) or "")

    def _thread_ref(self, alert: Alert, channel: str) -> str | object | None:
        """The root message to reply under; _WAIT if the root is not sent yet."""
        if alert.root_event_id is None:
            return None
        root = self.store.outbox_row(alert.root_event_id, channel)
        if root is None:
            return None
        status = root["status"]
        if status == "sent":
            return root["external_ref"]
        if status == "failed":
            return None  # the claim never arrived: post on its own, quoting the claim
        return _WAIT

    def _set(self, row_id: int, status: str, error: str, next_at: datetime) -> None:
        self.store.set_outbox_row(row_id, status, error[:500] or None, iso(next_at) or "")

    def _mark_sent(self, row_id: int, ref: str) -> None:
        self.store.mark_outbox_sent(row_id, ref, iso(self.clock()) or "")


def row_ids(row: dict[str, Any]) -> tuple[object, object]:
    return row["event_id"], row["channel"]


_WAIT = object()
SUMMARY_MAX = 40  # claims in one summary message: well inside Slack's 50 blocks


@dataclass
class _Summary:
    """What summarising did in one delivery pass."""

    taken: set[int] = field(default_factory=set)  # outbox row ids handled here
    blocked: set[str] = field(default_factory=set)
    sent: int = 0
    retrying: int = 0
    failed: int = 0
