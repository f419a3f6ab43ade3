"""Slack messages as the fake server received them: escaping, limits, kinds, webhook mode."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from monitor.app import Monitor
from monitor.config import Environment
from monitor.models import EventKind
from monitor.notify import Alert
from monitor.notify.blocks import HEADER_LIMIT, SECTION_LIMIT, build_blocks, escape
from monitor.notify.slack import SlackNotifier
from monitor.notify.slack_webhook import SlackWebhookNotifier
from tests.conftest import make_config, rss
from tests.fakes.slack_server import FakeSlack
from tests.notify.stories import serve_feeds
from tests.sql import query

EVIL = "<!channel> Ford held talks with Xiaomi @here <http://evil.example|click> & <@U123>"
WHEN = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def notifier(slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(slack.token, "#auto-intel", slack.api_url, pace=0, timeout=3)


def mrkdwn_texts(message: Any) -> list[str]:
    """Every string Slack parses as mrkdwn: the fallback text and the blocks' text."""
    texts = [message.text or ""]
    for block in message.blocks or []:
        if block["type"] == "section":
            texts.append(block["text"]["text"])
        for element in block.get("elements", []):
            texts.append(element.get("text", ""))
    return texts


def assert_harmless(message: Any, allowed_links: set[str]) -> None:
    for text in mrkdwn_texts(message):
        assert "@here" not in text and "@channel" not in text
        # The only <...> tokens are links monitor built and date tokens.
        for token in re.findall(r"<([^>]*)>", text):
            target = token.split("|", 1)[0]
            assert target.startswith("!date^") or target in allowed_links, token
    header = next(b for b in message.blocks if b["type"] == "header")["text"]
    assert header["type"] == "plain_text" and "<!channel>" not in header["text"]


def claim(**changes: Any) -> Alert:
    values: dict[str, Any] = {
        "event_id": 1,
        "kind": EventKind.NEW_CLAIM,
        "story_id": 1,
        "headline": "Ford held talks with Xiaomi on a US EV venture",
        "url": "https://www.ft.com/content/ford-xiaomi",
        "outlet": "Financial Times",
        "published_at": WHEN,
        "companies": ("Ford", "Xiaomi"),
        "outlets": ("Financial Times", "Reuters", "Electrek"),
        "status": "reported",
    }
    values.update(changes)
    return Alert(**values)


def test_feed_text_arrives_as_harmless_text(slack: FakeSlack) -> None:
    alert = claim(
        headline=EVIL,
        url="https://evil.example/a|b>c<!channel>",
        outlet="<!everyone> Times",
        outlets=("<!here>", "b"),
    )
    notifier(slack).send(alert, None)
    [message] = slack.messages
    link = "https://evil.example/a%7Cb%3Ec%3C!channel%3E"
    assert_harmless(message, {link})
    section = message.blocks[1]["text"]["text"]
    assert f"<{link}|&lt;!channel&gt; Ford held talks" in section
    assert "&lt;http://evil.example|click&gt; &amp; &lt;@U123&gt;" in section
    assert "&lt;!everyone&gt; Times" in message.blocks[-1]["elements"][0]["text"]


def test_a_headline_cannot_format_itself_or_imitate_monitors_lines(slack: FakeSlack) -> None:
    """Slack's mrkdwn cannot escape * _ ~ `: paired in feed text, they become look-alikes,
    so a headline renders as written, never like monitor's own denial line; bidi
    overrides and isolates are dropped, and a lone "*" stays as it is."""
    forged = "*Ford* _(official channel)_ denies: ~all~ `reports`"
    denial = claim(
        kind=EventKind.DENIAL,
        headline=forged + " \u2066\u202etxet\u2069",
        quote="",
        party="Ford",
        official=False,
        outlet="Auto_News_Daily",
    )
    notifier(slack).send(denial, None)
    [message] = slack.messages
    texts = mrkdwn_texts(message)
    ours = [t for t in texts if t.startswith("*Ford* denies:")]
    assert len(ours) == 1  # monitor's own line, with its own formatting
    for text in texts:
        assert "*Ford*" not in text.replace("*Ford* denies:", "")
        assert "_(official channel)_" not in text and "~all~" not in text
        assert "`reports`" not in text
        assert not any(c in text for c in "\u202e\u2066\u2069")
    assert escape("EV at ~$30k*") == "EV at ~$30k*"  # one of each cannot format: kept
    assert any("Auto\uff3fNews\uff3fDaily" in t for t in texts)


