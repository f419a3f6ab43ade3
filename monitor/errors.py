"""One exception hierarchy for monitor. Each leaf says what the user should do.

    MonitorError
    ├── ConfigError              bad configuration or environment (exit code 2)
    ├── SourceError              one source could not be polled (carries source and url)
    │   ├── FetchError           the HTTP request failed (network, status, size, time)
    │   └── ParseError           the body is not a feed / page / API answer we understand
    ├── StoreError               the SQLite database failed
    ├── DeliveryError            a notifier could not deliver an alert
    │   ├── TransientDeliveryError   retry later (outage, 429)
    │   │   └── UncertainDeliveryError   it may have arrived (timeout, lost answer):
    │   │                                check the channel before resending
    │   └── PermanentDeliveryError   retrying will not help (bad token, unknown channel)
    └── AlreadyRunningError      another daemon holds the database lock

Bugs stay built-in exceptions: only expected failures are MonitorErrors.
"""

from __future__ import annotations

__all__ = [
    "AlreadyRunningError",
    "ConfigError",
    "DeliveryError",
    "FetchError",
    "MonitorError",
    "ParseError",
    "PermanentDeliveryError",
    "SourceError",
    "StoreError",
    "TransientDeliveryError",
    "UncertainDeliveryError",
]


class MonitorError(Exception):
    """Base of every expected failure; its message is one line for the user."""


class ConfigError(MonitorError):
    """The configuration file or the environment is invalid: fix the named key."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class SourceError(MonitorError):
    """A source could not be polled; it is retried later with backoff."""

    def __init__(self, message: str, *, source: str = "", url: str = "") -> None:
        super().__init__(message)
        self.source = source
        self.url = url


class FetchError(SourceError):
    """The request failed: network error, HTTP error status, body too large or too slow."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
        pause: bool = False,
    ) -> None:
        super().__init__(message, source=source, url=url)
        self.status = status
        self.retry_after = retry_after
        # Not an outage: the account cannot be served (X credits or monthly cap spent).
        # The source is unhealthy at once, and waits retry_after.
        self.pause = pause


class ParseError(SourceError):
    """The response could not be read as the expected kind of document."""


class StoreError(MonitorError):
    """The database failed; check the disk and the path given with --db."""


class DeliveryError(MonitorError):
    """An alert could not be delivered."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientDeliveryError(DeliveryError):
    """Delivery failed for now (outage, rate limit); the outbox retries with backoff."""


class UncertainDeliveryError(TransientDeliveryError):
    """The request may have reached the channel (timeout, lost answer): the outbox checks
    the channel before sending it again."""


class PermanentDeliveryError(DeliveryError):
    """Delivery cannot succeed until the user acts (token, channel); it is not retried."""


class AlreadyRunningError(MonitorError):
    """Another `monitor run` already uses this database; stop it or use another --db."""
