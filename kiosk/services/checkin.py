"""Check-in at the door, verified offline: a scanned badge, a name found on the roster, an undo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey
from sqlalchemy import bindparam, insert, literal, select

from kiosk import badges, crypto
from kiosk.domain.door import AttendeeInfo
from kiosk.domain.errors import KioskError, NotSetUp
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.services.context import NO_EVENT
from kiosk.storage.models import (
    Attendee,
    CheckIn,
    RevokedAttendee,
    unknown_walk_in,
    utc_text,
)
from kiosk.storage.prepared import Prepared
from kiosk.storage.settings import (
    EVENT_ID,
    ORGANISER_SIGN_PK,
    STATION_NAME,
    TRAINING,
    WALKIN_SIGNING_KEY,
    Values,
)
from kiosk.storage.store import Store, UnitOfWork
from kiosk.sync import records

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


DOOR_SETTINGS = (EVENT_ID, ORGANISER_SIGN_PK, WALKIN_SIGNING_KEY, STATION_NAME)


def door_keys(uow: UnitOfWork) -> _Keys:
    return _keys_from(uow, uow.settings(*DOOR_SETTINGS))


def _keys_from(uow: UnitOfWork, local: Values) -> _Keys:
    """The door's keys from its local settings, made once per store and settings."""
    cache_key = "keys:" + "|".join(f"{s.key}={local[s]}" for s in DOOR_SETTINGS)
    cached = uow.store.cache.get(cache_key)
    if isinstance(cached, _Keys):
        return cached
    event_id = local[EVENT_ID]
    if not event_id:
        raise NotSetUp(NO_EVENT)
    verify: dict[int, dict[bytes, bytes]] = {badges.KIND_INVITEE: {}, badges.KIND_WALK_IN: {}}
    walkin = None
    if local[ORGANISER_SIGN_PK]:
        pk = bytes.fromhex(local[ORGANISER_SIGN_PK])
        verify[badges.KIND_INVITEE][crypto.key_id(pk)] = pk
    if local[WALKIN_SIGNING_KEY]:
        walkin = SigningKey(bytes.fromhex(local[WALKIN_SIGNING_KEY]))
        wpk = bytes(walkin.verify_key)
        verify[badges.KIND_WALK_IN][crypto.key_id(wpk)] = wpk
    keys = _Keys(event_id, badges.event_tag(event_id), verify, walkin, local[STATION_NAME])
    uow.store.cache[cache_key] = keys
    return keys


def attendee_info(a: Attendee) -> AttendeeInfo:
    return AttendeeInfo(a.id, a.name, a.name_latin, a.organisation, a.category, a.kind)


def checkin_payload(row: dict[str, Any]) -> dict[str, Any]:
    """The journal payload of a check-in (:class:`~kiosk.sync.records.CheckInRecorded`)."""
    return records.CheckInRecorded(
        **{**row, "at": row["at"].isoformat(), "undone_at": None}
    ).to_payload()


def record_checkin(
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
    with store.uow(lean=True) as uow:
        local = uow.read_head(*DOOR_SETTINGS, TRAINING)
        keys = _keys_from(uow, local)
        training = local[TRAINING]
        try:
            token = badges.decode_scanned(scanned)
            badge = badges.parse_token(token)
        except badges.BadgeError as exc:
            cid = record_checkin(uow, keys, None, method, "malformed", scanned, training)
            uow.commit()
            return CheckInResult("malformed", cid, detail=exc.message())
        outcome, seen = _judge(uow, keys, badge, token)
        attendee = seen.info if seen else None
        attendee_id = attendee.id if attendee else None
        first_at, first_station = None, ""
        if outcome == ALREADY and seen is not None and seen.first_checkin is not None:
            first_at, first_station = _first_seen(uow, seen.first_checkin)
        detail = "" if attendee or outcome == ACCEPTED else token
        cid = record_checkin(uow, keys, attendee_id, method, outcome, detail, training)
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
        keys = door_keys(uow)
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
            return attendee_info(attendee)
        if badge.is_walk_in:  # registered at another kiosk: genuine, details elsewhere
            return AttendeeInfo(badge.attendee_id, "", "", "", "", "walk_in")
        return None


def check_in_attendee(store: Store, attendee_id: str) -> CheckInResult:
    """Check-in from a name search (method ``search``): staff found the person on
    the roster, so no token is needed (kiosks hold none for invitees)."""
    with store.uow() as uow:
        keys = door_keys(uow)
        attendee = uow.session.get(Attendee, attendee_id)
        if attendee is None or attendee.event_id != keys.event_id:
            raise KioskError(N_("This person is not on this kiosk's roster."), code="no_badge")
        training = uow.setting(TRAINING)
        if uow.session.get(RevokedAttendee, (keys.event_id, attendee.id)) is not None:
            outcome = "revoked"
        elif _first_accepted(uow, attendee.id) is not None:
            outcome = ALREADY
        else:
            outcome = ACCEPTED
        first = _first_accepted(uow, attendee.id) if outcome == ALREADY else None
        cid = record_checkin(uow, keys, attendee.id, "search", outcome, "", training)
        uow.commit()
        return CheckInResult(
            outcome,
            cid,
            attendee_info(attendee),
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
        records.journal(
            uow, records.CheckInUndone, row.id, id=row.id, undone_at=row.undone_at.isoformat()
        )
        uow.commit()
        return row.id
