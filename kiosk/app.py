"""Composition root: config -> i18n -> storage -> services -> UI."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
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
    from kiosk.services.checkin import (
        check_in,
        check_in_attendee,
        register_walk_in,
        search_attendees,
        undo_check_in,
    )
    from kiosk.services.door import door_counters, walk_in_badge
    from kiosk.ui.checkin_screen import DoorServices
    from kiosk.ui.printing import print_badge, save_badge_pdf

    return DoorServices(
        check_in=lambda text, method: check_in(store, text, method=method),
        check_in_attendee=lambda attendee_id: check_in_attendee(store, attendee_id),
        undo=lambda checkin_id: undo_check_in(store, checkin_id),
        search=lambda query: search_attendees(store, query),
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
    from kiosk.ui.printing import write_event_report
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
        sync_now=lambda progress: sync_to_central(store, settings, progress),
        write_report=lambda lang, folder, training: write_event_report(
            store, lang, folder, training
        ),
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

    Not ``restorable`` (a full or read-only disk): no backup is offered, since the
    database itself is whole; staff fix the disk and start again."""
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
    shot = os.environ.get("KIOSK_SCREENSHOT")
    if shot:
        from kiosk.ui.qt import QTimer

        QTimer.singleShot(800, lambda: (window.grab().save(shot), app.exit(0)))
    if os.environ.get("KIOSK_QUIT_AFTER_MS"):
        from kiosk.ui.qt import QTimer

        QTimer.singleShot(int(os.environ["KIOSK_QUIT_AFTER_MS"]), lambda: app.exit(0))
    app.exec()
    return bool(window.restored)


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
    given = getattr(args, "pin", None) or os.environ.get("KIOSK_PIN")
    return doc.get("wrapped_by") == "demo" or bool(given)


def needs_pin(settings: Any, args: argparse.Namespace, env_pin: str) -> bool:
    """True when the data is locked under the staff PIN and none was given."""
    from kiosk.storage import atrest

    if getattr(args, "pin", None) or os.environ.get(env_pin):
        return False
    kind = atrest.wrapped_by(atrest.key_path(settings.keys_dir))
    return kind == atrest.WRAPPED_BY_STAFF and atrest.key_for(settings.data_dir) is None


def unlock_on_screen(app: Any, settings: Any, windowed: bool) -> bool:
    """The staff PIN typed on the screen's pad unlocks the data (kiosk.storage.atrest);
    False when staff quit instead."""
    from kiosk.storage import atrest
    from kiosk.ui.background import run_in_background
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
    shot = os.environ.get("KIOSK_SCREENSHOT")
    if shot:
        from kiosk.ui.qt import QTimer

        QTimer.singleShot(800, lambda: (window.grab().save(shot), window._cancel()))
    app.exec()
    window.may_close = True
    window.close()
    return window.pin is not None


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


