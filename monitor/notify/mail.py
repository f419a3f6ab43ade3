"""Sending the weekly digest by SMTP, once per week, retried after an outage.

The `digests` table records each period (ISO week): a row is written before the
first attempt and marked `sent` after, so a restart never sends the same week
twice, and a week whose sending failed is tried again (every RETRY_EVERY) until
the mail server takes it. A crash between the server's acceptance and the commit
could repeat one email; SMTP has no way to ask the server what it already has.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..config import Config, Environment
from ..errors import ConfigError, PermanentDeliveryError, TransientDeliveryError
from ..models import utcnow
from ..storage import Store, iso
from .digest import Digest, build_digest, period_of, render_html, render_text

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from ..app import Monitor

__all__ = ["DigestJob", "DigestMailer", "add_digest_jobs", "compose", "send_mail"]

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30
RETRY_EVERY = timedelta(minutes=5)
# A daemon that was down at the scheduled time still sends within this grace.
CATCH_UP = timedelta(hours=1)
# A claimed digest not settled within this time was left by a crash: take it over.
CLAIM_LEASE = timedelta(minutes=10)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def compose(digest: Digest, config: Config, now: datetime) -> EmailMessage:
    """multipart/alternative: the text part first, the HTML part preferred."""
    message = EmailMessage()
    message["Subject"] = f"{config.digest.subject} {digest.period}: {digest.summary}"
    message["From"] = config.digest.from_
    message["To"] = ", ".join(config.digest.to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=config.digest.from_.rpartition("@")[2] or None)
    message.set_content(render_text(digest))
    message.add_alternative(render_html(digest), subtype="html")
    return message


def send_mail(
    message: EmailMessage,
    env: Environment,
    connected: Callable[[smtplib.SMTP], None] = lambda client: None,
) -> dict[str, str]:
    """SMTP with implicit TLS (SMTP_SSL) or STARTTLS (default when a password is set),
    certificates checked. Returns the recipients the server refused (empty when it took
    them all); raises Transient- or PermanentDeliveryError. A password never goes over a
    connection without TLS; a server without STARTTLS, or a certificate that does not
    verify, is a setting to change, not an outage to wait out. `connected` is handed the
    connection as soon as it is open (a shutdown may cut it short)."""
    if not env.smtp_host:
        raise ConfigError("SMTP_HOST is not set: the digest cannot be sent")
    password = env.smtp_password.get_secret_value() if env.smtp_password else None
    starttls = env.smtp_starttls if env.smtp_starttls is not None else bool(password)
    context = ssl.create_default_context()
    port = env.smtp_port or (465 if env.smtp_ssl else 587 if starttls else 25)
    if password and not (starttls or env.smtp_ssl):
        raise PermanentDeliveryError(
            f"SMTP {env.smtp_host}:{port}: refusing to send SMTP_PASSWORD over a connection "
            "without TLS (set SMTP_STARTTLS=true, or SMTP_SSL=true for port 465)"
        )
    try:
        client: smtplib.SMTP
        if env.smtp_ssl:
            client = smtplib.SMTP_SSL(env.smtp_host, port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(env.smtp_host, port, timeout=SMTP_TIMEOUT)
        connected(client)
        with client:
            if starttls and not env.smtp_ssl:
                client.starttls(context=context)
            if env.smtp_user and password:
                client.login(env.smtp_user, password)
            refused = client.send_message(message)
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentDeliveryError(
            f"SMTP {env.smtp_host}:{port} does not offer STARTTLS ({_reason(exc)}): use "
            "SMTP_SSL=true for a server with implicit TLS (port 465), or SMTP_STARTTLS=false "
            "for one without TLS (and no password)"
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        raise PermanentDeliveryError(
            f"SMTP {env.smtp_host}:{port}: the server's certificate does not verify "
            f"({exc.verify_message or exc}): check SMTP_HOST is the name on the certificate"
        ) from exc
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPRecipientsRefused) as exc:
        raise PermanentDeliveryError(
            f"SMTP {env.smtp_host}:{port} refused the digest: {_reason(exc)} "
            "(check SMTP_USER, SMTP_PASSWORD and [digest] to)"
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientDeliveryError(
            f"SMTP {env.smtp_host}:{port}: {type(exc).__name__}: {_reason(exc)}"
        ) from exc
    return {
        address: f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
        for address, (code, text) in refused.items()
    }


def _reason(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__


class DigestMailer:
    """Builds and sends the digest for a period, recording it in `digests`."""

    def __init__(
        self,
        store: Store,
        config: Config,
        env: Environment,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.config = config
        self.env = env
        self.clock = clock
        self._lock = threading.Lock()
        self._client: smtplib.SMTP | None = None
        self._cancelled = False

    def cancel(self) -> None:
        """Cut a send in progress short (the daemon is stopping): its connection is shut,
        the send fails at once, and the week stays pending, to be sent at the next start."""
        with self._lock:
            self._cancelled = True
            client = self._client
        if client is not None and client.sock is not None:
            with contextlib.suppress(OSError):
                client.sock.shutdown(socket.SHUT_RDWR)

    def _connected(self, client: smtplib.SMTP) -> None:
        with self._lock:
            self._client = client
            cancelled = self._cancelled
        if cancelled:
            self.cancel()

    def scheduled_time(self, now: datetime) -> datetime:
        """This week's scheduled moment ('mon 08:00' in the configured time zone)."""
        day, _, hhmm = self.config.digest.schedule.partition(" ")
        hour, minute = (int(x) for x in hhmm.strip().split(":"))
        local = now.astimezone(ZoneInfo(self.config.monitor.timezone))
        monday = local - timedelta(days=local.weekday())
        target = monday + timedelta(days=_DAYS.index(day))
        return target.replace(hour=hour, minute=minute, second=0, microsecond=0)

    def record_period(self) -> str:
        """The ISO week a digest sent now belongs to."""
        return period_of(self.clock(), self.config.monitor.timezone)

    def record(self, period: str) -> dict[str, Any] | None:
        return self.store.digest_record(period)

    def send_if_due(self) -> bool:
        """Send this week's digest if its time has come and it was not sent yet."""
        now = self.clock()
        period = period_of(now, self.config.monitor.timezone)
        row = self.record(period)
        if row is not None and row["status"] in ("sent", "failed"):
            return False
        scheduled = self.scheduled_time(now)
        if now < scheduled:
            return False
        if row is None and now - scheduled > CATCH_UP:
            return False  # installed or restarted long after this week's digest time
        if not self.config.digest.to:
            log.warning("the weekly digest has no recipients: set [digest] to")
            self._record(period, "failed", "no recipients in [digest] to")
            return False
        return self.send(force=False)

    def send(self, days: int = 7, force: bool = True) -> bool:
        """Build and send the digest of the last `days`; True if it was sent now.

        `force` (on demand) sends even if this week's digest already went out."""
        now = self.clock()
        period = period_of(now, self.config.monitor.timezone)
        row = self.record(period)
        if row is not None and row["status"] == "sent" and not force:
            return False
        if not self.config.digest.to:
            raise ConfigError(f"{self.config.path}: [digest] to lists no recipients")
        if not self.env.smtp_host:
            raise ConfigError("SMTP_HOST is not set: the digest cannot be sent")
        # A week already sent stays sent whatever a forced resend does: were it marked
        # pending, the retry job would send that week a second time.
        already_sent = row is not None and row["status"] == "sent"
        if not self._claim(period, now, keep_sent=already_sent):
            log.info("weekly digest %s is being sent by another job", period)
            return False
        digest = build_digest(self.store, self.config, now, days)
        try:
            refused = send_mail(compose(digest, self.config, now), self.env, self._connected)
        except PermanentDeliveryError as exc:
            log.error("weekly digest %s failed for good: %s", period, exc)
            self._record(period, "sent" if already_sent else "failed", str(exc))
            raise
        except TransientDeliveryError as exc:
            if self._cancelled:
                # Whether the server took it is unknown: pending, so the next start sends
                # it (at most one copy more), rather than a week without a digest.
                log.warning(
                    "weekly digest %s: stopped while sending; it is sent at the next start",
                    period,
                )
                self._record(period, "sent" if already_sent else "pending", f"stopped: {exc}")
                raise
            if already_sent:
                log.warning("weekly digest %s not sent again: %s", period, exc)
            else:
                log.warning(
                    "weekly digest %s not sent: %s; retrying in %d min",
                    period,
                    exc,
                    RETRY_EVERY.total_seconds() // 60,
                )
            self._record(period, "sent" if already_sent else "pending", str(exc))
            raise
        taken = len(self.config.digest.to) - len(refused)
        if refused:
            detail = "; ".join(f"{a}: {r}" for a, r in sorted(refused.items()))
            log.warning(
                "weekly digest %s sent to %d of %d recipients; refused: %s",
                period,
                taken,
                len(self.config.digest.to),
                detail,
            )
            self._record(period, "sent", f"refused: {detail}", sent_at=now)
        else:
            self._record(period, "sent", None, sent_at=now)
            log.info("weekly digest %s sent to %d recipients", period, taken)
        return True

    def _claim(self, period: str, now: datetime, keep_sent: bool) -> bool:
        """Take this week's digest for sending, atomically: one transaction reads and marks
        it, so the weekly job and the retry job (or two processes) never both send it. A
        claim older than CLAIM_LEASE was left by a crash and is taken over."""
        return self.store.claim_digest(period, iso(now) or "", CLAIM_LEASE, keep_sent)

    def _record(
        self,
        period: str,
        status: str,
        error: str | None,
        attempt: bool = False,
        sent_at: datetime | None = None,
    ) -> None:
        self.store.record_digest(period, status, (error or "")[:500] or None, attempt, iso(sent_at))


