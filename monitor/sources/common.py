"""Helpers that every kind of source shares: plain text, length caps, sane dates, safe links."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

__all__ = [
    "MAX_SUMMARY",
    "MAX_TITLE",
    "clean_text",
    "clip",
    "plain_text",
    "safe_link",
    "sane_date",
]

MAX_TITLE = 500
MAX_SUMMARY = 2000
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # before RSS existed: a placeholder date
_FUTURE_SLACK = timedelta(days=2)  # clocks and time zones differ; next year does not
_MAX_MARKUP = 100_000  # of a summary's HTML, read before it is clipped to MAX_SUMMARY

# A tag starts with a letter, '/', '!' or '?': "a < b" and Slack's "<@U123>" are text.
_TAG = re.compile(
    r"<(script|style|noscript|template)\b.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)|<[A-Za-z/!?][^<>]*>",
    re.S | re.I,
)
_BLOCK = re.compile(r"<(?:br|/p|/div|/li|/h\d|/tr)\b[^>]*>", re.I)
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def clean_text(value: str | None) -> str:
    """Text as given (it is not markup): control characters and runs of spaces removed."""
    if not value:
        return ""
    return _SPACE.sub(" ", _CONTROL.sub("", value)).strip()


def plain_text(value: str | None) -> str:
    """HTML as text: tags removed, entities decoded once, and tags that double escaping
    revealed removed too, so that no markup survives as tags."""
    if not value:
        return ""
    value = value[:_MAX_MARKUP]
    if "<" in value:
        value = _TAG.sub(" ", _BLOCK.sub(" ", value))
    if "&" in value:
        value = html.unescape(value)
        if "<" in value:
            value = _TAG.sub(" ", value)
    return clean_text(value)


def clip(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def safe_link(url: str) -> str | None:
    """The URL if it is a web link; None for javascript:, data:, file: and the like."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url.strip()


def sane_date(value: datetime | None, now: datetime) -> datetime | None:
    """A publication date, or None when it is missing or absurd (1970, or later than
    `now`, the pipeline's clock, by more than clocks and time zones explain)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value < _EARLIEST or value > now + _FUTURE_SLACK:
        return None
    return value.astimezone(UTC)
