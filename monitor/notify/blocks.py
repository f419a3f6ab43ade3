"""Block Kit for one alert, built for a reader who glances, with every piece of feed text
escaped so that a headline can neither ping a channel nor forge a link.

Slack's limits hold: a header of 150 characters, 3,000 per section, 50 blocks. Feed
text is clipped *before* it is escaped, so a cut never splits an entity or a link.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlsplit

from ..models import EventKind
from . import Alert

__all__ = [
    "build_blocks",
    "escape",
    "fallback_text",
    "feedback_actions",
    "safe_link",
    "summary_blocks",
    "summary_text",
]

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
BLOCK_LIMIT = 50
HEADLINE_LIMIT = 300
QUOTE_LIMIT = 1200
OUTLETS_SHOWN = 12
_MENTION = re.compile(r"@(here|channel|everyone)\b", re.I)
# Slack's mrkdwn has no escape for its formatting characters. In feed text, a character
# that appears twice (and so could open and close bold, italic, strike or code) becomes a
# look-alike Slack does not parse: a headline cannot format itself, nor imitate monitor's
# own "*Ford* _(official channel)_ denies:" line. A single "*" or "~" stays as written.
_FORMATTING = {"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb"}
# Bidirectional embeddings, overrides and isolates can make a line read backwards.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ICONS = {
    EventKind.NEW_CLAIM: "🟠",
    EventKind.DENIAL: "🔴",
    EventKind.CONFIRMATION: "🟢",
    EventKind.STORY_SPREADING: "📣",
    EventKind.SOURCE_UNHEALTHY: "⚠️",
    EventKind.SOURCE_RECOVERED: "✅",
    EventKind.SPIKE: "📈",
}
_STATUS_ICONS = {"denied": "🔴", "confirmed": "🟢", "spreading": "📣", "reported": "🟠"}


def escape(text: str) -> str:
    """Feed text as harmless mrkdwn: no markup, no formatting, no links, no @channel pings."""
    text = _BIDI.sub("", text)
    for char, look_alike in _FORMATTING.items():
        if text.count(char) > 1:
            text = text.replace(char, look_alike)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u200b\\1", text)


def _defuse_plain(text: str) -> str:
    """plain_text is not parsed by Slack; still break anything that looks like a ping."""
    return _MENTION.sub("@\u200b\\1", _BIDI.sub("", text).replace("<!", "<\u200b!"))


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_units(text: str, limit: int) -> str:
    """Clip to `limit` UTF-16 code units, the unit Slack's text limits are counted in: an
    emoji such as 🟠 is two, so a header that starts with one and is clipped to 150
    Python characters could be 151 and answer invalid_blocks."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    out, used = [], 1  # room for the ellipsis
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > limit:
            break
        out.append(char)
        used += size
    return "".join(out).rstrip() + "…"


def safe_link(url: str, label: str, limit: int = HEADLINE_LIMIT) -> str:
    """<url|label> with a URL that cannot break out of the link syntax (else just the label)."""
    label = escape(clip(label, limit)) or "link"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        return label
    # '|', '<', '>' and spaces are percent-encoded; '&' becomes the entity Slack expects.
    cleaned = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")
    return f"<{cleaned}|{label}>"


def _when(alert: Alert) -> str:
    moment = alert.published_at or alert.created_at
    if moment is None:
        return "time unknown"
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def fallback_text(alert: Alert) -> str:
    """The plain `text` that goes with the blocks (notifications, old clients, search)."""
    if alert.kind in (EventKind.SOURCE_UNHEALTHY, EventKind.SOURCE_RECOVERED):
        return escape(clip(f"{alert.label}: {alert.source} {alert.error}".strip(), 1000))
    who = ", ".join(alert.companies) or "no company named"
    if alert.kind is EventKind.SPIKE:
        return escape(clip(f"Spike ({who}): {alert.spike_line}", 1000))
    if alert.kind in (EventKind.DENIAL, EventKind.CONFIRMATION):
        party = (alert.party or "a party") + (" (official)" if alert.official else "")
        text = f"{alert.label} by {party}: {alert.headline} — {alert.outlet}"
    else:
        label = f"{alert.label} ({who})"
        if alert.kind is EventKind.NEW_CLAIM and alert.status not in (None, "reported"):
            label += f", {alert.status_line}"
        text = f"{label}: {alert.headline} — {alert.outlet}"
    return escape(clip(text, 1000))


