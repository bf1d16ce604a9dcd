"""The staff PIN: slow hash, lock-out after repeated failures (Qt-free)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kiosk.domain.door import AttendeeInfo
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.search import fuzzy_matches, search_key
from kiosk.domain.text import find_control_character, normalize_text
from kiosk.i18n import N_
from kiosk.services.checkin import ACCEPTED
from kiosk.services.pin import hash_pin, pin_matches, validate_pin
from kiosk.services.roster_search import SearchHit, search_attendees
from kiosk.storage import atrest
from kiosk.storage.models import Attendee, CheckIn, Device
from kiosk.storage.settings import (
    CENTRAL_URL,
    DEMO,
    DEVICE_ID,
    EVENT_ID,
    IDLE_TIMEOUT_S,
    PIN_FAILURES,
    PIN_HASH,
    PIN_LOCKED_UNTIL,
    STATION_NAME,
    TRAINING,
    Values,
)
from kiosk.storage.store import Store

DEFAULT_DEMO_PIN = "1234"
MAX_FAILURES = 5
LOCK_MINUTES = 5
ROLES = ("both", "checkin", "proposals")
IDLE_RANGE = (30, 900)


class PinLocked(KioskError, code="locked"): ...


def set_pin(store: Store, pin: str) -> None:
    validate_pin(pin)
    with store.uow() as uow:
        uow.save(PIN_HASH, hash_pin(pin))
        uow.save(PIN_FAILURES, 0)
        uow.commit()


def check_pin(store: Store, pin: str) -> bool:
    """True if ``pin`` is the staff PIN; 5 wrong PINs lock it for 5 minutes."""
    now = store.clock.now()
    with store.uow() as uow:
        local = uow.settings(PIN_HASH, PIN_FAILURES, PIN_LOCKED_UNTIL, DEMO)
        until = local[PIN_LOCKED_UNTIL]
        if until and dt.datetime.fromisoformat(until) > now:
            raise PinLocked(
                N_("Too many wrong PINs: try again in {minutes} minutes."),
                minutes=max(
                    1, int((dt.datetime.fromisoformat(until) - now).total_seconds() // 60) + 1
                ),
            )
        ok = _pin_opens(local, pin)
        if ok:
            uow.save(PIN_FAILURES, 0)
        else:
            failures = local[PIN_FAILURES] + 1
            uow.save(PIN_FAILURES, failures % MAX_FAILURES)
            if failures >= MAX_FAILURES:
                uow.save(PIN_LOCKED_UNTIL, (now + dt.timedelta(minutes=LOCK_MINUTES)).isoformat())
        uow.commit()
        return ok


def _pin_opens(local: Values, pin: str) -> bool:
    """The demo, set up with no PIN, takes the documented demo PIN; a real kiosk
    without a PIN takes none (its PIN is set at set-up)."""
    if local[PIN_HASH]:
        return pin_matches(local[PIN_HASH], pin)
    return local[DEMO] and pin == DEFAULT_DEMO_PIN


@dataclass(frozen=True)
class StaffSettings:
    """What staff may change on the kiosk itself (kept in the local settings)."""

    station: str
    role: str
    idle_timeout_s: int
    training: bool
    central_url: str


def load_staff_settings(store: Store, default_idle_s: int = 90) -> StaffSettings:
    with store.uow(readonly=True) as uow:
        local = uow.settings(STATION_NAME, IDLE_TIMEOUT_S, TRAINING, CENTRAL_URL, DEVICE_ID)
        device_id = local[DEVICE_ID]
        device = uow.session.get(Device, device_id) if device_id else None
        return StaffSettings(
            station=local[STATION_NAME] or (device.name if device else ""),
            role=device.role if device else "both",
            idle_timeout_s=local[IDLE_TIMEOUT_S] or default_idle_s,
            training=local[TRAINING],
            central_url=local[CENTRAL_URL],
        )


def save_staff_settings(store: Store, new: StaffSettings) -> StaffSettings:
    """Check every field, then store them all in one transaction (or none)."""
    station = normalize_text(new.station)
    if not station:
        raise ValidationError(N_("The station name is blank."), code="blank_station")
    if len(station) > 100 or find_control_character(station, allowed=frozenset()) is not None:
        raise ValidationError(
            N_("The station name must be 1 to 100 characters, without control characters."),
            code="bad_station",
        )
    if new.role not in ROLES:
        raise ValidationError(N_("Unknown role {role}."), code="bad_role", role=new.role)
    low, high = IDLE_RANGE
    if not low <= new.idle_timeout_s <= high:
        raise ValidationError(
            N_("The idle time-out must be between {low} and {high} seconds."),
            code="bad_idle",
            low=low,
            high=high,
        )
    url = new.central_url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise ValidationError(
            N_("The central platform address must start with http:// or https://."),
            code="bad_url",
        )
    with store.uow() as uow:
        uow.save(STATION_NAME, station)
        uow.save(IDLE_TIMEOUT_S, new.idle_timeout_s)
        uow.save(TRAINING, new.training)
        uow.save(CENTRAL_URL, url)
        device_id = uow.setting(DEVICE_ID)
        device = uow.session.get(Device, device_id) if device_id else None
        if device is not None:
            device.role = new.role
        uow.commit()
    return StaffSettings(station, new.role, new.idle_timeout_s, new.training, url)


def change_pin(store: Store, current: str, new: str, repeat: str) -> None:
    """Change the staff PIN: the current one first, the new one twice."""
    if not check_pin(store, current):
        raise KioskError(N_("Wrong PIN."), code="wrong_pin")
    if new != repeat:
        raise ValidationError(N_("The two new PINs differ."), code="pin_mismatch")
    set_pin(store, new)


def pin_matches_backup(backup: Path, pin: str) -> bool:
    """Check ``pin`` against the staff PIN kept in a backup file (read-only).

    When the database is damaged or missing, the PIN to restore a backup is the
    one that backup holds (the demo PIN if it is a demo's and holds none).
    """
    try:
        con = atrest.connect(backup, readonly=True)
        try:
            rows = con.execute(
                "SELECT key, value FROM local_setting WHERE key IN (?, ?)",
                (PIN_HASH.key, DEMO.key),
            ).fetchall()
        finally:
            con.close()
    except atrest.Error:
        return False
    return _pin_opens(Values(dict(rows)), pin)


def find_people(store: Store, query: str, limit: int = 20) -> list[SearchHit]:
    """The name search at the door: the exact matches (:func:`search_attendees`), then
    names close to what was typed ("El Hasani" finds "El Hassani"), best first."""
    hits = search_attendees(store, query, limit)
    key = search_key(query)
    if len(hits) >= limit or not key:
        return hits
    found = {hit.attendee.id for hit in hits}
    with store.uow(readonly=True) as uow:
        event_id = uow.setting(EVENT_ID)
        keys = [
            (row.id, row.search_key)
            for row in uow.session.execute(
                select(Attendee.id, Attendee.search_key).where(Attendee.event_id == event_id)
            )
            if row.id not in found
        ]
        close = fuzzy_matches(key, keys, limit - len(hits))
        if not close:
            return hits
        ids = [cid for cid, _score in close]
        people = {
            a.id: a for a in uow.session.scalars(select(Attendee).where(Attendee.id.in_(ids)))
        }
        checked = set(
            uow.session.scalars(
                select(CheckIn.attendee_id).where(
                    CheckIn.attendee_id.in_(ids),
                    CheckIn.outcome == ACCEPTED,
                    CheckIn.undone_at.is_(None),
                )
            )
        )
        for cid in ids:
            a = people[cid]
            info = AttendeeInfo(a.id, a.name, a.name_latin, a.organisation, a.category, a.kind)
            hits.append(SearchHit(info, cid in checked))
    return hits
