"""Registering a walk-in at the door, with a new signed badge."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert

from kiosk import badges
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.search import search_key
from kiosk.domain.text import checked_field, normalize_text
from kiosk.domain.vocab import CATEGORIES
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.services.checkin import ACCEPTED, door_keys, record_checkin
from kiosk.storage.models import Attendee
from kiosk.storage.settings import TRAINING
from kiosk.storage.store import Store
from kiosk.sync import records


@dataclass(frozen=True)
class WalkIn:
    attendee_id: str
    token: str
    checkin_id: str


def _field(value: str, label: str, maximum: int, required: bool = False) -> str:
    text = checked_field(normalize_text(value or ""), label, maximum)
    if required and not text:
        raise ValidationError(N_("The name is blank."), code="blank_name")
    return text


def register_walk_in(
    store: Store,
    *,
    name: str,
    organisation: str = "",
    category: str = "citizen",
    province: str = "",
    phone: str = "",
    consent: bool = False,
) -> WalkIn:
    """Register a person without an invitation, check them in, return their new badge."""
    clean_name = _field(name, "name", 200, required=True)
    if category not in CATEGORIES:
        raise ValidationError(
            N_("Unknown category {category}."), code="unknown_category", category=category
        )
    values = {
        "organisation": _field(organisation, "organisation", 200),
        "province": _field(province, "province", 100),
        "phone": _field(phone, "phone", 40),
    }
    with store.uow() as uow:
        keys = door_keys(uow)
        if keys.walkin is None:
            raise KioskError(
                N_("This kiosk has no walk-in key: set it up with the event pack."),
                code="no_walkin_key",
            )
        attendee_id = new_id()
        token = badges.make_token(keys.walkin, badges.KIND_WALK_IN, keys.event_id, attendee_id)
        now = store.clock.now()
        row = {
            "id": attendee_id,
            "event_id": keys.event_id,
            "external_id": None,
            "kind": "walk_in",
            "name": clean_name,
            "name_latin": "",
            "category": category,
            "email": "",
            "preferred_language": "",
            "consent": bool(consent),
            "search_key": search_key(clean_name),
            "created_at": now,
            "created_by": uow.device_id,
            "badge_token": token,
            **values,
        }
        uow.connection.execute(insert(Attendee), row)
        records.journal(
            uow, records.AttendeeRegistered, attendee_id, **{**row, "created_at": now.isoformat()}
        )
        cid = record_checkin(uow, keys, attendee_id, "walk_in", ACCEPTED, "", uow.setting(TRAINING))
        uow.commit()
        return WalkIn(attendee_id, token, cid)
