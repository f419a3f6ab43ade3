"""Notifiers: one module per channel, one interface, called only by the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ..models import EventKind

__all__ = ["Alert", "Notifier"]


@dataclass(frozen=True, slots=True)
class Alert:
    """Everything a notifier needs to tell a person about one event: plain text, not
    yet escaped for any medium (each notifier escapes for its own)."""

    event_id: int
    kind: EventKind
    story_id: int | None = None
    headline: str = ""
    url: str = ""
    outlet: str = ""
    authority: str = "press"
    published_at: datetime | None = None
    created_at: datetime | None = None
    companies: tuple[str, ...] = ()  # display names
    company_ids: tuple[str, ...] = ()  # the same companies' ids, in the same order
    outlets: tuple[str, ...] = ()  # every outlet that carried the story
    party: str | None = None  # who denies or confirms (display name)
    official: bool = False
    quote: str = ""
    cue: str = ""
    status: str | None = None  # the claim's status: reported, spreading, denied, confirmed
    status_line: str = ""  # e.g. "DENIED by Ford (official) and Xiaomi"
    claim_headline: str = ""
    claim_url: str = ""
    root_event_id: int | None = None  # the claim alert this one threads under
    source: str = ""  # for source health alerts
    installation: str = ""  # the database's id: with event_id, the alert's key in a channel
    error: str = ""
    # A volume spike: mentions in the window against the usual, and what drives them.
    window: str = ""  # hour | day
    count: int = 0
    usual: float = 0.0
    stories: tuple[tuple[str, str], ...] = ()  # (title, url), the most frequent first
    root: Alert | None = field(default=None, compare=False)

    @property
    def also_reported(self) -> int:
        return max(0, len(self.outlets) - 1)

    @property
    def label(self) -> str:
        return {
            EventKind.NEW_CLAIM: "Claim",
            EventKind.DENIAL: "Denial",
            EventKind.CONFIRMATION: "Confirmation",
            EventKind.STORY_SPREADING: "Spreading",
            EventKind.SOURCE_UNHEALTHY: "Source unhealthy",
            EventKind.SOURCE_RECOVERED: "Source recovered",
            EventKind.SPIKE: "Spike",
        }[self.kind]

    @property
    def spike_line(self) -> str:
        """'42 mentions in the last hour, against 3 usually'."""
        usual = f"{self.usual:.1f}".removesuffix(".0")
        return f"{self.count} mentions in the last {self.window}, against {usual} usually"


class Notifier(Protocol):
    """Sends an alert and returns its external reference (e.g. a Slack message ts), or
    raises TransientDeliveryError / PermanentDeliveryError."""

    name: str

    def send(self, alert: Alert, thread_ref: str | None) -> str: ...

    def find(
        self, alert: Alert, thread_ref: str | None, since: datetime | None = None
    ) -> str | None:
        """The reference of this alert if it already arrived (after a crash or a lost
        answer), finishing what its sending would have done (Slack: the root's status);
        None if it did not, or if the channel cannot be read back. `since`: when it was
        first handed to the channel (it cannot have arrived before)."""
        ...
