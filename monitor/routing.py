"""Routes: which destinations an event goes to, decided once, when it is recorded.

`[[routes]]` in the configuration are read in order; the first that matches an event
names its destinations, and `continue = true` lets the event go on to the routes after
it. With no routes, every event goes to the default destination, as before routes
existed. An event that no route matches is stored (status, digest) and sent nowhere.

A destination is a string:
- `slack`: the default Slack channel (`[slack] channel`, or the incoming webhook);
- `slack:#channel`: another Slack channel, through the bot token;
- `apprise:NAME`: the Apprise URLs in the environment variable `MONITOR_APPRISE_NAME`
  (Teams, Discord, Mattermost, ntfy, JSON webhooks, email...: they hold secrets);
- `console`: standard output.
The destination string is also the outbox's channel key, so each destination keeps its
own order, retries and promises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .models import EventKind

if TYPE_CHECKING:
    from .config import Source
    from .storage import StoryRow

__all__ = [
    "ROUTE_KINDS",
    "EventFacts",
    "Route",
    "RouteTrace",
    "Router",
    "apprise_variable",
    "describe_routes",
    "route_kind",
    "source_facts",
    "story_facts",
]

RouteKind = Literal[
    "claim", "denial", "confirmation", "spreading", "spike", "source_unhealthy", "source_recovered"
]
ROUTE_KINDS: tuple[str, ...] = RouteKind.__args__  # type: ignore[attr-defined]
Authority = Literal["official", "press", "aggregator", "social"]
Status = Literal["reported", "spreading", "denied", "confirmed"]

_DESTINATION = re.compile(r"^(slack|console|slack:[#@]?[\w.\-]{1,80}|apprise:[A-Za-z0-9_]{1,40})$")

# An event kind as the configuration names it.
_KIND_NAMES = {
    EventKind.NEW_CLAIM: "claim",
    EventKind.DENIAL: "denial",
    EventKind.CONFIRMATION: "confirmation",
    EventKind.STORY_SPREADING: "spreading",
    EventKind.SOURCE_UNHEALTHY: "source_unhealthy",
    EventKind.SOURCE_RECOVERED: "source_recovered",
}


def route_kind(kind: EventKind | str) -> str:
    """'new_claim' → 'claim', 'story_spreading' → 'spreading'; others keep their name."""
    try:
        return _KIND_NAMES.get(EventKind(kind), str(kind))
    except ValueError:
        return str(kind)


def apprise_variable(destination: str) -> str:
    """`apprise:teams` → `MONITOR_APPRISE_TEAMS`, where its URLs are kept."""
    return "MONITOR_APPRISE_" + destination.split(":", 1)[1].upper()


class Route(BaseModel):
    """One `[[routes]]` table: every condition given must hold; none given matches all."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = ""
    companies: tuple[str, ...] = ()
    kinds: tuple[RouteKind, ...] = ()
    authority: tuple[Authority, ...] = ()
    min_outlets: int = Field(default=0, ge=0)
    status: tuple[Status, ...] = ()
    to: tuple[str, ...] = Field(min_length=1)
    continue_: bool = Field(default=False, alias="continue")

    @field_validator("to")
    @classmethod
    def _destinations(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for destination in value:
            if not _DESTINATION.match(destination):
                raise ValueError(
                    f"unknown destination {destination!r}: expected 'slack', "
                    "'slack:#channel', 'apprise:NAME' or 'console'"
                )
        return value

    def label(self, index: int) -> str:
        return self.name or f"route {index + 1}"

    def mismatch(self, facts: EventFacts) -> str | None:
        """Why this route does not match, in words; None when it does."""
        if self.kinds and facts.kind not in self.kinds:
            return f"kind is {facts.kind}, not {' or '.join(self.kinds)}"
        if self.companies and not set(self.companies) & set(facts.companies):
            named = ", ".join(facts.companies) or "no company"
            return f"names {named}, not {' or '.join(self.companies)}"
        if self.authority and facts.authority not in self.authority:
            return f"authority is {facts.authority or 'none'}, not {' or '.join(self.authority)}"
        if facts.outlets < self.min_outlets:
            return f"{facts.outlets} outlets, fewer than {self.min_outlets}"
        if self.status and facts.status not in self.status:
            return f"status is {facts.status or 'none'}, not {' or '.join(self.status)}"
        return None


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What a route can match on, as they were when the event was recorded."""

    kind: str  # a route kind: claim, denial, ...
    companies: tuple[str, ...] = ()  # company ids of the story
    authority: str | None = None  # of the item that raised the event
    outlets: int = 0  # outlets that carried the story
    status: str | None = None  # the claim's status


def story_facts(kind: EventKind | str, story: StoryRow, authority: str | None) -> EventFacts:
    """The facts of an event of a story (a claim, its spreading, an answer filed under
    it); `authority`: of the item that raised it."""
    return EventFacts(
        kind=route_kind(kind),
        companies=story.companies,
        authority=authority,
        outlets=story.outlet_count,
        status=story.status,
    )


def source_facts(kind: EventKind | str, source: Source | None) -> EventFacts:
    """The facts of a source's health event (the source may be gone from the config)."""
    if source is None:
        return EventFacts(kind=route_kind(kind))
    return EventFacts(
        kind=route_kind(kind),
        companies=(source.company,) if source.company else (),
        authority=source.authority,
    )


@dataclass(frozen=True, slots=True)
class RouteTrace:
    """How the routes judged one event: for `monitor routes --explain`."""

    destinations: tuple[str, ...]
    steps: tuple[str, ...] = field(default=())


class Router:
    def __init__(self, routes: Sequence[Route], default: Sequence[str]) -> None:
        self.routes = tuple(routes)
        self.default = tuple(default)

    def destinations(self, facts: EventFacts) -> list[str]:
        return list(self.explain(facts).destinations)

    def explain(self, facts: EventFacts) -> RouteTrace:
        if not self.routes:
            return RouteTrace(self.default, ("no routes configured: the default destination",))
        chosen: list[str] = []
        steps: list[str] = []
        for index, route in enumerate(self.routes):
            why_not = route.mismatch(facts)
            if why_not is not None:
                steps.append(f"{route.label(index)}: no ({why_not})")
                continue
            targets = [self._resolve(d) for d in route.to]
            chosen.extend(t for t in _flatten(targets) if t not in chosen)
            steps.append(f"{route.label(index)}: matched → {', '.join(route.to)}")
            if not route.continue_:
                break
        if not chosen:
            steps.append("no route matched: stored, not sent")
        return RouteTrace(tuple(chosen), tuple(steps))

    def _resolve(self, destination: str) -> tuple[str, ...]:
        """`slack` is the default Slack destination; without Slack configured it is the
        console, as for an installation without routes."""
        if destination == "slack":
            return self.default
        return (destination,)

    def all_destinations(self) -> list[str]:
        """Every destination an event may go to: the outbox's channels."""
        found = list(self.default)
        for route in self.routes:
            for destination in _flatten(self._resolve(d) for d in route.to):
                if destination not in found:
                    found.append(destination)
        return found


def describe_routes(router: Router) -> list[str]:
    """The routes in order, a line each, as `monitor routes` and `check-config` print them."""
    if not router.routes:
        return [f"no routes: every alert goes to {', '.join(router.default)}"]
    lines = []
    for index, route in enumerate(router.routes):
        conditions = [
            f"{name} {' or '.join(values)}"
            for name, values in (
                ("kinds", route.kinds),
                ("companies", route.companies),
                ("authority", route.authority),
                ("status", route.status),
            )
            if values
        ]
        if route.min_outlets:
            conditions.append(f"at least {route.min_outlets} outlets")
        when = "; ".join(conditions) or "every alert"
        then = " (then the next routes too)" if route.continue_ else ""
        lines.append(f"{index + 1}. {route.label(index)}: {when} → {', '.join(route.to)}{then}")
    lines.append("alerts no route matches are stored, not sent")
    return lines


def _flatten(groups: Iterable[tuple[str, ...]]) -> list[str]:
    return [item for group in groups for item in group]
