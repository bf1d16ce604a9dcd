"""Spotting a wall clock nobody set: jumps backwards, or times before the event.

Derived from the journal (every entry records wall-clock time and a monotonic
counter), so nothing extra is stored and the same check runs on the kiosk, in
the bundle manifest and on the central side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

# Small corrections are normal; a venue has no network time, so anything larger
# than this backwards is somebody setting the clock (or a flat clock battery).
BACKWARDS_TOLERANCE = dt.timedelta(seconds=5)
# Setting kiosks up the day before is normal; earlier than that is a wrong clock.
BEFORE_EVENT_TOLERANCE = dt.timedelta(days=1)
SETUP_KINDS = frozenset({"device.created", "event.set_up", "event.pack_imported"})


class ClockAnomaly(NamedTuple):
    """One flagged entry (a named tuple: a wrong clock can flag a whole day's entries,
    and each flag goes into the bundle's manifest)."""

    seq: int
    kind: str  # "backwards" | "before_event"
    wall_time: str
    reference: str  # the later time seen before, or the event start

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "wall_time": self.wall_time,
            "reference": self.reference,
        }


def find_clock_anomalies(
    entries: Iterable[tuple[int, str, str]],
    event_start: dt.datetime | None,
) -> list[ClockAnomaly]:
    """Entries as ``(seq, kind, wall_time ISO)`` in seq order."""
    anomalies: list[ClockAnomaly] = []
    latest: dt.datetime | None = None
    # Derived from ``latest`` only when it moves (and its text only when a jump is
    # reported): a bundle runs this over up to 200,000 entries.
    threshold: dt.datetime | None = None
    latest_text = ""
    latest_text_of: dt.datetime | None = None
    earliest_ok = event_start - BEFORE_EVENT_TOLERANCE if event_start else None
    start_text = event_start.isoformat() if event_start else ""
    for seq, kind, wall_time in entries:
        try:
            when = dt.datetime.fromisoformat(wall_time)
        except ValueError:
            anomalies.append(ClockAnomaly(seq, "unreadable", wall_time, ""))
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if threshold is not None and when < threshold:
            if latest_text_of is not latest:
                assert latest is not None
                latest_text, latest_text_of = latest.isoformat(), latest
            anomalies.append(ClockAnomaly(seq, "backwards", wall_time, latest_text))
        if earliest_ok is not None and kind not in SETUP_KINDS and when < earliest_ok:
            anomalies.append(ClockAnomaly(seq, "before_event", wall_time, start_text))
        if latest is None or when > latest:
            latest = when
            threshold = when - BACKWARDS_TOLERANCE
    return anomalies
