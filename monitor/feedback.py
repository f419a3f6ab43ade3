"""Feedback from the alerts' buttons: a person tells monitor it got one wrong.

Four presses, on claim, denial and confirmation alerts:
- "Not about <company>" and "Not a claim" (or "Not a denial"...): stored as corrections.
  Nothing already sent is taken back; the digest shows the correction, and
  `monitor feedback export` writes the corrected items as labelled rows of the detection
  corpus, for `monitor train`.
- "Wrong thread": the denial or confirmation did not answer that claim. It is taken off
  the claim, whose status is worked out again from the answers it still has.
- "Mute story for 24 h": the story raises no alert until the mute expires (its events are
  still recorded, for the status and the digest).

`parse_presses` reads Slack's `block_actions` payload (plain data in); `FeedbackDesk`
records what a press means and says, in a line, what it did.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .events import claim_status
from .models import utcnow
from .notify.blocks import FEEDBACK_ACTION
from .storage import Store, iso

__all__ = ["ACTION_PREFIX", "MUTE_FOR", "FeedbackDesk", "Press", "export_rows", "parse_presses"]

log = logging.getLogger(__name__)

ACTION_PREFIX = FEEDBACK_ACTION  # action_id = monitor_feedback:<action>[:<company>]
ACTIONS = ("not_about", "not_stance", "wrong_thread", "mute")
MUTE_FOR = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Press:
    """One button pressed on one alert."""

    action: str  # not_about | not_stance | wrong_thread | mute
    company: str | None
    event_id: int
    installation: str
    user_id: str
    user_name: str
    channel: str  # where to answer: the alert's channel and thread
    thread_ts: str


def parse_presses(payload: dict[str, Any]) -> list[Press]:
    """The presses of monitor's buttons in a `block_actions` payload (others ignored)."""
    if payload.get("type") != "block_actions":
        return []
    user = payload.get("user") or {}
    container = payload.get("container") or {}
    channel = str(container.get("channel_id") or (payload.get("channel") or {}).get("id") or "")
    thread_ts = str(container.get("thread_ts") or container.get("message_ts") or "")
    presses = []
    for action in payload.get("actions") or []:
        parts = str(action.get("action_id") or "").split(":")
        if parts[0] != ACTION_PREFIX or len(parts) < 2 or parts[1] not in ACTIONS:
            continue
        try:
            value = json.loads(action.get("value") or "{}")
            event_id = int(value["e"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a feedback button with an unreadable value")
            continue
        presses.append(
            Press(
                action=parts[1],
                company=parts[2] if len(parts) > 2 else None,
                event_id=event_id,
                installation=str(value.get("i") or ""),
                user_id=str(user.get("id") or "someone"),
                user_name=str(user.get("username") or user.get("name") or ""),
                channel=channel,
                thread_ts=thread_ts,
            )
        )
    return presses


class FeedbackDesk:
    def __init__(
        self,
        store: Store,
        company_names: dict[str, str],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.names = company_names
        self.clock = clock

    def apply(self, press: Press) -> str | None:
        """Record a press and carry out what it means; the acknowledgement to post in the
        alert's thread, or None for a press that is not this database's."""
        if press.installation and press.installation != self.store.installation_id():
            return None  # another installation's alert in a shared channel: not ours
        event = self.store.event_with_item(press.event_id)
        if event is None or event["story_id"] is None:
            log.warning("feedback on event %s, which this database does not hold", press.event_id)
            return None
        now = self.clock()
        row: dict[str, Any] = {
            "created_at": iso(now),
            "user_id": press.user_id,
            "user_name": press.user_name or None,
            "action": press.action,
            "company": press.company,
            "event_id": press.event_id,
            "story_id": event["story_id"],
            "item_id": event["item_id"],
        }
        who = f"<@{press.user_id}>"
        with self.store.transaction("recording feedback"):
            if press.action == "mute":
                until = now + MUTE_FOR
                row["expires_at"] = iso(until)
                self.store.add_feedback(row)
                answer = (
                    f"{who} muted this story until {until:%a %H:%M} UTC: it raises no alert "
                    "until then."
                )
            elif press.action == "wrong_thread":
                self.store.add_feedback(row)
                answer = f"{who}: {self._unlink(event)}"
            else:
                kind = event["kind"].removeprefix("new_")
                row["stance"] = kind
                self.store.add_feedback(row)
                what = (
                    f"not about {self.names.get(press.company or '', press.company)}"
                    if press.action == "not_about"
                    else f"not a {kind}"
                )
                answer = (
                    f"Thanks, {who}: noted as *{what}*. Nothing already sent is taken back; "
                    "the digest shows the correction."
                )
        log.info("feedback on event %s: %s by %s", press.event_id, press.action, press.user_id)
        return answer

    def _unlink(self, event: dict[str, Any]) -> str:
        """A denial or confirmation filed under the wrong claim: taken off it, and the
        claim's status worked out again from the answers it still has."""
        answer_story = event["item_story_id"]
        claim_id = event["story_id"]
        if answer_story is None or answer_story == claim_id:
            return "noted; this alert is not filed under another story."
        self.store.update_story(answer_story, answers_story_id=None)
        statements = [
            (str(a["kind"]), str(a["party"] or ""), self.store.story_is_official(a["id"]))
            for a in self.store.answers_to(claim_id)
            if a["kind"] in ("denial", "confirmation")
        ]
        claim = self.store.story(claim_id)
        status = claim_status(statements, claim.outlet_count)
        self.store.update_story(claim_id, status_by=json.dumps(statements), status=status)
        return f"noted as *wrong thread*: taken off this claim, whose status is now {status}."


def export_rows(store: Store) -> list[dict[str, Any]]:
    """The corrected items as rows of the detection corpus (eval_data/real's format)."""
    rows = []
    for found in store.corrected_items():
        entities = store.item_companies(found["item_id"])
        stance = found["stance"] or "neutral"
        if found["action"] == "not_about":
            entities = [c for c in entities if c != found["company"]]
        else:
            stance = "neutral"  # what it is instead is not said: "not a claim" is neutral
        rows.append(
            {
                "text": found["title"],
                "url": found["url"],
                "kind": "headline",
                "entities": sorted(entities),
                "stance": stance,
                "labelled_by": f"slack:{found['user_name'] or found['user_id']}",
                "feedback": found["action"]
                + (f":{found['company']}" if found["action"] == "not_about" else ""),
                "corrected_at": found["created_at"],
            }
        )
    return rows