def build_blocks(alert: Alert, threaded: bool) -> list[dict[str, Any]]:
    """The blocks of one alert; `threaded` says it is a reply under its claim."""
    icon = _ICONS.get(alert.kind, "")
    if alert.kind in (EventKind.SOURCE_UNHEALTHY, EventKind.SOURCE_RECOVERED):
        return _health_blocks(alert, icon)
    if alert.kind is EventKind.SPIKE:
        return _spike_blocks(alert, icon)
    who = ", ".join(alert.companies) or "no company named"
    blocks = [_header(f"{icon} {alert.label} · {who}")]
    if alert.kind is EventKind.NEW_CLAIM and alert.status not in (None, "reported"):
        status_icon = _STATUS_ICONS.get(alert.status or "", "")
        blocks.append(_section(f"{status_icon} *{escape(alert.status_line)}*"))
    if alert.kind in (EventKind.DENIAL, EventKind.CONFIRMATION):
        verb = "denies" if alert.kind is EventKind.DENIAL else "confirms"
        party = escape(alert.party or "A party")
        official = " _(official channel)_" if alert.official else ""
        quote_text = escape(clip(alert.quote or alert.headline, QUOTE_LIMIT))
        blocks.append(_section(f"*{party}*{official} {verb}:\n>{quote_text}"))
        if (alert.quote or alert.headline) == alert.headline:  # a post: its words are its title
            blocks.append(_section("Source: " + safe_link(alert.url, alert.outlet or "link")))
        else:
            blocks.append(_section(safe_link(alert.url, alert.headline)))
        if not threaded:
            if alert.claim_headline:
                claim = safe_link(alert.claim_url, alert.claim_headline)
                blocks.append(_section(f"_In answer to the claim:_\n>{claim}"))
            else:
                blocks.append(_section("_In answer to a claim monitor has not seen._"))
    elif alert.kind is EventKind.STORY_SPREADING:
        blocks.append(_section(f"*{safe_link(alert.url, alert.headline)}*"))
        shown = ", ".join(escape(clip(o, 80)) for o in alert.outlets[:OUTLETS_SHOWN])
        more = len(alert.outlets) - OUTLETS_SHOWN
        more_text = f" and {more} more" if more > 0 else ""
        blocks.append(
            _section(f"Now carried by {_plural(len(alert.outlets), 'outlet')}: {shown}{more_text}")
        )
    else:
        blocks.append(_section(f"*{safe_link(alert.url, alert.headline)}*"))
    blocks.append(_context(alert))
    return blocks[:BLOCK_LIMIT]


def _context(alert: Alert) -> dict[str, Any]:
    authority = "official channel" if alert.official else alert.authority
    parts = [f"{escape(clip(alert.outlet, 100)) or 'unknown outlet'} ({authority})", _when(alert)]
    if alert.also_reported and alert.kind is not EventKind.STORY_SPREADING:
        parts.append(f"also reported by {_plural(alert.also_reported, 'outlet')}")
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(parts)}]}


def _health_blocks(alert: Alert, icon: str) -> list[dict[str, Any]]:
    lines = [f"*Source* `{escape(clip(alert.source, 100))}`"]
    if alert.url:
        lines.append(f"*URL* {safe_link(alert.url, alert.url)}")
    if alert.error:
        lines.append(f"*Error* {escape(clip(alert.error, 500))}")
    if alert.kind is EventKind.SOURCE_UNHEALTHY:
        lines.append("_Polled less often until it answers again; see `monitor status`._")
    return _titled(f"{icon} {alert.label}: {alert.source}", lines, alert)


