"""Setting up a kiosk: its device identity and (for now) the demo event."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from kiosk.config import assets_dir
from kiosk.domain.errors import KioskError
from kiosk.domain.event import clean_event_names
from kiosk.enrolment import device_id_for
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.services.context import default_theme_rows
from kiosk.storage.canonical import GENESIS_HASH
from kiosk.storage.models import Device, Event, Theme
from kiosk.storage.settings import DEMO, DEVICE_ID, EVENT_ID
from kiosk.storage.store import Store, UnitOfWork
from kiosk.sync import records

DEMO_EVENT_CODE = "DEMO-SOUSS-MASSA"
# Set on a demo kiosk only: there, and only there, the documented demo PIN opens
# the staff area while no PIN was set.
DEMO_EVENT_NAME = "Listening session: digital transition (demo)"
DEMO_EVENT_FILE = "demo_event.json"  # the demo event's name in each language
DEMO_REGION = "Souss-Massa"
DEMO_VENUE = "Agadir"


def demo_event_names() -> dict[str, str]:
    """The demo event's name in the four languages (a data file: Python stays ASCII)."""
    data = json.loads((assets_dir() / "data" / DEMO_EVENT_FILE).read_text(encoding="utf-8"))
    return clean_event_names(data["names"])


def demo_event_hours(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The demo event runs today, 08:00 to 18:00."""
    starts = now.replace(hour=8, minute=0, second=0, microsecond=0)
    return starts, starts + dt.timedelta(hours=10)


@dataclass(frozen=True)
class SetupResult:
    device_id: str
    event_id: str
    event_code: str
    created: bool


def ensure_device(
    uow: UnitOfWork, name: str, role: str = "both", public_key: str | None = None
) -> Device:
    """This kiosk's device row, created (and journaled) on first use.

    With a device key, the id is derived from it (:func:`kiosk.enrolment.device_id_for`),
    so it cannot be chosen; a kiosk that started without one (the plain demo event)
    has a random id and can never be enrolled.
    """
    wanted = device_id_for(bytes.fromhex(public_key)) if public_key else None
    device_id = uow.setting(DEVICE_ID)
    if device_id:
        device = uow.session.get(Device, device_id)
        if device is not None:
            if wanted is not None and device.id != wanted:
                raise KioskError(
                    N_(
                        "This data folder was used without an event pack; set this "
                        "kiosk up from the pack in a new data folder."
                    ),
                    code="device_not_enrolable",
                )
            return device
    now = uow.store.clock.now()
    device = Device(
        id=wanted or new_id(),
        name=name,
        role=role,
        public_key=public_key,
        created_at=now,
        journal_seq=0,
        journal_hash=GENESIS_HASH,
        exported_seq=0,
    )
    uow.session.add(device)
    uow.save(DEVICE_ID, device.id)
    uow.session.flush()
    uow.record(records.DeviceCreated.KIND, device.id, device_payload(device))
    return device


def device_payload(device: Device) -> dict[str, Any]:
    return records.build(
        records.DeviceCreated,
        id=device.id,
        name=device.name,
        role=device.role,
        public_key=device.public_key,
        created_at=device.created_at.isoformat(),
    )


def event_payload(event: Event, themes: list[Theme]) -> dict[str, Any]:
    return {
        "id": event.id,
        "code": event.code,
        "name": event.name,
        "region": event.region,
        "venue": event.venue,
        "languages": event.language_list,
        "starts_at": event.starts_at.isoformat() if event.starts_at else None,
        "ends_at": event.ends_at.isoformat() if event.ends_at else None,
        "themes": [
            {
                "code": t.code,
                "position": t.position,
                "icon": t.icon,
                "names": t.names,
                "descriptions": t.descriptions,
            }
            for t in themes
        ],
    }


def init_demo(store: Store, device_name: str = "demo-kiosk", role: str = "both") -> SetupResult:
    """Create this kiosk's device and the demo event with the six default themes.

    Idempotent: a kiosk already on the demo event is left as it is.
    """
    with store.uow() as uow:
        device = ensure_device(uow, device_name, role)
        existing = uow.setting(EVENT_ID)
        if existing:
            event = uow.session.get(Event, existing)
            if event is not None:
                uow.commit()
                return SetupResult(device.id, event.id, event.code, created=False)
        now = store.clock.now()
        starts, ends = demo_event_hours(now)
        event = Event(
            id=new_id(),
            code=DEMO_EVENT_CODE,
            name=DEMO_EVENT_NAME,
            names=demo_event_names(),
            region=DEMO_REGION,
            venue=DEMO_VENUE,
            starts_at=starts,
            ends_at=ends,
            languages="ar,fr,zgh,en",
            created_at=now,
        )
        uow.session.add(event)
        themes = default_theme_rows(event.id)
        uow.session.add_all(themes)
        uow.save(EVENT_ID, event.id)
        uow.save(DEMO, True)
        uow.session.flush()
        records.journal(uow, records.EventSetUp, event.id, **event_payload(event, themes))
        uow.commit()
        return SetupResult(device.id, event.id, event.code, created=True)
