"""Canonical URLs: one identity for one article, however it was linked.

Tracking parameters come from Miniflux's internal/reader/urlcleaner (itself after
the ClearURLs and AdGuard URL-tracking lists) and Google/Meta/Microsoft docs. Only names
that are tracking on every site are stripped: `cid`, `from`, `src`, `share`, `sh`, `oc` or
`cmp` name the article itself on some newsrooms ("/article?cid=123"), so a source lists
them in its own `strip_params` when they are tracking there. Two different pages are
never merged into one identity; the scheme is kept.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

__all__ = [
    "canonical_url",
    "decode_google_news_url",
    "is_tracking_param",
    "resolve_url",
    "without_tracking",
]

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "__hs", "_hs", "oly_", "vero_", "ga_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "ncid",
        "cmpid",
        "mkt_tok",
        "rb_clickid",
        "s_cid",
        "sr_share",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "soc_src",
        "soc_trk",
        "ref_src",
        "ref_url",
        "smid",
        "spm",
        "taid",
        "wt_mc",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "xtor",
        "ito",
        "feature",
        "rss",
        "tpcc",
        "tracking_source",
        "campaign_id",
        "fsrc",
        "feedtype",
    }
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def is_tracking_param(name: str, extra: tuple[str, ...] = ()) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES) or lowered in extra


def resolve_url(href: str, base: str) -> str:
    """An href as an absolute URL against the page or feed it came from ('' when it is
    not a URL at all, such as "http://[broken")."""
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return ""


def canonical_url(url: str, extra_tracking: tuple[str, ...] = ()) -> str:
    """Lower-case scheme and host, no www., default port, fragment, tracking
    parameters (and the source's `extra_tracking` names) or trailing slash; remaining
    query parameters sorted."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https"):
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = (
        host
        if port is None or str(port) == _DEFAULT_PORTS.get(parts.scheme.lower())
        else f"{host}:{port}"
    )
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k, extra_tracking)
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def without_tracking(url: str, extra_tracking: tuple[str, ...] = ()) -> str:
    """The link to show a person: as published, minus tracking parameters (the host,
    path and order of the rest are kept, so the link works as the outlet wrote it)."""
    if "?" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k, extra_tracking)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


_URL_IN_BYTES = re.compile(rb"https?://[\x21-\x7e]+")


def decode_google_news_url(url: str) -> str | None:
    """The outlet's URL inside a news.google.com/rss/articles/<id> link, if the id
    carries it (the older, still common encoding); None when it is opaque."""
    parts = urlsplit(url)
    if not parts.netloc.endswith("news.google.com"):
        return None
    segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not segment:
        return None
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, TypeError):
        return None
    match = _URL_IN_BYTES.search(raw)
    if not match:
        return None
    found = match.group(0)
    # The protobuf may carry a second field (an AMP URL) right after: cut at a length
    # prefix byte, which is a control character or a non-URL byte.
    candidate = found.split(b"\xd2")[0].decode("ascii", "ignore")
    return candidate if urlsplit(candidate).netloc else None
