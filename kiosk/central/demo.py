"""The demo door: an organiser folder inside the kiosk's data folder, so that
``kiosk run --demo`` can check people in with real signed badges, register
walk-ins and hand its bundles to a real central import, with no set-up at all.

Only for demonstrations: a real kiosk never holds the organiser's keys.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from kiosk.central.devices import approve
from kiosk.central.keys import create_keys
from kiosk.central.organiser import BuiltPack, build_pack, create_event, import_roster
from kiosk.central.store import open_central
from kiosk.config import assets_dir
from kiosk.i18n import LANGUAGES
from kiosk.services.setup import (
    DEMO_EVENT_CODE,
    DEMO_EVENT_NAME,
    DEMO_REGION,
    DEMO_VENUE,
    demo_event_hours,
    demo_event_names,
)
from kiosk.storage import Store
from kiosk.storage.models import Event
from kiosk.storage.settings import DEMO

DEMO_ROSTER = "demo_roster.csv"


def ensure_demo_event(
    store: Store, folder: Path, today: dt.datetime, roster: Path | None = None
) -> None:
    """The demo event (today's hours) with its roster, made once in the central store."""
    with store.uow(readonly=True) as uow:
        exists = uow.session.scalar(select(Event.id).where(Event.code == DEMO_EVENT_CODE))
    if exists is not None:
        return
    starts, ends = demo_event_hours(today)
    create_event(
        store,
        code=DEMO_EVENT_CODE,
        name=DEMO_EVENT_NAME,
        names=demo_event_names(),
        region=DEMO_REGION,
        venue=DEMO_VENUE,
        starts=starts,
        ends=ends,
        languages=list(LANGUAGES),
    )
    data = (roster or assets_dir() / "data" / DEMO_ROSTER).read_bytes()
    import_roster(store, DEMO_EVENT_CODE, data, folder)


def demo_pack(folder: Path, today: dt.datetime) -> BuiltPack:
    """Create (once) the demo organiser, event and roster in ``folder``; return a pack."""
    folder.mkdir(parents=True, exist_ok=True)
    create_keys(folder)
    store = open_central(f"sqlite:///{folder / 'central.db'}", backups_dir=folder / "backups")
    try:
        ensure_demo_event(store, folder, today)
        return build_pack(store, DEMO_EVENT_CODE, folder)
    finally:
        store.close()


def set_up_demo_kiosk(
    store: Store, data_dir: Path, keys_dir: Path, name: str = "demo-kiosk"
) -> None:
    """The whole chain on one machine: the demo organiser's pack, opened with its
    passphrase, and this kiosk's enrolment approved by that organiser at once."""
    from kiosk.services.enrol import enrolment_request, install_certificate
    from kiosk.services.pack_setup import setup_from_pack

    folder = data_dir / "demo-organiser"
    pack = demo_pack(folder, store.clock.now())
    setup_from_pack(
        store, pack.data, name=name, role="both", keys_dir=keys_dir, passphrase=pack.passphrase
    )
    central = open_central(f"sqlite:///{folder / 'central.db'}", backups_dir=folder / "backups")
    try:
        approval = approve(
            central, folder, DEMO_EVENT_CODE, request_data=enrolment_request(store, keys_dir)
        )
    finally:
        central.close()
    install_certificate(store, approval.certificate)
    with store.uow() as uow:
        uow.save(DEMO, True)
        uow.commit()


def console_demo(folder: Path, store: Store, roster: Path | None = None) -> tuple[str, str]:
    """The console's demonstration: keys, the demo event with its roster, and a first
    admin (made once, with a random password). Returns (user name, password); the
    password is "" when the admin existed already."""
    import secrets

    from kiosk.central.accounts import add_user, list_users

    create_keys(folder)
    ensure_demo_event(store, folder, store.clock.now(), roster)
    if any(u.username == "admin" for u in list_users(store)):
        return "admin", ""
    password = secrets.token_urlsafe(12)
    add_user(store, "admin", password, display_name="Admin", role="admin")
    return "admin", password
