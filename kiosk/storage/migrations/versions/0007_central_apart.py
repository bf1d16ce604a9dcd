"""central tables leave the kiosk's schema (they move to kiosk.central's own chain)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

A kiosk's database loses the organiser's tables, which it never wrote (they are all
empty there). A central database made before keeps every row: a table that holds
rows stays where it is, and the central chain (kiosk/central/migrations, c0001)
adopts it; an empty one is dropped here and made again there.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CENTRAL_TABLES = (
    "api_token",
    "enrolment_request",
    "imported_entry",
    "central_device",
    "event_secret",
)


def upgrade() -> None:
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for name in CENTRAL_TABLES:
        if name not in present:
            continue
        if bind.execute(sa.text(f"SELECT 1 FROM {name} LIMIT 1")).first() is None:
            op.drop_table(name)


def downgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    for name, items in _trust_tables().items():
        if name not in present:
            _create(name, items)


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
