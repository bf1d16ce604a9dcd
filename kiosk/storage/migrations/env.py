"""Alembic environment: the engine is handed over by kiosk.storage.migrate."""

from __future__ import annotations

from alembic import context

from kiosk.storage.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
