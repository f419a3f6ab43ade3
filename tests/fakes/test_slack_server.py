"""The fake Slack server, driven by the real slack_sdk clients."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from .slack_server import FakeSlack

CHANNEL = "#auto-intel"
CID = "C0AUTOINTEL"
TS_RE = re.compile(r"^\d{10}\.\d{6}$")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def make_client(fake: FakeSlack, **kwargs) -> WebClient:
    kwargs.setdefault("token", fake.token)
    kwargs.setdefault("timeout", 5)
    return WebClient(base_url=fake.api_url, **kwargs)


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # No retry handlers: each test opts in to the retries it is about.
    return make_client(fake, retry_handlers=[])


def test_urls_and_auth_test(fake: FakeSlack, client: WebClient) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", fake.api_url)
    assert fake.webhook_url.endswith("/services/T000/B000/XXXX")
    resp = client.auth_test()
    assert resp["ok"] is True
    for key in ("url", "team", "user", "team_id", "user_id", "bot_id"):
        assert resp[key]
    assert fake.calls[0].method == "auth.test"
    assert fake.calls[0].token == fake.token


def test_update_keeps_blocks_only_when_text_is_left_out(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Acme* denies merger"}}]
    posted = client.chat_postMessage(channel=CHANNEL, text="Acme", blocks=blocks)
    client.chat_update(channel=CID, ts=posted["ts"], text="Acme (2)", blocks=blocks)
    assert fake.top_level(CHANNEL)[0].blocks == blocks
    client.chat_update(channel=CID, ts=posted["ts"], text="Acme (3)")
    assert fake.top_level(CHANNEL)[0].blocks == []


def test_post_reply_update_round_trip(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Acme* denies merger"}}]
    parent = client.chat_postMessage(
        channel=CHANNEL, text="Acme denies merger", blocks=blocks, unfurl_links=False
    )
    assert parent["channel"] == CID
    assert TS_RE.match(parent["ts"])
    assert parent["message"]["text"] == "Acme denies merger"

    reply = client.chat_postMessage(channel=CID, text="source: example.com", thread_ts=parent["ts"])
    assert float(reply["ts"]) > float(parent["ts"])

    upd = client.chat_update(channel=CHANNEL, ts=parent["ts"], text="Acme denies merger (2)")
    assert (upd["channel"], upd["ts"], upd["text"]) == (CID, parent["ts"], "Acme denies merger (2)")

    [top] = fake.top_level(CHANNEL)
    assert top.ts == parent["ts"] and top.text == "Acme denies merger (2)"
    assert top.blocks == []  # text without blocks removes them, as Slack does
    assert top.params["text"] == "Acme denies merger"  # the original post
    assert [v["text"] for v in top.updated] == ["Acme denies merger (2)"]
    [rep] = fake.replies(parent["ts"])
    assert rep.thread_ts == parent["ts"] and rep.text == "source: example.com"

    thread = client.conversations_replies(channel=CID, ts=parent["ts"])
    assert [m["ts"] for m in thread["messages"]] == [parent["ts"], reply["ts"]]
    history = client.conversations_history(channel=CID)
    [msg] = history["messages"]  # the plain reply is not in history
    assert msg["reply_count"] == 1 and msg["thread_ts"] == parent["ts"]
    assert "blocks" not in msg and "edited" in msg

    # The sync WebClient sends history form-encoded and posts as JSON; all were parsed.
    assert fake.calls_to("conversations.history")[0].params["channel"] == CID
    assert fake.calls_to("chat.postMessage")[1].params["thread_ts"] == parent["ts"]


def test_ts_unique_and_increasing(fake: FakeSlack, client: WebClient) -> None:
    tss = [client.chat_postMessage(channel=CHANNEL, text=str(i))["ts"] for i in range(20)]
    assert all(TS_RE.match(ts) for ts in tss)
    assert len(set(tss)) == 20
    assert tss == sorted(tss, key=lambda t: tuple(map(int, t.split("."))))


def test_broadcast_reply_in_history(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")["ts"]
    client.chat_postMessage(channel=CHANNEL, text="quiet", thread_ts=parent)
    loud = client.chat_postMessage(
        channel=CHANNEL, text="loud", thread_ts=parent, reply_broadcast=True
    )["ts"]
    msgs = client.conversations_history(channel=CID)["messages"]
    assert [m["text"] for m in msgs] == ["loud", "parent"]
    assert msgs[0]["subtype"] == "thread_broadcast" and msgs[0]["thread_ts"] == parent
    assert msgs[1]["reply_count"] == 2
    assert fake.get(loud).reply_broadcast is True
    assert [m.text for m in fake.top_level()] == ["parent"]


def test_metadata_only_with_include_all_metadata(fake: FakeSlack, client: WebClient) -> None:
    meta = {"event_type": "monitor_claim", "event_payload": {"claim_id": "c-1", "v": 2}}
    ts = client.chat_postMessage(channel=CHANNEL, text="claim", metadata=meta)["ts"]
    assert fake.get(ts).metadata == meta

    plain = client.conversations_history(channel=CID)["messages"][0]
    assert "metadata" not in plain
    full = client.conversations_history(channel=CID, include_all_metadata=True)
    assert full["messages"][0]["metadata"] == meta
    thread = client.conversations_replies(channel=CID, ts=ts, include_all_metadata=True)
    assert thread["messages"][0]["metadata"] == meta


def test_form_encoded_post_and_get_query(fake: FakeSlack, client: WebClient) -> None:
    # Form-encoded: blocks and metadata arrive as JSON strings, booleans as "1".
    meta = {"event_type": "e", "event_payload": {"k": 1}}
    resp = client.api_call(
        "chat.postMessage",
        params={"channel": CHANNEL, "text": "form", "metadata": json.dumps(meta), "mrkdwn": True},
    )
    assert fake.get(resp["ts"]).metadata == meta
    # A plain GET with the token as a query parameter (old-style clients).
    url = f"{fake.api_url}conversations.history?channel=C0AUTOINTEL&token={fake.token}&limit=1"
    with urllib.request.urlopen(url, timeout=5) as r:
        body = json.loads(r.read())
    assert body["ok"] is True and body["messages"][0]["text"] == "form"


def test_errors_raise_slack_api_error(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        make_client(fake, token="xoxb-wrong").chat_postMessage(channel=CHANNEL, text="x")
    assert exc.value.response["error"] == "invalid_auth"
    assert exc.value.response.status_code == 200

    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="#nowhere", text="x")
    assert exc.value.response["error"] == "channel_not_found"

    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=CHANNEL, text="x", thread_ts="1700000000.000100")
    assert exc.value.response["error"] == "thread_not_found"

    with pytest.raises(SlackApiError) as exc:
        client.api_call("chat.postMessage", json={"channel": CHANNEL})
    assert exc.value.response["error"] == "no_text"

    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel=CHANNEL, ts="1700000000.000100", text="x")
    assert exc.value.response["error"] == "message_not_found"

    with pytest.raises(SlackApiError) as exc:
        client.api_call("emoji.list")
    assert exc.value.response["error"] == "unknown_method"

    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=CHANNEL, text="x", metadata={"event_type": "e"})
    assert exc.value.response["error"] == "invalid_metadata_schema"

    assert fake.messages == []
    assert [c.error for c in fake.calls][:2] == ["invalid_auth", "channel_not_found"]


def test_injected_error_and_status(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", error="invalid_auth")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=CHANNEL, text="x")
    assert exc.value.response.status_code == 200
    assert exc.value.response["error"] == "invalid_auth"

    fake.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=CHANNEL, text="x")
    assert exc.value.response.status_code == 500

    client.chat_postMessage(channel=CHANNEL, text="x")  # injections are used up
    assert len(fake.messages) == 1
    assert [c.status for c in fake.calls] == [200, 500, 200]


def test_429_retried_by_rate_limit_handler(fake: FakeSlack) -> None:
    client = make_client(fake, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    started = time.monotonic()
    resp = client.chat_postMessage(channel=CHANNEL, text="once")
    assert time.monotonic() - started >= 1.0  # honoured Retry-After
    assert resp["ok"] is True
    assert [m.text for m in fake.messages] == ["once"]
    calls = fake.calls_to("chat.postMessage")
    assert [(c.status, c.error) for c in calls] == [(429, "ratelimited"), (200, None)]


def test_429_without_retry_handler(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=CHANNEL, text="x")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "7"
    assert exc.value.response["error"] == "ratelimited"
    assert fake.messages == []


def test_outage_then_recovery(fake: FakeSlack, client: WebClient) -> None:
    fake.set_outage(True)
    for _ in range(3):
        with pytest.raises(SlackApiError) as exc:
            client.chat_postMessage(channel=CHANNEL, text="x")
        assert exc.value.response.status_code == 503
    assert WebhookClient(fake.webhook_url).send(text="x").status_code == 503
    fake.set_outage(False)
    client.chat_postMessage(channel=CHANNEL, text="back")
    assert [m.text for m in fake.messages] == ["back"]
    assert [c.status for c in fake.calls] == [503, 503, 503, 200]


def test_drop_response_after_accepting(fake: FakeSlack, client: WebClient) -> None:
    fake.drop_response_next("chat.postMessage")
    with pytest.raises((RemoteDisconnected, ConnectionError)):
        client.chat_postMessage(channel=CHANNEL, text="accepted")
    assert [m.text for m in fake.messages] == ["accepted"]
    assert fake.calls[0].status is None


def test_default_client_reposts_after_dropped_response(fake: FakeSlack) -> None:
    # slack_sdk's default ConnectionErrorRetryHandler re-sends the post: Slack gets it twice.
    client = make_client(fake)
    fake.drop_response_next("chat.postMessage")
    client.chat_postMessage(channel=CHANNEL, text="dup")
    assert [m.text for m in fake.messages] == ["dup", "dup"]


def test_delay_times_out_client_but_message_lands(fake: FakeSlack) -> None:
    client = make_client(fake, timeout=0.2, retry_handlers=[])
    fake.fail_next("chat.postMessage", delay=0.6)
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel=CHANNEL, text="slow")
    assert [m.text for m in fake.wait_for_messages(1, timeout=3)] == ["slow"]


def test_fail_next_times_and_wildcard(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("*", times=2, error="fatal_error")
    for call in (client.auth_test, lambda: client.conversations_history(channel=CID)):
        with pytest.raises(SlackApiError):
            call()
    assert client.auth_test()["ok"] is True


def test_webhook(fake: FakeSlack) -> None:
    hook = WebhookClient(fake.webhook_url)
    resp = hook.send(text="digest ready", blocks=[{"type": "divider"}])
    assert (resp.status_code, resp.body) == (200, "ok")
    assert fake.webhook_posts == [{"text": "digest ready", "blocks": [{"type": "divider"}]}]
    assert hook.send_dict({}).status_code == 400  # no_text

    fake.fail_next("webhook", status=429, retry_after=3)
    resp = hook.send(text="x")
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "3"
    assert len(fake.webhook_posts) == 1
    assert fake.calls == []  # webhook posts are not Web API calls


def test_history_pagination(fake: FakeSlack, client: WebClient) -> None:
    posted = [client.chat_postMessage(channel=CHANNEL, text=f"m{i}")["ts"] for i in range(7)]
    first = client.conversations_history(channel=CID, limit=3)
    assert [m["text"] for m in first["messages"]] == ["m6", "m5", "m4"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor
    second = client.conversations_history(channel=CID, limit=3, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m3", "m2", "m1"]

    # SDK iteration follows next_cursor (it yields the same, mutated, SlackResponse each time).
    texts, last = [], None
    for page in client.conversations_history(channel=CID, limit=3):
        texts += [m["text"] for m in page["messages"]]
        last = (page["has_more"], page["response_metadata"]["next_cursor"])
    assert texts == [f"m{i}" for i in reversed(range(7))]
    assert last == (False, "")

    window = client.conversations_history(channel=CID, oldest=posted[1], latest=posted[4])
    assert [m["text"] for m in window["messages"]] == ["m3", "m2"]  # bounds exclusive
    window = client.conversations_history(
        channel=CID, oldest=posted[1], latest=posted[4], inclusive=True
    )
    assert [m["text"] for m in window["messages"]] == ["m4", "m3", "m2", "m1"]

    with pytest.raises(SlackApiError) as exc:
        client.conversations_history(channel=CID, cursor="not-a-cursor")
    assert exc.value.response["error"] == "invalid_cursor"


def test_replies_pagination(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=CHANNEL, text="p")["ts"]
    for i in range(4):
        client.chat_postMessage(channel=CHANNEL, text=f"r{i}", thread_ts=parent)
    pages = [
        [m["text"] for m in page["messages"]]
        for page in client.conversations_replies(channel=CID, ts=parent, limit=2)
    ]
    assert pages == [["p", "r0"], ["r1", "r2"], ["r3"]]


def test_permalink_and_channel_by_id(client: WebClient) -> None:
    ts = client.chat_postMessage(channel=CID, text="x")["ts"]
    link = client.chat_getPermalink(channel=CHANNEL, message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/{CID}/p{ts.replace('.', '')}")


def test_custom_channels_and_reset() -> None:
    with FakeSlack(token="xoxb-other", channels={"#news": "C0NEWS"}) as fake:
        client = make_client(fake, retry_handlers=[])
        assert client.chat_postMessage(channel="#news", text="x")["channel"] == "C0NEWS"
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel=CHANNEL, text="x")
        fake.reset()
        assert fake.messages == [] and fake.calls == []


def test_reading_takes_an_id_not_a_name(fake: FakeSlack, client: WebClient) -> None:
    """As Slack: posting takes a name, reading history does not (channel_not_found)."""
    client.chat_postMessage(channel=CHANNEL, text="hi")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.conversations_history(channel=CHANNEL)
    assert client.conversations_history(channel=CID)["messages"][0]["text"] == "hi"


def test_conversations_list_checks_the_scopes() -> None:
    with FakeSlack(scopes=frozenset({"chat:write", "channels:history"})) as fake:
        client = WebClient(token=fake.token, base_url=fake.api_url)
        with pytest.raises(SlackApiError) as caught:
            client.conversations_list(types="public_channel,private_channel")
        assert caught.value.response["error"] == "missing_scope"
        assert caught.value.response["needed"] == "channels:read,groups:read"
    with FakeSlack() as fake:
        client = WebClient(token=fake.token, base_url=fake.api_url)
        names = {c["name"]: c["id"] for c in client.conversations_list()["channels"]}
        assert names == {"auto-intel": CID}
