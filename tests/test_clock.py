"""No test depends on today's date: the date-sensitive modules pass a year from now.

Those modules run again in a child pytest with the wall clock moved ahead a year
(time-machine: `datetime.now`, `time.time` and friends; the monotonic clock is left
alone). Tests that run `monitor` itself as a child process (the daemon, the SIGKILL and
secrets tests) cannot be moved with it, so they are not in the list: they build every
date from the same clock as the program they test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from tests.conftest import ROOT

DATE_SENSITIVE = [
    "tests/test_feeds.py",
    "tests/test_fastfeed.py",
    "tests/test_pages.py",
    "tests/test_poll.py",
    "tests/test_health.py",
    "tests/test_status.py",
    "tests/notify/test_digest.py",
    "tests/notify/test_outbox.py",
    "tests/notify/test_slack.py",
]


def test_the_date_sensitive_tests_pass_a_year_from_now() -> None:
    env = {**os.environ, "MONITOR_TEST_CLOCK_AHEAD_DAYS": "365"}
    run = subprocess.run(
        # The Postgres half of these modules dates its rows with the same code: once is
        # enough, and it keeps the suite within its time.
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-k",
            "not postgres",
            *DATE_SENSITIVE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    expected = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%d")
    assert f"wall clock moved ahead 365 days: {expected}" in run.stdout  # the move took
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) > 100, run.stdout[-2000:]
