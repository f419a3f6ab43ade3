"""Benchmarks for issue 7: run them all with `python -m bench all` (see docs/scaling.md)."""
