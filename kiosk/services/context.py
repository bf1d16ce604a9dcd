"""Look-ups shared by services: this kiosk's device and event.

``EventInfo`` and ``ThemeInfo`` live in :mod:`kiosk.domain.event` (the UI needs
them without the storage layer); they are re-exported here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select

from kiosk.config import assets_dir
from kiosk.domain.errors import NotSetUp
from kiosk.domain.event import EventInfo, ThemeInfo
from kiosk.i18n import N_
from kiosk.storage.models import Event, Theme
from kiosk.storage.prepared import Prepared
from kiosk.storage.settings import EVENT_ID
from kiosk.storage.store import UnitOfWork

NO_EVENT = N_(
    "This kiosk has no event yet. Set it up with an event pack "
    "(kiosk setup) or the demo event (kiosk init --demo)."
)


def current_event(uow: UnitOfWork) -> Event:
    event_id = uow.setting(EVENT_ID)
    event = uow.session.get(Event, event_id) if event_id else None
    if event is None:
        raise NotSetUp(NO_EVENT)
    return event


def event_info(uow: UnitOfWork, event_id: str | None = None) -> EventInfo:
    """The current event and its themes, cached per store by event id."""
    event_id = event_id or uow.setting(EVENT_ID)
    cached = uow.store.cache.get(f"event:{event_id}") if event_id else None
    if isinstance(cached, EventInfo):
        return cached
    info = _load_event_info(uow, event_id)
    uow.store.cache[f"event:{info.id}"] = info
    return info


# Prepared, so that event_info also works in a lean unit of work (a submit).
_READ_EVENT = Prepared(
    select(
        Event.id,
        Event.code,
        Event.name,
        Event.region,
        Event.venue,
        Event.languages,
        Event.names,
        Event.followup_url,
    ).where(Event.id == bindparam("event_id"))
)
_READ_THEMES = Prepared(
    select(Theme.code, Theme.icon, Theme.names, Theme.descriptions)
    .where(Theme.event_id == bindparam("event_id"))
    .order_by(Theme.position)
)


def _json_value(value: Any) -> dict[str, str]:
    # A JSON column as the driver returns it: text on SQLite, parsed on PostgreSQL.
    parsed = json.loads(value) if isinstance(value, str | bytes) else value
    return dict(parsed or {})


def _load_event_info(uow: UnitOfWork, event_id: str | None) -> EventInfo:
    row = uow.run(_READ_EVENT, {"event_id": event_id}).fetchone() if event_id else None
    if row is None:
        raise NotSetUp(NO_EVENT)
    themes = uow.run(_READ_THEMES, {"event_id": row[0]}).fetchall()
    return EventInfo(
        id=row[0],
        code=row[1],
        name=row[2],
        region=row[3],
        venue=row[4],
        languages=tuple(code for code in row[5].split(",") if code),
        themes=tuple(
            ThemeInfo(code, icon, _json_value(names), _json_value(descriptions))
            for code, icon, names, descriptions in themes
        ),
        names=_json_value(row[6]),
        followup_url=row[7] or "",
    )


def default_themes() -> list[dict[str, Any]]:
    """The six default themes with names and descriptions in the four languages."""
    path = assets_dir() / "data" / "default_themes.json"
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def default_theme_rows(event_id: str) -> list[Theme]:
    """The six default themes as the rows of a new event ``event_id``."""
    return [
        Theme(
            event_id=event_id,
            code=t["code"],
            position=i,
            icon=t["icon"],
            names=t["names"],
            descriptions=t["descriptions"],
        )
        for i, t in enumerate(default_themes())
    ]


__all__ = [
    "EventInfo",
    "ThemeInfo",
    "current_event",
    "default_theme_rows",
    "default_themes",
    "event_info",
]
