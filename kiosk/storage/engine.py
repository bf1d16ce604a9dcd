"""Engine creation with the pragmas that make SQLite durable on a kiosk."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Dialect, Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

# Writers take the database lock at BEGIN (BEGIN IMMEDIATE) so that two
# processes never both read the same journal head; read-only units of work
# ask for a deferred BEGIN through this execution option.
BEGIN_OPTION = "kiosk_sqlite_begin"
# Fault injection for tests and drills: cap the database size (in pages) the way a
# full disk would, e.g. KIOSK_SQLITE_MAX_PAGES=200.
MAX_PAGES_ENV = "KIOSK_SQLITE_MAX_PAGES"
# Pages in the WAL before a commit also checkpoints them into the database file
# (SQLite's default is 1000). A submit writes about 8 pages (proposal row, its
# three indexes, journal row and key, device head), so the default made every
# ~120th attendee wait 2-3 ms more for a checkpoint (copy + fsync of the database
# file). At 2000, half as many checkpoints, each copying a hot page once for twice
# the submits: less I/O in all. The WAL stays under ~8 MB. Durability is the same:
# every commit still syncs the WAL (synchronous=FULL).
WAL_AUTOCHECKPOINT_PAGES = 2000


def make_engine(
    url: str, busy_timeout_ms: int = 5000, db_key: bytes | None = None, **kwargs: Any
) -> Engine:
    """Create an engine; for SQLite: WAL, synchronous=FULL, foreign keys, busy timeout.

    With ``db_key`` (a kiosk's database, :mod:`kiosk.storage.atrest`) the driver is
    SQLCipher's, through SQLAlchemy's pysqlite dialect, and every connection is keyed
    before anything else is read or written.

    Statement parameters are never shown in logs or error messages (they hold
    names and proposal texts), even with SQLAlchemy's logging switched on."""
    kwargs.setdefault("hide_parameters", True)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)

    if db_key is not None:
        from kiosk.storage import atrest

        if atrest.sqlcipher is None:  # pragma: no cover - a dependency of the kiosk
            raise RuntimeError("sqlcipher3 is not installed")
        kwargs["module"] = atrest.sqlcipher
        key_statement = atrest.key_pragma(db_key)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if db_key is not None:
            cursor.execute(atrest.QUIET)
            cursor.execute(key_statement)  # first: SQLCipher reads nothing before it
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        max_pages = os.environ.get(MAX_PAGES_ENV)
        if max_pages:
            cursor.execute(f"PRAGMA max_page_count={int(max_pages)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
        _begin_sqlite(conn.connection, mode, conn.dialect)

    return engine


def _begin_sqlite(
    dbapi: PoolProxiedConnection, mode: str, dialect: Dialect, cursor: Any = None
) -> None:
    statement = f"BEGIN {mode}"
    # Straight on the driver's connection (or the cursor given): every action begins
    # here, and a full statement execution through SQLAlchemy costs more than the
    # BEGIN itself. Errors (a lock held past the busy timeout) are raised as
    # SQLAlchemy's.
    try:
        if cursor is not None:
            cursor.execute(statement)
        else:
            dbapi.driver_connection.execute(statement)  # type: ignore[union-attr]
    except dialect.loaded_dbapi.Error as exc:  # sqlite3's or SQLCipher's
        raise DBAPIError.instance(
            statement, (), exc, dialect.loaded_dbapi.Error, dialect=dialect
        ) from exc


def begin_transaction(
    dbapi: PoolProxiedConnection, dialect: Dialect, readonly: bool, cursor: Any = None
) -> None:
    """Begin a transaction on a pooled DBAPI connection, as a Core connection would:
    on SQLite ``BEGIN IMMEDIATE`` (``DEFERRED`` to read only), on ``cursor`` if given;
    other drivers begin implicitly with the first statement."""
    if dialect.name == "sqlite":
        _begin_sqlite(dbapi, "DEFERRED" if readonly else "IMMEDIATE", dialect, cursor)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
