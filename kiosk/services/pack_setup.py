"""Setting a kiosk up from the organiser's signed, sealed event pack."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from kiosk import crypto
from kiosk.domain.errors import ValidationError
from kiosk.domain.search import search_key
from kiosk.enrolment import enrolment_code
from kiosk.event_pack import EventPack, PackError, read_pack
from kiosk.i18n import N_
from kiosk.services.pin import hash_pin, validate_pin
from kiosk.services.setup import ensure_device
from kiosk.storage.models import (
    Attendee,
    Event,
    RevokedAttendee,
    Theme,
)
from kiosk.storage.settings import (
    EVENT_ID,
    ORGANISER_SEAL_PK,
    ORGANISER_SIGN_PK,
    PACK_ISSUED_AT,
    PIN_HASH,
    STATION_NAME,
    WALKIN_SIGNING_KEY,
)
from kiosk.storage.store import Store, UnitOfWork
from kiosk.sync import records


@dataclass(frozen=True)
class PackSetup:
    event_id: str
    event_code: str
    device_id: str
    fingerprint: str
    attendees: int
    revoked: int
    updated: bool
    enrolment_code: str


def _event_from_pack(pack: EventPack) -> dict[str, Any]:
    e = pack.event

    def when(key: str) -> dt.datetime | None:
        value = e.get(key)
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None

    return {
        "id": e["id"],
        "code": e["code"],
        "name": e["name"],
        "names": e["names"],  # checked by the reader ({} in a pack without them)
        "followup_url": e["followup_url"],
        "region": e.get("region", ""),
        "venue": e.get("venue", ""),
        "starts_at": when("starts_at"),
        "ends_at": when("ends_at"),
        "languages": ",".join(e["languages"]),
    }


def setup_from_pack(
    store: Store,
    data: bytes,
    *,
    name: str,
    role: str,
    keys_dir: Path,
    pin: str | None = None,
    passphrase: str | None = None,
) -> PackSetup:
    """Set this kiosk up (or update it) from a signed, sealed event pack.

    A kiosk already trusting an organiser refuses a pack signed by another, a
    pack of another event, or an older pack; a newer pack of the same event
    updates the roster and revocations and keeps every local record. The kiosk
    works at once (door and proposals); its bundles are accepted centrally once
    the organiser has approved its enrolment request (:mod:`kiosk.services.enrol`).
    """
    if role not in ("checkin", "proposals", "both"):
        raise ValidationError(N_("Unknown role {role}."), code="bad_role", role=role)
    if pin is not None:
        validate_pin(pin)
    with store.uow(readonly=True) as uow:
        known = uow.settings(ORGANISER_SIGN_PK, EVENT_ID, PACK_ISSUED_AT)
    trusted = bytes.fromhex(known[ORGANISER_SIGN_PK]) if known[ORGANISER_SIGN_PK] else None
    pack = read_pack(data, trusted_signer=trusted, passphrase=passphrase)
    if known[EVENT_ID] and known[EVENT_ID] != pack.event["id"] and trusted is not None:
        raise PackError(
            N_("This kiosk holds another event's data; it cannot take this event's pack."),
            code="other_event",
        )
    if known[PACK_ISSUED_AT] and pack.issued_at < known[PACK_ISSUED_AT]:
        raise PackError(N_("This pack is older than the one already installed."), code="older_pack")
    device_key = crypto.load_or_create_signing_key(keys_dir / crypto.DEVICE_KEY_FILE)
    with store.uow() as uow:
        updated = uow.setting(EVENT_ID) == pack.event["id"]
        device = ensure_device(uow, name, role, bytes(device_key.verify_key).hex())
        device.name, device.role = name, role
        device.public_key = bytes(device_key.verify_key).hex()
        fields = _event_from_pack(pack)
        event = uow.session.get(Event, fields["id"])
        if event is None:
            event = Event(created_at=store.clock.now(), **fields)
            uow.session.add(event)
        else:
            for key, value in fields.items():
                setattr(event, key, value)
        existing_themes = {
            t.code: t for t in uow.session.scalars(select(Theme).where(Theme.event_id == event.id))
        }
        for i, theme in enumerate(pack.themes):
            row = existing_themes.get(theme["code"])
            if row is None:
                row = Theme(event_id=event.id, code=theme["code"])
                uow.session.add(row)
            row.position = int(theme.get("position", i))
            row.icon = str(theme.get("icon", ""))
            row.names = dict(theme["names"])
            row.descriptions = dict(theme.get("descriptions", {}))
        uow.session.flush()
        _import_roster(uow, event.id, pack, store.clock.now())
        for attendee_id in pack.revoked_attendees:
            if uow.session.get(RevokedAttendee, (event.id, attendee_id)) is None:
                uow.session.add(
                    RevokedAttendee(
                        event_id=event.id, attendee_id=attendee_id, revoked_at=store.clock.now()
                    )
                )
        uow.save(EVENT_ID, event.id)
        uow.save(STATION_NAME, name)
        uow.save(ORGANISER_SIGN_PK, pack.organiser_sign_pk.hex())
        uow.save(ORGANISER_SEAL_PK, pack.organiser_seal_pk.hex())
        uow.save(WALKIN_SIGNING_KEY, pack.walkin_signing_key.hex())
        uow.save(PACK_ISSUED_AT, pack.issued_at)
        if pin:
            uow.save(PIN_HASH, hash_pin(pin))
        uow.session.flush()
        records.journal(
            uow,
            records.PackImported,
            event.id,
            event_id=event.id,
            pack_id=pack.pack_id,
            issued_at=pack.issued_at,
            attendees=len(pack.attendees),
            revoked=len(pack.revoked_attendees),
            device_public_key=device.public_key,
            device_name=name,
            role=role,
        )
        uow.commit()
        store.forget_cached()
        return PackSetup(
            event.id,
            event.code,
            device.id,
            pack.fingerprint,
            len(pack.attendees),
            len(pack.revoked_attendees),
            updated,
            enrolment_code(bytes(device_key.verify_key)),
        )


def _import_roster(uow: UnitOfWork, event_id: str, pack: EventPack, now: dt.datetime) -> None:
    existing = {
        row.id: row
        for row in uow.session.scalars(
            select(Attendee).where(Attendee.event_id == event_id, Attendee.kind == "invited")
        )
    }
    new_rows = []
    for person in pack.attendees:
        values = {
            "name": person.name,
            "name_latin": person.name_latin,
            "organisation": person.organisation,
            "category": person.category,
            "province": person.province,
            "preferred_language": person.preferred_language,
            "external_id": person.external_id,
            "search_key": search_key(f"{person.name} {person.name_latin}"),
        }
        row = existing.get(person.id)
        if row is None:
            new_rows.append(
                {
                    "id": person.id,
                    "event_id": event_id,
                    "kind": "invited",
                    "phone": "",
                    "email": "",
                    "consent": False,
                    "created_at": now,
                    "created_by": None,
                    "badge_token": None,  # invitees' tokens never leave the organiser
                    **values,
                }
            )
        else:
            for key, value in values.items():
                setattr(row, key, value)
    # The changed rows first: an external id that moved to a new row (a re-issued
    # badge) is free before that row is inserted.
    uow.session.flush()
    if new_rows:
        uow.connection.execute(insert(Attendee), new_rows)
