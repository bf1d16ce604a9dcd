"""Check-in at the door, verified offline: setup from a pack, scans, walk-ins, search."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.signing import SigningKey
from sqlalchemy import bindparam, case, func, insert, literal, literal_column, select, text

from kiosk import badges, crypto
from kiosk.domain.errors import KioskError, NotSetUp, ValidationError
from kiosk.domain.search import rank, search_key
from kiosk.domain.text import describe_char, find_control_character, normalize_text
from kiosk.domain.vocab import CATEGORIES
from kiosk.enrolment import enrolment_code
from kiosk.event_pack import EventPack, PackError, read_pack
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.services.context import NO_EVENT
from kiosk.services.setup import ensure_device
from kiosk.storage.models import (
    Attendee,
    CheckIn,
    Device,
    Event,
    RevokedAttendee,
    Theme,
    unknown_walk_in,
    utc_text,
)
from kiosk.storage.prepared import Prepared
from kiosk.storage.store import DEVICE_KEY, EVENT_KEY, Store, UnitOfWork
from kiosk.sync import records

WALKIN_KEY = "walkin_signing_key"
PACK_ISSUED_KEY = "pack_issued_at"
STATION_KEY = "station_name"
PIN_KEY = "staff_pin_hash"

ACCEPTED = "accepted"
ALREADY = "already_checked_in"
OUTCOMES = (
    ACCEPTED,
    ALREADY,
    "revoked",
    "wrong_event",
    "invalid_signature",
    "malformed",
    "unknown_attendee",
)


# -- setup from an event pack -------------------------------------------------------------


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


# Argon2id (libsodium, through PyNaCl) for the staff PIN, with the cost chosen by
# bench/bench_pin.py: 0.2-0.4 s and 128 MiB per check on one core of the 2026-12-01
# test machine. A copied kiosk disk then costs about 1.4 days of two cores to try
# every 6-digit PIN, where scrypt at N=2^14 gave a 4-digit PIN away in four minutes;
# at the kiosk itself the lock-out stops guessing after five wrong PINs.
PIN_OPSLIMIT = 3
PIN_MEMLIMIT = 128 * 1024 * 1024


PIN_LENGTHS = (6, 12)


def validate_pin(pin: str) -> str:
    """A staff PIN is 6 to 12 digits: what the on-screen pad can type, long enough that
    a copied disk does not give it away in minutes."""
    low, high = PIN_LENGTHS
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise ValidationError(
            N_("The staff PIN must be {low} to {high} digits."), code="bad_pin", low=low, high=high
        )
    return pin


def hash_pin(pin: str) -> str:
    """A slow, memory-hard, salted hash of the staff PIN (Argon2id, encoded string)."""
    return argon2id.str(pin.encode("utf-8"), opslimit=PIN_OPSLIMIT, memlimit=PIN_MEMLIMIT).decode(
        "ascii"
    )


def pin_matches(stored: str, pin: str) -> bool:
    if stored.startswith("$argon2id$"):
        try:
            return bool(argon2id.verify(stored.encode("ascii"), pin.encode("utf-8")))
        except (nacl.exceptions.InvalidkeyError, nacl.exceptions.CryptoError, ValueError):
            return False
    # Hashes of kiosks set up by earlier versions (scrypt) are still read.
    try:
        scheme, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def _event_from_pack(pack: EventPack) -> dict[str, Any]:
    e = pack.event

    def when(key: str) -> dt.datetime | None:
        value = e.get(key)
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None

    return {
        "id": e["id"],
        "code": e["code"],
        "name": e["name"],
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
        known = uow.get_settings(crypto.ORGANISER_SIGN_PK, EVENT_KEY, PACK_ISSUED_KEY)
    trusted = (
        bytes.fromhex(known[crypto.ORGANISER_SIGN_PK])
        if crypto.ORGANISER_SIGN_PK in known
        else None
    )
    pack = read_pack(data, trusted_signer=trusted, passphrase=passphrase)
    if known.get(EVENT_KEY) and known[EVENT_KEY] != pack.event["id"] and trusted is not None:
        raise PackError(
            N_("This kiosk holds another event's data; it cannot take this event's pack."),
            code="other_event",
        )
    if known.get(PACK_ISSUED_KEY) and pack.issued_at < known[PACK_ISSUED_KEY]:
        raise PackError(N_("This pack is older than the one already installed."), code="older_pack")
    device_key = crypto.load_or_create_signing_key(keys_dir / crypto.DEVICE_KEY_FILE)
    with store.uow() as uow:
        updated = uow.get_setting(EVENT_KEY) == pack.event["id"]
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
        uow.set_setting(EVENT_KEY, event.id)
        uow.set_setting(STATION_KEY, name)
        uow.set_setting(crypto.ORGANISER_SIGN_PK, pack.organiser_sign_pk.hex())
        uow.set_setting(crypto.ORGANISER_SEAL_PK, pack.organiser_seal_pk.hex())
        uow.set_setting(WALKIN_KEY, pack.walkin_signing_key.hex())
        uow.set_setting(PACK_ISSUED_KEY, pack.issued_at)
        if pin:
            uow.set_setting(PIN_KEY, hash_pin(pin))
        uow.session.flush()
        uow.record(
            records.PackImported.KIND,
            event.id,
            records.build(
                records.PackImported,
                event_id=event.id,
                pack_id=pack.pack_id,
                issued_at=pack.issued_at,
                attendees=len(pack.attendees),
                revoked=len(pack.revoked_attendees),
                device_public_key=device.public_key,
                device_name=name,
                role=role,
            ),
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
    if new_rows:
        uow.connection.execute(insert(Attendee), new_rows)


# -- scanning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendeeInfo:
    id: str
    name: str
    name_latin: str
    organisation: str
    category: str
    kind: str


@dataclass(frozen=True)
class CheckInResult:
    outcome: str
    checkin_id: str
    attendee: AttendeeInfo | None = None
    first_at: dt.datetime | None = None
    first_station: str = ""
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.outcome == ACCEPTED


@dataclass(frozen=True)
class _Keys:
    event_id: str
    event_tag: bytes
    # Per badge kind, the one key that may sign it: the organiser's for invitees,
    # the event's walk-in key for walk-ins.
    verify: dict[int, dict[bytes, bytes]]
    walkin: SigningKey | None
    station: str


DOOR_SETTINGS = (EVENT_KEY, crypto.ORGANISER_SIGN_PK, WALKIN_KEY, STATION_KEY)


def _keys(uow: UnitOfWork) -> _Keys:
    return _keys_from(uow, uow.get_settings(*DOOR_SETTINGS))


def _keys_from(uow: UnitOfWork, settings: dict[str, str]) -> _Keys:
    """The door's keys from its local settings, made once per store and settings."""
    settings = {key: settings[key] for key in DOOR_SETTINGS if key in settings}
    cache_key = "keys:" + "|".join(f"{k}={v}" for k, v in sorted(settings.items()))
    cached = uow.store.cache.get(cache_key)
    if isinstance(cached, _Keys):
        return cached
    event_id = settings.get(EVENT_KEY)
    if not event_id:
        raise NotSetUp(NO_EVENT)
    verify: dict[int, dict[bytes, bytes]] = {badges.KIND_INVITEE: {}, badges.KIND_WALK_IN: {}}
    walkin = None
    if crypto.ORGANISER_SIGN_PK in settings:
        pk = bytes.fromhex(settings[crypto.ORGANISER_SIGN_PK])
        verify[badges.KIND_INVITEE][crypto.key_id(pk)] = pk
    if WALKIN_KEY in settings:
        walkin = SigningKey(bytes.fromhex(settings[WALKIN_KEY]))
        wpk = bytes(walkin.verify_key)
        verify[badges.KIND_WALK_IN][crypto.key_id(wpk)] = wpk
    keys = _Keys(
        event_id, badges.event_tag(event_id), verify, walkin, settings.get(STATION_KEY, "")
    )
    uow.store.cache[cache_key] = keys
    return keys


