"""Figures for the staff dashboard and the event report (Qt-free, one read each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from kiosk.services.context import current_event
from kiosk.storage.models import Attendee, CheckIn, Device, JournalEntry, Proposal
from kiosk.storage.queries import count_rows
from kiosk.storage.store import Store

BUCKET = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class DeviceActivity:
    device_id: str
    name: str
    last_seq: int
    last_activity: str  # ISO wall time of its newest journal entry


@dataclass(frozen=True)
class DashboardFigures:
    event_code: str
    event_name: str
    expected: int
    checked_in: int
    walk_ins: int
    rejected_scans: int
    proposals: int
    checkins_per_quarter: tuple[tuple[dt.datetime, int], ...]
    proposals_per_theme: tuple[tuple[str, int], ...]
    languages: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, int], ...]
    provinces: tuple[tuple[str, int], ...]
    devices: tuple[DeviceActivity, ...]


def _quarter(when: dt.datetime) -> dt.datetime:
    return when.replace(minute=when.minute - when.minute % 15, second=0, microsecond=0)


def dashboard_figures(store: Store, *, include_training: bool = False) -> DashboardFigures:
    """Everything the dashboard shows, read in one read-only transaction."""
    with store.uow(readonly=True) as uow:
        s = uow.session
        event = current_event(uow)
        accepted = (
            CheckIn.event_id == event.id,
            CheckIn.outcome == "accepted",
            CheckIn.undone_at.is_(None),
        )
        training = () if include_training else (CheckIn.training.is_(False),)
        p_training = () if include_training else (Proposal.training.is_(False),)

        # The first accepted, not undone check-in of each attendee.
        first = (
            select(CheckIn.attendee_id, func.min(CheckIn.at).label("at"))
            .where(*accepted, *training)
            .group_by(CheckIn.attendee_id)
            .subquery()
        )
        times = [row.at for row in s.execute(select(first.c.at))]
        buckets: dict[dt.datetime, int] = {}
        for raw in times:
            when = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(raw)
            key = _quarter(when)
            buckets[key] = buckets.get(key, 0) + 1
        checked_in = len(times)

        def grouped(column: Any, *where: Any) -> tuple[tuple[str, int], ...]:
            rows = s.execute(
                select(column, func.count())
                .where(*where)
                .group_by(column)
                .order_by(func.count().desc(), column)
            )
            return tuple((str(k or ""), int(n)) for k, n in rows)

        present = select(first.c.attendee_id)
        figures = DashboardFigures(
            event_code=event.code,
            event_name=event.name,
            expected=count_rows(
                s, Attendee, Attendee.event_id == event.id, Attendee.kind == "invited"
            ),
            checked_in=checked_in,
            walk_ins=count_rows(
                s, Attendee, Attendee.event_id == event.id, Attendee.kind == "walk_in"
            ),
            rejected_scans=count_rows(
                s,
                CheckIn,
                CheckIn.event_id == event.id,
                CheckIn.outcome.not_in(("accepted", "already_checked_in")),
                *training,
            ),
            proposals=count_rows(s, Proposal, Proposal.event_id == event.id, *p_training),
            checkins_per_quarter=tuple(sorted(buckets.items())),
            proposals_per_theme=grouped(
                Proposal.theme_code, Proposal.event_id == event.id, *p_training
            ),
            languages=grouped(Proposal.language, Proposal.event_id == event.id, *p_training),
            categories=grouped(Attendee.category, Attendee.id.in_(present)),
            provinces=grouped(Attendee.province, Attendee.id.in_(present)),
            devices=tuple(
                DeviceActivity(row.id, row.name, int(row.journal_seq), row.last or "")
                for row in s.execute(
                    select(
                        Device.id,
                        Device.name,
                        Device.journal_seq,
                        select(func.max(JournalEntry.wall_time))
                        .where(JournalEntry.device_id == Device.id)
                        .scalar_subquery()
                        .label("last"),
                    ).order_by(Device.name)
                )
            ),
        )
        return figures
