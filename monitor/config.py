"""Configuration: a TOML file plus the environment, validated into frozen models.

Secrets live only in the environment (`Environment`), held as SecretStr so that
printing a settings object never shows them.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .environment import _ENV_NAMES as _ENV_NAMES  # the test of .env.example reads it here
from .environment import Environment, _is_http_url, load_environment
from .errors import ConfigError
from .routing import Route

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_DB_PATH",
    "Company",
    "Config",
    "DigestSettings",
    "Environment",
    "MonitorSettings",
    "Selectors",
    "SlackSettings",
    "Source",
    "load_config",
    "load_environment",
    "parse_duration",
]

DEFAULT_CONFIG_PATH = Path("config/monitor.toml")
DEFAULT_DB_PATH = Path("monitor.db")
MIN_INTERVAL = timedelta(seconds=1)  # a floor against hot loops ("0s"), not a policy

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


def parse_duration(value: Any) -> timedelta:
    """'30s', '10m', '6h', '7d', '2w' (or a number of seconds) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str) and (match := _DURATION.match(value)):
        return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])
    raise ValueError("expected a duration such as '30s', '10m', '6h' or '7d'")


def _show(value: timedelta) -> str:
    """A duration as it would be written: '90s', '10m', '6h', '7d'."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _parse_size(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and (match := _SIZE.match(value)):
        return int(float(match[1]) * _SIZE_UNITS[(match[2] or "b").lower()])
    raise ValueError("expected a size such as '10MB' or a number of bytes")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
ByteSize = Annotated[int, BeforeValidator(_parse_size)]


def _polite(interval: timedelta) -> timedelta:
    if interval < MIN_INTERVAL:
        raise ValueError(f"expected at least {MIN_INTERVAL.seconds} s: polling must stay polite")
    return interval


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _http_url(value: str) -> str:
    if not _is_http_url(value):
        raise ValueError("expected an http:// or https:// URL")
    return value


class MonitorSettings(_Model):
    timezone: str = "UTC"
    default_interval: Duration = timedelta(minutes=15)
    min_interval: Duration = timedelta(minutes=2)
    max_interval: Duration = timedelta(hours=6)
    alert_window: Duration = timedelta(hours=48)
    story_window: Duration = timedelta(days=3)
    link_window: Duration = timedelta(days=30)
    unhealthy_after: int = Field(default=5, ge=1)
    retention: Duration = timedelta(days=365)
    max_body: ByteSize = 10 * 1024 * 1024
    request_timeout: Duration = timedelta(seconds=30)
    concurrency: int = Field(default=32, ge=1, le=512)
    per_host_concurrency: int = Field(default=4, ge=1, le=64)
    # `monitor worker` on Postgres: a worker silent this long is gone, and its jobs run
    # again elsewhere (it sends a heartbeat every third of this).
    worker_stalled_after: Duration = timedelta(seconds=30)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "expected an IANA time zone such as 'UTC' or 'Europe/Berlin'"
            ) from None
        return value

    @field_validator("default_interval", "min_interval", "max_interval")
    @classmethod
    def _polite_interval(cls, value: timedelta) -> timedelta:
        return _polite(value)

    @model_validator(mode="after")
    def _ordered_intervals(self) -> MonitorSettings:
        if not self.min_interval <= self.default_interval <= self.max_interval:
            raise ValueError(
                "expected min_interval <= default_interval <= max_interval, not "
                f"{_show(self.min_interval)} / {_show(self.default_interval)} / "
                f"{_show(self.max_interval)}"
            )
        return self


class Company(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    # Aliases that are ordinary words elsewhere ("Seal", "Jaguar", "Threads"): they count
    # only in a text that names the company otherwise or holds one of the `context`
    # words, and none of the `exclude_context` words. See analysis/entities.py.
    context_aliases: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    exclude_context: tuple[str, ...] = ()
    # Phrases that contain a name but are not the company ("Apple Daily", "小米粥"),
    # beyond what monitor tells apart by itself.
    exclude: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()


class Selectors(_Model):
    item: str
    title: str | None = None
    link: str | None = None
    date: str | None = None
    summary: str | None = None

    @field_validator("item", "title", "link", "date", "summary")
    @classmethod
    def _css(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip():
            raise ValueError("expected a CSS selector, not an empty string")
        import soupsieve  # only when a page source has selectors: it is slow to import

        try:
            soupsieve.compile(value)
        except Exception as exc:  # soupsieve's SelectorSyntaxError and friends
            raise ValueError(f"expected a CSS selector: {str(exc).splitlines()[0]}") from None
        return value


SourceKind = Literal["feed", "page", "x_search", "x_user"]


class Source(_Model):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: SourceKind = "feed"
    url: str | None = None
    query: str | None = None
    username: str | None = None
    interval: Duration | None = None

    @field_validator("interval")
    @classmethod
    def _polite_interval(cls, value: timedelta | None) -> timedelta | None:
        return None if value is None else _polite(value)

    authority: Literal["official", "press", "aggregator", "social"] = "press"
    company: str | None = None
    selectors: Selectors | None = None
    # Query parameters that are tracking on this source only ("cid", "from"): stripped from
    # its links and identities, beside the ones that are tracking everywhere.
    strip_params: tuple[str, ...] = ()
    # How a page prints numeric dates ("11/03/2026"): month first (MDY) or day first
    # (DMY). Default: from the page's <html lang>: "en" or "en-US" month first.
    date_order: Literal["MDY", "DMY"] | None = None
    enabled: bool = True
    max_results: int = Field(default=50, ge=10, le=100)
    max_pages: int = Field(default=3, ge=1, le=20)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Source:
        needed = {"feed": "url", "page": "url", "x_search": "query", "x_user": "username"}[
            self.kind
        ]
        if not getattr(self, needed):
            article = "an" if self.kind[0] in "aeiox" else "a"  # an x_user, an x_search
            raise ValueError(f"{article} {self.kind} source needs '{needed}'")
        if self.authority == "official" and not self.company:
            raise ValueError("an official source needs 'company': whose voice it is")
        return self


class SlackSettings(_Model):
    channel: str = "#monitor"
    pace: Duration = timedelta(seconds=1)
    # More claims than this waiting for the channel at once (a first start on many
    # sources, a news storm) go as one summary message; 0 posts every one on its own.
    summarize_after: int = Field(default=20, ge=0)


class SpikeSettings(_Model):
    """Volume spikes (monitor/spikes.py): a company named `multiple` times its usual."""

    enabled: bool = True
    multiple: float = Field(default=3.0, ge=1.5)
    min_mentions_hour: int = Field(default=10, ge=1)
    min_mentions_day: int = Field(default=40, ge=1)


class DigestSettings(_Model):
    to: tuple[str, ...] = ()
    from_: str = Field(default="monitor@localhost", alias="from")
    schedule: str = "mon 08:00"
    subject: str = "monitor weekly digest"

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        if not re.match(r"^(mon|tue|wed|thu|fri|sat|sun)\s+([01]\d|2[0-3]):[0-5]\d$", value):
            raise ValueError("expected a weekday and time such as 'mon 08:00'")
        return value


class Config(_Model):
    monitor: MonitorSettings = MonitorSettings()
    companies: tuple[Company, ...] = Field(min_length=1)
    sources: tuple[Source, ...] = ()
    slack: SlackSettings = SlackSettings()
    digest: DigestSettings = DigestSettings()
    routes: tuple[Route, ...] = ()  # monitor/routing.py: where each event goes
    spikes: SpikeSettings = SpikeSettings()
    path: str = Field(default="<memory>", exclude=True)

    def company(self, company_id: str) -> Company:
        return next(c for c in self.companies if c.id == company_id)

    def company_names(self) -> dict[str, str]:
        """Each company's display name, by id."""
        return {c.id: c.name for c in self.companies}

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"{self.path}: no source named {name!r}")