def _info(a: Attendee) -> AttendeeInfo:
    return AttendeeInfo(a.id, a.name, a.name_latin, a.organisation, a.category, a.kind)


def checkin_payload(row: dict[str, Any]) -> dict[str, Any]:
    """The journal payload of a check-in (:class:`~kiosk.sync.records.CheckInRecorded`)."""
    return records.CheckInRecorded(
        **{**row, "at": row["at"].isoformat(), "undone_at": None}
    ).to_payload()


def _record(
    uow: UnitOfWork,
    keys: _Keys,
    attendee_id: str | None,
    method: str,
    outcome: str,
    detail: str,
    training: bool,
) -> str:
    checkin_id = new_id()
    row: dict[str, Any] = {
        "id": checkin_id,
        "event_id": keys.event_id,
        "attendee_id": attendee_id,
        "device_id": uow.device_id,
        "station": keys.station,
        "at": uow.store.clock.now(),
        "method": method,
        "outcome": outcome,
        "detail": detail[:300],
        "training": training,
    }
    uow.run(_INSERT_CHECKIN, {**row, "at": utc_text(row["at"]), "undone_at": None})
    uow.record(records.CheckInRecorded.KIND, checkin_id, checkin_payload(row))
    return checkin_id


def _first_accepted(uow: UnitOfWork, attendee_id: str) -> CheckIn | None:
    return uow.session.scalar(
        select(CheckIn)
        .where(
            CheckIn.attendee_id == attendee_id,
            CheckIn.outcome == ACCEPTED,
            CheckIn.undone_at.is_(None),
        )
        .order_by(CheckIn.at)
        .limit(1)
    )


