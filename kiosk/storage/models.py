"""Typed SQLAlchemy models of the kiosk's local store: the records every kiosk writes
and the central platform merges (its own tables are in :mod:`kiosk.central.models`).

Identifiers are UUIDv7 strings, so rows made on many kiosks never collide and
sort by creation time. Times are UTC, stored as ISO-8601 text so that SQLite
and PostgreSQL round-trip them identically.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from kiosk.domain.event import name_in
from kiosk.ids import new_id


def utc_text(value: dt.datetime) -> str:
    """A timezone-aware datetime as the ISO-8601 UTC text the database stores."""
    if value.tzinfo is not dt.UTC:  # the clock's own UTC times skip the conversion
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use UTC-aware datetimes")
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetime stored as ISO-8601 text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return utc_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


class Event(Base):
    __tablename__ = "event"

    id: Mapped[str] = id_column()
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    region: Mapped[str] = mapped_column(String(200), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[dt.datetime | None]
    ends_at: Mapped[dt.datetime | None]
    languages: Mapped[str] = mapped_column(String(64), default="ar,fr,zgh,en")
    created_at: Mapped[dt.datetime]
    # {"ar": "...", "fr": "...", ...}: the name in each language the organiser gave
    # ({} for an event made before names per language: ``name`` in every language).
    names: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    # The public follow-up page's base address ("" when the organiser set none).
    followup_url: Mapped[str] = mapped_column(String(200), default="", server_default="")

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    def name_in(self, lang: str) -> str:
        """The event's name in ``lang`` (its one name where none was given in it)."""
        return name_in(self.names or {}, self.name, lang)


class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("event_id", "code"),)

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"))
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    icon: Mapped[str] = mapped_column(String(64), default="")
    # {"ar": "...", "fr": "...", "zgh": "...", "en": "..."}
    names: Mapped[dict[str, Any]]
    descriptions: Mapped[dict[str, Any]]


class Device(Base):
    __tablename__ = "device"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default="both")
    public_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    # Head of this device's journal, updated in the same transaction as each
    # append, so that deleting the newest entries is detected too.
    journal_seq: Mapped[int] = mapped_column(Integer, default=0)
    journal_hash: Mapped[str] = mapped_column(String(64))
    exported_seq: Mapped[int] = mapped_column(Integer, default=0)


class Attendee(Base):
    __tablename__ = "attendee"
    __table_args__ = (
        UniqueConstraint("event_id", "external_id"),
        Index("ix_attendee_event_search", "event_id", "search_key"),
    )

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"))
    external_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="invited")  # invited | walk_in
    name: Mapped[str] = mapped_column(String(200))
    name_latin: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(32), default="citizen")
    province: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(8), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    search_key: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str | None] = mapped_column(String(36))
    badge_token: Mapped[str | None] = mapped_column(String(256))


def unknown_walk_in(
    attendee_id: str, event_id: str, created_at: Any, badge_token: str | None = None
) -> dict[str, Any]:
    """Every column of a walk-in known only by a genuine badge or a record naming them
    (registered at another kiosk: the details come with that kiosk's bundle)."""
    return {
        "id": attendee_id,
        "event_id": event_id,
        "external_id": None,
        "kind": "walk_in",
        "name": "",
        "name_latin": "",
        "organisation": "",
        "category": "citizen",
        "province": "",
        "phone": "",
        "email": "",
        "preferred_language": "",
        "consent": False,
        "search_key": "",
        "created_at": created_at,
        "created_by": None,
        "badge_token": badge_token,
    }


class CheckIn(Base):
    __tablename__ = "checkin"
    __table_args__ = (
        Index("ix_checkin_attendee", "attendee_id", "outcome"),
        Index("ix_checkin_event_at", "event_id", "at"),
    )

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"))
    attendee_id: Mapped[str | None] = mapped_column(ForeignKey("attendee.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    station: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[dt.datetime]
    method: Mapped[str] = mapped_column(String(16))  # scan | camera | search | walk_in
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    undone_at: Mapped[dt.datetime | None]
    training: Mapped[bool] = mapped_column(Boolean, default=False)


class Proposal(Base):
    __tablename__ = "proposal"
    __table_args__ = (
        Index("ix_proposal_event_theme", "event_id", "theme_code"),
        # Each kiosk draws its own codes; only one kiosk's codes must differ.
        UniqueConstraint("device_id", "receipt_code", name="uq_proposal_device_receipt"),
    )

    id: Mapped[str] = id_column()
    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"))
    attendee_id: Mapped[str | None] = mapped_column(ForeignKey("attendee.id"))
    device_id: Mapped[str] = mapped_column(String(36))
    theme_code: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    # Optional profile answers; "" means not asked, "undisclosed" means declined.
    age_band: Mapped[str] = mapped_column(String(16), default="")
    gender: Mapped[str] = mapped_column(String(16), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    profile: Mapped[str] = mapped_column(String(32), default="")
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    receipt_code: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    training: Mapped[bool] = mapped_column(Boolean, default=False)


class JournalEntry(Base):
    """Append-only, hash-chained record of every change made on a device."""

    __tablename__ = "journal"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON text
    wall_time: Mapped[str] = mapped_column(String(40))
    mono_ns: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LocalSetting(Base):
    """This kiosk's own configuration (device id, PIN hash...): never synced."""

    __tablename__ = "local_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RevokedAttendee(Base):
    """An attendee whose badges are refused at the door, whatever token they show."""

    __tablename__ = "revoked_attendee"

    event_id: Mapped[str] = mapped_column(ForeignKey("event.id"), primary_key=True)
    attendee_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    revoked_at: Mapped[dt.datetime]
