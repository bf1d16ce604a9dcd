"""The store (engine + this device) and the unit of work (one per user action)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session

from kiosk.clock import SYSTEM_CLOCK, Clock
from kiosk.storage import journal
from kiosk.storage.engine import BEGIN_OPTION, make_engine
from kiosk.storage.migrate import upgrade
from kiosk.storage.models import JournalEntry, LocalSetting

log = logging.getLogger(__name__)

_READ_SETTINGS = select(LocalSetting.key, LocalSetting.value).where(
    LocalSetting.key.in_(bindparam("keys", expanding=True))
)

DEVICE_KEY = "device_id"
EVENT_KEY = "event_id"


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
        self.engine: Engine = make_engine(url, busy_timeout_ms=busy_timeout_ms, **engine_kwargs)
        self.last_backup: Path | None = None
        if migrate:
            self.last_backup = upgrade(self.engine, backups_dir=backups_dir)

        # Read-mostly configuration cached per store (the event's themes); keyed
        # by event id, which every action still reads inside its transaction.
        self.cache: dict[str, Any] = {}

    def forget_cached(self) -> None:
        self.cache.clear()

    def uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self, readonly=readonly)

    def close(self) -> None:
        self.engine.dispose()

    # Local settings are read often (device id, event id); keep them simple.
    def get_setting(self, key: str) -> str | None:
        with self.uow(readonly=True) as uow:
            return uow.get_setting(key)

    @property
    def device_id(self) -> str | None:
        return self.get_setting(DEVICE_KEY)

    @property
    def event_id(self) -> str | None:
        return self.get_setting(EVENT_KEY)


class UnitOfWork:
    """One database transaction; journal entries go into the same transaction.

    Use as a context manager; call :meth:`commit` to keep the work, anything
    else (an exception, leaving the block) rolls it back.
    """

    def __init__(self, store: Store, *, readonly: bool = False) -> None:
        self.store = store
        self.readonly = readonly
        self._session: Session | None = None
        self._device_id: str | None = None
        self._connection: Connection | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        bind: Any = self.store.engine
        if self.readonly and bind.dialect.name == "sqlite":
            bind = bind.execution_options(**{BEGIN_OPTION: "DEFERRED"})
        self._session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()
        finally:
            session.close()
            self._session = None
            self._connection = None

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for Core statements on hot paths."""
        if self._connection is None:
            self._connection = self.session.connection()
        return self._connection

    def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("read-only unit of work cannot commit")
        self.session.commit()

    # -- helpers used by services -------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        return self.get_settings(key).get(key)

    def get_settings(self, *keys: str) -> dict[str, str]:
        """Several local settings in one query (a Core statement: it is on every action)."""
        rows = self.connection.execute(_READ_SETTINGS, {"keys": list(keys)})
        return {key: value for key, value in rows}

    def set_setting(self, key: str, value: str) -> None:
        self.store.forget_cached()
        row = self.session.get(LocalSetting, key)
        if row is None:
            self.session.add(LocalSetting(key=key, value=value))
        else:
            row.value = value

    @property
    def device_id(self) -> str:
        if self._device_id is None:
            # A kiosk's device id never changes once set, so it is cached.
            value = self.store.cache.get(DEVICE_KEY) or self.get_setting(DEVICE_KEY)
            if value is None:
                raise LookupError("this kiosk is not set up (no device)")
            self.store.cache[DEVICE_KEY] = value
            self._device_id = value
        return self._device_id

    def record(self, kind: str, record_id: str, payload: dict[str, Any]) -> journal.AppendedEntry:
        """Append a journal entry for a change made in this unit of work."""
        return journal.append(
            self.session, self.device_id, kind, record_id, payload, self.store.clock
        )

    def journal_entries(self, device_id: str, after_seq: int = 0) -> list[JournalEntry]:
        return list(
            self.session.scalars(
                select(JournalEntry)
                .where(JournalEntry.device_id == device_id, JournalEntry.seq > after_seq)
                .order_by(JournalEntry.seq)
            )
        )
