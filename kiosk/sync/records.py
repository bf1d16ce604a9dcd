"""One typed record per journal kind, shared by the kiosk's writer, the bundle
reader and the central merge.

Each kind is a frozen ``msgspec.Struct`` with its ``KIND`` and ``VERSION``; its
annotations are the whole schema. :meth:`Record.to_payload` gives the journal
payload (what the kiosk writes and the hash chain covers); :func:`parse` turns a
payload read from a bundle back into its record, checking every field strictly
(msgspec, in C): required fields present and no others, exact types with no
coercion, lengths, closed vocabularies, ISO times with a zone that are real
dates, and integer ranges. Anything else raises :class:`RecordError` with a
reason code, so the merge can quarantine a bundle instead of failing on it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, get_args

import msgspec

from kiosk.domain.vocab import CATEGORIES

if TYPE_CHECKING:
    from kiosk.storage.store import UnitOfWork

# Patterns are searched (re.search): anchored at both ends, \Z so no newline may follow.
_UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z"
_TIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)\Z"
Uuid = Annotated[str, msgspec.Meta(pattern=_UUID_PATTERN)]
Hex64 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}\Z")]
# An ISO 8601 time with its zone, as the kiosk writes (datetime.isoformat of a UTC time).
Time = Annotated[str, msgspec.Meta(pattern=_TIME_PATTERN)]
Language = Literal["ar", "fr", "zgh", "en"]
Role = Literal["checkin", "proposals", "both"]
Method = Literal["scan", "camera", "search", "walk_in"]
Outcome = Literal[
    "accepted",
    "already_checked_in",
    "revoked",
    "wrong_event",
    "invalid_signature",
    "malformed",
    "unknown_attendee",
]
Count = Annotated[int, msgspec.Meta(ge=0, le=10_000_000)]
Digits = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,256}\Z")]
_TEXT = 100_000  # what a proposal body can never exceed (the kiosk's limit is far below)


def _text(maximum: int, minimum: int = 0) -> msgspec.Meta:
    return msgspec.Meta(min_length=minimum, max_length=maximum)


Text8 = Annotated[str, _text(8)]
Text16 = Annotated[str, _text(16)]
Text32 = Annotated[str, _text(32)]
Text40 = Annotated[str, _text(40)]
Text64 = Annotated[str, _text(64)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text300 = Annotated[str, _text(300)]
Text1000 = Annotated[str, _text(1000)]
Text2000 = Annotated[str, _text(2000)]
Name200 = Annotated[str, _text(200, 1)]
Code16 = Annotated[str, _text(16, 1)]
Code40 = Annotated[str, _text(40, 1)]
Code64 = Annotated[str, _text(64, 1)]
Title = Annotated[str, _text(500, 1)]
Body = Annotated[str, _text(_TEXT, 1)]
Category = Literal[
    "citizen",
    "association",
    "cooperative",
    "entrepreneur",
    "student",
    "it_professional",
    "public_official",
    "elected_official",
    "media",
]
# The domain's vocabulary is the source; this spelling of it must not drift.
assert set(get_args(Category)) == set(CATEGORIES), "records.Category differs from CATEGORIES"
Themes = Annotated[list[dict[str, Any]], msgspec.Meta(max_length=100)]
Languages = Annotated[list[Language], msgspec.Meta(min_length=1, max_length=4)]


class RecordError(ValueError):
    """A journal payload that is not a valid record of its kind."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Record(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of the journal records (strict: no field missing, none unknown, no coercion)."""

    KIND: ClassVar[str]
    VERSION: ClassVar[int] = 1
    # The field that holds the entry's record_id.
    ID_FIELD: ClassVar[str] = "id"
    # Fields holding times, checked to be real dates as well as well-formed.
    TIMES: ClassVar[tuple[str, ...]] = ()

    def to_payload(self) -> dict[str, Any]:
        """The journal payload: every field, in declaration order."""
        return msgspec.structs.asdict(self)

    @property
    def record_id(self) -> str:
        return str(getattr(self, self.ID_FIELD))


class ProposalSubmitted(Record, frozen=True):
    KIND: ClassVar[str] = "proposal.submitted"
    TIMES: ClassVar[tuple[str, ...]] = ("created_at",)
    id: Uuid
    event_id: Uuid
    attendee_id: Uuid | None
    device_id: Uuid
    theme: Code64
    language: Language
    title: Title
    body: Body
    age_band: Text16
    gender: Text16
    province: Text100
    profile: Text32
    consent_publish: bool
    receipt_code: Code16
    created_at: Time
    training: bool


class CheckInRecorded(Record, frozen=True):
    KIND: ClassVar[str] = "checkin.recorded"
    TIMES: ClassVar[tuple[str, ...]] = ("at", "undone_at")
    id: Uuid
    event_id: Uuid
    attendee_id: Uuid | None
    device_id: Uuid
    station: Text100
    at: Time
    method: Method
    outcome: Outcome
    detail: Text2000
    training: bool
    undone_at: Time | None


