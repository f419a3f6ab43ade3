"""Run the benchmarks of issue 7:  python -m bench [all|server|poll|archive|analysis|parsers|
profile]... [--quick] [--feeds N]. Each prints its ratio against a baseline run in the same
command; the numbers are kept in bench/results/latest.json."""

from __future__ import annotations

import argparse
import sys
import time

from .harness import RESULTS, feed_server, run_child
from .report import Report

BENCHMARKS = ("server", "poll", "archive", "analysis", "parsers", "profile")


def _server(report: Report, feeds: int) -> None:
    with feed_server(feeds) as server:
        load = run_child("bench.server_load", "--port", str(server.port), "--feeds", str(feeds))
    full, cond = load["full"], load["not_modified"]
    report.line(
        "feed server",
        f"raw-socket client, 32 keep-alive connections: {full['rps']:,.0f} full responses/s "
        f"({full['mb_s']:.0f} MB/s), {cond['rps']:,.0f} 304s/s",
        full["rps"] / 1000,
        1.0,
        f"serves 1,000 feeds in {1000 / full['rps'] * 1000:.0f} ms (client included)",
    )
    report.data["server"] = load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("which", nargs="*", default=["all"], choices=["all", *BENCHMARKS])
    parser.add_argument("--quick", action="store_true", help="100 feeds, small archives")
    parser.add_argument("--feeds", type=int, help="feeds to poll (default 1000, quick 100)")
    args = parser.parse_args(argv)
    which = BENCHMARKS if "all" in args.which else tuple(args.which)
    feeds = args.feeds or (100 if args.quick else 1000)
    report = Report(quick=args.quick)
    started = time.perf_counter()
    print(f"benchmarks: {', '.join(which)}; {feeds} feeds × 50 items", flush=True)
    if "server" in which:
        _server(report, feeds)
    if "poll" in which:
        from .poll import poll_benchmarks

        report.data["poll"] = poll_benchmarks(report, feeds)
    if "archive" in which:
        from .archive import archive_benchmarks

        sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
        report.data["archive"] = archive_benchmarks(report, sizes, 10 if args.quick else 20)
    if "analysis" in which:
        from .analysis import analysis_benchmarks

        texts = 5_000 if args.quick else 20_000
        report.data["analysis"] = analysis_benchmarks(report, min(feeds, 40), texts)
    if "parsers" in which:
        from .parsers import parser_benchmarks

        report.data["parsers"] = parser_benchmarks(report, min(feeds, 100))
    if "profile" in which:
        from .profile import profile_cold_poll

        # cProfile doubles the time: 300 feeds unless --feeds asks for more
        report.data["profile"] = profile_cold_poll(report, args.feeds or min(feeds, 300))
    name = "quick.json" if args.quick else "latest.json"
    report.save(RESULTS / name)
    below = [line.name for line in report.lines if not line.met]
    print(
        f"done in {time.perf_counter() - started:.0f} s; below target: {', '.join(below) or 'none'}"
        f"; numbers in {RESULTS / name}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
