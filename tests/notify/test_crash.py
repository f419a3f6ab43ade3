"""kill -9 during delivery, again and again: in the end every event is in Slack exactly once.

A real daemon (`python -m monitor run`) delivers a week of alerts to the fake Slack
server and is killed with SIGKILL at random moments, then restarted. Once, a slow
chat.postMessage makes the kill land while Slack is taking the message, so the row is
left in `sending` with the message in Slack: the restart must find it, not repost it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.notify.slack import SlackNotifier
from tests.conftest import COMPANIES, ROOT, make_config
from tests.fakes.slack_server import FakeSlack
from tests.notify.stories import serve_feeds
from tests.sql import query

KILLS = 8
PACE = "0.4s"
SLOW_POST = 1.5  # seconds the fake takes to accept the message the kill lands on


def write_config(path: Path, sources: list[dict[str, str]]) -> None:
    lines = ['[slack]\nchannel = "#auto-intel"\npace = "' + PACE + '"\n']
    for company in COMPANIES:
        lines.append("[[companies]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in company.items()]
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in source.items()]
        lines.append('interval = "1h"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_daemon(config: Path, db: Path, slack: FakeSlack, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_", "MONITOR_"))}
    env.update(SLACK_BOT_TOKEN=slack.token, SLACK_API_URL=slack.api_url, MONITOR_LOG_FORMAT="text")
    command = [sys.executable, "-m", "monitor", "run", "--listen", ""]
    with open(log, "ab") as out:
        return subprocess.Popen(
            [*command, "--config", str(config), "--db", str(db)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def outbox(db: Path) -> Counter[str]:
    with sqlite3.connect(db, timeout=10) as conn:
        return Counter(row[0] for row in conn.execute("SELECT status FROM outbox"))


def backlog(db: Path) -> int:
    counts = outbox(db)
    return counts["pending"] + counts["sending"]


def settle(slack: FakeSlack) -> None:
    """Wait until no request of the dead process is still being answered."""
    slack.wait_for(lambda f: all(c.status is not None for c in f.calls), timeout=SLOW_POST + 3)


def test_sigkill_during_delivery_neither_loses_nor_repeats(
    httpserver: HTTPServer, slack: FakeSlack, tmp_path: Path
) -> None:
    seed = int(os.environ.get("MONITOR_CRASH_SEED") or random.randrange(1_000_000))
    rng = random.Random(seed)
    print(f"\nSIGKILL test seed {seed} (MONITOR_CRASH_SEED={seed} repeats it)")
    sources = serve_feeds(httpserver)
    config_path, db, log = tmp_path / "monitor.toml", tmp_path / "monitor.db", tmp_path / "log"
    write_config(config_path, sources)
    # The week's events are recorded first; the daemon (which polls the same feeds and
    # finds nothing new) only delivers them.
    config = make_config(sources, slack={"channel": "#auto-intel"})
    notifier = SlackNotifier(slack.token, "#auto-intel", slack.api_url)
    with Monitor(config, Environment(), db, notifiers={"slack": notifier}) as monitor:
        monitor.poll(deliver=False)
        events = [r["id"] for r in query(monitor.store, "SELECT id FROM events ORDER BY id")]
    assert len(events) >= 8

    kills = in_flight_kills = 0
    slow_kill_at = rng.choice([1, 2])  # early, while there is work left to kill
    started = time.monotonic()
    for run in range(KILLS):
        before = len(slack.calls_to("chat.postMessage"))
        if run == slow_kill_at:
            slack.fail_next("chat.postMessage", delay=SLOW_POST)
        daemon = start_daemon(config_path, db, slack, log)
        if run == slow_kill_at:
            # Kill while Slack is still taking the message: it arrives after the death.
            slack.wait_for(
                lambda f, n=before: (
                    len(f.calls_to("chat.postMessage")) > n
                    and f.calls_to("chat.postMessage")[-1].status is None
                ),
                timeout=15,
            )
            time.sleep(SLOW_POST / 3)
            in_flight_kills += 1
        else:
            # Kill at a random moment once this run has started posting.
            slack.wait_for(
                lambda f, n=before: len(f.calls_to("chat.postMessage")) > n or not backlog(db),
                timeout=15,
            )
            time.sleep(rng.uniform(0.0, 0.8))
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
        kills += 1
        settle(slack)
        print(f"  run {run + 1}: killed; {len(slack.messages)} messages in Slack, {outbox(db)}")
        if not backlog(db):
            break

    daemon = start_daemon(config_path, db, slack, log)  # the last run finishes the work
    try:
        deadline = time.monotonic() + 20
        while backlog(db) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=15)

    delivered = Counter(
        int(m.metadata["event_payload"]["event_id"]) for m in slack.messages if m.metadata
    )
    lost = [e for e in events if delivered[e] == 0]
    duplicated = sum(n - 1 for n in delivered.values() if n > 1)
    found_after_restart = log.read_text(encoding="utf-8").count("already delivered")
    print(
        f"SIGKILL test: seed {seed}, {kills} kills ({in_flight_kills} while Slack was taking a "
        f"message), {len(events)} events, {sum(delivered.values())} messages, lost {len(lost)}, "
        f"duplicated {duplicated}, {found_after_restart} found in Slack after a restart, "
        f"{time.monotonic() - started:.1f} s"
    )
    assert in_flight_kills == 1 and found_after_restart >= 1
    assert lost == [] and duplicated == 0, f"seed {seed}"
    assert set(delivered) == set(events)
    assert outbox(db) == {"sent": len(events)}
    # Replies are still in their claim's thread.
    roots = {m.ts for m in slack.top_level()}
    assert all(m.thread_ts in roots for m in slack.messages if m.thread_ts)
    denied = {m.thread_ts for m in slack.messages if m.reply_broadcast}
    assert denied and all("DENIED by" in str(slack.get(ts).blocks) for ts in denied)
    assert "Traceback" not in log.read_text(encoding="utf-8")