def test_feed_text_through_the_pipeline(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path
) -> None:
    item = {
        "title": EVIL + ", FT reports",
        "link": "https://news.example.com/ford-xiaomi",
        "description": "Ford held talks with Xiaomi about a US venture, people familiar said.",
    }
    httpserver.expect_request("/feed.xml").respond_with_data(rss([item]))
    config = make_config([{"name": "feed", "url": httpserver.url_for("/feed.xml")}])
    with Monitor(config, Environment(), db_path, notifiers={"slack": notifier(slack)}) as monitor:
        summary = monitor.poll()
    assert summary.delivery.sent == 1
    [message] = slack.messages
    assert_harmless(message, {"https://news.example.com/ford-xiaomi"})
    assert "&lt;!channel&gt; Ford held talks" in message.text  # arrived, as text


def test_slack_limits_hold(slack: FakeSlack) -> None:
    alert = claim(
        headline="Ford " * 2000,
        companies=tuple(f"Company number {i}" for i in range(40)),
        outlets=tuple(f"outlet {i}" for i in range(500)),
        status="denied",
        status_line="DENIED by " + " and ".join(f"Party {i}" for i in range(400)),
    )
    notifier(slack).send(alert, None)
    [message] = slack.messages  # the fake refuses more than 50 blocks or bad blocks
    header = message.blocks[0]["text"]["text"]
    assert len(header.encode("utf-16-le")) // 2 <= HEADER_LIMIT and header.endswith("…")
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"].encode("utf-16-le")) // 2 <= SECTION_LIMIT
    assert len(message.blocks) <= 50 and message.text
    assert "also reported by 499 outlets" in str(message.blocks)


def test_each_kind_reads_well() -> None:
    denial = claim(
        event_id=2,
        kind=EventKind.DENIAL,
        headline="Ford calls FT report 'completely false and baseless'",
        quote="The FT story is completely false and baseless.",
        outlet="@Mark_Truby",
        authority="social",
        party="Ford",
        official=True,
        outlets=("@Mark_Truby",),
        claim_headline="Ford held talks with Xiaomi on a US EV venture",
        claim_url="https://www.ft.com/content/ford-xiaomi",
    )
    text = str(build_blocks(denial, threaded=True))
    assert "🔴 Denial · Ford, Xiaomi" in text and "*Ford* _(official channel)_ denies" in text
    assert ">The FT story is completely false and baseless." in text
    assert "In answer to" not in text  # the thread says it
    alone = str(build_blocks(denial, threaded=False))
    assert "In answer to the claim" in alone and "ford-xiaomi|Ford held talks" in alone
    spreading = str(build_blocks(claim(kind=EventKind.STORY_SPREADING), threaded=True))
    assert "Now carried by 3 outlets: Financial Times, Reuters, Electrek" in spreading
    sick = Alert(
        event_id=3,
        kind=EventKind.SOURCE_UNHEALTHY,
        source="ford-media",
        url="https://media.ford.com/feed.rss",
        error="HTTP 503 <b>Service unavailable</b>",
        created_at=WHEN,
    )
    text = str(build_blocks(sick, threaded=False))
    assert "⚠️ Source unhealthy: ford-media" in text and "&lt;b&gt;" in text
    assert "monitor status" in text
    updated = str(build_blocks(claim(status="denied", status_line="DENIED by Ford"), False))
    assert "🔴 *DENIED by Ford*" in updated and "also reported by 2 outlets" in updated


