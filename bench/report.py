"""Printed as it goes, and kept as JSON in bench/results/ for docs/scaling.md."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Report"]


@dataclass
class Line:
    name: str
    detail: str
    score: float  # the measured ratio
    target: float  # the ratio to reach
    headline: str

    @property
    def met(self) -> bool:
        return self.score >= self.target


@dataclass
class Report:
    quick: bool
    lines: list[Line] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def line(self, name: str, detail: str, score: float, target: float, headline: str) -> None:
        entry = Line(name, detail, score, target, headline)
        self.lines.append(entry)
        verdict = "meets target" if entry.met else "BELOW target"
        target_text = f"target ≥ {target:g}×" if target != 1.0 else "target within limit"
        print(f"{name:>16}: {headline}  [{verdict}: {target_text}]\n{'':>18}{detail}", flush=True)

    def note(self, text: str) -> None:
        print(f"{'':>18}{text}", flush=True)

    def save(self, path: Path) -> None:
        """Merge into the file: a run of some benchmarks keeps the others' numbers."""
        path.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        names = {line.name for line in self.lines}
        lines = [line for line in old.get("lines", []) if line["name"] not in names]
        document = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": f"{platform.machine()} {platform.python_version()}",
            "quick": self.quick,
            "lines": lines + [asdict(line) | {"met": line.met} for line in self.lines],
            "data": old.get("data", {}) | self.data,
        }
        path.write_text(json.dumps(document, indent=1, default=str), encoding="utf-8")