_INSERT_CHECKIN = Prepared(insert(CheckIn))
_INSERT_ATTENDEE = Prepared(insert(Attendee))
_REVOKED = (
    select(literal(1))
    .where(
        RevokedAttendee.event_id == bindparam("event_id"),
        RevokedAttendee.attendee_id == bindparam("attendee_id"),
    )
    .exists()
)
# The door's one look-up of a scanned person: who, revoked or not, and the first
# accepted check-in still standing (its id). Prepared: it is on every scan's path.
_SCAN_LOOKUP = Prepared(
    select(
        Attendee.id,
        Attendee.event_id,
        Attendee.kind,
        Attendee.name,
        Attendee.name_latin,
        Attendee.organisation,
        Attendee.category,
        _REVOKED,
        select(CheckIn.id)
        .where(
            CheckIn.attendee_id == Attendee.id,
            CheckIn.outcome == ACCEPTED,
            CheckIn.undone_at.is_(None),
        )
        .order_by(CheckIn.at)
        .limit(1)
        .scalar_subquery(),
    ).where(Attendee.id == bindparam("attendee_id"))
)
_IS_REVOKED = Prepared(select(_REVOKED))
_FIRST_SEEN = Prepared(
    select(CheckIn.at, CheckIn.station).where(CheckIn.id == bindparam("checkin_id"))
)


@dataclass(frozen=True)
class _Seen:
    """A scanned person as the door's look-up found them."""

    info: AttendeeInfo
    event_id: str
    revoked: bool
    first_checkin: str | None


def _look_up(uow: UnitOfWork, event_id: str, attendee_id: str) -> _Seen | None:
    row = uow.run(_SCAN_LOOKUP, {"event_id": event_id, "attendee_id": attendee_id}).fetchone()
    if row is None:
        return None
    info = AttendeeInfo(row[0], row[3], row[4], row[5], row[6], row[2])
    return _Seen(info, row[1], bool(row[7]), row[8])


def _first_seen(uow: UnitOfWork, checkin_id: str) -> tuple[dt.datetime, str]:
    at, station = uow.run(_FIRST_SEEN, {"checkin_id": checkin_id}).fetchone()
    return dt.datetime.fromisoformat(at), station


def check_in(store: Store, scanned: str, method: str = "scan") -> CheckInResult:
    """Decide on a scanned badge with no network, record the scan, commit.

    Every scan is recorded and journaled, refused ones too, so the organiser
    sees attempts. Returns only after the commit. The fast path: prepared
    statements on a lean unit of work, the settings read with the journal head,
    the person, their revocation and first check-in in one look-up.
    """
    from kiosk.services.proposals import TRAINING_KEY

    with store.uow(lean=True) as uow:
        local = uow.read_head(*DOOR_SETTINGS, TRAINING_KEY)
        keys = _keys_from(uow, local)
        training = local.get(TRAINING_KEY) == "1"
        try:
            token = badges.decode_scanned(scanned)
            badge = badges.parse_token(token)
        except badges.BadgeError as exc:
            cid = _record(uow, keys, None, method, "malformed", scanned, training)
            uow.commit()
            return CheckInResult("malformed", cid, detail=exc.message())
        outcome, seen = _judge(uow, keys, badge, token)
        attendee = seen.info if seen else None
        attendee_id = attendee.id if attendee else None
        first_at, first_station = None, ""
        if outcome == ALREADY and seen is not None and seen.first_checkin is not None:
            first_at, first_station = _first_seen(uow, seen.first_checkin)
        detail = "" if attendee or outcome == ACCEPTED else token
        cid = _record(uow, keys, attendee_id, method, outcome, detail, training)
        uow.commit()
        return CheckInResult(outcome, cid, attendee, first_at, first_station)


