"""Composition root: config -> i18n -> storage -> services -> UI."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from typing import Any

from kiosk.i18n import is_rtl, set_language


def build_window(
    store: Any,
    settings: Any,
    runner: Any = None,
    default_language: str = "ar",
    on_staff: Any = None,
    window: Any = None,
) -> Any:
    """The attendee window wired to the real services (used by run() and tests)."""
    from kiosk.domain.flow import Timeouts
    from kiosk.services.checkin import identify_badge
    from kiosk.services.context import event_info
    from kiosk.services.proposals import submit_proposal
    from kiosk.services.staff import check_pin, load_staff_settings
    from kiosk.ui.background import run_in_background
    from kiosk.ui.window import KioskWindow, Services

    with store.uow(readonly=True) as uow:
        event = event_info(uow)
    services = Services(
        submit=lambda draft: submit_proposal(store, draft, settings.limits),
        check_in_badge=lambda text: identify_badge(store, text),
        check_pin=lambda pin: check_pin(store, pin),
        load_settings=lambda: load_staff_settings(store, settings.idle_timeout_s),
    )
    timeouts = Timeouts(
        idle_s=load_staff_settings(store, settings.idle_timeout_s).idle_timeout_s,
        countdown_s=settings.idle_countdown_s,
        receipt_s=settings.receipt_timeout_s,
    )
    if window is not None:  # the welcome screen painted before the store was open
        window.on_staff = on_staff
        window.attach(event, services, timeouts)
        return window
    return KioskWindow(
        event, services, runner or run_in_background, timeouts, default_language, on_staff
    )


def door_services(store: Any, settings: Any, sound: Any = None) -> Any:
    """The check-in screen's services, wired to the real store."""
    from kiosk.services.checkin import check_in, check_in_attendee, undo_check_in
    from kiosk.services.door import door_counters, walk_in_badge
    from kiosk.services.staff import find_people
    from kiosk.services.walk_in import register_walk_in
    from kiosk.ui.checkin_screen import DoorServices
    from kiosk.ui.printing import print_badge, save_badge_pdf

    return DoorServices(
        check_in=lambda text, method: check_in(store, text, method=method),
        check_in_attendee=lambda attendee_id: check_in_attendee(store, attendee_id),
        undo=lambda checkin_id: undo_check_in(store, checkin_id),
        search=lambda query: find_people(store, query),
        counters=lambda: door_counters(store),
        register_walk_in=lambda **fields: register_walk_in(store, **fields),
        badge=lambda attendee_id: walk_in_badge(store, attendee_id),
        save_badge_pdf=lambda card: save_badge_pdf(card, settings.data_dir / "badges"),
        print_badge=print_badge,
        sound=sound,
    )


def staff_services(store: Any, settings: Any, sound: Any = None) -> Any:
    """Everything the staff area does, as plain callables over the real store."""
    from kiosk.services.context import event_info
    from kiosk.services.dashboard import dashboard_figures
    from kiosk.services.removable import removable_folders
    from kiosk.services.staff import (
        change_pin,
        check_pin,
        load_staff_settings,
        save_staff_settings,
    )
    from kiosk.services.status import kiosk_status, station_notices, verify_journal
    from kiosk.services.sync import export_bundle
    from kiosk.ui.printing import draw_event_report, read_event_report
    from kiosk.ui.staff import StaffServices

    with store.uow(readonly=True) as uow:
        event = event_info(uow)
    theme_names = {t.code: dict(t.names) for t in event.themes}
    return StaffServices(
        door=door_services(store, settings, sound),
        dashboard=lambda: dashboard_figures(store),
        status=lambda: kiosk_status(store),
        notices=lambda: station_notices(store, settings.damaged_dir),
        destinations=lambda: [*removable_folders(), settings.data_dir / "exports"],
        export_to=lambda folder: export_bundle(store, settings.keys_dir, folder),
        export_all=lambda folder: export_bundle(store, settings.keys_dir, folder, everything=True),
        sync_now=lambda progress: sync_to_central(store, settings, progress),
        read_report=lambda training: read_event_report(store, training),
        draw_report=draw_event_report,
        verify_journal=lambda: verify_journal(store),
        load_settings=lambda: load_staff_settings(store, settings.idle_timeout_s),
        save_settings=lambda new: save_staff_settings(store, new),
        change_pin=lambda current, new, repeat: change_staff_pin(
            store, settings, change_pin, current, new, repeat
        ),
        check_pin=lambda pin: check_pin(store, pin),
        theme_names=theme_names,
    )


def change_staff_pin(
    store: Any, settings: Any, change_pin: Any, current: str, new: str, repeat: str
) -> None:
    """Change the staff PIN, and rewrap the data's key under the new one (the key, and
    so every backup, stays the same; the organiser's sealed copy is kept)."""
    from kiosk.storage import atrest

    change_pin(store, current, new, repeat)
    key = atrest.key_for(settings.data_dir)
    if key is not None:
        atrest.rewrap(atrest.key_path(settings.keys_dir), key, new)


