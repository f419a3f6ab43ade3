"""A week of distinct stories for the delivery tests: six claims, four of them denied."""

from __future__ import annotations

from typing import Any

from pytest_httpserver import HTTPServer

from tests.conftest import rss

CLAIMS = [
    (
        "Ford held talks with Xiaomi on a US electric-vehicle venture, FT reports",
        "Ford has held talks with Xiaomi about a joint venture to build electric vehicles in "
        "the US, people familiar said.",
    ),
    (
        "BYD plans second Mexico plant to serve Latin America, sources say",
        "BYD is planning a new assembly plant in Mexico, according to people with knowledge "
        "of the plans.",
    ),
    (
        "Xiaomi in early discussions to license EV platform to European carmaker, "
        "Bloomberg reports",
        "Xiaomi is in early talks to license its SU7 platform, people familiar with the "
        "matter said.",
    ),
    (
        "Ford weighing sale of its Cologne factory, insiders say",
        "Ford is considering selling the Cologne plant, according to insiders.",
    ),
    (
        "BYD set to acquire stake in Hungarian battery supplier, report says",
        "BYD is set to buy a minority stake in a battery supplier in Hungary, a report said.",
    ),
    (
        "Lei Jun reportedly eyeing Xiaomi smartphone factory in India",
        "Xiaomi founder Lei Jun is said to be considering a phone factory in India.",
    ),
]
DENIALS = [
    (
        "Ford calls report of Xiaomi EV venture talks 'completely false and baseless'",
        "Ford spokesman Mark Truby said the FT story about talks with Xiaomi is completely "
        "false and baseless.",
    ),
    (
        "BYD denies plans for a second Mexico plant",
        "BYD said it has no plans for a second plant in Mexico and rejected the report.",
    ),
    (
        "Xiaomi says it is not negotiating to license its EV platform",
        "A Xiaomi representative said the company is not negotiating with any European carmaker.",
    ),
    (
        "Ford rejects report it will sell Cologne factory",
        "Ford said the report that it is selling its Cologne plant is untrue.",
    ),
]


def items(rows: list[tuple[str, str]], host: str, prefix: str) -> list[dict[str, Any]]:
    return [
        {"title": title, "link": f"https://{host}/{prefix}{i}", "description": text}
        for i, (title, text) in enumerate(rows)
    ]


def serve_feeds(server: HTTPServer) -> list[dict[str, Any]]:
    """Serve the claims (FT) and denials (Wire) feeds; return the sources for a config."""
    server.expect_request("/claims.xml").respond_with_data(
        rss(items(CLAIMS, "ft.example.com", "c"), "FT"), content_type="application/rss+xml"
    )
    server.expect_request("/denials.xml").respond_with_data(
        rss(items(DENIALS, "wire.example.com", "d"), "Wire"), content_type="application/rss+xml"
    )
    return [
        {"name": "claims", "url": server.url_for("/claims.xml")},
        {"name": "denials", "url": server.url_for("/denials.xml")},
    ]
