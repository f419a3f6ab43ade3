"""Build an Alert from what the database holds now (so "also reported by" is current)."""

from __future__ import annotations

import json

from ..config import Config
from ..models import EventKind
from ..storage import Store, parse_iso
from . import Alert

__all__ = ["load_alert", "status_line"]


def _name(config: Config, company_id: str | None) -> str:
    if not company_id:
        return ""
    for company in config.companies:
        if company.id == company_id:
            return company.name
    return company_id


def status_line(config: Config, status: str | None, statements: list[list[object]]) -> str:
    """'DENIED by Ford (official) and Xiaomi', 'SPREADING', 'REPORTED'."""
    if not status:
        return ""
    kind = {"denied": "denial", "confirmed": "confirmation"}.get(status)
    if kind is None:
        return status.upper()
    parties: list[str] = []
    for statement_kind, party, official in statements:
        if statement_kind != kind:
            continue
        label = _name(config, str(party)) or "a party"
        if official:
            label += " (official)"
        if label not in parties and f"{label} (official)" not in parties:
            parties = [p for p in parties if p != label.removesuffix(" (official)")]
            parties.append(label)
    if not parties:
        return status.upper()
    names = parties[0] if len(parties) == 1 else ", ".join(parties[:-1]) + " and " + parties[-1]
    return f"{status.upper()} by {names}"


def load_alert(store: Store, config: Config, event_id: int, with_root: bool = True) -> Alert:
    row = store.event_with_item(event_id)
    if row is None:
        raise LookupError(f"no event {event_id}")
    kind = EventKind(row["kind"])
    payload = json.loads(row["payload"] or "{}")
    if kind in (EventKind.SOURCE_UNHEALTHY, EventKind.SOURCE_RECOVERED):
        return Alert(
            event_id=event_id,
            kind=kind,
            installation=store.installation_id(),
            source=row["event_source"] or "",
            error=str(payload.get("error") or ""),
            url=str(payload.get("url") or ""),
            created_at=parse_iso(row["created_at"]),
        )
    if kind is EventKind.SPIKE:
        return Alert(
            event_id=event_id,
            kind=kind,
            installation=store.installation_id(),
            created_at=parse_iso(row["created_at"]),
            companies=(_name(config, str(payload.get("company") or "")),),
            outlets=tuple(str(o) for o in payload.get("outlets") or ()),
            window=str(payload.get("window") or ""),
            count=int(payload.get("count") or 0),
            usual=float(payload.get("usual") or 0.0),
            stories=tuple(
                (str(s.get("title") or ""), str(s.get("url") or ""))
                for s in payload.get("stories") or ()
            ),
        )
    story = store.story_record(row["story_id"])
    statements = json.loads(story["status_by"] or "[]")
    company_ids = tuple(str(c) for c in json.loads(story["companies"]))
    companies = tuple(_name(config, c) for c in company_ids)
    outlets: tuple[str, ...] = tuple(json.loads(story["outlets"]))
    if kind in (EventKind.DENIAL, EventKind.CONFIRMATION) and row["item_story_id"]:
        # The denial's own story: who else reported this denial.
        outlets = tuple(store.story_outlets(row["item_story_id"]))
    root_event_id = None
    root = None
    if kind is not EventKind.NEW_CLAIM and story["kind"] == "claim":
        root_event_id = store.claim_event_id(story["id"])
        if root_event_id is not None and with_root:
            root = load_alert(store, config, root_event_id, with_root=False)
    official = row["authority"] == "official"
    return Alert(
        event_id=event_id,
        kind=kind,
        installation=store.installation_id(),
        story_id=story["id"],
        headline=row["title"] or story["title"],
        url=row["url"] or "",
        outlet=row["outlet"] or "",
        authority=row["authority"] or "press",
        published_at=parse_iso(row["published_at"]),
        created_at=parse_iso(row["created_at"]),
        companies=companies,
        company_ids=company_ids,
        outlets=outlets,
        party=_name(config, row["voice"]) or None,
        official=official,
        quote=row["title"] or "",
        cue=row["stance_cue"] or "",
        status=story["status"],
        status_line=status_line(config, story["status"], statements),
        claim_headline=story["title"] if story["kind"] == "claim" else "",
        claim_url=_first_url(store, story["first_item_id"]),
        root_event_id=root_event_id,
        root=root,
    )


def _first_url(store: Store, item_id: int | None) -> str:
    if item_id is None:
        return ""
    return store.item_url(item_id)
