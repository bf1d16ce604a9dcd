"""Telling a USB badge scanner from a person typing, by timing alone.

A keyboard-wedge scanner "types" a whole badge in a few milliseconds per key and
ends with Enter; a person types tens of times slower. The check-in screen feeds
every key press here, wherever focus is; this decides. It does not decode the
keys: the check-in core's key-event decoder does that with the burst it gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTER_KEYS = frozenset({"\r", "\n"})


@dataclass(frozen=True)
class KeyPress:
    """One key press as the UI saw it (Qt-free)."""

    time_ms: float
    text: str  # what the layout produced ("" for keys with no text)
    key: int = 0  # toolkit key code (Qt.Key) if any
    native_scan_code: int = 0
    native_virtual_key: int = 0
    shift: bool = False

    @property
    def is_enter(self) -> bool:
        return self.text in ENTER_KEYS or self.key in (0x01000004, 0x01000005)


@dataclass
class ScanBurstDetector:
    """Collects fast key runs; a run ended by Enter and long enough is a scan.

    ``feed`` returns ``("scan", keys)`` for a scanner burst (Enter excluded),
    ``("typing", keys)`` for keys that turned out to be typed by a person (to be
    handed back to the focused widget), or ``None`` while undecided.
    """

    max_gap_ms: float = 45.0
    min_length: int = 8
    keys: list[KeyPress] = field(default_factory=list)

    def feed(self, press: KeyPress) -> tuple[str, list[KeyPress]] | None:
        if self.keys and press.time_ms - self.keys[-1].time_ms > self.max_gap_ms:
            typed = self.flush()
            if press.is_enter:
                return ("typing", [*typed, press])
            self.keys.append(press)
            return ("typing", typed)
        if press.is_enter:
            burst, self.keys = self.keys, []
            if len(burst) >= self.min_length:
                return ("scan", burst)
            return ("typing", [*burst, press])
        self.keys.append(press)
        return None

    def expire(self, now_ms: float) -> list[KeyPress]:
        """Keys waiting longer than a scanner would: they were typed by hand."""
        if self.keys and now_ms - self.keys[-1].time_ms > self.max_gap_ms:
            return self.flush()
        return []

    def flush(self) -> list[KeyPress]:
        keys, self.keys = self.keys, []
        return keys
