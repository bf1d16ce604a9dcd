"""Look-ups shared by services: this kiosk's device and event.

``EventInfo`` and ``ThemeInfo`` live in :mod:`kiosk.domain.event` (the UI needs
them without the storage layer); they are re-exported here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from kiosk.config import assets_dir
from kiosk.domain.errors import NotSetUp
from kiosk.domain.event import EventInfo, ThemeInfo
from kiosk.i18n import N_
from kiosk.storage.models import Event, Theme
from kiosk.storage.store import EVENT_KEY, UnitOfWork


def current_event(uow: UnitOfWork) -> Event:
    event_id = uow.get_setting(EVENT_KEY)
    event = uow.session.get(Event, event_id) if event_id else None
    if event is None:
        raise NotSetUp(
            N_(
                "This kiosk has no event yet. Set it up with an event pack "
                "(kiosk setup) or the demo event (kiosk init --demo)."
            )
        )
    return event


def event_info(uow: UnitOfWork, event_id: str | None = None) -> EventInfo:
    """The current event and its themes, cached per store by event id."""
    event_id = event_id or uow.get_setting(EVENT_KEY)
    cached = uow.store.cache.get(f"event:{event_id}") if event_id else None
    if isinstance(cached, EventInfo):
        return cached
    info = _load_event_info(uow)
    uow.store.cache[f"event:{info.id}"] = info
    return info


def _load_event_info(uow: UnitOfWork) -> EventInfo:
    event = current_event(uow)
    themes = uow.session.scalars(
        select(Theme).where(Theme.event_id == event.id).order_by(Theme.position)
    )
    return EventInfo(
        id=event.id,
        code=event.code,
        name=event.name,
        region=event.region,
        venue=event.venue,
        languages=tuple(event.language_list),
        themes=tuple(
            ThemeInfo(t.code, t.icon, dict(t.names), dict(t.descriptions)) for t in themes
        ),
    )


def default_themes() -> list[dict[str, Any]]:
    """The six default themes with names and descriptions in the four languages."""
    path = assets_dir() / "data" / "default_themes.json"
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


__all__ = ["EventInfo", "ThemeInfo", "current_event", "default_themes", "event_info"]
