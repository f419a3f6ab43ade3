"""Stories: syndicated copies group, different stories stay apart, denials link to the
claim they answer, and a claim's status moves."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.console import ConsoleNotifier
from tests.conftest import make_config, rss
from tests.sql import query


@pytest.fixture
def db_path(db_target: str) -> str:
    """This module runs on both backends: SQLite and Postgres."""
    return db_target


TALKS = "Ford held talks with Xiaomi on US electric vehicle venture"
TALKS_BODY = (
    "Ford has held talks with Xiaomi about a joint venture to build electric vehicles "
    "in the US, according to people familiar with the matter."
)


class Newsroom:
    """Feeds whose items can be added between polls, each feed its own outlet."""

    def __init__(self, server: HTTPServer, names: list[str]) -> None:
        self.items: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
        for name in names:
            server.expect_request(f"/{name}.xml").respond_with_handler(
                lambda request, name=name: _respond(rss(self.items[name], f"Outlet {name}"))
            )
        self.sources = [{"name": n, "url": server.url_for(f"/{n}.xml")} for n in names]
        self.count = 0

    def publish(self, feed: str, title: str, description: str = "", **extra: Any) -> None:
        self.count += 1
        self.items[feed].append(
            {
                "title": title,
                "description": description,
                "link": f"https://{feed}.example.com/{self.count}",
                "published": datetime.now(UTC) - timedelta(minutes=5),
                **extra,
            }
        )


def _respond(body: str):  # type: ignore[no-untyped-def]
    from werkzeug import Response

    return Response(body, content_type="application/rss+xml")


def _open(newsroom: Newsroom, db: Path, out: io.StringIO, extra_sources=()) -> Monitor:
    config = make_config([*newsroom.sources, *extra_sources])
    return Monitor(config, Environment(), db, notifiers={"console": ConsoleNotifier(out)})


def _events(monitor: Monitor) -> list[tuple[str, int | None, str | None]]:
    rows = query(monitor.store, "SELECT kind, story_id, voice FROM events ORDER BY id")
    return [(r["kind"], r["story_id"], r["voice"]) for r in rows]


def test_syndicated_copies_form_one_story_and_another_story_stays_apart(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a", "b", "c"])
    room.publish("a", TALKS, TALKS_BODY)
    room.publish("b", f"{TALKS} - FT", TALKS_BODY)
    room.publish("b", f"{TALKS}, FT reports", TALKS_BODY)
    room.publish("c", "Ford reportedly held talks with Xiaomi on US EV venture", TALKS_BODY)
    room.publish("c", f"{TALKS}: report", TALKS_BODY)
    # The same companies, another story: must not merge with the talks.
    room.publish(
        "a",
        "Ford and Xiaomi are said to plan a joint recall of in-car chargers",
        "The recall would cover 40,000 chargers sold with the F-150 Lightning.",
    )
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        stories = query(monitor.store, "SELECT id, title, kind FROM stories ORDER BY id")
        members = query(
            monitor.store,
            "SELECT story_id, count(*) AS n FROM items GROUP BY story_id ORDER BY story_id",
        )
    assert [s["kind"] for s in stories] == ["claim", "claim"]
    assert [m["n"] for m in members] == [5, 1]
    assert out.getvalue().count("[CLAIM]") == 2


def test_denials_link_to_the_claim_and_alert_once_per_voice(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a", "b", "c", "d"])
    room.publish("a", TALKS, TALKS_BODY)
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        room.publish("b", "Ford calls report of Xiaomi talks 'completely false and baseless'")
        room.publish("c", "Ford denies report it held talks with Xiaomi")  # same voice again
        room.publish("d", "Xiaomi says it is not negotiating to enter the US market")
        monitor.poll()
        events = _events(monitor)
        claim = query(
            monitor.store, "SELECT id, status, status_by FROM stories WHERE kind = 'claim'"
        )[0]
    assert events[0][0] == "new_claim"
    denials = [e for e in events if e[0] == "denial"]
    assert {e[2] for e in denials} == {"ford", "xiaomi"}  # one per voice
    assert all(e[1] == claim["id"] for e in denials)  # filed under the claim: threaded
    assert claim["status"] == "denied"
    assert out.getvalue().count("[DENIAL]") == 2


def test_a_denial_of_an_unseen_claim_still_alerts(httpserver: HTTPServer, db_path: Path) -> None:
    room = Newsroom(httpserver, ["a", "b"])
    room.publish("a", TALKS, TALKS_BODY)
    room.publish("b", "BYD denies report it will build a plant in Canada")
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        events = _events(monitor)
    denial = next(e for e in events if e[0] == "denial")
    assert denial[2] == "byd"
    assert "in answer to a claim monitor has not seen" in out.getvalue()
    # It did not attach to the Ford–Xiaomi claim.
    claim_id = next(e[1] for e in events if e[0] == "new_claim")
    assert denial[1] != claim_id


def test_a_denial_of_a_different_claim_is_not_linked(httpserver: HTTPServer, db_path: Path) -> None:
    room = Newsroom(httpserver, ["a", "b"])
    room.publish("a", TALKS, TALKS_BODY)
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        room.publish("b", "Ford denies report of F-150 Lightning recall over brake fault")
        monitor.poll()
        claim = query(monitor.store, "SELECT status FROM stories WHERE kind = 'claim'")[0]
    assert claim["status"] == "reported"
    assert "has not seen" in out.getvalue()


def test_status_moves_reported_spreading_denied_and_official_outranks_press(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a", "b", "c", "d", "e", "f"])
    official = {
        "name": "ford-newsroom",
        "url": httpserver.url_for("/ford.xml"),
        "authority": "official",
        "company": "ford",
    }
    ford_items: list[dict[str, Any]] = []
    httpserver.expect_request("/ford.xml").respond_with_handler(
        lambda request: _respond(rss(ford_items, "Ford Media"))
    )
    room.publish("a", TALKS, TALKS_BODY)
    out = io.StringIO()
    with _open(room, db_path, out, [official]) as monitor:
        monitor.poll()
        status = [query(monitor.store, "SELECT status FROM stories ORDER BY id")[0]["status"]]
        for feed in "bcd":
            room.publish(feed, f"{TALKS} - report", TALKS_BODY)
        monitor.poll()
        status.append(query(monitor.store, "SELECT status FROM stories ORDER BY id")[0]["status"])
        ford_items.append(
            {
                "title": "Statement: reports of talks with Xiaomi are false",
                "link": "https://media.ford.com/statement-xiaomi",
                "description": "Ford is not in talks with Xiaomi.",
            }
        )
        monitor.poll()
        status.append(query(monitor.store, "SELECT status FROM stories ORDER BY id")[0]["status"])
        # A later third-party report that Ford confirmed does not outrank its own channel.
        room.publish("e", "Ford confirms talks with Xiaomi on US EV venture, blog says")
        monitor.poll()
        status.append(
            query(monitor.store, "SELECT status FROM stories WHERE kind = 'claim'")[0]["status"]
        )
        kinds = [e[0] for e in _events(monitor)]
    assert status == ["reported", "spreading", "denied", "denied"]
    assert kinds[:3] == ["new_claim", "story_spreading", "denial"]
    assert "Ford (official) denies" in out.getvalue()


def test_an_announcement_that_answers_no_claim_is_stored_not_alerted(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a"])
    room.publish("a", "BYD announces its Hungary plant will open in 2026")
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        summary = monitor.poll()
        stance = query(monitor.store, "SELECT stance FROM items")[0]["stance"]
    assert stance == "confirmation"
    assert summary.events == 0 and out.getvalue() == ""


def test_story_keys_outside_the_window_are_pruned(httpserver: HTTPServer, db_path: Path) -> None:
    room = Newsroom(httpserver, ["a"])
    room.publish("a", TALKS, TALKS_BODY)
    with _open(room, db_path, io.StringIO()) as monitor:
        monitor.poll()
        before = query(monitor.store, "SELECT count(*) AS n FROM story_bands")[0]["n"]
        kept = monitor.store.prune_story_bands(datetime.now(UTC) - timedelta(days=3))
        pruned = monitor.store.prune_story_bands(datetime.now(UTC) + timedelta(days=1))
        after = query(monitor.store, "SELECT count(*) AS n FROM story_bands")[0]["n"]
        stories = query(monitor.store, "SELECT count(*) AS n FROM stories")[0]["n"]
    assert before > 0 and kept == 0 and pruned == before and after == 0
    assert stories == 1  # the story itself stays


def test_a_denial_seen_before_its_claim_is_linked_when_the_claim_arrives(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a", "b"])
    room.publish("a", "BYD denies report it plans a car plant in Mexico")
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        room.publish("b", "BYD plans a car plant in Mexico, people familiar say")
        monitor.poll()
        claim = query(monitor.store, "SELECT id, status FROM stories WHERE kind = 'claim'")[0]
        denial = query(monitor.store, "SELECT answers_story_id FROM stories WHERE kind = 'denial'")
    assert denial[0]["answers_story_id"] == claim["id"]
    assert claim["status"] == "denied"


def test_first_poll_is_a_backfill_but_later_items_alert_whatever_their_date(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a"])
    room.publish("a", TALKS, TALKS_BODY, published=datetime.now(UTC) - timedelta(days=5))
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        first = monitor.poll()
        # An aggregator publishes late: a new item dated 50 hours ago still alerts.
        room.publish(
            "a",
            "BYD is said to weigh a plant in Canada",
            published=datetime.now(UTC) - timedelta(hours=50),
        )
        second = monitor.poll()
    assert first.new_items == 1 and first.events == 0
    assert second.new_items == 1 and second.events == 1
    assert out.getvalue().count("[CLAIM]") == 1 and "Canada" in out.getvalue()


def test_undated_items_on_a_new_source_are_stored_silently(
    httpserver: HTTPServer, db_path: Path
) -> None:
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>BYD</title>'
        + "".join(
            f"<item><title>BYD denies report number {i} about a plant</title>"
            f"<link>https://byd.example/{i}</link></item>"
            for i in range(5)
        )
        + "</channel></rss>"
    )
    httpserver.expect_request("/undated.xml").respond_with_data(body)
    config = make_config(
        [
            {
                "name": "byd",
                "url": httpserver.url_for("/undated.xml"),
                "authority": "official",
                "company": "byd",
            }
        ]
    )
    with Monitor(config, Environment(), db_path, notifiers={}) as monitor:
        summary = monitor.poll()
    assert summary.new_items == 5 and summary.events == 0


def test_a_claim_relayed_in_other_words_joins_the_claims_story(
    httpserver: HTTPServer, db_path: Path
) -> None:
    """A journalist's post relays the scoop in other words: one claim thread, and both
    denials under it (issue: the same claim arrived as two stories)."""
    room = Newsroom(httpserver, ["ft", "x", "ford", "xiaomi"])
    room.publish("ft", TALKS, TALKS_BODY)
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        room.publish(
            "x", "Ford and Xiaomi reportedly discussed a partnership to make EVs in America"
        )
        monitor.poll()
        room.publish("ford", "Ford says the report is completely false and baseless")
        room.publish("xiaomi", "Xiaomi denies it is negotiating to enter the US market")
        monitor.poll()
        stories = query(monitor.store, "SELECT id, kind, answers_story_id FROM stories")
    claims = [s for s in stories if s["kind"] == "claim"]
    assert len(claims) == 1, stories
    denials = [s for s in stories if s["kind"] == "denial"]
    assert len(denials) == 2 and {d["answers_story_id"] for d in denials} == {claims[0]["id"]}


def test_claims_about_the_same_companies_in_other_places_stay_apart(
    httpserver: HTTPServer, db_path: Path
) -> None:
    room = Newsroom(httpserver, ["a", "b"])
    room.publish("a", "Ford in talks with Xiaomi on a battery plant in Spain, sources say")
    out = io.StringIO()
    with _open(room, db_path, out) as monitor:
        monitor.poll()
        room.publish("b", "Ford in talks with Xiaomi on a battery plant in Mexico, sources say")
        monitor.poll()
        claims = query(monitor.store, "SELECT id FROM stories WHERE kind = 'claim'")
    assert len(claims) == 2


def test_reports_of_one_real_event_make_one_story() -> None:
    """Real headlines and ledes of the corpus's story clusters (eval_data/real), through
    the pipeline's own analysis, placement and recording: a floor, the figures are in
    the corpus README."""
    from monitor.config import load_config
    from monitor.eval import load_set, real_companies
    from monitor.eval_stories import score_clusters
    from tests.conftest import ROOT

    companies = real_companies(load_config(ROOT / "config" / "monitor.toml").companies)
    scores = score_clusters(load_set("real-dev"), companies)
    assert scores.claims >= 50 and scores.clusters >= 20
    # All events at one moment is the hardest case: batches b8 and b9 added different
    # events about one company close in time on purpose (Tesla's plant in India and in
    # Saudi Arabia; Oracle and Cerner, Oracle and TikTok), which took precision there
    # from 0.90 to 0.85 (corpus README). In their years, it holds 0.93.
    assert scores.precision >= 0.84 and scores.recall >= 0.65, scores
    in_years = score_clusters(load_set("real-dev"), companies, by_year=True)
    assert in_years.precision >= 0.92 and in_years.recall >= 0.67, in_years
