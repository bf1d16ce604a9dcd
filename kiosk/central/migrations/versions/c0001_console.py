"""central: the organiser's tables (adopted from the kiosk schema's 0006), and the
console's accounts, roles, audit log, proposal review and bundle import log

A central database made before this chain keeps the tables of kiosk migration 0006
that hold rows (0007 leaves them); the others are made here.

Revision ID: c0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    for name, items in _trust_tables().items():
        if name not in present:
            _create(name, items)
    op.create_table(
        "console_user",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("disabled_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "console_role",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "event_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("event_code", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "proposal_review",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("receipt_code", sa.String(length=16), nullable=False),
        sa.Column("theme_code", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("training", sa.Boolean(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answer_published_at", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("proposal_id"),
    )
    op.create_index(
        "ix_proposal_review_event_at",
        "proposal_review",
        ["event_id", "hidden", "training", "created_at"],
    )
    op.create_index(
        "ix_proposal_review_search",
        "proposal_review",
        [
            "event_id", "training", "hidden", "language", "search_key", "created_at",
            "proposal_id",
        ],
    )  # fmt: skip
    # The attendance page's reads, covered, on the shared tables of a central database
    # only (kiosks never run this chain).
    op.create_index(
        "ix_central_checkin_figures",
        "checkin",
        ["event_id", "outcome", "attendee_id", "at", "station", "undone_at", "training"],
    )
    op.create_index(
        "ix_central_attendee_figures",
        "attendee",
        ["event_id", "kind", "category", "province", "id"],
    )
    op.create_index("ix_proposal_review_receipt", "proposal_review", ["receipt_code"])
    op.create_table(
        "bundle_import",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("stored_name", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("from_seq", sa.Integer(), nullable=False),
        sa.Column("to_seq", sa.Integer(), nullable=False),
        sa.Column("new_entries", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bundle_import_event_at", "bundle_import", ["event_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_central_attendee_figures", "attendee")
    op.drop_index("ix_central_checkin_figures", "checkin")
    op.drop_table("bundle_import")
    op.drop_table("proposal_review")
    op.drop_table("audit_log")
    op.drop_table("console_role")
    op.drop_table("console_user")
    for name in reversed(list(_trust_tables())):
        op.drop_table(name)


# The organiser's tables as kiosk migration 0006 left them.
def _trust_tables() -> dict[str, list[Any]]:
    return {
        "event_secret": [
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("walkin_signing_key", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("pack_passphrase", sa.String(length=64), nullable=False, server_default=""),
            sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
            sa.PrimaryKeyConstraint("event_id"),
        ],
        "central_device": [
            sa.Column("device_id", sa.String(length=36), nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("public_key", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("first_seen", sa.String(length=40), nullable=False),
            sa.Column("clock_flags", sa.Integer(), nullable=False),
            sa.Column("role", sa.String(length=20), nullable=False, server_default="both"),
            sa.Column("status", sa.String(length=16), nullable=False, server_default="revoked"),
            sa.Column("certificate", sa.Text(), nullable=False, server_default=""),
            sa.Column("serial", sa.String(length=36), nullable=False, server_default=""),
            sa.Column("software", sa.String(length=40), nullable=False, server_default=""),
            sa.Column("approved_at", sa.String(length=40), nullable=True),
            sa.Column("revoked_at", sa.String(length=40), nullable=True),
            sa.Column("last_bundle_at", sa.String(length=40), nullable=True),
            sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
            sa.PrimaryKeyConstraint("device_id"),
        ],
        "imported_entry": [
            sa.Column("device_id", sa.String(length=36), nullable=False),
            sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("kind", sa.String(length=40), nullable=False),
            sa.Column("record_id", sa.String(length=36), nullable=False),
            sa.Column("payload", sa.Text(), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("device_id", "seq"),
        ],
        "enrolment_request": [
            sa.Column("device_id", sa.String(length=36), nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("public_key", sa.String(length=64), nullable=False),
            sa.Column("code", sa.String(length=24), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("role", sa.String(length=20), nullable=False),
            sa.Column("request", sa.Text(), nullable=False),
            sa.Column("received_at", sa.String(length=40), nullable=False),
            sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
            sa.PrimaryKeyConstraint("device_id"),
        ],
        "api_token": [
            sa.Column("id", sa.String(length=36), nullable=False),
            sa.Column("name", sa.String(length=100), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.String(length=40), nullable=False),
            sa.Column("revoked_at", sa.String(length=40), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("token_hash"),
        ],
    }


_INDEXES = {
    "imported_entry": ("ix_imported_entry_record_id", ["record_id"]),
    "enrolment_request": ("ix_enrolment_request_code", ["code"]),
}


def _create(name: str, items: list[Any]) -> None:
    op.create_table(name, *items)
    if name in _INDEXES:
        index, columns = _INDEXES[name]
        op.create_index(index, name, columns)