def add_digest_jobs(
    scheduler: BaseScheduler,
    monitor: Monitor,
    track: Callable[[str], AbstractContextManager[None]] = lambda doing: nullcontext(),
) -> DigestJob:
    """The weekly cron job (the configured day and time, in the configured time zone), and
    a retry job that sends a week an SMTP outage held back. Each run reads the current
    configuration, so a reload applies."""
    from apscheduler.triggers.cron import CronTrigger

    config = monitor.config
    day, _, hhmm = config.digest.schedule.partition(" ")
    hour, minute = hhmm.strip().split(":")
    job = DigestJob(monitor, track)
    scheduler.add_job(
        job,
        CronTrigger(
            day_of_week=day, hour=int(hour), minute=int(minute), timezone=config.monitor.timezone
        ),
        id="digest",
        name="weekly digest",
        misfire_grace_time=int(CATCH_UP.total_seconds()),
        replace_existing=True,
    )
    scheduler.add_job(
        job,
        "interval",
        seconds=RETRY_EVERY.total_seconds(),
        id="digest-retry",
        name="weekly digest (retry after a failure)",
        replace_existing=True,
    )
    return job


class DigestJob:
    """The daemon's digest job (weekly, and the retry after an outage). A run is tracked
    as work in flight (`track`), so the daemon says it has stopped only once it is done,
    and `cancel()` cuts a slow send short at shutdown. Each run reads the current
    configuration, so a reload applies."""

    def __init__(
        self,
        monitor: Monitor,
        track: Callable[[str], AbstractContextManager[None]] = lambda doing: nullcontext(),
    ) -> None:
        self.monitor = monitor
        self.track = track
        self._lock = threading.Lock()
        self._mailers: set[DigestMailer] = set()

    def __call__(self) -> None:
        monitor = self.monitor
        if not monitor.env.smtp_host or not monitor.config.digest.to:
            return  # not configured: `monitor check-config` says so
        mailer = DigestMailer(monitor.store, monitor.config, monitor.env, monitor.clock)
        with self._lock:
            self._mailers.add(mailer)
        try:
            # Failures are logged by send(); the retry job tries again after a transient one.
            with (
                self.track("the weekly digest"),
                contextlib.suppress(TransientDeliveryError, PermanentDeliveryError),
            ):
                mailer.send_if_due()
        finally:
            with self._lock:
                self._mailers.discard(mailer)

    def cancel(self) -> None:
        with self._lock:
            mailers = list(self._mailers)
        for mailer in mailers:
            mailer.cancel()
