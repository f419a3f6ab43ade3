"""Sources: one module per kind. Each turns a source's state into a request and a
response into items; this module only dispatches on `Source.kind`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import Environment, Source
from ..models import FetchRequest, FetchResult, ParsedSource, SourceState
from . import feeds, pages, x

__all__ = ["SourceContext", "build_request", "parse_response", "skip_reason"]


@dataclass(frozen=True, slots=True)
class SourceContext:
    env: Environment = field(default_factory=Environment)
    # lower-cased X username -> company id, for accounts configured as official
    official_accounts: dict[str, str] = field(default_factory=dict)


def skip_reason(source: Source, context: SourceContext) -> str | None:
    """Why a source cannot be polled at all in this environment, or None."""
    if source.kind in ("x_search", "x_user") and context.env.x_bearer_token is None:
        return "X_BEARER_TOKEN is not set"
    return None


def build_request(source: Source, state: SourceState, context: SourceContext) -> FetchRequest:
    if source.kind in ("x_search", "x_user"):
        return x.build_request(source, state, context.env)
    assert source.url is not None
    return FetchRequest(
        source=source.name, url=source.url, etag=state.etag, last_modified=state.last_modified
    )


def parse_response(
    source: Source, result: FetchResult, state: SourceState, context: SourceContext
) -> ParsedSource:
    if source.kind == "feed":
        return feeds.parse_feed(source, result)
    if source.kind == "page":
        return pages.parse_page(source, result)
    return x.parse_response(source, result, state, context.env, context.official_accounts)
