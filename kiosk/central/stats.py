"""Event figures on the central side, computed from merged records (order-free)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, func, select, type_coerce

from kiosk.central.merge import gaps
from kiosk.central.models import CentralDevice, ImportedEntry
from kiosk.central.organiser import find_event
from kiosk.storage.models import Attendee, CheckIn, Proposal
from kiosk.storage.queries import count_rows
from kiosk.storage.store import Store


def event_stats(store: Store, event_code: str) -> dict[str, Any]:
    with store.uow(readonly=True) as uow:
        s = uow.session
        event = find_event(uow, event_code)
        accepted = list(
            s.execute(
                select(CheckIn.attendee_id, CheckIn.at, CheckIn.id, CheckIn.station)
                .where(
                    CheckIn.event_id == event.id,
                    CheckIn.outcome == "accepted",
                    CheckIn.undone_at.is_(None),
                    CheckIn.training.is_(False),
                )
                .order_by(CheckIn.attendee_id, CheckIn.at, CheckIn.id)
            )
        )
        first: dict[str, Any] = {}
        duplicates = []
        for row in accepted:
            if row.attendee_id in first:
                # The first accepted check-in across all stations wins; later ones are
                # kept and reported with their station and time.
                duplicates.append(
                    {
                        "attendee_id": row.attendee_id,
                        "station": row.station,
                        "at": row.at.isoformat(),
                        "first_station": first[row.attendee_id].station,
                    }
                )
            else:
                first[row.attendee_id] = row
        rejected = count_rows(
            s,
            CheckIn,
            CheckIn.event_id == event.id,
            CheckIn.outcome.not_in(("accepted", "already_checked_in")),
        )
        already = count_rows(
            s, CheckIn, CheckIn.event_id == event.id, CheckIn.outcome == "already_checked_in"
        )

        def grouped(column: Any) -> dict[str, int]:
            rows = s.execute(
                select(column, func.count())
                .where(Proposal.event_id == event.id, Proposal.training.is_(False))
                .group_by(column)
            )
            return {str(k): int(n) for k, n in rows}

        devices = []
        for device in s.scalars(
            select(CentralDevice)
            .where(CentralDevice.event_id == event.id)
            .order_by(CentralDevice.name)
        ):
            last = (
                s.scalar(
                    select(func.max(ImportedEntry.seq)).where(
                        ImportedEntry.device_id == device.device_id
                    )
                )
                or 0
            )
            devices.append(
                {
                    "device_id": device.device_id,
                    "name": device.name,
                    "last_seq": int(last),
                    "gaps": [list(g) for g in gaps(uow, device.device_id)],
                    "clock_warnings": device.clock_flags,
                }
            )
        return {
            "event": event.code,
            "attendees": count_rows(s, Attendee, Attendee.event_id == event.id),
            # Only walk-ins an enrolled kiosk's journal registered (a check-in elsewhere
            # of a walk-in not yet registered here leaves a placeholder, not counted).
            "walk_ins": count_rows(
                s,
                Attendee,
                Attendee.event_id == event.id,
                Attendee.kind == "walk_in",
                Attendee.created_by.is_not(None),
            ),
            "unique_checkins": len(first),
            "duplicate_checkins": duplicates,
            "duplicate_scans": len(duplicates) + already,
            "rejected_scans": rejected,
            "proposals": sum(grouped(Proposal.theme_code).values()),
            "proposals_by_theme": grouped(Proposal.theme_code),
            "proposals_by_language": grouped(Proposal.language),
            "devices": devices,
            "devices_with_clock_warnings": [d["device_id"] for d in devices if d["clock_warnings"]],
        }


def attendance_figures(store: Store, event_code: str) -> dict[str, Any]:
    """Who came, for the attendance page: first accepted check-in per attendee (any
    station), by hour (UTC), category, province, invited or walk-in; accepted scans per
    door; roster coverage; duplicate scans across stations.

    Three grouped reads that return a few rows each; the central chain's covering
    indexes on the check-ins and the attendees let them read no table rows."""
    from collections import Counter

    with store.uow(readonly=True) as uow:
        s = uow.session
        event = find_event(uow, event_code)
        valid = (
            CheckIn.event_id == event.id,
            CheckIn.outcome == "accepted",
            CheckIn.attendee_id.is_not(None),
            CheckIn.undone_at.is_(None),
            CheckIn.training.is_(False),
        )
        # Times as the stored UTC ISO text: they compare as text, the hour is a prefix.
        at_text = type_coerce(CheckIn.at, String)
        first = (
            select(CheckIn.attendee_id.label("attendee_id"), func.min(at_text).label("at"))
            .where(*valid)
            .group_by(CheckIn.attendee_id)
            .subquery()
        )
        hour = func.substr(first.c.at, 1, 13)
        hours = {
            f"{h[:10]} {h[11:13]}:00": int(n)
            for h, n in s.execute(select(hour, func.count()).group_by(hour).order_by(hour))
            if h
        }
        kinds: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        provinces: Counter[str] = Counter()
        # Semi-join: the event's people (covered by an index) among those who came.
        came_ids = select(CheckIn.attendee_id).where(*valid)
        for kind, category, province, n in s.execute(
            select(Attendee.kind, Attendee.category, Attendee.province, func.count())
            .where(Attendee.event_id == event.id, Attendee.id.in_(came_ids))
            .group_by(Attendee.kind, Attendee.category, Attendee.province)
        ):
            kinds[kind] += n
            categories[category or ""] += n
            provinces[province or ""] += n
        doors = {
            str(k or ""): int(n)
            for k, n in s.execute(
                select(CheckIn.station, func.count())
                .where(*valid)
                .group_by(CheckIn.station)
                .order_by(CheckIn.station)
            )
        }
        invited_total = count_rows(
            s, Attendee, Attendee.event_id == event.id, Attendee.kind == "invited"
        )
    came = sum(kinds.values())
    return {
        "event": event_code,
        "checked_in": came,
        "invited_total": invited_total,
        "invited_checked_in": kinds.get("invited", 0),
        "walk_ins_checked_in": kinds.get("walk_in", 0),
        "coverage": (kinds.get("invited", 0) / invited_total) if invited_total else 0.0,
        "by_hour": hours,
        "by_category": dict(sorted(categories.items())),
        "by_province": dict(sorted(provinces.items())),
        "by_door": doors,
        "duplicate_scans": sum(doors.values()) - came,
    }
