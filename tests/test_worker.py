"""`monitor worker` on a real Postgres: two worker processes share the sources and the
deliveries through Procrastinate's queue, and every alert arrives once, threaded."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitor.storage import Store
from tests.conftest import ROOT, rss
from tests.fakes.slack_server import FakeSlack
from tests.pg import Cluster
from tests.sql import execute, query

pytest.importorskip("procrastinate", reason="monitor worker needs pip install '.[postgres]'")

PLACES = [
    "Cologne", "Valencia", "Chennai", "Louisville", "Dearborn", "Szeged", "Izmir", "Rayong",
    "Pretoria", "Halewood", "Craiova", "Saarlouis",
]  # fmt: skip
FEEDS = len(PLACES)


@pytest.fixture
def httpserver() -> Iterator[HTTPServer]:
    """Feeds served by several threads at once, as real servers do: two workers polling
    the same feed at once would show as an overlap."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def _config(tmp_path: Path, httpserver: HTTPServer, extra: str = "") -> Path:
    sources = "".join(
        f'\n[[sources]]\nname = "feed{n}"\nkind = "feed"\n'
        f'url = "{httpserver.url_for(f"/feed{n}.xml")}"\ninterval = "1h"\n'
        for n in range(FEEDS)
    )
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[[companies]]\nid = "ford"\nname = "Ford"\n\n' + extra + "\n"
        '[slack]\nchannel = "#auto-intel"\npace = "0s"\nsummarize_after = 0\n' + sources,
        encoding="utf-8",
    )
    return path


def _serve(
    httpserver: HTTPServer, polls: Counter[str], busy: dict[str, int], slow: float = 0.2
) -> None:
    """Each feed: a claim and its denial. Requests are counted; a request that arrives
    while another for the same feed is in progress is an overlap; "peak" is the most
    requests the host (all feeds are on one) had at once."""
    lock = threading.Lock()
    for n, place in enumerate(PLACES):
        items = [
            {
                "title": f"Ford weighs sale of its {place} plant, people familiar say",
                "link": f"https://news.example.com/ford-{n}",
            },
            {
                "title": f"Ford denies it is weighing a sale of its {place} plant",
                "link": f"https://wire.example.com/ford-denies-{n}",
            },
        ]
        body = rss(items, f"Outlet {n}")

        def handler(request: Request, name: str = f"feed{n}", body: str = body) -> Response:
            with lock:
                polls[name] += 1
                busy[name] = busy.get(name, 0) + 1
                busy["host"] = busy.get("host", 0) + 1
                polls["peak"] = max(polls["peak"], busy["host"])  # at once on this host
                if busy[name] > 1:
                    polls["overlaps"] += 1
            time.sleep(slow)  # long enough for a second poll of it to overlap, were it allowed
            with lock:
                busy[name] -= 1
                busy["host"] -= 1
            return Response(body, content_type="application/rss+xml")

        httpserver.expect_request(f"/feed{n}.xml").respond_with_handler(handler)


def _assert_every_alert_once_under_its_claim(slack: FakeSlack) -> None:
    """Every claim and every denial once (by event id), each denial in its claim's thread."""
    ids = [m.metadata["event_payload"]["event_id"] for m in slack.messages]
    assert len(ids) == len(set(ids)) == 2 * FEEDS, Counter(ids)
    claims = {m.ts: m for m in slack.top_level("#auto-intel")}
    replies = [m for m in slack.messages if m.thread_ts is not None]
    assert len(claims) == len(replies) == FEEDS
    for reply in replies:
        place = next(p for p in PLACES if f"{p} plant" in reply.text)
        assert f"{place} plant" in claims[reply.thread_ts].text


def _every_source_polled_and_each_item_stored_once(polls: Counter[str], url: str) -> int:
    """Asserts as it says; returns how many workers are still registered."""
    assert all(polls[f"feed{n}"] >= 1 for n in range(FEEDS))
    store = Store(url)
    try:
        doubled = query(store, "SELECT key FROM items GROUP BY key HAVING count(*) > 1")
        stored = query(store, "SELECT count(*) AS n FROM items")[0]["n"]
        registered = query(store, "SELECT count(*) AS n FROM procrastinate_workers")[0]["n"]
    finally:
        store.close()
    assert doubled == [] and stored == 2 * FEEDS
    return int(registered)


