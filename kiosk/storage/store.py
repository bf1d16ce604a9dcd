"""The store (engine + this device) and the unit of work (one per user action)."""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, RootTransaction, String, bindparam, select
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool, PoolProxiedConnection

from kiosk.clock import SYSTEM_CLOCK, Clock
from kiosk.storage import journal
from kiosk.storage.engine import BEGIN_OPTION, begin_transaction, make_engine
from kiosk.storage.errors import translated
from kiosk.storage.migrate import upgrade
from kiosk.storage.models import Device, JournalEntry, LocalSetting
from kiosk.storage.prepared import Prepared
from kiosk.storage.settings import DEVICE_ID, EVENT_ID, Setting, Values
from kiosk.storage.settings import keys as settings_keys

log = logging.getLogger(__name__)
T = TypeVar("T")


@functools.lru_cache(maxsize=16)
def _read_settings(count: int) -> Prepared:
    """``SELECT key, value FROM local_setting WHERE key IN (?, ...)`` for ``count`` keys."""
    keys = [bindparam(f"key{i}", type_=String) for i in range(count)]
    return Prepared(select(LocalSetting.key, LocalSetting.value).where(LocalSetting.key.in_(keys)))


class Store:
    """Owns the engine; hands out one unit of work per action."""

    def __init__(
        self,
        url: str,
        *,
        backups_dir: Path | None = None,
        clock: Clock = SYSTEM_CLOCK,
        busy_timeout_ms: int = 5000,
        migrate: bool = True,
        **engine_kwargs: Any,
    ) -> None:
        self.url = url
        self.clock = clock
        if url.startswith("sqlite:///") and "db_key" not in engine_kwargs:
            # A kiosk's database: encrypted with its folder's key once unlocked.
            from kiosk.storage.atrest import key_for

            engine_kwargs["db_key"] = key_for(url.removeprefix("sqlite:///"))
        self.encrypted = engine_kwargs.get("db_key") is not None
        self.engine: Engine = make_engine(url, busy_timeout_ms=busy_timeout_ms, **engine_kwargs)
        # Read-only units of work on SQLite begin DEFERRED (writers: IMMEDIATE).
        self._read_engine: Engine = self.engine
        if self.engine.dialect.name == "sqlite":
            self._read_engine = self.engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})
        self.last_backup: Path | None = None
        if migrate:
            self.last_backup = upgrade(self.engine, backups_dir=backups_dir)

        # Read-mostly configuration cached per store (the event's themes); keyed
        # by event id, which every action still reads inside its transaction.
        self.cache: dict[str, Any] = {}

        # Lean units of work on SQLite share one connection, taken from the pool
        # once and kept, one unit of work at a time: SQLite runs one writer at a
        # time anyway (BEGIN IMMEDIATE), and a pool check-out and check-in cost as
        # much as the submit's own statements. Other databases use the pool.
        self._writer_lock = threading.Lock()
        self._writer: PoolProxiedConnection | None = None
        self._writer_cursor: Any = None  # the shared connection's one cursor, kept with it
        self._writer_pool: Pool | None = None
        self._shared_writer = self.engine.dialect.name == "sqlite"
        self._busy_timeout_s = busy_timeout_ms / 1000

    def forget_cached(self) -> None:
        self.cache.clear()

    def bind(self, *, readonly: bool = False) -> Engine:
        return self._read_engine if readonly else self.engine

    def uow(self, *, readonly: bool = False, lean: bool = False) -> UnitOfWork:
        """A unit of work; ``lean`` for hot paths that run prepared statements only
        (no Core connection, no session: a pooled DBAPI connection and its BEGIN)."""
        return UnitOfWork(self, readonly=readonly, lean=lean)

    def close(self) -> None:
        with self._writer_lock:
            writer, self._writer = self._writer, None
            self._writer_cursor = None
            if writer is not None:
                writer.close()
        self.engine.dispose()

    def _take_writer(self) -> PoolProxiedConnection:
        """The shared lean connection (SQLite), held until :meth:`_give_back_writer`."""
        # Waits as long as SQLite would for its write lock, then fails the same way
        # (a lean unit of work opened inside another on one thread fails, not hangs).
        if not self._writer_lock.acquire(timeout=self._busy_timeout_s):
            raise OperationalError(
                "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
            )
        try:
            if self._writer is not None and self._writer_pool is not self.engine.pool:
                # engine.dispose() made a new pool: connections made before it go.
                stale, self._writer = self._writer, None
                stale.invalidate()
            if self._writer is None:
                self._writer = self.engine.raw_connection()
                self._writer_cursor = self._writer.cursor()
                self._writer_pool = self.engine.pool
            return self._writer
        except BaseException:
            self._writer_lock.release()
            raise

    def _give_back_writer(self, *, broken: bool = False) -> None:
        try:
            if broken and self._writer is not None:
                writer, self._writer = self._writer, None
                writer.invalidate()
        finally:
            self._writer_lock.release()

    # Local settings are read often (device id, event id); keep them simple.
    def setting(self, which: Setting[T]) -> T:
        with self.uow(readonly=True) as uow:
            return uow.setting(which)

    @property
    def device_id(self) -> str | None:
        return self.setting(DEVICE_ID) or None

    @property
    def event_id(self) -> str | None:
        return self.setting(EVENT_ID) or None


