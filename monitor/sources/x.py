"""X (Twitter) API v2: recent search and user timelines, with since_id and rate limits.

Endpoints: GET tweets/search/recent, GET users/by/username/:username (once, then
cached in the source's cursor), GET users/:id/tweets. The x-rate-limit-* headers
are kept in the cursor, so no call is made before the window resets.
"""

from __future__ import annotations

import html
import json
import time
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from ..config import Environment, Source
from ..errors import ParseError
from ..models import Authority, FetchRequest, FetchResult, ItemData, ParsedSource, SourceState
from .common import MAX_TITLE, clean_text, clip

__all__ = ["build_request", "parse_response", "rate_limited_until"]

# note_tweet: a post longer than 280 characters comes with its text cut short in `text`
# and whole in `note_tweet.text` (docs.x.com, "Posts" object fields).
_TWEET_FIELDS = "created_at,author_id,note_tweet,referenced_tweets"
# Recent search refuses a since_id older than 7 days with HTTP 400 ("Invalid Request",
# errors[].parameters.since_id; docs.x.com/x-api/posts/search: "the last 7 days").
# Older than this, the poll asks without it, and identity drops what it already has.
SINCE_ID_MAX_AGE = 6.5 * 86400
_SNOWFLAKE_EPOCH_MS = 1288834974657
_USER_FIELDS = "username,name,verified"


def rate_limited_until(state: SourceState, now: float | None = None) -> float | None:
    """The epoch second before which no call may be made, if the window is spent."""
    try:
        reset = float(state.cursor.get("rate_reset") or 0)
    except ValueError:
        return None
    now = time.time() if now is None else now
    return reset if reset > now else None


def _headers(env: Environment) -> tuple[tuple[str, str], ...]:
    assert env.x_bearer_token is not None
    return (("Authorization", f"Bearer {env.x_bearer_token.get_secret_value()}"),)


def post_time(post_id: str) -> float | None:
    """When a post was made, from its Snowflake id (Unix seconds), or None."""
    try:
        return ((int(post_id) >> 22) + _SNOWFLAKE_EPOCH_MS) / 1000
    except ValueError:
        return None


def build_request(
    source: Source,
    state: SourceState,
    env: Environment,
    next_token: str | None = None,
    now: float | None = None,
) -> FetchRequest:
    params: dict[str, str] = {
        "max_results": str(source.max_results),
        "expansions": "author_id",
        "user.fields": _USER_FIELDS,
        "tweet.fields": _TWEET_FIELDS,
    }
    since_id = _since_id(state.cursor, paging=next_token is not None)
    made = post_time(since_id) if since_id else None
    if (
        source.kind == "x_search"
        and made is not None
        and (time.time() if now is None else now) - made > SINCE_ID_MAX_AGE
    ):
        since_id = ""  # recent search would refuse it: ask for the last 7 days instead
    if since_id:
        params["since_id"] = since_id
    if source.kind == "x_search":
        assert source.query is not None
        params["query"] = source.query
        if next_token:
            params["next_token"] = next_token
        path = "tweets/search/recent"
    else:
        user_id = state.cursor.get("user_id")
        if not user_id:
            assert source.username is not None
            path = f"users/by/username/{quote(source.username.lstrip('@'))}"
            params = {"user.fields": _USER_FIELDS}
        else:
            path = f"users/{quote(user_id)}/tweets"
            params["max_results"] = str(max(5, min(source.max_results, 100)))
            # An official account's retweet is someone else's words, not the company's.
            params["exclude"] = "retweets"
            if next_token:
                params["pagination_token"] = next_token
    return FetchRequest(
        source=source.name, url=f"{env.x_api_url}{path}?{urlencode(params)}", headers=_headers(env)
    )


def _since_id(cursor: dict[str, str], paging: bool) -> str:
    """Where a poll starts. A newest id still pending means the last poll stopped paging
    early (max_pages, rate limit, error): what it left unread is not fetched again."""
    since, pending = cursor.get("since_id", ""), cursor.get("pending_since_id", "")
    if paging:
        return since
    return pending if _newer(pending, since) else since


def _rate_cursor(result: FetchResult) -> dict[str, str]:
    remaining = result.headers.get("x-rate-limit-remaining")
    reset = result.headers.get("x-rate-limit-reset")
    if remaining is not None and remaining.strip() == "0" and reset:
        return {"rate_reset": reset.strip()}
    return {"rate_reset": ""}


