"""`monitor demo`: the seed story, replayed offline through the whole pipeline.

A loopback HTTP server plays three news feeds, a company newsroom page and the X
API. Step 1 publishes the FT's report of Ford–Xiaomi talks, repeated by several
outlets under other URLs; step 2 publishes Ford's PR director's post on X and
Xiaomi's statement. The monitor polls after each step, on a temporary database.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr

from .app import Monitor, PollSummary, build_notifiers
from .config import Config, Environment, config_from_dict
from .notify import Notifier
from .notify.console import ConsoleNotifier

__all__ = ["DemoServer", "demo_config", "run_demo"]

CLAIM = "Ford held talks with Xiaomi on a US electric-vehicle venture"
_CLAIM_SUMMARY = (
    "Ford has held talks with Xiaomi about setting up a joint venture to build electric "
    "vehicles in the US, according to four people familiar with the matter. Ford also held "
    "similar talks with BYD and other Chinese carmakers, the Financial Times reported."
)
# (feed, path, title, summary, minutes after the report, step)
_ARTICLES: list[tuple[str, str, str, str, int, int]] = [
    (
        "ft",
        "/content/ford-xiaomi-ev-talks?utm_source=rss&utm_medium=feed",
        "Ford held talks with Xiaomi on US electric vehicle venture",
        _CLAIM_SUMMARY,
        0,
        1,
    ),
    (
        "ft",
        "/content/harrison-ford-indiana-jones-auction",
        "Harrison Ford's Indiana Jones jacket sells at auction",
        "The actor's jacket sold for $630,000 in Los Angeles.",
        5,
        1,
    ),
    (
        "wire",
        "/business/autos/ford-xiaomi-talks-ft-2025-01-31/",
        "Ford held talks with Xiaomi on U.S. EV venture - FT",
        _CLAIM_SUMMARY,
        40,
        1,
    ),
    (
        "wire",
        "/news/ford-xiaomi-talks?utm_campaign=yahoo&fbclid=abc123",
        "Ford held talks with Xiaomi on US electric vehicle venture, FT reports",
        _CLAIM_SUMMARY,
        55,
        1,
    ),
    (
        "ev",
        "/2025/01/31/ford-xiaomi-us-ev-venture-talks/",
        "Ford reportedly held talks with Xiaomi on US electric vehicle venture",
        _CLAIM_SUMMARY,
        70,
        1,
    ),
    (
        "ev",
        "/2025/01/31/byd-january-deliveries/",
        "BYD sells 300,538 NEVs in Jan, down 12% from Dec",
        "BYD's passenger NEV sales fell as the Spring Festival approached.",
        80,
        1,
    ),
    (
        "ev",
        "/2025/01/31/ford-xiaomi-held-talks-us-ev-venture-amp/?utm_source=twitter",
        "Ford held talks with Xiaomi on US electric vehicle venture: report",
        _CLAIM_SUMMARY,
        90,
        1,
    ),
    (
        "wire",
        "/business/autos/xiaomi-not-negotiating-us-entry/",
        "Xiaomi says it is not negotiating to enter the US market",
        "A Xiaomi representative said the company does not sell its products and services in "
        "the US and is not negotiating to enter the market.",
        200,
        2,
    ),
    (
        "ev",
        "/2025/02/01/ford-denies-xiaomi-talks-report/",
        "Ford calls report of Xiaomi talks 'completely false and baseless'",
        "Ford's communications chief Mark Truby said on X the FT story is completely false and "
        "baseless.",
        210,
        2,
    ),
]
_TRUBY_POST = (
    "The FT story on Ford and Xiaomi is completely false and baseless. There are no talks."
)


class DemoServer:
    """A loopback server for the demo's feeds and its X API; `step` sets what it shows."""

    def __init__(self, reported_at: datetime) -> None:
        self.reported_at = reported_at
        self.step = 1
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, content_type = server.respond(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", content_type)
                payload = (body or "not found").encode()
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def respond(self, path: str) -> tuple[str | None, str]:
        if path.startswith("/feeds/"):
            return self._feed(path.removeprefix("/feeds/").split(".")[0]), "application/rss+xml"
        if path.startswith("/x/2/users/by/username/"):
            return json.dumps(
                {"data": {"id": "1001", "name": "Mark Truby", "username": "MarkTruby"}}
            ), "application/json"
        if path.startswith("/x/2/users/1001/tweets"):
            return self._x_timeline(), "application/json"
        return None, "text/plain"

    def _feed(self, name: str) -> str | None:
        titles = {"ft": "Financial Times", "wire": "Wire Service Autos", "ev": "EV Daily"}
        if name not in titles:
            return None
        items = []
        for feed, path, title, summary, minutes, step in _ARTICLES:
            if feed != name or step > self.step:
                continue
            when = format_datetime(self.reported_at + timedelta(minutes=minutes))
            link = f"https://{name}.example.com{path}"
            items.append(
                f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f"<description>{escape(summary)}</description>"
                f"<pubDate>{when}</pubDate></item>"
            )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{titles[name]}</title><link>https://{name}.example.com/</link>"
            f"{''.join(items)}</channel></rss>"
        )

    def _x_timeline(self) -> str:
        if self.step < 2:
            return json.dumps({"meta": {"result_count": 0}})
        created = (self.reported_at + timedelta(minutes=150)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return json.dumps(
            {
                "data": [
                    {
                        "id": "1885412345678901234",
                        "text": _TRUBY_POST,
                        "author_id": "1001",
                        "created_at": created,
                    }
                ],
                "includes": {
                    "users": [{"id": "1001", "name": "Mark Truby", "username": "MarkTruby"}]
                },
                "meta": {"newest_id": "1885412345678901234", "result_count": 1},
            }
        )


def demo_config(base_url: str, slack_channel: str = "#monitor") -> Config:
    default = Path(__file__).resolve().parent.parent / "config" / "monitor.toml"
    companies: list[dict[str, Any]] = [
        {
            "id": "ford",
            "name": "Ford",
            "aliases": ["Ford Motor", "Jim Farley", "Mark Truby", "Lincoln", "F-150", "福特"],
        },
        {"id": "xiaomi", "name": "Xiaomi", "aliases": ["Lei Jun", "Redmi", "SU7", "YU7", "小米"]},
        {"id": "byd", "name": "BYD", "aliases": ["Wang Chuanfu", "Denza", "比亚迪"]},
    ]
    if default.exists():
        import tomllib

        companies = tomllib.loads(default.read_text(encoding="utf-8"))["companies"]
    return config_from_dict(
        {
            "monitor": {"alert_window": "7d"},
            "companies": companies,
            "sources": [
                {"name": "ft", "url": f"{base_url}/feeds/ft.xml"},
                {"name": "wire", "url": f"{base_url}/feeds/wire.xml"},
                {"name": "ev-daily", "url": f"{base_url}/feeds/ev.xml", "authority": "press"},
                {
                    "name": "x-mark-truby",
                    "kind": "x_user",
                    "username": "MarkTruby",
                    "authority": "official",
                    "company": "ford",
                },
            ],
            "slack": {"channel": slack_channel},
        },
        "<demo>",
    )


def run_demo(
    env: Environment,
    out: TextIO,
    clock: Callable[[], datetime] | None = None,
    db_path: str | None = None,
) -> list[PollSummary]:
    """Replay the seed story at its own time (the FT's report of 31 January 2025, the
    denials that afternoon): the monitor's clock is the story's, so every date an alert
    shows is the date the story happened. Print the alerts; post to Slack when configured."""
    story_clock = clock or _StoryClock(STORY_START + timedelta(hours=4))
    now = story_clock()
    summaries = []
    with (
        tempfile.TemporaryDirectory(prefix="monitor-demo-") as tmp,
        DemoServer(reported_at=now - timedelta(hours=4)) as server,
    ):
        demo_env = env.model_copy(
            update={"x_bearer_token": SecretStr("demo-token"), "x_api_url": f"{server.url}/x/2/"}
        )
        config = demo_config(server.url, _slack_channel(env))
        notifiers: dict[str, Notifier] = {"console": ConsoleNotifier(out)}
        if env.slack_bot_token or env.slack_webhook_url:
            notifiers.update(build_notifiers(config, env))
        with Monitor(
            config,
            demo_env,
            db_path or Path(tmp) / "demo.db",
            notifiers=notifiers,
            clock=story_clock,
        ) as monitor:
            for step, title in (
                (1, "the claim, syndicated by several outlets"),
                (2, "the denials, on X and in the press"),
            ):
                server.step = step
                print(f"\n── Step {step}: {title} ──", file=out)
                summary = monitor.poll()
                summaries.append(summary)
                print(f"   ({summary.describe()})", file=out)
    return summaries


# The FT's report: 31 January 2025, morning in London.
STORY_START = datetime(2025, 1, 31, 8, 0, tzinfo=UTC)


class _StoryClock:
    """The story's time, moving on as the real seconds pass."""

    def __init__(self, start: datetime) -> None:
        self.offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _slack_channel(env: Environment) -> str:
    from .config import load_config

    try:
        return load_config().slack.channel
    except Exception:
        return "#monitor"
