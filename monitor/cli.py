"""The `monitor` command: parses arguments, calls the library, prints the result.

An expected failure (a MonitorError) is one line on stderr: exit code 2 for bad
configuration or usage, 1 otherwise. Never a traceback.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .cli_support import (
    READ_BUSY_TIMEOUT,
    common_options,
    config_path_of,
    count,
    one_line_errors,
    open_monitor,
)
from .cli_team import feedback, routes
from .config import load_config, load_environment
from .errors import ConfigError, MonitorError
from .logs import setup_logging
from .routing import Router, describe_routes

if TYPE_CHECKING:
    pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monitor")
def cli() -> None:
    """News monitoring: claims, rumours and denials about the companies you follow."""


@cli.command()
@common_options
@click.option(
    "--listen",
    default="127.0.0.1:8080",
    show_default=True,
    metavar="HOST:PORT",
    help="Address of the /healthz, /readyz and /metrics server ('' = none).",
)
def run(config_path: str | None, db_path: str | None, listen: str) -> None:
    """Run the daemon: poll every source on schedule and deliver alerts."""
    from .scheduler import Daemon
    from .web import parse_listen

    if listen:
        parse_listen(listen)  # bad usage: say so before opening the database
    with open_monitor(config_path, db_path) as monitor:
        code = Daemon(monitor, listen=listen or None).run()
    sys.exit(code)


@cli.command()
@common_options
@click.option(
    "--source", "sources", multiple=True, metavar="NAME", help="Poll only this source (repeatable)."
)
@click.option("--no-deliver", is_flag=True, help="Store and analyse, but send no alerts.")
@click.option("--strict", is_flag=True, help="Exit 1 when any source failed.")
def poll(
    config_path: str | None,
    db_path: str | None,
    sources: tuple[str, ...],
    no_deliver: bool,
    strict: bool,
) -> None:
    """Poll every (or the named) source once, then deliver the alerts. Exit 1 when no
    source could be polled (with --strict: when any failed)."""
    with open_monitor(config_path, db_path) as monitor:
        summary = monitor.poll(sources, deliver=not no_deliver)
    # Each failed source has already logged its one line; the summary counts them.
    click.echo(summary.describe())
    sys.exit(summary.exit_code(strict))


@cli.command()
@common_options
@click.option(
    "--concurrency",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs this worker runs at once.",
)
@click.option(
    "--listen",
    default="",
    metavar="HOST:PORT",
    help="Address of this worker's /healthz, /readyz and /metrics server (default: none).",
)
def worker(config_path: str | None, db_path: str | None, concurrency: int, listen: str) -> None:
    """On Postgres: take jobs (polls, deliveries, the digest) beside any other workers."""
    from .metrics import Metrics
    from .web import HealthServer, check, check_database, parse_listen
    from .worker import run_worker

    if listen:
        parse_listen(listen)
    with open_monitor(config_path, db_path) as monitor:
        server = None
        if listen:
            metrics = Metrics()
            metrics.watch(monitor.store.path, lambda: [s.name for s in monitor.config.sources])

            def readiness() -> tuple[bool, dict[str, Any]]:
                checks = {
                    "database": check_database(monitor.store.path),
                    "worker": check(True, "taking jobs"),
                }
                return all(c["ok"] for c in checks.values()), checks

            server = HealthServer(listen, metrics, readiness).start()
        try:
            run_worker(monitor, concurrency)
        finally:
            if server is not None:
                server.stop()


@cli.command()
@common_options
def demo(config_path: str | None, db_path: str | None) -> None:
    """Replay the seed story offline (Ford–Xiaomi claim, then two denials)."""
    from .demo import run_demo

    env = load_environment()
    setup_logging(env.log_format or "text", env.secrets, level=logging.WARNING)
    click.echo("monitor demo: the FT reports Ford–Xiaomi talks; Ford and Xiaomi deny it.")
    run_demo(env, sys.stdout, db_path=db_path)


@cli.command()
@common_options
def classify(config_path: str | None, db_path: str | None) -> None:
    """Classify JSON lines from stdin: {"id", "text", "claim"?} → entities and stance."""
    from .classify import classify_lines

    config = load_config(config_path_of(config_path))
    for line in classify_lines(config, sys.stdin):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


@cli.command()
@common_options
@click.option(
    "--out",
    metavar="PATH",
    help="Where to write the weights [default: the package's analysis/stance_model.json].",
)
@click.option(
    "--cv",
    is_flag=True,
    help="Only report grouped 5-fold cross-validation on real-dev, beside the rules alone.",
)
def train(config_path: str | None, db_path: str | None, out: str | None, cv: bool) -> None:
    """Fit the learned stance layer on the labelled corpus (needs the [train] extra)."""
    from .analysis.learned import MODEL_PATH
    from .train import cross_validate
    from .train import train as fit

    config = load_config(config_path_of(config_path))
    if cv:
        for name, scores in cross_validate(config.companies).items():
            click.echo(f"{name:8} " + "  ".join(f"{k} F1 {v:.3f}" for k, v in scores.items()))
        return
    report = fit(config.companies, Path(out) if out else MODEL_PATH)
    click.echo(
        f"trained on {report['rows']} rows: {report['features']} features in {report['path']}"
    )


@cli.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(config_path: str | None, db_path: str | None, as_json: bool) -> None:
    """Per source: last poll, last success, errors, items, next poll; the outbox."""
    from .status import collect_status, render_status

    with open_monitor(
        config_path, db_path, existing=True, busy_timeout=READ_BUSY_TIMEOUT
    ) as monitor:
        report = collect_status(monitor)
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        render_status(report)


@cli.command()
@common_options
def sources(config_path: str | None, db_path: str | None) -> None:
    """The configured sources, with kind, interval and health."""
    from .status import collect_status, render_sources

    with open_monitor(
        config_path, db_path, existing=True, busy_timeout=READ_BUSY_TIMEOUT
    ) as monitor:
        render_sources(collect_status(monitor))


@cli.command()
@common_options
@click.option(
    "--days", default=7, show_default=True, type=click.IntRange(1, 366), help="Period covered."
)
@click.option("--out", "out", metavar="FILE.html", help="Write the HTML (and a .txt beside it).")
@click.option("--send", is_flag=True, help="Send it by SMTP to [digest] to.")
def digest(
    config_path: str | None, db_path: str | None, days: int, out: str | None, send: bool
) -> None:
    """Build the digest of the last N days, organised by story; write it or send it."""
    from .notify.digest import build_digest, render_html, render_text
    from .notify.mail import DigestMailer

    html_path = Path(out) if out else None
    # The text part goes beside it as .txt: any other suffix would be overwritten by it.
    if html_path is not None and html_path.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(f"--out {out}: expected FILE.html (the text part goes beside it)")
    with open_monitor(config_path, db_path, existing=True) as monitor:
        report = build_digest(monitor.store, monitor.config, monitor.clock(), days)
        if html_path is not None:
            text_path = html_path.with_suffix(".txt")
            try:
                html_path.write_text(render_html(report), encoding="utf-8")
                text_path.write_text(render_text(report), encoding="utf-8")
            except OSError as exc:
                raise MonitorError(
                    f"cannot write {exc.filename or html_path}: {exc.strerror or exc}"
                ) from None
            click.echo(f"wrote {html_path} and {text_path}: {report.summary}")
        if send:
            DigestMailer(monitor.store, monitor.config, monitor.env, monitor.clock).send(days)
            click.echo(f"sent the digest {report.period} to {', '.join(monitor.config.digest.to)}")
        if not out and not send:
            click.echo(render_text(report))


@cli.command()
@click.option(
    "--from",
    "source",
    required=True,
    metavar="PATH|URL",
    help="The database to copy from (the SQLite file in use).",
)
@click.option(
    "--to",
    "target",
    metavar="URL",
    help="The database to copy into [default: $MONITOR_DATABASE_URL].",
)
@one_line_errors
def migrate(source: str, target: str | None) -> None:
    """Copy an installation's history into another database (SQLite to Postgres).

    Safe to re-run: each row is upserted on its key. Run it while the daemon works on the
    old database, then stop the daemon, run it again, and start the daemon on the new one."""
    from .storage import Store, is_postgres
    from .storage.migrate import copy_history

    env = load_environment()
    setup_logging(env.log_format, env.secrets)
    target = target or os.environ.get("MONITOR_DATABASE_URL") or ""
    if not target:
        raise ConfigError("--to is missing, and MONITOR_DATABASE_URL is not set")
    if not is_postgres(source) and not Path(source).exists():
        raise ConfigError(f"--from {source}: no such database")
    old = Store(source)
    try:
        new = Store(target)
        try:
            copied = copy_history(old, new)
        finally:
            new.close()
    finally:
        old.close()
    click.echo(f"copied {old.display} into {new.display}:")
    click.echo("\n".join(f"  {table:12} {rows:>9,} rows" for table, rows in copied.items()))


@cli.command("check-config")
@common_options
def check_config(config_path: str | None, db_path: str | None) -> None:
    """Validate the configuration file and the environment."""
    path = config_path_of(config_path)
    problems: list[str] = []
    config = None
    try:
        config = load_config(path)
    except ConfigError as exc:
        problems += exc.problems
    try:
        env = load_environment()
    except ConfigError as exc:
        problems += exc.problems
        env = None
    if problems:
        raise ConfigError(problems)
    assert config is not None and env is not None
    from .app import build_destinations, build_notifiers
    from .sources import SourceContext, skip_reason

    default = list(build_notifiers(config, env))  # the destination alerts go to by default
    _, unreachable = build_destinations(config, env, default)
    if unreachable:
        raise ConfigError([f"{path}: routes: {problem}" for problem in unreachable])
    context = SourceContext(env=env)
    skipped = [s.name for s in config.sources if skip_reason(s, context, log_once=False)]
    channel = (
        "Slack (bot token)"
        if env.slack_bot_token
        else "Slack (webhook)"
        if env.slack_webhook_url
        else "console (Slack not configured)"
    )
    click.echo(
        f"{path}: OK — {count(len(config.companies), 'company', 'companies')}, "
        f"{count(len(config.sources), 'source', 'sources')}; alerts go to {channel}"
    )
    for line in describe_routes(Router(config.routes, default)) if config.routes else ():
        click.echo(line)
    if env.slack_app_token is not None:
        if env.slack_bot_token is None:
            click.echo(
                "warning: SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: the feedback "
                "buttons need the bot token (they go on the bot's messages)",
                err=True,
            )
        else:
            click.echo("feedback buttons: on (Socket Mode, SLACK_APP_TOKEN)")
    if skipped:
        click.echo(
            f"warning: {count(len(skipped), 'X source', 'X sources')} will be skipped: "
            "X_BEARER_TOKEN is not set",
            err=True,
        )


cli.add_command(routes)
cli.add_command(feedback)


def main() -> None:
    cli(prog_name="monitor")


if __name__ == "__main__":
    main()
