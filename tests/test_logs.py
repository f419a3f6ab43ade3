"""Log lines: text on a terminal, JSON otherwise, and never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from monitor.logs import Scrubber, setup_logging

TOKEN = "xoxb-0000-secret-token"
WEBHOOK = "https://hooks.slack.example/services/T000/B000/s3cr3tpath"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_when_not_a_terminal_with_extra_fields() -> None:
    out = io.StringIO()
    setup_logging(None, stream=out)
    logging.getLogger("monitor.test").warning(
        "source %s failed", "ft", extra={"source": "ft", "errors": 3}
    )
    line = json.loads(out.getvalue())
    assert line["level"] == "warning" and line["logger"] == "monitor.test"
    assert line["message"] == "source ft failed"
    assert line["source"] == "ft" and line["errors"] == 3
    assert line["time"].endswith("+00:00")


def test_text_on_a_terminal_one_line_per_event() -> None:
    out = Tty()
    setup_logging(None, stream=out)
    logging.getLogger("monitor.test").info("monitor running: %d sources", 3)
    logging.getLogger("monitor.test").debug("not shown at INFO")
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("INFO    monitor running: 3 sources")


def test_monitor_log_format_json_wins_on_a_terminal() -> None:
    out = Tty()
    setup_logging("json", stream=out)
    logging.getLogger("x").info("hello")
    assert json.loads(out.getvalue())["message"] == "hello"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secrets_are_scrubbed_from_message_extras_and_tracebacks(fmt: str) -> None:
    out = io.StringIO()
    setup_logging(fmt, secrets=[TOKEN, WEBHOOK], stream=out)
    log = logging.getLogger("monitor.test")
    log.error("bad token %s", TOKEN)
    log.warning("webhook", extra={"url": WEBHOOK})
    log.warning("404 for /services/T000/B000/s3cr3tpath")  # the path alone is the secret
    log.warning(
        "url-encoded: %s", "https%3A%2F%2Fhooks.slack.example%2Fservices%2FT000%2FB000%2Fs3cr3tpath"
    )
    try:
        raise ValueError(f"Authorization: Bearer {TOKEN}")
    except ValueError:
        log.exception("request failed")
    text = out.getvalue()
    assert TOKEN not in text and "s3cr3tpath" not in text
    # Text lines leave extra fields out; JSON carries them, scrubbed too.
    assert text.count("[secret]") == {"text": 4, "json": 5}[fmt]
    assert "request failed" in text and "ValueError" in text  # the rest of the line stays


def test_short_values_are_not_treated_as_secrets() -> None:
    scrub = Scrubber(["abc", ""])
    assert scrub("abc abc") == "abc abc"


def test_scrubber_reaches_into_reports() -> None:
    scrub = Scrubber([TOKEN])
    report = {"sources": [{"last_error": f"401: {TOKEN}"}], "n": 3, "none": None}
    assert scrub.deep(report) == {
        "sources": [{"last_error": "401: [secret]"}],
        "n": 3,
        "none": None,
    }
