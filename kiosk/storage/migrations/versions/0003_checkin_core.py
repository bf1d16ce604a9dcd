"""badges: attendee tokens, revoked badges, event secrets (organiser side)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendee") as batch_op:
        batch_op.add_column(sa.Column("badge_token", sa.String(length=256), nullable=True))
    op.create_table(
        "revoked_badge",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("event_id", "token_digest"),
    )
    op.create_table(
        "event_secret",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("walkin_signing_key", sa.String(length=64), nullable=False),
        sa.Column("enrolment_secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.PrimaryKeyConstraint("event_id"),
    )


def downgrade() -> None:
    op.drop_table("event_secret")
    op.drop_table("revoked_badge")
    with op.batch_alter_table("attendee") as batch_op:
        batch_op.drop_column("badge_token")