def _judge(
    uow: UnitOfWork, keys: _Keys, badge: badges.Badge, token: str
) -> tuple[str, _Seen | None]:
    if badge.event_tag != keys.event_tag:
        return "wrong_event", None
    try:
        badges.verify_badge(badge, keys.verify)
    except badges.BadgeError:
        return "invalid_signature", None
    seen = _look_up(uow, keys.event_id, badge.attendee_id)
    if seen is not None and seen.revoked:
        return "revoked", seen
    if seen is not None and seen.info.kind != ("walk_in" if badge.is_walk_in else "invited"):
        # A walk-in token minted for an invitee (or the reverse) is not that person's.
        return "invalid_signature", None
    if seen is None:
        params = {"event_id": keys.event_id, "attendee_id": badge.attendee_id}
        if uow.run(_IS_REVOKED, params).fetchone()[0]:
            return "revoked", None
        if not badge.is_walk_in:
            return "unknown_attendee", None
        # A walk-in registered on another kiosk of this event: its badge is signed
        # by the event's walk-in key, so it is genuine; its details reach the
        # central side from the kiosk that registered it.
        seen = _add_walk_in_seen(uow, keys.event_id, badge.attendee_id, token)
    if seen.event_id != keys.event_id:
        return "wrong_event", None
    if seen.first_checkin is not None:
        return ALREADY, seen
    return ACCEPTED, seen


def _add_walk_in_seen(uow: UnitOfWork, event_id: str, attendee_id: str, token: str) -> _Seen:
    now = utc_text(uow.store.clock.now())
    uow.run(_INSERT_ATTENDEE, unknown_walk_in(attendee_id, event_id, now, badge_token=token))
    info = AttendeeInfo(attendee_id, "", "", "", "citizen", "walk_in")
    return _Seen(info, event_id, False, None)


def identify_badge(store: Store, scanned: str) -> AttendeeInfo | None:
    """Who a genuine badge of this event belongs to, without recording a check-in
    (the proposal kiosk links a proposal to its author this way)."""
    try:
        token = badges.decode_scanned(scanned)
        badge = badges.parse_token(token)
    except badges.BadgeError:
        return None
    with store.uow(readonly=True) as uow:
        keys = _keys(uow)
        if badge.event_tag != keys.event_tag:
            return None
        try:
            badges.verify_badge(badge, keys.verify)
        except badges.BadgeError:
            return None
        if uow.session.get(RevokedAttendee, (keys.event_id, badge.attendee_id)):
            return None
        attendee = uow.session.get(Attendee, badge.attendee_id)
        if attendee is not None:
            if attendee.kind != ("walk_in" if badge.is_walk_in else "invited"):
                return None
            return _info(attendee)
        if badge.is_walk_in:  # registered at another kiosk: genuine, details elsewhere
            return AttendeeInfo(badge.attendee_id, "", "", "", "", "walk_in")
        return None


def check_in_attendee(store: Store, attendee_id: str) -> CheckInResult:
    """Check-in from a name search (method ``search``): staff found the person on
    the roster, so no token is needed (kiosks hold none for invitees)."""
    from kiosk.services.proposals import TRAINING_KEY

    with store.uow() as uow:
        keys = _keys(uow)
        attendee = uow.session.get(Attendee, attendee_id)
        if attendee is None or attendee.event_id != keys.event_id:
            raise KioskError(N_("This person is not on this kiosk's roster."), code="no_badge")
        training = uow.get_setting(TRAINING_KEY) == "1"
        if uow.session.get(RevokedAttendee, (keys.event_id, attendee.id)) is not None:
            outcome = "revoked"
        elif _first_accepted(uow, attendee.id) is not None:
            outcome = ALREADY
        else:
            outcome = ACCEPTED
        first = _first_accepted(uow, attendee.id) if outcome == ALREADY else None
        cid = _record(uow, keys, attendee.id, "search", outcome, "", training)
        uow.commit()
        return CheckInResult(
            outcome,
            cid,
            _info(attendee),
            first.at if first else None,
            first.station if first else "",
        )


def undo_check_in(store: Store, checkin_id: str) -> str:
    """Undo a mistaken check-in: a new journal entry, never a deletion."""
    with store.uow() as uow:
        row = uow.session.get(CheckIn, checkin_id)
        if row is None:
            raise KioskError(
                N_("No check-in {id} on this kiosk."), code="unknown_checkin", id=checkin_id
            )
        if row.undone_at is not None:
            raise KioskError(N_("This check-in was already undone."), code="already_undone")
        row.undone_at = store.clock.now()
        uow.session.flush()
        uow.record(
            records.CheckInUndone.KIND,
            row.id,
            records.build(records.CheckInUndone, id=row.id, undone_at=row.undone_at.isoformat()),
        )
        uow.commit()
        return row.id


