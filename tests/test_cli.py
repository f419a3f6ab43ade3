"""The command line: exit codes, one-line errors, help for every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from monitor.storage import Store
from tests.conftest import ROOT

COMMANDS = [
    "run",
    "poll",
    "demo",
    "classify",
    "digest",
    "status",
    "sources",
    "check-config",
    "routes",
    "worker",
    "train",
]


def monitor(
    *args: str, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "MONITOR_"))}
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd or ROOT,
        env={**base, **(env or {})},
    )


def test_default_config_is_valid() -> None:
    result = monitor("check-config")
    assert result.returncode == 0, result.stderr
    assert "3 companies" in result.stdout


def test_check_config_names_each_problem(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("""
[[companies]]
id = "ford"
name = "Ford"

[[sources]]
name = "feed-a"
url = "ftp://example.com/feed"

[[sources]]
name = "feed-b"
url = "https://example.com/feed"
intervall = "10m"

[[sources]]
name = "feed-c"
url = "https://example.com/other"
authority = "official"
company = "gm"
""")
    result = monitor("check-config", "--config", str(config))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, lines
    assert f"{config}: sources[0](name='feed-a').url = 'ftp://example.com/feed'" in lines[0]
    assert "http" in lines[0]
    assert "sources[1](name='feed-b').intervall: unknown key" in lines[1]
    assert "sources[2](name='feed-c').company = 'gm': unknown company (known: ford)" in lines[2]
    assert "Traceback" not in result.stderr


def test_missing_config_file_is_one_line(tmp_path: Path) -> None:
    result = monitor("check-config", "--config", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no such configuration file" in result.stderr


def test_no_companies_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "empty.toml"
    config.write_text('[monitor]\ntimezone = "UTC"\n')
    result = monitor("check-config", "--config", str(config))
    assert result.returncode == 2
    assert "companies: required key is missing" in result.stderr


def test_classify_follows_the_jsonl_contract() -> None:
    lines = [
        {
            "id": "1",
            "text": "FT: Ford held talks with Xiaomi on a US EV venture, citing four sources",
        },
        "this is not json",
        {"id": "3", "text": "Xiaomi says it is not negotiating to enter the US market"},
        {"id": "4", "text": 42},
        {
            "id": "5",
            "text": "Ford calls report of Xiaomi talks false",
            "claim": "BYD plans a plant in Mexico",
        },
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = monitor("classify", stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == "1" and out[0]["entities"] == ["ford", "xiaomi"]
    assert out[0]["stance"] == "claim" and 0 <= out[0]["score"] <= 1
    assert "error" in out[1] and "JSON" in out[1]["error"]
    assert out[2]["stance"] == "denial" and out[2]["entities"] == ["xiaomi"]
    assert out[3]["id"] == "4" and "text" in out[3]["error"]
    assert out[4]["stance"] == "neutral"  # a denial of a different claim


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_entry(command: str) -> None:
    result = monitor(command, "--help")
    assert result.returncode == 0 and "--config" in result.stdout
    readme = (ROOT / "README.md").read_text()
    assert f"monitor {command}" in readme


def test_status_on_an_empty_database(tmp_path: Path) -> None:
    Store(tmp_path / "m.db").close()  # what `monitor poll` or `monitor run` creates
    result = monitor("status", "--json", "--db", str(tmp_path / "m.db"))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["outbox"]["pending"] == 0
    assert {s["health"] for s in report["sources"]} >= {"new"}
    assert any("X_BEARER_TOKEN" in w for w in report["warnings"])


@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["sources"], ["digest"]])
def test_a_read_only_command_never_creates_a_database(tmp_path: Path, command: list[str]) -> None:
    """A mistyped --db: one line and exit 2, and no empty database (or digest) left."""
    missing = tmp_path / "monitr.db"
    result = monitor(*command, "--db", str(missing))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: no database at {missing} (check --db or MONITOR_DB; `monitor run` or "
        "`monitor poll` creates one)"
    )
    assert not missing.exists() and list(tmp_path.iterdir()) == []


def _poll_config(tmp_path: Path, urls: dict[str, str]) -> Path:
    sources = "".join(
        f'[[sources]]\nname = "{n}"\nkind = "feed"\nurl = "{u}"\n\n' for n, u in urls.items()
    )
    path = tmp_path / "monitor.toml"
    path.write_text(f'[[companies]]\nid = "ford"\nname = "Ford"\n\n{sources}', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("good", "strict", "code"),
    [(False, False, 1), (True, False, 0), (True, True, 1)],
    ids=["every-source-failed", "one-failed", "one-failed-strict"],
)
def test_poll_exit_code_tells_a_cron_job_what_happened(
    httpserver: HTTPServer, tmp_path: Path, good: bool, strict: bool, code: int
) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/ok.xml").respond_with_data(
        '<rss version="2.0"><channel><title>t</title></channel></rss>',
        content_type="application/rss+xml",
    )
    urls = {"gone": httpserver.url_for("/gone.xml")}
    if good:
        urls["ok"] = httpserver.url_for("/ok.xml")
    config = _poll_config(tmp_path, urls)
    args = ["poll", "--config", str(config), "--db", str(tmp_path / "m.db")]
    result = monitor(*args, *(["--strict"] if strict else []))
    assert result.returncode == code, result.stdout + result.stderr
    assert "1 sources failed" in result.stdout


def test_feedback_commands_have_help_and_a_readme_entry() -> None:
    readme = (ROOT / "README.md").read_text()
    for sub in ("list", "export"):
        result = monitor("feedback", sub, "--help")
        assert result.returncode == 0 and "--config" in result.stdout
        assert f"monitor feedback {sub}" in readme
