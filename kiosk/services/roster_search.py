"""Finding a person on this kiosk's roster by name (any script, spelling forgiven)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, case, func, literal, literal_column, select, text

from kiosk.domain.door import AttendeeInfo
from kiosk.domain.search import rank, search_key
from kiosk.services.checkin import ACCEPTED
from kiosk.storage.models import (
    Attendee,
    CheckIn,
)
from kiosk.storage.settings import EVENT_ID
from kiosk.storage.store import Store


@dataclass(frozen=True)
class SearchHit:
    attendee: AttendeeInfo
    checked_in: bool


def _search_statement(fts: bool) -> Any:
    """Built once; only parameters change per query, so SQLAlchemy's compiled cache hits."""
    padded = literal(" ") + Attendee.search_key + literal(" ")
    tier = case((padded.like(bindparam("whole")), 0), (padded.like(bindparam("start")), 1), else_=2)
    if fts:
        # A phrase query on the trigram index is a substring match, and much faster
        # than LIKE for names many attendees share. The unary "+" keeps SQLite from
        # scanning the event's index instead of the matches.
        where: tuple[Any, ...] = (
            text("+attendee.event_id = :event"),
            literal_column("attendee.rowid").in_(
                text("SELECT rowid FROM attendee_search WHERE attendee_search MATCH :phrase")
            ),
        )
    else:
        where = (
            Attendee.event_id == bindparam("event"),
            Attendee.search_key.like(bindparam("pattern"), escape="\\"),
        )
    top = (
        select(Attendee.id)
        .where(*where)
        .order_by(tier, func.length(Attendee.search_key), Attendee.name)
        .limit(bindparam("limit"))
    )
    checked = (
        select(CheckIn.id)
        .where(
            CheckIn.attendee_id == Attendee.id,
            CheckIn.outcome == ACCEPTED,
            CheckIn.undone_at.is_(None),
        )
        .exists()
    )
    return select(
        Attendee.id,
        Attendee.name,
        Attendee.name_latin,
        Attendee.organisation,
        Attendee.category,
        Attendee.kind,
        Attendee.search_key,
        checked.label("checked_in"),
    ).where(Attendee.id.in_(top))


_SEARCH = {True: _search_statement(True), False: _search_statement(False)}


def search_attendees(store: Store, query: str, limit: int = 20) -> list[SearchHit]:
    """Substring search over names (see :mod:`kiosk.domain.search`), best first:
    whole word, then start of a word, then anywhere; shorter names first.

    On SQLite, queries of three characters or more use the trigram index; the
    ranking runs in the database so that common names stay fast.
    """
    key = search_key(query).replace("%", "").replace("_", "")
    if not key:
        return []
    with store.uow(readonly=True) as uow:
        event_id = uow.setting(EVENT_ID)
        fts = uow.connection.dialect.name == "sqlite" and len(key) >= 3
        params = {
            "event": event_id,
            "whole": f"% {key} %",
            "start": f"% {key}%",
            "limit": limit,
            "phrase": '"' + key.replace('"', '""') + '"',
            "pattern": f"%{key}%",
        }
        rows = uow.connection.execute(_SEARCH[fts], params).all()
        rows = sorted(rows, key=lambda r: (rank(key, r.search_key), r.name))
        return [
            SearchHit(
                AttendeeInfo(r.id, r.name, r.name_latin, r.organisation, r.category, r.kind),
                bool(r.checked_in),
            )
            for r in rows
        ]
