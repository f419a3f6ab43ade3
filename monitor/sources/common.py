"""Helpers that every kind of source shares: plain text, length caps, sane dates."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

__all__ = ["MAX_SUMMARY", "MAX_TITLE", "clip", "plain_text", "sane_date"]

MAX_TITLE = 500
MAX_SUMMARY = 2000
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)  # before RSS existed: a placeholder date
_FUTURE_SLACK = timedelta(days=2)  # clocks and time zones differ; next year does not

_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_BLOCK = re.compile(r"<(?:br|/p|/div|/li|/h\d|/tr)\b[^>]*>", re.I)
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064]")


def plain_text(value: str | None) -> str:
    """Text without markup, entities decoded, control characters and runs of spaces gone."""
    if not value:
        return ""
    if "<" in value:
        value = _TAG.sub(" ", _BLOCK.sub(" ", value))
    if "&" in value:
        value = html.unescape(value)
    value = _CONTROL.sub("", value)
    return _SPACE.sub(" ", value).strip()


def clip(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def sane_date(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """A publication date, or None when it is missing or absurd (1970, next year)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if value < _EARLIEST or value > now + _FUTURE_SLACK:
        return None
    return value.astimezone(UTC)
