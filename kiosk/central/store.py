"""Opening the central store: the shared record schema, then the console's own chain."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from kiosk.storage.store import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "central_alembic_version"


def central_config(engine: Engine) -> Config:
    from kiosk.storage.migrate import alembic_config

    return alembic_config(engine, MIGRATIONS_DIR)


def central_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(
            conn, opts={"version_table": VERSION_TABLE}
        ).get_current_revision()


def upgrade_central(engine: Engine, backups_dir: Path | None = None) -> None:
    """Apply the central chain (after the shared schema's, which Store applies); an
    SQLite file already on this chain is copied to ``backups_dir`` first."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from kiosk.storage.migrate import backup_sqlite

    cfg = central_config(engine)
    [head] = ScriptDirectory.from_config(cfg).get_heads()
    current = central_revision(engine)
    if current == head:
        return
    db_file = engine.url.database
    if engine.dialect.name == "sqlite" and db_file and current is not None and backups_dir:
        backup_sqlite(Path(db_file), backups_dir, f"before-{head}-from-{current}")
    command.upgrade(cfg, "head")


def open_central(url: str, *, backups_dir: Path | None = None, **kwargs: Any) -> Store:
    """A store for the organiser's side: the kiosk's schema and the console's tables."""
    store = Store(url, backups_dir=backups_dir, **kwargs)
    upgrade_central(store.engine, backups_dir)
    return store
