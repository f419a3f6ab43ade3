"""No secret ever appears in any output: each secret gets a unique value, every command
runs against loopback servers that fail and echo back what they were sent (so the error
messages carry the secrets), and every line of output is searched for them."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import ROOT, rss
from tests.test_daemon import COMPANIES_TOML, DaemonProcess, clean_environ

CLAIM = {
    "title": "Ford held talks with Xiaomi on US electric vehicle venture, FT reports",
    "link": "https://ft.example.com/content/ford-xiaomi",
    "description": "Ford has held talks with Xiaomi about a US EV venture, people familiar said.",
}


class EchoServer:
    """Answers everything with an error that quotes the request: headers, path and body."""

    def __init__(self, server: HTTPServer) -> None:
        self.requests: list[str] = []
        self.server = server

        def echo(request: Request) -> Response:
            seen = f"{request.method} {request.full_path} {dict(request.headers)} " + (
                request.get_data(as_text=True)
            )
            self.requests.append(seen)
            if request.path.startswith("/slack/"):  # Slack's way: HTTP 200, ok false
                body = {"ok": False, "error": "invalid_auth", "echo": seen}
                return Response(json.dumps(body), content_type="application/json")
            status = 401 if request.path.startswith("/x/") else 404
            return Response(f"no such thing: {seen}", status=status, content_type="text/plain")

        server.expect_request(re.compile(r"^/(slack|x|hooks)/")).respond_with_handler(echo)

    def url(self, path: str) -> str:
        return self.server.url_for(path)


@pytest.fixture
def secrets() -> dict[str, str]:
    tag = uuid.uuid4().hex[:12]
    return {
        "SLACK_BOT_TOKEN": f"xoxb-{tag}-slack-bot-secret",
        "SLACK_WEBHOOK_PATH": f"/hooks/services/T0/B0/{tag}hookpath",
        "X_BEARER_TOKEN": f"AAAA{tag}x-bearer-secret",
        "SMTP_PASSWORD": f"smtp-{tag}-password-secret",
    }


@pytest.fixture
def setup(
    httpserver: HTTPServer, tmp_path: Path, secrets: dict[str, str]
) -> Iterator[tuple[Path, Path, EchoServer, dict[str, str]]]:
    httpserver.expect_request("/ft.xml").respond_with_data(rss([CLAIM], "FT"))
    echo = EchoServer(httpserver)
    config = tmp_path / "monitor.toml"
    config.write_text(
        COMPANIES_TOML
        + f"""
[[sources]]
name = "ft"
url = "{httpserver.url_for("/ft.xml")}"
interval = "1h"

[[sources]]
name = "x-search"
kind = "x_search"
query = "Ford Xiaomi"
interval = "1h"

[slack]
channel = "#auto-intel"
pace = "0s"

[digest]
to = ["team@example.com"]
"""
    )
    env = {
        "SLACK_API_URL": echo.url("/slack/"),
        "X_API_URL": echo.url("/x/"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": "9",  # discard: nothing listens, the connection is refused
        "SMTP_USER": "monitor",
        "SMTP_PASSWORD": secrets["SMTP_PASSWORD"],
        "X_BEARER_TOKEN": secrets["X_BEARER_TOKEN"],
    }
    yield config, tmp_path / "monitor.db", echo, env


def run(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=clean_environ(env),
    )
    assert "Traceback" not in result.stderr, result.stderr
    return f"$ monitor {' '.join(args)} -> {result.returncode}\n{result.stdout}{result.stderr}"


def has_digest_command() -> bool:
    return "digest" in run("--help", env={})


def test_no_secret_in_any_output(
    setup: tuple[Path, Path, EchoServer, dict[str, str]], secrets: dict[str, str]
) -> None:
    config, db, echo, env = setup
    common = ("--config", str(config), "--db", str(db))
    outputs: list[str] = []

    # 1. The bot token, with the X token and the SMTP password.
    bot = {**env, "SLACK_BOT_TOKEN": secrets["SLACK_BOT_TOKEN"]}
    outputs.append(run("check-config", "--config", str(config), env=bot))
    daemon = DaemonProcess(config, db, env=bot).start()
    try:
        daemon.wait_for_log("failed for good", timeout=20)  # Slack refused the alert
        daemon.wait_for_log("source x-search")  # X refused the token
        outputs += [daemon.get("/readyz")[1], daemon.get("/metrics")[1]]
        assert daemon.stop()[0] == 0
    finally:
        daemon.kill()
    outputs.append(daemon.output)
    outputs.append(run("poll", *common, env=bot))
    if has_digest_command():
        outputs.append(run("digest", "--send", *common, env=bot))
    for command in (("status",), ("status", "--json"), ("sources",)):
        outputs.append(run(*command, *common, env={**bot, "COLUMNS": "200"}))

    # 2. The webhook instead (the bot token wins when both are set).
    webhook = {**env, "SLACK_WEBHOOK_URL": echo.url(secrets["SLACK_WEBHOOK_PATH"])}
    fresh = ("--config", str(config), "--db", str(db.with_name("webhook.db")))
    outputs.append(run("poll", *fresh, env=webhook))
    outputs.append(run("status", *fresh, env={**webhook, "COLUMNS": "200"}))

    text = "\n".join(outputs)
    # The secrets were really used, and the failures really reported...
    sent = "\n".join(echo.requests)
    assert secrets["SLACK_BOT_TOKEN"] in sent and secrets["X_BEARER_TOKEN"] in sent
    assert secrets["SLACK_WEBHOOK_PATH"] in sent
    # (The echoed webhook path never reaches a message: the notifier keeps only Slack's
    # short error codes. Scrubbing what does is tested in test_logs.py.)
    assert "invalid_auth" in text and "401" in text
    # ...and not one of them shows.
    for name, value in secrets.items():
        assert value not in text, f"{name} leaked:\n{_around(text, value)}"
        assert value.split("/")[-1] not in text, f"{name} leaked (in part)"


def _around(text: str, value: str) -> str:
    at = text.index(value)
    return text[max(0, at - 300) : at + 300]


def test_the_sigterm_path_leaks_nothing_either(
    setup: tuple[Path, Path, EchoServer, dict[str, str]], secrets: dict[str, str]
) -> None:
    """SIGINT from a terminal: the shutdown lines carry no secret."""
    config, db, _, env = setup
    daemon = DaemonProcess(config, db, env={**env, "SLACK_BOT_TOKEN": secrets["SLACK_BOT_TOKEN"]})
    try:
        daemon.start()
        daemon.wait_for_log("source x-search")
        assert daemon.stop(signal.SIGINT)[0] == 0
    finally:
        daemon.kill()
    for value in secrets.values():
        assert value not in daemon.output
