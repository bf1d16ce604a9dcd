"""One typed record per journal kind, shared by the kiosk's writer, the bundle
reader and the central merge.

Each kind is a frozen dataclass with its ``KIND``, its ``VERSION`` and a field
spec. :meth:`Record.to_payload` gives the journal payload (what the kiosk writes
and the hash chain covers); :func:`parse` turns a payload read from a bundle
back into its record, checking every field strictly: required fields present
and no others, types, lengths, closed vocabularies, ISO times with a zone and
integer ranges. Anything else raises :class:`RecordError` with a reason code, so
the merge can quarantine a bundle instead of failing on it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from kiosk.domain.vocab import CATEGORIES

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
HEX64_RE = re.compile(r"[0-9a-f]{64}\Z")
LANGUAGES = frozenset({"ar", "fr", "zgh", "en"})
ROLES = frozenset({"checkin", "proposals", "both"})
METHODS = frozenset({"scan", "camera", "search", "walk_in"})
OUTCOMES = frozenset(
    {
        "accepted",
        "already_checked_in",
        "revoked",
        "wrong_event",
        "invalid_signature",
        "malformed",
        "unknown_attendee",
    }
)
INT64_MAX = 2**63 - 1


class RecordError(ValueError):
    """A journal payload that is not a valid record of its kind."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


Check = Callable[[Any], bool]


def _text(maximum: int, *, blank: bool = True) -> Check:
    return lambda v: type(v) is str and len(v) <= maximum and (blank or bool(v.strip()))


def _optional(check: Check) -> Check:
    return lambda v: v is None or check(v)


def _enum(values: frozenset[str] | Mapping[str, Any]) -> Check:
    return lambda v: type(v) is str and v in values


def _uuid(v: Any) -> bool:
    return type(v) is str and UUID_RE.match(v) is not None


def _hex64(v: Any) -> bool:
    return type(v) is str and HEX64_RE.match(v) is not None


def _bool(v: Any) -> bool:
    return type(v) is bool


def _int(minimum: int, maximum: int) -> Check:
    return lambda v: type(v) is int and minimum <= v <= maximum


def _time(v: Any) -> bool:
    if type(v) is not str or len(v) > 40:
        return False
    try:
        return dt.datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


def _digits(maximum: int) -> Check:
    return lambda v: type(v) is str and 0 < len(v) <= maximum and v.isascii() and v.isdigit()


def _themes(v: Any) -> bool:
    return type(v) is list and len(v) <= 100 and all(type(t) is dict for t in v)


def _languages(v: Any) -> bool:
    return type(v) is list and 0 < len(v) <= 4 and all(x in LANGUAGES for x in v)


_TEXT = 100_000  # what a proposal body can never exceed (the kiosk's limit is far below)


@dataclass(frozen=True)
class Record:
    """Base of the journal records."""

    KIND: ClassVar[str]
    VERSION: ClassVar[int] = 1
    SPEC: ClassVar[dict[str, Check]]
    # The field that holds the entry's record_id.
    ID_FIELD: ClassVar[str] = "id"

    def to_payload(self) -> dict[str, Any]:
        """The journal payload: every field, in declaration order."""
        return dict(self.__dict__)

    @property
    def record_id(self) -> str:
        return str(getattr(self, self.ID_FIELD))


@dataclass(frozen=True)
class ProposalSubmitted(Record):
    KIND: ClassVar[str] = "proposal.submitted"
    id: str
    event_id: str
    attendee_id: str | None
    device_id: str
    theme: str
    language: str
    title: str
    body: str
    age_band: str
    gender: str
    province: str
    profile: str
    consent_publish: bool
    receipt_code: str
    created_at: str
    training: bool


ProposalSubmitted.SPEC = {
    "id": _uuid,
    "event_id": _uuid,
    "attendee_id": _optional(_uuid),
    "device_id": _uuid,
    "theme": _text(64, blank=False),
    "language": _enum(LANGUAGES),
    "title": _text(500, blank=False),
    "body": _text(_TEXT, blank=False),
    "age_band": _text(16),
    "gender": _text(16),
    "province": _text(100),
    "profile": _text(32),
    "consent_publish": _bool,
    "receipt_code": _text(16, blank=False),
    "created_at": _time,
    "training": _bool,
}


@dataclass(frozen=True)
class CheckInRecorded(Record):
    KIND: ClassVar[str] = "checkin.recorded"
    id: str
    event_id: str
    attendee_id: str | None
    device_id: str
    station: str
    at: str
    method: str
    outcome: str
    detail: str
    training: bool
    undone_at: str | None


CheckInRecorded.SPEC = {
    "id": _uuid,
    "event_id": _uuid,
    "attendee_id": _optional(_uuid),
    "device_id": _uuid,
    "station": _text(100),
    "at": _time,
    "method": _enum(METHODS),
    "outcome": _enum(OUTCOMES),
    "detail": _text(2000),
    "training": _bool,
    "undone_at": _optional(_time),
}


@dataclass(frozen=True)
class CheckInUndone(Record):
    KIND: ClassVar[str] = "checkin.undone"
    id: str
    undone_at: str


CheckInUndone.SPEC = {"id": _uuid, "undone_at": _time}


