"""Spotting a wall clock nobody set: jumps backwards, or times before the event.

Derived from the journal (every entry records wall-clock time and a monotonic
counter), so nothing extra is stored and the same check runs on the kiosk, in
the bundle manifest and on the central side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# Small corrections are normal; a venue has no network time, so anything larger
# than this backwards is somebody setting the clock (or a flat clock battery).
BACKWARDS_TOLERANCE = dt.timedelta(seconds=5)
# Setting kiosks up the day before is normal; earlier than that is a wrong clock.
BEFORE_EVENT_TOLERANCE = dt.timedelta(days=1)
SETUP_KINDS = frozenset({"device.created", "event.set_up", "event.pack_imported"})


@dataclass(frozen=True)
class ClockAnomaly:
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
    earliest_ok = event_start - BEFORE_EVENT_TOLERANCE if event_start else None
    for seq, kind, wall_time in entries:
        try:
            when = dt.datetime.fromisoformat(wall_time)
        except ValueError:
            anomalies.append(ClockAnomaly(seq, "unreadable", wall_time, ""))
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if latest is not None and when < latest - BACKWARDS_TOLERANCE:
            anomalies.append(ClockAnomaly(seq, "backwards", wall_time, latest.isoformat()))
        if earliest_ok is not None and kind not in SETUP_KINDS and when < earliest_ok:
            anomalies.append(
                ClockAnomaly(
                    seq, "before_event", wall_time, event_start.isoformat() if event_start else ""
                )
            )
        latest = when if latest is None or when > latest else latest
    return anomalies
