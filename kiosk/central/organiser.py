"""The organiser's work before the event: events, rosters, badges, packs, revocations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NotRequired, TypedDict, Unpack

from nacl.signing import SigningKey
from sqlalchemy import select

from kiosk import badges
from kiosk.central.keys import load_sealing_key, load_signing_key
from kiosk.central.models import EventSecret
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.event import EVENT_NAME_MAX, clean_event_names, clean_followup_url
from kiosk.domain.search import search_key
from kiosk.domain.text import checked_field, describe_char, find_control_character
from kiosk.domain.vocab import ATTENDEE_LIMITS, CATEGORIES
from kiosk.event_pack import new_passphrase, seal_secrets, write_pack
from kiosk.i18n import LANGUAGES, N_, Msg
from kiosk.ids import new_id
from kiosk.services.context import default_theme_rows
from kiosk.services.setup import event_payload
from kiosk.storage.models import Attendee, Event, RevokedAttendee, Theme
from kiosk.storage.store import Store, UnitOfWork

ROSTER_COLUMNS = (
    "external_id",
    "full_name",
    "full_name_latin",
    "organisation",
    "category",
    "province",
    "phone",
    "email",
    "preferred_language",
)
NAME_MAX = ATTENDEE_LIMITS["name"]
# Roster columns and the attendee field each fills (for the one set of limits).
ROSTER_FIELDS = {
    "external_id": "external_id",
    "full_name": "name",
    "full_name_latin": "name_latin",
    "organisation": "organisation",
    "category": "category",
    "province": "province",
    "phone": "phone",
    "email": "email",
    "preferred_language": "preferred_language",
}
MAX_ROSTER_BYTES = 64 * 1024 * 1024  # some 400,000 rows; checked before reading


def find_event(uow: UnitOfWork, code: str) -> Event:
    event = uow.session.scalar(select(Event).where(Event.code == code))
    if event is None:
        raise KioskError(N_("No event with the code {event}."), code="unknown_event", event=code)
    return event


def _check_event(languages: list[str], starts: dt.datetime, ends: dt.datetime) -> None:
    """What creating and editing an event both refuse: unknown languages, bad times."""
    bad = [lang for lang in languages if lang not in LANGUAGES]
    if bad or not languages:
        raise ValidationError(
            N_("Unknown language(s): {languages}."),
            code="unknown_language",
            languages=", ".join(bad) or "-",
        )
    if ends <= starts:
        raise ValidationError(N_("The event must end after it starts."), code="bad_dates")


class EventFields(TypedDict):
    """What the organiser says of an event, when creating it and when editing it."""

    name: str
    region: str
    venue: str
    starts: dt.datetime
    ends: dt.datetime
    languages: list[str]
    # Its name per language: the languages given are set ("" removes one), the others
    # stay. The public follow-up page's address: None leaves it as it is.
    names: NotRequired[dict[str, str]]
    followup_url: NotRequired[str | None]


def _main_name(name: str, names: dict[str, str], languages: list[str]) -> str:
    """The event's one name, shown where a language has none of its own: the one given,
    else its name in the first of its languages (then of all four) that has one."""
    given = _clean_title(name, EVENT_NAME_MAX)
    return given or next((names[lang] for lang in (*languages, *LANGUAGES) if names.get(lang)), "")


def _set_fields(event: Event, fields: EventFields) -> None:
    """Check ``fields`` (languages, times, no control characters) and set them."""
    _check_event(fields["languages"], fields["starts"], fields["ends"])
    if "names" in fields:
        event.names = clean_event_names({**(event.names or {}), **fields["names"]})
    followup_url = fields.get("followup_url")
    if followup_url is not None:
        event.followup_url = clean_followup_url(followup_url)
    event.name = _main_name(fields["name"], event.names or {}, fields["languages"]) or event.name
    if not event.name:
        raise ValidationError(N_("The event needs a name."), code="no_event_name")
    event.region = _clean_title(fields["region"], 200)
    event.venue = _clean_title(fields["venue"], 200)
    event.starts_at, event.ends_at = fields["starts"], fields["ends"]
    event.languages = ",".join(fields["languages"])


def create_event(store: Store, *, code: str, **fields: Unpack[EventFields]) -> str:
    event = Event(id=new_id(), code=code, created_at=store.clock.now(), names={})
    _set_fields(event, fields)
    with store.uow() as uow:
        if uow.session.scalar(select(Event).where(Event.code == code)) is not None:
            raise ValidationError(
                N_("An event with the code {event} already exists."),
                code="duplicate_event",
                event=code,
            )
        uow.session.add(event)
        uow.session.add_all(default_theme_rows(event.id))
        uow.session.flush()  # the event row first: EventSecret's foreign key is the schema's
        uow.session.add(
            EventSecret(
                event_id=event.id,
                walkin_signing_key=bytes(SigningKey.generate()).hex(),
                pack_passphrase=new_passphrase(),
                created_at=event.created_at,
            )
        )
        uow.commit()
        return event.id


@dataclass(frozen=True)
class RowResult:
    line: int
    accepted: bool
    external_id: str
    reason: str = ""
    code: str = ""
    attendee_id: str | None = None


def _decode_csv(data: bytes) -> str:
    # surrogateescape keeps bad bytes visible per row instead of failing the file.
    return data.decode("utf-8-sig", errors="surrogateescape")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _row_problem(row: dict[str, str], seen: set[str]) -> tuple[str, Msg | str, dict[str, str]]:
    """(code, message id, params) of the first problem, or ("", "", {})."""
    for key, value in row.items():
        if any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
            return "invalid_utf8", N_("The field {field} is not valid UTF-8."), {"field": key}
    name = row["full_name"]
    if not name.strip():
        return "blank_name", N_("The name is blank."), {}
    if len(unicodedata.normalize("NFC", name)) > NAME_MAX:
        return (
            "name_too_long",
            N_("The name is longer than {limit} characters."),
            {"limit": str(NAME_MAX)},
        )
    for key, value in row.items():
        limit = ATTENDEE_LIMITS[ROSTER_FIELDS[key]]
        if len(unicodedata.normalize("NFC", value)) > limit:
            return (
                "too_long",
                N_("The field {field} is longer than {limit} characters."),
                {"field": key, "limit": str(limit)},
            )
    for key, value in row.items():
        # Quoted fields may span lines (an address, an organisation); a name may not.
        allowed = (
            frozenset()
            if key in ("full_name", "full_name_latin", "external_id")
            else frozenset("\n\r\t")
        )
        bad = find_control_character(value, allowed=allowed)
        if bad is not None:
            return (
                "control_character",
                N_("The field {field} contains a control character ({char})."),
                {"field": key, "char": describe_char(bad)},
            )
    if row["category"] not in CATEGORIES:
        return "unknown_category", N_("Unknown category {category}."), {"category": row["category"]}
    external = row["external_id"]
    if external and external in seen:
        return (
            "duplicate_external_id",
            N_("The external_id {external_id} is already used."),
            {"external_id": external},
        )
    return "", "", {}


def import_roster(store: Store, event_code: str, data: bytes, data_dir: Path) -> list[RowResult]:
    """Import a roster CSV; every row is accepted or rejected with its line and reason."""
    organiser = load_signing_key(data_dir)
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(N_("The roster file is empty."), code="empty_roster") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [c for c in ("external_id", "full_name", "category") if c not in header]
    if missing:
        raise ValidationError(
            N_("The roster has no column(s) {columns}."),
            code="missing_columns",
            columns=", ".join(missing),
        )
    results: list[RowResult] = []
    with store.uow() as uow:
        event = find_event(uow, event_code)
        seen = {
            e
            for e in uow.session.scalars(
                select(Attendee.external_id).where(Attendee.event_id == event.id)
            )
            if e
        }
        now = store.clock.now()
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error:  # a field over the csv module's limit (128 KB)
                start, line = line, reader.line_num + 1
                error = KioskError(
                    N_("A field of this row is larger than 128 KB."), code="field_too_large"
                )
                results.append(RowResult(start, False, "", error.message(), error.code))
                continue
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            row = {column: "" for column in ROSTER_COLUMNS}
            if len(cells) != len(header):
                results.append(
                    RowResult(start, False, "", "wrong number of columns", "wrong_columns")
                )
                continue
            row.update({k: v for k, v in zip(header, cells, strict=True) if k in row})
            code, msgid, params = _row_problem(row, seen)
            if code:
                error = KioskError(str(msgid), code=code, **params)
                results.append(RowResult(start, False, row["external_id"], error.message(), code))
                continue
            attendee_id = new_id()
            name = unicodedata.normalize("NFC", row["full_name"])
            latin = unicodedata.normalize("NFC", row["full_name_latin"])
            organisation = unicodedata.normalize("NFC", row["organisation"])
            uow.session.add(
                Attendee(
                    id=attendee_id,
                    event_id=event.id,
                    external_id=row["external_id"] or None,
                    kind="invited",
                    name=name,
                    name_latin=latin,
                    organisation=organisation,
                    category=row["category"],
                    province=unicodedata.normalize("NFC", row["province"]),
                    phone=row["phone"],
                    email=row["email"],
                    preferred_language=row["preferred_language"],
                    consent=False,
                    search_key=search_key(f"{name} {latin}"),
                    created_at=now,
                    badge_token=badges.make_token(
                        organiser, badges.KIND_INVITEE, event.id, attendee_id
                    ),
                )
            )
            if row["external_id"]:
                seen.add(row["external_id"])
            results.append(RowResult(start, True, row["external_id"], attendee_id=attendee_id))
        uow.commit()
    return results


@dataclass(frozen=True)
class TokenRow:
    external_id: str | None
    name: str
    token: str


def roster_tokens(store: Store, event_code: str) -> list[TokenRow]:
    with store.uow(readonly=True) as uow:
        event = find_event(uow, event_code)
        rows = uow.session.execute(
            select(Attendee.external_id, Attendee.name, Attendee.badge_token)
            .where(Attendee.event_id == event.id, Attendee.kind == "invited")
            .order_by(Attendee.external_id, Attendee.id)
        )
        return [TokenRow(e, n, t or "") for e, n, t in rows]


def revoke(store: Store, event_code: str, token: str) -> str:
    """Revoke an attendee, named by one of their badge tokens, an attendee id or an
    external id: every badge of that person is refused, re-minted ones too."""
    with store.uow() as uow:
        event = find_event(uow, event_code)
        attendee_id = _attendee_named(uow, event.id, token)
        if uow.session.get(RevokedAttendee, (event.id, attendee_id)) is None:
            uow.session.add(
                RevokedAttendee(
                    event_id=event.id, attendee_id=attendee_id, revoked_at=store.clock.now()
                )
            )
        uow.commit()
        return attendee_id


def _attendee_named(uow: UnitOfWork, event_id: str, ref: str) -> str:
    candidates: list[str] = []
    try:
        candidates.append(badges.parse_token(badges.decode_scanned(ref)).attendee_id)
    except badges.BadgeError:
        candidates.append(ref.strip())
    by_external = uow.session.scalar(
        select(Attendee.id).where(Attendee.event_id == event_id, Attendee.external_id == ref)
    )
    if by_external:
        candidates.append(by_external)
    for candidate in candidates:
        row = uow.session.get(Attendee, candidate)
        if row is not None and row.event_id == event_id:
            return row.id
    raise KioskError(
        N_("No attendee {ref} in this event (give a badge token, an id or an external id)."),
        code="unknown_attendee",
        ref=ref[:40],
    )


@dataclass(frozen=True)
class BuiltPack:
    data: bytes
    passphrase: str


def _event_and_secret(uow: UnitOfWork, event_code: str) -> tuple[Event, EventSecret]:
    event = find_event(uow, event_code)
    secret = uow.session.get(EventSecret, event.id)
    if secret is None:
        raise KioskError(
            N_("The event {event} has no keys."), code="no_event_keys", event=event_code
        )
    return event, secret


def pack_passphrase(store: Store, event_code: str) -> str:
    with store.uow(readonly=True) as uow:
        return _event_and_secret(uow, event_code)[1].pack_passphrase


def build_pack(store: Store, event_code: str, data_dir: Path) -> BuiltPack:
    """The event's signed pack; what a kiosk needs beyond the event is sealed under
    the event's pack passphrase (returned with it, for the organiser to hand over)."""
    organiser = load_signing_key(data_dir)
    sealing = load_sealing_key(data_dir)
    with store.uow(readonly=True) as uow:
        event, secret = _event_and_secret(uow, event_code)
        themes = list(
            uow.session.scalars(
                select(Theme).where(Theme.event_id == event.id).order_by(Theme.position)
            )
        )
        people = list(
            uow.session.scalars(
                select(Attendee)
                .where(Attendee.event_id == event.id, Attendee.kind == "invited")
                .order_by(Attendee.id)
            )
        )
        revoked = sorted(
            uow.session.scalars(
                select(RevokedAttendee.attendee_id).where(RevokedAttendee.event_id == event.id)
            )
        )
        shared = event_payload(event, themes)
        # Contacts (phone, e-mail) and badge tokens stay on the organiser's side.
        door = {
            "attendees": [
                {
                    "id": a.id,
                    "external_id": a.external_id,
                    "name": a.name,
                    "name_latin": a.name_latin,
                    "organisation": a.organisation,
                    "category": a.category,
                    "province": a.province,
                    "preferred_language": a.preferred_language,
                }
                for a in people
            ],
            "revoked_attendees": revoked,
            "walkin_signing_key": secret.walkin_signing_key,
        }
        document = {
            "pack_id": new_id(),
            "issued_at": store.clock.now().isoformat(),
            "event": {
                **{k: v for k, v in shared.items() if k != "themes"},
                "names": dict(event.names or {}),
                "followup_url": event.followup_url or "",
            },
            "themes": shared["themes"],
            "keys": {
                "organiser_sign_pk": bytes(organiser.verify_key).hex(),
                "organiser_seal_pk": bytes(sealing.public_key).hex(),
            },
            "sealed": seal_secrets(door, secret.pack_passphrase),
        }
        passphrase = secret.pack_passphrase
    return BuiltPack(write_pack(document, organiser), passphrase)