def sync_to_central(store: Any, settings: Any, progress: Any) -> Any:
    """Upload to the central address of this kiosk's settings (set in the staff area)."""
    from kiosk.domain.errors import KioskError
    from kiosk.i18n import N_
    from kiosk.services.staff import load_staff_settings
    from kiosk.services.upload import sync

    url = load_staff_settings(store, settings.idle_timeout_s).central_url
    if not url:
        raise KioskError(
            N_("Set the central platform address in Settings first."), code="no_central_url"
        )
    return sync(store, settings.keys_dir, url, progress=progress)


def build_staff_window(
    store: Any,
    settings: Any,
    runner: Any = None,
    language: str = "ar",
    locked: bool = False,
    on_attendee_kiosk: Any = None,
    on_quit: Any = None,
    sound: Any = None,
) -> Any:
    from kiosk.ui.background import run_in_background
    from kiosk.ui.staff import StaffWindow

    return StaffWindow(
        staff_services(store, settings, sound),
        runner or run_in_background,
        language=language,
        locked=locked,
        on_attendee_kiosk=on_attendee_kiosk,
        on_quit=on_quit,
    )


def setup_demo_door(store: Any, settings: Any) -> Any:
    """The demo event with a signed roster of 48 people (badges printable from
    ``demo-badges.pdf`` in the data folder), walk-ins, the demo PIN 1234.

    Returns where the badge sheet goes, or None if only the plain demo event
    could be set up (a build without the organiser's side).
    """
    from kiosk.services.setup import init_demo

    try:
        from kiosk.central.demo import set_up_demo_kiosk
    except ImportError:
        init_demo(store)
        return None
    set_up_demo_kiosk(store, settings.data_dir, settings.keys_dir)
    return settings.data_dir / "demo-badges.pdf"


def ensure_app(rtl: bool = False) -> Any:
    """The application; ``rtl`` starts it mirrored (Qt's ``-reverse`` option), so a
    right-to-left welcome screen is painted without touching Qt's enums."""
    from kiosk.ui.qt import QApplication

    if not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ) and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication.instance() or QApplication(sys.argv[:1] + (["-reverse"] if rtl else []))


def database_problem(problem: Any, args: argparse.Namespace, restorable: bool = True) -> bool:
    """Say a damaged or missing database on the screen; True once a backup is back.

    Not ``restorable`` (a full or read-only disk, a locked or damaged key file): no
    backup is offered, since the database itself is whole; staff fix the cause and
    start again."""
    from kiosk.config import load_settings
    from kiosk.services.staff import pin_matches_backup
    from kiosk.storage.health import backups, restore
    from kiosk.ui.problem import ProblemWindow
    from kiosk.ui.style import apply_style, load_fonts

    set_language(getattr(args, "ui_language", "ar"))
    settings = load_settings(args.data_dir)
    latest = next(iter(backups(settings.backups_dir)), None) if restorable else None
    app = ensure_app()
    load_fonts()
    apply_style(app)

    def put_back() -> None:  # the damaged file was moved aside already: nothing is lost
        assert latest is not None
        restore(settings.db_path, latest, settings.damaged_dir)

    window = ProblemWindow(
        problem,
        latest,
        lambda pin: latest is not None and pin_matches_backup(latest, pin),
        put_back,
        on_done=lambda: app.exit(0),
        restorable=restorable,
    )
    present(window, getattr(args, "windowed", False))
    from kiosk.ui.devtools import DevHooks

    DevHooks.from_environ().on_screen(app, window)
    app.exec()
    return bool(window.restored)


def set_role(store: Any, role: str) -> None:
    from kiosk.services.staff import load_staff_settings, save_staff_settings

    current = load_staff_settings(store)
    if current.role != role:
        save_staff_settings(store, dataclasses.replace(current, role=role))


def make_sound() -> Any:
    """Plays the check-in sounds where audio exists; silent (never failing) otherwise."""
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return None
    from kiosk.ui.sound import Sounds

    return Sounds()


