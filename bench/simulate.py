"""How many sources one process polls at a 10-minute interval, and how many poller
processes a sharded deployment needs: a discrete-event simulation driven by the
measured costs in bench/results/latest.json (see docs/scaling.md).

Each poller is one Python process (one core: the GIL), claiming up to `batch` due
sources at a time from a shared table (Postgres `FOR UPDATE SKIP LOCKED`), polling
them, and writing the result; the database round trip per batch is a parameter.
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .harness import RESULTS

INTERVAL = 600.0  # seconds: every source every 10 minutes


@dataclass(frozen=True, slots=True)
class Costs:
    """CPU seconds on one core for one poll of one source, by outcome."""

    not_modified: float  # a 304
    unchanged: float  # a 200 whose items are all known (no validators)
    per_new_item: float  # analyse, place, record one new item
    validators: float = 0.6  # share of sources that answer 304 when nothing changed
    new_items_per_day: float = 25.0  # per source

    def poll(self, rng: random.Random) -> float:
        new = rng.random() < self.new_items_per_day / (86400 / INTERVAL)  # ≤ 1 new item a poll
        if new:
            return self.unchanged + self.per_new_item
        return self.not_modified if rng.random() < self.validators else self.unchanged

    def mean(self) -> float:
        p_new = self.new_items_per_day / (86400 / INTERVAL)
        quiet = self.validators * self.not_modified + (1 - self.validators) * self.unchanged
        return p_new * (self.unchanged + self.per_new_item) + (1 - p_new) * quiet


def simulate(
    costs: Costs, sources: int, pollers: int, batch: int = 50, round_trip: float = 0.002
) -> dict[str, float]:
    """One hour of polling; returns utilisation and how late polls start (seconds)."""
    rng = random.Random(sources * 31 + pollers)
    due = [(rng.uniform(0, INTERVAL), s) for s in range(sources)]
    heapq.heapify(due)
    free = [(0.0, p) for p in range(pollers)]
    busy = 0.0
    late: list[float] = []
    horizon = 3600.0
    while free:
        now, poller = heapq.heappop(free)
        if now >= horizon:
            continue
        if not due or due[0][0] > now:
            heapq.heappush(free, (max(now, due[0][0]) if due else horizon, poller))
            continue
        spent = round_trip
        for _ in range(batch):
            if not due or due[0][0] > now:
                break
            when, source = heapq.heappop(due)
            late.append(now - when)
            spent += costs.poll(rng)
            heapq.heappush(due, (when + INTERVAL, source))
        busy += spent
        heapq.heappush(free, (now + spent, poller))
    late.sort()
    return {
        "utilisation": busy / (horizon * pollers),
        "p50_late": late[len(late) // 2] if late else 0.0,
        "p99_late": late[int(len(late) * 0.99)] if late else 0.0,
        "polls": len(late),
    }


def item_cost_growth(results: dict[str, Any]) -> tuple[float, float]:
    """(seconds a new item costs on an empty archive, extra seconds per stored item),
    a least-squares line through the archive benchmark's polls of new items."""
    archive = results["data"].get("archive", {})
    points = [
        (float(k), v["poll"]["per_item_ms"] / 1000) for k, v in archive.items() if k.isdigit()
    ]
    base = archive.get("empty", {}).get("per_item_ms", 1.0) / 1000
    if len(points) < 2:
        return base, 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum(
        (x - mean_x) ** 2 for x, _ in points
    )
    return base, max(0.0, slope)


def one_daemon(
    costs: Costs, base: float, slope: float, mb_per_item: float, days: int = 365
) -> None:
    """A single process after `days` of history, as the code is (lookups grow with the
    archive) and with lookups kept flat (story bands pruned to the story window)."""
    print(f"one daemon, after {days} days of history ({costs.new_items_per_day:g} new items a")
    print("source a day; CPU as a share of one core; the GIL keeps a process on one):")
    for sources in (1_000, 2_000, 5_000, 10_000, 20_000, 50_000):
        archive = sources * costs.new_items_per_day * days
        rows = []
        for per_item in (base + slope * archive, base):
            load = Costs(costs.not_modified, costs.unchanged, per_item, costs.validators,
                         costs.new_items_per_day)  # fmt: skip
            rows.append(sources * load.mean() / INTERVAL)
        print(
            f"  {sources:>6,} sources: archive {archive / 1e6:6.1f} M items, "
            f"{archive * mb_per_item / 1e3:6.1f} GB; CPU {rows[0]:7.1%} as is, "
            f"{rows[1]:6.1%} with flat lookups; {sources * costs.new_items_per_day / 86400:5.1f}"
            " new items/s"
        )


def costs_from(results: dict[str, Any], fast_parser: float = 1.0) -> Costs:
    """Costs measured by `python -m bench all`; `fast_parser` divides the parse share."""
    data = results["data"]
    poll = data["poll"]
    repoll = poll["poll"]["repoll"]
    no_etag = poll["repoll_200"]["repoll"]
    feeds = poll["poll"]["feeds"]
    feeds_200 = poll["repoll_200"]["feeds"]
    archive = data.get("archive", {})
    largest = max((k for k in archive if k.isdigit()), key=int, default=None)
    per_item_ms = archive[largest]["poll"]["per_item_ms"] if largest else 1.0
    unchanged = no_etag["cpu"] / feeds_200
    return Costs(
        not_modified=repoll["cpu"] / feeds,
        unchanged=unchanged / fast_parser,
        per_new_item=per_item_ms / 1000,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--fast-parser", type=float, default=1.0, help="parse speed-up")
    parser.add_argument("--validators", type=float, default=0.6)
    parser.add_argument("--new-per-day", type=float, default=25.0)
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text())
    measured = costs_from(results, args.fast_parser)
    costs = Costs(
        measured.not_modified,
        measured.unchanged,
        measured.per_new_item,
        args.validators,
        args.new_per_day,
    )
    capacity = 0.7 * INTERVAL / costs.mean()  # one core, kept 30% free for bursts
    print(
        f"costs a poll: 304 {costs.not_modified * 1000:.2f} ms, unchanged 200 "
        f"{costs.unchanged * 1000:.2f} ms, new item {costs.per_new_item * 1000:.2f} ms; "
        f"mean {costs.mean() * 1000:.2f} ms → one process ≈ {capacity:,.0f} sources at 70% CPU"
    )
    base, slope = item_cost_growth(results)
    archive = results["data"].get("archive", {})
    sizes = [v["mb_per_100k"] for k, v in archive.items() if k.isdigit()]
    mb_per_item = (sum(sizes) / len(sizes) if sizes else 95.0) / 1e5
    print(
        f"a new item costs {base * 1000:.2f} ms on an empty archive, "
        f"+{slope * 1e9:.2f} ms per million items stored"
    )
    one_daemon(costs, base, slope, mb_per_item)
    print("sharded pollers (flat lookups), one hour simulated, claiming 50 sources a batch:")
    costs = Costs(costs.not_modified, costs.unchanged, base, costs.validators,
                  costs.new_items_per_day)  # fmt: skip
    for sources in (1_000, 10_000, 50_000, 100_000, 200_000):
        for pollers in (1, 2, 4, 8, 16):
            result = simulate(costs, sources, pollers)
            if result["utilisation"] > 0.95 and pollers < 16:
                continue  # saturated: try more pollers
            print(
                f"  {sources:>7,} sources, {pollers:>2} pollers: CPU {result['utilisation']:5.1%} "
                f"each, polls start late by p50 {result['p50_late']:.1f} s, "
                f"p99 {result['p99_late']:.1f} s"
            )
            break


if __name__ == "__main__":
    main()
