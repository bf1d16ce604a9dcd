"""Time source, injectable so that tests can use a fake clock."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...

    def monotonic_ns(self) -> int: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()


class FakeClock:
    """A clock the test moves by hand (forwards or backwards)."""

    def __init__(self, start: dt.datetime, mono_ns: int = 1_000_000_000) -> None:
        self._now = start
        self._mono = mono_ns

    def now(self) -> dt.datetime:
        return self._now

    def monotonic_ns(self) -> int:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=seconds)
        self._mono += int(seconds * 1e9) if seconds > 0 else 1

    def set(self, when: dt.datetime) -> None:
        """Set the wall clock (the monotonic counter still moves forwards)."""
        self._now = when
        self._mono += 1


SYSTEM_CLOCK = SystemClock()