def _spike_blocks(alert: Alert, icon: str) -> list[dict[str, Any]]:
    who = ", ".join(alert.companies) or "a company"
    lines = [f"*{escape(alert.spike_line)}*"]
    if alert.stories:
        lines.append("Driven by:")
        lines += [f"• {safe_link(url, title)}" for title, url in alert.stories]
    if alert.outlets:
        shown = ", ".join(escape(clip(o, 80)) for o in alert.outlets[:OUTLETS_SHOWN])
        lines.append(f"Most from: {shown}")
    return _titled(f"{icon} Spike · {who}", lines, alert)


def _titled(title: str, lines: list[str], alert: Alert) -> list[dict[str, Any]]:
    """A header, one section of lines, and when it happened: the shape of the alerts
    about no single article (a source's health, a spike)."""
    blocks = [_header(title), _section("\n".join(lines))]
    if alert.created_at is not None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _when(alert)}]})
    return blocks


# Block Kit: a button's text at most 75 characters, its value 2,000, an actions block 25
# elements (docs.slack.dev/reference/block-kit/block-elements/button-element).
BUTTON_TEXT_LIMIT = 75
NOT_ABOUT_BUTTONS = 3
# A button's action_id is FEEDBACK_ACTION:<action>[:<company>] (monitor/feedback.py reads it).
FEEDBACK_ACTION = "monitor_feedback"


def feedback_actions(alert: Alert) -> dict[str, Any] | None:
    """The feedback buttons of a claim, denial or confirmation (monitor/feedback.py)."""
    if alert.kind not in (EventKind.NEW_CLAIM, EventKind.DENIAL, EventKind.CONFIRMATION):
        return None
    value = json.dumps({"e": alert.event_id, "i": alert.installation}, separators=(",", ":"))
    named = list(zip(alert.company_ids, alert.companies, strict=False))[:NOT_ABOUT_BUTTONS]
    buttons = [(f"Not about {name}", f"not_about:{cid}") for cid, name in named]
    buttons.append((f"Not a {alert.label.lower()}", "not_stance"))
    if alert.kind is not EventKind.NEW_CLAIM:
        buttons.append(("Wrong thread", "wrong_thread"))
    buttons.append(("Mute story for 24 h", "mute"))
    return {
        "type": "actions",
        "block_id": f"{FEEDBACK_ACTION}_{alert.event_id}",
        "elements": [
            {
                "type": "button",
                "text": {
                    "type": "plain_text",
                    "text": clip(_defuse_plain(text), BUTTON_TEXT_LIMIT),
                    "emoji": False,
                },
                "action_id": f"{FEEDBACK_ACTION}:{action}",
                "value": value,
            }
            for text, action in buttons
        ],
    }


def _header(text: str) -> dict[str, Any]:
    return {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": clip_units(_defuse_plain(text), HEADER_LIMIT),
            "emoji": True,
        },
    }


def _section(text: str) -> dict[str, Any]:
    # Every piece was clipped before escaping; this cut is only a last guard.
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip_units(text, SECTION_LIMIT)}}


def summary_blocks(alerts: list[Alert]) -> list[dict[str, Any]]:
    """One message for a burst of claims (a backlog at start-up, a news storm): a line
    each, linked, in as few sections as Slack's limits allow."""
    lines = [
        f"• {safe_link(a.url, a.headline)} — {escape(clip(a.outlet, 80)) or 'unknown outlet'}"
        + (f" ({escape(', '.join(a.companies))})" if a.companies else "")
        for a in alerts
    ]
    sections: list[str] = []
    for line in lines:
        if sections and len(sections[-1]) + 1 + len(line) <= SECTION_LIMIT:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    note = (
        "monitor had more claims waiting than it posts one by one: here they are in one "
        "message. Denials and confirmations of them reply in this thread."
    )
    return [
        _header(f"{_ICONS[EventKind.NEW_CLAIM]} {_plural(len(alerts), 'new claim')}"),
        *(_section(text) for text in sections[: BLOCK_LIMIT - 2]),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
    ]


def summary_text(alerts: list[Alert]) -> str:
    return escape(
        clip(f"{_plural(len(alerts), 'new claim')}: " + "; ".join(a.headline for a in alerts), 1000)
    )
