"""central: the reviewer of each event theme (its proposals' assignee); the import log
keeps the entry at fault of a refused bundle (its reason is shown from its code in the
reader's language, kiosk.central.import_reasons); an account given a one-time password
must choose its own at its next log-in

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "theme_reviewer",
        sa.Column("event_id", sa.String(length=36), sa.ForeignKey("event.id"), nullable=False),
        sa.Column("theme_code", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "theme_code"),
    )
    with op.batch_alter_table("bundle_import") as batch:
        batch.add_column(sa.Column("fault_seq", sa.Integer(), nullable=True))
    with op.batch_alter_table("console_user") as batch:
        batch.add_column(
            sa.Column(
                "password_change_required", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("console_user") as batch:
        batch.drop_column("password_change_required")
    with op.batch_alter_table("bundle_import") as batch:
        batch.drop_column("fault_seq")
    op.drop_table("theme_reviewer")
