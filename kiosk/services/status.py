"""What is on this kiosk: event, device, counts, journal."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from kiosk.services.context import current_event
from kiosk.storage import journal
from kiosk.storage.models import Attendee, CheckIn, Device, Proposal
from kiosk.storage.store import Store


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def kiosk_status(store: Store) -> Status:
    with store.uow(readonly=True) as uow:
        event = current_event(uow)
        device = uow.session.get(Device, uow.device_id)
        assert device is not None

        def count(model: Any, *where: Any) -> int:
            return int(
                uow.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
            )

        return Status(
            event_code=event.code,
            event_name=event.name,
            device_id=device.id,
            device_name=device.name,
            role=device.role,
            attendees=count(Attendee, Attendee.event_id == event.id),
            checkins=count(
                CheckIn,
                CheckIn.event_id == event.id,
                CheckIn.outcome == "accepted",
                CheckIn.undone_at.is_(None),
            ),
            proposals=count(Proposal, Proposal.event_id == event.id),
            journal_length=device.journal_seq,
            last_exported_seq=device.exported_seq,
        )


def verify_journal(store: Store) -> journal.VerifyResult:
    with store.uow(readonly=True) as uow:
        return journal.verify(uow.session, uow.device_id)