def _hold_every_source(url: str, config: Path) -> None:
    """Register the sources, none due yet: the test says when the work starts."""
    from monitor.app import Monitor
    from monitor.config import Environment, load_config

    with Monitor(load_config(str(config)), Environment(), url, notifiers={}) as monitor:
        monitor.pipeline.register_sources()
        execute(monitor.store, "UPDATE sources SET next_poll_at = '2999-01-01T00:00:00.000000Z'")


def _release_every_source_once_workers_are_up(url: str, workers: int) -> None:
    store = Store(url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                up = query(store, "SELECT count(*) AS n FROM procrastinate_workers")[0]["n"]
            except Exception:  # the queue's tables are not there yet
                up = 0
            if up >= workers:
                execute(store, "UPDATE sources SET next_poll_at = NULL")
                return
            time.sleep(0.1)
        raise AssertionError(f"{workers} workers did not start")
    finally:
        store.close()


def _env(url: str, slack: FakeSlack) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "MONITOR_DATABASE_URL": url,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_API_URL": slack.api_url,
        "MONITOR_LOG_FORMAT": "text",
    }


def _worker(config: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "worker", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_share_the_work_and_every_alert_arrives_once_threaded(
    httpserver: HTTPServer, tmp_path: Path, pg_cluster: Cluster
) -> None:
    """... and they keep the per-host limit between them: with `per_host_concurrency = 2`,
    the host never has more than two requests at once, however many jobs run."""
    url = pg_cluster.new_database()
    polls: Counter[str] = Counter()
    _serve(httpserver, polls, {})
    config = _config(tmp_path, httpserver, extra="[monitor]\nper_host_concurrency = 2\n")
    _hold_every_source(url, config)
    with FakeSlack() as slack:
        env = _env(url, slack)
        workers = [_worker(config, env) for _ in range(2)]
        try:
            _release_every_source_once_workers_are_up(url, 2)
            slack.wait_for(lambda f: len(f.messages) >= 2 * FEEDS, timeout=60)
            time.sleep(1)  # a second copy of anything would have arrived by now
        finally:
            for process in workers:
                process.send_signal(signal.SIGTERM)
            logs = [process.communicate(timeout=20)[1] for process in workers]
    assert all(p.returncode == 0 for p in workers), logs
    assert "Traceback" not in "".join(logs), logs
    polled_by = [log.count("polled feed") for log in logs]
    assert sum(polled_by) == FEEDS and all(polled_by), polled_by  # shared, each source once
    _assert_every_alert_once_under_its_claim(slack)
    assert polls["overlaps"] == 0
    assert 1 <= polls["peak"] <= 2
    assert _every_source_polled_and_each_item_stored_once(polls, url) == 0  # workers left


def test_workers_killed_during_a_poll_and_a_delivery_lose_and_repeat_nothing(
    httpserver: HTTPServer, tmp_path: Path, pg_cluster: Cluster
) -> None:
    """SIGKILL, no goodbye: one worker in the middle of its polls, another in the middle
    of posting to Slack. The third finishes their jobs once they are seen to be gone:
    every source polled, no item stored twice, every alert once, each denial under its
    claim."""
    url = pg_cluster.new_database()
    polls: Counter[str] = Counter()
    _serve(httpserver, polls, {}, slow=0.4)
    config = _config(tmp_path, httpserver, extra='[monitor]\nworker_stalled_after = "3s"\n')
    with FakeSlack() as slack:
        env = _env(url, slack)
        first = _worker(config, env)
        deadline = time.monotonic() + 30
        while sum(polls.values()) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.kill()  # mid-poll: its jobs stay "doing" until it is seen to be gone
        first.wait()
        slack.fail_next("chat.postMessage", delay=3.0, times=1)  # a slow answer...
        second = _worker(config, env)
        slack.wait_for(lambda f: len(f.calls_to("chat.postMessage")) >= 1, timeout=60)
        time.sleep(0.5)
        second.kill()  # ... during which the worker that asked dies
        second.wait()
        third = _worker(config, env)
        try:
            slack.wait_for(lambda f: len(f.messages) >= 2 * FEEDS, timeout=90)
            time.sleep(1)
        except TimeoutError:
            third.send_signal(signal.SIGTERM)
            raise AssertionError(
                f"{len(slack.messages)} messages; second: {second.communicate()[1][-3000:]}\n"
                f"third: {third.communicate(timeout=20)[1][-4000:]}"
            ) from None
        finally:
            if third.returncode is None:
                third.send_signal(signal.SIGTERM)
        log = third.communicate(timeout=20)[1]
    assert third.returncode == 0 and "Traceback" not in log, log
    _assert_every_alert_once_under_its_claim(slack)
    _every_source_polled_and_each_item_stored_once(polls, url)
