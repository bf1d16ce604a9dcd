"""Statements on every action's path, compiled once per dialect, run on the DBAPI cursor.

SQLAlchemy's per-execution work (parameter processing, result objects, events)
costs several times what SQLite itself spends on a one-row insert, and a submit
runs five such statements. The few statements of that path are written as Core
statements (so each dialect renders its own SQL: ``FOR UPDATE`` on PostgreSQL,
its parameter style, its casts) and then executed on the transaction's own
DBAPI cursor. No type processing runs there: parameters are given as the driver
stores them (text for times, see :func:`kiosk.storage.models.utc_text`).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_Form = tuple[str, tuple[str, ...], bool, dict[str, Any]]


class Prepared:
    """A Core statement and its compiled SQL text, per dialect."""

    __slots__ = ("_forms", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, str], _Form] = {}

    def form(self, dialect: Dialect) -> _Form:
        """The SQL text, the parameter names in order, whether they are positional, and
        the values of parameters the statement fixes itself (``OFFSET 0`` on SQLite)."""
        key = (dialect.name, dialect.driver)
        form = self._forms.get(key)
        if form is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            sql = compiled.string
            if "POSTCOMPILE" in sql:  # expanding IN lists etc. need SQLAlchemy at run time
                raise ValueError("a prepared statement needs fixed parameters")
            if dialect.positional:
                names = tuple(compiled.positiontup or ())
            else:
                names = tuple(dict.fromkeys(compiled.bind_names.values()))
            fixed = {
                name: bind.value
                for name, bind in compiled.binds.items()
                if not bind.required and name in names
            }
            form = (sql, names, bool(dialect.positional), fixed)
            self._forms[key] = form
        return form

    def bind(
        self, dialect: Dialect, params: Mapping[str, Any]
    ) -> tuple[str, Sequence[Any] | Mapping[str, Any]]:
        """SQL text and parameters in the driver's own style (a missing one is a KeyError)."""
        sql, names, positional, fixed = self.form(dialect)
        if fixed:
            params = {**fixed, **params}
        if positional:
            return sql, tuple([params[name] for name in names])
        return sql, {name: params[name] for name in names}

    def bind_many(
        self, dialect: Dialect, rows: Iterable[Mapping[str, Any]]
    ) -> tuple[str, list[Any]]:
        """SQL text and one parameter set per row, for ``executemany``."""
        sql, names, positional, fixed = self.form(dialect)
        if fixed:
            rows = [{**fixed, **row} for row in rows]
        if positional and len(names) > 1:
            values = operator.itemgetter(*names)  # one C call a row gives its tuple
            return sql, [values(row) for row in rows]
        if positional:
            return sql, [tuple([row[name] for name in names]) for row in rows]
        return sql, [{name: row[name] for name in names} for row in rows]


class Runner(Protocol):
    """What runs prepared statements: a unit of work."""

    def run(self, prepared: Prepared, params: Mapping[str, Any]) -> Any: ...