def peek_role(db_path: Any) -> str | None:
    """This kiosk's role read with the standard library only (no SQLAlchemy yet):
    it decides, before anything heavy is imported, whether the welcome screen
    can be painted first. None when there is no readable database."""
    import sqlite3

    if not db_path.exists() or (db_path.parent / "keys" / "database-key.json").exists():
        return None  # encrypted: nothing is read before the key is unlocked
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            row = con.execute(
                "SELECT d.role FROM device d JOIN local_setting s"
                " ON s.key = 'device_id' AND s.value = d.id"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def run(args: argparse.Namespace) -> int:
    """``kiosk run``: paint, open (or recover) the store, prepare it, start the station."""
    from kiosk.config import load_settings
    from kiosk.ui.devtools import DevHooks

    settings = load_settings(args.data_dir)  # the log file is set up with the store
    language = getattr(args, "ui_language", "ar")
    set_language(language)
    app = start_qt(language)
    hooks = DevHooks.from_environ()
    early = paint_welcome_early(app, settings, args, language, hooks)
    if hooks.painted:
        return 0
    if needs_pin(settings, args):
        close_early(early)
        early = None
        if not unlock_on_screen(app, settings, getattr(args, "windowed", False)):
            return 3
    store = None
    try:
        opened = open_or_recover(args, early)
        if opened is None:
            return 3
        settings, store = opened.settings, opened.store
        if opened.recovered:
            early = None
        prepare_store(store, settings, args)
    except start_problems() as exc:  # evaluated only when something was raised
        # A full or read-only disk, a key file that cannot be used, a wrong $KIOSK_PIN:
        # said on the screen (a kiosk has no terminal), the database left as it is.
        from kiosk.domain.errors import KioskError, os_error

        problem = exc if isinstance(exc, KioskError) else os_error(exc)  # type: ignore[arg-type]
        print(problem.message(), file=sys.stderr, flush=True)
        if store is not None:
            store.close()
        close_early(early)
        database_problem(problem, args, restorable=False)
        return 3
    window = start_station(app, store, settings, language, early, args)
    hooks.watch_first_paint(app, getattr(window, "welcome", window))
    hooks.ready()
    hooks.on_screen(app, window)
    code = app.exec()
    store.close()
    return int(code)


def start_problems() -> tuple[type[BaseException], ...]:
    from kiosk.domain.errors import StorageError, StorageFull
    from kiosk.storage.atrest import KeyFileError, WrongPin
    from kiosk.storage.health import DatabaseUnreadable

    return (StorageFull, StorageError, DatabaseUnreadable, KeyFileError, WrongPin, OSError)


def close_early(early: Any) -> None:
    if early is not None:
        early.unlocked = True
        early.close()


def given_pin(args: argparse.Namespace) -> str | None:
    from kiosk.bootstrap import ENV_PIN

    return getattr(args, "pin", None) or os.environ.get(ENV_PIN) or None


def unlocks_unattended(settings: Any, args: argparse.Namespace) -> bool:
    """An encrypted kiosk that opens without the PIN pad: a demo's (the demo PIN) or
    one given its PIN. Read with the standard library only (before heavy imports)."""
    import json

    try:
        doc = json.loads((settings.keys_dir / "database-key.json").read_text(encoding="ascii"))
    except (OSError, ValueError):
        return False
    if not isinstance(doc, dict) or not settings.db_path.exists():
        return False
    return doc.get("wrapped_by") == "demo" or given_pin(args) is not None


def needs_pin(settings: Any, args: argparse.Namespace) -> bool:
    """True when the data is locked under the staff PIN and none was given."""
    from kiosk.storage import atrest

    if given_pin(args):
        return False
    kind = atrest.wrapped_by(atrest.key_path(settings.keys_dir))
    return kind == atrest.WRAPPED_BY_STAFF and atrest.key_for(settings.data_dir) is None


def unlock_on_screen(app: Any, settings: Any, windowed: bool) -> bool:
    """The staff PIN typed on the screen's pad unlocks the data (kiosk.storage.atrest);
    False when staff quit instead."""
    from kiosk.storage import atrest
    from kiosk.ui.background import run_in_background
    from kiosk.ui.devtools import DevHooks
    from kiosk.ui.problem import UnlockWindow

    path = atrest.key_path(settings.keys_dir)

    def unlock(pin: str) -> bool:
        try:
            key = atrest.unlock(path, pin)
        except atrest.WrongPin:
            return False
        atrest.register(settings.data_dir, key)
        return True

    window = UnlockWindow(unlock, run_in_background, on_done=lambda: app.exit(0))
    present(window, windowed)
    DevHooks.from_environ().on_screen(app, window)
    app.exec()
    window.may_close = True
    window.close()
    return window.pin is not None


def start_qt(language: str) -> Any:
    """The application, mirrored for a right-to-left language, fonts and style loaded."""
    from kiosk.ui.style import apply_style, load_fonts

    app = ensure_app(rtl=is_rtl(language))
    load_fonts()
    apply_style(app)
    return app


def paint_welcome_early(
    app: Any, settings: Any, args: argparse.Namespace, language: str, hooks: Any
) -> Any:
    """An attendee kiosk paints its welcome screen before the store is opened (the
    storage layer takes longer to import than Qt); taps wait in the event queue.
    Returns that window, or None when this kiosk opens on another screen."""
    role = peek_role(settings.db_path)
    if role is None and unlocks_unattended(settings, args):
        # Encrypted: the role is inside. Most kiosks take proposals, so the welcome
        # is painted while the key is unlocked; a check-in kiosk replaces it then.
        role = "both"
    if role not in ("both", "proposals"):
        return None
    if getattr(args, "role", None) not in (None, "both", "proposals"):
        return None
    from kiosk.ui.background import run_in_background
    from kiosk.ui.window import KioskWindow

    early = KioskWindow(None, None, run_in_background, default_language=language)
    hooks.watch_first_paint(app, early.welcome)
    present(early, getattr(args, "windowed", False))
    app.processEvents()  # paints the welcome screen
    if hooks.first_paint:
        app.processEvents()  # the probe's report
    return early


@dataclasses.dataclass(frozen=True)
class Opened:
    settings: Any
    store: Any
    recovered: bool  # a backup was put back on the problem screen: the early window is gone


def open_or_recover(args: argparse.Namespace, early: Any) -> Opened | None:
    """The store, or the problem screen for a damaged or missing database (None when
    the person there leaves it without putting a backup back)."""
    from kiosk.bootstrap import open_store
    from kiosk.services.pin import pin_matches
    from kiosk.storage.health import DatabaseDamaged, DatabaseMissing

    try:
        return Opened(
            *open_store(args.data_dir, pin=lambda: pin_or_none(args), pin_check=pin_matches),
            recovered=False,
        )
    except (DatabaseDamaged, DatabaseMissing) as problem:
        if early is not None:
            early.unlocked = True
            early.close()
        if not database_problem(problem, args):
            return None
        return Opened(
            *open_store(args.data_dir, pin=lambda: pin_or_none(args), pin_check=pin_matches),
            recovered=True,
        )


def pin_or_none(args: argparse.Namespace) -> str:
    """The PIN given to ``kiosk run`` (or ``$KIOSK_PIN``); the PIN pad has run otherwise."""
    from kiosk.bootstrap import no_pin

    return given_pin(args) or no_pin()


def prepare_store(store: Any, settings: Any, args: argparse.Namespace) -> None:
    """Demo set-up, the role asked for, and the start-up backup."""
    from kiosk.storage.health import take_backup

    demo_badges = None
    if getattr(args, "demo", False) and store.event_id is None:
        demo_badges = setup_demo_door(store, settings)
    if getattr(args, "role", None):
        set_role(store, args.role)
    take_backup(settings.db_path, settings.backups_dir, "start")
    if demo_badges is not None:
        write_demo_badges(store, settings, demo_badges)


def write_demo_badges(store: Any, settings: Any, path: Any) -> None:
    """Printable badges of the demo roster, made once. The invitees' tokens are the
    (demo) organiser's: kiosks never hold them."""
    from kiosk.services.badge_sheet import badge_cards
    from kiosk.storage import Store as CentralStore
    from kiosk.ui.badge_sheet import write_badges_pdf

    organiser = settings.data_dir / "demo-organiser"
    central = CentralStore(f"sqlite:///{organiser / 'central.db'}")
    try:
        write_badges_pdf(badge_cards(central, event_id=store.event_id), path)
    finally:
        central.close()


def start_station(
    app: Any, store: Any, settings: Any, language: str, early: Any, args: argparse.Namespace
) -> Any:
    """The station (attendee kiosk and staff area) on this kiosk's role; its first window."""
    from kiosk.services.staff import load_staff_settings
    from kiosk.ui.station import Station

    sound = make_sound()
    station = Station(
        app,
        lambda on_staff: build_window(
            store, settings, on_staff=on_staff, default_language=language, window=early
        ),
        lambda locked, to_kiosk, on_quit: build_staff_window(
            store,
            settings,
            language=language,
            locked=locked,
            on_attendee_kiosk=to_kiosk,
            on_quit=on_quit,
            sound=sound,
        ),
        windowed=getattr(args, "windowed", False),
    )
    role = load_staff_settings(store, settings.idle_timeout_s).role
    if early is not None and role == "checkin":
        early.unlocked = True
        early.close()
        station.make_kiosk = lambda on_staff: build_window(
            store, settings, on_staff=on_staff, default_language=language
        )
    return station.start(role)


def present(window: Any, windowed: bool) -> None:
    """Show the first window. Full screen carries no window decorations (X11 window
    managers, Windows, macOS); Qt's frameless hint is left to Station, which adds it
    when a window is next shown: setting it now would touch Qt's enums before the
    first paint (~20 ms), and setting it on a visible window re-creates it (a flicker)."""
    if windowed:
        window.resize(1280, 800)
        window.show()
    else:
        # With no window manager (a bare X server) the full-screen request alone
        # leaves the window at its own size in a corner: it is given the screen too.
        screen = window.screen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