class UnitOfWork:
    """One database transaction; journal entries go into the same transaction.

    Use as a context manager; call :meth:`commit` to keep the work, anything
    else (an exception, leaving the block) rolls it back. The transaction begins
    on first use; an ORM session is made only when an action asks for one, on
    the same connection and transaction, so the hot paths (a submit, a scan)
    pay for no session at all.
    """

    def __init__(self, store: Store, *, readonly: bool = False, lean: bool = False) -> None:
        self.store = store
        self.readonly = readonly
        self.lean = lean
        self._open = False
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._session: Session | None = None
        self._driver: PoolProxiedConnection | None = None  # lean: the DBAPI connection
        self._shared = False  # lean on SQLite: the store's shared writer connection
        self._cursor: Any = None
        self._device_id: str | None = None
        # This device's journal head, once read in this transaction (read_head) or
        # moved by record(): the transaction holds the write lock, so it stays true.
        self._head: journal.Head | None = None

    def __enter__(self) -> UnitOfWork:
        self._open = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, connection, cursor = self._session, self._connection, self._cursor
        driver, shared = self._driver, self._shared
        self._open = False
        self._head = None
        self._session = self._connection = self._transaction = self._cursor = None
        self._driver, self._shared = None, False
        try:
            if cursor is not None and not shared:  # the shared connection keeps its cursor
                cursor.close()
            if session is not None:
                session.close()
        finally:
            if connection is not None:
                connection.close()  # rolls back whatever was not committed
            if driver is not None and shared:
                self._release_shared(driver)
            elif driver is not None:
                driver.close()  # back to the pool, which rolls back what was not committed
        error = translated(exc) if exc is not None else None
        if error is not None:  # rolled back above: say it as a person can act on it
            raise error from exc

    def _release_shared(self, driver: PoolProxiedConnection) -> None:
        # Roll back what was not committed, as the pool would on check-in.
        broken = False
        try:
            raw = driver.driver_connection
            if raw is None:  # invalidated after a lost connection
                broken = True
            elif raw.in_transaction:
                driver.rollback()
        except BaseException:
            broken = True
            raise
        finally:
            self.store._give_back_writer(broken=broken)

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for Core statements."""
        if self._connection is None:
            if not self._open:
                raise RuntimeError("unit of work used outside its 'with' block")
            if self.lean:
                raise RuntimeError("a lean unit of work runs prepared statements only")
            connection = self.store.bind(readonly=self.readonly).connect()
            try:
                self._transaction = connection.begin()
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    @property
    def session(self) -> Session:
        """An ORM session on this unit of work's transaction (made on first use)."""
        if self._session is None:
            self._session = Session(
                bind=self.connection,
                join_transaction_mode="control_fully",
                expire_on_commit=False,
                autoflush=True,
            )
        return self._session

    def _dbapi(self) -> PoolProxiedConnection:
        """The DBAPI connection this transaction runs on (begun on first use)."""
        if not self.lean:
            return self.connection.connection
        if self._driver is None:
            if not self._open:
                raise RuntimeError("unit of work used outside its 'with' block")
            # No Core connection: the same BEGIN as every other unit of work (see
            # kiosk.storage.engine.begin_transaction) on a DBAPI connection.
            store = self.store
            shared = store._shared_writer
            driver = store._take_writer() if shared else store.engine.raw_connection()
            cursor = store._writer_cursor if shared else None
            try:
                begin_transaction(driver, store.engine.dialect, self.readonly, cursor)
            except BaseException:
                if shared:
                    store._give_back_writer()
                else:
                    driver.close()
                raise
            self._shared = shared
            self._driver = driver
            self._cursor = cursor
        return self._driver

    def run(self, prepared: Prepared, params: Mapping[str, Any]) -> Any:
        """Execute a prepared statement in this transaction; returns the DBAPI cursor.

        Driver errors are raised as SQLAlchemy's (``OperationalError``...), as a
        Core statement would raise them, so callers handle one kind of error.
        """
        sql, args = prepared.bind(self.store.engine.dialect, params)
        return self._on_cursor(sql, args, many=False)

    def run_many(self, prepared: Prepared, rows: Iterable[Mapping[str, Any]]) -> None:
        """Execute a prepared statement once per row (``executemany``), in this transaction."""
        sql, args = prepared.bind_many(self.store.engine.dialect, rows)
        if args:
            self._on_cursor(sql, args, many=True)

    def _on_cursor(self, sql: str, args: Any, *, many: bool) -> Any:
        dbapi = self._dbapi()
        cursor = self._cursor
        try:
            if cursor is None:
                cursor = self._cursor = dbapi.cursor()
            if many:
                cursor.executemany(sql, args)
            else:
                cursor.execute(sql, args)
        except self.store.engine.dialect.loaded_dbapi.Error as exc:
            raise self._driver_error(exc, sql, args, cursor, many) from exc
        return cursor

    def _driver_error(
        self, exc: Any, sql: str, args: Any, cursor: Any, many: bool = False
    ) -> StatementError:
        """A driver error as SQLAlchemy raises it; a lost connection is not reused."""
        dialect = self.store.engine.dialect
        dbapi = self._driver if self.lean else self.connection.connection
        if dbapi is not None and dialect.is_disconnect(exc, dbapi.dbapi_connection, cursor):
            if self._shared:
                self.store._writer = None  # the next lean unit of work opens another
                dbapi.invalidate(exc)
            elif self.lean:
                dbapi.invalidate(exc)
            else:
                self.connection.invalidate(exc)
        error: StatementError = DBAPIError.instance(
            sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect, ismulti=many
        )
        return error

    def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("read-only unit of work cannot commit")
        if self._session is not None:
            self._session.commit()  # flushes, then commits the connection's transaction
        elif self._transaction is not None:
            self._transaction.commit()
        elif self._driver is not None:
            try:
                if self._shared:  # SQLite: the kept cursor's cached COMMIT statement
                    self._cursor.execute("COMMIT")
                else:
                    self._driver.commit()
            except self.store.engine.dialect.loaded_dbapi.Error as exc:
                raise self._driver_error(exc, "COMMIT", (), None) from exc

    # -- helpers used by services -------------------------------------------------
    def settings(self, *which: Setting[Any]) -> Values:
        """Local settings in one query (prepared: it is on every action), typed: see
        :mod:`kiosk.storage.settings`."""
        keys = settings_keys(which)
        cursor = self.run(_read_settings(len(keys)), {f"key{i}": key for i, key in enumerate(keys)})
        return Values({key: value for key, value in cursor.fetchall()})

    def setting(self, which: Setting[T]) -> T:
        return self.settings(which)[which]

    def save(self, which: Setting[T], value: T) -> None:
        """Set a local setting (kept with the rest of this unit of work)."""
        self.store.forget_cached()
        text = which.encode(value)
        row = self.session.get(LocalSetting, which.key)
        if row is None:
            self.session.add(LocalSetting(key=which.key, value=text))
        else:
            row.value = text

    @property
    def device_id(self) -> str:
        if self._device_id is None:
            # A kiosk's device id never changes once set, so it is cached.
            value = self.store.cache.get(DEVICE_ID.key) or self.setting(DEVICE_ID)
            if not value:
                raise LookupError("this kiosk is not set up (no device)")
            self.store.cache[DEVICE_ID.key] = value
            self._device_id = value
        return self._device_id

    def read_head(self, *which: Setting[Any]) -> Values:
        """Read this device's journal head for the next :meth:`record`, and the local
        settings named with it, in one statement (those that are set are returned).

        For write actions whose first read is their settings: one statement fewer
        than :meth:`settings` and then the head. The head stays valid for the
        whole transaction, which holds the write lock (BEGIN IMMEDIATE, FOR UPDATE).
        """
        if self.readonly:
            raise RuntimeError("a read-only unit of work appends nothing")
        head, values = journal.read_head(self, self.device_id, settings_keys(which))
        self._head = head
        return Values(values)

    def record(self, kind: str, record_id: str, payload: dict[str, Any]) -> journal.Head:
        """Append a journal entry for a change made in this unit of work."""
        session = self._session
        if session is not None:
            session.flush()  # pending ORM rows first, so the entry follows what it describes
        device_id = self.device_id
        head, self._head = self._head, None  # not kept if this append fails
        entry = journal.append(self, device_id, kind, record_id, payload, self.store.clock, head)
        self._head = entry
        if session is not None:
            # An ORM copy of this device row loaded in the session is now stale.
            for obj in list(session.identity_map.values()):
                if isinstance(obj, Device) and obj.id == device_id:
                    session.expire(obj, ["journal_seq", "journal_hash"])
        return entry

    def journal_entries(self, device_id: str, after_seq: int = 0) -> list[JournalEntry]:
        return list(
            self.session.scalars(
                select(JournalEntry)
                .where(JournalEntry.device_id == device_id, JournalEntry.seq > after_seq)
                .order_by(JournalEntry.seq)
            )
        )
