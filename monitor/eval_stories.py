"""`python -m monitor.eval_stories`: do real reports of one event make one story?

The real corpus marks rows about the same real-world event with one `cluster` id (the
same scoop as carried by several outlets, a journalist's post relaying it, and other
events about the same companies). Every row is recorded, in corpus order and at one
moment (the hardest case: every event is inside every window), through exactly the
pipeline's code: `Analyzer`, `StoryMatcher` and `Recorder` on a real SQLite store. With
`by_year`, events whose id names a year (most do: "tesla-india-site-search-ft-apr2024")
are recorded that year, as the story window would see them; the rest stay at one moment.
Then, over the claims: pairwise precision (two claims put in one story are about one
event) and recall (two claims about one event were put in one story); and over the
denials and confirmations: how many answer a claim of their own event.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .analysis import Analyzer
from .analysis.stories import StoryMatcher
from .config import DEFAULT_CONFIG_PATH, Company, load_config
from .eval import load_set, real_companies
from .events import Recorder
from .models import ItemData
from .routing import Router
from .storage import Store

__all__ = ["ClusterScores", "score_clusters"]

MOMENT = datetime(2000, 1, 5, 12, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ClusterScores:
    precision: float
    recall: float
    claims: int
    clusters: int
    answers_linked: int  # denials and confirmations answering a claim of their own event
    answers: int
    answerable: int  # ... of which the event has a claim among the rows (a link is possible)


def _year_offset(cluster: str) -> timedelta:
    found = re.search(r"(?:19|20)\d\d", cluster)
    return timedelta(days=365 * (int(found.group(0)) - 2000)) if found else timedelta(0)


def score_clusters(
    rows: Sequence[dict[str, Any]], companies: Sequence[Company], *, by_year: bool = False
) -> ClusterScores:
    # What a feed carries as an item's title: headlines, ledes and posts, not body text.
    rows = [r for r in rows if r.get("cluster") and r.get("kind") in ("headline", "lede", "post")]
    analyzer = Analyzer(companies)
    matcher = StoryMatcher(timedelta(days=3), timedelta(days=30))
    story_of: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "clusters.db")
        recorder = Recorder(store, Router((), []), timedelta(hours=48))
        for number, row in enumerate(rows):
            url = row["url"]
            item = ItemData(
                source="eval",
                key=f"{url}#{row['id']}",
                url=url,
                title=row["text"],
                outlet=urlsplit(url).hostname or "",
            )
            analysis = analyzer.analyse(item)
            if not analysis.companies:
                continue
            now = MOMENT + timedelta(seconds=number)
            if by_year:
                now += _year_offset(row["cluster"])
            with store.transaction():
                placement = matcher.place(analysis, store, now)
                recorded = recorder.record(item, analysis, placement, now)
            if recorded.story_id is not None:
                story_of[row["id"]] = recorded.story_id
        stories = {r["id"]: store.story(story_of[r["id"]]) for r in rows if r["id"] in story_of}
        store.close()
    claims = [r for r in rows if r["stance"] == "claim" and r["id"] in stories]
    tp = fp = fn = 0
    for a, b in combinations(claims, 2):
        same_event = a["cluster"] == b["cluster"]
        same_story = stories[a["id"]].id == stories[b["id"]].id
        tp += same_event and same_story
        fp += same_story and not same_event
        fn += same_event and not same_story
    claimed_events = {r["cluster"] for r in claims}
    claim_story_events: dict[int, set[str]] = {}
    for row in claims:
        claim_story_events.setdefault(stories[row["id"]].id, set()).add(row["cluster"])
    answers = [r for r in rows if r["stance"] in ("denial", "confirmation") and r["id"] in stories]
    linked = sum(
        1
        for r in answers
        if r["cluster"] in claim_story_events.get(stories[r["id"]].answers_story_id or -1, ())
    )
    return ClusterScores(
        precision=tp / (tp + fp) if tp + fp else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        claims=len(claims),
        clusters=len({r["cluster"] for r in claims}),
        answers_linked=linked,
        answers=len(answers),
        answerable=sum(1 for r in answers if r["cluster"] in claimed_events),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m monitor.eval_stories", description=__doc__)
    parser.add_argument("--config", default=str(DEFAULT_CONFIG_PATH))
    parser.add_argument("--locked", action="store_true", help="Also score real-test (milestones).")
    args = parser.parse_args(argv)
    companies = real_companies(load_config(args.config).companies)
    for name in ("real-dev", "real-test") if args.locked else ("real-dev",):
        for by_year in (False, True):
            s = score_clusters(load_set(name), companies, by_year=by_year)
            when = "events in their years" if by_year else "all at one moment"
            print(
                f"{name}, {when}: {s.claims} claims in {s.clusters} events: pairwise precision "
                f"{s.precision:.3f}, recall {s.recall:.3f}; denials and confirmations answering "
                f"a claim of their own event: {s.answers_linked} of {s.answers} "
                f"({s.answerable} of whose events have a claim here)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