THEME_CODE = re.compile(r"^[a-z0-9_]{1,64}$")
THEME_NAME_MAX = 200


def _clean_title(value: str, limit: int) -> str:
    return checked_field(unicodedata.normalize("NFC", value.strip()), "title", limit)


def update_event(store: Store, code: str, **fields: Unpack[EventFields]) -> None:
    """Change an event's name, place, times and languages (its code and keys stay)."""
    with store.uow() as uow:
        _set_fields(find_event(uow, code), fields)
        uow.commit()
    store.forget_cached()


def save_themes(store: Store, code: str, themes: list[dict[str, Any]]) -> int:
    """Set the themes' titles in the four languages, adding new themes (by code) at the
    end; returns how many themes the event has. A theme needs at least one title."""
    with store.uow() as uow:
        event = find_event(uow, code)
        existing = {
            t.code: t for t in uow.session.scalars(select(Theme).where(Theme.event_id == event.id))
        }
        position = max((t.position for t in existing.values()), default=-1) + 1
        for theme in themes:
            theme_code = str(theme.get("code", "")).strip()
            names = {
                lang: _clean_title(str(theme.get("names", {}).get(lang, "")), THEME_NAME_MAX)
                for lang in LANGUAGES
            }
            if not theme_code and not any(names.values()):
                continue  # the blank row of the form
            if not THEME_CODE.match(theme_code):
                raise ValidationError(
                    N_("A theme code has 1 to 64 small letters, digits or _ ({theme})."),
                    code="bad_theme_code",
                    theme=theme_code[:64],
                )
            if not any(names.values()):
                raise ValidationError(
                    N_("The theme {theme} needs a title."), code="no_title", theme=theme_code
                )
            row = existing.get(theme_code)
            if row is None:
                row = Theme(
                    event_id=event.id,
                    code=theme_code,
                    position=position,
                    icon="",
                    names={},
                    descriptions={},
                )
                position += 1
                uow.session.add(row)
                existing[theme_code] = row
            row.names = {lang: title for lang, title in names.items() if title}
        uow.commit()
        count = len(existing)
    store.forget_cached()
    return count


