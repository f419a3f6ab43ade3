"""Where a cold poll's time goes: cProfile of the main thread, bucketed by stage.

Fetching runs on the fetcher's own thread, so on the main thread it shows as the
wait in `fetch_many`; py-spy (when installed) samples every thread and is run too.
"""

from __future__ import annotations

import pstats
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from .harness import PYTHON, ROOT, feed_server
from .report import Report

__all__ = ["profile_cold_poll"]

# (file suffix, function) whose cumulative time is a stage; first match wins in py-spy.
STAGES: dict[str, list[tuple[str, str]]] = {
    "fetch (waiting on the fetcher thread)": [("monitor/fetch.py", "fetch_many")],
    "parse (feedparser + items)": [("monitor/sources/__init__.py", "parse_response")],
    "analyse (entities, stance, fingerprint)": [("monitor/analysis/__init__.py", "analyse")],
    "place (story lookup)": [("monitor/analysis/stories.py", "place")],
    "record (items, stories, events)": [("monitor/events.py", "record")],
    "identity (known_keys)": [("monitor/storage/items.py", "known_keys")],
    "source state": [
        ("monitor/storage/sources.py", "save_source_state"),
        ("monitor/health.py", "next_state"),
    ],
}


def _stage_seconds(stats: pstats.Stats) -> tuple[float, dict[str, float]]:
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for (_, _, _, cumulative, _) in table.values())
    seconds = dict.fromkeys(STAGES, 0.0)
    for (filename, _, function), (_, _, _, cumulative, _) in table.items():
        for stage, names in STAGES.items():
            if any(filename.endswith(f) and function == n for f, n in names):
                seconds[stage] += cumulative
    return total, seconds


def _top(stats: pstats.Stats, count: int) -> list[tuple[str, float, float]]:
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    rows = sorted(table.items(), key=lambda kv: kv[1][2], reverse=True)[:count]
    top = []
    for (filename, line, function), (_, _, own, cumulative, _) in rows:
        where = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        top.append((f"{where}:{line}({function})", own, cumulative))
    return top


def _py_spy(port: int, feeds: int, tmp: Path) -> Counter[str] | None:
    spy = shutil.which("py-spy") or str(Path(PYTHON).parent / "py-spy")
    if not Path(spy).exists():
        return None
    out = tmp / "spy.txt"
    child = [PYTHON, "-m", "bench.poll_child", "--port", str(port), "--feeds", str(feeds)]
    command = [spy, "record", "--format", "raw", "--rate", "200", "--threads", "-o", str(out)]
    done = subprocess.run(
        [*command, "--", *child, "--db", str(tmp / "spy.db")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0 or not out.exists():
        return None
    samples: Counter[str] = Counter()
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        thread = "main thread" if "poll_child.py" in stack else "fetcher thread"
        stage = next(
            (s for s, names in STAGES.items() if any(f"{n} (" in stack for _, n in names)),
            "other",
        )
        samples[f"{thread}: {stage}"] += int(count)
    return samples


def profile_cold_poll(report: Report, feeds: int, top: int = 15) -> dict[str, Any]:
    from .harness import run_child

    with feed_server(feeds) as server, tempfile.TemporaryDirectory() as tmp:
        prof = Path(tmp) / "cold.prof"
        run_child(
            "bench.poll_child", "--port", str(server.port), "--feeds", str(feeds),
            "--db", str(Path(tmp) / "p.db"), "--profile", str(prof),
        )  # fmt: skip
        stats = pstats.Stats(str(prof))
        spy = _py_spy(server.port, feeds, Path(tmp))
    total, stages = _stage_seconds(stats)
    report.note(f"cProfile of a cold poll of {feeds} feeds ({total:.2f} s on the main thread):")
    for stage, seconds in stages.items():
        report.note(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {stage}")
    rest = total - sum(stages.values())
    report.note(f"  {rest / total:6.1%}  {rest:7.2f} s  the rest (commit, logging, setup)")
    report.note(f"top {top} functions by own time (own s, cumulative s):")
    rows = _top(stats, top)
    for where, own, cumulative in rows:
        report.note(f"  {own:6.2f} {cumulative:7.2f}  {where}")
    if spy:
        all_samples = sum(spy.values())
        report.note("py-spy, all threads (share of samples):")
        for key, count in spy.most_common():
            report.note(f"  {count / all_samples:6.1%}  {key}")
    return {"total": total, "stages": stages, "top": rows, "py_spy": dict(spy or {})}
