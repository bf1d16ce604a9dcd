"""What goes on a printed badge (Qt-free; the PDF is drawn in kiosk.ui.badge_sheet)."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from sqlalchemy import select

from kiosk.services.context import current_event
from kiosk.storage.models import Attendee
from kiosk.storage.store import Store


@dataclass(frozen=True)
class BadgeCard:
    attendee_id: str
    name: str
    name_latin: str
    organisation: str
    event_name: str
    token: str


def badge_cards(store: Store, attendee_ids: list[str] | None = None) -> list[BadgeCard]:
    with store.uow(readonly=True) as uow:
        event = current_event(uow)
        query = select(Attendee).where(
            Attendee.event_id == event.id, Attendee.badge_token.is_not(None)
        )
        if attendee_ids:
            query = query.where(Attendee.id.in_(attendee_ids))
        rows = uow.session.scalars(query.order_by(Attendee.name))
        return [
            BadgeCard(
                a.id,
                a.name,
                a.name_latin if a.name_latin != a.name else "",
                a.organisation,
                event.name,
                a.badge_token or "",
            )
            for a in rows
        ]


def qr_matrix(token: str) -> list[list[bool]]:
    """The QR modules of a token (error correction M, quiet zone included)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(token, optimize=0)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]
