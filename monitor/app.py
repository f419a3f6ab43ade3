"""Monitor: the library behind the `monitor` command; one method per command."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .config import Config, Environment, Source
from .errors import ConfigError, StoreError
from .models import PollResult, utcnow
from .notify import Notifier
from .notify.console import ConsoleNotifier
from .notify.outbox import Delivery, Outbox
from .routing import EventFacts, Router, RouteTrace, apprise_variable, source_facts, story_facts
from .sources import SourceContext
from .storage import Store

if TYPE_CHECKING:
    from .fetch import Fetcher
    from .notify.slack_feedback import FeedbackListener
    from .pipeline import Pipeline

__all__ = ["Monitor", "PollSummary", "build_destinations", "build_notifiers"]

log = logging.getLogger(__name__)

# Retention never goes below this: denials still link to claims this old.
MIN_RETENTION = timedelta(days=31)


@dataclass(frozen=True, slots=True)
class RouteExplanation:
    event_id: int
    facts: EventFacts
    trace: RouteTrace
    sent_to: list[dict[str, Any]]  # its outbox rows: where it went, in fact


@dataclass(frozen=True, slots=True)
class PollSummary:
    results: list[PollResult]
    delivery: Delivery = field(default_factory=Delivery)

    @property
    def new_items(self) -> int:
        return sum(r.new_items for r in self.results)

    @property
    def new_stories(self) -> int:
        return sum(r.new_stories for r in self.results)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.results)

    @property
    def failed(self) -> list[PollResult]:
        return [r for r in self.results if r.error]

    @property
    def succeeded(self) -> list[PollResult]:
        return [r for r in self.results if not r.error and not r.skipped]

    def exit_code(self, strict: bool = False) -> int:
        """0, or 1 when no source could be polled (every one failed), or with `strict`
        when any failed: what a cron job needs to tell a bad run."""
        polled = [r for r in self.results if not r.skipped]
        if polled and not self.succeeded:
            return 1
        return 1 if strict and self.failed else 0

    def describe(self) -> str:
        polled = sum(1 for r in self.results if not r.skipped)
        line = (
            f"{polled} sources polled, {self.new_items} new items, {self.new_stories} "
            f"new stories, {self.events} events, {self.delivery.sent} alerts sent"
        )
        if self.failed:
            line += f", {len(self.failed)} sources failed"
        warned = [r for r in self.results if r.warning]
        if warned:
            line += f", {len(warned)} read with a warning"
        skipped = [r for r in self.results if r.skipped]
        if skipped:
            line += f", {len(skipped)} skipped ({skipped[0].skipped})"
        if self.delivery.retrying or self.delivery.failed:
            line += f", {self.delivery.retrying} alerts to retry, {self.delivery.failed} failed"
        return line


def build_notifiers(
    config: Config, env: Environment, console: TextIO | None = None
) -> dict[str, Notifier]:
    """The default destination: Slack when configured (bot token first, else webhook),
    else the console."""
    if env.slack_bot_token is not None or env.slack_webhook_url is not None:
        # slack-sdk is imported only where it is used: `status` starts faster.
        from .notify.slack import SlackNotifier
        from .notify.slack_webhook import SlackWebhookNotifier
    if env.slack_bot_token is not None:
        return {
            "slack": SlackNotifier(
                env.slack_bot_token.get_secret_value(),
                config.slack.channel,
                env.slack_api_url,
                pace=config.slack.pace.total_seconds(),
                feedback=env.slack_app_token is not None,
            )
        }
    if env.slack_webhook_url is not None:
        return {"slack": SlackWebhookNotifier(env.slack_webhook_url.get_secret_value())}
    return {"console": ConsoleNotifier(console)}


def build_destinations(
    config: Config, env: Environment, default: list[str], console: TextIO | None = None
) -> tuple[dict[str, Notifier], list[str]]:
    """The notifiers of the routes' other destinations, and a line for each that cannot
    be built (its alerts wait in the outbox until it can)."""
    built: dict[str, Notifier] = {}
    problems: list[str] = []
    for destination in Router(config.routes, default).all_destinations():
        if destination in default:
            continue
        try:
            built[destination] = _destination(config, env, destination, console)
        except ConfigError as exc:
            problems.append(str(exc))
    return built, problems


def _destination(
    config: Config, env: Environment, destination: str, console: TextIO | None
) -> Notifier:
    kind, _, target = destination.partition(":")
    if kind == "console":
        return ConsoleNotifier(console)
    if kind == "slack":
        if env.slack_bot_token is None:
            raise ConfigError(
                f"destination {destination}: needs SLACK_BOT_TOKEN (an incoming webhook "
                "posts to its own channel only)"
            )
        from .notify.slack import SlackNotifier

        return SlackNotifier(
            env.slack_bot_token.get_secret_value(),
            target,
            env.slack_api_url,
            pace=config.slack.pace.total_seconds(),
            name=destination,
            feedback=env.slack_app_token is not None,
        )
    secret = env.apprise.get(target.lower())
    if secret is None:
        raise ConfigError(
            f"destination {destination}: set {apprise_variable(destination)} to its Apprise URL"
        )
    from .notify.apprise import AppriseNotifier

    urls = [u for u in re.split(r"[\s,]+", secret.get_secret_value()) if u]
    return AppriseNotifier(destination, urls)


def official_accounts(config: Config) -> dict[str, str]:
    """X usernames configured as a company's own voice."""
    return {
        s.username.lstrip("@").lower(): s.company
        for s in config.sources
        if s.kind == "x_user" and s.authority == "official" and s.username and s.company
    }


