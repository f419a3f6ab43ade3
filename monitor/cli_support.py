"""What every `monitor` command shares: the --config and --db options, opening the
monitor on its database, and expected failures as one line (never a traceback)."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .config import DEFAULT_CONFIG_PATH, DEFAULT_DB_PATH, load_config, load_environment
from .errors import ConfigError, MonitorError
from .logs import Scrubber, setup_logging

if TYPE_CHECKING:
    from .app import Monitor

__all__ = [
    "READ_BUSY_TIMEOUT",
    "common_options",
    "config_path_of",
    "count",
    "db_path_of",
    "one_line_errors",
    "open_monitor",
]

F = TypeVar("F", bound=Callable[..., Any])


def config_path_of(value: str | None) -> Path:
    return Path(value or os.environ.get("MONITOR_CONFIG") or DEFAULT_CONFIG_PATH)


def db_path_of(value: str | None) -> str:
    """--db, else $MONITOR_DATABASE_URL (a postgresql:// URL), else $MONITOR_DB (a file)."""
    return str(
        value
        or os.environ.get("MONITOR_DATABASE_URL")
        or os.environ.get("MONITOR_DB")
        or DEFAULT_DB_PATH
    )


def _scrub(text: str) -> str:
    """An error line for the terminal, with every secret from the environment removed."""
    try:
        secrets = load_environment().secrets
    except ConfigError:
        secrets = [
            v
            for k, v in os.environ.items()
            if k
            in (
                "SLACK_BOT_TOKEN",
                "SLACK_APP_TOKEN",
                "SLACK_WEBHOOK_URL",
                "X_BEARER_TOKEN",
                "SMTP_PASSWORD",
            )
            and v
        ]
    return Scrubber(secrets)(text)


def common_options(func: F) -> F:
    """--config and --db on every command; MonitorError as one line."""

    @click.option(
        "--config",
        "config_path",
        metavar="PATH",
        help="Configuration file [default: $MONITOR_CONFIG or config/monitor.toml].",
    )
    @click.option(
        "--db",
        "db_path",
        metavar="PATH|URL",
        help="SQLite file or postgresql:// URL "
        "[default: $MONITOR_DATABASE_URL, $MONITOR_DB or ./monitor.db].",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return one_line_errors(func)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def one_line_errors(func: F) -> F:
    """An expected failure as one line on stderr: exit 2 for usage or configuration,
    1 for the rest; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            for problem in exc.problems:
                click.echo(f"error: {_scrub(problem)}", err=True)
            sys.exit(2)
        except MonitorError as exc:
            click.echo(f"error: {_scrub(str(exc))}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


# `status` and `sources` only read: behind another process's lock they say "busy" after
# this long rather than hang for the daemon's 30 s.
READ_BUSY_TIMEOUT = 3.0


def open_monitor(
    config_path: str | None, db_path: str | None, *, existing: bool = False, **kwargs: Any
) -> Monitor:
    """The monitor on its database. `existing`: a command that only reads (status,
    sources, digest) never creates a database where a mistyped --db points."""
    from .app import Monitor
    from .storage import is_postgres

    env = load_environment()
    config = load_config(config_path_of(config_path))
    path = db_path_of(db_path)
    if existing and not is_postgres(path) and not Path(path).exists():
        raise ConfigError(
            f"no database at {path} (check --db or MONITOR_DB; `monitor run` or "
            "`monitor poll` creates one)"
        )
    setup_logging(env.log_format, env.secrets)
    return Monitor(config, env, path, **kwargs)


def count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
