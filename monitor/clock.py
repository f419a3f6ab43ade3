"""Steps of the wall clock, told apart from time passing and from a suspended machine."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["CLOCK_STEP", "ClockWatch"]

# A difference between the wall clock and the boot clock larger than this, between two
# looks a second apart, is a step of the wall clock (NTP's slewing is far slower).
CLOCK_STEP = 5.0


def _boot_clock() -> float:
    """Seconds on a clock that never steps and, unlike time.monotonic on Linux, counts a
    suspended machine: a suspend is not mistaken for a step of the wall clock."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boottime) if boottime is not None else time.monotonic()


class ClockWatch:
    """Notices steps of the wall clock by comparing it with the boot clock."""

    def __init__(
        self,
        wall: Callable[[], float] = time.time,
        steady: Callable[[], float] = _boot_clock,
        threshold: float = CLOCK_STEP,
    ) -> None:
        self._wall, self._steady, self._threshold = wall, steady, threshold
        self._last = (wall(), steady())

    def step(self) -> float | None:
        """The wall clock's step in seconds since the last look (+ forward), or None."""
        wall, steady = self._wall(), self._steady()
        drift = (wall - self._last[0]) - (steady - self._last[1])
        self._last = (wall, steady)
        return drift if abs(drift) > self._threshold else None
