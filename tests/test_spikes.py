"""Volume spikes on a synthetic history: one alert per spike, none for a steady high
volume, none for a company with too few mentions; its end recorded; the digest's days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.digest import build_digest, render_html, render_text
from monitor.notify.slack import SlackNotifier
from monitor.spikes import SpikeRules, bucket_start, judge
from monitor.storage import Store, iso
from tests.conftest import make_config
from tests.fakes.slack_server import FakeSlack
from tests.sql import query

NOW = datetime(2026, 11, 24, 12, 5, tzinfo=UTC)
RULES = SpikeRules(multiple=3.0, min_hour=10, min_day=40)


def steady(per_hour: int, days: int = 15) -> dict[datetime, int]:
    """`per_hour` mentions in every hour of the last `days` days."""
    start = bucket_start(NOW) - timedelta(days=days)
    return {start + timedelta(hours=h): per_hour for h in range(days * 24 + 1)}


def readings(counts: dict[str, dict[datetime, int]], history_days: int = 15) -> dict[str, Any]:
    found = judge(counts, NOW, NOW - timedelta(days=history_days), RULES)
    return {f"{r.company}/{r.window}": r for r in found}


def test_a_burst_is_a_spike_and_a_steady_high_volume_is_not() -> None:
    burst = steady(2)
    burst[bucket_start(NOW)] = burst.get(bucket_start(NOW), 0) + 30
    found = readings({"ford": burst, "byd": steady(40), "xiaomi": {bucket_start(NOW): 6}})
    assert found["ford/hour"].spiking and found["ford/hour"].count == 32
    assert found["ford/hour"].usual == 2
    assert not found["ford/day"].spiking  # 48 + 30 in a day against 48: not 3 times
    assert not found["byd/hour"].spiking and found["byd/hour"].count == 40
    # Six mentions against none usually: 6 times, but under the minimum count.
    assert not found["xiaomi/hour"].spiking


def test_too_little_history_judges_nothing() -> None:
    burst = {bucket_start(NOW): 50}
    assert readings({"ford": burst}, history_days=2) == {}
    assert readings({"ford": burst}, history_days=4)["ford/hour"].spiking


def add_mentions(store: Store, company: str, moments: list[datetime], title: str) -> None:
    with store.transaction():
        story = store.insert_story(
            {
                "kind": "neutral",
                "title": title,
                "companies": json.dumps([company]),
                "first_seen": iso(moments[0]),
                "last_seen": iso(moments[-1]),
                "outlet_count": 1,
                "outlets": json.dumps(["Wire"]),
            },
            [],
        )
        for n, moment in enumerate(moments):
            item = store.insert_item(
                {
                    "key": f"{company}-{title}-{n}",
                    "source": "wire",
                    "url": f"https://wire.example.com/{company}/{title.replace(' ', '-')}/{n}",
                    "title": title,
                    "outlet": "Wire" if n % 2 else "Daily",
                    "published_at": iso(moment),
                    "fetched_at": iso(moment + timedelta(minutes=1)),
                },
                [company],
            )
            store.set_item_story(item, story)


def hourly(company: str, per_hour: int, days: int = 14) -> list[datetime]:
    start = NOW - timedelta(days=days)
    return [
        start + timedelta(hours=h, minutes=3 * k) for h in range(days * 24) for k in range(per_hour)
    ]


def test_one_alert_per_spike_its_end_recorded_and_the_digest_marks_it(
    slack: FakeSlack, db_path: Path
) -> None:
    clock = [NOW]
    config = make_config([], slack={"summarize_after": 0})
    notifier = SlackNotifier(slack.token, "#auto-intel", slack.api_url, pace=0, timeout=3)
    with Monitor(
        config, Environment(), db_path, notifiers={"slack": notifier}, clock=lambda: clock[0]
    ) as monitor:
        add_mentions(monitor.store, "ford", hourly("ford", 1), "Ford news")
        add_mentions(monitor.store, "byd", hourly("byd", 12), "BYD news")  # steady and high
        burst = [NOW - timedelta(minutes=40) + timedelta(seconds=50 * n) for n in range(25)]
        add_mentions(monitor.store, "ford", burst, "Ford recalls <every> F-150 *now*")
        add_mentions(monitor.store, "xiaomi", burst[:5], "Xiaomi teaser")  # too few

        assert monitor.check_spikes() == 1
        clock[0] = NOW + timedelta(minutes=5)
        assert monitor.check_spikes() == 0  # still going: no second alert
        monitor.deliver()
        spikes = query(monitor.store, "SELECT company, span, ended_at, peak FROM spikes")
        assert spikes == [{"company": "ford", "span": "hour", "ended_at": None, "peak": 25}]

        clock[0] = NOW + timedelta(hours=2)  # the burst is over
        assert monitor.check_spikes() == 0
        [ended] = query(monitor.store, "SELECT ended_at FROM spikes")
        assert ended["ended_at"] == iso(clock[0])

        digest = build_digest(monitor.store, config, NOW + timedelta(hours=2))
    [message] = slack.messages
    assert message.text == "Spike (Ford): 25 mentions in the last hour, against 1 usually"
    body = json.dumps(message.blocks)
    assert "&lt;every&gt;" in body and "<every>" not in body  # feed text escaped
    assert "<https://wire.example.com/ford/Ford-recalls-<every>" not in body
    assert "Driven by" in body and "Daily" in body and "Wire" in body
    ford = next(row for row in digest.daily if row.company == "Ford")
    assert ford.spiked[-1] and not any(ford.spiked[:-1])
    assert ford.counts[-1] >= 25 + 12
    assert not any(row.spiked[-1] for row in digest.daily if row.company != "Ford")
    assert "* = a spike began" in render_text(digest)
    assert "▲" in render_html(digest)
