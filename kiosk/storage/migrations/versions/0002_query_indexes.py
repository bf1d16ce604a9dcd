"""indexes for the dashboard, status and report queries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposal") as batch_op:
        batch_op.create_index("ix_proposal_event_theme", ["event_id", "theme_code"])
    with op.batch_alter_table("checkin") as batch_op:
        batch_op.create_index("ix_checkin_event_at", ["event_id", "at"])


def downgrade() -> None:
    with op.batch_alter_table("checkin") as batch_op:
        batch_op.drop_index("ix_checkin_event_at")
    with op.batch_alter_table("proposal") as batch_op:
        batch_op.drop_index("ix_proposal_event_theme")
