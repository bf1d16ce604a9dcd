"""The central platform's own tables: the event secrets, enrolled devices and their
requests, API tokens, the merged journal entries, and the console's accounts, roles,
audit log, review of proposals and log of bundle imports.

They have their own declarative base, metadata and Alembic chain
(:mod:`kiosk.central.migrations`, version table ``central_alembic_version``), so a
kiosk's database never gets them: only :func:`kiosk.central.store.open_central`
applies that chain. The records the kiosks send (events, themes, attendees,
check-ins, proposals, revocations) keep the schema of :mod:`kiosk.storage.models`,
shared by the kiosk's writer and the central merge. Columns naming an event keep
their foreign key in the migrations (the event table is the shared schema's), not
in these classes, so this metadata stands alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.storage.models import UTCDateTime

ROLES = ("admin", "organiser", "moderator", "analyst", "viewer")
ALL_EVENTS = "*"  # a role held for every event
REVIEW_STATES = ("received", "under_review", "accepted", "rejected", "merged")
# What a page shows for a review state or an import outcome (translated at display).
LABELS = {
    "received": N_("received"),
    "under_review": N_("under review"),
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
    "merged": N_("merged"),
    "duplicate": N_("already imported"),
    "checkin": N_("door"),
    "proposals": N_("proposals"),
    "both": N_("both"),
    "invited": N_("invited"),
    "walk_in": N_("walk-in"),
}
# The audit log's actions, as its page names them.
ACTIONS = {
    "login": N_("log-in"),
    "login_failed": N_("failed log-in"),
    "login_blocked": N_("log-in refused (too many failures)"),
    "user_add": N_("account added"),
    "user_password": N_("password changed"),
    "user_totp": N_("second factor changed"),
    "user_disable": N_("account disabled"),
    "user_enable": N_("account enabled again"),
    "role_change": N_("role changed"),
    "event_create": N_("event created"),
    "event_edit": N_("event changed"),
    "pack_download": N_("pack downloaded"),
    "roster_import": N_("roster imported"),
    "attendee_revoke": N_("attendee revoked"),
    "badge_reissue": N_("badge re-issued"),
    "badge_sheet": N_("badge sheet printed"),
    "device_approve": N_("kiosk approved"),
    "device_revoke": N_("kiosk revoked"),
    "bundle_import": N_("bundles imported"),
    "bundle_reimport": N_("bundle imported again"),
    "export": N_("export"),
    "export_contacts": N_("export with contacts"),
    "review_state": N_("review state changed"),
    "hide": N_("proposal hidden"),
    "restore": N_("proposal restored"),
    "flag_personal_data": N_("personal data flag"),
    "note": N_("private note"),
    "assign": N_("assignee changed"),
    "theme_reviewer": N_("theme reviewer set"),
    "answer": N_("answer written"),
    "answer_publish": N_("answer published"),
    "answer_unpublish": N_("answer withdrawn"),
}


class CentralBase(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _id() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)


class EventSecret(CentralBase):
    """the event's walk-in signing key and pack passphrase."""

    __tablename__ = "event_secret"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    walkin_signing_key: Mapped[str] = mapped_column(String(64))  # hex seed
    pack_passphrase: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]


class CentralDevice(CentralBase):
    """a kiosk the organiser approved (or revoked), with its certificate."""

    __tablename__ = "central_device"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    public_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100), default="")
    first_seen: Mapped[dt.datetime]
    clock_flags: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(20), default="both")
    status: Mapped[str] = mapped_column(String(16), default="approved")  # approved | revoked
    certificate: Mapped[str] = mapped_column(Text, default="")  # base64 of the file
    serial: Mapped[str] = mapped_column(String(36), default="")
    software: Mapped[str] = mapped_column(String(40), default="")
    approved_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    last_bundle_at: Mapped[dt.datetime | None]


class EnrolmentRequestRow(CentralBase):
    """an enrolment request waiting for the organiser (by file or HTTP)."""

    __tablename__ = "enrolment_request"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    public_key: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(24), index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    request: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime]


class ApiToken(CentralBase):
    """an organiser's API credential (only its SHA-256 is kept)."""

    __tablename__ = "api_token"

    id: Mapped[str] = _id()
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class ImportedEntry(CentralBase):
    """every journal entry merged, so overlaps and replays are recognised."""

    __tablename__ = "imported_entry"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    payload: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))


class ConsoleUser(CentralBase):
    """An organiser's account: argon2id password hash, optional TOTP secret."""

    __tablename__ = "console_user"

    id: Mapped[str] = _id()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    disabled_at: Mapped[dt.datetime | None]
    # A one-time password was handed over: the next log-in must choose a new one.
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False)


class ConsoleRole(CentralBase):
    """A user's role in one event (or in every event, ``event_id = '*'``)."""

    __tablename__ = "console_role"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class AuditEntry(CentralBase):
    """Who did what, when, from where (log-ins, roles, approvals, exports, moderation)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[str] = _id()
    at: Mapped[dt.datetime]
    user_id: Mapped[str | None] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))
    event_code: Mapped[str] = mapped_column(String(64), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]]
    address: Mapped[str] = mapped_column(String(64), default="")


class ProposalReview(CentralBase):
    """The organiser's side of one merged proposal: search key, moderation, review
    state, private note, assignee and the published answer. One row per proposal,
    added by :func:`kiosk.central.review.catch_up`."""

    __tablename__ = "proposal_review"
    __table_args__ = (
        Index("ix_proposal_review_event_at", "event_id", "hidden", "training", "created_at"),
        # Covers a search: the event's keys are read in one run of the index, not one
        # table page per row.
        Index(
            "ix_proposal_review_search",
            "event_id",
            "training",
            "hidden",
            "language",
            "search_key",
            "created_at",
            "proposal_id",
        ),
        Index("ix_proposal_review_receipt", "receipt_code"),
    )

    proposal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    receipt_code: Mapped[str] = mapped_column(String(16))
    # The proposal's own fields the filters read, copied here (they never change once
    # merged), so that filtering, counting and paging read this table alone.
    theme_code: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    age_band: Mapped[str] = mapped_column(String(16), default="")
    device_id: Mapped[str] = mapped_column(String(36), default="")
    created_at: Mapped[dt.datetime]
    training: Mapped[bool] = mapped_column(Boolean, default=False)
    search_key: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="received")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    assignee: Mapped[str] = mapped_column(String(64), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answer_published_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime | None]


class BundleImport(CentralBase):
    """One bundle file imported (USB, the console's upload): the import log."""

    __tablename__ = "bundle_import"
    __table_args__ = (Index("ix_bundle_import_event_at", "event_id", "at"),)

    id: Mapped[str] = _id()
    at: Mapped[dt.datetime]
    username: Mapped[str] = mapped_column(String(64), default="")
    event_id: Mapped[str] = mapped_column(String(36), default="")
    file_name: Mapped[str] = mapped_column(String(300))
    stored_name: Mapped[str] = mapped_column(String(300), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    from_seq: Mapped[int] = mapped_column(Integer, default=0)
    to_seq: Mapped[int] = mapped_column(Integer, default=0)
    new_entries: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[bool] = mapped_column(Boolean, default=False)
    fault_seq: Mapped[int | None] = mapped_column(Integer)  # the entry at fault, if one


class ThemeReviewer(CentralBase):
    """The console user who reviews an event theme's proposals: new ones get them as
    assignee, and so did the unassigned ones when it was set."""

    __tablename__ = "theme_reviewer"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    theme_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[dt.datetime]
