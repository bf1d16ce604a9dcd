"""trust: enrolled devices, revocation by attendee, receipt codes unique per device

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# 0001 left the receipt code's unique constraint unnamed; this names it for batch mode.
_CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("proposal_receipt_code_key", "proposal", type_="unique")
        op.create_unique_constraint(
            "uq_proposal_device_receipt", "proposal", ["device_id", "receipt_code"]
        )
    else:
        with op.batch_alter_table("proposal", naming_convention=_CONVENTION) as batch_op:
            batch_op.drop_constraint("uq_proposal_receipt_code", type_="unique")
            batch_op.create_unique_constraint(
                "uq_proposal_device_receipt", ["device_id", "receipt_code"]
            )
    # Revocation by attendee (a re-minted token of a revoked person is refused too);
    # digests of old tokens cannot be mapped to people, so none are carried over.
    op.drop_table("revoked_badge")
    op.create_table(
        "revoked_attendee",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("attendee_id", sa.String(length=36), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("event_id", "attendee_id"),
    )
    with op.batch_alter_table("event_secret") as batch_op:
        batch_op.drop_column("enrolment_secret")
        batch_op.add_column(
            sa.Column("pack_passphrase", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("central_device") as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="both")
        )
        # Devices pinned on first sight before enrolment existed were never approved.
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="revoked")
        )
        batch_op.add_column(sa.Column("certificate", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("serial", sa.String(length=36), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("software", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("approved_at", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("last_bundle_at", sa.String(length=40), nullable=True))
    op.create_table(
        "enrolment_request",
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
    )
    with op.batch_alter_table("enrolment_request") as batch_op:
        batch_op.create_index("ix_enrolment_request_code", ["code"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )


def downgrade() -> None:
    op.drop_table("api_token")
    op.drop_table("enrolment_request")
    with op.batch_alter_table("central_device") as batch_op:
        for column in (
            "last_bundle_at",
            "revoked_at",
            "approved_at",
            "software",
            "serial",
            "certificate",
            "status",
            "role",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("event_secret") as batch_op:
        batch_op.drop_column("pack_passphrase")
        batch_op.add_column(
            sa.Column("enrolment_secret", sa.String(length=64), nullable=False, server_default="")
        )
    op.drop_table("revoked_attendee")
    op.create_table(
        "revoked_badge",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("event_id", "token_digest"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("uq_proposal_device_receipt", "proposal", type_="unique")
        op.create_unique_constraint("proposal_receipt_code_key", "proposal", ["receipt_code"])
    else:
        with op.batch_alter_table("proposal") as batch_op:
            batch_op.drop_constraint("uq_proposal_device_receipt", type_="unique")
            batch_op.create_unique_constraint("uq_proposal_receipt_code", ["receipt_code"])