@dataclass(frozen=True)
class AttendeeRegistered(Record):
    """A walk-in registered at a kiosk (the only attendees a device may create)."""

    KIND: ClassVar[str] = "attendee.registered"
    id: str
    event_id: str
    external_id: str | None
    kind: str
    name: str
    name_latin: str
    organisation: str
    category: str
    province: str
    phone: str
    email: str
    preferred_language: str
    consent: bool
    search_key: str
    created_at: str
    created_by: str
    badge_token: str


AttendeeRegistered.SPEC = {
    "id": _uuid,
    "event_id": _uuid,
    "external_id": _optional(_text(64)),
    "kind": _enum(frozenset({"walk_in"})),
    "name": _text(200, blank=False),
    "name_latin": _text(200),
    "organisation": _text(200),
    "category": _enum(CATEGORIES),
    "province": _text(100),
    "phone": _text(40),
    "email": _text(200),
    "preferred_language": _text(8),
    "consent": _bool,
    "search_key": _text(1000),
    "created_at": _time,
    "created_by": _uuid,
    "badge_token": _digits(256),
}


@dataclass(frozen=True)
class DeviceCreated(Record):
    KIND: ClassVar[str] = "device.created"
    id: str
    name: str
    role: str
    public_key: str | None
    created_at: str


DeviceCreated.SPEC = {
    "id": _uuid,
    "name": _text(100),
    "role": _enum(ROLES),
    "public_key": _optional(_hex64),
    "created_at": _time,
}


@dataclass(frozen=True)
class EventSetUp(Record):
    """The demo event made on the kiosk itself (no pack)."""

    KIND: ClassVar[str] = "event.set_up"
    id: str
    code: str
    name: str
    region: str
    venue: str
    languages: list[str]
    starts_at: str | None
    ends_at: str | None
    themes: list[dict[str, Any]]


EventSetUp.SPEC = {
    "id": _uuid,
    "code": _text(64, blank=False),
    "name": _text(300),
    "region": _text(200),
    "venue": _text(200),
    "languages": _languages,
    "starts_at": _optional(_time),
    "ends_at": _optional(_time),
    "themes": _themes,
}


@dataclass(frozen=True)
class PackImported(Record):
    KIND: ClassVar[str] = "event.pack_imported"
    ID_FIELD: ClassVar[str] = "event_id"
    event_id: str
    pack_id: str
    issued_at: str
    attendees: int
    revoked: int
    device_public_key: str
    device_name: str
    role: str


PackImported.SPEC = {
    "event_id": _uuid,
    "pack_id": _uuid,
    "issued_at": _text(40, blank=False),
    "attendees": _int(0, 10_000_000),
    "revoked": _int(0, 10_000_000),
    "device_public_key": _hex64,
    "device_name": _text(100),
    "role": _enum(ROLES),
}


@dataclass(frozen=True)
class DeviceEnrolled(Record):
    """The organiser's certificate installed on the kiosk."""

    KIND: ClassVar[str] = "device.enrolled"
    ID_FIELD: ClassVar[str] = "device_id"
    device_id: str
    event_id: str
    serial: str
    name: str
    role: str
    not_after: str


DeviceEnrolled.SPEC = {
    "device_id": _uuid,
    "event_id": _uuid,
    "serial": _uuid,
    "name": _text(100),
    "role": _enum(ROLES),
    "not_after": _time,
}


KINDS: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (
        ProposalSubmitted,
        CheckInRecorded,
        CheckInUndone,
        AttendeeRegistered,
        DeviceCreated,
        EventSetUp,
        PackImported,
        DeviceEnrolled,
    )
}


def field_names(cls: type[Record]) -> tuple[str, ...]:
    """The payload fields of a record kind, in order (for exports and tests)."""
    return tuple(f.name for f in dataclasses.fields(cls))


_FIELDS: dict[str, tuple[str, ...]] = {kind: field_names(cls) for kind, cls in KINDS.items()}


def parse(kind: str, payload: Any) -> Record:
    """The record of ``kind`` that ``payload`` holds; :class:`RecordError` if it is not one."""
    cls = KINDS.get(kind) if type(kind) is str else None
    if cls is None:
        raise RecordError("unknown_kind", f"unknown journal kind {str(kind)[:40]!r}")
    if type(payload) is not dict:
        raise RecordError("bad_payload", f"{kind}: the payload is not an object")
    names = _FIELDS[kind]
    if len(payload) != len(names) or any(name not in payload for name in names):
        missing = [n for n in names if n not in payload]
        extra = [str(k)[:40] for k in payload if k not in cls.SPEC]
        raise RecordError(
            "bad_fields", f"{kind}: missing {missing or '-'}, unexpected {extra or '-'}"
        )
    spec = cls.SPEC
    for name in names:
        if not spec[name](payload[name]):
            raise RecordError("bad_field", f"{kind}: field {name} is invalid")
    return cls(**payload)


def build(cls: type[Record], **values: Any) -> dict[str, Any]:
    """The payload of a new record written by the kiosk, checked as the merge will."""
    record = cls(**values)
    payload = record.to_payload()
    parse(cls.KIND, payload)
    return payload
