"""`monitor demo`: the seed story end to end, on the console and in Slack."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from pydantic import SecretStr

from monitor.config import Environment
from monitor.demo import run_demo
from tests.fakes.slack_server import FakeSlack


def test_demo_prints_one_claim_and_two_denials() -> None:
    out = io.StringIO()
    run_demo(Environment(), out)
    text = out.getvalue()
    assert text.count("[CLAIM]") == 1
    assert text.count("[DENIAL]") == 2
    assert "Ford (official) denies" in text
    assert "Xiaomi denies" in text
    # Both denials are threaded under the claim (not "a claim monitor has not seen").
    assert "has not seen" not in text
    assert "Harrison" not in text  # the actor's auction is not a Ford mention


def test_demo_posts_one_thread_to_slack(slack: FakeSlack) -> None:
    env = Environment(slack_bot_token=SecretStr(slack.token), slack_api_url=slack.api_url)
    run_demo(env, io.StringIO())
    roots = slack.top_level()
    assert len(roots) == 1
    root = roots[0]
    assert "Ford" in root.text and "Xiaomi" in root.text
    replies = slack.replies(root.ts)
    assert len(replies) == 2
    assert all(r.thread_ts == root.ts and r.reply_broadcast for r in replies)
    assert {r.metadata["event_type"] for r in [root, *replies]} == {"monitor_alert"}
    event_ids = [m.metadata["event_payload"]["event_id"] for m in slack.messages]
    assert len(event_ids) == len(set(event_ids))  # no duplicates
    # The claim's message was updated to show who denied it.
    assert root.updated and "DENIED by Ford (official) and Xiaomi" in str(root.blocks)


def test_demo_command_runs_without_config_or_network(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "MONITOR_"))}
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("[CLAIM]") == 1 and result.stdout.count("[DENIAL]") == 2
    assert "Traceback" not in result.stderr


def test_the_demo_dates_the_story_when_it_happened() -> None:
    """The FT reported on 31 January 2025, and the denials came that afternoon: the demo
    shows those dates, whatever today is."""
    import io

    from monitor.config import Environment
    from monitor.demo import run_demo

    out = io.StringIO()
    run_demo(Environment(), out)
    text = out.getvalue()
    assert "2025-01-31 08:00 UTC" in text and "2025-01-31 10:30 UTC" in text
    import re

    assert set(re.findall(r"\d{4}-\d\d-\d\d", text)) == {"2025-01-31"}
