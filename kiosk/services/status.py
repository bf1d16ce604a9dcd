"""What is on this kiosk: event, device, counts, journal."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.domain.clock_check import ClockAnomaly, find_clock_anomalies
from kiosk.i18n import N_, NP_, _, ngettext
from kiosk.services.context import current_event
from kiosk.services.enrol import enrolment_state
from kiosk.storage import journal
from kiosk.storage.models import Attendee, CheckIn, Device, JournalEntry, Proposal
from kiosk.storage.queries import count_rows
from kiosk.storage.store import Store, UnitOfWork


@dataclass(frozen=True)
class Status:
    event_code: str
    event_name: str
    device_id: str
    device_name: str
    role: str
    attendees: int
    checkins: int
    proposals: int
    journal_length: int
    last_exported_seq: int
    clock_warnings: tuple[dict[str, object], ...] = ()
    enrolled: bool = False
    enrolment_code: str = ""  # "" when set up without a pack (the plain demo)
    event_names: dict[str, str] = field(default_factory=dict)  # per language

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def kiosk_status(store: Store) -> Status:
    enrolment = enrolment_state(store)
    with store.uow(readonly=True) as uow:
        event = current_event(uow)
        device = uow.session.get(Device, uow.device_id)
        assert device is not None

        return Status(
            event_code=event.code,
            event_name=event.name,
            event_names=dict(event.names or {}),
            device_id=device.id,
            device_name=device.name,
            role=device.role,
            attendees=count_rows(uow.session, Attendee, Attendee.event_id == event.id),
            checkins=count_rows(
                uow.session,
                CheckIn,
                CheckIn.event_id == event.id,
                CheckIn.outcome == "accepted",
                CheckIn.undone_at.is_(None),
            ),
            proposals=count_rows(uow.session, Proposal, Proposal.event_id == event.id),
            journal_length=device.journal_seq,
            last_exported_seq=device.exported_seq,
            clock_warnings=tuple(a.as_dict() for a in clock_anomalies(uow, event.starts_at)),
            enrolled=enrolment.enrolled,
            enrolment_code=enrolment.code,
        )


def clock_anomalies(uow: UnitOfWork, event_start: dt.datetime | None) -> list[ClockAnomaly]:
    """Wall-clock problems in this device's journal (shown to staff, flagged in bundles)."""
    rows = uow.session.execute(
        select(JournalEntry.seq, JournalEntry.kind, JournalEntry.wall_time)
        .where(JournalEntry.device_id == uow.device_id)
        .order_by(JournalEntry.seq)
    )
    return find_clock_anomalies(((r.seq, r.kind, r.wall_time) for r in rows), event_start)


def verify_journal(store: Store) -> journal.VerifyResult:
    with store.uow(readonly=True) as uow:
        return journal.verify(uow.session, uow.device_id)


CLOCK_TEXT = {
    "backwards": N_("The clock went back in time at journal entry {seq} ({time})."),
    "before_event": N_("Journal entry {seq} is dated before the event ({time}): check the clock."),
    "unreadable": N_("Journal entry {seq} has an unreadable time."),
}
MAX_CLOCK_NOTICES = 5


@dataclass(frozen=True)
class Notice:
    """Something staff should see on the staff screens (text translated when shown)."""

    level: str  # "warning" | "error"
    message: str  # source text, marked with N_
    values: dict[str, object]
    plural: str = ""  # a count's other form; values["n"] chooses (ngettext)

    def text(self) -> str:
        """The notice in the current language."""
        if self.plural:
            count = self.values["n"]
            assert isinstance(count, int)
            return ngettext(self.message, self.plural, count).format(**self.values)
        return _(self.message).format(**self.values)


def station_notices(store: Store, damaged_dir: Path) -> list[Notice]:
    """Damaged databases moved aside, and clock problems in this kiosk's journal."""
    notices: list[Notice] = []
    if damaged_dir.is_dir():
        for path in sorted(damaged_dir.glob("*.db")):
            notices.append(
                Notice(
                    "error",
                    N_(
                        "A damaged database was moved aside ({path}); this kiosk runs on a "
                        "restored or new one. Give that file to the organiser."
                    ),
                    {"path": str(path)},
                )
            )
    enrolment = enrolment_state(store)
    if enrolment.code and not enrolment.enrolled:
        notices.append(
            Notice(
                "warning",
                N_(
                    "This kiosk is not enrolled yet: the organiser approves code {code}. "
                    "It works meanwhile; its bundles are accepted once it is approved."
                ),
                {"code": enrolment.code},
            )
        )
    with store.uow(readonly=True) as uow:
        event = current_event(uow)
        anomalies = clock_anomalies(uow, event.starts_at)
    for anomaly in anomalies[:MAX_CLOCK_NOTICES]:
        notices.append(
            Notice(
                "warning",
                CLOCK_TEXT.get(anomaly.kind, CLOCK_TEXT["unreadable"]),
                {"seq": anomaly.seq, "time": anomaly.wall_time[:19].replace("T", " ")},
            )
        )
    if len(anomalies) > MAX_CLOCK_NOTICES:
        one, many = NP_(
            "{n} more clock warning: see kiosk status.",
            "{n} more clock warnings: see kiosk status.",
        )
        notices.append(
            Notice("warning", one, {"n": len(anomalies) - MAX_CLOCK_NOTICES}, plural=many)
        )
    return notices
