"""Composition root: config -> i18n -> storage -> services -> UI."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from kiosk.config import setup_logging
from kiosk.i18n import set_language


def build_window(
    store: Any, settings: Any, runner: Any = None, default_language: str = "ar"
) -> Any:
    """The attendee window wired to the real services (used by run() and tests)."""
    from kiosk.domain.flow import Timeouts
    from kiosk.services.checkin import identify_badge
    from kiosk.services.context import event_info
    from kiosk.services.proposals import submit_proposal
    from kiosk.services.staff import check_pin
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
        idle_s=settings.idle_timeout_s,
        countdown_s=settings.idle_countdown_s,
        receipt_s=settings.receipt_timeout_s,
    )
    return KioskWindow(event, services, runner or run_in_background, timeouts, default_language)


def run(args: argparse.Namespace) -> int:
    from kiosk.cli import open_store
    from kiosk.services.setup import init_demo
    from kiosk.storage.health import take_backup
    from kiosk.ui.qt import QApplication
    from kiosk.ui.style import apply_style, load_fonts

    settings, store = open_store(args)
    setup_logging(settings)
    if getattr(args, "demo", False) and store.event_id is None:
        init_demo(store)
    take_backup(settings.db_path, settings.backups_dir, "start")
    set_language(getattr(args, "ui_language", "ar"))
    if not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ) and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    load_fonts()
    apply_style(app)
    window = build_window(store, settings)
    if getattr(args, "windowed", False):
        window.resize(1280, 800)
        window.show()
    else:
        from kiosk.ui.qt import Qt

        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()
    if os.environ.get("KIOSK_EXIT_ON_FIRST_PAINT"):  # start-up measurement (bench)
        from kiosk.ui.qt import QEvent, QObject, QTimer

        class FirstPaint(QObject):
            done = False

            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and not self.done:
                    self.done = True
                    QTimer.singleShot(
                        0, lambda: (print("PAINTED", time.monotonic(), flush=True), app.exit(0))
                    )
                return False

        probe = FirstPaint(window)
        window.welcome.installEventFilter(probe)
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
