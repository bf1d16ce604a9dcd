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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class _Form(NamedTuple):
    sql: str
    names: tuple[str, ...]  # parameter names, in order for a positional style
    positional: bool
    fixed: dict[str, Any]  # values the statement fixes itself (``OFFSET 0`` on SQLite)
    values: Callable[[Mapping[str, Any]], Any]  # a row's parameters in the driver's style


def _values_getter(names: tuple[str, ...], positional: bool) -> Callable[[Mapping[str, Any]], Any]:
    if not positional:
        return lambda row: {name: row[name] for name in names}
    if len(names) == 1:
        (name,) = names
        return lambda row: (row[name],)
    if not names:
        return lambda row: ()
    return operator.itemgetter(*names)  # one C call gives the row's tuple


class Prepared:
    """A Core statement and its compiled SQL text, per dialect."""

    __slots__ = ("_forms", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, str], _Form] = {}

    def form(self, dialect: Dialect) -> _Form:
        """The statement as compiled for ``dialect`` (compiled once, then reused)."""
        key = (dialect.name, dialect.driver)
        form = self._forms.get(key)
        if form is None:
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            sql = compiled.string
            if "POSTCOMPILE" in sql:  # expanding IN lists etc. need SQLAlchemy at run time
                raise ValueError("a prepared statement needs fixed parameters")
            positional = bool(dialect.positional)
            if positional:
                names = tuple(compiled.positiontup or ())
            else:
                names = tuple(dict.fromkeys(compiled.bind_names.values()))
            fixed = {
                name: bind.value
                for name, bind in compiled.binds.items()
                if not bind.required and name in names
            }
            form = _Form(sql, names, positional, fixed, _values_getter(names, positional))
            self._forms[key] = form
        return form

    def bind(
        self, dialect: Dialect, params: Mapping[str, Any]
    ) -> tuple[str, Sequence[Any] | Mapping[str, Any]]:
        """SQL text and parameters in the driver's own style (a missing one is a KeyError)."""
        form = self.form(dialect)
        if form.fixed:
            params = {**form.fixed, **params}
        return form.sql, form.values(params)

    def bind_many(
        self, dialect: Dialect, rows: Iterable[Mapping[str, Any]]
    ) -> tuple[str, list[Any]]:
        """SQL text and one parameter set per row, for ``executemany``."""
        form = self.form(dialect)
        if form.fixed:
            rows = [{**form.fixed, **row} for row in rows]
        return form.sql, list(map(form.values, rows))


class Runner(Protocol):
    """What runs prepared statements: a unit of work."""

    def run(self, prepared: Prepared, params: Mapping[str, Any]) -> Any: ...
