"""Alembic migrations, applied automatically at start with a backup first."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str:
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(db_path: Path, backups_dir: Path, label: str) -> Path:
    """Copy a live SQLite database consistently (WAL included) with the backup API."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{db_path.stem}-{label}-{stamp}.db"
    src = sqlite3.connect(db_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine, revision: str = "head", backups_dir: Path | None = None) -> Path | None:
    """Upgrade the schema; for an SQLite file holding data, back it up first.

    Returns the backup's path when one was taken.
    """
    target = head_revision(engine) if revision == "head" else revision
    current = current_revision(engine)
    if current == target:
        return None
    backup: Path | None = None
    db_file = engine.url.database
    if engine.dialect.name == "sqlite" and db_file and current is not None and backups_dir:
        backup = backup_sqlite(Path(db_file), backups_dir, f"before-{target}-from-{current}")
        log.info("database backed up to %s before migrating %s -> %s", backup, current, target)
    command.upgrade(alembic_config(engine), revision)
    return backup