# -- walk-ins -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WalkIn:
    attendee_id: str
    token: str
    checkin_id: str


def _field(value: str, label: str, maximum: int, required: bool = False) -> str:
    text = normalize_text(value or "")
    bad = find_control_character(text, allowed=frozenset())
    if bad is not None:
        raise ValidationError(
            N_("The {field} contains a control character ({char})."),
            code="control_character",
            field=label,
            char=describe_char(bad),
        )
    if required and not text:
        raise ValidationError(N_("The name is blank."), code="blank_name")
    if len(text) > maximum:
        raise ValidationError(
            N_("The {field} is longer than {limit} characters."),
            code="too_long",
            field=label,
            limit=maximum,
        )
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
    from kiosk.services.proposals import TRAINING_KEY

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
        keys = _keys(uow)
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
        payload = records.build(
            records.AttendeeRegistered, **{**row, "created_at": now.isoformat()}
        )
        uow.record(records.AttendeeRegistered.KIND, attendee_id, payload)
        cid = _record(
            uow, keys, attendee_id, "walk_in", ACCEPTED, "", uow.get_setting(TRAINING_KEY) == "1"
        )
        uow.commit()
        return WalkIn(attendee_id, token, cid)


# -- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    attendee: AttendeeInfo
    checked_in: bool


def _search_statement(fts: bool) -> Any:
    """Built once; only parameters change per query, so SQLAlchemy's compiled cache hits."""
    padded = literal(" ") + Attendee.search_key + literal(" ")
    tier = case((padded.like(bindparam("whole")), 0), (padded.like(bindparam("start")), 1), else_=2)
    if fts:
        # A phrase query on the trigram index is a substring match, and much faster
        # than LIKE for names many attendees share. The unary "+" keeps SQLite from
        # scanning the event's index instead of the matches.
        where: tuple[Any, ...] = (
            text("+attendee.event_id = :event"),
            literal_column("attendee.rowid").in_(
                text("SELECT rowid FROM attendee_search WHERE attendee_search MATCH :phrase")
            ),
        )
    else:
        where = (
            Attendee.event_id == bindparam("event"),
            Attendee.search_key.like(bindparam("pattern"), escape="\\"),
        )
    top = (
        select(Attendee.id)
        .where(*where)
        .order_by(tier, func.length(Attendee.search_key), Attendee.name)
        .limit(bindparam("limit"))
    )
    checked = (
        select(CheckIn.id)
        .where(
            CheckIn.attendee_id == Attendee.id,
            CheckIn.outcome == ACCEPTED,
            CheckIn.undone_at.is_(None),
        )
        .exists()
    )
    return select(
        Attendee.id,
        Attendee.name,
        Attendee.name_latin,
        Attendee.organisation,
        Attendee.category,
        Attendee.kind,
        Attendee.search_key,
        checked.label("checked_in"),
    ).where(Attendee.id.in_(top))


_SEARCH = {True: _search_statement(True), False: _search_statement(False)}


def search_attendees(store: Store, query: str, limit: int = 20) -> list[SearchHit]:
    """Substring search over names (see :mod:`kiosk.domain.search`), best first:
    whole word, then start of a word, then anywhere; shorter names first.

    On SQLite, queries of three characters or more use the trigram index; the
    ranking runs in the database so that common names stay fast.
    """
    key = search_key(query).replace("%", "").replace("_", "")
    if not key:
        return []
    with store.uow(readonly=True) as uow:
        event_id = uow.get_setting(EVENT_KEY)
        fts = uow.connection.dialect.name == "sqlite" and len(key) >= 3
        params = {
            "event": event_id,
            "whole": f"% {key} %",
            "start": f"% {key}%",
            "limit": limit,
            "phrase": '"' + key.replace('"', '""') + '"',
            "pattern": f"%{key}%",
        }
        rows = uow.connection.execute(_SEARCH[fts], params).all()
        rows = sorted(rows, key=lambda r: (rank(key, r.search_key), r.name))
        return [
            SearchHit(
                AttendeeInfo(r.id, r.name, r.name_latin, r.organisation, r.category, r.kind),
                bool(r.checked_in),
            )
            for r in rows
        ]


def device_public_key(store: Store) -> str | None:
    with store.uow(readonly=True) as uow:
        device_id = uow.get_setting(DEVICE_KEY)
        device = uow.session.get(Device, device_id) if device_id else None
        return device.public_key if device else None