@dataclass(frozen=True)
class RosterRow:
    id: str
    external_id: str
    kind: str
    name: str
    name_latin: str
    organisation: str
    category: str
    province: str
    revoked: bool


def search_roster(
    store: Store, event_code: str, query: str = "", *, page: int = 1, page_size: int = 50
) -> tuple[list[RosterRow], int]:
    """One page of the event's attendees whose name (folded as the kiosk's search folds
    it) or external id matches ``query``; and how many match in all."""
    from sqlalchemy import func, or_

    with store.uow(readonly=True) as uow:
        event = find_event(uow, event_code)
        where: list[Any] = [Attendee.event_id == event.id]
        key = search_key(query[:100])
        if key:
            escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(
                or_(
                    Attendee.search_key.like(f"%{escaped}%", escape="\\"),
                    Attendee.external_id == query.strip()[:64],
                )
            )
        total = int(
            uow.session.scalar(select(func.count()).select_from(Attendee).where(*where)) or 0
        )
        revoked = set(
            uow.session.scalars(
                select(RevokedAttendee.attendee_id).where(RevokedAttendee.event_id == event.id)
            )
        )
        rows = [
            RosterRow(
                a.id,
                a.external_id or "",
                a.kind,
                a.name,
                a.name_latin,
                a.organisation,
                a.category,
                a.province,
                a.id in revoked,
            )
            for a in uow.session.scalars(
                select(Attendee)
                .where(*where)
                .order_by(Attendee.search_key, Attendee.id)
                .limit(page_size)
                .offset(max(0, page - 1) * page_size)
            )
        ]
        return rows, total
