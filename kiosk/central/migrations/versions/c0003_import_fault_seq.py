"""central: the import log keeps the entry at fault of a refused bundle

Its reason is shown from its code in the reader's language
(:mod:`kiosk.central.import_reasons`); the entry's number goes with it.

Revision ID: c0003
Revises: c0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bundle_import") as batch:
        batch.add_column(sa.Column("fault_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bundle_import") as batch:
        batch.drop_column("fault_seq")
