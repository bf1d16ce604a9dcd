"""Alembic migrations, applied automatically at start with a backup first."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from kiosk.storage import atrest

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision, so that a kiosk already up to date starts without loading
# Alembic at all (a test checks it against the migration scripts).
HEAD_REVISION = "0008"


def alembic_config(engine: Engine, scripts: Path = MIGRATIONS_DIR) -> Config:
    """Alembic's configuration for ``engine`` and the migration ``scripts`` (the
    kiosk's, or the central application's own chain)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# Either driver's errors, and the file system's (a full disk, a read-only one).
BACKUP_ERRORS: tuple[type[Exception], ...] = (*atrest.Error, OSError)


def backup_sqlite(db_path: Path, backups_dir: Path, label: str) -> Path:
    """Copy a live SQLite database consistently (WAL included) with the backup API.

    Written under a hidden temporary name, checked (``quick_check``), then renamed:
    a full disk leaves no backup at all rather than an empty or partial one, and
    raises :class:`~kiosk.domain.errors.StorageFull`.
    """
    from kiosk.domain.errors import StorageFull
    from kiosk.i18n import N_
    from kiosk.storage.files import commit_file, temporary_name

    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backups_dir / f"{db_path.stem}-{label}-{stamp}.db"
    tmp = temporary_name(target)
    try:
        # Encrypted databases are copied encrypted, with the same key (atrest).
        key = atrest.key_for(db_path)
        src = atrest.connect(db_path, key=key)
        try:
            dst = atrest.connect(tmp, key=key)
            try:
                src.backup(dst)
                problems = dst.execute("PRAGMA quick_check").fetchall()
            finally:
                dst.close()
        finally:
            src.close()
        if problems != [("ok",)]:
            raise sqlite3.DatabaseError(str(problems[:2]))
        commit_file(tmp, target)
    except BACKUP_ERRORS as exc:
        tmp.unlink(missing_ok=True)
        raise StorageFull(
            N_("No backup could be written in {folder} ({detail}); the database is unchanged."),
            folder=str(backups_dir),
            detail=str(exc)[:100],
        ) from exc
    return target


def _sqlite_revision(engine: Engine) -> str | None:
    """The revision of an SQLite file, read with the standard library (fast path)."""
    db_file = engine.url.database
    if engine.dialect.name != "sqlite" or not db_file or not Path(db_file).exists():
        return None
    try:
        con = atrest.connect(db_file, readonly=True)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except atrest.Error:
        return None
    return str(row[0]) if row else None


def upgrade(engine: Engine, revision: str = "head", backups_dir: Path | None = None) -> Path | None:
    """Upgrade the schema; for an SQLite file holding data, back it up first.

    Returns the backup's path when one was taken.
    """
    if revision == "head" and _sqlite_revision(engine) == HEAD_REVISION:
        return None
    from alembic import command

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
