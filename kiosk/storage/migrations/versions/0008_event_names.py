"""event: its name in each language, and the public follow-up page's address

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

An event made before keeps its one name (``names`` is empty: that name is shown in
every language) and has no follow-up page (the receipt's QR code holds the bare code).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("names", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(
            sa.Column("followup_url", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): copying the table instead would
    # drop the one that the attendee, theme and proposal rows point to.
    with op.batch_alter_table("event", recreate="never") as batch_op:
        batch_op.drop_column("followup_url")
        batch_op.drop_column("names")
