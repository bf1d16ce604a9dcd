"""What goes on a printed badge (Qt-free; the PDF is drawn in kiosk.ui.badge_sheet)."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from sqlalchemy import select

from kiosk.domain.errors import NotSetUp
from kiosk.i18n import N_, current_language
from kiosk.services.context import current_event
from kiosk.storage.models import Attendee, Event, RevokedAttendee
from kiosk.storage.store import Store


@dataclass(frozen=True)
class BadgeCard:
    attendee_id: str
    name: str
    name_latin: str
    organisation: str
    event_name: str
    token: str


def badge_cards(
    store: Store,
    attendee_ids: list[str] | None = None,
    event_id: str | None = None,
    lang: str | None = None,
) -> list[BadgeCard]:
    """Badges this store holds tokens for: on a kiosk its walk-ins (invitees' tokens
    stay with the organiser); on the organiser's side (``event_id``) everyone's. The
    event is named in ``lang`` (the sheet's language; the current one by default)."""
    lang = lang or current_language()
    with store.uow(readonly=True) as uow:
        event = uow.session.get(Event, event_id) if event_id else current_event(uow)
        if event is None:
            raise NotSetUp(N_("No event with the code {event}."), code="unknown_event", event="-")
        revoked = select(RevokedAttendee.attendee_id).where(RevokedAttendee.event_id == event.id)
        query = select(Attendee).where(
            Attendee.event_id == event.id,
            Attendee.badge_token.is_not(None),
            Attendee.id.not_in(revoked),  # a lost, re-issued or revoked badge is not printed
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
                event.name_in(lang),
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