class CheckInUndone(Record, frozen=True):
    KIND: ClassVar[str] = "checkin.undone"
    TIMES: ClassVar[tuple[str, ...]] = ("undone_at",)
    id: Uuid
    undone_at: Time


class AttendeeRegistered(Record, frozen=True):
    """A walk-in registered at a kiosk (the only attendees a device may create)."""

    KIND: ClassVar[str] = "attendee.registered"
    TIMES: ClassVar[tuple[str, ...]] = ("created_at",)
    id: Uuid
    event_id: Uuid
    external_id: Text64 | None
    kind: Literal["walk_in"]
    name: Name200
    name_latin: Text200
    organisation: Text200
    category: Category
    province: Text100
    phone: Text40
    email: Text200
    preferred_language: Text8
    consent: bool
    search_key: Text1000
    created_at: Time
    created_by: Uuid
    badge_token: Digits


class DeviceCreated(Record, frozen=True):
    KIND: ClassVar[str] = "device.created"
    TIMES: ClassVar[tuple[str, ...]] = ("created_at",)
    id: Uuid
    name: Text100
    role: Role
    public_key: Hex64 | None
    created_at: Time


class EventSetUp(Record, frozen=True):
    """The demo event made on the kiosk itself (no pack)."""

    KIND: ClassVar[str] = "event.set_up"
    TIMES: ClassVar[tuple[str, ...]] = ("starts_at", "ends_at")
    id: Uuid
    code: Code64
    name: Text300
    region: Text200
    venue: Text200
    languages: Languages
    starts_at: Time | None
    ends_at: Time | None
    themes: Themes


class PackImported(Record, frozen=True):
    KIND: ClassVar[str] = "event.pack_imported"
    ID_FIELD: ClassVar[str] = "event_id"
    event_id: Uuid
    pack_id: Uuid
    issued_at: Code40
    attendees: Count
    revoked: Count
    device_public_key: Hex64
    device_name: Text100
    role: Role


class DeviceEnrolled(Record, frozen=True):
    """The organiser's certificate installed on the kiosk."""

    KIND: ClassVar[str] = "device.enrolled"
    ID_FIELD: ClassVar[str] = "device_id"
    TIMES: ClassVar[tuple[str, ...]] = ("not_after",)
    device_id: Uuid
    event_id: Uuid
    serial: Uuid
    name: Text100
    role: Role
    not_after: Time


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
    return cls.__struct_fields__


def _real_time(value: Any) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {
    kind: msgspec.json.Decoder(cls) for kind, cls in KINDS.items()
}


def _error(kind: str, exc: msgspec.MsgspecError) -> RecordError:
    text = str(exc)
    if text.startswith("Expected `object`"):
        return RecordError("bad_payload", f"{kind}: the payload is not an object")
    missing_or_extra = text.startswith(("Object missing", "Object contains"))
    return RecordError("bad_fields" if missing_or_extra else "bad_field", f"{kind}: {text[:200]}")


def _check_times(record: Record) -> Record:
    for name in record.TIMES:
        value = getattr(record, name)
        if value is not None and not _real_time(value):
            raise RecordError("bad_field", f"{record.KIND}: field {name} is not a real date")
    return record


def decode(kind: str, raw: bytes) -> Record:
    """The record of ``kind`` in the JSON text ``raw`` (decoded and checked in one pass)."""
    decoder = _DECODERS.get(kind) if type(kind) is str else None
    if decoder is None:
        raise RecordError("unknown_kind", f"unknown journal kind {str(kind)[:40]!r}")
    try:
        record: Record = decoder.decode(raw)
    except msgspec.MsgspecError as exc:
        raise _error(kind, exc) from exc
    return _check_times(record)


def parse(kind: str, payload: Any) -> Record:
    """The record of ``kind`` that ``payload`` holds; :class:`RecordError` if it is not one."""
    cls = KINDS.get(kind) if type(kind) is str else None
    if cls is None:
        raise RecordError("unknown_kind", f"unknown journal kind {str(kind)[:40]!r}")
    if type(payload) is not dict:
        raise RecordError("bad_payload", f"{kind}: the payload is not an object")
    try:
        record = msgspec.convert(payload, cls, strict=True)
    except msgspec.ValidationError as exc:
        text = str(exc)
        code = (
            "bad_fields" if text.startswith(("Object missing", "Object contains")) else "bad_field"
        )
        raise RecordError(code, f"{kind}: {text[:200]}") from exc
    for name in cls.TIMES:
        value = getattr(record, name)
        if value is not None and not _real_time(value):
            raise RecordError("bad_field", f"{kind}: field {name} is not a real date")
    return record


def build(cls: type[Record], **values: Any) -> dict[str, Any]:
    """The payload of a new record written by the kiosk, checked as the merge will."""
    payload = cls(**values).to_payload()
    parse(cls.KIND, payload)
    return payload


def journal(uow: UnitOfWork, cls: type[Record], record_id: str, **values: Any) -> None:
    """Journal a record of kind ``cls`` about ``record_id`` in ``uow``, with the change
    it describes (its payload checked as the merge will check it)."""
    uow.record(cls.KIND, record_id, build(cls, **values))