def parse_response(
    source: Source,
    result: FetchResult,
    state: SourceState,
    env: Environment,
    official_accounts: dict[str, str],
) -> ParsedSource:
    try:
        data = json.loads(result.body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(
            f"X API answered something that is not JSON ({exc})", source=source.name, url=result.url
        ) from None
    if not isinstance(data, dict):
        raise ParseError("X API answered an unexpected shape", source=source.name, url=result.url)
    cursor = {**state.cursor, **_rate_cursor(result)}
    if "/users/by/username/" in result.url:
        user = data.get("data")
        if not isinstance(user, dict) or "id" not in user:
            raise ParseError(
                _problem(data, f"X user @{source.username} not found"),
                source=source.name,
                url=result.url,
            )
        cursor["user_id"] = str(user["id"])
        next_state = SourceState(name=state.name, cursor=cursor)
        spent = bool(cursor.get("rate_reset"))
        return ParsedSource(
            items=[],
            cursor=cursor,
            next_request=None if spent else build_request(source, next_state, env),
        )
    if "data" not in data and data.get("errors"):
        raise ParseError(_problem(data, "X API error"), source=source.name, url=result.url)
    includes: dict[str, Any] = data["includes"] if isinstance(data.get("includes"), dict) else {}
    listed: list[Any] = includes["users"] if isinstance(includes.get("users"), list) else []
    users = {str(u.get("id")): u for u in listed if isinstance(u, dict)}
    posts: list[Any] = data["data"] if isinstance(data.get("data"), list) else []
    items = [
        _post_to_item(source, post, users, official_accounts)
        for post in posts
        if isinstance(post, dict) and post.get("id") and not _is_retweet(post)
    ]
    meta = data.get("meta", {}) if isinstance(data.get("meta"), dict) else {}
    newest = str(meta.get("newest_id") or "")
    # The newest id seen is where the next poll starts, once this one has paged through.
    if newest and _newer(newest, cursor.get("pending_since_id", "")):
        cursor["pending_since_id"] = newest
    next_request = None
    if meta.get("next_token") and not cursor.get("rate_reset"):
        next_request = build_request(source, state, env, next_token=str(meta["next_token"]))
    else:
        pending = cursor.pop("pending_since_id", "")
        if _newer(pending, cursor.get("since_id", "")):
            cursor["since_id"] = pending
    return ParsedSource(items=items, cursor=cursor, next_request=next_request)


def _is_retweet(post: dict[str, Any]) -> bool:
    refs = post.get("referenced_tweets")
    return isinstance(refs, list) and any(
        isinstance(r, dict) and r.get("type") == "retweeted" for r in refs
    )


def _newer(a: str, b: str) -> bool:
    """Whether post id a is newer than b (ids are decimal snowflakes; "" is oldest)."""
    return bool(a) and (not b or (len(a), a) > (len(b), b))


def _problem(data: dict[str, Any], fallback: str) -> str:
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("detail") or errors[0].get("message") or fallback)
    return str(data.get("detail") or fallback)


def _post_to_item(
    source: Source,
    post: dict[str, Any],
    users: dict[str, dict[str, Any]],
    official_accounts: dict[str, str],
) -> ItemData:
    author = users.get(str(post.get("author_id")), {})
    username = str(author.get("username") or source.username or "i").lstrip("@")
    note = post.get("note_tweet")
    whole = note.get("text") if isinstance(note, dict) else None  # a long post, whole
    text = clean_text(html.unescape(str(whole or post.get("text", ""))))  # X escapes & < >
    created = None
    if isinstance(post.get("created_at"), str):
        try:
            created = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
        except ValueError:
            created = None
    official = official_accounts.get(username.lower())
    if source.authority == "official":
        official = official or source.company
    authority = (
        Authority.OFFICIAL
        if official
        else (Authority.SOCIAL if source.authority == "press" else Authority(source.authority))
    )
    url = f"https://x.com/{username}/status/{post['id']}"
    name = clean_text(str(author.get("name") or ""))
    return ItemData(
        source=source.name,
        key=url,
        url=url,
        title=clip(text, MAX_TITLE),
        summary="",
        published_at=created,
        author=f"{name} (@{username})" if name else f"@{username}",
        outlet=f"@{username} on X",
        outlet_url=f"https://x.com/{username}",
        guid=str(post["id"]),
        authority=authority,
        speaks_for=official,
    )