class Monitor:
    """One configured monitor on one database."""

    def __init__(
        self,
        config: Config,
        env: Environment,
        db_path: str | Path,
        *,
        notifiers: dict[str, Notifier] | None = None,
        console: TextIO | None = None,
        clock: Callable[[], datetime] = utcnow,
        busy_timeout: float = 30.0,
    ) -> None:
        self.config = config
        self.env = env
        self.clock = clock
        self.store = Store(db_path, busy_timeout=busy_timeout)
        if notifiers is None:
            default = build_notifiers(config, env, console)
            routed, problems = build_destinations(config, env, list(default), console)
            for problem in problems:
                log.warning("%s; its alerts wait in the outbox until then", problem)
            self.notifiers: dict[str, Notifier] = {**default, **routed}
            self.default_channels = list(default)
        else:  # tests: the destinations no route names are the default
            named = {d for route in config.routes for d in route.to} - {"slack"}
            self.notifiers = notifiers
            self.default_channels = [name for name in notifiers if name not in named]
        self.context = SourceContext(env=env, official_accounts=official_accounts(config))
        self.outbox = Outbox(self.store, config, self.notifiers, clock)

    @functools.cached_property
    def fetcher(self) -> Fetcher:
        """Made at first use, like the pipeline (httpx is not needed to read the status)."""
        from .fetch import Fetcher, FetchLimits

        settings = self.config.monitor
        return Fetcher(
            FetchLimits(
                deadline=settings.request_timeout.total_seconds(),
                read_timeout=min(20.0, settings.request_timeout.total_seconds()),
                connect_timeout=min(10.0, settings.request_timeout.total_seconds()),
                max_body=settings.max_body,
                concurrency=settings.concurrency,
                per_host=settings.per_host_concurrency,
            )
        )

    @functools.cached_property
    def pipeline(self) -> Pipeline:
        """Made at first use: commands that only read (`status`, `sources`) never load
        the analysis (the stance model, the compiled cues), and start in a fraction of
        the time."""
        from .pipeline import Pipeline

        return Pipeline(
            self.config, self.store, self.fetcher, self.context, self.router, self.clock
        )

    def feedback_listener(self) -> FeedbackListener | None:
        """The Socket Mode listener of the alerts' feedback buttons, when SLACK_APP_TOKEN
        (and the bot token, to answer in the thread) are set; None otherwise."""
        if self.env.slack_app_token is None or self.env.slack_bot_token is None:
            return None
        from .feedback import FeedbackDesk
        from .notify.slack_feedback import FeedbackListener

        desk = FeedbackDesk(self.store, self.config.company_names(), self.clock)
        return FeedbackListener(
            self.env.slack_app_token.get_secret_value(),
            self.env.slack_bot_token.get_secret_value(),
            self.env.slack_api_url,
            desk,
        )

    def check_spikes(self) -> int:
        """Judge each company's mention volume now; return how many spikes opened."""
        settings = self.config.spikes
        if not settings.enabled:
            return 0
        from .spikes import SpikeRules, SpikeWatch

        rules = SpikeRules(settings.multiple, settings.min_mentions_hour, settings.min_mentions_day)
        names = self.config.company_names()
        watch = SpikeWatch(self.store, self.router, rules, names)
        return watch.check(self.clock(), list(names))

    def explain_route(self, event_id: int) -> RouteExplanation:
        """Which route an event matched and why (`monitor routes --explain`), judged on
        the facts as they are now, beside where it was in fact sent."""
        event = self.store.event_with_item(event_id)
        if event is None:
            raise ConfigError(f"no event {event_id} in this database")
        if event["story_id"] is None:  # a source's health
            source = next((s for s in self.config.sources if s.name == event["event_source"]), None)
            facts = source_facts(event["kind"], source)
        else:
            facts = story_facts(
                event["kind"], self.store.story(event["story_id"]), event["authority"]
            )
        return RouteExplanation(
            event_id, facts, self.router.explain(facts), self.store.outbox_rows_of_event(event_id)
        )

    @property
    def router(self) -> Router:
        """Where each event goes: the routes of the configuration now in force."""
        return Router(self.config.routes, self.default_channels)

    def poll(self, names: Sequence[str] = (), deliver: bool = True) -> PollSummary:
        sources = [self.config.source(n) for n in names] if names else None
        results = self.pipeline.poll(sources)
        try:
            self.check_spikes()
        except StoreError as exc:  # the poll is stored; the volume is judged next time
            log.error("spike check failed: %s", exc)
        delivery = self.deliver() if deliver else Delivery()
        return PollSummary(results, delivery)

    def enabled_source(self, name: str) -> Source | None:
        """The configured, enabled source of this name (None: removed or disabled since
        its poll was scheduled)."""
        return next((s for s in self.config.sources if s.name == name and s.enabled), None)

    def prune(self) -> int:
        """Remove items older than the retention period, and story bands older than the
        story window; return how many items went."""
        settings = self.config.monitor
        keep = max(settings.retention, settings.link_window, MIN_RETENTION)
        pruned = self.store.prune_items(self.clock() - keep)
        self.store.prune_story_bands(self.clock() - settings.story_window)
        if pruned:
            log.info("retention: pruned %d items older than %d days", pruned, keep.days)
        return pruned

    def deliver(self) -> Delivery:
        total = Delivery()
        # Replies wait for their root; a second pass sends those whose root just went out.
        for _ in range(3):
            step = self.outbox.deliver()
            total = Delivery(
                total.sent + step.sent,
                total.retrying + step.retrying,
                total.failed + step.failed,
                step.waiting,
            )
            if not step.waiting or not step.sent:
                break
        return total

    def close(self) -> None:
        if "fetcher" in self.__dict__:  # made only if something fetched
            self.fetcher.close()
        self.store.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
