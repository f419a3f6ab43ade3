"""Logging: one line per event worth knowing, text on a terminal and JSON in a
container, with every secret scrubbed from every line.

Scrubbing happens on the finished line (message, extra fields and traceback
alike), so no formatter or `extra={...}` can let a secret through.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

__all__ = ["Scrubber", "setup_logging"]

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}
_NOISY = ("httpx", "httpcore", "apscheduler", "slack_sdk", "urllib3", "asyncio", "tzlocal")
REDACTED = "[secret]"


class Scrubber:
    """Replaces every secret, and the forms it takes in URLs and JSON, with [secret]."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) < 4:
                continue
            forms |= {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}
            parts = urlsplit(secret)
            if parts.scheme and parts.netloc and len(parts.path) > 8:
                # A webhook URL's secret is its path: errors often quote the path alone.
                forms.add(parts.path)
        # Longest first, so that a secret containing another is replaced whole.
        self.forms = sorted((f for f in forms if len(f) >= 4), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self.forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def deep(self, value: Any) -> Any:
        """Scrub every string inside lists, tuples and dicts (for reports)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value


class _ScrubbingHandler(logging.StreamHandler):  # type: ignore[type-arg, unused-ignore]
    def __init__(self, stream: TextIO, scrub: Scrubber) -> None:
        super().__init__(stream)
        self.scrub = scrub

    def format(self, record: logging.LogRecord) -> str:
        return self.scrub(super().format(record))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(
            {
                k: v
                for k, v in record.__dict__.items()
                if k not in _STANDARD and not k.startswith("_")
            }
        )
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, default=str, ensure_ascii=False)


def setup_logging(
    fmt: str | None,
    secrets: Sequence[str] = (),
    level: int = logging.INFO,
    stream: TextIO | None = None,
) -> None:
    """Configure the root logger once: `fmt` is 'text', 'json' or None (text on a tty)."""
    stream = stream or sys.stderr
    if fmt is None:
        fmt = "text" if stream.isatty() else "json"
    handler = _ScrubbingHandler(stream, Scrubber(secrets))
    if fmt == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