class FirstPaintProbe:
    """Start-up measurement (``KIOSK_EXIT_ON_FIRST_PAINT``): print the time of the
    first paint of a widget, and leave once the event loop can."""

    def __init__(self, app: Any, widget: Any) -> None:
        from kiosk.ui.qt import QTimer

        self.app = app
        self.painted = False
        probe = self

        def painted() -> None:
            if not probe.painted:
                probe.painted = True
                # Runs once the paint event has been handled: the screen is painted.
                QTimer.singleShot(0, probe.report)

        if hasattr(widget, "on_first_paint"):  # the welcome screen says so itself
            widget.on_first_paint = painted
            return
        from kiosk.ui.qt import QEvent, QObject

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint:
                    painted()
                return False

        self.filter = Filter(widget)
        widget.installEventFilter(self.filter)

    def report(self) -> None:
        print("PAINTED", time.monotonic(), flush=True)
        self.app.exit(0)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_settings
    from kiosk.ui.qt import QApplication
    from kiosk.ui.style import apply_style, load_fonts

    settings = load_settings(args.data_dir)  # the log file is set up with the store
    language = getattr(args, "ui_language", "ar")
    set_language(language)
    app = ensure_app(rtl=is_rtl(language))
    assert isinstance(app, QApplication)
    load_fonts()
    apply_style(app)
    windowed = getattr(args, "windowed", False)
    measuring = bool(os.environ.get("KIOSK_EXIT_ON_FIRST_PAINT"))
    probe = None

    # An attendee kiosk paints its welcome screen before the store is opened (the
    # storage layer takes longer to import than Qt); taps wait in the event queue.
    early = None
    role_hint = peek_role(settings.db_path)
    if role_hint is None and unlocks_unattended(settings, args):
        # Encrypted: the role is inside. Most kiosks take proposals, so the welcome
        # is painted while the key is unlocked; a check-in kiosk replaces it then.
        role_hint = "both"
    if role_hint in ("both", "proposals") and getattr(args, "role", None) in (
        None,
        "both",
        "proposals",
    ):
        from kiosk.ui.background import run_in_background
        from kiosk.ui.window import KioskWindow

        early = KioskWindow(None, None, run_in_background, default_language=language)
        if measuring:
            probe = FirstPaintProbe(app, early.welcome)
        present(early, windowed)
        app.processEvents()  # paints the welcome screen
        if measuring:
            app.processEvents()  # the probe's report
            if probe is not None and probe.painted:
                return 0

    from kiosk.cli import ENV_PIN, open_store
    from kiosk.domain.errors import KioskError, StorageError, StorageFull, os_error
    from kiosk.storage.atrest import KeyFileError, WrongPin
    from kiosk.storage.health import (
        DatabaseDamaged,
        DatabaseMissing,
        DatabaseUnreadable,
        take_backup,
    )

    store = None
    try:
        if needs_pin(settings, args, ENV_PIN):
            if early is not None:
                early.unlocked = True
                early.close()
                early = None
            if not unlock_on_screen(app, settings, windowed):
                return 3
        try:
            settings, store = open_store(args)
        except (DatabaseDamaged, DatabaseMissing) as problem:
            if early is not None:
                early.unlocked = True
                early.close()
            if not database_problem(problem, args):
                return 3
            early = None
            settings, store = open_store(args)
        demo_badges = None
        if getattr(args, "demo", False) and store.event_id is None:
            demo_badges = setup_demo_door(store, settings)
        if getattr(args, "role", None):
            set_role(store, args.role)
        take_backup(settings.db_path, settings.backups_dir, "start")
    except (StorageFull, StorageError, DatabaseUnreadable, KeyFileError, WrongPin, OSError) as exc:
        # A full or read-only disk: said on the screen (a kiosk has no terminal), the
        # database left as it is; staff free space and start again.
        problem = exc if isinstance(exc, KioskError) else os_error(exc)
        print(problem.message(), file=sys.stderr, flush=True)
        if store is not None:
            store.close()
        if early is not None:
            early.unlocked = True
            early.close()
        database_problem(problem, args, restorable=False)
        return 3
    if demo_badges is not None:  # printable badges of the demo roster, made once
        from kiosk.services.badge_sheet import badge_cards
        from kiosk.storage import Store as CentralStore
        from kiosk.ui.badge_sheet import write_badges_pdf

        # The invitees' tokens are the (demo) organiser's: kiosks never hold them.
        organiser = settings.data_dir / "demo-organiser"
        central = CentralStore(f"sqlite:///{organiser / 'central.db'}")
        try:
            write_badges_pdf(badge_cards(central, event_id=store.event_id), demo_badges)
        finally:
            central.close()
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
        windowed=windowed,
    )
    role = load_staff_settings(store, settings.idle_timeout_s).role
    if early is not None and role == "checkin":
        early.unlocked = True
        early.close()
        station.make_kiosk = lambda on_staff: build_window(
            store, settings, on_staff=on_staff, default_language=language
        )
    window = station.start(role)
    if measuring and probe is None:
        probe = FirstPaintProbe(app, getattr(window, "welcome", window))
    if os.environ.get("KIOSK_PRINT_READY"):  # start-up measurement: store open, screens ready
        print("READY", time.monotonic(), flush=True)
    shot = os.environ.get("KIOSK_SCREENSHOT")
    if shot:  # look at what a frozen build shows: save the first screen and leave
        from kiosk.ui.qt import QTimer

        QTimer.singleShot(800, lambda: (window.grab().save(shot), app.exit(0)))
    if os.environ.get("KIOSK_QUIT_AFTER_MS"):  # start-up measurements
        from kiosk.ui.qt import QTimer

        QTimer.singleShot(int(os.environ["KIOSK_QUIT_AFTER_MS"]), lambda: app.exit(0))
    code = app.exec()
    store.close()
    return int(code)


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
