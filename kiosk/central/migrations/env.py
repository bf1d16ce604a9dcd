"""Alembic environment of the central chain: the engine comes from kiosk.central.store."""

from __future__ import annotations

from alembic import context

from kiosk.central.models import CentralBase

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=CentralBase.metadata,
        version_table="central_alembic_version",
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