def test_webhook_mode_quotes_the_claim(
    httpserver: HTTPServer, slack: FakeSlack, db_path: Path
) -> None:
    config = make_config(serve_feeds(httpserver))
    env = Environment(slack_webhook_url=SecretStr(slack.webhook_url))
    with Monitor(config, env, db_path) as monitor:
        assert isinstance(monitor.notifiers["slack"], SlackWebhookNotifier)
        summary = monitor.poll()
        denials = query(monitor.store, "SELECT count(*) AS n FROM events WHERE kind = 'denial'")
    posts = slack.webhook_posts
    assert summary.delivery.sent == len(posts) >= 8
    quoted = [p for p in posts if "In answer to the claim" in str(p["blocks"])]
    assert len(quoted) == denials[0]["n"] >= 1
    assert all("thread_ts" not in p and p["text"] for p in posts)
    assert "Ford held talks with Xiaomi on a US electric-vehicle venture" in str(quoted)


def test_webhook_outage_is_retried(slack: FakeSlack) -> None:
    hook = SlackWebhookNotifier(slack.webhook_url, timeout=3)
    slack.set_outage(True)
    try:
        hook.send(claim(), None)
    except Exception as exc:
        assert "503" in str(exc) and type(exc).__name__ == "TransientDeliveryError"
    else:
        raise AssertionError("an outage must raise")
    slack.set_outage(False)
    assert hook.send(claim(), None) == "webhook:1" and len(slack.webhook_posts) == 1


def test_spreading_and_source_health_as_slack_receives_them(slack: FakeSlack) -> None:
    slack_notifier = notifier(slack)
    root_ref = slack_notifier.send(claim(), None)
    spreading = claim(
        event_id=2,
        kind=EventKind.STORY_SPREADING,
        outlets=("Financial Times", "Reuters", "Electrek", "CNBC"),
        status="spreading",
        status_line="SPREADING",
        root=claim(status="spreading", status_line="SPREADING"),
    )
    slack_notifier.send(spreading, root_ref)
    sick = Alert(
        event_id=3,
        kind=EventKind.SOURCE_UNHEALTHY,
        source="ford-media",
        url="https://media.ford.com/feed.rss",
        error="5 failures in a row: HTTP 503",
        created_at=WHEN,
    )
    slack_notifier.send(sick, None)
    root, reply, health = slack.messages
    assert reply.thread_ts == root.ts and not reply.reply_broadcast  # quiet, in the thread
    assert "Now carried by 4 outlets" in str(reply.blocks)
    assert "📣 *SPREADING*" in str(root.blocks) and root.updated  # the root shows it
    assert health.thread_ts is None and "Source unhealthy: ford-media" in health.text
    assert [m.metadata["event_payload"]["event_id"] for m in slack.messages] == [1, 2, 3]


def test_a_long_header_with_an_emoji_stays_within_slacks_limit() -> None:
    """Slack counts 150 for a header; an emoji is two UTF-16 units: clipped by those."""
    from monitor.notify.blocks import HEADER_LIMIT, clip_units

    text = "🟠 Claim · " + "Xiaomi, " * 40
    clipped = clip_units(text, HEADER_LIMIT)
    assert len(clipped.encode("utf-16-le")) // 2 <= HEADER_LIMIT
    assert clipped.endswith("…") and clipped.startswith("🟠 Claim")
    assert clip_units("short 🟠", HEADER_LIMIT) == "short 🟠"


def test_blocks_slack_refuses_do_not_fail_the_alert_for_good(
    httpserver: HTTPServer, db_path: Path
) -> None:
    """invalid_blocks from our own blocks: the alert goes as text, not lost for good."""
    with FakeSlack() as slack:
        config = make_config(serve_feeds(httpserver), slack={"channel": "#auto-intel"})
        notifier = SlackNotifier(slack.token, "#auto-intel", slack.api_url, pace=0, timeout=3)
        with Monitor(config, Environment(), db_path, notifiers={"slack": notifier}) as m:
            m.poll(deliver=False)
            slack.fail_next("chat.postMessage", error="invalid_blocks")
            delivery = m.deliver()
            failed = query(m.store, "SELECT id FROM outbox WHERE status = 'failed'")
        refused, again = slack.calls_to("chat.postMessage")[:2]
    assert not failed and delivery.sent >= 1
    assert refused.params.get("blocks") and not again.params.get("blocks")
    assert again.params["text"] == refused.params["text"]  # the same alert, as its text
