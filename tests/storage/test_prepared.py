"""Prepared statements: the SQL each dialect renders, parameters in the driver's style,
and driver errors raised as SQLAlchemy's inside a unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.exc import IntegrityError

from kiosk.storage.models import JournalEntry, LocalSetting
from kiosk.storage.prepared import Prepared
from kiosk.storage.settings import Setting

READ = Prepared(
    select(JournalEntry.seq)
    .where(JournalEntry.device_id == bindparam("device_id"))
    .order_by(JournalEntry.seq)
    .limit(bindparam("limit"))
)
INSERT = Prepared(insert(LocalSetting))


def raw(key: str) -> Setting[str | None]:
    """A setting of no kiosk's (the tests write their own rows), None when unset."""
    return Setting(key, None, lambda text: text, lambda value: value or "")


def test_positional_and_named_styles() -> None:
    sql, params = INSERT.bind(sqlite.dialect(), {"value": "v", "key": "k", "extra": 1})
    assert sql.startswith("INSERT INTO local_setting") and "?" in sql
    assert params == ("k", "v")
    sql, params = INSERT.bind(psycopg.dialect(), {"value": "v", "key": "k", "extra": 1})
    assert "%(key)s" in sql and params == {"key": "k", "value": "v"}
    sql, rows = INSERT.bind_many(
        sqlite.dialect(), [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    )
    assert rows == [("a", "1"), ("b", "2")]
    with pytest.raises(KeyError):
        INSERT.bind(sqlite.dialect(), {"key": "k"})


def test_parameters_the_statement_fixes_itself() -> None:
    # SQLite renders LIMIT ? OFFSET ? with the offset as a parameter of its own.
    sql, params = READ.bind(sqlite.dialect(), {"device_id": "d", "limit": 5})
    assert "OFFSET" in sql and params == ("d", 5, 0)
    sql, params = READ.bind(psycopg.dialect(), {"device_id": "d", "limit": 5})
    assert params == {"device_id": "d", "limit": 5}


def test_expanding_parameters_are_refused() -> None:
    keys = Prepared(
        select(LocalSetting.value).where(LocalSetting.key.in_(bindparam("k", expanding=True)))
    )
    with pytest.raises(ValueError):
        keys.form(sqlite.dialect())


def test_driver_errors_are_sqlalchemy_errors_and_roll_back(demo_store) -> None:
    with demo_store.uow() as uow:
        uow.run(INSERT, {"key": "probe", "value": "1"})
        with pytest.raises(IntegrityError):
            uow.run(INSERT, {"key": "probe", "value": "2"})
    # Leaving without commit rolled the first insert back too.
    assert demo_store.setting(raw("probe")) is None
    with demo_store.uow() as uow:
        uow.run_many(INSERT, [{"key": "p1", "value": "1"}, {"key": "p2", "value": "2"}])
        uow.commit()
    assert demo_store.setting(raw("p2")) == "2"


def test_lean_unit_of_work(demo_store) -> None:
    # Prepared statements only, on a pooled DBAPI connection with its own BEGIN.
    with demo_store.uow(lean=True) as uow:
        with pytest.raises(RuntimeError):
            uow.session  # noqa: B018
        uow.run(INSERT, {"key": "lean", "value": "kept"})
        uow.commit()
    assert demo_store.setting(raw("lean")) == "kept"
    with pytest.raises(ZeroDivisionError), demo_store.uow(lean=True) as uow:
        uow.run(INSERT, {"key": "lean2", "value": "dropped"})
        raise ZeroDivisionError
    assert demo_store.setting(raw("lean2")) is None
    # The pooled connection went back with no transaction left open.
    with demo_store.uow() as uow:
        uow.save(raw("after"), "ok")
        uow.commit()
    assert demo_store.setting(raw("after")) == "ok"


def test_lean_unit_of_work_inside_another_fails_instead_of_hanging(settings) -> None:
    from kiosk.domain.errors import StorageError
    from kiosk.services.setup import init_demo
    from kiosk.storage import Store

    store = Store(settings.db_url, busy_timeout_ms=200)
    init_demo(store)
    with store.uow(lean=True) as outer:
        outer.run(INSERT, {"key": "outer", "value": "1"})
        # Said by the unit of work as a person can act on it ("database is locked").
        with pytest.raises(StorageError, match="locked"), store.uow(lean=True) as inner:
            inner.run(INSERT, {"key": "inner", "value": "1"})
        outer.commit()
    assert store.setting(raw("outer")) == "1" and store.setting(raw("inner")) is None
    store.close()