def _location(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    text = ""
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(part, int) and isinstance(node, Mapping) and "name" in node:
            text += f"(name={node['name']!r})"
    return text


# pydantic's words for a type error, in the configuration's own terms.
_MESSAGES = {
    "tuple_type": 'expected a list, such as ["one", "two"]',
    "list_type": 'expected a list, such as ["one", "two"]',
    "string_type": "expected text in quotes",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "dict_type": "expected a table of keys and values",
    "model_type": "expected a table of keys and values",
}


def _describe(error: Mapping[str, Any], data: Mapping[str, Any], path: str) -> str:
    loc = tuple(p for p in error["loc"] if p not in ("function-after", "function-before"))
    where = _location(loc, data) or "(top level)"
    message = _MESSAGES.get(error["type"], str(error["msg"]).removeprefix("Value error, "))
    if loc == ("companies",) and error["type"] == "too_short":
        return f"{path}: companies: at least one company is needed ([[companies]] with id and name)"
    if error["type"] == "extra_forbidden":
        return f"{path}: {where}: unknown key"
    if error["type"] == "missing":
        return f"{path}: {where}: required key is missing"
    value = error.get("input")
    shown = "" if isinstance(value, Mapping | list) else f" = {value!r}"
    return f"{path}: {where}{shown}: {message}"


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the TOML configuration; raise ConfigError naming each problem."""
    path = Path(path or os.environ.get("MONITOR_CONFIG") or DEFAULT_CONFIG_PATH)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such configuration file (set --config or MONITOR_CONFIG)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return config_from_dict(data, str(path))


def _reference_problems(data: Mapping[str, Any], path: str) -> list[str]:
    """Cross-references that pydantic checks only once every field is valid: run always."""
    companies: list[Any] = data["companies"] if isinstance(data.get("companies"), list) else []
    sources: list[Any] = data["sources"] if isinstance(data.get("sources"), list) else []
    ids = [c.get("id") for c in companies if isinstance(c, Mapping)]
    names = [s.get("name") for s in sources if isinstance(s, Mapping)]
    problems = [f"{path}: companies: duplicate id {i!r}" for i in _repeated(ids)]
    problems += [f"{path}: sources: duplicate name {n!r}" for n in _repeated(names)]
    for index, source in enumerate(sources):
        company = source.get("company") if isinstance(source, Mapping) else None
        if company is not None and company not in ids:
            known = ", ".join(str(i) for i in ids) or "none"
            where = _location(("sources", index, "company"), data)
            problems.append(f"{path}: {where} = {company!r}: unknown company (known: {known})")
    routes: list[Any] = data["routes"] if isinstance(data.get("routes"), list) else []
    for index, route in enumerate(routes):
        named = route.get("companies") if isinstance(route, Mapping) else None
        for company in named if isinstance(named, list) else []:
            if company not in ids:
                known = ", ".join(str(i) for i in ids) or "none"
                where = _location(("routes", index, "companies"), data)
                problems.append(f"{path}: {where} = {company!r}: unknown company (known: {known})")
    return problems


def _repeated(values: list[Any]) -> list[Any]:
    return sorted({v for v in values if v is not None and values.count(v) > 1}, key=str)


def config_from_dict(data: Mapping[str, Any], path: str = "<memory>") -> Config:
    problems = _reference_problems(data, path)
    try:
        config = Config(**data, path=path)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(e["loc"][:1] == ("companies",) and len(e["loc"]) > 1 for e in errors):
            # A company with a bad field is not "no company at all": say only the field.
            errors = [
                e for e in errors if not (e["loc"] == ("companies",) and e["type"] == "too_short")
            ]
        problems = [_describe(e, data, path) for e in errors] + problems
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    return config
